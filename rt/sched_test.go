package rt

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// flavours are the runtime constructors every flavour-generic test runs on:
// the current-thread runtime, a multi-thread runtime with default knobs, and
// one with shrunken capacities (ring of 4, inject checked every tick) that
// exercises overflow and stealing on every few tasks.
var flavours = []struct {
	name string
	new  func() *Runtime
}{
	{"current", NewCurrentThread},
	{"multi", func() *Runtime { return NewMultiThread(WithWorkers(4)) }},
	{"multi-tiny", func() *Runtime {
		return NewMultiThread(WithWorkers(3), WithLocalQueueCapacity(4), WithGlobalQueueInterval(1), WithEventInterval(2))
	}},
}

func forFlavours(t *testing.T, f func(t *testing.T, newRT func() *Runtime)) {
	for _, fl := range flavours {
		t.Run(fl.name, func(t *testing.T) { f(t, fl.new) })
	}
}

// spawnTree spawns n tasks from inside a task, each yielding k times, and
// joins them all: the sum of their outputs is checked.
func TestSpawnJoinAllFlavours(t *testing.T) {
	forFlavours(t, func(t *testing.T, newRT func() *Runtime) {
		r := newRT()
		defer r.Shutdown()
		const n = 2000
		var hs []*JoinHandle[int]
		sum := 0
		got := BlockOn(r, seq(
			func(cx *Context) bool {
				for i := 0; i < n; i++ {
					h, _ := SpawnAsync[int](&counterFuture{t: t, k: i % 5, out: i}).Poll(cx)
					hs = append(hs, h)
				}
				return true
			},
			func(cx *Context) bool {
				for len(hs) > 0 {
					res, ok := hs[0].JoinAsync().Poll(cx)
					if !ok {
						return false
					}
					if res.V1 != nil {
						t.Fatal(res.V1)
					}
					sum += res.V0
					hs = hs[1:]
				}
				return true
			},
		))
		_ = got
		if want := n * (n - 1) / 2; sum != want {
			t.Fatalf("sum %d, want %d", sum, want)
		}
		r.Shutdown() // workers publish their counters as they stop
		m := r.Metrics()
		if m.Spawned != n || m.Completed != n || m.LiveTasks != 0 {
			t.Fatalf("metrics %+v", m)
		}
	})
}

// TestManyJoiners: several tasks await one handle at once; all complete.
func TestManyJoiners(t *testing.T) {
	forFlavours(t, func(t *testing.T, newRT func() *Runtime) {
		r := newRT()
		defer r.Shutdown()
		sig := &signalFuture{t: t, target: 1}
		target := SpawnOn[int64](r, sig)
		const joiners = 5
		var done atomic.Int32
		var hs []*JoinHandle[struct{}]
		for i := 0; i < joiners; i++ {
			hs = append(hs, SpawnOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
				res, ok := target.JoinAsync().Poll(cx)
				if !ok {
					return struct{}{}, false
				}
				if res.V0 != 1 || res.V1 != nil {
					t.Errorf("joiner got %v", res)
				}
				done.Add(1)
				return struct{}{}, true
			})))
		}
		// Let every joiner register before the target completes.
		BlockOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
			target.t.lockJoin()
			n := 0
			switch p, tag := target.t.loadExt(); tag {
			case extJoin:
				n = len((*joinState)(p).wakers)
			case extTask, extBox:
				n = 1
			}
			target.t.unlockJoin()
			if n < joiners {
				cx.Waker().Wake()
				return struct{}{}, false
			}
			return struct{}{}, true
		}))
		sig.fire()
		for _, h := range hs {
			BlockOn(r, h.JoinAsync())
		}
		if done.Load() != joiners {
			t.Fatalf("%d joiners completed, want %d", done.Load(), joiners)
		}
	})
}

func TestJoinErrorIDAndAccessors(t *testing.T) {
	r := NewMultiThread(WithWorkers(2))
	defer r.Shutdown()
	boom := errors.New("boom")
	h := SpawnOn(r, PollFunc(func(*Context) (int, bool) { panic(boom) }))
	_, err := h.Join()
	var je *JoinError
	if !errors.As(err, &je) || je.ID() != h.ID() || !je.IsPanic() || je.IsCancelled() || je.PanicValue() != boom || len(je.StackTrace()) == 0 {
		t.Fatalf("JoinError %#v", je)
	}
	if !errors.Is(err, boom) || je.Error() != fmt.Sprintf("corio/rt: task %d panicked: boom", h.ID()) {
		t.Fatalf("err %v", err)
	}
}

// TestRemoteWakesParkedMulti: every remote wake of a task on a parked
// multi-thread runtime runs it (no lost wake-up at park).
func TestRemoteWakesParkedMulti(t *testing.T) {
	r := NewMultiThread(WithWorkers(2))
	defer r.Shutdown()
	const rounds = 2000
	ping := newChanSlot[int](1)
	pong := make(chan int)
	recv := ping.recv()
	h := SpawnOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
		for {
			v, ok := recv.Poll(cx)
			if !ok {
				return struct{}{}, false
			}
			pong <- v
			if v == rounds-1 {
				return struct{}{}, true
			}
		}
	}))
	for i := 0; i < rounds; i++ {
		ping.send(i)
		if got := <-pong; got != i {
			t.Fatalf("got %d want %d", got, i)
		}
	}
	if _, err := h.Join(); err != nil {
		t.Fatal(err)
	}
}

func TestMultiShutdownCancelsEverything(t *testing.T) {
	r := NewMultiThread(WithWorkers(3), WithLocalQueueCapacity(4))
	var ps []*pending
	var hs []*JoinHandle[struct{}]
	for i := 0; i < 200; i++ {
		p := &pending{}
		ps = append(ps, p)
		hs = append(hs, SpawnOn[struct{}](r, p))
	}
	var wg sync.WaitGroup
	for i := 0; i < 100; i++ { // yielders, queued or running at shutdown
		wg.Add(1)
		SpawnOn(r, &counterFuture{t: t, k: 1 << 30, onPoll: func(n int) {
			if n == 0 {
				wg.Done()
			}
		}})
	}
	wg.Wait()
	r.Shutdown()
	for i, p := range ps {
		if p.cancels.Load() != 1 {
			t.Fatalf("task %d: %d cancels", i, p.cancels.Load())
		}
		if _, err := hs[i].Join(); err == nil || !err.(*JoinError).IsCancelled() {
			t.Fatalf("task %d: %v", i, err)
		}
	}
	if m := r.Metrics(); m.LiveTasks != 0 || m.Completed != m.Spawned {
		t.Fatalf("after shutdown: %+v", m)
	}
	h := SpawnOn[struct{}](r, &pending{})
	if _, err := h.Join(); err == nil {
		t.Fatal("spawn after shutdown must be cancelled")
	}
}

type addFuture struct{ a, b int }

func (f *addFuture) Poll(*Context) (int, bool) { return f.a + f.b, true }

func TestSpawnInline(t *testing.T) {
	forFlavours(t, func(t *testing.T, newRT func() *Runtime) {
		r := newRT()
		defer r.Shutdown()
		var h *JoinHandle[int]
		res := BlockOn(r, SpawnOn(r, PollFunc(func(cx *Context) (int, bool) {
			if h != nil {
				res, _ := h.JoinAsync().Poll(cx)
				return res.V0, res.V1 == nil && h.IsFinished()
			}
			h, _ = SpawnInlineAsync[int](addFuture{a: 40, b: 2}).Poll(cx)
			if got := testing.AllocsPerRun(10, func() { SpawnInlineAsync[int](addFuture{}) }); got != 1 {
				t.Errorf("SpawnInlineAsync: %v allocations, want 1", got)
			}
			res, ok := h.JoinAsync().Poll(cx)
			if ok {
				return res.V0, true
			}
			return 0, false
		})).JoinAsync())
		if res.V0 != 42 || res.V1 != nil {
			t.Fatal(res)
		}
	})
	if v, err := SpawnInline[int](addFuture{a: 1, b: 2}).Join(); v != 3 || err != nil {
		t.Fatal(v, err)
	}
}

// TestLocalWakeUsesLIFO: Context.Wake between two tasks of a multi-thread
// runtime goes through the LIFO slot; plain Wake never does.
func TestLocalWakeUsesLIFO(t *testing.T) {
	for _, local := range []bool{true, false} {
		r := NewMultiThread(WithWorkers(2))
		pingPong(r, 2000, local)
		r.Shutdown() // workers publish their counters as they stop
		hits := r.Metrics().LIFOHits
		if local && hits == 0 {
			t.Fatal("local wakes: no LIFO hits")
		}
		if !local && hits != 0 {
			t.Fatalf("inject wakes: %d LIFO hits", hits)
		}
	}
}

// TestLIFOCapIsPerTick: the cap on consecutive LIFO polls ends one run of
// them, not the LIFO slot: a local ping-pong on one worker runs 3 of every 4
// polls from the slot (regression: the slot stayed off forever after the
// first cap, and every later local wake went through the ring).
func TestLIFOCapIsPerTick(t *testing.T) {
	const rounds = 2000
	r := NewMultiThread(WithWorkers(1))
	pingPong(r, rounds, true)
	r.Shutdown()
	if hits := r.Metrics().LIFOHits; hits < rounds {
		t.Fatalf("%d LIFO hits in %d local round trips (want >= %d)", hits, rounds, rounds)
	}
}

// TestPausedClockSpawnFromTask: on a multi-thread runtime with a paused
// clock, tasks spawned from inside a task running on a worker all start at
// the same virtual instant even though each sleeps an hour as soon as it runs:
// the spawning worker is busy until they are queued, so the clock cannot jump
// between them (the usage that rt's doc and WithPausedClock recommend).
func TestPausedClockSpawnFromTask(t *testing.T) {
	const n = 16
	r := NewMultiThread(WithWorkers(2), WithPausedClock(pausedStart))
	defer r.Shutdown()
	var started [n]time.Time
	child := func(i int) Future[struct{}] {
		var sleep *SleepFuture
		return PollFunc(func(cx *Context) (struct{}, bool) {
			if sleep == nil {
				started[i] = cx.Now()
				sleep = SleepAsync(time.Hour)
			}
			return sleep.Poll(cx)
		})
	}
	var hs []*JoinHandle[struct{}]
	spawner := SpawnOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
		if hs == nil {
			for i := 0; i < n; i++ {
				h, _ := SpawnAsync(child(i)).Poll(cx)
				hs = append(hs, h)
			}
		}
		for len(hs) > 0 {
			if _, ok := hs[0].JoinAsync().Poll(cx); !ok {
				return struct{}{}, false
			}
			hs = hs[1:]
		}
		return struct{}{}, true
	}))
	BlockOn(r, spawner.JoinAsync())
	for i, at := range started {
		if !at.Equal(pausedStart) {
			t.Fatalf("task %d started at %v, want %v (the clock jumped between spawns)", i, at, pausedStart)
		}
	}
	if got := BlockOn(r, NowAsync()); got.Sub(pausedStart) < time.Hour {
		t.Fatalf("clock at %v after the sleeps, want >= %v", got, pausedStart.Add(time.Hour))
	}
}

// TestAdaptiveGlobalQueueInterval: the adaptive interval follows the poll
// time average toward ~200µs of work per look at the inject queue, clamped
// to 2..127; a fixed interval and the current-thread runtime do not adapt.
func TestAdaptiveGlobalQueueInterval(t *testing.T) {
	r := NewMultiThread(WithWorkers(1))
	defer r.Shutdown()
	w := newWorker(r, r.sched.(*multiThread), 0, newConfig(nil))
	if !w.adaptive || w.interval != defaultGlobalQueueInterval {
		t.Fatalf("default multi-thread worker: adaptive=%v interval=%d", w.adaptive, w.interval)
	}
	for _, c := range []struct {
		pollNs int64
		want   uint32
	}{{10e3, 20}, {1, maxAdaptiveInterval}, {1e6, 2}, {4e3, 50}} {
		for i := 0; i < 20; i++ { // 20 batches of 61 polls: the average converges
			w.tuneInterval(c.pollNs*61, 61)
		}
		if w.interval != c.want {
			t.Errorf("polls of %dns: interval %d, want %d", c.pollNs, w.interval, c.want)
		}
	}
	fixed := newWorker(r, r.sched.(*multiThread), 0, newConfig([]Option{WithGlobalQueueInterval(31)}))
	if fixed.adaptive || fixed.interval != 31 {
		t.Fatalf("WithGlobalQueueInterval(31): adaptive=%v interval=%d", fixed.adaptive, fixed.interval)
	}
	ct := newWorker(r, nil, 0, newConfig(nil))
	if ct.adaptive || ct.interval != defaultGlobalQueueInterval {
		t.Fatalf("current-thread worker: adaptive=%v interval=%d", ct.adaptive, ct.interval)
	}
}

// TestYieldingMainDoesNotStarveTimers: a current-thread main future that
// yields in a loop never lets the loop park, so the loop must give the driver
// a turn on its own, or a timer that is due never fires. The bound is a
// yield count far beyond what 1 ms of yields can be (each costs nanoseconds),
// not a time: without the driver's turns the loop spins until it.
func TestYieldingMainDoesNotStarveTimers(t *testing.T) {
	for _, tasks := range []int{0, 2} { // 0: the main future yields alone; 2: tasks yield beside it
		r := NewCurrentThread()
		var fired atomic.Bool
		SpawnOn(r, PollFunc(func() func(cx *Context) (struct{}, bool) {
			sl := SleepAsync(time.Millisecond)
			return func(cx *Context) (struct{}, bool) {
				if _, ok := sl.Poll(cx); !ok {
					return struct{}{}, false
				}
				fired.Store(true)
				return struct{}{}, true
			}
		}()))
		for range tasks {
			SpawnOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
				if fired.Load() {
					return struct{}{}, true
				}
				cx.yield()
				return struct{}{}, false
			}))
		}
		const limit = 1 << 26
		n := BlockOn(r, PollFunc(func() func(cx *Context) (int, bool) {
			n := 0
			return func(cx *Context) (int, bool) {
				if fired.Load() || n == limit {
					return n, true
				}
				n++
				cx.yield()
				return 0, false
			}
		}()))
		r.Shutdown()
		if n == limit {
			t.Fatalf("%d tasks yielding: a due timer did not fire in %d yields of the main future", tasks, limit)
		}
	}
}
