package poller_test

import (
	"fmt"
	"time"

	"github.com/corio-go/corio/poller"
	"golang.org/x/sys/unix"
)

// goroutineWaker wakes a goroutine blocked on its channel. It lends the
// poller a box holding itself (poller.WakerBoxer), so that its waits on a
// registration allocate nothing, though it is not the word type.
type goroutineWaker struct {
	ch  chan struct{}
	box poller.Waker
}

func newGoroutineWaker() *goroutineWaker {
	w := &goroutineWaker{ch: make(chan struct{}, 1)}
	w.box = w
	return w
}

func (w *goroutineWaker) Wake() {
	select {
	case w.ch <- struct{}{}:
	default:
	}
}

func (w *goroutineWaker) WakerBox() *poller.Waker { return &w.box }

// A goroutine blocks until a pipe is readable, woken through a Waker that
// lends its own box.
func ExampleWakerBoxer() {
	p, r, fds, done := registeredPipe()
	defer done()
	p.Poll(0) // the registration's first edges

	go func() {
		time.Sleep(time.Millisecond)
		unix.Write(fds[1], []byte("hi"))
		p.Poll(time.Second) // the driver's loop
	}()
	w := newGoroutineWaker()
	buf := make([]byte, 16)
	for {
		ev := r.Readiness()
		n, err := unix.Read(fds[0], buf)
		if err != unix.EAGAIN {
			fmt.Printf("%q %v\n", buf[:n], err)
			return
		}
		r.ClearReadiness(ev)
		if _, ok := r.PollReady(poller.DirRead, w); !ok {
			<-w.ch
		}
	}
	// Output: "hi" <nil>
}
