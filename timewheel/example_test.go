package timewheel_test

import (
	"fmt"
	"time"

	"github.com/corio-go/corio/timewheel"
)

// sleeper is how a timer future embeds its Entry: the wheel links the
// Entry in place and never allocates.
type sleeper struct {
	timewheel.Entry
	name string
}

func (s *sleeper) Wake() { fmt.Println(s.name, "woke") }

func newSleeper(name string) *sleeper {
	s := &sleeper{name: name}
	s.Init(s)
	return s
}

// The driver loop the runtime will run, against a paused clock: ask the
// wheel how long to park, park (here: move the clock), then fire what is due.
func Example() {
	clock := timewheel.NewManualClock(time.Time{})
	var wheel timewheel.Wheel

	a, b := newSleeper("a"), newSleeper("b")
	wheel.Insert(&a.Entry, timewheel.DeadlineAfter(clock, 30*time.Millisecond))
	wheel.Insert(&b.Entry, timewheel.DeadlineAfter(clock, 100*time.Millisecond))

	for wheel.Len() > 0 {
		timeout, _ := wheel.TimeUntilNext(clock.Elapsed())
		clock.Advance(timeout) // the poller would block this long
		if n := wheel.AdvanceTo(clock.Now()); n == 0 {
			fmt.Println("cascaded at", clock.Now())
		}
	}
	// Output:
	// a woke
	// cascaded at 64
	// b woke
}

func ExampleWheel_Insert() {
	var wheel timewheel.Wheel
	s := newSleeper("s")
	wheel.Insert(&s.Entry, 5)
	fmt.Println(wheel.AdvanceTo(4), s.State())
	fmt.Println(wheel.AdvanceTo(5), s.State())
	// Output:
	// 0 Pending
	// s woke
	// 1 Fired
}

func ExampleWheel_Cancel() {
	var wheel timewheel.Wheel
	s := newSleeper("s")
	wheel.Insert(&s.Entry, 5)
	fmt.Println(wheel.Cancel(&s.Entry), s.State())
	fmt.Println(wheel.Cancel(&s.Entry)) // already cancelled
	fmt.Println(wheel.AdvanceTo(10))
	// Output:
	// true Cancelled
	// false
	// 0
}

func ExampleWheel_Reset() {
	var wheel timewheel.Wheel
	s := newSleeper("s")
	wheel.Insert(&s.Entry, 5000)
	fmt.Println(wheel.Reset(&s.Entry, 20)) // earlier: was pending
	wheel.AdvanceTo(20)
	fmt.Println(wheel.Reset(&s.Entry, 30)) // fired: Reset inserts
	// Output:
	// true
	// s woke
	// false
}

func ExampleWheel_NextExpiration() {
	var wheel timewheel.Wheel
	s := newSleeper("s")
	wheel.Insert(&s.Entry, 1000)
	// 1000 ms is in the level-1 slot [960, 1024): the wheel next has work
	// at 960, where it files the timer into level 0 and can then tell the
	// exact deadline.
	at, ok := wheel.NextExpiration()
	fmt.Println(at, ok)
	wheel.AdvanceTo(at)
	fmt.Println(wheel.NextExpiration())
	// Output:
	// 960 true
	// 1000 true
}

// ticker re-arms itself from inside Wake: a periodic timer.
type ticker struct {
	timewheel.Entry
	wheel  *timewheel.Wheel
	period timewheel.Tick
	left   int
}

func (t *ticker) Wake() {
	fmt.Println("tick at", t.wheel.Elapsed())
	if t.left--; t.left > 0 {
		t.wheel.Insert(&t.Entry, t.Deadline()+t.period)
	}
}

func ExampleWheel_AdvanceTo() {
	var wheel timewheel.Wheel
	t := &ticker{wheel: &wheel, period: 40, left: 3}
	t.Init(t)
	wheel.Insert(&t.Entry, 40)
	for now := timewheel.Tick(0); now <= 200; now += 10 {
		wheel.AdvanceTo(now)
	}
	// Output:
	// tick at 40
	// tick at 80
	// tick at 120
}

func ExampleShared() {
	var wheel timewheel.Shared
	s := newSleeper("s")
	done := make(chan bool)
	go func() {
		wheel.Insert(&s.Entry, 10) // from any goroutine
		done <- true
	}()
	<-done
	fmt.Println(wheel.AdvanceTo(10)) // wakes without holding the lock
	// Output:
	// s woke
	// 1
}

func ExampleManualClock() {
	clock := timewheel.NewManualClock(time.Time{})
	clock.Advance(1500 * time.Microsecond)
	fmt.Println(clock.Now(), clock.Elapsed())
	clock.Set(time.Second)
	fmt.Println(clock.Now())
	// Output:
	// 1 1.5ms
	// 1000
}

func ExampleDeadlineAfter() {
	clock := timewheel.NewManualClock(time.Time{})
	clock.Advance(1500 * time.Microsecond)
	// 1.5 ms + 1 ms = 2.5 ms, rounded up: the timer fires at tick 3, when
	// the clock reads at least 3 ms, never before 2.5 ms.
	fmt.Println(timewheel.DeadlineAfter(clock, time.Millisecond))
	// Output: 3
}

func ExampleDeadlineAt() {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := timewheel.NewManualClock(start)
	fmt.Println(timewheel.DeadlineAt(clock, start.Add(2*time.Second+1)))
	// Output: 2001
}

func ExampleDurationToTicks() {
	fmt.Println(timewheel.DurationToTicks(time.Millisecond), timewheel.DurationToTicks(time.Millisecond+1))
	// Output: 1 2
}

func ExampleNewRealClock() {
	clock := timewheel.NewRealClock()
	var wheel timewheel.Wheel
	s := newSleeper("s")
	wheel.Insert(&s.Entry, timewheel.DeadlineAfter(clock, 20*time.Millisecond))
	timeout, ok := wheel.TimeUntilNext(clock.Elapsed())
	// At most 20 ms plus the rounding up to a whole tick.
	fmt.Println(ok, timeout <= 20*time.Millisecond+timewheel.TickDuration)
	// Output: true true
}

func ExampleWheel_TimeUntilNext() {
	var wheel timewheel.Wheel
	s := newSleeper("s")
	wheel.Insert(&s.Entry, 12)
	// The clock reads 10.7 ms; the timer is due at 12 ms.
	fmt.Println(wheel.TimeUntilNext(10*time.Millisecond + 700*time.Microsecond))
	wheel.Cancel(&s.Entry)
	fmt.Println(wheel.TimeUntilNext(0)) // nothing pending: park without timeout
	// Output:
	// 1.3ms true
	// 0s false
}

func ExampleEntry_State() {
	var wheel timewheel.Wheel
	s := newSleeper("s")
	fmt.Println(s.State())
	wheel.Insert(&s.Entry, 1)
	fmt.Println(s.State())
	wheel.AdvanceTo(1)
	fmt.Println(s.State()) // what a timer future's Poll checks, without a lock
	// Output:
	// Idle
	// Pending
	// s woke
	// Fired
}

func ExampleTicksToDuration() {
	fmt.Println(timewheel.TicksToDuration(1500))
	// Output: 1.5s
}

// A DeferList holds timers armed during a stretch of work (a task's poll) so
// that they are inserted together at its end, from one clock reading; a
// timer cancelled meanwhile just leaves the list and never reaches the wheel.
func ExampleDeferList() {
	clock := timewheel.NewManualClock(time.Time{})
	var wheel timewheel.Wheel
	var deferred timewheel.DeferList

	a, b := newSleeper("a"), newSleeper("b")
	deferred.Push(&a.Entry, uint64(20*time.Millisecond)) // the word: a duration
	deferred.Push(&b.Entry, uint64(50*time.Millisecond))
	b.Undefer() // cancelled before the end of the work

	clock.Advance(5 * time.Millisecond) // the rest of the work
	el := clock.Elapsed()               // one reading for the whole list
	for e, dur := deferred.Pop(); e != nil; e, dur = deferred.Pop() {
		wheel.Insert(e, timewheel.DurationToTicks(el+time.Duration(dur)))
	}
	fmt.Println("pending:", wheel.Len(), "a's deadline:", a.Deadline())

	clock.Advance(20 * time.Millisecond)
	wheel.AdvanceTo(clock.Now())
	// Output:
	// pending: 1 a's deadline: 25
	// a woke
}
