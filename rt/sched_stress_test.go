package rt

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// TestRingModel explores sequences of owner push/pop, overflow and steals on
// rings of 4 and 8 slots against a model FIFO, for many seeds, with the
// indices started just below 2^32 so that every run crosses the wrap-around.
// Operations are interleaved at operation granularity on one goroutine
// (TestRingConcurrent covers true concurrency).
func TestRingModel(t *testing.T) {
	for seed := int64(0); seed < 300; seed++ {
		rng := rand.New(rand.NewSource(seed))
		capacity := 4 << (seed % 2)
		var iq injectQueue
		a, b := newRing(capacity), newRing(capacity)
		start := uint32(1<<32 - 3 - seed%7)
		for _, q := range []*ring{a, b} {
			q.head.Store(pack(start, start))
			q.tail.Store(start)
			q.otail = start
		}
		owner, other := ringOwner{a}, ringOwner{b}
		seen := map[*taskHeader]bool{}
		var model []*taskHeader // a's content, in order
		id := 0
		for step := 0; step < 200; step++ {
			switch op := rng.Intn(10); {
			case op < 5: // push
				h := &taskHeader{id: uint64(id)}
				id++
				if owner.pushBack(h, &iq) {
					// Overflow moved the older half plus h to inject.
					n := capacity / 2
					if len(model) != capacity {
						t.Fatalf("seed %d: overflow with %d queued", seed, len(model))
					}
					model = model[n:]
					for i := 0; i < n+1; i++ {
						seen[iq.pop()] = true
					}
				} else {
					model = append(model, h)
				}
			case op < 8: // pop
				if p := owner.peek(); (len(model) == 0) != (p == nil) || (p != nil && p != model[0]) {
					t.Fatalf("seed %d step %d: peek gave %v with %d queued", seed, step, p, len(model))
				}
				h := owner.pop()
				if len(model) == 0 {
					if h != nil {
						t.Fatalf("seed %d: pop from empty gave %d", seed, h.id)
					}
					continue
				}
				if h != model[0] {
					t.Fatalf("seed %d step %d: pop gave %v, want %d", seed, step, h, model[0].id)
				}
				model = model[1:]
				seen[h] = true
			default: // b steals from a, then drains b
				n := len(model)
				h := (ringStealer{a}).stealInto(other)
				want := n - n/2
				if n == 0 {
					if h != nil {
						t.Fatalf("seed %d: steal from empty", seed)
					}
					continue
				}
				got := []*taskHeader{}
				for x := other.pop(); x != nil; x = other.pop() {
					got = append(got, x)
				}
				got = append(got, h)
				if len(got) != want {
					t.Fatalf("seed %d: stole %d of %d, want %d", seed, len(got), n, want)
				}
				for i, x := range got {
					if x != model[i] {
						t.Fatalf("seed %d: stolen order differs at %d", seed, i)
					}
					seen[x] = true
				}
				model = model[want:]
			}
			if a.len() != len(model) {
				t.Fatalf("seed %d: len %d, model %d", seed, a.len(), len(model))
			}
		}
		for h := owner.pop(); h != nil; h = owner.pop() {
			seen[h] = true
		}
		if len(seen) != id || iq.len() != 0 {
			t.Fatalf("seed %d: %d of %d tasks seen, %d left in inject", seed, len(seen), id, iq.len())
		}
	}
}

// TestRingConcurrent: an owner pushes and pops while stealers steal half at a
// time, on a ring of 4; every task comes out exactly once. Seeded op mixes;
// run under -race.
func TestRingConcurrent(t *testing.T) {
	for seed := int64(0); seed < 10; seed++ {
		const total = 5000
		var iq injectQueue
		victim := newRing(4)
		var counts [total]atomic.Int32
		tasks := make([]taskHeader, total)
		for i := range tasks {
			tasks[i].id = uint64(i)
		}
		var done atomic.Bool
		var wg sync.WaitGroup
		for s := 0; s < 2; s++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				mine := ringOwner{newRing(4)}
				for !done.Load() {
					h := (ringStealer{victim}).stealInto(mine)
					if h == nil {
						runtime.Gosched() // let the owner run on a loaded machine
						continue
					}
					counts[h.id].Add(1)
					for h := mine.pop(); h != nil; h = mine.pop() {
						counts[h.id].Add(1)
					}
				}
			}()
		}
		rng := rand.New(rand.NewSource(seed))
		owner := ringOwner{victim}
		for i := 0; i < total; i++ {
			owner.pushBack(&tasks[i], &iq)
			if rng.Intn(3) == 0 {
				if h := owner.pop(); h != nil {
					counts[h.id].Add(1)
				}
			}
			if rng.Intn(64) == 0 {
				runtime.Gosched()
			}
		}
		for h := owner.pop(); h != nil; h = owner.pop() {
			counts[h.id].Add(1)
		}
		done.Store(true)
		wg.Wait()
		for h := owner.pop(); h != nil; h = owner.pop() {
			counts[h.id].Add(1)
		}
		for h := iq.pop(); h != nil; h = iq.pop() {
			counts[h.id].Add(1)
		}
		for i := range counts {
			if c := counts[i].Load(); c != 1 {
				t.Fatalf("seed %d: task %d seen %d times", seed, i, c)
			}
		}
	}
}

// TestStateRacesWithShutdown explores the state word's races among wakers,
// an aborter, a runner and a shutdown, with seeded op mixes: exactly one
// goroutine completes the task, Cancel-side completion happens at most once,
// the task is never run concurrently, and a queue entry met by the runner is
// either polled (startPoll/startCancel) or stale only after shutdown took it.
func TestStateRacesWithShutdown(t *testing.T) {
	for seed := int64(0); seed < 500; seed++ {
		stateRace(t, seed, false)
	}
}

// stateRace runs one seeded mix of TestStateRacesWithShutdown. With held,
// the wakers also queue held entries (wakeHeld), the runner starts those
// with startHeld, and after some polls it keeps RUNNING and queues itself
// held, as a yield on the current-thread core does (TestHeldStateRaces):
// a held entry must then always be met with RUNNING set.
func stateRace(t *testing.T, seed int64, held bool) {
	rng := rand.New(rand.NewSource(seed))
	var s taskState
	queue := make(chan bool, 8) // true: a held entry
	var completions, running, queued atomic.Int32
	// push queues an entry: a task is never in the queue twice (a stale
	// entry left by shutdown included: nothing pushes the task after it).
	push := func(isHeld bool) {
		if queued.Add(1) > 1 {
			t.Errorf("seed %d: task queued twice", seed)
		}
		queue <- isHeld
	}
	stop := make(chan struct{})
	runnerDone := make(chan struct{})
	keep := make([]bool, 64) // the runner's yields that keep RUNNING, drawn up front
	for i := range keep {
		keep[i] = held && rng.Intn(3) == 0
	}
	go func() {
		defer close(runnerDone)
		for polls := 0; ; polls++ {
			var isHeld bool
			select {
			case isHeld = <-queue:
				queued.Add(-1)
			case <-stop:
				return
			}
			var st startResult
			if isHeld {
				if v := s.load(); v&(stateRunning|stateComplete) != stateRunning {
					t.Errorf("seed %d: held entry in state %s", seed, stateString(v))
					return
				}
				st = s.startHeld()
			} else {
				st = s.startRun(0)
			}
			switch st {
			case startSkip:
				// Only shutdown takes RUNNING from a queued task, and it
				// sets CANCELLED in the same CAS.
				if v := s.load(); v&stateCancelled == 0 {
					t.Errorf("seed %d: stale entry without shutdown: %s", seed, stateString(v))
				}
				continue
			case startCancel:
				completions.Add(1)
				s.complete(true)
				continue
			}
			if running.Add(1) != 1 {
				t.Errorf("seed %d: concurrent run", seed)
			}
			running.Add(-1)
			if keep[polls%len(keep)] && s.load()&stateCancelled == 0 {
				push(true) // a yield: RUNNING kept, no transition
				continue
			}
			switch s.endPoll(false) {
			case endPollReschedule:
				push(false)
			case endPollCancel:
				completions.Add(1)
				s.complete(true)
			}
		}
	}()
	s.start()
	push(false)
	var wg sync.WaitGroup
	for g := 0; g < 3; g++ {
		seq := make([]int, 20)
		for i := range seq {
			seq[i] = rng.Intn(10) // mostly wakes
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, o := range seq {
				switch {
				case o < 4 || (!held && o < 7):
					if s.wake() {
						push(false)
					}
				case o < 7:
					if ok, h := s.wakeHeld(runningOn(0)); ok {
						push(h)
					}
				case o < 9:
					if s.abort() {
						push(false)
					}
				default:
					if s.shutdown() {
						completions.Add(1)
						s.complete(true)
					}
				}
			}
		}()
	}
	wg.Wait()
	// End with a shutdown, which completes the task unless it runs; wait
	// for the runner to finish it in that case.
	if s.shutdown() {
		completions.Add(1)
		s.complete(true)
	}
	for s.load()&stateComplete == 0 {
		runtime.Gosched()
	}
	close(stop)
	<-runnerDone
	if c := completions.Load(); c != 1 {
		t.Fatalf("seed %d: %d completions", seed, c)
	}
}

// TestLostWakeupHunt: producers on several goroutines (and tasks on other
// workers) wake consumer tasks of a multi-thread runtime with a tiny ring;
// each consumer completes only after it observed every wake's increment, so
// a lost wake-up hangs the test and an extra one is harmless. The exact
// total is checked at the end.
func TestLostWakeupHunt(t *testing.T) {
	r := NewMultiThread(WithWorkers(4), WithLocalQueueCapacity(4), WithGlobalQueueInterval(1))
	defer r.Shutdown()
	const consumers, producers, perProducer = 8, 6, 3000
	sigs := make([]*signalFuture, consumers)
	hs := make([]*JoinHandle[int64], consumers)
	for i := range sigs {
		sigs[i] = &signalFuture{t: t, target: producers * perProducer}
		hs[i] = SpawnOn[int64](r, sigs[i])
	}
	var wg sync.WaitGroup
	for p := 0; p < producers; p++ {
		if p%2 == 0 { // plain goroutines
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < perProducer; i++ {
					for _, s := range sigs {
						s.fire()
					}
				}
			}()
			continue
		}
		// tasks: wake from inside a poll, yielding now and then
		i := 0
		wg.Add(1)
		SpawnOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
			for ; i < perProducer; i++ {
				if i%16 == 15 && !readyLeaf(cx) {
					return struct{}{}, false
				}
				for _, s := range sigs {
					s.fired.Add(1)
					s.mu.Lock()
					w := s.waker
					s.mu.Unlock()
					if w != nil {
						cx.Wake(w)
					}
				}
			}
			wg.Done()
			return struct{}{}, true
		}))
	}
	wg.Wait()
	var total int64
	for _, h := range hs {
		v, err := h.Join()
		if err != nil {
			t.Fatal(err)
		}
		total += v
	}
	if want := int64(consumers * producers * perProducer); total != want {
		t.Fatalf("total %d, want %d", total, want)
	}
}

// TestRemoteWakeOfParkedRuntime: before each remote wake every worker is
// parked; the wake must still run the task.
func TestRemoteWakeOfParkedRuntime(t *testing.T) {
	r := NewMultiThread(WithWorkers(3))
	defer r.Shutdown()
	m := r.sched.(*multiThread)
	sig := &signalFuture{t: t, target: 200}
	var polls atomic.Int64
	h := SpawnOn(r, PollFunc(func(cx *Context) (int64, bool) {
		polls.Add(1)
		return sig.Poll(cx)
	}))
	for i := int64(1); i <= 200; i++ {
		for !m.idle.allParked() {
			runtime.Gosched()
		}
		before := polls.Load()
		sig.fire()
		for polls.Load() == before && i < 200 {
			runtime.Gosched()
		}
	}
	if v, err := h.Join(); err != nil || v != 200 {
		t.Fatalf("%v %v", v, err)
	}
}

// TestSelfWakerDoesNotStarve: a task that wakes itself forever (through the
// LIFO path too) must not keep others from running, on every flavour.
func TestSelfWakerDoesNotStarve(t *testing.T) {
	forFlavours(t, func(t *testing.T, newRT func() *Runtime) {
		r := newRT()
		defer r.Shutdown()
		var stop atomic.Bool
		spinner := func() Future[struct{}] {
			return PollFunc(func(cx *Context) (struct{}, bool) {
				if stop.Load() {
					return struct{}{}, true
				}
				cx.Wake(cx.Waker())
				return struct{}{}, false
			})
		}
		var hs []*JoinHandle[struct{}]
		for i := 0; i < 8; i++ {
			hs = append(hs, SpawnOn(r, spinner()))
		}
		// A pair that wakes each other through the LIFO slot.
		var a, b pingSlot
		hs = append(hs, SpawnOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
			for !stop.Load() {
				a.send(cx, 1, true)
				if _, ok := b.recv(cx); !ok {
					return struct{}{}, false
				}
			}
			return struct{}{}, true
		})))
		hs = append(hs, SpawnOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
			for !stop.Load() {
				if _, ok := a.recv(cx); !ok {
					return struct{}{}, false
				}
				b.send(cx, 1, true)
			}
			return struct{}{}, true
		})))
		// Other tasks, spawned locally and remotely, must all complete.
		const others = 300
		BlockOn(r, SpawnOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
			for i := 0; i < others; i++ {
				SpawnAsync[int](&counterFuture{t: t, k: 3}).Poll(cx)
			}
			return struct{}{}, true
		})).JoinAsync())
		var joins []*JoinHandle[int]
		for i := 0; i < others; i++ {
			joins = append(joins, SpawnOn[int](r, &counterFuture{t: t, k: 3, out: i}))
		}
		for i, h := range joins { // BlockOn: a current-thread runtime runs only inside it
			if res := BlockOn(r, h.JoinAsync()); res.V1 != nil || res.V0 != i {
				t.Fatalf("other %d: %v", i, res)
			}
		}
		stop.Store(true)
		for _, h := range hs {
			h.Abort()
			BlockOn(r, h.JoinAsync())
		}
	})
}

// TestDirectBlockingOnWorkerDetected: direct-mode blocking inside a task of a
// multi-thread runtime panics (and becomes the task's JoinError).
func TestDirectBlockingOnWorkerDetected(t *testing.T) {
	r := NewMultiThread(WithWorkers(2))
	defer r.Shutdown()
	h := SpawnOn(r, PollFunc(func(*Context) (int64, bool) {
		return Await[int64](&signalFuture{t: t, target: 1}), true
	}))
	_, err := h.Join()
	je, ok := err.(*JoinError)
	if !ok || !je.IsPanic() || fmt.Sprint(je.PanicValue()) != "corio/rt: Await called from inside a task on a runtime goroutine; use AwaitAsync in an async function" {
		t.Fatalf("%v", err)
	}
}

func openFDs(t *testing.T) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	return len(ents)
}

// TestShutdownLeavesNothing: after Shutdown a runtime of either flavour holds
// no goroutine (goleak in TestMain checks the whole run) and no descriptor.
func TestShutdownLeavesNothing(t *testing.T) {
	forFlavours(t, func(t *testing.T, newRT func() *Runtime) {
		before := openFDs(t)
		others := goleak.IgnoreCurrent()
		for i := 0; i < 5; i++ {
			r := newRT()
			SpawnOn(r, &pending{})
			BlockOn(r, SpawnOn(r, &counterFuture{t: t, k: 10}).JoinAsync())
			if !r.ShutdownTimeout(time.Minute) {
				t.Fatal("shutdown timed out")
			}
		}
		if after := openFDs(t); after != before {
			t.Fatalf("descriptors: %d before, %d after", before, after)
		}
		goleak.VerifyNone(t, others)
	})
}

// TestTaskContextCancelledOnAbort: the context of TaskContextAsync is
// cancelled when the task is aborted, with ErrTaskAborted as its cause.
func TestTaskContextCancelledOnAbort(t *testing.T) {
	forFlavours(t, func(t *testing.T, newRT func() *Runtime) {
		r := newRT()
		defer r.Shutdown()
		got := make(chan error, 1)
		h := SpawnOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
			ctx, _ := TaskContextAsync().Poll(cx)
			go func() {
				<-ctx.Done()
				got <- context.Cause(ctx)
			}()
			return struct{}{}, false // never woken: idle until aborted
		}))
		// Wait until the task ran once (it is idle then), then abort it.
		for r.Metrics().Polls == 0 && !h.IsFinished() {
			BlockOn(r, YieldNowAsync())
		}
		h.Abort()
		if err := <-got; err != ErrTaskAborted {
			t.Fatalf("cause %v", err)
		}
		if res := BlockOn(r, h.JoinAsync()); res.V1 == nil {
			t.Fatal("aborted task returned no error")
		}
	})
}
