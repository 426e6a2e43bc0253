package poller

import (
	"strings"
	"sync/atomic"
	"unsafe"

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
	// Tick counts events delivered to the registration (it wraps at 2^24).
	// ClearReadiness clears only while the tick is unchanged, so readiness
	// delivered after the snapshot is never lost.
	Tick uint32
	// Shutdown reports that the registration was deregistered, replaced by
	// a later registration of its descriptor number, or its Poller closed.
	// No more events will arrive; Ready then holds the whole mask of the
	// direction asked for, so a caller that retries its operation gets the
	// descriptor's real error instead of waiting forever.
	Shutdown bool
}

// The readiness word of a slot, in the spirit of Tokio's
// ScheduledIo::readiness:
//
//	bits  0..5   Ready bits (Readable … Priority)
//	bit   6      lock: held while a waiter word is written
//	bit   7      shutdown: set by Deregister or Poller.Close; cleared only
//	             by the next Register of the descriptor number
//	bits  8, 9   armed: the reader (8) or writer (9) waiter word holds a
//	             waiter to wake at the next event in its direction
//	bits 10..39  generation: which registration of the descriptor number
//	             the slot holds (0: never registered)
//	bits 40..63  tick: incremented by every event the poller delivers
//
// Transitions: the poller ORs bits in, increments the tick and clears the
// armed bits of the directions it wakes, in one compare-and-swap
// (setReadiness); ClearReadiness removes non-closed bits if the tick still
// matches; a waiter sets its armed bit if no readiness came meanwhile;
// shutdown goes 0 → 1 once per registration, clearing the armed bits; lock
// goes 0 → 1 → 0 around each write of a waiter word; Register, holding the
// lock, replaces the whole word with the next generation and nothing else
// (which also unlocks). Every other transition keeps the bits it does not
// own, and every one made through a Registration first checks that the
// word still carries its generation: a handle of a registration that is
// gone reads as shut down and changes nothing.
const (
	lockBit     = 1 << 6
	shutdownBit = 1 << 7
	armedRead   = 1 << 8
	armedWrite  = 1 << 9
	genShift    = 10
	genMask     = 1<<30 - 1
	tickShift   = 40
	tickOne     = 1 << tickShift // adding it wraps the tick; the carry falls off the word
)

// armedBit returns direction dir's armed bit.
func armedBit(dir Direction) uint64 {
	if dir == DirWrite {
		return armedWrite
	}
	return armedRead
}

func genOf(w uint64) uint32 { return uint32(w >> genShift & genMask) }

func unpackWord(w uint64) ReadyEvent {
	return ReadyEvent{
		Ready:    Ready(w) & readyMask,
		Tick:     uint32(w >> tickShift),
		Shutdown: w&shutdownBit != 0,
	}
}

// A slot is the poller's record of one descriptor number: the readiness the
// poller has seen for the descriptor registered under that number, and up to
// two waiting Wakers, one per Direction, so that the reading and writing
// halves of a socket can wait independently. Slots live in pages the Poller
// owns and never moves or frees, so a Registration can point into one; the
// word's generation tells the registrations of one number apart.
type slot struct {
	// word is the readiness word described above. Atomic: written by the
	// Poll caller (setReadiness), any task (ClearReadiness, a wait's
	// arming), shutdown and Register.
	word atomic.Uint64

	// reader and writer are the waiters, one word each (waiter.go), for
	// DirRead.Mask() and DirWrite.Mask() respectively. A waiter word is
	// written only under the lock bit, and only by a handle of the live
	// generation (the lock pins it), and it stays after its waiter is woken:
	// what says whether it waits is its armed bit. So a task that waits
	// again in the same direction — a connection's read loop, every
	// message — finds itself there and waits with one compare-and-swap
	// that sets the armed bit, and dispatch wakes it with the one that
	// stores the readiness and takes the bit, then a plain read of the
	// word (written before the bit was set). Dispatch reads a waiter word
	// without the lock, which may race a lock holder replacing the waiter:
	// either waiter may then be woken, as when the replacement comes first
	// or second; the loser of such a race is the replaced waiter, which a
	// second wait in a direction replaces anyway. See loadWaiter.
	reader, writer unsafe.Pointer
}

// lock takes the lock bit. It is held
// for a store or two, so a contender spins (spin.Lock64).
func (s *slot) lock() { spin.Lock64(&s.word, lockBit) }

// unlock releases the lock bit.
func (s *slot) unlock() { spin.Unlock64(&s.word, lockBit) }

// waiter returns the slot's waiter word for dir.
func (s *slot) waiter(dir Direction) *unsafe.Pointer {
	if dir == DirWrite {
		return &s.writer
	}
	return &s.reader
}

// A Registration is one descriptor registered with a Poller: a handle of 16
// bytes, passed and stored by value, naming the descriptor's slot in the
// Poller's pages and the generation of this registration. The readiness and
// the waiters live in the slot. All methods are safe for concurrent use.
//
// A handle outlives its registration harmlessly: once the registration is
// deregistered (or its descriptor number registered again, or the Poller
// closed) the handle reads as shut down, and its methods change nothing in
// the slot, which may by then hold a newer registration of the number. The
// zero Registration is not valid.
type Registration struct {
	pg  *page  // immutable: the page of the descriptor's slot
	fd  uint32 // immutable: the descriptor, which picks the slot in pg
	gen uint32 // immutable: the generation of this registration
}

// slot returns the registration's slot.
func (r Registration) slot() *slot { return &r.pg.slots[r.fd%pageSlots] }

// token is the registration's epoll user data: descriptor | generation<<32.
func (r Registration) token() uint64 { return uint64(r.fd) | uint64(r.gen)<<32 }

// Fd returns the descriptor this registration watches.
func (r Registration) Fd() int { return int(r.fd) }

// Poller returns the Poller the descriptor is registered with.
func (r Registration) Poller() *Poller { return r.pg.p }

// word returns the readiness word as this registration sees it: shut down,
// with no bits, once the slot holds another generation.
func (r Registration) word() uint64 {
	w := r.slot().word.Load()
	if genOf(w) != r.gen {
		return shutdownBit
	}
	return w
}

// Readiness returns the current readiness snapshot.
func (r Registration) Readiness() ReadyEvent { return unpackWord(r.word()) }

// ClearReadiness removes ev.Ready's bits from the registration, unless an
// event arrived since ev was taken (the tick moved on), in which case nothing
// is cleared: the operation that hit EAGAIN should be retried. ReadClosed and
// WriteClosed are never cleared. Call it after an operation returned EAGAIN,
// with the snapshot taken before that operation.
func (r Registration) ClearReadiness(ev ReadyEvent) {
	clear := uint64(ev.Ready &^ closedMask)
	s := r.slot()
	for {
		cur := s.word.Load()
		if genOf(cur) != r.gen || uint32(cur>>tickShift) != ev.Tick || cur&clear == 0 {
			return
		}
		if s.word.CompareAndSwap(cur, cur&^clear) {
			return
		}
	}
}

// PollReady returns the readiness in direction dir if any bit of dir.Mask()
// is set (or the registration is shut down), with ok true. Otherwise it
// records w, replacing any waker previously recorded for dir, and returns ok
// false; w will be woken once, by the next event in dir.Mask() or by
// shutdown. PollReady never blocks. w must not be nil. A w of the word
// type (SetWordWaker) that was the last to wait in dir waits again with one
// compare-and-swap; a WakerBoxer is kept without allocating; any other w in
// a box that the registration allocates at its first such wait and reuses
// for later ones.
func (r Registration) PollReady(dir Direction, w Waker) (ev ReadyEvent, ok bool) {
	if w == nil {
		panic("corio/poller: PollReady with a nil Waker")
	}
	mask := dir.Mask()
	s := r.slot()
	cur := r.word()
	if ev, ok := readyIn(cur, mask); ok {
		return ev, true
	}
	// Waiting again: the waiter word still holds w, so only the armed bit
	// needs setting, if no readiness came and no lock holder is changing
	// the slot.
	if word := wordOf(w); word != nil && cur&lockBit == 0 && loadWaiter(s.waiter(dir)) == word {
		bit := armedBit(dir)
		for cur&lockBit == 0 {
			if s.word.CompareAndSwap(cur, cur|bit) {
				return ReadyEvent{}, false
			}
			if cur = r.word(); cur&shutdownBit != 0 || cur&uint64(mask) != 0 {
				return readyIn(cur, mask)
			}
		}
	}
	return r.waitLocked(s, dir, w)
}

// ClearAndPollReady is ClearReadiness(ev) followed by PollReady(dir, w),
// made with the one compare-and-swap that arms the waiter where PollReady
// would arm it with one (a task waiting again in dir): a reader that found
// the descriptor drained and waits for the next edge pays for the clearing
// and the wait together.
func (r Registration) ClearAndPollReady(dir Direction, w Waker, ev ReadyEvent) (ReadyEvent, bool) {
	s := r.slot()
	if word := wordOf(w); word != nil && loadWaiter(s.waiter(dir)) == word {
		clr := uint64(ev.Ready &^ closedMask)
		mask, bit := dir.Mask(), armedBit(dir)
		for {
			cur := r.word()
			if cur&shutdownBit != 0 {
				return readyIn(cur, mask)
			}
			if cur&lockBit != 0 {
				break
			}
			next := cur
			if uint32(cur>>tickShift) == ev.Tick {
				next &^= clr
			}
			if ev, ok := readyIn(next, mask); ok {
				if next == cur || s.word.CompareAndSwap(cur, next) {
					return ev, true
				}
				continue
			}
			if s.word.CompareAndSwap(cur, next|bit) {
				return ReadyEvent{}, false
			}
		}
	}
	r.ClearReadiness(ev)
	return r.PollReady(dir, w)
}

// waitLocked is PollReady's wait under the lock: it stores w in dir's
// waiter word, then arms it unless readiness came.
func (r Registration) waitLocked(s *slot, dir Direction, w Waker) (ReadyEvent, bool) {
	mask, bit := dir.Mask(), armedBit(dir)
	wp := s.waiter(dir)
	word := wordOf(w) // nil: w goes in a box
	var nb *Waker     // a box for w, allocated outside the lock if w needs one
	for {
		s.lock()
		// The generation cannot change while the lock is held (Register
		// takes it).
		if ev, ok := readyIn(r.word(), mask); ok {
			s.unlock()
			return ev, true
		}
		if word != nil {
			storeWaiter(wp, word)
		} else if !putBoxed(wp, w, nb) {
			s.unlock()
			nb = new(Waker)
			continue
		}
		for {
			cur := s.word.Load()
			if ev, ok := readyIn(cur, mask); ok {
				s.unlock() // stored, not armed: dispatch will not wake it
				return ev, true
			}
			if s.word.CompareAndSwap(cur, cur|bit) {
				s.unlock()
				return ReadyEvent{}, false
			}
		}
	}
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
// the abandoned task. On a handle whose registration is gone it does nothing
// (the waiter was woken and forgotten when it went).
func (r Registration) ClearWaker(dir Direction) {
	s := r.slot()
	s.lock()
	if genOf(s.word.Load()) == r.gen {
		s.word.And(^armedBit(dir))
		takeWaiter(s.waiter(dir))
	}
	s.unlock()
}

// setReadiness records an event's bits for generation gen, advances the tick
// and appends the wakers it satisfies to wake (the caller wakes them after
// its batch, with no lock held). ok is false if the slot holds no live
// registration of generation gen: the event is stale. Called only by the
// Poll caller.
//
// One compare-and-swap stores the readiness and takes the armed bits of
// the directions it satisfies, so the generation it checked is the one
// whose waiters it takes; each taken waiter word is then read without the
// lock (see slot), except that a box is emptied under it.
func (s *slot) setReadiness(gen uint32, ready Ready, wake []Waker) (_ []Waker, ok bool) {
	var take uint64
	if ready&DirRead.Mask() != 0 {
		take |= armedRead
	}
	if ready&DirWrite.Mask() != 0 {
		take |= armedWrite
	}
	var cur uint64
	for {
		cur = s.word.Load()
		if genOf(cur) != gen || cur&shutdownBit != 0 {
			return wake, false
		}
		if s.word.CompareAndSwap(cur, (cur|uint64(ready))&^take+tickOne) {
			break
		}
	}
	if take&cur&armedRead != 0 {
		wake = s.collect(&s.reader, wake)
	}
	if take&cur&armedWrite != 0 {
		wake = s.collect(&s.writer, wake)
	}
	return wake, true
}

// collect appends the armed waiter of *wp, whose armed bit the caller
// took, to wake: a task (the word type's case, written out so that
// dispatch makes no call for it) read as it is, a box emptied under the
// lock.
func (s *slot) collect(wp *unsafe.Pointer, wake []Waker) []Waker {
	p := loadWaiter(wp)
	if uintptr(p)&waiterTagMask == waiterWord {
		if p != nil {
			wake = appendWord(wake, p)
		}
		return wake
	}
	s.lock()
	w := takeWaiter(wp)
	s.unlock()
	if w != nil {
		wake = append(wake, w)
	}
	return wake
}

// shutdown sets the shutdown bit of generation gen, if the slot still holds
// it live, clears the armed bits and appends the waiters they armed to wake
// (forgetting every waiter). Called with Poller.mu held, by Deregister and
// Poller.Close (gen 0: whatever generation is live).
func (s *slot) shutdown(gen uint32, wake []Waker) []Waker {
	s.lock()
	w := s.word.Load()
	if genOf(w) == 0 || (gen != 0 && genOf(w) != gen) || w&shutdownBit != 0 {
		s.unlock()
		return wake
	}
	w = s.word.Or(shutdownBit)
	w = s.word.And(^uint64(armedRead | armedWrite)) // a waiter arming now sees the shutdown bit
	rd, wr := takeWaiter(&s.reader), takeWaiter(&s.writer)
	if rd != nil && w&armedRead != 0 {
		wake = append(wake, rd)
	}
	if wr != nil && w&armedWrite != 0 {
		wake = append(wake, wr)
	}
	s.unlock()
	return wake
}

// reset makes the slot hold the next generation of its descriptor number,
// with no readiness and no waiters, and returns the new generation and what
// it replaced (for restore; waiterOf reads the detached waiter words, which
// no one else can reach any more, and armedWaiters says which to wake).
// Called with Poller.mu held, by Register.
func (s *slot) reset() (gen uint32, old uint64, rd, wr unsafe.Pointer) {
	s.lock()
	old = s.word.Load() &^ lockBit
	rd, wr = loadWaiter(&s.reader), loadWaiter(&s.writer)
	storeWaiter(&s.reader, nil)
	storeWaiter(&s.writer, nil)
	gen = (genOf(old) + 1) & genMask
	if gen == 0 {
		gen = 1 // 0 means never registered
	}
	s.word.Store(uint64(gen) << genShift) // unlocks
	return gen, old, rd, wr
}

// armedWaiters returns those of the waiter words rd, wr that the replaced
// word old armed: the waiters reset's Register must wake.
func armedWaiters(old uint64, rd, wr unsafe.Pointer) (unsafe.Pointer, unsafe.Pointer) {
	if old&armedRead == 0 {
		rd = nil
	}
	if old&armedWrite == 0 {
		wr = nil
	}
	return rd, wr
}

// restore undoes reset after a failed registration.
func (s *slot) restore(old uint64, rd, wr unsafe.Pointer) {
	s.lock()
	storeWaiter(&s.reader, rd)
	storeWaiter(&s.writer, wr)
	s.word.Store(old) // unlocks
}
