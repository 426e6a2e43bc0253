package rt

import "testing"

// TestRingQuietPush: tasks pushed with pushBackQuiet are in the ring but
// invisible to stealers and to len until publish, and then come out in
// order, after the ones published before them.
func TestRingQuietPush(t *testing.T) {
	a, b := newRing(8), newRing(8)
	owner, thief := ringOwner{a}, ringOwner{b}
	var iq injectQueue
	hs := make([]*taskHeader, 5)
	for i := range hs {
		hs[i] = &taskHeader{id: uint64(i)}
	}
	owner.pushBack(hs[0], &iq)
	for _, h := range hs[1:] {
		if owner.pushBackQuiet(h, &iq) {
			t.Fatal("overflow in a ring with room")
		}
	}
	if n := a.len(); n != 1 {
		t.Fatalf("len %d before publish, want 1 (the published push)", n)
	}
	// A stealer sees only the published task; it takes it (half of one,
	// rounded up), and nothing of the quiet ones.
	if h := (ringStealer{a}).stealInto(thief); h != hs[0] {
		t.Fatalf("steal before publish took %v, want task 0", h)
	}
	if h := (ringStealer{a}).stealInto(thief); h != nil {
		t.Fatalf("steal took unpublished task %d", h.id)
	}
	owner.publish()
	if n := a.len(); n != 4 {
		t.Fatalf("len %d after publish, want 4", n)
	}
	for _, want := range hs[1:] {
		if h := owner.pop(); h != want {
			t.Fatalf("pop gave %v, want task %d", h, want.id)
		}
	}
	if h := owner.pop(); h != nil {
		t.Fatalf("pop from an empty ring gave task %d", h.id)
	}
}

// TestRingQuietOverflow: a quiet push into a full ring overflows half of it
// and the task to the inject queue, as pushBack does.
func TestRingQuietOverflow(t *testing.T) {
	a := newRing(4)
	owner := ringOwner{a}
	var iq injectQueue
	for i := range 4 {
		owner.pushBackQuiet(&taskHeader{id: uint64(i)}, &iq)
	}
	if !owner.pushBackQuiet(&taskHeader{id: 4}, &iq) {
		t.Fatal("a push into a full ring did not overflow")
	}
	owner.publish()
	if a.len() != 2 || iq.len() != 3 {
		t.Fatalf("after overflow: ring %d, inject %d; want 2 and 3", a.len(), iq.len())
	}
	for _, want := range []uint64{0, 1, 4} {
		if h := iq.pop(); h == nil || h.id != want {
			t.Fatalf("inject gave %v, want task %d", h, want)
		}
	}
	for _, want := range []uint64{2, 3} {
		if h := owner.pop(); h == nil || h.id != want {
			t.Fatalf("ring gave %v, want task %d", h, want)
		}
	}
}
