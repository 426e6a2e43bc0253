package poller

import (
	"strings"
	"sync/atomic"

	"github.com/corio-go/corio/internal/spin"
)

// Ready is a set of readiness bits for one descriptor.
type Ready uint32

const (
	Readable    Ready = 1 << iota // data (or EOF) can be read: EPOLLIN
	Writable                      // data can be written: EPOLLOUT
	ReadClosed                    // the peer will send no more: EPOLLRDHUP, or EPOLLHUP
	WriteClosed                   // writing can no longer succeed: EPOLLHUP
	Error                         // a pending error (read it with SO_ERROR): EPOLLERR
	Priority                      // urgent / exceptional data: EPOLLPRI

	readyMask = Readable | Writable | ReadClosed | WriteClosed | Error | Priority
	// closedMask bits are final: ClearReadiness never clears them, because
	// an edge-triggered backend would never report them again.
	closedMask = ReadClosed | WriteClosed
)

// String returns the set bits joined by "|", for example "Readable|ReadClosed".
func (r Ready) String() string {
	if r == 0 {
		return "0"
	}
	names := [...]string{"Readable", "Writable", "ReadClosed", "WriteClosed", "Error", "Priority"}
	var b strings.Builder
	for i, name := range names {
		if r&(1<<i) != 0 {
			if b.Len() > 0 {
				b.WriteByte('|')
			}
			b.WriteString(name)
		}
	}
	return b.String()
}

// Direction selects one of a Registration's two waiter slots.
type Direction uint8

const (
	// DirRead waits for Readable, ReadClosed, Priority or Error.
	DirRead Direction = iota
	// DirWrite waits for Writable, WriteClosed or Error.
	DirWrite
)

// Mask returns the readiness bits that satisfy a waiter in direction d.
// Error wakes both directions; a full hang-up (EPOLLHUP) sets both closed bits
// and so wakes both too.
func (d Direction) Mask() Ready {
	switch d {
	case DirRead:
		return Readable | ReadClosed | Priority | Error
	case DirWrite:
		return Writable | WriteClosed | Error
	}
	panic("corio/poller: invalid Direction")
}

// ReadyEvent is a snapshot of a registration's readiness word: the bits, the
// tick they were observed at, and whether the registration is shut down.
// Pass it back to ClearReadiness after an operation returned EAGAIN.
type ReadyEvent struct {
	Ready Ready
	// Tick counts events delivered to the registration (it wraps at 2^32).
	// ClearReadiness clears only while the tick is unchanged, so readiness
	// delivered after the snapshot is never lost.
	Tick uint32
	// Shutdown reports that the registration was deregistered or its Poller
	// closed. No more events will arrive; Ready then holds the whole mask of
	// the direction asked for, so a caller that retries its operation gets the
	// descriptor's real error instead of waiting forever.
	Shutdown bool
}

// The readiness word, in the spirit of Tokio's ScheduledIo::readiness:
//
//	bits  0..5   Ready bits (Readable … Priority)
//	bit   30     lock: held while the waiter slots are read or written
//	bit   31     shutdown: set once, by Deregister or Poller.Close; never cleared
//	bits 32..63  tick: incremented by every event the poller delivers
//
// Transitions: the poller ORs bits in and increments the tick (setReadiness);
// ClearReadiness removes non-closed bits if the tick still matches; shutdown
// goes 0 → 1 once; lock goes 0 → 1 → 0 around each access to the waiters.
// Every transition keeps the bits it does not own. The registration's
// identity (descriptor and generation, the token carried by epoll) is not in
// the word: it is immutable and lives in Registration.token, and a stale
// token simply finds no Registration.
const (
	lockBit     = 1 << 30
	shutdownBit = 1 << 31
	tickShift   = 32
	tickOne     = 1 << tickShift // adding it wraps the tick; the carry falls off the word
)

func unpackWord(w uint64) ReadyEvent {
	return ReadyEvent{
		Ready:    Ready(w) & readyMask,
		Tick:     uint32(w >> tickShift),
		Shutdown: w&shutdownBit != 0,
	}
}

// A Registration is one descriptor registered with a Poller. It holds the
// readiness the poller has seen for the descriptor and up to two waiting
// Wakers, one per Direction, so the reading and writing halves of a socket
// can wait independently. All methods are safe for concurrent use.
//
// A Registration is 48 bytes, a size class, and there is one per descriptor:
// it does not point back at its Poller (Deregister is the Poller's method),
// its token carries the descriptor (the slot index) with the generation, and
// its lock is a bit of the readiness word rather than a mutex of its own.
type Registration struct {
	token uint64 // immutable: descriptor | generation<<32, the pointer-free epoll user data

	// word is the readiness word described above. Atomic: written by the
	// Poll caller (setReadiness), any task (ClearReadiness) and shutdown.
	// Its lock bit guards reader and writer. The poller stores readiness
	// to word before taking the lock to collect wakers; PollReady takes
	// the lock before its second look at the readiness, so a waker stored
	// under the lock is either seen by the poller or the readiness it set
	// is seen by PollReady — never neither.
	word atomic.Uint64

	reader Waker // protected by the lock bit; woken (and cleared) by events in DirRead.Mask()
	writer Waker // protected by the lock bit; woken (and cleared) by events in DirWrite.Mask()
}

// Fd returns the descriptor this registration watches.
func (r *Registration) Fd() int { return int(uint32(r.token)) }

// lock takes the lock bit. It is held for a store or two, so a contender
// spins (spin.Lock64).
func (r *Registration) lock() { spin.Lock64(&r.word, lockBit) }

// unlock releases the lock bit.
func (r *Registration) unlock() { spin.Unlock64(&r.word, lockBit) }

// Readiness returns the current readiness snapshot.
func (r *Registration) Readiness() ReadyEvent { return unpackWord(r.word.Load()) }

// ClearReadiness removes ev.Ready's bits from the registration, unless an
// event arrived since ev was taken (the tick moved on), in which case nothing
// is cleared: the operation that hit EAGAIN should be retried. ReadClosed and
// WriteClosed are never cleared. Call it after an operation returned EAGAIN,
// with the snapshot taken before that operation.
func (r *Registration) ClearReadiness(ev ReadyEvent) {
	clear := uint64(ev.Ready &^ closedMask)
	for {
		cur := r.word.Load()
		if uint32(cur>>tickShift) != ev.Tick || cur&clear == 0 {
			return
		}
		if r.word.CompareAndSwap(cur, cur&^clear) {
			return
		}
	}
}

// PollReady returns the readiness in direction dir if any bit of dir.Mask()
// is set (or the registration is shut down), with ok true. Otherwise it
// records w, replacing any waker previously recorded for dir, and returns ok
// false; w will be woken once, by the next event in dir.Mask() or by
// shutdown. PollReady never blocks. w must not be nil.
func (r *Registration) PollReady(dir Direction, w Waker) (ev ReadyEvent, ok bool) {
	if w == nil {
		panic("corio/poller: PollReady with a nil Waker")
	}
	mask := dir.Mask()
	if ev, ok := readyIn(r.word.Load(), mask); ok {
		return ev, true
	}
	r.lock()
	// Second look, under the lock: see the ordering note on word.
	if ev, ok := readyIn(r.word.Load(), mask); ok {
		r.unlock()
		return ev, true
	}
	if dir == DirRead {
		r.reader = w
	} else {
		r.writer = w
	}
	r.unlock()
	return ReadyEvent{}, false
}

func readyIn(w uint64, mask Ready) (ReadyEvent, bool) {
	ev := unpackWord(w)
	if ev.Shutdown {
		ev.Ready = mask
		return ev, true
	}
	ev.Ready &= mask
	return ev, ev.Ready != 0
}

// ClearWaker forgets the waker recorded for dir, if any. A future that is
// cancelled while waiting calls it so the Registration holds no reference to
// the abandoned task.
func (r *Registration) ClearWaker(dir Direction) {
	r.lock()
	if dir == DirRead {
		r.reader = nil
	} else {
		r.writer = nil
	}
	r.unlock()
}

// setReadiness records an event's bits, advances the tick and appends the
// wakers it satisfies to wake (the caller wakes them after its batch, with no
// lock held). Called only by the Poll caller. A shut-down registration
// ignores events.
func (r *Registration) setReadiness(ready Ready, wake []Waker) []Waker {
	for {
		cur := r.word.Load()
		if cur&shutdownBit != 0 {
			return wake
		}
		if r.word.CompareAndSwap(cur, (cur|uint64(ready))+tickOne) {
			break
		}
	}
	r.lock()
	if r.reader != nil && ready&DirRead.Mask() != 0 {
		wake = append(wake, r.reader)
		r.reader = nil
	}
	if r.writer != nil && ready&DirWrite.Mask() != 0 {
		wake = append(wake, r.writer)
		r.writer = nil
	}
	r.unlock()
	return wake
}

// shutdown sets the shutdown bit and wakes both waiters. Called once, by
// Deregister or Poller.Close, after the registration left the slot table.
func (r *Registration) shutdown() {
	r.word.Or(shutdownBit)
	r.lock()
	rd, wr := r.reader, r.writer
	r.reader, r.writer = nil, nil
	r.unlock()
	if rd != nil {
		rd.Wake()
	}
	if wr != nil {
		wr.Wake()
	}
}
