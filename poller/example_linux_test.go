package poller_test

import (
	"fmt"
	"time"

	"github.com/corio-go/corio/poller"
	"golang.org/x/sys/unix"
)

type printWaker struct{ name string }

func (w printWaker) Wake() { fmt.Println("woken:", w.name) }

// A task waits for a pipe to become readable; the poll loop wakes it.
func Example() {
	p, err := poller.New()
	if err != nil {
		panic(err)
	}
	defer p.Close()
	var fds [2]int
	if err := unix.Pipe2(fds[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
		panic(err)
	}
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])
	r, err := p.Register(fds[0])
	if err != nil {
		panic(err)
	}
	defer p.Deregister(r) // before the fds close (defers run last-in first-out)

	// The task: try to read, hit EAGAIN, clear what it saw, wait.
	buf := make([]byte, 16)
	ev := r.Readiness()
	if _, err := unix.Read(fds[0], buf); err == unix.EAGAIN {
		r.ClearReadiness(ev)
		if _, ok := r.PollReady(poller.DirRead, printWaker{"reader"}); !ok {
			fmt.Println("pending")
		}
	}

	unix.Write(fds[1], []byte("hi"))
	p.Poll(time.Second) // the driver's loop; the waker runs in here
	ev, _ = r.PollReady(poller.DirRead, printWaker{"reader"})
	n, _ := unix.Read(fds[0], buf)
	fmt.Printf("%v: %q\n", ev.Ready, buf[:n])
	// Output:
	// pending
	// woken: reader
	// Readable: "hi"
}

// Wakeup interrupts a Poll blocked with no timeout.
func ExamplePoller_Wakeup() {
	p, err := poller.New()
	if err != nil {
		panic(err)
	}
	defer p.Close()
	go p.Wakeup() // e.g. a task spawned from outside the runtime
	n, err := p.Poll(-1)
	fmt.Println(n, err)
	// Output: 0 <nil>
}
