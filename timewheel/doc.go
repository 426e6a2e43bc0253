// Package timewheel is corio's timer store: a hierarchical timer wheel that
// keeps the runtime's pending timers and tells the driver when the next one
// is due, plus the clock abstraction (real or paused) that the wheel's ticks
// are read from.
//
// It is a leaf package: it imports only the standard library and wakes what
// waits on a timer through the one-method interface Waker. The runtime (rt)
// builds Sleep, Timeout and Interval on top of it.
//
// # Concepts
//
// A Tick is a whole millisecond since a Clock's start; every deadline in the
// wheel is a Tick. A Clock reads the current tick: RealClock from the
// process's monotonic clock, ManualClock from a value tests move by hand.
// Durations and instants convert to deadline ticks by rounding up
// (DeadlineAfter, DeadlineAt, DurationToTicks), and the clock's current tick
// is rounded down (Clock.Now), which together keep a timer from ever firing
// before its duration has passed.
//
// An Entry is one timer. It is embedded in whatever waits for the timer (a
// Sleep future), so the user allocates it and the wheel links it in place:
// arming, moving and cancelling a timer allocate nothing. An Entry carries a
// Waker, a deadline, the links, and a State word (Idle, Pending, Fired,
// Cancelled; legal transitions are listed on State).
//
// A Wheel holds the Pending entries. Insert arms an entry, Cancel disarms it,
// Reset moves it, NextExpiration says when the wheel next has work, and
// AdvanceTo(now) fires every entry whose deadline is <= now. Shared is a Wheel
// behind a mutex, for use from several goroutines.
//
// # The wheel
//
// There are 6 levels of 64 slots. A level-L slot spans 64^L ticks, so level 0
// has one slot per millisecond of the current 64 ms, level 1 one slot per
// 64 ms of the current 4.096 s, and so on up to level 5, whose slots are
// 2^30 ms (≈ 12.4 days) wide and which spans 2^36 ms ≈ 2.18 years in all.
//
// An entry goes to the level of the most significant base-64 digit in which
// its deadline differs from the wheel's position (Elapsed), into the slot
// named by the deadline's digit at that level. Deadlines and positions are
// absolute ticks, so the slot of an entry never depends on when it was
// inserted within its block, and cascading is plain re-filing: when the wheel
// reaches the start of a level-L slot, it takes the slot's entries and files
// each again from the new position, which puts it at a lower level (or fires
// it, if its deadline is that very tick). A timer cascades at most once per
// level on its way down.
//
// Each level has a uint64 bitmap of its non-empty slots. The next slot to
// expire in a level is found with one rotate (bringing the slot after the
// current one to bit 0) and one TrailingZeros64; and because an entry at
// level L always expires before any entry at level L+1 (it lies in the
// current 64^(L+1) block, they lie in later ones), the next expiration of the
// whole wheel is that of the lowest non-empty level. NextExpiration is thus
// O(levels), and Insert, Cancel and Reset are O(1): compute the level from
// the highest set bit of deadline XOR position, link or unlink in an
// intrusive circular doubly-linked list, set or clear one bit.
//
// Deadlines more than the span ahead (or just across the top level's 2^36
// block boundary) are clamped: they go into the top level, in the slot of
// their top digit, which may be at or behind the wheel's own top digit. Such
// a slot is read as one rotation later; when the wheel reaches it the entries
// are re-filed from there, nearer to their deadline, and eventually fire at
// exactly their tick. A far timer thus costs one re-filing every 2^30 to
// 2^36 ms, which is nothing.
//
// NextExpiration returns a tick that is never later than the earliest
// deadline, and equals it whenever that deadline lies within the current
// 64 ms block. Otherwise it is the start of the coarser slot holding the
// earliest timer, where AdvanceTo cascades without firing; the driver then
// asks again. So a timer can cost the driver up to one extra wake-up per
// level it cascades through. Answering with the exact deadline instead would
// mean keeping each slot's minimum up to date under Cancel, an O(slot) scan;
// Tokio makes the same trade.
//
// # Firing
//
// AdvanceTo(now) works in two phases. First it collects: it moves every due
// entry (those inserted with a past deadline, then slot by slot in expiration
// order, cascading higher slots on the way) onto an intrusive "firing" list in
// the Wheel, and sets the position to now. Then it fires: it pops the list's
// head, stores Fired in the entry's state, and calls its waker's Wake, until
// the list is empty. Because an entry is off every list before its Wake runs,
// a callback may re-arm its own entry (a periodic timer), and may Insert,
// Reset or Cancel any other; cancelling an entry that is collected but not yet
// fired removes it from the firing list, so it does not fire. An entry armed
// from a callback with a deadline <= now is not fired by the running
// AdvanceTo but by the next one, so a callback that keeps re-arming itself
// "now" cannot spin. AdvanceTo must not be called from its own callbacks.
//
// AdvanceAppend does the same without calling anything: it marks every due
// entry Fired and appends its waker to a slice, so that the owner of a lock
// around the wheel can call them once the lock is released (the runtime's
// driver fires its wheels so).
//
// Shared.AdvanceTo collects under its mutex, then repeatedly takes up to 32
// entries off the firing list (marking them Fired and copying their wakers)
// and calls the wakers with the mutex released. Calling wakers under the
// wheel's lock was rejected: a waker takes the scheduler's locks, and would
// deadlock on the wheel's own lock the moment it re-armed a timer.
//
// # Concurrency: what guards what
//
//   - Wheel: every field is owner-only. A Wheel is used by one goroutine at a
//     time (in corio, whichever goroutine holds the lock of the driver's
//     shard around it), and its Wake callbacks run on that goroutine, inside
//     AdvanceTo.
//   - Shared: Shared.mu guards the whole inner Wheel, and with it every
//     field of every Pending entry linked in it (links, deadline, where, the
//     wheel pointer). Wake runs without mu.
//   - Entry.waker: written by the entry's owner, by Init only while the
//     entry is not Pending, by SetWaker with the wheel's exclusive access;
//     read by the wheel, holding that access, when the entry fires. Insert
//     takes that access after Init, which orders them.
//   - Entry.state: stored only by the wheel while holding its exclusive
//     access; loaded without a lock (an atomic load) by the entry's owner,
//     or by any goroutine ordered after the owner's last Insert, Reset or
//     Cancel. Only the Fired store is atomic: it happens before the Wake
//     call, so the woken task's Poll sees Fired. Insert, Reset and Cancel
//     store Pending and Cancelled plainly, on the owner's goroutine, where
//     the owner reads its own write and the wheel's next holder is ordered
//     after it by the exclusive access; an atomic store is a locked
//     instruction, as dear as taking a lock, and these two are paid on
//     every arm and cancel. So an entry's state may not be polled by a
//     third goroutine while its owner arms or cancels it. While
//     an entry is Fired or Cancelled nothing but its owner re-arming it can
//     change its state, so an owner that reads either can act on it — at
//     once, even re-Init it: the wheel copies the waker out before it stores
//     Fired and touches the entry no more after that store. (An earlier
//     version read the waker after the store, so an owner re-arming with a
//     new waker raced with the fire; TestSharedReinitAfterFired keeps it out.)
//   - DeferList: single-owner, as are the fields of the entries in it
//     (links, where, the word kept in deadline), which belong to the
//     entry's owner whenever the entry is not Pending. A deferred entry is in
//     no wheel: Insert and Reset refuse it until Pop or Undefer takes it
//     out, so an entry is never linked twice.
//
// A Cancel that races with the firing of the same entry on another goroutine
// is harmless, and the state word decides the winner under Shared.mu: if the
// entry is still Pending (in a slot, or collected but not yet handed to a
// wake batch), Cancel unlinks it, stores Cancelled and returns true, and no
// Wake follows. If the driver got there first, the entry is Fired and
// unlinked, Cancel returns false, and the Wake has run, is running, or will
// run shortly on the driver's goroutine; the entry itself is already free to
// be re-armed, so that late Wake is at worst a spurious wake-up, which wakers
// must tolerate.
//
// # How the runtime's driver uses it
//
// The runtime's driver (corio's internal/driver) keeps one shard per worker:
// a plain Wheel under the shard's own lock, with Shared's protocol re-done
// there so that arming and cancelling cost one lock pair each. A worker arms
// on its own shard, any worker may cancel a timer on any shard, and the one
// worker that parks on the driver does, for every shard (Shared remains the
// ready-made locked wheel for other users):
//
//	for {
//		lock(); wakers = wheel.AdvanceAppend(clock.Now(), wakers[:0]); unlock()
//		for _, w := range wakers { w.Wake() } // fire what is due, unlocked
//		timeout, ok := wheel.TimeUntilNext(clock.Elapsed())
//		if !ok {
//			timeout = -1 // no timers: block until woken
//		}
//		poller.Wait(roundUpToMillis(timeout)) // park on I/O or the timeout
//	}
//
// The rules:
//
//  1. Ticks come from one Clock, shared by the code that arms timers
//     (DeadlineAfter/DeadlineAt) and the driver (Now, Elapsed).
//  2. Call AdvanceTo with clock.Now() after every park, whatever woke the
//     driver; a wake-up before the deadline costs only a cascade or nothing.
//  3. Round the park timeout up to the poller's resolution (epoll: 1 ms).
//     Rounding down makes the driver spin; sleeping longer than the timeout
//     fires late.
//  4. When a timer is armed (Insert or Reset) earlier than the deadline the
//     driver parked with, the arming worker must unpark the driver (the
//     poller's wake-up), or the timer fires late. The wheel does not know
//     about parking: the runtime publishes the parked-until tick and compares.
//  5. Wakers must not block and must not panic; they should only schedule a
//     task. A Wake that panics leaves the entries of its batch Fired without
//     their wake-ups (Shared) or leaves the rest for the next AdvanceTo
//     (Wheel).
//  6. With a paused ManualClock and every task idle, the runtime may jump the
//     clock to the next expiration (Set(TicksToDuration(at))) instead of
//     parking: that is Tokio's auto-advance, and makes timer tests instant.
//
// The driver also defers arming: a timer armed during a task's poll waits in
// its worker's DeferList, with its duration as the entry's word, until the
// poll returns; then one clock reading gives every deadline and each shard's
// inserts share one lock pair. A timer cancelled before that leaves the list
// (Undefer) and never reaches a wheel.
//
// # Alternatives considered
//
// A binary (or, as in the Go runtime, 4-ary) heap of deadlines gives the
// exact next deadline in O(1), but insert and cancel are O(log n), cancel
// needs each timer's heap index kept current, and corio's typical timer — a
// timeout that is cancelled long before it fires — pays that cost for
// nothing. The Go runtime softens cancel with lazy deletion; a wheel avoids
// the problem.
//
// A single-level hashed wheel (Varghese and Lauck's scheme 6) is O(1) to arm
// but must look at far-future timers every lap of the wheel, and has no cheap
// "next deadline" for a long park.
//
// Linux's timer wheel (kernel/time/timer.c since 4.8) does not cascade:
// coarser levels simply fire late, by up to 1/8 of the delay, which suits
// kernel timeouts that almost never fire. corio's Sleep promises millisecond
// precision, so timers cascade down to level 0, as in Tokio's wheel
// (tokio/src/runtime/time/wheel), the direct source of the level and slot
// arithmetic here. One detail differs: the search for the next occupied slot
// starts at the slot after the wheel's own, so that a clamped entry filed in
// the wheel's own top-level slot comes one full rotation on, after every other
// top-level slot (see nextSlot). A first version that started the search at
// the wheel's own slot reported that slot first and hid earlier timers; the
// property test found it.
//
// Making Wheel itself lock-free across goroutines was not attempted: the
// runtime's driver removes the contention instead by giving each worker its
// own locked Wheel (sharding; see the driver's documentation for the
// measurements and for Tokio's experience with the same choice).
//
// # Promises and behaviour at the time of writing
//
// Promised:
//   - A timer never fires before its deadline tick: AdvanceTo(now) fires
//     exactly the entries whose deadline is <= now; entries inserted with a
//     deadline <= Elapsed() fire at the next AdvanceTo.
//   - Within one Wheel.AdvanceTo, entries with different deadlines fire in
//     deadline order (entries inserted with past deadlines count as due at
//     the position they were inserted at, and fire first).
//   - Cancel returning true means that arming will not wake; Insert, Cancel
//     and Reset are O(1) and never allocate; the wheel allocates nothing
//     after its own creation.
//   - NextExpiration is never later than the earliest pending deadline, and
//     reports "none" exactly when no entry is pending.
//
// Behaviour at the time of writing, which may change:
//   - Entries with equal deadlines fire in the order they were inserted or
//     last reset (the tests check it).
//   - NextExpiration may return the start of a coarser slot rather than the
//     deadline itself, as described above.
//   - The geometry (6 levels × 64 slots, 1 ms ticks), Shared's wake batch
//     of 32, and the Entry's size (56 bytes on 64-bit platforms).
//   - Concurrent calls of Shared.AdvanceTo share out the due entries and
//     wake them in no particular order relative to each other.
//
// # Checking
//
// sanity.go holds an invariant checker (every linked entry Pending, in the
// slot its digit names, inside its level's block; bitmaps match lists; the
// pending count matches). The tests run it after every step of a property
// test against a sorted-slice model; setting the constant debug to true runs
// it after every Wheel operation.
package timewheel
