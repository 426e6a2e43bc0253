// Package poller is corio's OS readiness layer: it tells tasks when a
// descriptor can be read or written, and lets any goroutine interrupt the one
// worker that waits for the kernel. It imports only the standard library and
// golang.org/x/sys; it wakes tasks through its own one-method Waker
// interface, which rt's wakers satisfy, and never imports corio packages.
//
// # Concepts
//
// A Poller owns one kernel poller (epoll on Linux) and an eventfd for
// wake-ups. Register adds a descriptor and returns a Registration: a 16-byte
// handle, kept by value, that names the descriptor's slot in the Poller's
// pages and which registration of the descriptor number it is (a
// generation). The slot, 24 bytes, holds two things:
//
//   - a readiness word: the Ready bits seen so far (Readable, Writable,
//     ReadClosed, WriteClosed, Error, Priority), a tick counting the events
//     delivered, and a shutdown bit, all in one atomic uint64;
//   - two waiter words, one per Direction (DirRead, DirWrite), so the reading
//     and writing halves of a split socket wait independently. A reader is
//     woken by Readable, ReadClosed, Priority or Error; a writer by Writable,
//     WriteClosed or Error. A hang-up sets both closed bits and so wakes both.
//     Each waiter is one word, not a Waker interface (two): see "One word
//     per waiter" below.
//
// Readiness accumulates: Poll ORs each event's bits into the word, and only
// the task clears them — after its operation returned EAGAIN — with the
// snapshot it took before trying. ClearReadiness clears only while the tick
// still matches that snapshot, so readiness that arrived during the failed
// attempt is never lost (Tokio's clear_readiness). ReadClosed and WriteClosed
// are never cleared: an edge-triggered kernel reports them once.
//
// # How the driver uses it
//
// The runtime's driver (package rt) is expected to use a Poller like this:
//
//   - Poll. Exactly one worker at a time, the one that parks on the driver,
//     calls Poll with the time until the next timer deadline (negative when
//     no timer is armed). Poll blocks in epoll_wait, records each event in its
//     registration, then wakes the satisfied Wakers — in batches of up to 128
//     events, after the batch, with no lock held — and returns. Wakers run on
//     the polling goroutine, so Wake must only schedule (push the task on a
//     queue), never run the task. The worker then fires expired timers and
//     goes back to running tasks. A concurrent second Poll panics.
//   - Register / Deregister. Whoever creates an I/O object (netx's TCPStream,
//     UDPSocket, …) registers its descriptor once, right after creating it,
//     from whatever goroutine that is, and deregisters it before closing it.
//     Deregister wakes both waiters, which then see ReadyEvent.Shutdown.
//   - Waiting. A leaf future (ReadAsync, WriteAsync, AcceptAsync) tries its
//     syscall first. On EAGAIN it clears the readiness snapshot it took before
//     the syscall, then calls PollReady(dir, cx.Waker()): if readiness arrived
//     meanwhile PollReady says so and the future retries at once; otherwise
//     the waker is recorded and the future returns pending. A cancelled future
//     calls ClearWaker(dir).
//   - Wakeup. Any goroutine that makes work for a parked worker (spawning a
//     task, waking a task from outside the runtime, shutting down) pushes the
//     work first and calls Wakeup second. If the poller is blocked, Poll
//     returns; if not, the next Poll returns at once. Wakeups coalesce: while
//     one is pending and unconsumed, another costs an atomic load.
//   - Shutdown. The driver returns from Poll and calls Close, or calls Close
//     from elsewhere: Close wakes a blocked Poll, waits for it to return,
//     releases the kernel objects and shuts down every registration.
//
// # Approach: edge-triggered epoll, a readiness word with a tick
//
// Every descriptor is added once with EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLPRI|
// EPOLLET and never modified. The kernel reports each edge once; the
// readiness word remembers it until a task consumes it. Interest (who waits
// for what) lives in user space, in the waiter slots, so changing it costs no
// syscall. This is the Go runtime's netpoll design (netpoll_epoll.go: one
// EPOLLET registration per fd for both directions; pollDesc's rg/wg
// semaphores per direction) combined with Tokio's ScheduledIo (readiness bits
// plus a tick in one atomic word, a waker per direction, clear_readiness
// compare-by-tick).
//
// Stale events and stale handles, the ABA problem. epoll's 64-bit user data
// cannot hold a Go pointer (the kernel's copy is invisible to the garbage
// collector, which could free or move what it points at). It holds a token
// instead: the descriptor, which also picks the registration's slot (epoll
// watches a descriptor once, so the number is a unique key within one
// Poller), and the registration's generation, which the slot's readiness
// word carries too and which grows with every Register of the number.
// Dispatch looks the slot up and delivers the event only if the word carries
// exactly that generation and is not shut down. So an event collected before
// Deregister but dispatched after it, or an event for a descriptor number
// that was closed and reused, finds a shut-down slot or a newer generation,
// and is dropped. A Registration handle is guarded the same way: every method
// compares the word's generation with its own, so a handle kept after its
// registration went (a socket closed while a task still holds it) reads as
// shut down and cannot touch the waiters or readiness of a newer
// registration in the same slot. The tick in the readiness word is the
// second guard, against stale readiness rather than stale identity: a task's
// ClearReadiness never erases an event it did not see. (The generation wraps
// after 2^32 registrations of one number, the tick after 2^24 events; a
// stale event or handle would have to survive that long to matter.)
//
// Slots live in pages of 341 (8 KiB each, filled to the last byte),
// allocated when a descriptor number first needs one and never moved or
// freed while the Poller lives, so that there is no object per registration
// and no table of pointers to them: a registration costs its 24-byte slot, and the page table a pointer
// per 341 numbers. The page table is read without a lock by dispatch (an
// atomic pointer to a slice of atomic page pointers, replaced when it grows)
// and written under Poller.mu by Register, which with Deregister also makes
// the epoll_ctl calls, so the epoll descriptor cannot be closed under them. A
// dispatch racing with Deregister may still see the departing registration:
// it is shut down (or about to be, and shutdown wakes its waiters anyway),
// and a shut-down registration ignores events, so the race costs at most a
// spurious wake-up.
//
// Waking without losing wake-ups. A waiter is recorded in two steps: its
// waiter word is written (under the lock bit, a bit of the readiness word
// itself, held for a store or two), then the direction's armed bit is set
// in the readiness word by a compare-and-swap that fails if readiness came
// meanwhile. Dispatch stores readiness and takes the armed bits it
// satisfies in one compare-and-swap on the same word, then reads the armed
// waiter words. Both sides meet in that one word, so a wake-up is never
// lost. The waiter word stays after its waiter is woken, so a task that
// waits again in the same direction (every message of a connection's read
// loop) only sets the armed bit, and ClearAndPollReady clears what a short
// read drained in that same compare-and-swap: an echoed message costs the
// slot two atomic read-modify-writes (the wait's and dispatch's), and the
// lock is not taken. The kept word holds its task reachable until the next
// wait in that direction, ClearWaker, Deregister or the descriptor's next
// registration. Keeping the lock and the armed bits in the word keeps a
// slot at 24 bytes.
//
// One word per waiter. A Waker interface is two words, its method table and
// its data word; nearly every waiter is a runtime's task, always of the one
// type the runtime wakes tasks through. SetWordWaker names that type once, at
// start-up (package rt names its task header), and a waiter of that type is
// kept as its data word alone: dispatch rebuilds the interface from the
// type's method table, which never changes once set, and the word. Any other
// Waker is kept as a pointer to a box holding the interface, the kind in the
// pointer's two low bits: a box the Waker lends (WakerBoxer: rt's parker,
// which direct mode's blocking calls wait with), or a box the slot allocates
// at the registration's first such wait and keeps, emptied, for the next, so
// that such a Waker costs one 16-byte allocation per registration, not per
// wait. The box is read and written only under the lock bit.
// Storing the whole interface would cost each slot 16 bytes (40, 204 to a
// page); an index into a table of wakers would need the table, and a Go
// pointer cannot be stored anywhere the collector does not see.
//
// Wake-ups. Wakeup sets a pending bit and writes the eventfd only when the
// bit was clear; the Poll that sees the eventfd fire drains it and clears the
// bit. The same word counts Wakeups between their compare-and-swap and their
// write, so Close can wait for them before closing the eventfd; after Close,
// Wakeup never touches a descriptor number that may now belong to someone
// else.
//
// # Alternatives rejected
//
//   - Level-triggered epoll. The kernel would report a readable socket on
//     every epoll_wait until a task drains it, so a busy or slow task makes
//     the poller spin; fixing that needs EPOLL_CTL_MOD to drop interest, a
//     syscall per wait. Edge-triggered reports each change once and the
//     readiness word keeps it.
//   - EPOLLONESHOT with re-arming. Exactly-once delivery, but one epoll_ctl
//     per wait in each direction, and the reader and writer share one arm, so
//     independent halves need extra coordination. (mio used it before 0.7.)
//   - Go's own netpoller, through os.File or syscall.RawConn. It already
//     does readiness, but its waiters are parked goroutines: RawConn.Read
//     blocks a goroutine per waiting operation, which is the cost corio
//     exists to avoid, and tasks could not be woken through a Waker without
//     one goroutine per wait. Descriptors given to this package must
//     therefore never be owned by the Go runtime: create them with
//     unix.Socket, unix.Pipe2, unix.Eventfd, never through os or net.
//   - Pointers in epoll data, as the Go runtime does (it allocates pollDescs
//     off the Go heap, in persistentalloc memory, which user code cannot).
//
// # Promises and behaviour at the time of writing
//
// Promised: a waker recorded by PollReady is woken at least once after the
// next event in its direction, or by Deregister or Close; an event is never
// delivered to a registration other than the one it was collected for; the
// closed bits, once set, stay set; Wakeup makes a blocked or the next Poll
// return; Poll does not allocate in steady state; PollReady allocates
// nothing for a Waker of the word type or a WakerBoxer, and for any other at
// most one box per registration; Poll may return early with zero events,
// and callers must tolerate it.
//
// Behaviour at the time of writing, not promised: events are fetched 128 at a
// time; timeouts are rounded up to whole milliseconds; wakers of one batch
// run in event order after the whole batch is recorded; EPOLLPRI wakes
// readers; pages hold 341 slots and are kept until the Poller is garbage; a
// Poll
// interrupted by a signal while waiting forever retries, and one with a
// finite timeout returns early; only Linux has a backend — elsewhere New
// returns ErrUnsupported (kqueue comes later, behind the same six-function
// contract documented in poller.go).
package poller
