package rt

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

type joined = Tuple3[int, bool, error]

// spawnAll is a seq step that adds fs to set with SpawnAsync.
func spawnAll(set *JoinSet[int], fs ...Future[int]) func(cx *Context) bool {
	return func(cx *Context) bool {
		for _, f := range fs {
			if _, ok := set.SpawnAsync(f).Poll(cx); !ok {
				panic("SpawnAsync not ready at its first poll")
			}
		}
		return true
	}
}

// drain is a seq step that takes results from set with JoinNextAsync until
// it reports the set empty.
func drain(set *JoinSet[int], out *[]joined) func(cx *Context) bool {
	return func(cx *Context) bool {
		for {
			r, ok := set.JoinNextAsync().Poll(cx)
			if !ok {
				return false
			}
			if !r.V1 {
				return true
			}
			*out = append(*out, r)
		}
	}
}

func values(rs []joined) []int {
	var vs []int
	for _, r := range rs {
		vs = append(vs, r.V0)
	}
	return vs
}

// TestJoinSetCompletionOrder: results come out as the tasks finish, Len
// counts the tasks not yet returned, and an empty set says so at once.
func TestJoinSetCompletionOrder(t *testing.T) {
	forPaused(t, func(t *testing.T, r *Runtime) {
		var set JoinSet[int]
		var fs []Future[int]
		for i := range 5 {
			fs = append(fs, PollFunc(sleepThen(time.Duration(5-i)*time.Millisecond, i)))
		}
		var got []joined
		var lenAfterSpawn int
		runOn(t, r, seq(
			spawnAll(&set, fs...),
			func(*Context) bool { lenAfterSpawn = set.Len(); return true },
			drain(&set, &got),
		))
		if lenAfterSpawn != 5 || set.Len() != 0 {
			t.Fatalf("Len %d after spawning, %d after draining", lenAfterSpawn, set.Len())
		}
		if !slices.Equal(values(got), []int{4, 3, 2, 1, 0}) {
			t.Fatalf("completion order %v", values(got))
		}
		for _, g := range got {
			if g.V2 != nil {
				t.Fatal(g.V2)
			}
		}
		if _, ok, _ := set.TryJoinNext(); ok {
			t.Fatal("TryJoinNext on an empty set is ok")
		}
	})
}

// TestJoinSetAbortAll: aborted tasks stay in the set and come out of
// JoinNext cancelled, their futures cancelled once; a task that finished
// before the abort keeps its output.
func TestJoinSetAbortAll(t *testing.T) {
	forRuntimes(t, func(t *testing.T, r *Runtime) {
		var set JoinSet[int]
		ps := probes(t, 0, 0, 0)
		var got []joined
		runOn(t, r, seq(
			spawnAll(&set, ps[0], ps[1], ps[2], Ready(7)),
			func(cx *Context) bool { // yield until Ready(7) has finished
				if readyTaskFinished(&set) {
					return true
				}
				cx.Waker().Wake()
				return false
			},
			func(*Context) bool { set.AbortAll(); set.AbortAll(); return true },
			drain(&set, &got),
		))
		cancelled := 0
		for _, g := range got {
			var je *JoinError
			switch {
			case g.V2 == nil && g.V0 == 7:
			case errors.As(g.V2, &je) && je.IsCancelled():
				cancelled++
			default:
				t.Fatalf("unexpected result %+v", g)
			}
		}
		if len(got) != 4 || cancelled != 3 {
			t.Fatalf("%d results, %d cancelled; want 4, 3", len(got), cancelled)
		}
		for i, p := range ps {
			if p.cancels.Load() != 1 {
				t.Fatalf("task %d cancelled %d times", i, p.cancels.Load())
			}
		}
	})
}

// readyTaskFinished reports whether some task of set has finished (it is on
// the ready list), without taking it.
func readyTaskFinished(set *JoinSet[int]) bool {
	set.mu.Lock()
	defer set.mu.Unlock()
	return set.ready.head != nil
}

// TestJoinSetShutdown: Shutdown aborts and awaits every task, leaves the set
// empty and reusable; AbortHandle aborts one task.
func TestJoinSetShutdown(t *testing.T) {
	forRuntimes(t, func(t *testing.T, r *Runtime) {
		var set JoinSet[int]
		ps := probes(t, 0, 0, 5)
		var got []joined
		var h AbortHandle
		runOn(t, r, seq(
			spawnAll(&set, ps[0], ps[1], ps[2]),
			await(set.ShutdownAsync(), nil),
			func(*Context) bool {
				if set.Len() != 0 {
					t.Errorf("Len %d after Shutdown", set.Len())
				}
				return true
			},
			spawnAll(&set, Ready(1)),
			func(cx *Context) bool { h, _ = set.SpawnAsync(newProbe(t, 0, 0)).Poll(cx); h.Abort(); return true },
			drain(&set, &got),
		))
		if ps[0].cancels.Load() != 1 || ps[1].cancels.Load() != 1 {
			t.Fatalf("pending tasks cancelled %d, %d times", ps[0].cancels.Load(), ps[1].cancels.Load())
		}
		if len(got) != 2 || !h.IsFinished() {
			t.Fatalf("after reuse got %+v, aborted task finished: %v", got, h.IsFinished())
		}
		for _, g := range got {
			var je *JoinError
			if g.V0 != 1 && !(errors.As(g.V2, &je) && je.IsCancelled() && je.ID() == h.ID()) {
				t.Fatalf("unexpected result %+v", g)
			}
		}
	})
}

func TestJoinSetPanic(t *testing.T) {
	r := NewCurrentThread()
	defer r.Shutdown()
	var set JoinSet[int]
	set.SpawnOn(r, PollFunc(func(*Context) (int, bool) { panic("task boom") }))
	res := BlockOn(r, set.JoinNextAsync())
	var je *JoinError
	if !res.V1 || !errors.As(res.V2, &je) || !je.IsPanic() || je.PanicValue() != "task boom" {
		t.Fatalf("got %+v", res)
	}
}

// TestJoinSetDirect: the set used from a plain goroutine — Spawn onto the
// default runtime, SpawnOn onto a multi-thread runtime, JoinNext and
// Shutdown blocking the goroutine.
func TestJoinSetDirect(t *testing.T) {
	r := NewMultiThread(WithWorkers(2))
	defer r.Shutdown()
	var set JoinSet[int]
	for i := range 10 {
		if i%2 == 0 {
			set.Spawn(PollFunc(sleepThen(time.Millisecond, i)))
		} else {
			set.SpawnOn(r, PollFunc(sleepThen(time.Millisecond, i)))
		}
	}
	var vs []int
	for {
		v, ok, err := set.JoinNext()
		if !ok {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	slices.Sort(vs)
	if !slices.Equal(vs, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Fatalf("got %v", vs)
	}
	p := probes(t, 0)[0]
	set.SpawnOn(r, p)
	set.Shutdown()
	if set.Len() != 0 || p.cancels.Load() != 1 {
		t.Fatalf("after Shutdown: Len %d, cancels %d", set.Len(), p.cancels.Load())
	}
}

// TestJoinSetTimeout: a JoinNext that times out (or loses a select) takes no
// task out of the set: every result still comes out later.
func TestJoinSetTimeout(t *testing.T) {
	forPaused(t, func(t *testing.T, r *Runtime) {
		var set JoinSet[int]
		var first Tuple2[joined, error]
		var sel Selected2[joined, struct{}]
		var got []joined
		runOn(t, r, seq(
			spawnAll(&set, PollFunc(sleepThen(time.Hour, 1)), PollFunc(sleepThen(2*time.Hour, 2))),
			await(TimeoutAsync(time.Minute, set.JoinNextAsync()), &first),
			await(Select2Async(set.JoinNextAsync(), SleepAsync(time.Minute)), &sel),
			drain(&set, &got),
		))
		if !errors.Is(first.V1, ErrTimeout) || sel.Index != 1 {
			t.Fatalf("timeout %v, select %+v; want both to time out", first.V1, sel)
		}
		if !slices.Equal(values(got), []int{1, 2}) {
			t.Fatalf("then got %v, want [1 2]", values(got))
		}
	})
}

// TestJoinSetClosedRuntime: a task spawned onto a runtime that was shut down
// is cancelled on the spot and comes out of the set cancelled.
func TestJoinSetClosedRuntime(t *testing.T) {
	r := NewCurrentThread()
	r.Shutdown()
	var set JoinSet[int]
	p := newProbe(t, 1, 1)
	set.SpawnOn(r, p)
	v, ok, err := set.TryJoinNext()
	var je *JoinError
	if !ok || v != 0 || !errors.As(err, &je) || !je.IsCancelled() || set.Len() != 0 {
		t.Fatalf("got %v %v %v, Len %d", v, ok, err, set.Len())
	}
}

// TestJoinSetRecyclesNodes: a set that spawns and joins in a steady state
// allocates what plain spawns do — the tasks — and nothing per task of its
// own: its records are reused.
func TestJoinSetRecyclesNodes(t *testing.T) {
	r := NewCurrentThread()
	defer r.Shutdown()
	var set JoinSet[int]
	f := Ready(1)
	var sink []joined
	step := drain(&set, &sink)
	d := PollFunc(func(cx *Context) (struct{}, bool) {
		sink = sink[:0]
		return struct{}{}, step(cx)
	})
	// AllocsPerRun counts the whole process's allocations, so a goroutine
	// left over from an earlier test (a runtime shutting down, a timer) can
	// add to either count: the set must be no worse than plain spawns in
	// one of three measurements, and a set that never recycles is worse in
	// all of them (8 records per round).
	var inSet, plain float64
	for range 3 {
		inSet = testing.AllocsPerRun(50, func() {
			for range 8 {
				set.SpawnOn(r, f)
			}
			BlockOn(r, d)
		})
		plain = testing.AllocsPerRun(50, func() {
			for range 8 {
				SpawnOn(r, f)
			}
			BlockOn(r, d)
		})
		if inSet <= plain {
			return
		}
	}
	t.Fatalf("%.1f allocations per 8 spawns into a set, %.1f per 8 plain spawns: the set's records are not reused", inSet, plain)
}

// TestJoinSetStress: on a multi-thread runtime, a task spawns many tasks
// that yield a random number of times, aborts some of them through their
// AbortHandles while they run, and joins them all: every task comes out
// exactly once, with its value or cancelled, and the records are recycled
// across rounds while other workers complete tasks.
func TestJoinSetStress(t *testing.T) {
	const tasks, rounds = 200, 5
	r := NewMultiThread(WithWorkers(4))
	defer r.Shutdown()
	var set JoinSet[int]
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range rounds {
		seen := make([]int, tasks)
		index := make(map[uint64]int) // task id -> i
		var aborts []AbortHandle
		var got []joined
		runOn(t, r, seq(
			func(cx *Context) bool {
				for i := range tasks {
					h, _ := set.SpawnAsync(&yieldThen{k: rng.IntN(20), v: i}).Poll(cx)
					index[h.ID()] = i
					if rng.IntN(4) == 0 {
						aborts = append(aborts, h)
					}
				}
				return true
			},
			func(cx *Context) bool {
				for _, h := range aborts {
					h.Abort()
				}
				return true
			},
			drain(&set, &got),
		))
		for _, res := range got {
			var je *JoinError
			switch {
			case res.V2 == nil:
				seen[res.V0]++
			case errors.As(res.V2, &je) && je.IsCancelled():
				seen[index[je.ID()]]++
			default:
				t.Fatalf("round %d: unexpected result %+v", round, res)
			}
		}
		for i, c := range seen {
			if c != 1 {
				t.Fatalf("round %d: task %d came out %d times", round, i, c)
			}
		}
		if set.Len() != 0 {
			t.Fatalf("round %d: Len %d after draining", round, set.Len())
		}
	}
}

// yieldThen yields k times, then is ready with v.
type yieldThen struct{ k, v int }

func (y *yieldThen) Poll(cx *Context) (int, bool) {
	if y.k == 0 {
		return y.v, true
	}
	y.k--
	cx.Waker().Wake()
	return 0, false
}
