package rt

import (
	"sync"
	"sync/atomic"
)

// The poll fence: closing a descriptor only once no worker poll that might
// still use its number is running, without a reference count around every
// system call made inside a poll.
//
// A socket type must not close(2) a descriptor while another thread may be
// about to make a system call with its number: the kernel hands the number
// to the next socket opened, and the late call would read or write that one.
// net and netx count references around each call for this (two atomic
// read-modify-writes per call, four per echoed message). A poll on a
// multi-thread worker needs none: it checks its socket's closed mark (a
// plain load) and calls, and the socket's Close hands the descriptor to
// CloseAfterPolls, which closes it once every worker has passed the end of
// the batch of polls it was in when the mark was set — a grace period in
// the manner of read-copy-update.
//
// Mechanism (quiescent-state-based reclamation): a global epoch, advanced
// by every CloseAfterPolls; each multi-thread worker publishes the epoch it
// read when it started its current batch of polls (fenceBatch; no store
// when the epoch has not moved, which is every batch of a server that is
// not closing sockets; it publishes the epoch plus one), or 0 while it is
// parked (fenceOffline). A descriptor queued at epoch e may be closed once
// no worker publishes an epoch below e: such a worker started its batch
// before the close, and its polls may have seen the socket open. The closed mark is set before
// the epoch is advanced, and a worker publishes its epoch before it polls
// (both sequentially consistent atomics), so a worker that published e or
// more sees the mark. Queued descriptors are closed by the next worker to
// start a batch or park, and by CloseAfterPolls itself when no worker is
// in an older batch.
var fence struct {
	epoch atomic.Uint64 // starts at 0; every CloseAfterPolls adds 1

	// npending is len(pending), read without mu by fenceBatch.
	npending atomic.Int32

	mu      sync.Mutex
	parts   []*fencePart   // protected by mu: the workers of running multi-thread runtimes
	pending []pendingClose // protected by mu
}

// fencePart is one worker's published epoch, on a cache line of its own (it
// is written by its worker and read by closers).
type fencePart struct {
	seen atomic.Uint64 // 0: parked (no poll running); else 1 + the epoch its batch started in
	_    [56]byte
}

type pendingClose struct {
	fd    int
	epoch uint64
}

// CloseAfterPolls closes fd once no poll on a multi-thread worker that was
// running when it was called can still be using the descriptor's number: at
// once if no worker is inside a batch of polls that started before the call,
// otherwise when the last such worker starts its next batch or parks (within
// one batch of at most 61 polls of every worker, unless a poll runs for
// long). The caller must have made sure, before the call, that no poll will
// start a new system call on fd: for a socket, by setting its closed mark,
// which every poll checks before its call (see Context.PollFenced). Calls
// made outside multi-thread workers (direct mode, the current-thread
// runtime, the blocking pool) are not covered and need their own count.
func CloseAfterPolls(fd int) {
	e := fence.epoch.Add(1)
	fence.mu.Lock()
	if fenceClear(e) {
		fence.mu.Unlock()
		closeFD(fd)
		return
	}
	fence.pending = append(fence.pending, pendingClose{fd: fd, epoch: e})
	fence.npending.Store(int32(len(fence.pending)))
	fence.mu.Unlock()
}

// PollFenced reports whether the poll using cx runs on a multi-thread
// worker, so that a descriptor closed with CloseAfterPolls stays open until
// the poll returns: a system call on it need not hold a reference, only
// check, after this poll began, that the socket was not closed.
func (cx *Context) PollFenced() bool { return cx.w != nil && cx.w.mt != nil }

// fenceClear reports whether no worker is in a batch that started before
// epoch e (publishes 1 + an epoch below e). Called with fence.mu held.
func fenceClear(e uint64) bool {
	for _, p := range fence.parts {
		if s := p.seen.Load(); s != 0 && s <= e {
			return false
		}
	}
	return true
}

// fenceJoin adds w to the workers the fence waits for (runMT, at start).
func fenceJoin(w *worker) {
	fence.mu.Lock()
	defer fence.mu.Unlock()
	for _, p := range fence.parts {
		if p == &w.fence {
			return // a worker going on after a task's Goexit
		}
	}
	fence.parts = append(fence.parts, &w.fence)
}

// fenceLeave removes w (runMT, at its end) and closes what waited for it.
func fenceLeave(w *worker) {
	w.fence.seen.Store(0)
	fence.mu.Lock()
	for i, p := range fence.parts {
		if p == &w.fence {
			fence.parts = append(fence.parts[:i], fence.parts[i+1:]...)
			break
		}
	}
	fence.mu.Unlock()
	fenceReclaim()
}

// fenceBatch publishes the epoch w's next batch of polls starts in, and
// closes the queued descriptors whose grace period is over. A load and a
// compare when nothing was closed since w's last batch.
func (w *worker) fenceBatch() {
	e := fence.epoch.Load() + 1 // 0 is parked
	if w.fence.seen.Load() != e {
		w.fence.seen.Store(e)
	}
	if fence.npending.Load() != 0 {
		fenceReclaim()
	}
}

// fenceOffline marks w parked (no poll running) before it blocks, and
// closes what waited for it.
func (w *worker) fenceOffline() {
	if w.fence.seen.Load() != 0 {
		w.fence.seen.Store(0)
	}
	if fence.npending.Load() != 0 {
		fenceReclaim()
	}
}

// fenceReclaim closes the queued descriptors whose grace period is over.
func fenceReclaim() {
	fence.mu.Lock()
	kept := fence.pending[:0]
	for _, pc := range fence.pending {
		if fenceClear(pc.epoch) {
			closeFD(pc.fd)
		} else {
			kept = append(kept, pc)
		}
	}
	clear(fence.pending[len(kept):])
	fence.pending = kept
	fence.npending.Store(int32(len(kept)))
	fence.mu.Unlock()
}
