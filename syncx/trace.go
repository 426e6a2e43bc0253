package syncx

import (
	"strconv"
	"sync"

	"github.com/corio-go/corio/rt"
)

// Trace methods of the package's futures (see rt.Tracer): what a task
// suspended in one of them waits for. The counts they report are guarded by
// the primitive's lock, which Trace takes for the reads (a sender or an
// unlock may change them on another goroutine at the same time).

// traceLocked runs read under mu and returns its result.
func traceLocked(mu *sync.Mutex, read func() string) string {
	mu.Lock()
	defer mu.Unlock()
	return read()
}

// traceCount is "n what", as in "3 queued".
func traceCount(n int, what string) string { return strconv.Itoa(n) + " " + what }

// Trace implements rt.Tracer: the tasks queued for the lock.
func (f *LockFuture) Trace() rt.Trace {
	m := f.m
	return rt.Trace{Func: "syncx.(*Mutex).Lock", Detail: traceLocked(&m.mu, func() string {
		d := traceCount(m.waiters.len, "queued")
		if m.state.Load()&mutexLocked != 0 {
			d = "locked, " + d
		}
		return d
	})}
}

// Trace implements rt.Tracer: the mode and the tasks queued.
func (f *RwLockFuture) Trace() rt.Trace {
	fn := "syncx.(*RwLock).RLock"
	if f.sw.n == rwMaxReaders {
		fn = "syncx.(*RwLock).Lock"
	}
	return rt.Trace{Func: fn, Detail: f.sw.detail(false)}
}

// Trace implements rt.Tracer: the permits asked for and available.
func (f *AcquireFuture) Trace() rt.Trace {
	return rt.Trace{Func: "syncx.(*Semaphore).Acquire", Detail: f.sw.detail(true)}
}

// detail describes a semaphore wait: "2 permits, 1 available, 3 queued"
// (permits only for a Semaphore: an RwLock's are its readers).
func (w *semaWait) detail(permits bool) string {
	s := w.s
	return traceLocked(&s.mu, func() string {
		d := traceCount(s.waiters.len, "queued")
		if permits {
			d = traceCount(w.n, "permits, ") + traceCount(s.permits+w.base, "available, ") + d
		}
		if s.closed {
			d += ", closed"
		}
		return d
	})
}

// Trace implements rt.Tracer: the tasks waiting for a notification.
func (f *NotifiedFuture) Trace() rt.Trace {
	n := f.n
	return rt.Trace{Func: "syncx.(*Notify).Notified", Detail: traceLocked(&n.mu, func() string {
		return traceCount(n.waiters.len, "waiting")
	})}
}

// Trace implements rt.Tracer: the parties arrived in this generation.
func (f *BarrierFuture) Trace() rt.Trace {
	b := f.b
	return rt.Trace{Func: "syncx.(*Barrier).Wait", Detail: traceLocked(&b.mu, func() string {
		return strconv.Itoa(b.arrived) + " of " + strconv.Itoa(b.n) + " arrived"
	})}
}

// Trace implements rt.Tracer.
func (f *CancelledFuture) Trace() rt.Trace {
	d := "not cancelled"
	if f.t.cancelled.Load() {
		d = "cancelled"
	}
	return rt.Trace{Func: "syncx.(*CancelToken).Cancelled", Detail: d}
}

// Trace implements rt.Tracer: the counter the wait is for.
func (f *WaitGroupFuture) Trace() rt.Trace {
	wg := f.wg
	return rt.Trace{Func: "syncx.(*WaitGroup).Wait", Detail: traceLocked(&wg.mu, func() string {
		return "counter " + strconv.Itoa(wg.count)
	})}
}

// Trace implements rt.Tracer: the future that initializes the cell, if this
// one runs it, else the wait for another's.
func (f *OnceCellFuture[T]) Trace() rt.Trace {
	t := rt.Trace{Func: "syncx.(*OnceCell[...]).GetOrInit", Detail: "waiting for another initializer"}
	if f.owner {
		t.Detail, t.Awaiting = "initializing", f.inner
	}
	return t
}

// Trace implements rt.Tracer: what the channel holds.
func (f *SendFuture[T]) Trace() rt.Trace {
	return rt.Trace{Func: "syncx.(*Sender[...]).Send", Detail: f.c.detail("mpsc send")}
}

// Trace implements rt.Tracer: what the channel holds.
func (f *ReserveFuture[T]) Trace() rt.Trace {
	return rt.Trace{Func: "syncx.(*Sender[...]).Reserve", Detail: f.c.detail("mpsc reserve")}
}

// Trace implements rt.Tracer: what the channel holds.
func (f *RecvFuture[T]) Trace() rt.Trace {
	return rt.Trace{Func: "syncx.(*Receiver[...]).Recv", Detail: f.c.detail("mpsc recv")}
}

// detail describes the channel for an operation op waiting on it: "mpsc
// recv, 0 queued", "mpsc send, 16 of 16 queued, 2 senders waiting".
func (c *chanCore[T]) detail(op string) string {
	return traceLocked(&c.mu, func() string {
		d := op + ", " + strconv.Itoa(c.buf.len())
		if c.capacity >= 0 {
			d += " of " + strconv.Itoa(c.capacity)
		}
		d += " queued"
		if n := c.sendq.len; n > 0 {
			d += ", " + traceCount(n, "senders waiting")
		}
		if c.closed {
			d += ", closed"
		}
		return d
	})
}

// Trace implements rt.Tracer.
func (f *OneshotRecvFuture[T]) Trace() rt.Trace {
	o := f.o
	return rt.Trace{Func: "syncx.(*OneshotReceiver[...]).Recv", Detail: traceLocked(&o.mu, func() string {
		if o.state == oneshotEmpty {
			return "oneshot recv, nothing sent"
		}
		return "oneshot recv, sent"
	})}
}

// Trace implements rt.Tracer: the values the receiver has not read yet.
func (f *BroadcastRecvFuture[T]) Trace() rt.Trace {
	r := f.r
	b := r.b
	return rt.Trace{Func: "syncx.(*BroadcastReceiver[...]).Recv", Detail: traceLocked(&b.mu, func() string {
		d := "broadcast recv, " + traceCount(int(b.tail-r.next), "unread")
		if b.closed {
			d += ", closed"
		}
		return d
	})}
}

// Trace implements rt.Tracer: the version seen and the current one.
func (f *WatchChangedFuture[T]) Trace() rt.Trace {
	r := f.r
	w := r.w
	return rt.Trace{Func: "syncx.(*WatchReceiver[...]).Changed", Detail: traceLocked(&w.mu, func() string {
		return "watch changed, seen version " + strconv.FormatUint(r.seen, 10) + " of " + strconv.FormatUint(w.version, 10)
	})}
}
