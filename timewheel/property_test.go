package timewheel

import (
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// The property test runs random sequences of Insert, Cancel, Reset and
// AdvanceTo against a wheel and against a model that keeps the pending timers
// in a plain slice and sorts the due ones on every advance, and compares what
// fires, in which order, the return values, every entry's State, Len and
// NextExpiration's bounds. Wake callbacks re-arm their own entry or cancel
// another one, so reentrancy is covered too. Deadlines and advances are drawn
// to hit the past, level boundaries (64^k ± 1, absolute and relative), the
// wheel's span and beyond it.

const propEntries = 12

// action is what a probe's Wake does, chosen when the entry is armed.
type action struct {
	kind   int // actNone, actRearm, actCancel
	delta  int64
	target int
}

const (
	actNone   = iota
	actRearm  // Insert itself again at elapsed+delta
	actCancel // Cancel entry target
)

// wheelAPI is what the property test drives: Wheel or Shared.
type wheelAPI interface {
	Insert(*Entry, Tick)
	Cancel(*Entry) bool
	Reset(*Entry, Tick) bool
	NextExpiration() (Tick, bool)
	AdvanceTo(Tick) int
	Elapsed() Tick
	Len() int
}

// propProbe is the wheel side of one entry.
type propProbe struct {
	Entry
	id  int
	h   *harness
	act action
}

func (p *propProbe) Wake() {
	h := p.h
	h.fired = append(h.fired, p.id)
	act := p.act
	p.act = action{} // one-shot: a re-armed entry does nothing when it fires again
	switch act.kind {
	case actRearm:
		h.w.Insert(&p.Entry, h.deadline(h.w.Elapsed(), act.delta))
	case actCancel:
		h.cancelResults = append(h.cancelResults, h.w.Cancel(&h.probes[act.target].Entry))
	}
}

// modelEntry is the model side of one entry.
type modelEntry struct {
	state    State
	deadline Tick
	key      Tick   // firing key: max(deadline, elapsed when armed)
	seq      uint64 // arming order: ties on key fire in seq order
	act      action
}

type harness struct {
	w      wheelAPI
	check  func()
	probes [propEntries]*propProbe

	fired         []int  // wheel: ids in firing order
	cancelResults []bool // wheel: results of Cancel made by callbacks

	m       [propEntries]modelEntry
	elapsed Tick
	seq     uint64
}

// deadline is base+delta, saturating at 0 and at the largest Tick.
func (h *harness) deadline(base Tick, delta int64) Tick {
	if delta < 0 {
		if Tick(-delta) > base {
			return 0
		}
		return base - Tick(-delta)
	}
	if Tick(delta) > ^Tick(0)-base {
		return ^Tick(0)
	}
	return base + Tick(delta)
}

func (h *harness) modelArm(id int, d Tick, act action) {
	h.seq++
	key := d
	if key < h.elapsed {
		key = h.elapsed
	}
	h.m[id] = modelEntry{state: Pending, deadline: d, key: key, seq: h.seq, act: act}
}

// modelAdvance returns the ids the model fires and the callback Cancel results.
func (h *harness) modelAdvance(now Tick) (fired []int, cancels []bool) {
	if now > h.elapsed {
		h.elapsed = now
	}
	type due struct {
		id  int
		key Tick
		seq uint64
	}
	var snapshot []due
	for id := range h.m {
		if h.m[id].state == Pending && h.m[id].deadline <= h.elapsed {
			snapshot = append(snapshot, due{id, h.m[id].key, h.m[id].seq})
		}
	}
	slices.SortFunc(snapshot, func(a, b due) int {
		if a.key != b.key {
			if a.key < b.key {
				return -1
			}
			return 1
		}
		return int(a.seq) - int(b.seq)
	})
	for _, d := range snapshot {
		me := &h.m[d.id]
		if me.state != Pending || me.seq != d.seq {
			continue // cancelled by an earlier callback of this advance
		}
		me.state = Fired
		fired = append(fired, d.id)
		act := me.act
		me.act = action{}
		switch act.kind {
		case actRearm:
			h.modelArm(d.id, h.deadline(h.elapsed, act.delta), action{})
		case actCancel:
			t := &h.m[act.target]
			cancels = append(cancels, t.state == Pending)
			if t.state == Pending {
				t.state = Cancelled
			}
		}
	}
	return fired, cancels
}

// deltaGen draws a deadline or advance offset: past, near, level boundaries
// and their neighbours, and far beyond the span.
func deltaGen(allowPast bool) *rapid.Generator[int64] {
	var boundaries []int64
	for k := 1; k <= numLevels+1; k++ {
		b := int64(1) << (levelBits * k)
		boundaries = append(boundaries, b-1, b, b+1)
	}
	gens := []*rapid.Generator[int64]{
		rapid.Int64Range(1, 70),
		rapid.Int64Range(1, 70),
		rapid.Int64Range(1, 5000),
		rapid.SampledFrom(boundaries),
		rapid.Int64Range(1, 3*wheelSpan),
	}
	if allowPast {
		gens = append(gens, rapid.Int64Range(-200, 0))
	}
	return rapid.OneOf(gens...)
}

// aligned draws a tick on or next to a level boundary at or after base.
func alignedGen(base Tick) *rapid.Generator[Tick] {
	return rapid.Custom(func(t *rapid.T) Tick {
		k := rapid.IntRange(1, numLevels+1).Draw(t, "level")
		b := Tick(1) << (levelBits * k)
		off := rapid.IntRange(-1, 1).Draw(t, "off")
		return (base/b+1)*b + Tick(off)
	})
}

func runProperty(t *rapid.T, h *harness, callbackCancel bool) {
	for i := range h.probes {
		h.probes[i] = &propProbe{id: i, h: h}
		h.probes[i].Init(h.probes[i])
	}
	idGen := rapid.IntRange(0, propEntries-1)
	drawDeadline := func(label string) Tick {
		if rapid.IntRange(0, 4).Draw(t, label+"-aligned?") == 0 {
			return alignedGen(h.elapsed).Draw(t, label)
		}
		return h.deadline(h.elapsed, deltaGen(true).Draw(t, label))
	}
	drawAction := func() action {
		kinds := []int{actNone, actNone, actRearm}
		if callbackCancel {
			kinds = append(kinds, actCancel)
		}
		a := action{kind: rapid.SampledFrom(kinds).Draw(t, "action")}
		switch a.kind {
		case actRearm:
			a.delta = deltaGen(true).Draw(t, "rearm-delta")
		case actCancel:
			a.target = idGen.Draw(t, "cancel-target")
		}
		return a
	}
	compareAdvance := func(now Tick) {
		h.fired, h.cancelResults = h.fired[:0], h.cancelResults[:0]
		n := h.w.AdvanceTo(now)
		wantFired, wantCancels := h.modelAdvance(now)
		if !slices.Equal(h.fired, wantFired) || n != len(wantFired) {
			t.Fatalf("AdvanceTo(%d): fired %v (n=%d), model fires %v", now, h.fired, n, wantFired)
		}
		if !slices.Equal(h.cancelResults, wantCancels) {
			t.Fatalf("AdvanceTo(%d): callback Cancel results %v, model %v", now, h.cancelResults, wantCancels)
		}
		if h.w.Elapsed() != h.elapsed {
			t.Fatalf("Elapsed = %d, model %d", h.w.Elapsed(), h.elapsed)
		}
	}

	steps := rapid.IntRange(1, 120).Draw(t, "steps")
	for range steps {
		switch op := rapid.IntRange(0, 9).Draw(t, "op"); op {
		case 0, 1, 2: // Insert
			id := idGen.Draw(t, "id")
			if h.m[id].state == Pending {
				continue
			}
			d := drawDeadline("deadline")
			act := drawAction()
			h.probes[id].act = act
			h.w.Insert(&h.probes[id].Entry, d)
			h.modelArm(id, d, act)
		case 3: // Cancel
			id := idGen.Draw(t, "id")
			want := h.m[id].state == Pending
			if got := h.w.Cancel(&h.probes[id].Entry); got != want {
				t.Fatalf("Cancel(%d) = %v, model %v", id, got, want)
			}
			if want {
				h.m[id].state = Cancelled
			}
		case 4, 5: // Reset
			id := idGen.Draw(t, "id")
			d := drawDeadline("deadline")
			want := h.m[id].state == Pending
			act := h.m[id].act
			if !want {
				act = drawAction()
				h.probes[id].act = act
			}
			if got := h.w.Reset(&h.probes[id].Entry, d); got != want {
				t.Fatalf("Reset(%d) = %v, model %v", id, got, want)
			}
			h.modelArm(id, d, act)
		case 6, 7: // AdvanceTo by a drawn offset (or backwards)
			var now Tick
			if rapid.IntRange(0, 5).Draw(t, "aligned-advance?") == 0 {
				now = alignedGen(h.elapsed).Draw(t, "now")
			} else {
				now = h.deadline(h.elapsed, deltaGen(true).Draw(t, "advance"))
			}
			compareAdvance(now)
		case 8, 9: // AdvanceTo(NextExpiration()), as the driver does
			if at, ok := h.w.NextExpiration(); ok {
				compareAdvance(at)
			}
		}
		h.checkAll(t)
	}
	// Drain: step by NextExpiration until empty; everything fires on time.
	for guard := 0; h.w.Len() > 0; guard++ {
		if guard > 2000 {
			t.Fatalf("drain: %d entries still pending after %d steps", h.w.Len(), guard)
		}
		at, _ := h.w.NextExpiration()
		compareAdvance(at)
		h.checkAll(t)
	}
}

// checkAll compares the states, Len and NextExpiration with the model.
func (h *harness) checkAll(t *rapid.T) {
	h.check()
	count := 0
	var minDeadline Tick = ^Tick(0)
	for id := range h.m {
		if got, want := h.probes[id].State(), h.m[id].state; got != want {
			t.Fatalf("entry %d: state %v, model %v", id, got, want)
		}
		if h.m[id].state == Pending {
			count++
			minDeadline = min(minDeadline, h.m[id].deadline)
		}
	}
	if h.w.Len() != count {
		t.Fatalf("Len = %d, model %d", h.w.Len(), count)
	}
	at, ok := h.w.NextExpiration()
	switch {
	case ok != (count > 0):
		t.Fatalf("NextExpiration ok = %v with %d pending", ok, count)
	case !ok:
	case minDeadline <= h.elapsed:
		if at != h.elapsed {
			t.Fatalf("NextExpiration = %d with a due entry, want Elapsed %d", at, h.elapsed)
		}
	case at <= h.elapsed || at > minDeadline:
		t.Fatalf("NextExpiration = %d, want in (%d, %d]", at, h.elapsed, minDeadline)
	case minDeadline>>levelBits == h.elapsed>>levelBits && at != minDeadline:
		t.Fatalf("NextExpiration = %d, want exactly %d (same 64-tick block)", at, minDeadline)
	}
}

func TestPropertyWheelMatchesModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		w := new(Wheel)
		h := &harness{w: w, check: w.check}
		runProperty(t, h, true)
	})
}

// TestPropertySharedMatchesModel runs the same model against Shared on one
// goroutine. Callbacks do not cancel other entries here: with Shared, a
// cancel of an entry in the same wake batch is too late, by design.
func TestPropertySharedMatchesModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := new(Shared)
		h := &harness{w: s, check: func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.wheel.check()
		}}
		runProperty(t, h, false)
	})
}

// FuzzWheel drives the Wheel property from fuzzer bytes (go test -fuzz
// FuzzWheel ./timewheel). Plain go test runs the seed corpus below, a fixed
// set of byte strings, so part of the property's coverage is the same on
// every run (rapid skips the few seeds whose bytes its generators reject).
func FuzzWheel(f *testing.F) {
	for i := range 16 {
		seed := make([]byte, 8192)
		for j := range seed {
			seed[j] = byte((j*131 + i*71) ^ (j >> 3) ^ (j * j >> 7))
		}
		f.Add(seed)
	}
	f.Fuzz(rapid.MakeFuzz(func(t *rapid.T) {
		w := new(Wheel)
		h := &harness{w: w, check: w.check}
		runProperty(t, h, true)
	}))
}
