// Package driver is corio's engine for readiness and time: one poller.Poller,
// the runtime's timer wheels and the clock they are read against, behind one
// park/unpark contract. Every runtime built by package rt's constructors owns
// a Driver, sized with one timer shard per worker, and its schedulers park
// their idle workers on it. The process has a default Driver, driven by a
// goroutine of its own, for leaves polled outside any runtime and for those
// of rt's process default runtime, which has no Driver of its own (its idle
// goroutine sleeps on a channel instead).
//
// # Concepts
//
// Drive lock. One goroutine at a time may Park: the one whose TryLock
// succeeded. TryLock never waits — a worker that finds the driver taken goes
// to sleep on its scheduler's own condition instead, and the holder wakes it
// when it schedules work. This is Tokio's "driver is held by one parked worker,
// the others sleep on a condvar" and the Go runtime's "one M blocks in
// netpoll" (findRunnable's netpoll with a pollUntil).
//
// Park. The holder blocks in poller.Poll until readiness, the earliest timer
// deadline, an Unpark, or its own timeout; then it fires the due timers and
// the poller wakes the ready descriptors' waiters. Wakers only schedule: they
// run on the parking goroutine, which then goes back to running tasks.
// Park(0) polls without blocking — a busy worker does that every so many
// ticks so that I/O and timers are not starved by CPU-bound tasks.
//
// Sink. ParkTo is Park with the wakers of ready descriptors and fired timers
// handed to a Sink instead of woken. Go has no goroutine-local storage, so a
// Waker cannot tell that it runs on the goroutine of a parked worker; the
// sink can, because the worker passes itself. Package rt's workers pass
// themselves and queue their own runtime's tasks on their own queue (no lock,
// no wake-up of another worker: Tokio's "the driver's wakes go to the core
// that parked"), and wake any other waker as usual. ParkToN bounds the
// readiness events one turn collects, so that a worker takes no more tasks
// than its queue holds; the others wait in the kernel for the next turn.
//
// Unpark. Any goroutine that makes work for a parked worker publishes the
// work first and calls Unpark second: the current Park, or the next one,
// returns promptly. Unpark sets a flag, notified, and writes the poller's
// eventfd only while the holder may be blocked in epoll_wait (a second flag,
// blocking, which the holder stores before a Poll that may block and clears
// when the Poll hands it the first ready waker, or returns). The
// holder stores blocking and then loads notified; Unpark stores notified and
// then loads blocking (sequentially consistent): either the holder sees the
// notification and polls without blocking, or Unpark sees it blocking and
// wakes it. So an Unpark while the holder dispatches events, fires timers or
// is not parking at all costs no syscall, and no eventfd is left to drain; an
// eventfd written while the holder was blocked is read only when epoll
// reports it (if the Poll returned for another event first, its next Poll
// returns at once, one spurious loop). Park consumes notified when it
// returns, after its wakers ran, so an Unpark that they caused does not make
// the next Park return early. Unparks coalesce: while one is pending another
// costs an atomic load.
//
// Timers. A Timer is embedded in what waits for it (a Sleep future), so
// arming allocates nothing. Arm puts it in one of the driver's timer shards,
// Cancel takes it out (one lock pair each, no other atomic write), and the
// holder fires it. Deadlines are ticks of the
// driver's clock (1 ms, rounded up; see package timewheel). ArmDeferred puts
// it in a Batch instead, and Flush arms a whole batch (below).
//
// Clock. Real (monotonic, from New) or paused (a *timewheel.ManualClock):
// a paused driver's time moves only by Advance, or by Park's auto-advance,
// which, when the caller says every worker is idle and nothing is ready, jumps
// the clock to the next timer instead of sleeping (Tokio's start_paused), so
// an hour of timers runs in microseconds and in a deterministic order.
//
// Registrations. Register puts a descriptor in the poller and returns its
// poller.Registration, a 16-byte handle of the poller's slot for it
// (readiness word, one waiter per direction); Deregister takes it out. The
// driver is the poller's owner, so Of finds a registration's driver without
// a pointer of the registration's own. Package rt wraps them into its
// readiness API.
//
// # Timers: sharded locked wheels, one per worker
//
// A driver holds TimerShards wheels (a timewheel.Wheel behind the shard's own
// mutex, each on its own cache lines), by default one per GOMAXPROCS. Arm
// takes the hint the caller gives — a scheduler passes its worker's index —
// so each worker arms and cancels on its own shard, and that shard's mutex is
// uncontended except for a moment per park when the holder reads its next
// deadline and fires what is due. Without a hint (direct mode, a hand-made
// Context) the shard is a hash of the timer's address. A timer keeps the
// shard of its first arming when armed again; it finds that shard from the
// wheel its entry was inserted in (timewheel.Entry.Wheel), so a Timer is
// one timewheel.Entry and nothing more (56 bytes).
//
// The shard is timewheel.Shared's design with the driver's bookkeeping under
// the same lock: the wheel's entries hold their owners' wakers, and the
// holder takes the wakers of the due entries out under the lock
// (timewheel.Wheel.AdvanceAppend, which marks each Fired after copying its
// waker) and calls them once the lock is released (a waker takes the
// scheduler's locks and must never run under a wheel's). An owner that sees
// Fired may re-arm at once: the fire no longer reads its Timer, and the
// re-arm's insert takes the same shard lock, which the fire still holds
// until it is done with the wheel. Keeping a re-armed timer on its first
// shard is what makes that lock the right one.
// What one lock pair buys over Shared plus an atomic count of armed timers
// (two more locked instructions per arm/cancel, ~15-20 ns each on the
// development VM): BenchmarkTimerArmCancel 160 → 115 ns.
//
// The holder visits every shard per park: K uncontended lock pairs and K
// next-expiration lookups, O(levels) each, for K workers. That is the price
// of any worker being able to fire any timer, which matters: a timer must
// fire on time even while the worker that armed it runs a long task.
//
// Alternatives weighed:
//
//   - One shared wheel (Tokio's design until now). Every arm and cancel of
//     every worker takes one mutex; Tokio's users hit it with many timeouts
//     on many threads (tokio#6504, "Reduce contention in timer driver").
//     Measured here with 2 goroutines arming and cancelling at once
//     (BenchmarkTimerArmCancelContended vs …Parallel): one wheel costs about
//     twice as much per timer as one shard per goroutine.
//   - Tokio's first sharding (tokio#6534), which picked a random shard per
//     timer and put all shards behind a runtime-wide RwLock so that shutdown
//     could take them all; the RwLock's shared reader count became the new
//     contended line, and the change was reverted (tokio#7226). Here the
//     shard slice is immutable for the driver's life and nothing takes all
//     locks at once: Close leaves the wheels in place and only stops firing.
//   - Per-worker wheels without locks (the direction of tokio#7384 and its
//     sub-issues). Cheapest when a timer is armed, polled and cancelled on
//     one worker; but a task stolen by another worker cancels from there,
//     which then needs a message to the owner, and a busy owner's wheel is
//     fired late unless others may fire it — which brings a lock back. The
//     Go runtime faces the same choice with per-P timer heaps, each behind a
//     per-P lock, any P allowed to run another P's due timers (runtime/time.go);
//     corio takes the same shape.
//   - A heap of deadlines (the Go runtime's 4-ary heap): O(log n) arm and
//     cancel, where corio's common timer, a timeout cancelled long before it
//     fires, wants O(1) (see package timewheel).
//
// Clock reads. Arming a relative timer at once reads the clock once (Deadline
// gives the deadline and the current tick from one reading; a Batch's Flush
// reads it once for all its timers): about 30-50 ns on the
// development VM, a quarter to a third of an arm and cancel. Reading a "now"
// cached by the holder at each park instead was weighed and rejected: the
// cache is stale by however long the holder has been parked, or a worker has
// been running a task since its last park, and a deadline computed from a
// stale now fires early by exactly that staleness — a 1 ms Sleep armed during
// a 10 s park of the default driver would complete at once. No rounding
// repairs that (rounding up covers the sub-tick part of a fresh reading, not
// an unbounded lag). Tokio reads the clock per sleep as well (sleep(d) is
// Instant::now() + d); its time source caches only the start instant, as the
// clocks here do.
//
// # Deferred arming: one clock reading and one lock pair per poll
//
// A task poll often arms a timer and cancels it before the poll returns (a
// Timeout around an operation that completes at once, a Select whose other
// branch wins), or arms several. Arming each at once costs a clock reading
// and a shard lock pair, and its cancel another lock pair. So a scheduler
// gives each polling Context a Batch (a timewheel.DeferList, linked through
// the timers' own entries: no allocation), a relative timer's first poll
// records it there with ArmDeferred (duration and waker; no clock, no lock),
// and when the task's poll returns the scheduler calls Flush: one clock
// reading gives every deadline (that reading plus the duration, rounded up
// as Deadline rounds), the timers of a shard are inserted under one lock
// pair (a worker's new timers all go to its own shard; a re-armed one to its
// first), and the parked holder is unparked once if the earliest is earlier
// than what it sleeps until, with Arm's argument for why that cannot be
// missed. Cancel of a timer still in the batch unlinks it (O(1), no lock, no
// clock), after which it may be re-armed or overwritten at once; SetWaker
// swaps its waker in place; Pending is true and Fired false while deferred,
// and DeadlineOf reads the clock to answer for it.
//
// What it promises, and what it costs. The reading is taken after every arm
// of the poll, so a deferred timer never fires before its duration measured
// from its arming (nor from anything before); it starts late by what was
// left of the poll when it was armed — microseconds for ordinary polls, up
// to the whole poll for a task that computes between awaits. That is the
// difference from reusing one reading taken early in the poll for all its
// arms, which was tried and reverted: a timer armed late in a long poll then
// counts from before its arming and fires early by the poll's remainder.
// Flush must run before the task can be polled by another goroutine (the
// batch and its timers are the polling goroutine's), so a scheduler calls it
// where the poll returns, before it publishes the task's new state. A batch
// left by a poll that panicked is flushed too (its timers behave as if the
// poll had returned). Absolute deadlines (SleepUntil, Interval's ticks) are
// not deferred: whether they are due must be known at the poll, which needs
// the clock anyway.
//
// Measured with BenchmarkTimerDeferredArmCancel and
// BenchmarkTimerDeferredArmFlushCancel against BenchmarkTimerClockArmCancel
// (an arm at once, with its clock reading): see the package's benchmarks and
// rt's BenchmarkTimersPolls for the figures on the development VM.
//
// Lazy arming. A Timer costs nothing until Arm: a future arms at its first
// poll, so a Sleep or a Timeout dropped or cancelled before it is polled takes
// no lock and touches no wheel (tokio#6504 names that case: Tokio's Sleep
// locked the driver in its destructor even if never polled). Cancel of a timer
// never armed, already fired or already cancelled reads one atomic and returns.
//
// Arming earlier than the park. The holder publishes parkedUntil, the tick it
// will wake at by the latest (its earliest timer, or its own timeout), before
// it blocks; Arm, after its insert, compares its deadline with it and Unparks
// when earlier. The race between the holder computing its deadline and an
// Arm in another shard is closed by the order of two steps on each side (all
// atomics sequentially consistent, the shard mutex ordering the rest):
//
//	holder                                  Arm
//	1. parkedUntil = parkedLong             a.  under the shard's lock: insert,
//	2. per shard: load busy; if set, read       then busy = true if it was false
//	   its next under its lock (an empty    b.  load parkedUntil
//	   wheel clears busy, under the lock)   c.  Unpark if deadline < loaded
//	3. parkedUntil = that deadline
//	4. Poll
//
// If 2 read the shard under its lock after a, the deadline includes the new
// timer. Otherwise 2 read it under its lock before a, or loaded busy false;
// busy false means no store of true since the last clear, and a clear happens
// under the lock with the wheel empty, so a stored true afterwards, after its
// insert — the load came first. Either way 2 precedes a, and follows 1, so b
// loads parkedLong or the value of 3, and c unparks if the new deadline is
// earlier. (busy lets a park skip empty shards without their locks: Park(0),
// which a busy worker calls often, then costs one atomic load per idle shard;
// and it is written once per stretch of non-emptiness, not per timer.)
// Step 3 only ever lowers the bound below what b could have compared with.
// This is the Go runtime's wakeNetPoller(when) against sched.pollUntil. On a
// paused clock the holder blocks without a timer bound (the clock does not
// move while it sleeps), so parkedUntil stays parkedLong and every Arm during
// a park unparks.
//
// # The default driver
//
// Tokio panics with "no reactor running" when a timer or socket is used
// outside its runtime. corio cannot: its direct mode runs async code as plain
// Go, where rt.Sleep must simply sleep. So leaves polled without a runtime
// driver use Default(): a driver on the real clock, created at first use, and
// driven by a background goroutine of its own. That goroutine exists only
// while something can wake — a timer armed or a descriptor registered — and
// lingers 20 ms after the last one goes (so arm/cancel churn does not start
// a goroutine per timer), then exits: a program or test with nothing armed has
// no driver goroutine, and leak checkers see none. What decides it is read
// from the shards for timers (busy, then the wheel under its lock; no shared
// counter on the arm path) and from one atomic count of registrations, and
// the start/exit race is closed by the same store-then-load pairing as above
// (see background).
//
// # Promises and behaviour at the time of writing
//
// Promised: a timer never fires before its deadline (a deferred one: before
// its duration from its Flush, which is after its ArmDeferred); a timer armed while the
// driver is parked for later wakes it; Cancel returning true means no wake
// for that arming, and Cancel is safe at any point of a timer's life; Unpark
// makes the current or next Park return; after Close, Park returns at once,
// registrations are shut down, and no goroutine or descriptor of the driver is
// left; a leaf never lacks a driver.
//
// Behaviour at the time of writing: one shard per GOMAXPROCS (at most 64);
// the default driver's goroutine lingers 20 ms; timers still pending at Close
// never fire (the runtime cancels their owners first); wakers of timers that
// fire in one Park run in shard order, each shard's in deadline order.
package driver
