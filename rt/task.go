package rt

import (
	"context"
	"fmt"
	rdebug "runtime/debug"
	"sync/atomic"
	"unsafe"

	"github.com/corio-go/corio/internal/spin"
)

// runner is the type-erased view of a task[T] that run queues and the owned
// lists dispatch through. run and panicked are called by the worker that
// popped the task; cancelTask by whoever holds the task's RUNNING bit (a
// worker, Shutdown, or with w == nil the spawner of a task that never reached
// a runtime).
type runner interface {
	// run is called on a task popped from a run queue: it takes RUNNING and
	// polls or cancels it (or drops a stale entry). The caller sets the budget.
	run(w *worker)
	// cancelTask cancels a task whose RUNNING bit the caller holds.
	cancelTask(w *worker)
	// panicked completes the task after its Poll panicked (see worker.runBatch).
	panicked(w *worker, p any, stack []byte)
	// future returns the task's future for a task dump, which holds the
	// task's TRACING bit (dump.go).
	future() any
	// dropFuture drops the task's future at completion (finish): the
	// future field, and the future itself where it lives in the task
	// (inlineTask), so that a JoinHandle kept after completion keeps
	// nothing alive that the future referred to.
	dropFuture()
}

// taskWaker is implemented by every task: Context.Wake uses it to recognise a
// waker that is a task and reach its header.
type taskWaker interface {
	header() *taskHeader
}

// taskHeader is the part of a task the scheduler sees. It is the first field
// of every task (task[T] and the boxedTask and inlineTask it is a view of),
// so a task is one allocation: header, output, future (the JoinHandle is the
// task under another name).
//
// It is 80 bytes, so that a boxedTask for a T of up to two words (error, a
// pointer, an int) is 112 bytes and boxedTask[struct{}] 96, size classes; an
// inlineTask is 80 bytes plus its output and its future (examples/echo's
// connection handler: 80 + 0 + 48 = 128). Every task pays for each word
// here: an idle echo connection is a task.
type taskHeader struct {
	state taskState // atomic; see state.go
	// flags holds flagBound, flagSpawned, flagJoinLock and flagNamed (see
	// there) and, above them, the task's spawn time for the dump;
	// atomic, because the join lock is taken by any goroutine.
	flags atomic.Uint32

	id uint64   // immutable after creation
	rt *Runtime // set once by the spawner before the task is first pushed; immutable after
	// tab is the method-table word of the runner interface value holding
	// the task this header begins (a boxedTask or an inlineTask; immutable
	// after creation); self
	// rebuilds the interface with the header as its data word. A whole
	// interface here would repeat the task's own address in every task.
	tab unsafe.Pointer

	// qnext links the task in an inject queue or an overflow batch; owned by
	// whoever holds the queue (its mutex, or the overflowing worker).
	qnext *taskHeader
	// Owned-list links, protected like bound.
	prev, next *taskHeader

	// aux is, until the task completes, its stack of generated frames
	// (*frameStack, frame.go: nil until the task first suspends deep
	// enough), owned by the holder of RUNNING; once complete, its
	// *JoinError (nil for success), written by finish before COMPLETE and
	// read-only after. One word for both keeps task[struct{}] at 128 bytes
	// (a separate frames field made it 136, size class 144: 16 bytes more
	// per task and about 12% on spawn-bound benchmarks).
	aux unsafe.Pointer

	// joiner, protected by the join lock, is who waits for the task: nil,
	// the one pending JoinAsync waiter (a Waker: the common case, no
	// allocation), or a *joinState once more is needed (a second joiner, a
	// blocking Join, a TaskContext).
	joiner any
}

// The bits of taskHeader.flags.
const (
	// flagBound is set and cleared by whoever may touch the owned list the
	// task is on (the current-thread core, or the multi-thread shard's
	// mutex): the task is listed for Shutdown.
	flagBound uint32 = 1 << iota
	// flagSpawned is set by the poller of the SpawnAsync future: the task
	// was handed to a runtime.
	flagSpawned
	// flagJoinLock is the join lock, guarding joiner and the joinState. It
	// is held for a few field accesses (no blocking inside), so a contender
	// spins, yielding its thread after a while in case the holder was
	// preempted; a sync.Mutex would add a word to every task.
	flagJoinLock
	// flagNamed: the task has a name in the side table (dump.go); set
	// before the task is spawned, immutable after.
	flagNamed
	// flagSlowReported: a slow poll of the task was reported (metrics.go),
	// at most once per task; set by the worker that polled it.
	flagSlowReported

	// The bits from flagSpawnShift up hold the coarse spawn time (dump.go),
	// written before the task is published, immutable after.
	flagSpawnShift = 5
)

func (h *taskHeader) bound() bool   { return h.flags.Load()&flagBound != 0 }
func (h *taskHeader) spawned() bool { return h.flags.Load()&flagSpawned != 0 }

// setBound records whether the task is on an owned list; the caller owns the
// list.
func (h *taskHeader) setBound(b bool) {
	if b {
		h.flags.Or(flagBound)
	} else {
		h.flags.And(^flagBound)
	}
}

// lockJoin takes the join lock.
func (h *taskHeader) lockJoin() { spin.Lock32(&h.flags, flagJoinLock) }

// unlockJoin releases the join lock.
func (h *taskHeader) unlockJoin() { spin.Unlock32(&h.flags, flagJoinLock) }

// joinState is what a task needs only when more than one waiter, or another
// kind of waiter, waits on it: the wakers of pending JoinAsync futures, the
// channel of blocking Joins, the context.Context of TaskContextAsync. Kept
// out of line so that a task nobody joins carries one field for all of it.
type joinState struct {
	wakers []Waker         // pending JoinAsync wakers, distinct
	done   chan struct{}   // created by the first blocking Join, closed on completion
	ctx    context.Context // TaskContextAsync's context
	cancel context.CancelCauseFunc
}

func (h *taskHeader) header() *taskHeader { return h }

// iface is the layout of a non-empty interface value: its method table and
// its data word.
type iface struct{ tab, data unsafe.Pointer }

// self returns the task h begins, as its runner: the interface value init
// saw, rebuilt from its method table and h (a task begins with its header,
// so h is the data word).
func (h *taskHeader) self() runner {
	var r runner
	p := (*iface)(unsafe.Pointer(&r))
	p.tab, p.data = h.tab, unsafe.Pointer(h)
	return r
}

// joinLocked returns h's join state, creating it (and moving a lone JoinAsync
// waiter into it); the caller holds the join lock.
func (h *taskHeader) joinLocked() *joinState {
	switch j := h.joiner.(type) {
	case *joinState:
		return j
	case Waker:
		js := &joinState{wakers: []Waker{j}}
		h.joiner = js
		return js
	}
	js := &joinState{}
	h.joiner = js
	return js
}

// joinStateIfAny returns h's join state, or nil; the caller holds the join
// lock.
func (h *taskHeader) joinStateIfAny() *joinState {
	js, _ := h.joiner.(*joinState)
	return js
}

// nextTaskID numbers tasks from 1, in spawn order, process-wide.
var nextTaskID atomic.Uint64

// task is a spawned future's header and output: the part of a task that
// does not depend on how the future is held, and what the JoinHandle, the
// scheduler's generic code and the wakers see. Wake on a *task is the waker
// the future sees in cx; it allocates nothing.
//
// A task is allocated as one of two types that begin with the same fields
// (header, then output) and add the future: boxedTask, the future's
// interface value (Spawn of a future made elsewhere), or inlineTask, the
// future itself by value (SpawnInline, and asyncgen's spawns of generated
// futures). Each is its own runner, and a *task points at either. They do
// not embed task[T]: for a zero-size T the output would be task[T]'s last
// field, padded to a word, and every task[struct{}] 8 bytes larger.
type task[T any] struct {
	taskHeader
	out T // written by the holder of RUNNING before COMPLETE; read-only after
}

// boxedTask is a task whose future is held by its interface value.
type boxedTask[T any] struct {
	taskHeader
	// out comes first: a zero-size last field would be padded (task[struct{}]
	// 104 bytes instead of 96).
	out T
	fut Future[T] // accessed only by the holder of RUNNING; nil once complete
}

// view is b as the task its fields begin.
func (b *boxedTask[T]) view() *task[T] { return (*task[T])(unsafe.Pointer(b)) }

func (b *boxedTask[T]) run(w *worker) {
	if t := b.view(); t.begin(w) {
		t.poll(w, b, b.fut)
	}
}

func (b *boxedTask[T]) cancelTask(w *worker)                    { b.view().cancel(w, b.fut) }
func (b *boxedTask[T]) panicked(w *worker, p any, stack []byte) { b.view().panicked(w, p, stack) }
func (b *boxedTask[T]) dropFuture()                             { b.fut = nil }
func (b *boxedTask[T]) future() any                             { return b.fut }

// handle returns t's JoinHandle: t itself, seen through the handle's type
// (whose only field is the task).
func (t *task[T]) handle() *JoinHandle[T] { return (*JoinHandle[T])(unsafe.Pointer(t)) }

func newTask[T any](f Future[T]) *task[T] {
	if f == nil {
		panic("corio/rt: spawn of a nil future")
	}
	b := &boxedTask[T]{fut: f}
	b.init(b)
	return b.view()
}

// init numbers a new task, stamps its spawn time and records r, the
// task's own allocation, as its runner.
func (h *taskHeader) init(r runner) {
	h.id = nextTaskID.Add(1)
	h.stampSpawn()
	h.tab = (*iface)(unsafe.Pointer(&r)).tab
}

// Wake schedules the task to be polled again. Any goroutine, any time, any
// number of times; see "Waker rules" in doc.go. From inside a poll,
// Context.Wake is cheaper.
func (t *task[T]) Wake() {
	if t.state.wake() {
		t.rt.scheduleRemote(&t.taskHeader)
	}
}

// begin takes the RUNNING bit of a task popped from a run queue (see
// runner.run): true if the caller is to poll it; a task to cancel is
// cancelled here, a stale entry dropped.
func (t *task[T]) begin(w *worker) bool {
	switch t.state.startRun(runningOn(w.index)) {
	case startSkip:
		return false
	case startCancel:
		t.self().cancelTask(w)
		return false
	}
	return true
}

// poll polls fut, the future of task t, whose runner is r, for a worker
// that took its RUNNING bit (begin), and completes or parks the task.
func (t *task[T]) poll(w *worker, r runner, fut Future[T]) {
	cx := &w.cx
	cx.waker = t
	cx.ownPoll()
	cx.task = &t.taskHeader
	cx.exhausted = false
	w.stats.polls++
	// A panic in Poll unwinds to worker.runBatch, which recovers it once per
	// batch rather than paying for a deferred recover on every poll, and
	// hands it to panicked through w.polling.
	w.polling = r
	var t0 int64
	if w.obs != nil {
		t0 = w.obs.beforePoll(&t.taskHeader)
	}
	v, ok := drive(cx, t.frameSlot(), fut)
	if w.obs != nil {
		w.afterPoll(&t.taskHeader, fut, t0)
	}
	w.polling = nil
	cx.task = nil
	yielded := cx.endOwnPoll()
	if cx.exhausted {
		w.stats.budgetYields++
	}
	if ok {
		t.out = v
		t.finish(w, nil, false)
		return
	}
	switch t.state.endPoll(yielded) {
	case endPollIdle:
	case endPollReschedule:
		w.reschedule(&t.taskHeader)
	case endPollCancel:
		r.cancelTask(w)
	}
}

// panicked completes a task whose Poll panicked with p; the caller (the
// recovering worker) still holds the task's RUNNING bit.
func (t *task[T]) panicked(w *worker, p any, stack []byte) {
	w.cx.task = nil
	w.cx.top = frameID{}
	w.cx.clearPushed()
	t.finish(w, &JoinError{id: t.id, Value: p, Stack: stack}, false)
}

// cancel cancels fut, the future of task t, and completes the task; the
// caller holds its RUNNING bit.
func (t *task[T]) cancel(w *worker, fut Future[T]) {
	jerr := &JoinError{id: t.id, cancelled: true}
	func() {
		defer func() {
			if p := recover(); p != nil {
				jerr.Value, jerr.Stack = p, rdebug.Stack()
			}
		}()
		Cancel(fut)
	}()
	t.finish(w, jerr, true)
}

// finish completes a task whose RUNNING bit the caller holds.
func (t *task[T]) finish(w *worker, jerr *JoinError, cancelled bool) {
	if t.rt != nil && t.rt.obs != nil {
		t.rt.obs.completing(&t.taskHeader)
	}
	t.aux = unsafe.Pointer(jerr) // drops the frame stack
	t.self().dropFuture()
	t.state.complete(cancelled)
	if t.flags.Load()&flagNamed != 0 {
		taskNames.Delete(t.id)
	}
	if t.rt != nil {
		t.rt.unbind(w, &t.taskHeader)
	}
	if w != nil {
		w.stats.completed++
	}
	t.notifyJoiners(w, cancelled)
}

// notifyJoiners wakes every JoinAsync waiter, releases blocking Joins and
// cancels the task's context. A worker that completes the task wakes waiters
// that are tasks of its runtime onto itself (see Context.Wake).
func (h *taskHeader) notifyJoiners(w *worker, cancelled bool) {
	// Nobody joins the task (a detached task: the common case) and nobody
	// holds the join lock to register: then nobody will, since COMPLETE is
	// set and whoever takes the lock from now on sees it and registers
	// nothing. Two atomic operations fewer per task. (A joiner that
	// registered earlier released the lock after writing joiner, and the
	// load that sees the lock free is ordered after that release.)
	if h.flags.Load()&flagJoinLock == 0 && h.joiner == nil {
		return
	}
	h.lockJoin()
	j := h.joinStateIfAny()
	var first Waker
	if j == nil {
		first, _ = h.joiner.(Waker)
		h.joiner = nil
		h.unlockJoin()
		if first != nil {
			if w != nil {
				w.cx.Wake(first)
			} else {
				first.Wake()
			}
		}
		return
	}
	wakers := j.wakers
	j.wakers = nil
	if j.done != nil {
		close(j.done)
	}
	cancel := j.cancel
	h.unlockJoin()
	if cancel != nil {
		if cancelled {
			cancel(ErrTaskAborted)
		} else {
			cancel(ErrTaskDone)
		}
	}
	for _, wk := range wakers {
		if w != nil {
			w.cx.Wake(wk)
		} else {
			wk.Wake()
		}
	}
}

// frameSlot is the task's frame stack pointer, held in aux while it runs.
func (h *taskHeader) frameSlot() **frameStack { return (**frameStack)(unsafe.Pointer(&h.aux)) }

// joinErr is the task's *JoinError, held in aux once it completed.
func (h *taskHeader) joinErr() *JoinError { return (*JoinError)(h.aux) }

func (t *task[T]) complete() bool { return t.state.load()&stateComplete != 0 }

// result must be called after complete() returned true.
func (t *task[T]) result() (T, error) {
	if err := t.joinErr(); err != nil {
		var zero T
		return zero, err
	}
	return t.out, nil
}

// JoinHandle is the owner's handle on a spawned task: wait for its output
// (Join, JoinAsync), cancel it (Abort), or ask whether it finished.
//
// A JoinHandle is its task under another name (a *JoinHandle points at the
// task), so Spawn allocates nothing for it; use it through the pointer Spawn
// returns, never a copy. Dropping a JoinHandle does not cancel the task (it
// is detached, as in Tokio).
type JoinHandle[T any] struct {
	t task[T]
}

// task returns the task h is.
func (h *JoinHandle[T]) task() *task[T] { return &h.t }

// ID returns the task's id: a process-wide number, unique among tasks, in
// spawn order.
func (h *JoinHandle[T]) ID() uint64 { return h.t.id }

// IsFinished reports whether the task has completed: returned, panicked or was
// cancelled. It never blocks.
func (h *JoinHandle[T]) IsFinished() bool { return h.task().complete() }

// Abort requests cancellation of the task. If the task is not running, its
// runtime cancels it the next time it runs its queue: the future's Cancel
// method (if it implements Canceler) is called, exactly once, and Join returns
// a *JoinError with Cancelled set. If the task is being polled, cancellation
// happens right after that poll (unless the poll completes the task: then the
// output stands). Abort on a finished task does nothing. Abort never blocks.
func (h *JoinHandle[T]) Abort() {
	t := h.task()
	// The context first: once the task is queued its runtime may cancel and
	// complete it at once, and the cause must say "aborted".
	if t.state.load()&(stateComplete|stateCancelled) == 0 {
		t.cancelContext(ErrTaskAborted)
	}
	if t.state.abort() {
		t.rt.scheduleRemote(&t.taskHeader)
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
	t := h.task()
	if !t.complete() {
		t.lockJoin()
		if !t.complete() {
			j := t.joinLocked()
			if j.done == nil {
				j.done = make(chan struct{})
			}
			done := j.done
			t.unlockJoin()
			checkNotOnDriver("Join", "JoinAsync")
			<-done
		} else {
			t.unlockJoin()
		}
	}
	return t.result()
}

// JoinAsync returns a future of the task's output: pending until the task
// completes, then Tuple2{output, nil} or Tuple2{zero, *JoinError}. Polling it
// registers the polling task's waker; it is a leaf and spends one budget unit
// per poll.
//
// Any number of tasks may await one handle at the same time: each pending
// poll adds its waker (once per distinct waker) to the handle's waiters, and
// completion wakes them all. Every call returns the same future value, which
// lives inside the task: no allocation. Because the value is shared, Cancel
// cannot tell joiners apart: it unregisters the waiter only when it is the
// sole one; with several, a cancelled joiner keeps its place and gets one
// spurious wake-up when the task completes (harmless, see the waker rules).
func (h *JoinHandle[T]) JoinAsync() Future[Tuple2[T, error]] {
	return (*joinFuture[T])(&h.t)
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
		t.lockJoin()
		// Re-check under the join lock: finish sets COMPLETE before taking
		// it, so either we see COMPLETE here or finish sees our waker.
		if !t.complete() {
			wk := cx.Waker()
			switch j := t.joiner.(type) {
			case nil:
				t.joiner = wk
			case *joinState:
				if !containsWaker(j.wakers, wk) {
					j.wakers = append(j.wakers, wk)
				}
			case Waker:
				if sameWaker(j, wk) {
					t.joiner = wk
					break
				}
				js := t.joinLocked()
				js.wakers = append(js.wakers, wk)
			}
			t.unlockJoin()
			return Tuple2[T, error]{}, false
		}
		t.unlockJoin()
	}
	v, err := t.result()
	return Tuple2[T, error]{V0: v, V1: err}, true
}

// Cancel unregisters the joiner's waker if it is the only one (see
// JoinAsync). The task keeps running.
func (j *joinFuture[T]) Cancel() {
	t := (*task[T])(j)
	t.lockJoin()
	switch x := t.joiner.(type) {
	case *joinState:
		if len(x.wakers) == 1 {
			x.wakers[0] = nil
			x.wakers = x.wakers[:0]
		}
	case Waker:
		t.joiner = nil
	}
	t.unlockJoin()
}

// containsWaker reports whether ws holds w. Wakers are compared as
// interface values; a waker of a type that is not comparable never matches
// (it is then listed once per poll, costing spurious wake-ups, not errors).
func containsWaker(ws []Waker, w Waker) bool {
	for _, x := range ws {
		if sameWaker(x, w) {
			return true
		}
	}
	return false
}

func sameWaker(a, b Waker) (same bool) {
	if ta, ok := a.(taskWaker); ok {
		tb, ok := b.(taskWaker)
		return ok && ta.header() == tb.header()
	}
	defer func() {
		if recover() != nil {
			same = false
		}
	}()
	return a == b
}

// JoinError is the error of a task that did not return normally: it panicked
// (PanicValue is the panic value, Stack the panicking goroutine's stack at
// recovery) or was cancelled (IsCancelled; by JoinHandle.Abort or runtime
// shutdown). A future whose Cancel method panics gives both. ID names the
// task. Use errors.As to get one from a Join error; errors.Is and errors.As
// also see through it to a panic value that is an error.
type JoinError struct {
	// Value and Stack are the panic value and stack; read them through
	// PanicValue and StackTrace. (Exported for code written before the
	// accessors; they are never changed after the task completes.)
	Value     any
	Stack     []byte
	cancelled bool
	id        uint64
}

// ID returns the id of the task that failed (see JoinHandle.ID).
func (e *JoinError) ID() uint64 { return e.id }

// PanicValue returns the value the task (or its Cancel) panicked with, or nil.
func (e *JoinError) PanicValue() any { return e.Value }

// StackTrace returns the panicking goroutine's stack at recovery, or nil.
func (e *JoinError) StackTrace() []byte { return e.Stack }

// IsPanic reports whether the task panicked (PanicValue holds the value).
func (e *JoinError) IsPanic() bool { return e.Stack != nil }

// IsCancelled reports whether the task was cancelled.
func (e *JoinError) IsCancelled() bool { return e.cancelled }

func (e *JoinError) Error() string {
	switch {
	case e.cancelled && e.IsPanic():
		return fmt.Sprintf("corio/rt: task %d cancelled; Cancel panicked: %v", e.id, e.Value)
	case e.cancelled:
		return fmt.Sprintf("corio/rt: task %d cancelled", e.id)
	default:
		return fmt.Sprintf("corio/rt: task %d panicked: %v", e.id, e.Value)
	}
}

// Unwrap returns the panic value if it is an error, so errors.Is and
// errors.As see through a JoinError.
func (e *JoinError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}
