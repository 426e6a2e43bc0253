// Package syncx provides async coordination between corio tasks: channels,
// locks, semaphores, notifications, barriers, one-time initialisation, wait
// groups and cancellation tokens.
//
// # What is here
//
//	NewChannel, NewUnboundedChannel   mpsc: Sender (Send, TrySend, Reserve → Permit,
//	                                  Clone, Close) and Receiver (Recv → v, ok; TryRecv)
//	NewOneshot                        one value, typically a reply
//	NewBroadcast                      every subscriber sees every value; a lagging
//	                                  one gets *LaggedError{Missed} and goes on
//	NewWatch                          the latest value; Changed waits for a new one
//	Mutex, RwLock                     locks with Go's Lock/Unlock API (Mutex: bounded barging, RwLock: FIFO)
//	NewSemaphore                      FIFO permits: Acquire(n), TryAcquire, Release, Close
//	Notify                            NotifyOne (stores one permit), NotifyWaiters, Notified
//	NewBarrier                        n tasks meet; one is told it is the leader
//	OnceCell                          GetOrInit runs one initializer, even across cancels
//	WaitGroup                         Add, Done, Go, Wait
//	NewCancelToken                    a tree of cancellation, Cancelled() as a future,
//	                                  to and from context.Context
//
// To wait for the first of several operations (Go's select), pass their
// futures to rt.Select2 … rt.Select4 or rt.SelectN; to bound a wait, wrap it
// in rt.Timeout. Both cancel the operations that lose, which is safe for
// every operation here (below).
//
// # Twins
//
// Every operation that can wait is a twin pair in corio's convention: X
// blocks the calling goroutine and XAsync returns a future, so that inside an
// //async:func function a call of X is a suspension point and the same source
// line, run as plain Go, blocks. X refuses, by panicking with the name of
// XAsync, to block a goroutine that is driving a runtime (inside a task),
// where it would stall every task of that runtime. Operations that never wait
// (TrySend, TryRecv, TryLock, Unlock, Release, NotifyOne, Close) have no twin
// and may be called anywhere.
//
// # Cancel-safety
//
// Every pending future of this package implements rt.Canceler. Cancelling it
// — directly, or through rt's Select, Timeout, JoinHandle.Abort, JoinSet or
// runtime shutdown — removes its waiter from the queue and hands back
// whatever it had been granted but not yet returned to the caller: a lock or
// permits go to the next waiter, a notification permit is stored again, a
// message moved into a cancelled receive goes back to the front of the
// channel, a reserved channel slot passes to the next sender. A cancelled
// send has not sent. Each XAsync's doc says this in its "Cancel-safe" line;
// for every operation here, cancelling loses nothing.
//
// # Costs
//
// Waiting allocates nothing in steady state: the waiter node lives inside
// the future (an intrusive FIFO list), and every channel handle and lock
// embeds the future its next operation hands out again (see chanshared.go;
// Mutex, Semaphore and RwLock keep one spare besides), so a task sending,
// receiving or locking in a loop allocates nothing, generated code included.
// The rule that makes this safe is rt.Future's: a future is not polled or
// cancelled after it completed or was cancelled. Waiters are served first
// in, first out; a slot, permit or RwLock freed while others wait is handed
// to the first of them, so a fast producer or a task that unlocks and
// relocks in a loop cannot starve a waiter. Mutex is the exception, as
// sync.Mutex is: Unlock frees it and wakes the first waiter, which competes
// with new lockers (so a contended lock does not sit idle while that waiter
// is scheduled), and a waiter overtaken four times turns on direct hand-off
// until the starved waiters are served (see Mutex). Claiming and giving back the embedded future
// costs two atomic operations per operation; a caller that keeps the future
// in a typed field of its own state (a hand-written future) can skip them
// with Mutex.MakeLock, Semaphore.MakeAcquire, RwLock.MakeLock and
// MakeRLock, Sender.MakeSend and Receiver.MakeRecv, which return the future
// by value. Every operation spends one unit of the task's
// cooperative budget, so a task looping on an always-ready channel still
// yields to its neighbours.
package syncx
