package rt_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/corio-go/corio/rt"
)

// In plain Go, Sleep blocks the goroutine; in an async function the same call
// becomes an await of SleepAsync and suspends only the task.
func ExampleSleep() {
	start := time.Now()
	rt.Sleep(10 * time.Millisecond)
	fmt.Println(time.Since(start) >= 10*time.Millisecond)
	// Output: true
}

// A hand-written future awaiting a sleep: poll the SleepAsync future until it
// is ready, as generated code does.
func ExampleSleepAsync() {
	s := rt.SleepAsync(5 * time.Millisecond)
	rt.Run(rt.PollFunc(func(cx *rt.Context) (string, bool) {
		if _, ok := s.Poll(cx); !ok {
			return "", false
		}
		return "slept", true
	}))
	fmt.Println("done")
	// Output: done
}

// Timeout gives up on a future that takes too long, cancels it, and returns
// an error that both errors.Is(err, rt.ErrTimeout) and
// errors.Is(err, context.DeadlineExceeded) recognize.
func ExampleTimeout() {
	_, err := rt.Timeout[struct{}](10*time.Millisecond, rt.SleepAsync(time.Hour))
	fmt.Println(errors.Is(err, rt.ErrTimeout))

	v, err := rt.Timeout(time.Hour, rt.Ready("fast"))
	fmt.Println(v, err)
	// Output:
	// true
	// fast <nil>
}

// An Interval ticks at a fixed period; its first tick is immediate. Tick is
// the blocking form; TickAsync the future for async code.
func ExampleNewInterval() {
	iv := rt.NewInterval(5 * time.Millisecond)
	iv.SetMissedTickBehavior(rt.Skip)
	defer iv.Stop()
	first := iv.Tick()
	second := iv.Tick()
	fmt.Println(second.Sub(first))
	// Output: 5ms
}
