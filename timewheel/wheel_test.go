package timewheel

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"
)

// fireRec records one Wake: which probe, and the wheel's position then.
type fireRec struct {
	id int
	at Tick
}

// probe is a timer under test: an Entry embedded in the waiting value, as
// the runtime will do, that logs its firings and may act from inside Wake.
type probe struct {
	Entry
	id     int
	w      *Wheel
	log    *[]fireRec
	onFire func(p *probe)
}

func (p *probe) Wake() {
	*p.log = append(*p.log, fireRec{p.id, p.w.Elapsed()})
	if p.onFire != nil {
		p.onFire(p)
	}
}

func newProbes(w *Wheel, log *[]fireRec, n int) []*probe {
	ps := make([]*probe, n)
	for i := range ps {
		ps[i] = &probe{id: i, w: w, log: log}
		ps[i].Init(ps[i])
	}
	return ps
}

// advance is AdvanceTo followed by the invariant check.
func advance(t *testing.T, w *Wheel, now Tick) int {
	t.Helper()
	n := w.AdvanceTo(now)
	w.check()
	return n
}

// stepUntilFired drives w the way the runtime's driver will, AdvanceTo(
// NextExpiration()) in a loop, until log is non-empty, checking that the
// wheel never asks to be woken later than deadline. It returns the number of
// steps taken.
func stepUntilFired(t *testing.T, w *Wheel, log *[]fireRec, deadline Tick, maxSteps int) int {
	t.Helper()
	for steps := 1; steps <= maxSteps; steps++ {
		at, ok := w.NextExpiration()
		if !ok {
			t.Fatalf("NextExpiration: none, want a pending timer (deadline %d)", deadline)
		}
		if at > deadline {
			t.Fatalf("NextExpiration = %d, after the pending deadline %d", at, deadline)
		}
		if at <= w.Elapsed() && len(*log) == 0 && w.expired.head == nil {
			t.Fatalf("NextExpiration = %d does not move past Elapsed %d", at, w.Elapsed())
		}
		advance(t, w, at)
		if len(*log) > 0 {
			return steps
		}
	}
	t.Fatalf("deadline %d: not fired after %d steps (elapsed %d)", deadline, maxSteps, w.Elapsed())
	return 0
}

func ids(log []fireRec) []int {
	out := make([]int, len(log))
	for i, r := range log {
		out[i] = r.id
	}
	return out
}

func TestInsertAndFire(t *testing.T) {
	var w Wheel
	var log []fireRec
	p := newProbes(&w, &log, 1)[0]
	if p.State() != Idle {
		t.Fatalf("new entry state = %v, want Idle", p.State())
	}
	w.Insert(&p.Entry, 10)
	if p.State() != Pending || w.Len() != 1 || p.Deadline() != 10 {
		t.Fatalf("after Insert: state %v len %d deadline %d", p.State(), w.Len(), p.Deadline())
	}
	if n := advance(t, &w, 9); n != 0 || len(log) != 0 {
		t.Fatalf("AdvanceTo(9) fired %d, want 0", n)
	}
	if n := advance(t, &w, 10); n != 1 || len(log) != 1 || log[0] != (fireRec{0, 10}) {
		t.Fatalf("AdvanceTo(10) fired %d, log %v", n, log)
	}
	if p.State() != Fired || w.Len() != 0 {
		t.Fatalf("after fire: state %v len %d", p.State(), w.Len())
	}
	if _, ok := w.NextExpiration(); ok {
		t.Fatal("NextExpiration on an empty wheel reports a timer")
	}
}

func TestPastDeadlineFiresOnNextAdvance(t *testing.T) {
	var w Wheel
	var log []fireRec
	ps := newProbes(&w, &log, 4)
	advance(t, &w, 100)
	w.Insert(&ps[0].Entry, 50)
	w.Insert(&ps[1].Entry, 100) // == Elapsed: due
	w.Insert(&ps[2].Entry, 0)
	w.Insert(&ps[3].Entry, 101) // not due
	w.check()
	if at, ok := w.NextExpiration(); !ok || at != 100 {
		t.Fatalf("NextExpiration = %d, %v; want 100 (due now)", at, ok)
	}
	if d, ok := w.TimeUntilNext(100*time.Millisecond + 300*time.Microsecond); !ok || d != 0 {
		t.Fatalf("TimeUntilNext = %v, %v; want 0", d, ok)
	}
	// Even an AdvanceTo with an earlier reading fires what is due.
	if n := advance(t, &w, 90); n != 3 {
		t.Fatalf("AdvanceTo(90) fired %d, want 3", n)
	}
	if got := ids(log); !slices.Equal(got, []int{0, 1, 2}) {
		t.Fatalf("fire order %v, want insertion order [0 1 2]", got)
	}
	if w.Elapsed() != 100 {
		t.Fatalf("Elapsed = %d after a backwards AdvanceTo, want 100", w.Elapsed())
	}
	if at, _ := w.NextExpiration(); at != 101 {
		t.Fatalf("NextExpiration = %d, want 101", at)
	}
}

// boundaryTicks returns the level boundaries 64^k for k = 1..6 and their
// neighbours.
func boundaryTicks() []Tick {
	var out []Tick
	for k := 1; k <= numLevels; k++ {
		b := Tick(1) << (levelBits * k)
		out = append(out, b-1, b, b+1)
	}
	return out
}

func TestLevelBoundaries(t *testing.T) {
	bases := []Tick{0, 1, 63, 64, 4095, 4096, 12345, 1<<30 - 1, 1 << 30, wheelSpan - 1, wheelSpan, 5*wheelSpan + 777}
	for _, base := range bases {
		for _, off := range boundaryTicks() {
			for _, absolute := range []bool{false, true} {
				d := base + off
				if absolute { // the boundary itself, not base+boundary
					b := off
					d = (base/b + 1) * b
				}
				// Stepped by NextExpiration, as the driver does.
				var w Wheel
				var log []fireRec
				p := newProbes(&w, &log, 1)[0]
				advance(t, &w, base)
				w.Insert(&p.Entry, d)
				w.check()
				// 6 levels, plus for deadlines across the top-level
				// block boundary a few clamped top-level rounds.
				steps := stepUntilFired(t, &w, &log, d, numLevels+3)
				if log[0].at != d {
					t.Fatalf("base %d deadline %d: fired at %d", base, d, log[0].at)
				}
				_ = steps

				// Jumped to just before, then to the deadline.
				var w2 Wheel
				var log2 []fireRec
				p2 := newProbes(&w2, &log2, 1)[0]
				advance(t, &w2, base)
				w2.Insert(&p2.Entry, d)
				if advance(t, &w2, d-1); len(log2) != 0 {
					t.Fatalf("base %d deadline %d: fired early at %d", base, d, d-1)
				}
				if at, ok := w2.NextExpiration(); !ok || at != d {
					t.Fatalf("base %d deadline %d: NextExpiration at %d = %d, want exact", base, d, d-1, at)
				}
				if advance(t, &w2, d); len(log2) != 1 {
					t.Fatalf("base %d deadline %d: not fired at its tick", base, d)
				}
			}
		}
	}
}

func TestBeyondSpanClampsAndFiresOnTime(t *testing.T) {
	for _, base := range []Tick{0, 1, 1<<30 + 5, wheelSpan - 1, 3*wheelSpan - 2} {
		for _, off := range []Tick{wheelSpan - 1, wheelSpan, wheelSpan + 1, 2*wheelSpan + 12345, 3*wheelSpan - 1, 3*wheelSpan + 1<<30 + 17} {
			var w Wheel
			var log []fireRec
			p := newProbes(&w, &log, 1)[0]
			advance(t, &w, base)
			d := base + off
			w.Insert(&p.Entry, d)
			w.check()
			// Each clamped round moves at least one top-level slot (2^30
			// ticks), so at most 64 rounds per span, then 6 levels down.
			maxSteps := int(off/wheelSpan+1)*slotsPerLevel + numLevels
			stepUntilFired(t, &w, &log, d, maxSteps)
			if log[0].at != d {
				t.Fatalf("base %d deadline %d: fired at %d", base, d, log[0].at)
			}

			// One big jump to just before the deadline, then to it.
			var w2 Wheel
			var log2 []fireRec
			p2 := newProbes(&w2, &log2, 1)[0]
			advance(t, &w2, base)
			w2.Insert(&p2.Entry, d)
			if advance(t, &w2, d-1); len(log2) != 0 {
				t.Fatalf("base %d deadline %d: fired early", base, d)
			}
			if advance(t, &w2, d); len(log2) != 1 {
				t.Fatalf("base %d deadline %d: not fired at its tick", base, d)
			}
		}
	}
}

func TestMaximumDeadline(t *testing.T) {
	var w Wheel
	var log []fireRec
	ps := newProbes(&w, &log, 2)
	advance(t, &w, 1000)
	w.Insert(&ps[0].Entry, math.MaxUint64)
	w.Insert(&ps[1].Entry, math.MaxUint64-1)
	w.check()
	at, ok := w.NextExpiration()
	if !ok || at <= 1000 || at > 1000+wheelSpan {
		t.Fatalf("NextExpiration = %d, %v; want within one span of 1000", at, ok)
	}
	// Re-filing rounds fire nothing.
	for range 3 {
		at, _ := w.NextExpiration()
		advance(t, &w, at)
	}
	if len(log) != 0 || w.Len() != 2 {
		t.Fatalf("far timers fired: %v", log)
	}
	if !w.Cancel(&ps[0].Entry) || !w.Cancel(&ps[1].Entry) {
		t.Fatal("Cancel of a far pending timer failed")
	}
	w.check()
	if d := DurationToTicks(time.Duration(math.MaxInt64)); TicksToDuration(d) != math.MaxInt64 {
		t.Fatalf("largest duration does not round-trip through ticks: %d", d)
	}
}

func TestManyEntriesOneSlot(t *testing.T) {
	const n = 5000
	var w Wheel
	var log []fireRec
	ps := newProbes(&w, &log, 2*n)
	// 777 and 778 share the level-1 slot [768, 832) from position 0.
	for i := range n {
		w.Insert(&ps[2*i+1].Entry, 778)
		w.Insert(&ps[2*i].Entry, 777)
	}
	w.check()
	if at, _ := w.NextExpiration(); at != 768 {
		t.Fatalf("NextExpiration = %d, want the slot start 768", at)
	}
	if n := advance(t, &w, 777); n != 5000 {
		t.Fatalf("AdvanceTo(777) fired %d, want 5000", n)
	}
	if n := advance(t, &w, 778); n != 5000 {
		t.Fatalf("AdvanceTo(778) fired %d, want 5000", n)
	}
	for i, r := range log {
		want := 2 * i
		if i >= n {
			want = 2*(i-n) + 1
		}
		if r.id != want {
			t.Fatalf("fire %d: id %d, want %d (deadline then insertion order)", i, r.id, want)
		}
	}
}

func TestTiesFireInInsertionOrderAcrossLevels(t *testing.T) {
	var w Wheel
	var log []fireRec
	ps := newProbes(&w, &log, 3)
	const d = 5000
	w.Insert(&ps[0].Entry, d) // level 2 from 0
	advance(t, &w, 4200)
	w.Insert(&ps[1].Entry, d) // level 1 from 4200
	advance(t, &w, 4990)
	w.Insert(&ps[2].Entry, d) // level 0 from 4990
	advance(t, &w, d)
	if got := ids(log); !slices.Equal(got, []int{0, 1, 2}) {
		t.Fatalf("fire order %v, want [0 1 2]", got)
	}
}

func TestDeadlineOrderAcrossLevels(t *testing.T) {
	var w Wheel
	var log []fireRec
	deadlines := []Tick{1 << 31, 70, 5, 4097, 63, 64, 262145, 4096, 1, 64*64*64*64 + 3}
	ps := newProbes(&w, &log, len(deadlines))
	for i, d := range deadlines {
		w.Insert(&ps[i].Entry, d)
	}
	advance(t, &w, 1<<32)
	got := make([]Tick, len(log))
	for i, r := range log {
		got[i] = deadlines[r.id]
	}
	if !slices.IsSorted(got) || len(got) != len(deadlines) {
		t.Fatalf("fired deadlines %v, want all, sorted", got)
	}
}

func TestReinsertFromCallback(t *testing.T) {
	var w Wheel
	var log []fireRec
	p := newProbes(&w, &log, 1)[0]
	const period = 7
	p.onFire = func(p *probe) {
		if len(log) < 50 {
			w.Insert(&p.Entry, w.Elapsed()+period) // re-arm from inside Wake
		}
	}
	w.Insert(&p.Entry, period)
	for now := Tick(1); now <= 1000; now++ {
		advance(t, &w, now)
	}
	if len(log) != 50 {
		t.Fatalf("periodic timer fired %d times, want 50", len(log))
	}
	for i, r := range log {
		if r.at != Tick(i+1)*period {
			t.Fatalf("firing %d at %d, want %d", i, r.at, Tick(i+1)*period)
		}
	}
}

func TestReinsertDueFromCallbackWaitsForNextAdvance(t *testing.T) {
	var w Wheel
	var log []fireRec
	p := newProbes(&w, &log, 1)[0]
	p.onFire = func(p *probe) { w.Reset(&p.Entry, w.Elapsed()) } // due at once
	w.Insert(&p.Entry, 3)
	for i := 1; i <= 5; i++ {
		if n := advance(t, &w, 10); n != 1 {
			t.Fatalf("AdvanceTo #%d fired %d, want exactly 1 (no loop)", i, n)
		}
	}
	if !w.Cancel(&p.Entry) {
		t.Fatal("Cancel of the re-armed entry failed")
	}
}

func TestCancel(t *testing.T) {
	var w Wheel
	var log []fireRec
	ps := newProbes(&w, &log, 4)
	if w.Cancel(&ps[0].Entry) {
		t.Fatal("Cancel of an idle entry returned true")
	}
	w.Insert(&ps[0].Entry, 100)
	w.Insert(&ps[1].Entry, 100)
	w.Insert(&ps[2].Entry, 5000)
	if !w.Cancel(&ps[0].Entry) || ps[0].State() != Cancelled {
		t.Fatal("Cancel of a pending entry failed")
	}
	if w.Cancel(&ps[0].Entry) {
		t.Fatal("second Cancel returned true")
	}
	w.check()
	advance(t, &w, 100)
	if got := ids(log); !slices.Equal(got, []int{1}) {
		t.Fatalf("fired %v, want [1]", got)
	}
	if w.Cancel(&ps[1].Entry) || ps[1].State() != Fired {
		t.Fatal("Cancel of a fired entry returned true or changed its state")
	}
	if !w.Cancel(&ps[2].Entry) {
		t.Fatal("Cancel of a level-2 entry failed")
	}
	if _, ok := w.NextExpiration(); ok || w.Len() != 0 {
		t.Fatal("wheel not empty after cancelling everything")
	}
	// A cancelled entry can be inserted again.
	w.Insert(&ps[0].Entry, 200)
	advance(t, &w, 200)
	if got := ids(log); !slices.Equal(got, []int{1, 0}) {
		t.Fatalf("fired %v, want [1 0]", got)
	}
}

func TestCancelFromCallbackStopsLaterDueEntry(t *testing.T) {
	var w Wheel
	var log []fireRec
	ps := newProbes(&w, &log, 3)
	ps[0].onFire = func(*probe) {
		if !w.Cancel(&ps[1].Entry) { // due in this AdvanceTo, not fired yet
			t.Error("Cancel of a collected, unfired entry returned false")
		}
		if w.Cancel(&ps[0].Entry) {
			t.Error("Cancel of the entry being fired returned true")
		}
	}
	w.Insert(&ps[0].Entry, 10)
	w.Insert(&ps[1].Entry, 11)
	w.Insert(&ps[2].Entry, 12)
	if n := advance(t, &w, 20); n != 2 {
		t.Fatalf("fired %d, want 2", n)
	}
	if got := ids(log); !slices.Equal(got, []int{0, 2}) {
		t.Fatalf("fired %v, want [0 2]", got)
	}
}

func TestReset(t *testing.T) {
	var w Wheel
	var log []fireRec
	ps := newProbes(&w, &log, 3)
	advance(t, &w, 10)
	w.Insert(&ps[0].Entry, 10+5000)   // level 2
	w.Insert(&ps[1].Entry, 10+20)     // level 0
	if !w.Reset(&ps[0].Entry, 10+3) { // earlier: level 2 -> level 0
		t.Fatal("Reset of a pending entry returned false")
	}
	if !w.Reset(&ps[1].Entry, 10+300000) { // later: level 0 -> level 3
		t.Fatal("Reset of a pending entry returned false")
	}
	w.check()
	if at, _ := w.NextExpiration(); at != 13 {
		t.Fatalf("NextExpiration = %d, want 13", at)
	}
	advance(t, &w, 5010)
	if got := ids(log); !slices.Equal(got, []int{0}) {
		t.Fatalf("fired %v, want [0]", got)
	}
	if w.Reset(&ps[0].Entry, 6000) { // fired: Reset inserts
		t.Fatal("Reset of a fired entry returned true")
	}
	if w.Reset(&ps[2].Entry, 1) { // idle, past deadline: inserts, due
		t.Fatal("Reset of an idle entry returned true")
	}
	advance(t, &w, 5010)
	advance(t, &w, 300010)
	if got := ids(log); !slices.Equal(got, []int{0, 2, 0, 1}) {
		t.Fatalf("fired %v, want [0 2 0 1]", got)
	}
	if log[3].at != 300010 {
		t.Fatalf("reset-later entry fired at %d, want 300010", log[3].at)
	}
}

func TestNextExpirationAfterCascading(t *testing.T) {
	var w Wheel
	var log []fireRec
	ps := newProbes(&w, &log, 3)
	if _, ok := w.NextExpiration(); ok {
		t.Fatal("empty wheel has a next expiration")
	}
	w.Insert(&ps[0].Entry, 1010)   // level 1, slot [960, 1024)
	w.Insert(&ps[1].Entry, 1000)   // same slot
	w.Insert(&ps[2].Entry, 300000) // level 3
	steps := []struct{ next, fired Tick }{
		{960, 0},    // cascade level-1 slot: fires nothing
		{1000, 1},   // now exact, from level 0
		{1010, 1},   //
		{262144, 0}, // level-3 slot [262144, 524288)
		{299008, 0}, // level-2 slot after cascading
		{299968, 0}, // level-1 slot
		{300000, 1}, // level 0: exact
	}
	for _, s := range steps {
		at, ok := w.NextExpiration()
		if !ok || at != s.next {
			t.Fatalf("NextExpiration = %d, %v; want %d", at, ok, s.next)
		}
		if d, _ := w.TimeUntilNext(TicksToDuration(w.Elapsed())); d != TicksToDuration(at-w.Elapsed()) {
			t.Fatalf("TimeUntilNext = %v, want %v", d, TicksToDuration(at-w.Elapsed()))
		}
		if n := advance(t, &w, at); Tick(n) != s.fired {
			t.Fatalf("AdvanceTo(%d) fired %d, want %d", at, n, s.fired)
		}
	}
	if _, ok := w.NextExpiration(); ok {
		t.Fatal("wheel not empty at the end")
	}
	if _, ok := w.TimeUntilNext(0); ok {
		t.Fatal("TimeUntilNext on an empty wheel reports a timer")
	}
}

func TestTimeUntilNextUsesExactElapsed(t *testing.T) {
	var w Wheel
	var log []fireRec
	p := newProbes(&w, &log, 1)[0]
	w.Insert(&p.Entry, 12)
	// Clock reads 10.7 ms: the timer is due at 12 ms, 1.3 ms away.
	if d, ok := w.TimeUntilNext(10*time.Millisecond + 700*time.Microsecond); !ok || d != 1300*time.Microsecond {
		t.Fatalf("TimeUntilNext = %v, %v; want 1.3ms", d, ok)
	}
	if d, _ := w.TimeUntilNext(time.Hour); d != 0 {
		t.Fatalf("TimeUntilNext past the deadline = %v, want 0", d)
	}
}

func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		msg, _ := r.(string)
		if !strings.HasPrefix(msg, "corio/timewheel: ") || !strings.Contains(msg, want) {
			t.Fatalf("panic %q, want a corio/timewheel panic containing %q", r, want)
		}
	}()
	f()
}

func TestMisusePanics(t *testing.T) {
	var w, other Wheel
	var log []fireRec
	ps := newProbes(&w, &log, 2)
	var bare Entry
	mustPanic(t, "without a Waker", func() { w.Insert(&bare, 1) })
	mustPanic(t, "nil Waker", func() { bare.Init(nil) })
	w.Insert(&ps[0].Entry, 5)
	mustPanic(t, "already pending", func() { w.Insert(&ps[0].Entry, 6) })
	mustPanic(t, "pending entry", func() { ps[0].Init(ps[0]) })
	mustPanic(t, "another Wheel", func() { other.Cancel(&ps[0].Entry) })
	mustPanic(t, "another Wheel", func() { other.Reset(&ps[0].Entry, 9) })
	ps[0].onFire = func(*probe) { w.AdvanceTo(100) }
	mustPanic(t, "inside a Wake callback", func() { w.AdvanceTo(5) })
	// The wheel is usable after the misuse panics above.
	ps[1].Init(ps[1])
	w.Insert(&ps[1].Entry, 7)
	w.check()
	if n := advance(t, &w, 7); n != 1 {
		t.Fatalf("fired %d after recovered panics, want 1", n)
	}
	var c ManualClock
	mustPanic(t, "negative", func() { c.Advance(-1) })
	c.Advance(time.Second)
	mustPanic(t, "backwards", func() { c.Set(time.Millisecond) })
}

type countWaker struct{ n int }

func (c *countWaker) Wake() { c.n++ }

func TestZeroAllocations(t *testing.T) {
	var w Wheel
	var cw countWaker
	es := make([]Entry, 64)
	for i := range es {
		es[i].Init(&cw)
	}
	now := Tick(0)
	allocs := testing.AllocsPerRun(100, func() {
		for i := range es {
			w.Insert(&es[i], now+Tick(i*i*37+1))
		}
		for i := range es {
			w.Reset(&es[i], now+Tick(i*101+1))
		}
		for i := 0; i < len(es); i += 2 {
			w.Cancel(&es[i])
		}
		now += 1 << 14
		w.AdvanceTo(now)
		w.NextExpiration()
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per run, want 0", allocs)
	}
	var s Shared
	allocs = testing.AllocsPerRun(100, func() {
		for i := range es {
			s.Insert(&es[i], now+Tick(i*i*37%10000+1))
		}
		for i := 0; i < len(es); i += 2 {
			s.Cancel(&es[i])
		}
		now += 1 << 14
		s.AdvanceTo(now)
	})
	if allocs != 0 {
		t.Fatalf("Shared: %v allocations per run, want 0", allocs)
	}
}

func TestStateString(t *testing.T) {
	for s, want := range map[State]string{Idle: "Idle", Pending: "Pending", Fired: "Fired", Cancelled: "Cancelled", 9: "State(?)"} {
		if s.String() != want {
			t.Errorf("State(%d).String() = %q, want %q", uint32(s), s.String(), want)
		}
	}
}

// A clamped top-level entry in the wheel's own top-level slot comes a whole
// rotation later, after the entries of every other top-level slot (a bug the
// property test found: the slot was picked first and hid an earlier timer).
func TestTopLevelOwnSlotComesLast(t *testing.T) {
	var w Wheel
	var log []fireRec
	ps := newProbes(&w, &log, 2)
	advance(t, &w, 1)
	w.Insert(&ps[0].Entry, wheelSpan) // across the top block: clamped into slot 0, the wheel's own
	w.Insert(&ps[1].Entry, 1<<30)     // top-level slot 1
	if at, _ := w.NextExpiration(); at != 1<<30 {
		t.Fatalf("NextExpiration = %d, want %d", at, 1<<30)
	}
	stepUntilFired(t, &w, &log, 1<<30, numLevels)
	log = log[:0]
	stepUntilFired(t, &w, &log, wheelSpan, numLevels+2)
	if log[0] != (fireRec{0, wheelSpan}) {
		t.Fatalf("fired %v, want entry 0 at %d", log, Tick(wheelSpan))
	}
}

func TestEntrySize(t *testing.T) {
	// The Entry is embedded in every timer future; the doc comment quotes
	// its size.
	if size := unsafe.Sizeof(Entry{}); unsafe.Sizeof(uintptr(0)) == 8 && size != 56 {
		t.Fatalf("Entry is %d bytes, doc.go says 56", size)
	}
}

// TestAdvanceAppendMatchesAdvanceTo: AdvanceAppend hands back the wakers
// AdvanceTo would call, in the same order, every entry already Fired and out
// of the wheel, without calling any of them.
func TestAdvanceAppendMatchesAdvanceTo(t *testing.T) {
	var called, appended []fireRec
	var w1, w2 Wheel
	p1 := newProbes(&w1, &called, 200)
	p2 := newProbes(&w2, &appended, 200)
	deadlines := func(i int) Tick { return Tick(1 + (i*7919)%5000) }
	for i := range p1 {
		w1.Insert(&p1[i].Entry, deadlines(i))
		w2.Insert(&p2[i].Entry, deadlines(i))
	}
	w1.Cancel(&p1[7].Entry)
	w2.Cancel(&p2[7].Entry)
	var buf []Waker
	for now := Tick(0); now < 5000+97; now += 97 {
		advance(t, &w1, now)
		before := len(appended)
		buf = w2.AdvanceAppend(now, buf[:0])
		w2.check()
		if w2.Len() != w1.Len() {
			t.Fatalf("at %d: %d pending after AdvanceAppend, %d after AdvanceTo", now, w2.Len(), w1.Len())
		}
		if len(appended) != before {
			t.Fatalf("AdvanceAppend called %d wakers", len(appended)-before)
		}
		for _, wk := range buf {
			p := wk.(*probe)
			if p.State() != Fired || w2.Cancel(&p.Entry) {
				t.Fatalf("probe %d handed back in state %v", p.id, p.State())
			}
			p.Wake() // logs the id and the wheel's position, as AdvanceTo's call did
		}
		if !slices.Equal(ids(appended), ids(called)) {
			t.Fatalf("at %d: AdvanceAppend order %v, AdvanceTo order %v", now, ids(appended), ids(called))
		}
	}
	if len(called) != 199 {
		t.Fatalf("%d fired, want 199", len(called))
	}
}

// TestSetWaker: a pending entry fires its new waker, keeping its deadline;
// one that is not pending is left alone.
func TestSetWaker(t *testing.T) {
	var w Wheel
	var log []fireRec
	ps := newProbes(&w, &log, 2)
	w.Insert(&ps[0].Entry, 10)
	if !w.SetWaker(&ps[0].Entry, ps[1]) || ps[0].Waker() != ps[1] {
		t.Fatal("SetWaker of a pending entry did not take")
	}
	if ps[0].Deadline() != 10 || w.Len() != 1 {
		t.Fatalf("SetWaker moved the entry: deadline %d, len %d", ps[0].Deadline(), w.Len())
	}
	advance(t, &w, 9)
	if len(log) != 0 {
		t.Fatalf("fired early: %v", log)
	}
	advance(t, &w, 10)
	if !slices.Equal(ids(log), []int{1}) {
		t.Fatalf("fired %v, want the new waker (probe 1) only", ids(log))
	}
	if w.SetWaker(&ps[0].Entry, ps[0]) || ps[0].Waker() != ps[1] {
		t.Fatal("SetWaker of a fired entry took")
	}
	mustPanic(t, "nil Waker", func() { w.SetWaker(&ps[0].Entry, nil) })
	var other Wheel
	other.Insert(&ps[0].Entry, 20)
	mustPanic(t, "another Wheel", func() { w.SetWaker(&ps[0].Entry, ps[1]) })
}

// TestAdvanceAppendInsideAdvanceToPanics: AdvanceAppend, like AdvanceTo, must
// not run inside a Wake callback of the same wheel's AdvanceTo.
func TestAdvanceAppendInsideAdvanceToPanics(t *testing.T) {
	var w Wheel
	var log []fireRec
	ps := newProbes(&w, &log, 1)
	ps[0].onFire = func(p *probe) {
		mustPanic(t, "inside a Wake callback", func() { w.AdvanceAppend(5, nil) })
	}
	w.Insert(&ps[0].Entry, 1)
	advance(t, &w, 1)
	if len(log) != 1 {
		t.Fatalf("fired %d times, want 1", len(log))
	}
}

// TestEntryWheel: Entry.Wheel is nil until the first Insert, then the wheel
// inserted in, and it stays so after Cancel and after the entry fired (the
// driver finds a timer's shard from it when the timer is armed again).
func TestEntryWheel(t *testing.T) {
	var w1, w2 Wheel
	var e Entry
	e.Init(&countWaker{})
	if e.Wheel() != nil {
		t.Fatal("Wheel of a never inserted entry is not nil")
	}
	w1.Insert(&e, 5)
	if e.Wheel() != &w1 {
		t.Fatal("Wheel after Insert is not the wheel inserted in")
	}
	w1.Cancel(&e)
	if e.Wheel() != &w1 {
		t.Fatal("Wheel changed by Cancel")
	}
	w2.Insert(&e, 3)
	w2.AdvanceTo(3)
	if e.State() != Fired || e.Wheel() != &w2 {
		t.Fatalf("after firing in another wheel: state %v, Wheel is w2: %v", e.State(), e.Wheel() == &w2)
	}
}
