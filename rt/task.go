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
	// polls or cancels it (or drops a stale entry). The caller sets the
	// budget. held is the entry's tag (localQueue): other than heldNone,
	// the caller holds RUNNING already.
	run(w *worker, held uintptr)
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
// It is 64 bytes, so that a boxedTask for a T of up to two words (error, a
// pointer, an int) is 96 bytes and boxedTask[struct{}] 80, size classes; an
// inlineTask is 64 bytes plus its output and its future (examples/echo's
// connection handler: 64 + 0 + 48 = 112). Every task pays for each word
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

	// ext is one word for the rest of what a task may need, a pointer whose
	// low three bits tell what it points at (see the ext constants): who
	// waits for the task (one pending JoinAsync waiter: a task, the common
	// case, or another waker in a box; a *joinState once more is needed),
	// its stack of generated frames while it runs (frame.go: nil until the
	// task first suspends deep enough), and once complete its *JoinError
	// (nil for success). Atomic, written under the join lock; the holder of
	// RUNNING reads the frame stack without it. One word for all of it
	// keeps the header at 64 bytes: a joiner interface and a word of its
	// own for the frames or the error cost each task 16 bytes more, a size
	// class for an idle echo connection's task (128 to 112).
	ext unsafe.Pointer
}

// The tags of taskHeader.ext: the low bits of the pointer, which points at
// something 8-aligned. A tagged pointer still points into its object, so
// the collector keeps the object alive.
const (
	extNone    uintptr = iota // ext is nil
	extTask                   // *taskHeader: the one pending JoinAsync waiter, a task
	extBox                    // *Waker: the one pending waiter, another waker, in a box (boxWaker)
	extJoin                   // *joinState: several waiters, a blocking Join or a TaskContext, and the rest
	extFrames                 // *frameStack: the running task's frames, and no waiter
	extErr                    // *JoinError: the completed task's error, and no joinState
	extTagMask uintptr = 7
)

// loadExt returns ext's pointer and tag.
func (h *taskHeader) loadExt() (unsafe.Pointer, uintptr) {
	p := atomic.LoadPointer(&h.ext)
	tag := uintptr(p) & extTagMask
	if tag == extNone {
		// Untouched: the compiler takes unsafe.Add's result for non-nil,
		// and a nil p must compare equal to nil.
		return p, extNone
	}
	return unsafe.Add(p, -int(tag)), tag
}

// storeExt sets ext to p with tag (nil for a nil p); the caller holds the
// join lock, or is the only one who can see the task.
func (h *taskHeader) storeExt(p unsafe.Pointer, tag uintptr) {
	if p == nil {
		atomic.StorePointer(&h.ext, nil)
		return
	}
	atomic.StorePointer(&h.ext, unsafe.Add(p, tag))
}

// The bits of taskHeader.flags.
const (
	// flagBound is set by whoever may touch the owned list the task goes
	// on (the current-thread core, or the multi-thread shard's mutex): the
	// task was listed for Shutdown. It stays set when the task leaves the
	// list at completion (taskList.remove). A task spawned from a poll is
	// bound only when its first poll suspends, or when it goes to a ring
	// unpolled (see "Owned tasks" in doc.go).
	flagBound uint32 = 1 << iota
	// flagSpawned is set by the poller of the SpawnAsync future: the task
	// was handed to a runtime.
	flagSpawned
	// flagJoinLock is the join lock, guarding ext and the joinState. It
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
// channel of blocking Joins, the context.Context of TaskContextAsync; and
// then what ext would hold beside it (the frame stack, the JoinError). Kept
// out of line so that a task nobody joins carries one word for all of it.
type joinState struct {
	wakers []Waker         // pending JoinAsync wakers, distinct
	done   chan struct{}   // created by the first blocking Join, closed on completion
	ctx    context.Context // TaskContextAsync's context
	cancel context.CancelCauseFunc
	frames *frameStack // owned by the holder of RUNNING (see taskHeader.frames)
	jerr   *JoinError  // written before COMPLETE, read-only after
}

// headerWaker is a task seen through its header, as the Waker it is: what
// a lone JoinAsync waiter that is a task is kept as (extTask).
type headerWaker taskHeader

// Wake is task.Wake.
func (hw *headerWaker) Wake() {
	h := (*taskHeader)(hw)
	if h.state.wake() {
		h.rt.scheduleRemote(h)
	}
}

func (hw *headerWaker) header() *taskHeader { return (*taskHeader)(hw) }

// joinBoxer is a long-lived Waker that lends a word holding itself, so that
// a task it is the lone waiter of keeps it there (extBox) without
// allocating a box.
type joinBoxer interface {
	joinBox() *Waker
}

// boxWaker returns a box holding wk: the one wk lends, or a new one.
func boxWaker(wk Waker) *Waker {
	if b, ok := wk.(joinBoxer); ok {
		return b.joinBox()
	}
	b := new(Waker)
	*b = wk
	return b
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

// joinLocked returns h's join state, creating it (and moving into it a lone
// JoinAsync waiter or the frame stack); the caller holds the join lock.
func (h *taskHeader) joinLocked() *joinState {
	p, tag := h.loadExt()
	js := &joinState{}
	switch tag {
	case extJoin:
		return (*joinState)(p)
	case extTask:
		js.wakers = []Waker{(*headerWaker)(p)}
	case extBox:
		js.wakers = []Waker{*(*Waker)(p)}
	case extFrames:
		js.frames = (*frameStack)(p)
	case extErr:
		js.jerr = (*JoinError)(p)
	}
	h.storeExt(unsafe.Pointer(js), extJoin)
	return js
}

// joinStateIfAny returns h's join state, or nil; the caller holds the join
// lock.
func (h *taskHeader) joinStateIfAny() *joinState {
	if p, tag := h.loadExt(); tag == extJoin {
		return (*joinState)(p)
	}
	return nil
}

// addJoiner registers wk as a waiter of the task, once per distinct waker;
// the caller holds the join lock and saw the task not complete.
func (h *taskHeader) addJoiner(wk Waker) {
	p, tag := h.loadExt()
	switch tag {
	case extNone:
		if tw, ok := wk.(taskWaker); ok {
			h.storeExt(unsafe.Pointer(tw.header()), extTask)
		} else {
			h.storeExt(unsafe.Pointer(boxWaker(wk)), extBox)
		}
		return
	case extTask:
		if sameWaker((*headerWaker)(p), wk) {
			return
		}
	case extBox:
		if sameWaker(*(*Waker)(p), wk) {
			return
		}
	case extJoin:
		if js := (*joinState)(p); !containsWaker(js.wakers, wk) {
			js.wakers = append(js.wakers, wk)
		}
		return
	}
	js := h.joinLocked() // the frame stack, or another lone waiter, is there
	js.wakers = append(js.wakers, wk)
}

// frames returns the task's frame stack; the caller holds RUNNING.
func (h *taskHeader) frames() *frameStack {
	switch p, tag := h.loadExt(); tag {
	case extFrames:
		return (*frameStack)(p)
	case extJoin:
		return (*joinState)(p).frames
	}
	return nil
}

// setFrames records the task's frame stack after a poll changed it; the
// caller holds RUNNING. Only polls that make or drop a stack get here.
func (h *taskHeader) setFrames(fs *frameStack) {
	h.lockJoin()
	switch p, tag := h.loadExt(); tag {
	case extJoin:
		(*joinState)(p).frames = fs
	case extTask, extBox:
		if fs != nil {
			h.joinLocked().frames = fs
		}
	default:
		h.storeExt(unsafe.Pointer(fs), extFrames)
	}
	h.unlockJoin()
}

// completion is what a completing task hands on once COMPLETE is set: its
// waiters to wake, its blocking Joins' channel to close, its context to
// cancel.
type completion struct {
	one    Waker
	more   []Waker
	done   chan struct{}
	cancel context.CancelCauseFunc
}

// complete takes the waiters out of ext and leaves there what a completed
// task keeps: jerr, in the join state if there is one (the blocking Joins
// and TaskContext read it); the frame stack is dropped. The caller holds the
// join lock.
func (h *taskHeader) complete(jerr *JoinError) (c completion) {
	p, tag := h.loadExt()
	switch tag {
	case extJoin:
		js := (*joinState)(p)
		js.frames, js.jerr = nil, jerr
		c.more, js.wakers = js.wakers, nil
		c.done, c.cancel = js.done, js.cancel
		return c
	case extTask:
		c.one = (*headerWaker)(p)
	case extBox:
		c.one = *(*Waker)(p)
	}
	h.storeExt(unsafe.Pointer(jerr), extErr)
	return c
}

// notify wakes the waiters, releases the blocking Joins and cancels the
// task's context. A worker that completed the task wakes waiters that are
// tasks of its runtime onto itself (see Context.Wake).
func (c *completion) notify(w *worker, cancelled bool) {
	if c.done != nil {
		close(c.done)
	}
	if c.cancel != nil {
		if cancelled {
			c.cancel(ErrTaskAborted)
		} else {
			c.cancel(ErrTaskDone)
		}
	}
	if c.one != nil {
		wake(w, c.one)
	}
	for _, wk := range c.more {
		wake(w, wk)
	}
}

// wake wakes wk, onto w if it is a task of w's runtime.
func wake(w *worker, wk Waker) {
	if w != nil {
		w.cx.Wake(wk)
	} else {
		wk.Wake()
	}
}

// nextTaskID numbers tasks from 1, process-wide: a direct spawn takes the
// next id, a spawn from a poll the next of its Context's block
// (Context.newTaskID), so ids follow spawn order only roughly.
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

func (b *boxedTask[T]) run(w *worker, held uintptr) {
	if t := b.view(); t.begin(w, held) {
		t.poll(w, b, b.fut, held)
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
	t := newTaskNoID(f)
	t.id = nextTaskID.Add(1)
	return t
}

// newTaskNoID is newTask for a task that a spawn future starts: its id is
// taken when the future is polled (spawnFuture.Poll, from the Context's
// block), not here.
func newTaskNoID[T any](f Future[T]) *task[T] {
	if f == nil {
		panic("corio/rt: spawn of a nil future")
	}
	b := &boxedTask[T]{fut: f}
	b.init(b)
	return b.view()
}

// init stamps a new task's spawn time and records r, the task's own
// allocation, as its runner.
func (h *taskHeader) init(r runner) {
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
func (t *task[T]) begin(w *worker, held uintptr) bool {
	var st startResult
	if held != heldNone {
		st = t.state.startHeld()
	} else {
		st = t.state.startRun(runningOn(w.index))
	}
	switch st {
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
func (t *task[T]) poll(w *worker, r runner, fut Future[T], held uintptr) {
	cx := &w.cx
	cx.waker = t
	cx.ownPoll()
	// A panic in Poll unwinds to worker.runBatch, which recovers it once per
	// batch rather than paying for a deferred recover on every poll, and
	// hands it to panicked through cx.task.
	cx.task = &t.taskHeader
	cx.exhausted = false
	w.stats.polls++
	var t0 int64
	if w.obs != nil {
		t0 = w.obs.beforePoll(&t.taskHeader)
	}
	fs := t.frames()
	fs0 := fs
	v, ok := drive(cx, &fs, fut)
	if !cx.timers.Empty() { // inline: most polls arm no timer, and flushTimers is a call
		cx.flushTimers() // before the task can run elsewhere (endPoll, finish)
	}
	if fs != fs0 && !ok {
		t.setFrames(fs)
	}
	if w.obs != nil {
		w.afterPoll(&t.taskHeader, fut, t0)
	}
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
	// A task spawned from a poll is listed only from its first suspension
	// on (see "Owned tasks" in doc.go); it is bound while this worker still
	// holds RUNNING, so no other worker can complete it first.
	if t.flags.Load()&flagBound == 0 && !w.bindPolled(&t.taskHeader) {
		r.cancelTask(w) // shutting down: nobody else will find it
		return
	}
	if yielded && w.mt == nil && !w.noHold && t.state.load()&stateCancelled == 0 {
		// The core runs the task again after the tasks queued ahead of
		// it, and nobody else may: it keeps RUNNING, and the entry says so
		// (see "Held entries" in doc.go). No atomic operation here, none
		// at its next start. An abort from now on is seen at that start.
		w.local.pushTagged(&t.taskHeader, heldYield)
		return
	}
	polls := uint32(1)
	if held == heldYield {
		polls = 2 // the run of yields before this poll counts as one
	}
	switch t.state.endPollN(yielded, polls) {
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
	w.cx.flushTimers() // armed as they would have been without the panic
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
	t.self().dropFuture()
	h := &t.taskHeader
	if jerr == nil && atomic.LoadPointer(&h.ext) == nil {
		// A clean return, no frame stack to drop, and nobody joins the task
		// yet (a detached task: the common case). COMPLETE first, then
		// nobody will: whoever takes the join lock from now on sees it and
		// registers nothing. If nobody holds the lock and ext is still nil,
		// nobody did meanwhile: two atomic operations fewer per task. (A
		// joiner that registered released the lock after writing ext, and
		// the load that sees the lock free is ordered after that release.)
		h.state.complete(false)
		t.completed(w)
		if h.flags.Load()&flagJoinLock == 0 && atomic.LoadPointer(&h.ext) == nil {
			return
		}
		h.lockJoin()
		c := h.complete(nil)
		h.unlockJoin()
		c.notify(w, false)
		return
	}
	// The error, or the join state, goes into ext before COMPLETE, under
	// the join lock, so that whoever sees COMPLETE finds it there.
	h.lockJoin()
	c := h.complete(jerr)
	h.state.complete(cancelled)
	h.unlockJoin()
	t.completed(w)
	c.notify(w, cancelled)
}

// completed is what follows COMPLETE: the name goes, the task leaves its
// runtime's list.
func (t *task[T]) completed(w *worker) {
	f := t.flags.Load()
	if f&flagNamed != 0 {
		taskNames.Delete(t.id)
	}
	if t.rt != nil {
		if f&flagBound != 0 {
			t.rt.unbind(w, &t.taskHeader)
		} else if w != nil && w.mt == nil {
			w.unbound-- // a current-thread spawn from a poll that never suspended
		}
	}
	if w != nil {
		w.stats.completed++
	}
}

// joinErr is the completed task's *JoinError, nil for success.
func (h *taskHeader) joinErr() *JoinError {
	switch p, tag := h.loadExt(); tag {
	case extErr:
		return (*JoinError)(p)
	case extJoin:
		return (*joinState)(p).jerr
	}
	return nil
}

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

// ID returns the task's id: a process-wide number, unique among tasks. The
// tasks spawned from one worker's polls get increasing ids in their spawn
// order; across workers ids follow spawn order only roughly (each worker
// takes them in blocks).
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
			t.addJoiner(cx.Waker())
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
	switch p, tag := t.loadExt(); tag {
	case extJoin:
		if x := (*joinState)(p); len(x.wakers) == 1 {
			x.wakers[0] = nil
			x.wakers = x.wakers[:0]
		}
	case extTask, extBox:
		t.storeExt(nil, extNone)
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
