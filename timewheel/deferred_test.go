package timewheel

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// popAll pops every entry of l, checking each one's word against want's
// order (entries are identified by index into es).
func popAll(t *testing.T, l *DeferList, es []Entry) (order []int, words []uint64) {
	t.Helper()
	for {
		e, v := l.Pop()
		if e == nil {
			break
		}
		if e.Deferred() {
			t.Fatal("popped entry still reports Deferred")
		}
		order = append(order, index(es, e))
		words = append(words, v)
	}
	if !l.Empty() {
		t.Fatal("list not empty after popping everything")
	}
	return order, words
}

func index(es []Entry, e *Entry) int {
	for i := range es {
		if &es[i] == e {
			return i
		}
	}
	return -1
}

func TestDeferListOrderAndUndefer(t *testing.T) {
	var l DeferList
	if !l.Empty() {
		t.Fatal("zero DeferList not empty")
	}
	if e, _ := l.Pop(); e != nil {
		t.Fatal("Pop of an empty list returned an entry")
	}
	var cw countWaker
	es := make([]Entry, 5)
	for i := range es {
		es[i].Init(&cw)
		l.Push(&es[i], uint64(100+i))
	}
	if !es[2].Deferred() || es[2].Deadline() != 102 {
		t.Fatalf("deferred entry: Deferred %v, word %d", es[2].Deferred(), es[2].Deadline())
	}
	// Take out the first, a middle and the last entry.
	for _, i := range []int{0, 2, 4} {
		if !es[i].Undefer() {
			t.Fatalf("Undefer(%d) = false", i)
		}
		if es[i].Undefer() {
			t.Fatalf("second Undefer(%d) = true", i)
		}
	}
	// Re-push one that left: it goes last.
	l.Push(&es[0], 7)
	order, words := popAll(t, &l, es)
	if !slices.Equal(order, []int{1, 3, 0}) || !slices.Equal(words, []uint64{101, 103, 7}) {
		t.Fatalf("popped %v with words %v, want [1 3 0] [101 103 7]", order, words)
	}
	// Undefer of the only entry leaves a usable empty list.
	l.Push(&es[1], 1)
	es[1].Undefer()
	if !l.Empty() {
		t.Fatal("list not empty after undeferring its only entry")
	}
	l.Push(&es[1], 2)
	if order, _ := popAll(t, &l, es); !slices.Equal(order, []int{1}) {
		t.Fatalf("popped %v, want [1]", order)
	}
}

// TestDeferListInsertAfterPop checks the life cycle the runtime gives a
// deferred timer: an entry that fired or was cancelled is deferred (its
// state unchanged meanwhile), popped, and inserted; the wheel's invariants
// hold throughout and it fires once.
func TestDeferListInsertAfterPop(t *testing.T) {
	var w Wheel
	var l DeferList
	var log []fireRec
	ps := newProbes(&w, &log, 2)
	w.Insert(&ps[0].Entry, 3)
	advance(t, &w, 3) // ps[0] Fired
	w.Insert(&ps[1].Entry, 10)
	w.Cancel(&ps[1].Entry) // ps[1] Cancelled
	l.Push(&ps[0].Entry, 5)
	l.Push(&ps[1].Entry, 6)
	if ps[0].State() != Fired || ps[1].State() != Cancelled {
		t.Fatalf("states while deferred: %v %v, want Fired Cancelled", ps[0].State(), ps[1].State())
	}
	if w.Cancel(&ps[0].Entry) {
		t.Fatal("Wheel.Cancel of a deferred entry returned true")
	}
	ps[0].Init(ps[0]) // allowed while deferred
	for e, v := l.Pop(); e != nil; e, v = l.Pop() {
		w.Insert(e, w.Elapsed()+Tick(v))
		w.check()
	}
	log = log[:0]
	advance(t, &w, 20)
	if got := ids(log); !slices.Equal(got, []int{0, 1}) {
		t.Fatalf("fired %v, want [0 1]", got)
	}
}

func TestDeferListMisusePanics(t *testing.T) {
	var w Wheel
	var l DeferList
	var log []fireRec
	ps := newProbes(&w, &log, 2)
	w.Insert(&ps[0].Entry, 5)
	mustPanic(t, "pending", func() { l.Push(&ps[0].Entry, 1) })
	if ps[0].Undefer() {
		t.Fatal("Undefer of a pending entry returned true")
	}
	l.Push(&ps[1].Entry, 1)
	mustPanic(t, "already deferred", func() { l.Push(&ps[1].Entry, 1) })
	mustPanic(t, "DeferList", func() { w.Insert(&ps[1].Entry, 9) })
	mustPanic(t, "DeferList", func() { w.Reset(&ps[1].Entry, 9) })
	w.check()
	if e, v := l.Pop(); e != &ps[1].Entry || v != 1 {
		t.Fatalf("Pop = %p %d after the panics, want ps[1] 1", e, v)
	}
}

// TestDeferListRandom checks a DeferList against a slice model under random
// pushes, undefers and pops.
func TestDeferListRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var l DeferList
	var cw countWaker
	es := make([]Entry, 16)
	for i := range es {
		es[i].Init(&cw)
	}
	var model []int
	for step := 0; step < 20000; step++ {
		i := r.IntN(len(es))
		switch op := r.IntN(3); {
		case op == 0 && !es[i].Deferred():
			l.Push(&es[i], uint64(i))
			model = append(model, i)
		case op == 1:
			at := slices.Index(model, i)
			if es[i].Undefer() != (at >= 0) {
				t.Fatalf("step %d: Undefer(%d) disagrees with the model", step, i)
			}
			if at >= 0 {
				model = slices.Delete(model, at, at+1)
			}
		case op == 2:
			e, v := l.Pop()
			if len(model) == 0 {
				if e != nil {
					t.Fatalf("step %d: Pop of an empty list returned an entry", step)
				}
				continue
			}
			if index(es, e) != model[0] || v != uint64(model[0]) {
				t.Fatalf("step %d: Pop = %d, want %d", step, index(es, e), model[0])
			}
			model = model[1:]
		}
		if l.Empty() != (len(model) == 0) {
			t.Fatalf("step %d: Empty disagrees with the model", step)
		}
	}
}

func TestDeferListZeroAllocations(t *testing.T) {
	var l DeferList
	var cw countWaker
	es := make([]Entry, 64)
	for i := range es {
		es[i].Init(&cw)
	}
	allocs := testing.AllocsPerRun(100, func() {
		for i := range es {
			l.Push(&es[i], uint64(i))
		}
		for i := 0; i < len(es); i += 3 {
			es[i].Undefer()
		}
		for e, _ := l.Pop(); e != nil; e, _ = l.Pop() {
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per run, want 0", allocs)
	}
}
