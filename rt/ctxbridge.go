package rt

import "context"

// Bridging context.Context into futures.
//
// A context.Context and an rt.Context are unrelated: the first carries a
// cancellation signal, a deadline and request values across API boundaries;
// the second is what one Poll call receives (a waker and a budget) and is
// valid only during that call. ContextDone turns the first into a future, so
// async code can wait for a request's cancellation beside other work (in a
// select, or under Timeout).

// ContextDone blocks until ctx is done and returns ctx.Err() (direct mode of
// ContextDoneAsync). For a context that is never cancelled
// (context.Background) it never returns.
func ContextDone(ctx context.Context) error { return Await(ContextDoneAsync(ctx)) }

// ContextDoneAsync returns a future that becomes ready with ctx.Err() once
// ctx is done. While it is pending it holds no goroutine: its first pending
// poll registers a callback with context.AfterFunc that wakes the task when
// ctx is done (for a context type of its own that the context package does not
// know, AfterFunc itself needs a goroutine). Cancel unregisters the callback.
// It spends no budget: it never finds work ready repeatedly.
func ContextDoneAsync(ctx context.Context) Future[error] {
	return &contextDone{ctx: ctx}
}

type contextDone struct {
	ctx  context.Context // immutable
	stop func() bool     // owned by the poller: unregisters the AfterFunc; nil before the first pending poll

	waker wakerSlot // woken when ctx is done
}

func (c *contextDone) Poll(cx *Context) (error, bool) {
	if err := c.ctx.Err(); err != nil {
		c.release()
		return err, true
	}
	c.waker.set(cx.Waker())
	if c.stop == nil {
		// Register, then check: AfterFunc on a context that is already done
		// runs wake at once (on a goroutine of its own), so nothing is lost
		// between the check above and here.
		c.stop = context.AfterFunc(c.ctx, c.waker.wake)
	}
	var none error
	return none, false
}

// release unregisters the AfterFunc callback, if one is registered.
func (c *contextDone) release() {
	if c.stop != nil {
		c.stop()
		c.stop = nil
	}
}

// Cancel unregisters the callback and forgets the waker: after Cancel the
// task is not woken when ctx is done.
func (c *contextDone) Cancel() {
	c.release()
	c.waker.set(nil)
}
