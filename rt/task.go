package rt

import (
	"fmt"
	rdebug "runtime/debug"
	"sync"
	"sync/atomic"
)

// runner is the type-erased view of a task[T] that run queues and the owned
// list dispatch through. Both methods are called only by the goroutine that
// holds the task's runtime core (for cancelTask with c == nil: by the spawner
// of a task that never reached a runtime).
type runner interface {
	// run is called on a task popped from a run queue: it takes RUNNING and
	// polls or cancels.
	run(c *core)
	// cancelTask cancels a task whose RUNNING bit the caller holds.
	cancelTask(c *core)
	// panicked completes the task after its Poll panicked (see core.runBatch).
	panicked(c *core, p any, stack []byte)
}

// taskHeader is the part of a task the scheduler sees. It is the first field
// of task[T], so a task is one allocation: header, future, output, handle.
type taskHeader struct {
	state taskState // atomic; see state.go
	bound bool      // owner-only (the goroutine holding rt's core): the task is on core.owned
	// spawned is owned by the poller of the SpawnAsync future: the task was
	// handed to a runtime. (Beside state to fill its padding.)
	spawned bool

	id   uint64   // immutable after creation
	rt   *Runtime // set once by the spawner before the task is first pushed; immutable after
	self runner   // immutable after creation: the task[T] this header belongs to

	// Owned-list links. Owner-only: the goroutine holding rt's core.
	prev, next *taskHeader

	joinMu    sync.Mutex
	joinWaker Waker         // protected by joinMu: the pending JoinAsync future's waker
	done      chan struct{} // protected by joinMu: created by the first blocking Join, closed on completion
}

// nextTaskID numbers tasks from 1, in spawn order, process-wide.
var nextTaskID atomic.Uint64

// task is a spawned future with its output. Wake on a *task is the waker the
// future sees in cx; it allocates nothing.
type task[T any] struct {
	taskHeader

	fut Future[T]  // accessed only by the holder of RUNNING; nil once complete
	out T          // written by the holder of RUNNING before COMPLETE; read-only after
	err *JoinError // as out

	handle JoinHandle[T] // immutable: handle.t is this task
}

func newTask[T any](f Future[T]) *task[T] {
	if f == nil {
		panic("corio/rt: spawn of a nil future")
	}
	t := &task[T]{fut: f}
	t.id = nextTaskID.Add(1)
	t.self = t
	t.handle.t = t
	return t
}

// Wake schedules the task to be polled again. Any goroutine, any time, any
// number of times; see "Waker rules" in doc.go.
func (t *task[T]) Wake() {
	if t.state.wake() {
		t.rt.pushRemote(&t.taskHeader)
	}
}

func (t *task[T]) run(c *core) {
	if t.state.startRun() {
		t.cancelTask(c)
		return
	}
	cx := &c.cx
	cx.reset(t)
	c.stats.polls++
	// A panic in Poll unwinds to core.runBatch, which recovers it once per
	// batch rather than paying for a deferred recover on every poll, and
	// hands it to panicked through c.polling.
	c.polling = t
	v, ok := t.fut.Poll(cx)
	c.polling = nil
	if cx.exhausted {
		c.stats.budgetYields++
	}
	if ok {
		t.out = v
		t.finish(c, nil, false)
		return
	}
	switch t.state.endPoll() {
	case endPollIdle:
	case endPollReschedule:
		c.local.push(&t.taskHeader)
	case endPollCancel:
		t.cancelTask(c)
	}
}

// panicked completes a task whose Poll panicked with p; the caller (the
// recovering core) still holds the task's RUNNING bit.
func (t *task[T]) panicked(c *core, p any, stack []byte) {
	t.finish(c, &JoinError{Value: p, Stack: stack}, false)
}

func (t *task[T]) cancelTask(c *core) {
	jerr := &JoinError{Cancelled: true}
	func() {
		defer func() {
			if p := recover(); p != nil {
				jerr.Value, jerr.Stack = p, rdebug.Stack()
			}
		}()
		Cancel(t.fut)
	}()
	t.finish(c, jerr, true)
}

// finish completes a task whose RUNNING bit the caller holds.
func (t *task[T]) finish(c *core, jerr *JoinError, cancelled bool) {
	t.err = jerr
	t.fut = nil
	t.state.complete(cancelled)
	if c != nil {
		c.unbind(&t.taskHeader)
		c.stats.completed++
	}
	t.notifyJoiner()
}

func (h *taskHeader) notifyJoiner() {
	h.joinMu.Lock()
	w := h.joinWaker
	h.joinWaker = nil
	if h.done != nil {
		close(h.done)
	}
	h.joinMu.Unlock()
	if w != nil {
		w.Wake()
	}
}

func (t *task[T]) complete() bool { return t.state.load()&stateComplete != 0 }

// result must be called after complete() returned true.
func (t *task[T]) result() (T, error) {
	if t.err != nil {
		var zero T
		return zero, t.err
	}
	return t.out, nil
}

// JoinHandle is the owner's handle on a spawned task: wait for its output
// (Join, JoinAsync), cancel it (Abort), or ask whether it finished.
//
// A JoinHandle lives inside its task, so Spawn allocates nothing for it.
// Dropping a JoinHandle does not cancel the task (it is detached, as in Tokio).
type JoinHandle[T any] struct {
	t *task[T] // immutable
}

// ID returns the task's id: a process-wide number, unique among tasks, in
// spawn order.
func (h *JoinHandle[T]) ID() uint64 { return h.t.id }

// IsFinished reports whether the task has completed: returned, panicked or was
// cancelled. It never blocks.
func (h *JoinHandle[T]) IsFinished() bool { return h.t.complete() }

// Abort requests cancellation of the task. If the task is not running, its
// runtime cancels it the next time it runs its queue: the future's Cancel
// method (if it implements Canceler) is called, exactly once, and Join returns
// a *JoinError with Cancelled set. If the task is being polled, cancellation
// happens right after that poll (unless the poll completes the task: then the
// output stands). Abort on a finished task does nothing. Abort never blocks.
func (h *JoinHandle[T]) Abort() {
	t := h.t
	if t.state.abort() {
		t.rt.pushRemote(&t.taskHeader)
	}
}

// Join blocks the calling goroutine until the task completes and returns its
// output, or a *JoinError if it panicked or was cancelled. It is the direct
// mode of JoinAsync; any number of goroutines may Join the same handle. The
// task makes progress only while its runtime is driven (BlockOn, or always
// for tasks started with Spawn).
//
// Join must not be called by a goroutine that is driving a runtime (from
// inside a task or a BlockOn main future) when the task has not finished: that
// would block every task of that runtime, so it panics instead.
func (h *JoinHandle[T]) Join() (T, error) {
	t := h.t
	if !t.complete() {
		t.joinMu.Lock()
		if !t.complete() {
			if t.done == nil {
				t.done = make(chan struct{})
			}
			done := t.done
			t.joinMu.Unlock()
			checkNotOnDriver("Join", "JoinAsync")
			<-done
		} else {
			t.joinMu.Unlock()
		}
	}
	return t.result()
}

// JoinAsync returns a future of the task's output: pending until the task
// completes, then Tuple2{output, nil} or Tuple2{zero, *JoinError}. Polling it
// registers the polling task's waker; cancelling it unregisters. It is a leaf
// and spends one budget unit per poll.
//
// At most one JoinAsync future may be pending on a handle at a time: a second
// registration replaces the first. (Blocking Join does not count.) Every call
// returns the same future value, which lives inside the task: no allocation.
func (h *JoinHandle[T]) JoinAsync() Future[Tuple2[T, error]] {
	return (*joinFuture[T])(h.t)
}

// joinFuture is the JoinAsync future: the task itself under another method set.
type joinFuture[T any] task[T]

func (j *joinFuture[T]) Poll(cx *Context) (Tuple2[T, error], bool) {
	t := (*task[T])(j)
	if !cx.ConsumeBudget() {
		cx.Waker().Wake()
		return Tuple2[T, error]{}, false
	}
	if !t.complete() {
		t.joinMu.Lock()
		// Re-check under joinMu: finish sets COMPLETE before taking joinMu,
		// so either we see COMPLETE here or finish sees our waker.
		if !t.complete() {
			t.joinWaker = cx.Waker()
			t.joinMu.Unlock()
			return Tuple2[T, error]{}, false
		}
		t.joinMu.Unlock()
	}
	v, err := t.result()
	return Tuple2[T, error]{V0: v, V1: err}, true
}

// Cancel unregisters the joiner's waker. The task keeps running.
func (j *joinFuture[T]) Cancel() {
	t := (*task[T])(j)
	t.joinMu.Lock()
	t.joinWaker = nil
	t.joinMu.Unlock()
}

// JoinError is the error of a task that did not return normally: it panicked
// (Value is the panic value, Stack the panicking goroutine's stack at
// recovery) or was cancelled (Cancelled; by JoinHandle.Abort or runtime
// shutdown). A future whose Cancel method panics gives both.
type JoinError struct {
	Value     any
	Stack     []byte
	Cancelled bool
}

// IsPanic reports whether the task panicked (Value holds the panic value).
func (e *JoinError) IsPanic() bool { return e.Stack != nil }

// IsCancelled reports whether the task was cancelled.
func (e *JoinError) IsCancelled() bool { return e.Cancelled }

func (e *JoinError) Error() string {
	switch {
	case e.Cancelled && e.IsPanic():
		return fmt.Sprintf("corio/rt: task cancelled; Cancel panicked: %v", e.Value)
	case e.Cancelled:
		return "corio/rt: task cancelled"
	default:
		return fmt.Sprintf("corio/rt: task panicked: %v", e.Value)
	}
}

// Unwrap returns the panic value if it is an error, so errors.Is and
// errors.As see through a JoinError.
func (e *JoinError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}
