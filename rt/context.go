package rt

// taskBudget is the number of budget units one task poll may spend (DESIGN §3,
// Tokio's coop budget): 128 is Tokio's value, large enough that a task doing
// ordinary work rarely hits it and small enough that a task spinning on
// always-ready leaves (a busy channel, a socket with data) yields within a few
// microseconds.
const taskBudget = 128

// budgetUnconstrained marks a Context whose budget is not enforced.
const budgetUnconstrained = -1

// Context is what Poll receives: the waker of the task being polled, the
// task's remaining cooperative budget, and (inside a runtime) the scheduler
// core that is polling, which SpawnAsync uses to spawn onto the same runtime.
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
	core      *core // nil outside a runtime (NewContext)
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
}

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
