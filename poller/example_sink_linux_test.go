package poller_test

import (
	"fmt"
	"time"

	"github.com/corio-go/corio/poller"
	"golang.org/x/sys/unix"
)

// queueSink queues the wakers a Poll hands it, as a scheduler's worker queues
// the tasks its own poll woke, instead of waking them.
type queueSink struct{ queued []poller.Waker }

func (s *queueSink) Dispatch(w poller.Waker) { s.queued = append(s.queued, w) }

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// PollTo hands the satisfied waiters to a sink instead of waking them.
func ExamplePoller_PollTo() {
	p := must(poller.New())
	defer p.Close()
	fds := must(unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK, 0))
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])
	r := must(p.Register(fds[0]))
	defer p.Deregister(r)

	r.ClearReadiness(r.Readiness()) // as after a read that hit EAGAIN
	r.PollReady(poller.DirRead, printWaker{"reader"})
	unix.Write(fds[1], []byte("hi"))
	var s queueSink
	p.PollTo(time.Second, &s) // nothing is woken in here
	fmt.Println("queued:", len(s.queued))
	for _, w := range s.queued {
		w.Wake()
	}
	// Output:
	// queued: 1
	// woken: reader
}
