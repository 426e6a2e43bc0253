package rt

import (
	"testing"
	"unsafe"
)

// holdFuture is a hand-written future held by value in its task: ready at
// once with len(buf), or, when gate is set, pending until the gate opens.
// Cancel counts its calls.
type holdFuture struct {
	buf       []byte
	gate      *gateLeaf
	cancelled *int
}

func (f *holdFuture) Poll(cx *Context) (int, bool) {
	if f.gate != nil {
		if _, ok := f.gate.Poll(cx); !ok {
			return 0, false
		}
	}
	return len(f.buf), true
}

func (f *holdFuture) Cancel() { *f.cancelled++ }

func (f *holdFuture) Trace() Trace { return Trace{Func: "test.hold"} }

// inlineOf returns the inline task that h is, with its future's type.
func inlineOf[T, F any, PF interface {
	*F
	Future[T]
}](h *JoinHandle[T]) *inlineTask[T, F, PF] {
	return (*inlineTask[T, F, PF])(unsafe.Pointer(h))
}

// TestSpawnInlineDropsFuture: a completed inline task's future is zeroed, so
// that a JoinHandle kept after completion holds nothing the future referred
// to, as a task whose future was allocated apart drops it.
func TestSpawnInlineDropsFuture(t *testing.T) {
	forFlavours(t, func(t *testing.T, newRT func() *Runtime) {
		r := newRT()
		defer r.Shutdown()
		var h *JoinHandle[int]
		BlockOn(r, SpawnOn(r, PollFunc(func(cx *Context) (int, bool) {
			h, _ = SpawnInlineAsync[int](holdFuture{buf: make([]byte, 7)}).Poll(cx)
			return 0, true
		})).JoinAsync())
		if res := BlockOn(r, h.JoinAsync()); res.V0 != 7 || res.V1 != nil {
			t.Fatal(res)
		}
		if it := inlineOf[int, holdFuture, *holdFuture](h); it.f.buf != nil {
			t.Fatalf("completed inline task keeps its future: %+v", it.f)
		}
	})
}

// TestSpawnInlineAbort: aborting an inline task cancels the future in the
// task once, and the dump shows the future while the task waits.
func TestSpawnInlineAbort(t *testing.T) {
	r := NewCurrentThread()
	defer r.Shutdown()
	n := 0
	gate := &gateLeaf{detail: "inline"}
	var h *JoinHandle[int]
	BlockOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
		h, _ = SpawnInlineAsync[int](holdFuture{gate: gate, cancelled: &n}).Poll(cx)
		return struct{}{}, true
	}))
	d := r.Dump()
	if len(d.Tasks) != 1 || len(d.Tasks[0].Stack) == 0 || d.Tasks[0].Stack[0].Func != "test.hold" {
		t.Fatalf("dump %+v", d.Tasks)
	}
	h.Abort()
	err := BlockOn(r, h.JoinAsync()).V1
	if je, ok := err.(*JoinError); !ok || !je.IsCancelled() {
		t.Fatalf("Join after Abort: %v", err)
	}
	if n != 1 {
		t.Fatalf("Cancel called %d times", n)
	}
	if it := inlineOf[int, holdFuture](h); it.f.gate != nil {
		t.Fatal("cancelled inline task keeps its future")
	}
}

// TestSpawnNamedInlineAsync: the named inline spawn names the task and spawns
// it with its future in the same allocation.
func TestSpawnNamedInlineAsync(t *testing.T) {
	r := NewCurrentThread()
	defer r.Shutdown()
	gate := &gateLeaf{}
	var h *JoinHandle[int]
	BlockOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
		h, _ = SpawnNamedInlineAsync[int]("holder", holdFuture{buf: make([]byte, 3), gate: gate}).Poll(cx)
		return struct{}{}, true
	}))
	if h.Name() != "holder" {
		t.Fatalf("Name() = %q", h.Name())
	}
	gate.release()
	if res := BlockOn(r, h.JoinAsync()); res.V0 != 3 || res.V1 != nil {
		t.Fatal(res)
	}
	if h.Name() != "" {
		t.Fatalf("Name() = %q after completion", h.Name())
	}
}

// TestJoinSetSpawnInlineAsync: tasks spawned into a set by value come out of
// JoinNext like the others, and an unpolled spawn adds nothing.
func TestJoinSetSpawnInlineAsync(t *testing.T) {
	forRuntimes(t, func(t *testing.T, r *Runtime) {
		var set JoinSet[int]
		_ = JoinSetSpawnInlineAsync[int](&set, holdFuture{}) // never polled
		var got []joined
		runOn(t, r, seq(
			func(cx *Context) bool {
				for i := 1; i <= 4; i++ {
					if _, ok := JoinSetSpawnInlineAsync[int](&set, holdFuture{buf: make([]byte, i)}).Poll(cx); !ok {
						panic("JoinSetSpawnInlineAsync not ready at its first poll")
					}
				}
				return true
			},
			drain(&set, &got),
		))
		sum := 0
		for _, g := range got {
			if g.V2 != nil {
				t.Fatal(g.V2)
			}
			sum += g.V0
		}
		if len(got) != 4 || sum != 10 {
			t.Fatalf("results %v", got)
		}
	})
}

// TestSpawnIDsUnique: every way of spawning gives a task a non-zero id that
// no other task has, with spawn futures taking theirs from the spawning
// Context's block (newTaskID) at the spawn, and the ids one Context hands
// out increase in spawn order.
func TestSpawnIDsUnique(t *testing.T) {
	forFlavours(t, func(t *testing.T, newRT func() *Runtime) {
		r := newRT()
		defer r.Shutdown()
		const n = 3 * taskIDBlock
		var ids []uint64
		add := func(id uint64) { ids = append(ids, id) }
		for range 5 {
			add(SpawnOn(r, Ready(1)).ID())
			add(SpawnInline[int](holdFuture{}).ID())
		}
		var js JoinSet[int]
		BlockOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
			var last uint64
			for i := range n {
				var h *JoinHandle[int]
				switch i % 3 {
				case 0:
					h, _ = SpawnInlineAsync[int](holdFuture{buf: make([]byte, 1)}).Poll(cx)
				case 1:
					h, _ = SpawnNamedInlineAsync[int]("inline", holdFuture{}).Poll(cx)
				default:
					h, _ = SpawnAsync(Ready(i)).Poll(cx)
				}
				if h.ID() <= last {
					t.Errorf("spawn %d: id %d after %d from the same Context", i, h.ID(), last)
				}
				last = h.ID()
				add(h.ID())
				a, _ := JoinSetSpawnInlineAsync[int](&js, holdFuture{}).Poll(cx)
				add(a.ID())
				b, _ := js.SpawnAsync(Ready(i)).Poll(cx)
				add(b.ID())
				c, _ := SpawnNamedAsync("named", Ready(i)).Poll(cx)
				add(c.ID())
			}
			return struct{}{}, true
		}))
		seen := make(map[uint64]bool, len(ids))
		for _, id := range ids {
			if id == 0 || seen[id] {
				t.Fatalf("id %d given twice or zero (ids %v)", id, ids)
			}
			seen[id] = true
		}
	})
}
