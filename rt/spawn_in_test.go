package rt

import "testing"

// spawnInAll spawns one task by each of the Context forms from one poll:
// SpawnIn, SpawnInlineIn, SpawnNamedIn, SpawnNamedInlineIn, JoinSet.SpawnIn
// and JoinSetSpawnInlineIn, each ready with len(buf) == its index+1. With
// gated set, each task waits at a gate of its own (in *gates) until
// released, so that they are all alive afterwards.
func spawnInAll(cx *Context, set *JoinSet[int], gated bool) (hs []*JoinHandle[int], abs []AbortHandle, gates []*gateLeaf) {
	n := 0
	next := func() holdFuture {
		n++
		f := holdFuture{buf: make([]byte, n)}
		if gated {
			f.gate = &gateLeaf{detail: "in"}
			gates = append(gates, f.gate)
		}
		return f
	}
	f := next()
	hs = append(hs, SpawnIn[int](cx, &f))
	hs = append(hs, SpawnInlineIn[int](cx, next()))
	g := next()
	hs = append(hs, SpawnNamedIn[int](cx, "named", &g))
	hs = append(hs, SpawnNamedInlineIn[int](cx, "named-inline", next()))
	s := next()
	abs = append(abs, set.SpawnIn(cx, &s))
	abs = append(abs, JoinSetSpawnInlineIn[int](cx, set, next()))
	return hs, abs, gates
}

// TestSpawnInForms: every Context form spawns at the call onto the runtime
// polling the Context, with an id from the Context's block (increasing in
// spawn order within one poll), the name before the task is visible to the
// dump, and a set's member registered with the set.
func TestSpawnInForms(t *testing.T) {
	forRuntimes(t, func(t *testing.T, r *Runtime) {
		var set JoinSet[int]
		var hs []*JoinHandle[int]
		var abs []AbortHandle
		var gates []*gateLeaf
		runOn(t, r, PollFunc(func(cx *Context) (struct{}, bool) {
			hs, abs, gates = spawnInAll(cx, &set, true)
			return struct{}{}, true
		}))
		var ids []uint64
		for _, h := range hs {
			ids = append(ids, h.ID())
		}
		for _, a := range abs {
			ids = append(ids, a.ID())
		}
		for i, id := range ids {
			if id == 0 || i > 0 && id <= ids[i-1] {
				t.Fatalf("ids %v: want ids in spawn order", ids)
			}
		}
		if set.Len() != 2 {
			t.Fatalf("set.Len() = %d", set.Len())
		}
		names := map[uint64]string{}
		for _, ti := range r.Dump().Tasks {
			names[ti.ID] = ti.Name
		}
		if len(names) != 6 || names[ids[2]] != "named" || names[ids[3]] != "named-inline" || names[ids[0]] != "" {
			t.Fatalf("dump names %v (ids %v)", names, ids)
		}
		for _, g := range gates {
			g.release()
		}
		for i, h := range hs {
			if res := BlockOn(r, h.JoinAsync()); res.V0 != i+1 || res.V1 != nil {
				t.Fatalf("task %d: %v", i, res)
			}
		}
		var got []joined
		runOn(t, r, seq(drain(&set, &got)))
		if len(got) != 2 || got[0].V0+got[1].V0 != 5+6 {
			t.Fatalf("set results %v", got)
		}
	})
}

// TestSpawnInNoRuntime: with a Context from NewContext (no runtime) the
// Context forms spawn onto the process default runtime, as Spawn does.
func TestSpawnInNoRuntime(t *testing.T) {
	cx := NewContext(noopWaker{})
	var set JoinSet[int]
	hs, abs, _ := spawnInAll(cx, &set, false)
	for i, h := range hs {
		if v, err := h.Join(); v != i+1 || err != nil {
			t.Fatalf("task %d: %v %v", i, v, err)
		}
	}
	sum := 0
	for range abs {
		v, ok, err := set.JoinNext()
		if !ok || err != nil {
			t.Fatal(ok, err)
		}
		sum += v
	}
	if sum != 5+6 || set.Len() != 0 {
		t.Fatalf("set sum %d, len %d", sum, set.Len())
	}
}

// noopWaker is a Waker that does nothing: the Context of a poll nobody
// drives again.
type noopWaker struct{}

func (noopWaker) Wake() {}

// TestSpawnInAbortBeforeRun: a task spawned by a Context form and aborted
// before it ran is cancelled, its future's Cancel called once.
func TestSpawnInAbortBeforeRun(t *testing.T) {
	r := NewCurrentThread()
	defer r.Shutdown()
	n := 0
	var h *JoinHandle[int]
	BlockOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
		h = SpawnInlineIn[int](cx, holdFuture{gate: &gateLeaf{}, cancelled: &n})
		h.Abort()
		return struct{}{}, true
	}))
	if je, ok := BlockOn(r, h.JoinAsync()).V1.(*JoinError); !ok || !je.IsCancelled() {
		t.Fatal("not cancelled")
	}
	if n != 1 {
		t.Fatalf("Cancel called %d times", n)
	}
}

// BenchmarkSpawnIn is BenchmarkSpawn through SpawnIn: the spawn is a call,
// not a future polled once.
func BenchmarkSpawnIn(b *testing.B) {
	benchSpawnCall(b, func(cx *Context) *JoinHandle[int] { return SpawnIn(cx, benchFuture) })
}

// BenchmarkSpawnInlineIn: BenchmarkSpawnIn by value, SpawnInlineIn, and
// the same through the SpawnInlineAsync future for comparison.
func BenchmarkSpawnInlineIn(b *testing.B) {
	b.Run("in", func(b *testing.B) {
		benchSpawnCall(b, func(cx *Context) *JoinHandle[int] { return SpawnInlineIn[int](cx, trivial{}) })
	})
	b.Run("async", func(b *testing.B) {
		benchSpawnCall(b, func(cx *Context) *JoinHandle[int] {
			h, _ := SpawnInlineAsync[int](trivial{}).Poll(cx)
			return h
		})
	})
}

// inChainTask is inlineChainTask spawned with SpawnInlineIn, as asyncgen
// lowers a chain of async functions that each spawn the next.
type inChainTask chainTask

func (c *inChainTask) Poll(cx *Context) (struct{}, bool) {
	if c.left == 0 {
		c.d.done()
		return struct{}{}, true
	}
	SpawnInlineIn[struct{}](cx, inChainTask{left: c.left - 1, d: c.d})
	return struct{}{}, true
}

// BenchmarkChainedSpawnIn is BenchmarkSchedChainedSpawn/inline through
// SpawnInlineIn: each task spawns the next, b.N tasks in all.
func BenchmarkChainedSpawnIn(b *testing.B) {
	forBenchFlavours(b, func(b *testing.B, r *Runtime) {
		d := &doneCounter{}
		d.left.Store(1)
		b.ResetTimer()
		SpawnOn[struct{}](r, &inChainTask{left: b.N, d: d})
		BlockOn[struct{}](r, d)
	})
}
