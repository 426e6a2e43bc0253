package rt

import (
	"context"
	"errors"
)

// Handle is a reference to a runtime that a task can obtain and pass to
// plain goroutines: spawn onto the runtime from outside (SpawnOn), block on it
// (BlockOn), read its metrics. It is a small value; copy it freely.
type Handle struct {
	r *Runtime // immutable
}

// Handle returns a handle on r.
func (r *Runtime) Handle() Handle { return Handle{r: r} }

// Runtime returns the runtime h refers to.
func (h Handle) Runtime() *Runtime { return h.r }

// CurrentHandle returns a handle on the process default runtime: in plain Go
// there is no "current" runtime, and the default runtime is the one
// direct-mode Spawn uses. It is the direct mode of CurrentHandleAsync.
func CurrentHandle() Handle { return Handle{r: defaultRuntime()} }

// CurrentHandleAsync returns a future that is ready at its first poll with a
// handle on the runtime polling it (the default runtime when polled outside
// any runtime). It allocates nothing and spends no budget.
func CurrentHandleAsync() Future[Handle] { return currentHandle{} }

type currentHandle struct{}

func (currentHandle) Poll(cx *Context) (Handle, bool) { return cx.Handle(), true }

// Handle returns a handle on the runtime polling with cx (the process
// default runtime for a Context from NewContext): what the
// CurrentHandleAsync future is ready with. Inside an async function
// asyncgen writes rt.CurrentHandle() as cx.Handle().
func (cx *Context) Handle() Handle {
	if cx.rt != nil {
		return Handle{r: cx.rt}
	}
	return CurrentHandle()
}

// ErrTaskAborted is the cause (context.Cause) of a TaskContextAsync context
// cancelled because its task was aborted (JoinHandle.Abort or runtime
// shutdown).
var ErrTaskAborted = errors.New("corio/rt: task aborted")

// ErrTaskDone is the cause of a TaskContextAsync context cancelled because its
// task completed.
var ErrTaskDone = errors.New("corio/rt: task completed")

// TaskContext returns context.Background(): outside a task there is nothing
// to be cancelled by. It is the direct mode of TaskContextAsync.
func TaskContext() context.Context { return context.Background() }

// TaskContextAsync returns a future that is ready at its first poll with a
// context.Context tied to the task polling it: it is cancelled, with cause
// ErrTaskAborted, as soon as the task is aborted (JoinHandle.Abort, runtime
// shutdown), and with cause ErrTaskDone when the task completes. Hand it to
// blocking work the task starts (SpawnBlocking, a database driver) so that
// aborting the task stops that work too. Polled outside a task (a BlockOn
// main future, a hand-made Context) it is context.Background().
//
// The context is created on the first call for a task and shared by later
// calls; it costs nothing for tasks that never ask.
func TaskContextAsync() Future[context.Context] { return taskContext{} }

type taskContext struct{}

func (taskContext) Poll(cx *Context) (context.Context, bool) {
	h := cx.task
	if h == nil {
		return context.Background(), true
	}
	h.lockJoin()
	defer h.unlockJoin()
	j := h.joinLocked()
	if j.ctx == nil {
		j.ctx, j.cancel = context.WithCancelCause(context.Background())
		if st := h.state.load(); st&stateComplete != 0 {
			j.cancel(ErrTaskDone)
		} else if st&stateCancelled != 0 {
			j.cancel(ErrTaskAborted)
		}
	}
	return j.ctx, true
}

// cancelContext cancels the task's TaskContextAsync context, if it has one.
func (h *taskHeader) cancelContext(cause error) {
	h.lockJoin()
	var cancel context.CancelCauseFunc
	if j := h.joinStateIfAny(); j != nil {
		cancel = j.cancel
	}
	h.unlockJoin()
	if cancel != nil {
		cancel(cause)
	}
}
