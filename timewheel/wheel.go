package timewheel

import (
	"math/bits"
	"sync/atomic"
	"time"
)

// debug turns on the invariant checker (sanity.go) after every Wheel
// operation. It makes every operation O(number of pending entries); keep it
// false outside of debugging sessions. Tests call the checker directly.
const debug = false

// Tick is a point in time on a Clock: whole milliseconds since the clock's
// start. A Tick used as a deadline means "due once the clock reads at least
// this tick". The wheel's arithmetic assumes positions stay below
// 2^63 ticks (about 292 million years); deadlines may be any Tick.
type Tick uint64

// Geometry of the wheel. Every number here derives from two choices:
// 64 slots per level, so that one uint64 is a level's occupancy bitmap and the
// next occupied slot is one rotate plus one TrailingZeros64; and 6 levels, the
// fewest whose span (64^6 ms) exceeds a year.
const (
	levelBits     = 6                         // log2(slotsPerLevel)
	slotsPerLevel = 1 << levelBits            // 64 slots: one bit each in a uint64
	slotMask      = slotsPerLevel - 1         // 63: low levelBits of a tick
	numLevels     = 6                         // levels 0..5; level L slots are 64^L ms wide
	topLevel      = numLevels - 1             // 5: where too-far deadlines are clamped
	numSlots      = numLevels * slotsPerLevel // 384 slot lists in a Wheel

	// wheelSpan is how far ahead, in ticks, the levels reach:
	// 64^6 ms = 2^36 ms = 68,719,476,736 ms ≈ 795 days ≈ 2.18 years.
	// A deadline further than that from the wheel's position is parked in
	// the top level and re-filed when its slot comes round (see link).
	wheelSpan = 1 << (levelBits * numLevels)
)

// Where an Entry is linked, in Entry.where: a slot index level*64+slot
// (0..numSlots-1), or one of these lists.
const (
	whereExpired = numSlots + iota // Wheel.expired: due, fires at the next AdvanceTo
	whereFiring                    // Wheel.firing: due, being fired by the running AdvanceTo
	whereNone                      // not linked (not pending)
)

// Waker is what a timer wakes when it fires. In corio it is the waker of the
// task that awaits the timer; the package never learns more about it.
//
// Wake is called at most once per firing, on the goroutine that calls
// AdvanceTo, and must not block or panic. With Shared it may be called after
// the entry has been cancelled, re-inserted or reset by another goroutine
// (the firing raced the cancel); wakers must tolerate such spurious wake-ups.
type Waker interface {
	Wake()
}

// State is the life-cycle state of an Entry.
//
// Legal transitions, all made by the wheel the entry is inserted in, with that
// wheel's exclusive access (its owner for Wheel, Shared's mutex for Shared):
//
//	Idle      -> Pending    Insert or Reset of a new entry
//	Pending   -> Pending    Reset (deadline moved)
//	Pending   -> Fired      AdvanceTo reached the deadline (stored before Wake is called)
//	Pending   -> Cancelled  Cancel
//	Fired     -> Pending    Insert or Reset (re-arming, also from inside Wake)
//	Cancelled -> Pending    Insert or Reset
//
// Nothing moves an entry back to Idle: Idle means "never inserted".
type State uint32

const (
	Idle      State = iota // zero value: never inserted
	Pending                // linked in a wheel, will fire unless cancelled or reset
	Fired                  // its deadline passed and its waker was (or is being) woken
	Cancelled              // Cancel removed it before it fired
)

var stateNames = [...]string{"Idle", "Pending", "Fired", "Cancelled"}

func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "State(?)"
}

// Entry is one timer. It is meant to be embedded in the value that waits for
// it (a Sleep future, a timeout), so the caller allocates it and the wheel
// never allocates per timer. An Entry must not be copied once inserted, and
// must stay reachable while Pending (the wheel links to it).
//
// The zero Entry is Idle and has no waker: call Init before the first Insert.
type Entry struct {
	// next, prev link the entry into one list of its wheel: a slot,
	// expired or firing, or into a DeferList; where (below) says which
	// one. deadline is the tick it fires at (in a DeferList, the owner's
	// word). wheel is the Wheel it was last inserted in. These five
	// are guarded by that wheel (owner-only, or Shared.mu) while the entry
	// is Pending; while it is not Pending they belong to the entry's owner.
	next, prev *Entry
	wheel      *Wheel
	deadline   Tick

	// waker is written by the entry's owner: by Init only while the entry
	// is not Pending, by SetWaker under the wheel's exclusive access; it is
	// read by the wheel, under that access, when the entry fires. Insert,
	// which takes that access, orders Init before the fire.
	waker Waker

	where uint16 // guarded as next and prev; placed here to pack with state

	// state holds a State. It is stored only by the wheel, under its
	// exclusive access, and loaded atomically (State) without a lock: a
	// future's Poll checks State() == Fired without taking the wheel's
	// lock. Only the Fired store, made by AdvanceTo on the driving
	// goroutine, is atomic (sequentially consistent, before the Wake call,
	// so a task woken by it observes Fired). Pending and Cancelled are
	// plain stores: Insert, Reset and Cancel run on the goroutine that owns
	// the entry, which reads its own writes, and every other reader (the
	// wheel's next holder) is ordered after them by the wheel's exclusive
	// access. An atomic store costs a locked instruction, as much as a lock
	// acquisition, and these two are on every arm and cancel.
	state uint32
}

// Init sets the waker that e wakes when it fires. It may be called again to
// change the waker, but never while e is Pending (it panics then: the wheel may
// be reading the waker).
func (e *Entry) Init(w Waker) {
	if w == nil {
		panic("corio/timewheel: Entry.Init with a nil Waker")
	}
	if e.State() == Pending {
		panic("corio/timewheel: Entry.Init of a pending entry")
	}
	e.waker = w
}

// Waker returns the waker e was last given by Init. Only e's owner may call
// it (Init is the owner's): it reads what the owner wrote.
func (e *Entry) Waker() Waker { return e.waker }

// State reports e's state. It takes no lock. The goroutine that inserts and
// cancels e (its owner) may call it at any time, also while another goroutine
// fires e; so may any goroutine ordered after the owner's last Insert, Reset
// or Cancel (by the wheel's lock, say), but not one racing with them: they
// store the state plainly (see Entry.state). With Shared, the answer can be
// stale by the time the caller looks at it, except that Fired and Cancelled
// stay so until e's owner re-inserts it.
func (e *Entry) State() State { return State(atomic.LoadUint32(&e.state)) }

// Deadline returns the deadline e was last inserted or reset with (while e
// is in a DeferList: the word it was pushed with). Only e's owner may call
// it, and not while another goroutine may Reset e.
func (e *Entry) Deadline() Tick { return e.deadline }

// Wheel returns the Wheel e was last inserted in, nil if it never was. Only
// e's owner may call it (Insert, the one writer, is the owner's); a wheel
// embedded in a larger structure lets the owner find that structure from
// its entry without a pointer of its own.
func (e *Entry) Wheel() *Wheel { return e.wheel }

// list is an intrusive circular doubly-linked list of entries; head is the
// first entry and head.prev the last, nil when empty. Entries do not point at
// the list, so a list value can be moved (copied then zeroed).
type list struct {
	head *Entry
}

func (l *list) pushBack(e *Entry) {
	h := l.head
	if h == nil {
		e.next, e.prev = e, e
		l.head = e
		return
	}
	t := h.prev
	e.prev, e.next = t, h
	t.next = e
	h.prev = e
}

func (l *list) remove(e *Entry) {
	if e.next == e {
		l.head = nil
	} else {
		e.prev.next = e.next
		e.next.prev = e.prev
		if l.head == e {
			l.head = e.next
		}
	}
	e.next, e.prev = nil, nil
}

func (l *list) popFront() *Entry {
	e := l.head
	if e != nil {
		l.remove(e)
	}
	return e
}

// Wheel is a hierarchical timer wheel: 6 levels of 64 slots at 1 ms resolution.
// See the package documentation for the design.
//
// A Wheel is single-owner data: it is not safe for concurrent use, and every
// method, and the Wake calls made by AdvanceTo, run on the owner's goroutine.
// Use Shared when several goroutines insert and cancel timers.
//
// The zero Wheel is empty and positioned at tick 0, ready to use. A Wheel must
// not be copied after first use.
type Wheel struct {
	// All fields are owner-only (for a Wheel inside a Shared: guarded by
	// Shared.mu).

	// elapsed is the wheel's position: every deadline <= elapsed has been
	// moved to expired or firing, or has fired. It never decreases.
	elapsed Tick

	// occupied[L] has bit s set iff slots[L][s] is not empty.
	occupied [numLevels]uint64

	// slots[L][s] holds entries whose deadline lies in the wheel's current
	// 64^(L+1)-tick block but not in its current 64^L-tick block, and whose
	// level-L digit (deadline >> 6L & 63) is s. The top level also holds
	// deadlines beyond the span (wrapped; see link).
	slots [numLevels][slotsPerLevel]list

	// expired holds entries inserted with a deadline already <= elapsed, in
	// insertion order; the next AdvanceTo fires them first.
	expired list

	// firing holds the entries the running AdvanceTo has found due and not
	// yet fired, in firing order. Empty outside AdvanceTo.
	firing list

	pending   int  // number of Pending entries linked in this wheel
	advancing bool // an AdvanceTo of this Wheel is running (reentrancy check)
}

// Elapsed returns the wheel's position: the largest tick AdvanceTo has been
// called with (0 for a new wheel).
func (w *Wheel) Elapsed() Tick { return w.elapsed }

// Len returns the number of Pending entries in the wheel.
func (w *Wheel) Len() int { return w.pending }

// Insert arms e to fire at deadline: the first AdvanceTo(now) with
// now >= deadline wakes e's waker. A deadline <= Elapsed() (in the past) fires
// at the next AdvanceTo, whatever its argument. Insert is O(1) and does not
// allocate.
//
// e must have a waker (Init) and must not be Pending (use Reset to move a
// pending timer); Insert panics otherwise. It may be called from inside a Wake
// callback, also to re-arm the entry being fired.
func (w *Wheel) Insert(e *Entry, deadline Tick) {
	if e.waker == nil {
		panic("corio/timewheel: Insert of an Entry without a Waker (call Entry.Init first)")
	}
	if e.State() == Pending {
		panic("corio/timewheel: Insert of an Entry that is already pending (use Reset)")
	}
	if e.where == whereDeferred {
		panic("corio/timewheel: Insert of an Entry that is in a DeferList (Pop or Undefer it first)")
	}
	e.wheel = w
	e.deadline = deadline
	w.link(e)
	w.pending++
	e.state = uint32(Pending) // plain: see Entry.state
	if debug {
		w.check()
	}
}

// Cancel disarms e and reports whether it was Pending in w. If it was, e is
// now Cancelled and its waker will not be woken by this arming. If e had
// already fired, was cancelled before, or was never inserted, Cancel does
// nothing and returns false. O(1).
//
// Cancel panics if e is Pending in a different Wheel.
func (w *Wheel) Cancel(e *Entry) bool {
	if e.State() != Pending {
		return false
	}
	if e.wheel != w {
		panic("corio/timewheel: Cancel of an Entry pending in another Wheel")
	}
	w.unlink(e)
	w.pending--
	e.state = uint32(Cancelled) // plain: see Entry.state
	if debug {
		w.check()
	}
	return true
}

// Reset moves e's deadline and reports whether e was Pending. A pending entry
// is re-filed in O(1), earlier or later, as if cancelled and inserted anew (it
// goes behind existing entries with the same deadline); an entry that is not
// Pending is inserted, with Insert's preconditions.
//
// Reset panics if e is Pending in a different Wheel.
func (w *Wheel) Reset(e *Entry, deadline Tick) bool {
	if e.State() != Pending {
		w.Insert(e, deadline)
		return false
	}
	if e.wheel != w {
		panic("corio/timewheel: Reset of an Entry pending in another Wheel")
	}
	w.unlink(e)
	e.deadline = deadline
	w.link(e)
	if debug {
		w.check()
	}
	return true
}

// NextExpiration returns the tick at which the wheel next has work, and false
// if no entry is Pending.
//
// The tick is never later than the earliest pending deadline, so a driver
// that sleeps until it never fires a timer late. It equals the earliest
// deadline when that deadline lies in the same 64 ms block as Elapsed();
// otherwise it may be the start of a coarser slot, whose entries AdvanceTo
// then files into finer levels (cascading) without firing anything, and the
// driver asks again. A timer thus costs the driver at most one extra wake-up
// per level it cascades through (at most 5, or more for one beyond the
// wheel's ~2.18-year span). If entries are already due (inserted with a past
// deadline), it returns Elapsed(). O(levels): one rotate and one
// TrailingZeros64 per non-empty level, at most 6.
func (w *Wheel) NextExpiration() (Tick, bool) {
	if w.expired.head != nil || w.firing.head != nil {
		return w.elapsed, true
	}
	_, _, at, ok := w.nextSlot()
	return at, ok
}

// TimeUntilNext is NextExpiration as a park timeout: how long after the
// clock reading elapsed (Clock.Elapsed(), the exact time since the clock's
// start) the wheel next has work; 0 if that is now or past, and false if no
// entry is pending (park without a timeout). The driver should round the
// result up to its poller's resolution: waking early only costs a loop.
func (w *Wheel) TimeUntilNext(elapsed time.Duration) (time.Duration, bool) {
	at, ok := w.NextExpiration()
	if !ok {
		return 0, false
	}
	d := TicksToDuration(at) - elapsed
	if d < 0 {
		d = 0
	}
	return d, true
}

// AdvanceTo moves the wheel's position to now and fires every entry whose
// deadline is <= now, returning how many fired. Firing an entry sets its
// state to Fired and then calls its waker's Wake, on the calling goroutine.
//
// Order: entries inserted with a past deadline fire first, in insertion
// order; then the others in deadline order; entries with equal deadlines fire
// in the order they were inserted or last reset (see the package
// documentation for what of this is promised).
//
// The due entries are first collected into an intrusive list, then fired one
// at a time from its head. So a Wake callback may Insert, Reset or Cancel any
// entry, including the one being fired: cancelling a collected entry that has
// not fired yet stops it from firing; an entry armed by a callback with a
// deadline <= now fires at the next AdvanceTo, not this one (so a callback
// that re-arms itself "now" cannot loop forever). A callback must not call
// AdvanceTo on the same wheel (panic).
//
// now may be less than Elapsed() (a racing clock read); the position then
// stays, and only entries already due fire.
func (w *Wheel) AdvanceTo(now Tick) int {
	if w.advancing {
		panic("corio/timewheel: AdvanceTo called from inside a Wake callback of the same Wheel")
	}
	w.advancing = true
	defer w.endAdvance()
	w.collect(now)
	fired := 0
	for {
		e := w.firing.popFront()
		if e == nil {
			break
		}
		w.fire(e).Wake()
		fired++
	}
	if debug {
		w.check()
	}
	return fired
}

func (w *Wheel) endAdvance() { w.advancing = false }

// AdvanceAppend is AdvanceTo without the Wake calls: it moves the wheel to
// now, marks every due entry Fired, in AdvanceTo's order, and appends its
// waker to buf, which it returns. The caller wakes them, typically after
// releasing the lock it holds around the wheel: a wheel guarded by a lock of
// its owner's (as the runtime's driver guards each of its wheels) fires this
// way without calling a waker under that lock.
//
// Every due entry is Fired and out of the wheel when AdvanceAppend returns,
// before any of the wakers runs: a Cancel after it returns false, as it does
// once AdvanceTo has fired an entry. It must not be called from a Wake
// callback of the same Wheel's AdvanceTo (panic).
func (w *Wheel) AdvanceAppend(now Tick, buf []Waker) []Waker {
	if w.advancing {
		panic("corio/timewheel: AdvanceAppend called from inside a Wake callback of the same Wheel")
	}
	w.collect(now)
	for e := w.firing.popFront(); e != nil; e = w.firing.popFront() {
		buf = append(buf, w.fire(e))
	}
	if debug {
		w.check()
	}
	return buf
}

// fire takes e, just popped off the firing list, out of the wheel, marks it
// Fired and returns its waker. The waker is read before Fired is published,
// and nothing of e is touched after: an owner that loads Fired may re-Init
// and re-insert e at once (see Shared.AdvanceTo).
func (w *Wheel) fire(e *Entry) Waker {
	w.pending--
	e.where = whereNone
	wk := e.waker
	atomic.StoreUint32(&e.state, uint32(Fired))
	return wk
}

// SetWaker makes e, Pending in w, wake wk instead of the waker it was armed
// with, keeping its deadline and its place, and reports whether e was
// Pending; if not (it fired or was cancelled), it does nothing and returns
// false. Unlike Init it may be called while e is Pending, since it runs with
// the wheel's exclusive access (under Shared's or the owner's lock); only e's
// owner calls it, so the owner may keep reading e's waker (Entry.Waker)
// without that access.
//
// SetWaker panics if wk is nil or e is Pending in a different Wheel.
func (w *Wheel) SetWaker(e *Entry, wk Waker) bool {
	if wk == nil {
		panic("corio/timewheel: SetWaker with a nil Waker")
	}
	if e.State() != Pending {
		return false
	}
	if e.wheel != w {
		panic("corio/timewheel: SetWaker of an Entry pending in another Wheel")
	}
	e.waker = wk
	return true
}

// link files e, which is not linked, by its deadline relative to elapsed.
//
// The level is that of the most significant base-64 digit in which deadline
// and elapsed differ: level L means both lie in the same 64^(L+1)-tick block
// but different 64^L-tick blocks, and the slot is deadline's level-L digit.
// Because deadline > elapsed, that slot is after elapsed's own level-L digit,
// so the entries of a lower level all expire before those of any higher one,
// which is what makes NextExpiration a scan from level 0 upward.
//
// A deadline outside elapsed's 2^36-tick block (too far, or just across the
// block boundary) is clamped to the top level, in the slot of its level-5
// digit, which may be at or behind elapsed's own digit (wrapped). nextSlot
// then reads that slot as one rotation (2^36 ticks) later. The slot's time is
// never after the deadline, and when it comes the entry is re-filed from the
// new position, nearer to its deadline, until it fires at exactly its tick.
func (w *Wheel) link(e *Entry) {
	d := e.deadline
	if d <= w.elapsed {
		e.where = whereExpired
		w.expired.pushBack(e)
		return
	}
	x := uint64(w.elapsed^d) | slotMask
	if x >= wheelSpan {
		x = wheelSpan - 1
	}
	level := (bits.Len64(x) - 1) / levelBits
	slot := int(d>>(uint(level)*levelBits)) & slotMask
	e.where = uint16(level*slotsPerLevel + slot)
	w.slots[level][slot].pushBack(e)
	w.occupied[level] |= 1 << uint(slot)
}

// unlink removes e, which is linked, from its list.
func (w *Wheel) unlink(e *Entry) {
	switch e.where {
	case whereExpired:
		w.expired.remove(e)
	case whereFiring:
		w.firing.remove(e)
	case whereNone:
		panic("corio/timewheel: pending entry is not linked")
	default:
		level, slot := int(e.where)/slotsPerLevel, int(e.where)%slotsPerLevel
		l := &w.slots[level][slot]
		l.remove(e)
		if l.head == nil {
			w.occupied[level] &^= 1 << uint(slot)
		}
	}
	e.where = whereNone
}

// nextSlot returns the occupied slot that expires first and the tick at which
// it does: for a level-0 slot, the deadline of its entries; for a level-L slot,
// the first tick of its 64^L-tick range.
func (w *Wheel) nextSlot() (level, slot int, at Tick, ok bool) {
	for level = 0; level < numLevels; level++ {
		occ := w.occupied[level]
		if occ == 0 {
			continue
		}
		shift := uint(level) * levelBits
		cur := int(w.elapsed>>shift) & slotMask
		// Rotate the slot after elapsed's own digit to bit 0; the lowest
		// set bit is then the distance to the next occupied slot, going
		// round: slots cur+1..63 this rotation, then 0..cur the next.
		// Only the top level can have slots 0..cur occupied (clamped
		// entries, see link); cur itself comes last, a whole rotation on.
		next := (cur + 1) & slotMask
		slot = (bits.TrailingZeros64(bits.RotateLeft64(occ, -next)) + next) & slotMask
		levelSpan := Tick(1) << (shift + levelBits)
		at = w.elapsed&^(levelSpan-1) + Tick(slot)<<shift
		if at <= w.elapsed {
			if debug && level != topLevel {
				panic("corio/timewheel: occupied slot at or behind the wheel's position below the top level")
			}
			at += levelSpan
		}
		return level, slot, at, true
	}
	return 0, 0, 0, false
}

// collect advances elapsed to now (if later) and moves every due entry to
// firing, in firing order: first those in expired, then slot by slot in
// expiration order. Slots of higher levels are cascaded: their entries are
// re-filed from the slot's start tick into lower levels, or moved to firing if
// due exactly then.
func (w *Wheel) collect(now Tick) {
	for e := w.expired.popFront(); e != nil; e = w.expired.popFront() {
		e.where = whereFiring
		w.firing.pushBack(e)
	}
	for {
		level, slot, at, ok := w.nextSlot()
		if !ok || at > now {
			break
		}
		l := w.slots[level][slot]
		w.slots[level][slot] = list{}
		w.occupied[level] &^= 1 << uint(slot)
		w.elapsed = at
		for e := l.popFront(); e != nil; e = l.popFront() {
			if e.deadline <= at {
				e.where = whereFiring
				w.firing.pushBack(e)
			} else {
				w.link(e)
			}
		}
	}
	if now > w.elapsed {
		w.elapsed = now
	}
}
