package poller_test

import (
	"fmt"
	"time"

	"github.com/corio-go/corio/poller"
	"golang.org/x/sys/unix"
)

type printWaker struct{ name string }

func (w printWaker) Wake() { fmt.Println("woken:", w.name) }

// registeredPipe makes a non-blocking pipe and a Poller watching its read
// end; done deregisters, closes the pipe and the Poller.
func registeredPipe() (p *poller.Poller, r poller.Registration, fds [2]int, done func()) {
	p, err := poller.New()
	if err != nil {
		panic(err)
	}
	if err := unix.Pipe2(fds[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
		panic(err)
	}
	if r, err = p.Register(fds[0]); err != nil {
		panic(err)
	}
	return p, r, fds, func() {
		p.Deregister(r) // before the fds close
		unix.Close(fds[0])
		unix.Close(fds[1])
		p.Close()
	}
}

// A task waits for a pipe to become readable; the poll loop wakes it.
func Example() {
	p, r, fds, done := registeredPipe()
	defer done()

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
