package rt

import (
	"unsafe"

	"github.com/corio-go/corio/internal/driver"
)

// taskBudget is the number of budget units one task poll may spend (as
// Tokio's coop budget): 128 is Tokio's value, large enough that a task doing
// ordinary work rarely hits it and small enough that a task spinning on
// always-ready leaves (a busy channel, a socket with data) yields within a few
// microseconds.
const taskBudget = 128

// budgetUnconstrained marks a Context whose budget is not enforced.
const budgetUnconstrained = -1

// Context is what Poll receives: the waker of the task being polled, the
// task's remaining cooperative budget, and, inside a runtime, the runtime,
// the worker that is polling and the runtime's driver — what Tokio keeps in
// thread-local storage. SpawnAsync uses it to spawn onto the same runtime,
// leaves to arm timers and register descriptors on the runtime's driver, and
// Context.Wake to wake a task onto the polling worker without a lock.
//
// An rt.Context is not a context.Context: it carries no cancellation,
// deadline or values and lives for one Poll call only. TaskContextAsync gives
// a task a context.Context that is cancelled when the task is aborted, and
// ContextDoneAsync turns a context.Context into a future.
//
// A Context is valid only during the Poll call it was passed to; futures keep
// cx.Waker(), never cx. The runtime reuses one Context for every poll it makes,
// so a Context costs nothing per poll. The zero Context has no waker and no
// budget left; build one with NewContext.
type Context struct {
	// All fields are owned by the goroutine that is polling with this Context.
	waker  Waker
	budget int32 // units left; budgetUnconstrained disables the check
	// exhausted is set when ConsumeBudget refused a unit during this poll; the
	// runtime counts it as one budget yield.
	exhausted bool

	rt   *Runtime       // the runtime polling; nil outside a runtime (NewContext)
	w    *worker        // the worker polling; nil outside a runtime and for a multi-thread BlockOn main future
	drv  *driver.Driver // rt's driver; nil outside a runtime (leaves then use the default driver)
	task *taskHeader    // the task being polled; nil for main futures and NewContext

	// timers holds the timers armed during this poll, armed on drv when
	// the poll returns (flushTimers; see "Deferred arming" in time.go). Only
	// a Context with a drv defers: whoever polls with one must call
	// flushTimers after each poll, before another goroutine may poll the
	// same futures. Without a drv (NewContext, direct-mode Await) timers
	// are armed at once.
	timers driver.Batch

	// top is the generated future the driver is polling directly, or
	// through generated awaits only (frame.go); zero outside a driver.
	top frameID
	// pushed lists the driven frames that suspended during this poll,
	// innermost first; the driver moves them onto its stack after the poll.
	// Scratch reused by every poll with this Context. While the driver
	// polls a frame of its stack, stack is that stack, and they are
	// appended to it directly.
	pushed []Frame
	stack  *frameStack
	// spare holds empty frame stacks for the drivers polled with this
	// Context (a task takes one when it first suspends deep and gives it
	// back when it unwinds to its root).
	spare []*frameStack
	// pools holds the completed futures that FramePools keep for reuse,
	// indexed by pool; gcEpoch is the collection count they date from
	// (framepool.go).
	pools   []freeFrames
	gcEpoch uint32

	// own is the identity (interface words) of the waker the driver
	// installed for this poll, if the driver reads selfWoken after it;
	// zero otherwise. selfWoken is set by a yield (Context.yield) in place of waking own.
	own       wakerID
	selfWoken bool
	// spin is set by a driver that lets a future which woke itself through
	// a yield be polled again at once, in place, while nothing else it
	// would run instead is runnable (Context.repoll): the current-thread
	// runtime's main future, without a seed. Cleared by reset and ownPoll.
	// repolls counts the re-polls since the driver's poll (maxRepolls).
	spin    bool
	repolls uint8

	// idNext, idEnd are the task ids left to the spawns made from polls
	// with this Context: [idNext, idEnd) (newTaskID).
	idNext, idEnd uint64
}

// wakerID identifies a Waker by its interface words (itab and pointer), as
// frameID does a future: two compares, no runtime call, no write barrier.
type wakerID struct{ tab, data uintptr }

func wakerIDOf(w Waker) wakerID { return *(*wakerID)(unsafe.Pointer(&w)) }

// yield is the pending poll of a yield (YieldNowFuture): it spends a budget
// unit (pending either way) and wakes cx's waker. Where that waker is still
// the one its driver installed for this poll (no combinator replaced it) and
// that driver reads selfWoken after the poll, the wake-up is a store into
// cx: the driver then reschedules the task or polls its main future again
// exactly as if the waker had been woken during the poll, without the
// waker's atomic operations. Out of line, so that YieldNowFuture.Poll
// inlines into its caller.
func (cx *Context) yield() {
	cx.ConsumeBudget()
	if cx.own != (wakerID{}) && wakerIDOf(cx.waker) == cx.own {
		cx.selfWoken = true
		return
	}
	cx.waker.Wake()
}

// ownPoll prepares cx for a poll by a driver that handles selfWoken: the
// waker in cx is the one that driver installed for the poll.
func (cx *Context) ownPoll() {
	cx.own = wakerIDOf(cx.waker)
	cx.selfWoken = false
	cx.spin = false
	cx.repolls = 0
}

// maxRepolls bounds the re-polls in place of one driver poll (repoll): one
// trip through the driver's loop per 64 yields costs little.
const maxRepolls = 64

// repoll is called by the frame driver (drive, frameStack.run) when the
// future it polled is pending. It reports whether the driver may poll it
// again at once, as a new poll of the same driver: the future woke itself
// through a yield (selfWoken), the driver allows it (spin), and nothing
// else that driver's loop would run next is runnable — no task in the
// worker's queue or the runtime's inject queue. That is exactly what the
// driver's loop would do after the poll (poll the main future again), less
// the trip out of the poll and back: a yield per statement costs less than
// half as much. The new poll is counted and has a full budget, as from
// the loop. After maxRepolls re-polls the driver's loop takes its turn
// again, so that whatever it does between two polls of its main future
// happens at least that often.
func (cx *Context) repoll() bool {
	if !cx.selfWoken || !cx.spin || cx.repolls == maxRepolls {
		return false
	}
	w := cx.w
	if w.local.len() != 0 || cx.rt.inject.len() != 0 {
		return false
	}
	cx.flushTimers() // the poll ends here: its timers start now
	cx.repolls++
	cx.selfWoken = false
	cx.budget = taskBudget
	cx.exhausted = false
	w.stats.mainPolls++
	return true
}

// endOwnPoll ends such a poll and reports whether the polled future woke
// itself through a yield (Context.yield).
func (cx *Context) endOwnPoll() bool {
	cx.own = wakerID{}
	woken := cx.selfWoken
	cx.selfWoken = false
	cx.spin = false
	return woken
}

// flushTimers arms the timers that the poll which just returned deferred
// (one clock reading and one lock pair for all of them); a poll that armed
// none costs two compares. Every driver of polls with a runtime Context
// calls it when the poll returns, while it still owns the futures polled.
func (cx *Context) flushTimers() {
	if !cx.timers.Empty() {
		cx.drv.Flush(&cx.timers, timerShardHint(cx))
	}
}

// NewContext returns a Context for hand-written executors and tests: its
// waker is w, it belongs to no runtime (SpawnAsync polled with it spawns onto
// the default runtime, like Spawn) and its budget is unconstrained.
func NewContext(w Waker) *Context {
	return &Context{waker: w, budget: budgetUnconstrained}
}

// Waker returns the waker to wake when the future being polled can make
// progress. For a task it is the task itself, so storing it and calling Wake
// allocates nothing.
func (cx *Context) Waker() Waker { return cx.waker }

// ConsumeBudget spends one unit of the polling task's budget. Leaf futures (an
// operation that can complete without waiting: a channel receive that finds a
// value, a socket read that finds data) call it before doing their work; when
// it returns false the budget is spent, and the leaf must call
// cx.Waker().Wake() and return pending, so that the task goes to the back of
// the run queue and other tasks run.
//
// Each task poll starts with 128 units. Inside Unconstrained, and with a
// Context from NewContext, ConsumeBudget always returns true.
func (cx *Context) ConsumeBudget() bool {
	switch {
	case cx.budget > 0:
		cx.budget--
		return true
	case cx.budget == 0:
		cx.exhausted = true
		return false
	default:
		return true
	}
}

// reset prepares cx for one poll with waker w and a full budget.
func (cx *Context) reset(w Waker) {
	cx.waker = w
	cx.budget = taskBudget
	cx.exhausted = false
	cx.spin = false
	cx.repolls = 0
}

// Wake wakes w from inside the poll cx was passed to. If w is a task of the
// runtime that is polling, the task goes straight to the polling worker — its
// LIFO slot on a multi-thread runtime, so a task that wakes another (a channel
// send waking the receiver) has the receiver run next, on the same worker —
// with no lock and no cross-goroutine wake-up. Otherwise it is w.Wake().
//
// Leaves that wake other tasks during a poll (a channel send, a mutex
// unlock) should call cx.Wake(w) rather than w.Wake(): plain Wake cannot tell
// which goroutine calls it (Go has no goroutine-local storage), so it always
// takes the runtime's inject queue.
func (cx *Context) Wake(w Waker) {
	if wk := cx.w; wk != nil {
		if tw, ok := w.(taskWaker); ok {
			if h := tw.header(); h.rt == cx.rt {
				wk.wakeLocal(h)
				return
			}
		}
	}
	w.Wake()
}

// Runtime returns the runtime polling cx, or nil outside any runtime.
func (cx *Context) Runtime() *Runtime { return cx.rt }

// Unconstrained returns a future that polls f with budget checks disabled:
// leaves inside f never refuse for lack of budget. Use it for work that must
// not be interrupted by cooperative scheduling; a task that loops forever
// inside it starves the other tasks of its runtime.
func Unconstrained[T any](f Future[T]) Future[T] {
	return &unconstrained[T]{f: f}
}

type unconstrained[T any] struct {
	f Future[T] // owned by the poller
}

func (u *unconstrained[T]) Poll(cx *Context) (T, bool) {
	saved := cx.budget
	cx.budget = budgetUnconstrained
	defer func() { cx.budget = saved }()
	return u.f.Poll(cx)
}

// Cancel cancels the wrapped future.
func (u *unconstrained[T]) Cancel() { Cancel(u.f) }
