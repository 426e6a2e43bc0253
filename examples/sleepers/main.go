// Command sleepers runs 10,000 tasks that each sleep a random duration and
// wake, all at once on corio's multi-thread runtime, then prints how many woke, how long
// it took, how late the timers fired, and how much memory a sleeping task
// holds.
//
// Sleeper and Main are ordinary Go functions marked //async:func; `go
// generate` (asyncgen) writes main_async.go with SleeperAsync and MainAsync,
// their state-machine futures. A sleeping task is such a future waiting on a
// timer: no goroutine, no stack.
//
//	go run ./examples/sleepers
//	go run ./examples/sleepers -n 100000 -max 2s
package main

//go:generate go run github.com/corio-go/corio/cmd/asyncgen

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/corio-go/corio/rt"
)

// counts tracks the sleepers; every task updates it.
type counts struct {
	asleep atomic.Int64 // tasks inside rt.Sleep
	woke   atomic.Int64 // tasks past it
}

// Sleeper sleeps for d and returns how late it woke: the time it slept beyond d.
//
//async:func
func Sleeper(d time.Duration, c *counts) time.Duration {
	start := time.Now()
	c.asleep.Add(1)
	rt.Sleep(d) // a suspension point: the task waits on a timer
	c.asleep.Add(-1)
	c.woke.Add(1)
	return time.Since(start) - d
}

// Summary is what Main reports.
type Summary struct {
	Woke        int
	MeanLate    time.Duration
	MinLate     time.Duration // a timer never fires early: never negative
	MaxLate     time.Duration
	Asleep      int64   // tasks asleep when the heap was weighed
	HeapPerTask float64 // heap bytes per sleeping task at that moment
}

// Main spawns one Sleeper per duration, weighs the heap once they are all
// asleep, then joins them all.
//
//async:func
func Main(durs []time.Duration, heapBefore uint64) (Summary, error) {
	var c counts
	handles := make([]*rt.JoinHandle[time.Duration], len(durs))
	for i, d := range durs {
		handles[i] = rt.Spawn(SleeperAsync(d, &c))
	}
	// Nap until every task is asleep (or the first has already woken).
	for c.asleep.Load() < int64(len(durs)) && c.woke.Load() == 0 {
		rt.Sleep(time.Millisecond)
	}
	var s Summary
	s.Asleep = c.asleep.Load()
	s.HeapPerTask = float64(int64(heapInUse())-int64(heapBefore)) / float64(s.Asleep)
	var total time.Duration
	s.MinLate = time.Duration(1<<63 - 1)
	for _, h := range handles {
		late, err := h.Join()
		if err != nil {
			return s, err
		}
		s.Woke++
		total += late
		s.MinLate = min(s.MinLate, late)
		s.MaxLate = max(s.MaxLate, late)
	}
	s.MeanLate = total / time.Duration(len(durs))
	return s, nil
}

// heapInUse is the heap held by live objects after a full collection. (It
// stops the world for the collection: fine for a one-off measurement, not
// something to call in a task's hot path.)
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

func main() {
	n := flag.Int("n", 10_000, "sleeping tasks")
	minD := flag.Duration("min", 200*time.Millisecond, "shortest sleep")
	maxD := flag.Duration("max", time.Second, "longest sleep")
	seed := flag.Uint64("seed", 1, "seed of the random durations")
	flag.Parse()
	if *n < 1 || *maxD < *minD {
		fmt.Fprintln(os.Stderr, "sleepers: need -n >= 1 and -max >= -min")
		os.Exit(2)
	}
	rng := rand.New(rand.NewPCG(*seed, *seed))
	durs := make([]time.Duration, *n)
	for i := range durs {
		durs[i] = *minD + time.Duration(rng.Int64N(int64(*maxD-*minD)+1))
	}

	// The multi-thread runtime, one worker per GOMAXPROCS; its parked
	// workers drive the timers.
	r := rt.NewMultiThread()
	defer r.Shutdown()
	before := heapInUse()
	start := time.Now()
	out := rt.BlockOn(r, MainAsync(durs, before))
	elapsed := time.Since(start)
	if out.V1 != nil {
		fmt.Fprintln(os.Stderr, "sleepers:", out.V1)
		os.Exit(1)
	}
	s := out.V0
	fmt.Printf("%d tasks slept %v..%v on a multi-thread runtime (%d workers) and woke: %d in %v\n",
		*n, *minD, *maxD, runtime.GOMAXPROCS(0), s.Woke, elapsed.Round(time.Millisecond))
	fmt.Printf("late by %v on average, %v at most\n",
		s.MeanLate.Round(time.Microsecond), s.MaxLate.Round(time.Microsecond))
	fmt.Printf("heap per sleeping task: %.0f B (%d asleep when weighed)\n", s.HeapPerTask, s.Asleep)
}
