package syncx

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/corio-go/corio/rt"
)

// gated returns an initializer that counts its calls and whose future is
// ready with v once gate is notified (panicking instead if boom is set).
func gated(gate *Notify, v int, calls *atomic.Int32, boom bool) func() rt.Future[int] {
	return func() rt.Future[int] {
		calls.Add(1)
		f := gate.NotifiedAsync()
		return &mapFuture{f: f, v: v, boom: boom}
	}
}

type mapFuture struct {
	f    *NotifiedFuture
	v    int
	boom bool
}

func (m *mapFuture) Poll(cx *rt.Context) (int, bool) {
	if _, ok := m.f.Poll(cx); !ok {
		return 0, false
	}
	if m.boom {
		panic("initializer failed")
	}
	return m.v, true
}

func (m *mapFuture) Cancel() { m.f.Cancel() }

func pollCell(f *OnceCellFuture[int], w *explWaker) (int, bool) {
	return f.Poll(rt.NewContext(w))
}

func TestOnceCellGetSet(t *testing.T) {
	var c OnceCell[string]
	if _, ok := c.Get(); ok {
		t.Fatal("empty cell has a value")
	}
	if !c.Set("a") || c.Set("b") {
		t.Fatal("Set must succeed once")
	}
	if v, ok := c.Get(); !ok || v != "a" {
		t.Fatalf("Get = %q %v", v, ok)
	}
	called := false
	if v := c.GetOrInit(func() rt.Future[string] { called = true; return rt.Ready("c") }); v != "a" || called {
		t.Fatal("GetOrInit on a set cell ran the initializer")
	}
}

func TestOnceCellGoroutines(t *testing.T) {
	var c OnceCell[int]
	var calls atomic.Int32
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			v := c.GetOrInit(func() rt.Future[int] {
				calls.Add(1)
				return rt.Ready(i + 100)
			})
			if got, _ := c.Get(); v != got {
				t.Errorf("GetOrInit = %d, cell holds %d", v, got)
			}
		})
	}
	wg.Wait()
	if calls.Load() != 1 {
		t.Fatalf("initializer ran %d times", calls.Load())
	}
}

// TestOnceCellCancelledInitializer: when the initializer is cancelled the
// first waiter takes over with its own initializer; the value is set once.
func TestOnceCellCancelledInitializer(t *testing.T) {
	var c OnceCell[int]
	var gate Notify
	var callsA, callsB, callsC atomic.Int32
	wA, wB, wC := &explWaker{}, &explWaker{}, &explWaker{}
	fA := c.GetOrInitAsync(gated(&gate, 1, &callsA, false))
	fB := c.GetOrInitAsync(func() rt.Future[int] { callsB.Add(1); return rt.Ready(2) })
	fC := c.GetOrInitAsync(gated(&gate, 3, &callsC, false))
	if _, ok := pollCell(fA, wA); ok || callsA.Load() != 1 {
		t.Fatal("initializer A should be running")
	}
	if _, ok := pollCell(fB, wB); ok || callsB.Load() != 0 {
		t.Fatal("B should wait for A")
	}
	if _, ok := pollCell(fC, wC); ok {
		t.Fatal("C should wait for A")
	}
	fA.Cancel()
	fA.Cancel()
	if !wB.woken || wC.woken {
		t.Fatal("the role did not pass to the first waiter only")
	}
	gate.NotifyWaiters() // A's gate future was cancelled: nothing happens to it
	if v, ok := pollCell(fB, wB); !ok || v != 2 || callsB.Load() != 1 {
		t.Fatalf("B took over: %d %v calls %d", v, ok, callsB.Load())
	}
	if !wC.woken {
		t.Fatal("setting the value did not wake C")
	}
	if v, ok := pollCell(fC, wC); !ok || v != 2 || callsC.Load() != 0 {
		t.Fatalf("C = %d %v, calls %d; want B's value without running C's initializer", v, ok, callsC.Load())
	}
}

// TestOnceCellPanickingInitializer: a panic in the initializer's future
// passes the role on before it propagates.
func TestOnceCellPanickingInitializer(t *testing.T) {
	var c OnceCell[int]
	var gate Notify
	var calls, callsB atomic.Int32
	wA, wB := &explWaker{}, &explWaker{}
	fA := c.GetOrInitAsync(gated(&gate, 1, &calls, true))
	fB := c.GetOrInitAsync(func() rt.Future[int] { callsB.Add(1); return rt.Ready(7) })
	pollCell(fA, wA)
	pollCell(fB, wB)
	gate.NotifyOne()
	if msg := panicMessage(func() { pollCell(fA, wA) }); msg != "initializer failed" {
		t.Fatalf("panic %q", msg)
	}
	fA.Cancel() // after the panic: nothing held
	if !wB.woken {
		t.Fatal("the role did not pass on after the panic")
	}
	if v, ok := pollCell(fB, wB); !ok || v != 7 {
		t.Fatalf("B = %d %v", v, ok)
	}
	// A cancelled waiter that had been handed the role passes it on too.
	var c2 OnceCell[int]
	f1 := c2.GetOrInitAsync(gated(&gate, 1, &calls, false))
	f2 := c2.GetOrInitAsync(gated(&gate, 2, &calls, false))
	f3 := c2.GetOrInitAsync(func() rt.Future[int] { return rt.Ready(3) })
	w3 := &explWaker{}
	pollCell(f1, &explWaker{})
	pollCell(f2, &explWaker{})
	pollCell(f3, w3)
	f1.Cancel() // role to f2
	f2.Cancel() // handed the role, never used it: to f3
	if v, ok := pollCell(f3, w3); !w3.woken || !ok || v != 3 {
		t.Fatalf("f3 = %d %v woken %v", v, ok, w3.woken)
	}
}

func TestOnceCellTasks(t *testing.T) {
	chModes(t, func(t *testing.T, multi bool) {
		var c OnceCell[int]
		var calls atomic.Int32
		fs := make([]rt.Future[struct{}], 16)
		for i := range fs {
			var f *OnceCellFuture[int]
			fs[i] = rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
				if f == nil {
					f = c.GetOrInitAsync(func() rt.Future[int] {
						calls.Add(1)
						y := rt.YieldNowAsync()
						return rt.PollFunc(func(cx *rt.Context) (int, bool) {
							_, ok := y.Poll(cx)
							return 42, ok
						})
					})
				}
				v, ok := f.Poll(cx)
				if ok && v != 42 {
					t.Errorf("value %d", v)
				}
				return struct{}{}, ok
			})
		}
		chRunTasks(t, multi, fs...)
		if calls.Load() != 1 {
			t.Fatalf("initializer ran %d times", calls.Load())
		}
	})
}

func TestOnceCellRefusedOnRuntime(t *testing.T) {
	var c OnceCell[int]
	var gate Notify
	var calls atomic.Int32
	fA := c.GetOrInitAsync(gated(&gate, 1, &calls, false))
	pollCell(fA, &explWaker{})
	msg := refusedInTask(t, func() { c.GetOrInit(func() rt.Future[int] { return rt.Ready(2) }) })
	if msg != "corio/syncx: OnceCell.GetOrInit called from inside a task on a runtime goroutine; use GetOrInitAsync in an async function" {
		t.Fatalf("panic %q", msg)
	}
	c.mu.Lock()
	queued := c.waiters.len
	c.mu.Unlock()
	if queued != 0 {
		t.Fatal("the refused GetOrInit stayed queued")
	}
	fA.Cancel()
	if v := c.GetOrInit(func() rt.Future[int] { return rt.Ready(5) }); v != 5 {
		t.Fatalf("GetOrInit after the initializer left = %d", v)
	}
}

// countedInit is an initializer whose future waits for gate and is ready
// with v; running counts initializer futures alive (made, not yet ready or
// cancelled) across all actors.
type countedInit struct {
	gate    *NotifiedFuture
	v       int
	running *int
	live    bool
}

func (c *countedInit) Poll(cx *rt.Context) (int, bool) {
	if _, ok := c.gate.Poll(cx); !ok {
		return 0, false
	}
	c.live = false
	*c.running--
	return c.v, true
}

func (c *countedInit) Cancel() {
	c.gate.Cancel()
	if c.live {
		c.live = false
		*c.running--
	}
}

// TestExploreOnceCell drives GetOrInitAsync futures by hand on a seeded
// schedule of first polls, repolls, cancels (of waiters, of the initializer,
// of a waiter just handed the role) and gate openings, checking that at most
// one initializer runs at a time, that every result is the one value the
// cell was set to, and, at the end, that every waiter completes by polling
// only on wake-ups (no waiter stranded, no wake-up lost).
func TestExploreOnceCell(t *testing.T) {
	const actors, steps = 5, 200
	for seed := uint64(0); seed < 300; seed++ {
		rng := rand.New(rand.NewPCG(seed, 9))
		var c OnceCell[int]
		running := 0
		gates := make([]Notify, actors)
		fs := make([]*OnceCellFuture[int], actors)
		ws := make([]*explWaker, actors)
		value := 0
		fail := func(step int, format string, args ...any) {
			t.Helper()
			t.Fatalf("seed %d step %d: "+format, append([]any{seed, step}, args...)...)
		}
		mk := func(i int) {
			fs[i], ws[i] = c.GetOrInitAsync(func() rt.Future[int] {
				running++
				return &countedInit{gate: gates[i].NotifiedAsync(), v: 100 + i, running: &running, live: true}
			}), &explWaker{}
		}
		check := func(step, i int, v int, ok bool) {
			if !ok {
				return
			}
			if value == 0 {
				value = v
			}
			if got, set := c.Get(); v != value || !set || got != value {
				fail(step, "actor %d got %d, cell %d (set %v), first value %d", i, v, got, set, value)
			}
			fs[i] = nil
		}
		for step := range steps {
			i := rng.IntN(actors)
			switch {
			case rng.IntN(4) == 0:
				gates[i].NotifyOne()
			case fs[i] == nil:
				mk(i)
				v, ok := fs[i].Poll(rt.NewContext(ws[i]))
				check(step, i, v, ok)
			case rng.IntN(3) == 0:
				fs[i].Cancel()
				fs[i].Cancel()
				fs[i] = nil
			default:
				ws[i].woken = false
				v, ok := fs[i].Poll(rt.NewContext(ws[i]))
				check(step, i, v, ok)
			}
			if running > 1 {
				fail(step, "%d initializers running", running)
			}
		}
		// Liveness: open every gate and poll only the woken.
		for i := range gates {
			gates[i].NotifyOne()
		}
		for round := 0; ; round++ {
			progress, pending := false, false
			for i, f := range fs {
				if f == nil {
					continue
				}
				pending = true
				if !ws[i].woken {
					continue
				}
				progress = true
				ws[i].woken = false
				v, ok := f.Poll(rt.NewContext(ws[i]))
				check(steps, i, v, ok)
			}
			if !pending {
				break
			}
			if !progress {
				fail(steps, "waiters stranded after round %d: %v (running %d)", round, fs, running)
			}
		}
	}
}
