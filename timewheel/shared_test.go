package timewheel

import (
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// stressEntry counts the Wake calls of one entry, from any goroutine.
type stressEntry struct {
	Entry
	wakes atomic.Int64
}

func (e *stressEntry) Wake() { e.wakes.Add(1) }

// TestSharedCancelRacesFire has workers arm, reset and cancel their timers
// while two drivers advance the wheel tick by tick. Every arming must end
// exactly one way: it fires (one Wake), Cancel returns true for it, or a
// Reset returning true replaces it. Run with -race.
func TestSharedCancelRacesFire(t *testing.T) {
	const (
		workers    = 4
		perWorker  = 32
		iterations = 3000
	)
	var s Shared
	var now atomic.Uint64
	var stop atomic.Bool
	var drivers sync.WaitGroup
	for range 2 {
		drivers.Go(func() {
			for !stop.Load() {
				s.AdvanceTo(Tick(now.Add(1)))
			}
		})
	}

	type tally struct{ arms, cancels, replaced int64 }
	entries := make([][]stressEntry, workers)
	tallies := make([][]tally, workers)
	var wg sync.WaitGroup
	for wi := range workers {
		entries[wi] = make([]stressEntry, perWorker)
		tallies[wi] = make([]tally, perWorker)
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(wi), 42))
			es, ts := entries[wi], tallies[wi]
			for i := range es {
				es[i].Init(&es[i])
			}
			for range iterations {
				i := rng.IntN(perWorker)
				e, tl := &es[i], &ts[i]
				d := Tick(now.Load()) + Tick(rng.IntN(40))
				switch rng.IntN(3) {
				case 0:
					// Only this worker arms e, and the wheel never
					// makes a non-pending entry pending: the check
					// cannot go stale in the direction that matters.
					if e.State() != Pending {
						s.Insert(&e.Entry, d)
						tl.arms++
					}
				case 1:
					if s.Cancel(&e.Entry) {
						tl.cancels++
						if e.State() != Cancelled {
							t.Errorf("state %v after a successful Cancel", e.State())
						}
					}
				case 2:
					if s.Reset(&e.Entry, d) {
						tl.replaced++
					}
					tl.arms++
				}
			}
		})
	}
	wg.Wait()
	stop.Store(true)
	drivers.Wait()
	s.AdvanceTo(Tick(now.Load()) + 1000) // drain
	s.mu.Lock()
	s.wheel.check()
	s.mu.Unlock()
	if s.Len() != 0 {
		t.Fatalf("Len = %d after draining", s.Len())
	}
	for wi := range workers {
		for i := range entries[wi] {
			tl, wakes := tallies[wi][i], entries[wi][i].wakes.Load()
			if tl.arms != wakes+tl.cancels+tl.replaced {
				t.Errorf("worker %d entry %d: %d armings, %d wakes + %d cancels + %d replaced", wi, i, tl.arms, wakes, tl.cancels, tl.replaced)
			}
		}
	}
}

// rearmWaker re-arms its entry from inside Wake through the Shared wheel,
// which only works because Shared calls Wake without its lock.
type rearmWaker struct {
	Entry
	s     *Shared
	fires int
}

func (r *rearmWaker) Wake() {
	if r.State() != Fired {
		panic("Wake called before the entry was marked Fired")
	}
	r.fires++
	if r.fires < 5 {
		r.s.Insert(&r.Entry, r.s.Elapsed()+10)
	}
}

func TestSharedReinsertFromWake(t *testing.T) {
	var s Shared
	r := &rearmWaker{s: &s}
	r.Init(r)
	s.Insert(&r.Entry, 10)
	for now := Tick(1); now <= 100; now++ {
		s.AdvanceTo(now)
	}
	if r.fires != 5 || s.Len() != 0 {
		t.Fatalf("fires %d, Len %d; want 5, 0", r.fires, s.Len())
	}
}

func TestSharedBatches(t *testing.T) {
	var s Shared
	var cw countWaker
	es := make([]Entry, 3*wakeBatch+5)
	for i := range es {
		es[i].Init(&cw)
		s.Insert(&es[i], Tick(1+i%3))
	}
	if at, ok := s.NextExpiration(); !ok || at != 1 {
		t.Fatalf("NextExpiration = %d, %v", at, ok)
	}
	if d, ok := s.TimeUntilNext(0); !ok || d != TicksToDuration(1) {
		t.Fatalf("TimeUntilNext = %v, %v", d, ok)
	}
	if !s.Reset(&es[0], 2) || !s.Cancel(&es[1]) {
		t.Fatal("Reset or Cancel of a pending entry failed")
	}
	if n := s.AdvanceTo(10); n != len(es)-1 || cw.n != len(es)-1 {
		t.Fatalf("AdvanceTo fired %d (wakes %d), want %d", n, cw.n, len(es)-1)
	}
	if s.Elapsed() != 10 || s.Len() != 0 {
		t.Fatalf("Elapsed %d Len %d", s.Elapsed(), s.Len())
	}
}

// flagWaker records that it was woken.
type flagWaker struct{ woken atomic.Bool }

func (w *flagWaker) Wake() { w.woken.Store(true) }

// TestSharedReinitAfterFired is the regression test for a race in
// Shared.AdvanceTo: it stored Fired in an entry before copying the entry's
// waker out, so an owner that saw Fired and re-armed the entry with a new waker
// (Init, a plain write) raced with that read. The owner here does exactly
// that, as fast as it can, while a driver goroutine fires the entry; under
// -race the old order fails within a few iterations. Each fire must also wake
// the waker the entry was armed with, never a later one.
func TestSharedReinitAfterFired(t *testing.T) {
	const iterations = 2000
	var s Shared
	var e Entry
	var stop atomic.Bool
	var now atomic.Uint64
	done := make(chan struct{})
	go func() {
		defer close(done)
		for !stop.Load() {
			s.AdvanceTo(Tick(now.Add(1)))
		}
	}()
	wakers := make([]flagWaker, iterations)
	for i := range wakers {
		e.Init(&wakers[i]) // the entry is Idle or Fired here: legal
		s.Insert(&e, Tick(now.Load()))
		for e.State() != Fired {
			// Yield: with one P, under -race, this loop (its atomic
			// load is a call into the race runtime) is never
			// preempted, and the firing goroutine never runs.
			runtime.Gosched()
		}
	}
	stop.Store(true)
	<-done
	// Every fire was handed the waker it was armed with: with the old
	// order a fire could read the next arming's waker and skip its own.
	for i := range wakers {
		if !wakers[i].woken.Load() {
			t.Fatalf("arming %d was never woken", i)
		}
	}
}
