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
