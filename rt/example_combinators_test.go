package rt_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/corio-go/corio/rt"
)

// delayed is a hand-written future that sleeps d, then is ready with v: what
// an async function `func F() T { rt.Sleep(d); return v }` compiles to.
type delayed[T any] struct {
	sleep *rt.SleepFuture
	v     T
}

func after[T any](d time.Duration, v T) *delayed[T] {
	return &delayed[T]{sleep: rt.SleepAsync(d), v: v}
}

func (f *delayed[T]) Poll(cx *rt.Context) (T, bool) {
	_, ok := f.sleep.Poll(cx)
	return f.v, ok
}

// Cancel disarms the sleep's timer.
func (f *delayed[T]) Cancel() { f.sleep.Cancel() }

// stuck never completes and says when it is cancelled.
type stuck[T any] struct{ name string }

func (stuck[T]) Poll(*rt.Context) (T, bool) {
	var zero T
	return zero, false
}

func (s stuck[T]) Cancel() { fmt.Println("cancelled", s.name) }

func ExampleSelect2() {
	// In an async function this line suspends the task; in plain Go, as
	// here, it blocks the goroutine. The reply comes after 10ms; the other
	// branch never would, and is cancelled once the reply has won.
	s := rt.Select2[string, struct{}](after(10*time.Millisecond, "reply"), stuck[struct{}]{"shutdown signal"})
	switch s.Index {
	case 0:
		fmt.Println("got", s.V0)
	case 1:
		fmt.Println("shutting down")
	}
	// Output:
	// cancelled shutdown signal
	// got reply
}

func ExampleSelectN() {
	// Ask three replicas, take the first answer. On a paused clock the
	// runtime jumps from timer to timer, so the race is exact.
	r := rt.NewCurrentThreadWith(rt.WithPausedClock(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)))
	defer r.Shutdown()
	replicas := []rt.Future[string]{
		after(30*time.Millisecond, "replica a"),
		after(10*time.Millisecond, "replica b"),
		after(20*time.Millisecond, "replica c"),
	}
	out := rt.BlockOn(r, rt.SelectNAsync(replicas)) // rt.SelectN(replicas) in an async function
	fmt.Println(out.V0, out.V1)
	// Output:
	// 1 replica b
}

func ExampleJoin2() {
	// Both run at once inside the calling task (here: the goroutine), so
	// this takes about 20ms, not 30ms.
	n, s := rt.Join2[int, string](after(20*time.Millisecond, 42), after(10*time.Millisecond, "answer"))
	fmt.Println(s, n)
	// Output:
	// answer 42
}

func ExampleTryJoinAll() {
	type result = rt.Tuple2[int, error] // the output of an async func() (int, error)
	fetches := []rt.Future[result]{
		after(5*time.Millisecond, result{V0: 1}),
		after(10*time.Millisecond, result{V1: errors.New("disk full")}),
		stuck[result]{"the slow fetch"},
	}
	vs, err := rt.TryJoinAll(fetches)
	fmt.Println(vs, err)
	// Output:
	// cancelled the slow fetch
	// [] disk full
}

func ExampleJoinSet() {
	// On a paused clock the runtime jumps from timer to timer, so the order
	// in which the tasks finish is exact.
	r := rt.NewMultiThread(rt.WithPausedClock(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)))
	defer r.Shutdown()
	var set rt.JoinSet[string]
	defer set.Shutdown() // ends any task still running when the function returns
	set.SpawnOn(r, after(30*time.Millisecond, "slow"))
	set.SpawnOn(r, after(10*time.Millisecond, "fast"))
	set.SpawnOn(r, after(20*time.Millisecond, "medium"))
	// Results come out in the order the tasks finish.
	for {
		v, ok, err := set.JoinNext()
		if !ok {
			break // the set is empty
		}
		fmt.Println(v, err)
	}
	// Output:
	// fast <nil>
	// medium <nil>
	// slow <nil>
}
