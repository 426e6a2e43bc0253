package rt_test

import (
	"fmt"
	"time"

	"github.com/corio-go/corio/rt"
)

// pulses is a hand-written future that sleeps n times, holding its
// SleepFuture by value: re-arming it with Reset allocates nothing.
type pulses struct {
	sleep rt.SleepFuture
	left  int
}

func (p *pulses) Poll(cx *rt.Context) (int, bool) {
	for p.left > 0 {
		if _, ok := p.sleep.Poll(cx); !ok {
			return 0, false
		}
		p.left--
		p.sleep.Reset(2 * time.Millisecond)
	}
	return 3, true
}

// Cancel disarms the sleep in progress.
func (p *pulses) Cancel() { p.sleep.Cancel() }

func ExampleSleepFuture_Reset() {
	start := time.Now()
	// The zero SleepFuture is ready at once, so the first pass sleeps 0.
	n := rt.Run(rt.Future[int](&pulses{left: 4}))
	fmt.Println(n, time.Since(start) >= 6*time.Millisecond)
	// Output: 3 true
}

// deadlined is a hand-written future that bounds an inner future with a
// timeout held by value, as generated code holds the rt.Timeout it awaits:
// the timeout's timer lives in deadlined itself, so arming it allocates
// nothing.
type deadlined struct {
	timeout rt.TimeoutFuture[struct{}]
}

func (d *deadlined) Poll(cx *rt.Context) (string, bool) {
	out, ok := d.timeout.Poll(cx)
	if !ok {
		return "", false
	}
	if out.V1 != nil {
		return "timed out", true
	}
	return "in time", true
}

// Cancel cancels the timeout, which cancels its inner future.
func (d *deadlined) Cancel() { d.timeout.Cancel() }

func ExampleMakeTimeout() {
	slow := &deadlined{timeout: rt.MakeTimeout[struct{}](5*time.Millisecond, rt.SleepAsync(time.Hour))}
	fast := &deadlined{timeout: rt.MakeTimeout[struct{}](time.Hour, rt.SleepAsync(time.Millisecond))}
	fmt.Println(rt.Run(rt.Future[string](slow)))
	fmt.Println(rt.Run(rt.Future[string](fast)))
	// Output:
	// timed out
	// in time
}
