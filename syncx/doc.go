// Package syncx provides async coordination between corio tasks: channels
// (mpsc, oneshot, broadcast, watch), Mutex, RwLock, Semaphore, Notify,
// Barrier, OnceCell, WaitGroup and CancelToken.
//
// Every operation that can wait is a twin pair in corio's convention: X
// blocks the calling goroutine (direct mode; it refuses, by panicking, to
// block a goroutine that is driving a runtime) and XAsync returns an
// rt.Future, so that inside an //async:func function a call of X is a
// suspension point.
//
// Cancel-safety. Every pending future of this package implements Cancel
// (rt.Canceler): cancelling it — directly, or through rt's Select, Timeout,
// JoinHandle.Abort or runtime shutdown — removes its waiter from the queue
// and hands back whatever it had been granted but not yet returned to the
// caller (a lock, permits, a message). Each operation's doc says in one line
// what cancelling it loses: for every operation in this package the answer
// is nothing.
//
// Waiting allocates nothing in steady state: the waiter node lives inside
// the future (an intrusive list). Waiters are served first in, first out.
// Every operation spends one unit of the task's cooperative budget, so a
// task looping on an always-ready channel still yields to its neighbours.
package syncx
