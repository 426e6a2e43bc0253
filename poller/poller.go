package poller

import (
	"errors"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// The backend contract. Each platform file (poller_linux.go; poller_other.go
// for the rest) provides a type backend with exactly these operations, and
// nothing else lives in those files:
//
//	newBackend() (*backend, error)
//		Create the kernel poller and its wake-up channel (on Linux an epoll
//		instance and an eventfd registered with it under wakeToken).
//	(*backend).add(fd int, token uint64) error
//		Watch fd, edge-triggered, for every readiness kind at once; each event
//		for fd carries token. Called with Poller.mu held.
//	(*backend).del(fd int) error
//		Stop watching fd. Events already collected by a concurrent wait may
//		still be delivered: the token's generation makes dispatch drop them.
//		Called with Poller.mu held.
//	(*backend).wait(evs []polledEvent, timeout int) (n int, woken bool, err error)
//		Block up to timeout milliseconds (-1: forever, 0: not at all) for
//		events, store at most len(evs) of them in evs, and drain the wake-up
//		channel if it fired (woken). An interrupted wait (EINTR) returns
//		0, false, nil. Called only by the Poll caller.
//	(*backend).wakeup()
//		Make a current or the next wait return with woken set. Any goroutine;
//		never called after close has started (Poller.wakeState guards it).
//	(*backend).close() error
//		Release the kernel objects. Called once, with no wait in progress.

// polledEvent is one event in portable form, as the backend reports it.
type polledEvent struct {
	token uint64 // descriptor (the slot index) | generation<<32, as given to add
	ready Ready
}

const (
	// maxEvents is the batch size of one wait: events beyond it stay queued
	// in the kernel for the next Poll. 128 events × 12 bytes fit in 1.5 KiB
	// and amortise the syscall well past the point where dispatch dominates.
	maxEvents = 128

	// wakeToken marks the wake-up channel's events. A registration's slot
	// index is its descriptor, far below 2^32-1, so no registration token
	// equals it.
	wakeToken = math.MaxUint32

	// The coalescing word for Wakeup (Poller.wakeState):
	//	wakePending: a wake-up was signalled and no Poll has consumed it
	//	wakeClosed:  Close has begun; Wakeup does nothing
	//	bits 2..:    count of Wakeup calls between their CAS and their write
	// Transitions: pending 0→1 by Wakeup (which then writes), 1→0 by the Poll
	// that saw the wake-up; closed 0→1 once, by Close.
	wakePending = 1 << 0
	wakeClosed  = 1 << 1
	wakeWriter  = 1 << 2
)

// Errors returned by the package.
var (
	ErrClosed      = errors.New("corio/poller: poller closed")
	ErrUnsupported = errors.New("corio/poller: unsupported platform; kqueue later")
)

// Waker is woken when a registration becomes ready in the direction it waits
// for. Wake is called from the goroutine running Poll (or Deregister/Close),
// with no poller lock held, and must not block.
type Waker interface {
	Wake()
}

// A Poller multiplexes readiness of many descriptors. One goroutine at a time
// calls Poll; Register, Deregister, Wakeup and the Registration methods may
// be called from any goroutine.
type Poller struct {
	b *backend // immutable after New; its fds are released by Close

	// pollMu is held for the whole of a Poll. Poll only try-locks it (a
	// second concurrent Poll panics); Close locks it to wait for a running
	// Poll to leave before the backend is closed.
	pollMu sync.Mutex

	// Owned by the goroutine holding pollMu (the Poll caller).
	events  []polledEvent // len maxEvents, reused
	wakeBuf []Waker       // cap 2*maxEvents, reused; empty between Polls
	stale   uint64        // events dropped for a freed or reused slot (tests read it)

	// wakeState is the Wakeup coalescing word (see wakePending). Atomic.
	wakeState atomic.Uint32

	// table maps a descriptor to its slot: page fd/pageSlots, slot
	// fd%pageSlots. epoll watches a descriptor once, so within one Poller
	// the number is a unique key, and a dense one (the kernel hands out the
	// lowest free number). The pointer is replaced (never mutated in size)
	// under mu when the table grows; its entries are stored under mu, once,
	// when a page is first needed, and loaded without it by dispatch. Pages
	// are never moved or freed while the Poller lives, so a Registration
	// points into one.
	table atomic.Pointer[pageTable]

	mu     sync.Mutex
	closed bool // protected by mu: Close has shut the slots down
	owner  any  // immutable after SetOwner
}

// pageSlots is the number of slots in a page: as many 24-byte slots as fit,
// with the page's header, in 8 KiB (a size class, and one runtime page):
// 341, which fill the page to its last byte.
const pageSlots = (8192 - 8) / 24

// A page holds the slots of pageSlots consecutive descriptor numbers. It
// points back at its Poller, so that a Registration (a page, a descriptor
// and a generation) needs no pointer to the Poller of its own.
type page struct {
	p     *Poller
	slots [pageSlots]slot
}

type pageTable struct {
	pages []atomic.Pointer[page]
}

// New creates a Poller. On platforms without a backend it returns
// ErrUnsupported.
func New() (*Poller, error) {
	b, err := newBackend()
	if err != nil {
		return nil, err
	}
	p := &Poller{
		b:       b,
		events:  make([]polledEvent, maxEvents),
		wakeBuf: make([]Waker, 0, 2*maxEvents),
	}
	p.table.Store(&pageTable{})
	return p, nil
}

// SetOwner records v as the Poller's owner, for whoever holds a Registration
// and needs the value that wraps its Poller (Registration.Poller().Owner()):
// package rt's driver, for one. Call it once, before the first Register.
func (p *Poller) SetOwner(v any) { p.owner = v }

// Owner returns the value SetOwner recorded, or nil.
func (p *Poller) Owner() any { return p.owner }

// Register starts watching fd for readiness in both directions. fd must be a
// descriptor the Go runtime's netpoller does not own (made with unix.Socket,
// unix.Pipe2, unix.Eventfd …, never through os.File or net.Conn), should be
// non-blocking, and must stay open until Deregister returns. After Register
// the first Poll reports whatever fd is already ready for (edge-triggered
// registration delivers the current state once).
//
// The registration takes fd's slot. A registration of an earlier descriptor
// with the same number that was closed without Deregister is replaced: its
// handles read as shut down from then on and its waiters are woken (its own
// Deregister then does nothing).
func (p *Poller) Register(fd int) (Registration, error) {
	if fd < 0 {
		panic("corio/poller: Register of a negative descriptor")
	}
	if fd >= wakeToken {
		panic("corio/poller: descriptor number too large")
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return Registration{}, ErrClosed
	}
	pg := p.pageFor(uint32(fd))
	s := &pg.slots[uint32(fd)%pageSlots]
	// The generation tells this registration of the descriptor number from
	// earlier ones (see "Stale events" in doc.go). Publish it before add:
	// an event for the new registration can only be collected after add,
	// and dispatch reads the slot after the wait that collected it. If add
	// fails (the descriptor is still registered: EEXIST) the slot is put
	// back as it was.
	gen, old, rd, wr := s.reset()
	r := Registration{pg: pg, fd: uint32(fd), gen: gen}
	if err := p.b.add(fd, r.token()); err != nil {
		s.restore(old, rd, wr)
		p.mu.Unlock()
		return Registration{}, err
	}
	p.mu.Unlock()
	// The replaced registration's waiters, if any, see it shut down.
	rd, wr = armedWaiters(old, rd, wr)
	if w := waiterOf(rd); w != nil {
		w.Wake()
	}
	if w := waiterOf(wr); w != nil {
		w.Wake()
	}
	return r, nil
}

// pageFor returns the page of descriptor fd's slot, growing the table and
// allocating the page if needed. Called with mu held.
func (p *Poller) pageFor(fd uint32) *page {
	i := int(fd / pageSlots)
	t := p.table.Load()
	if i >= len(t.pages) {
		n := max(4, 2*len(t.pages))
		for i >= n {
			n *= 2
		}
		nt := &pageTable{pages: make([]atomic.Pointer[page], n)}
		for j := range t.pages {
			nt.pages[j].Store(t.pages[j].Load())
		}
		p.table.Store(nt)
		t = nt
	}
	pg := t.pages[i].Load()
	if pg == nil {
		pg = &page{p: p}
		t.pages[i].Store(pg)
	}
	return pg
}

// slotOf returns descriptor fd's slot, or nil if its page does not exist.
// Called by dispatch, without mu.
func (t *pageTable) slotOf(fd uint32) *slot {
	i := int(fd / pageSlots)
	if i >= len(t.pages) {
		return nil
	}
	pg := t.pages[i].Load()
	if pg == nil {
		return nil
	}
	return &pg.slots[fd%pageSlots]
}

// Deregister stops watching r's descriptor, wakes both waiters and marks the
// registration shut down (PollReady then reports Shutdown). r must have been
// returned by p.Register. It must be called before the descriptor is closed:
// afterwards the number may belong to another file. Events for the
// registration that are already in flight are dropped. Deregister is
// idempotent, does nothing on a registration that a later Register of its
// number replaced, and returns nil after Close; otherwise it returns the
// backend's error, and the registration is shut down either way.
//
// (A method of the Poller rather than of the Registration, as Register is.)
func (p *Poller) Deregister(r Registration) error {
	s := r.slot()
	p.mu.Lock()
	if w := s.word.Load(); p.closed || genOf(w) != r.gen || w&shutdownBit != 0 {
		p.mu.Unlock()
		return nil
	}
	err := p.b.del(r.Fd())
	var buf [2]Waker
	wake := s.shutdown(r.gen, buf[:0])
	p.mu.Unlock()
	for _, w := range wake {
		w.Wake()
	}
	return err
}

// Poll waits up to timeout for readiness events, records them in their
// registrations and wakes the waiters they satisfy, then returns the number
// of events delivered to registrations. A negative timeout waits until an
// event or a Wakeup; zero does not block. Timeouts are rounded up to whole
// milliseconds (behaviour at the time of writing: epoll_wait's resolution).
//
// Poll may return early with n == 0 (a Wakeup, or a signal interrupting a
// finite wait); callers re-check their deadline and call again. Only one
// goroutine may Poll at a time: a concurrent Poll panics. After Close, Poll
// returns ErrClosed.
func (p *Poller) Poll(timeout time.Duration) (n int, err error) {
	return p.PollTo(timeout, nil)
}

// A Sink takes the wakers that a Poll dispatches, in place of calling their
// Wake: the caller of PollTo can then queue the woken work where it runs
// next (a scheduler's worker, its own queue) rather than through the path a
// waker takes from an arbitrary goroutine. Dispatch runs on the goroutine in
// PollTo, with no poller lock held, and must not block.
type Sink interface {
	Dispatch(w Waker)
}

// PollTo is Poll with the wakers of the satisfied waiters handed to s
// (s.Dispatch(w) instead of w.Wake()). A nil s is Poll. Wake-ups by
// Deregister and Close still call Wake.
func (p *Poller) PollTo(timeout time.Duration, s Sink) (n int, err error) {
	return p.PollToN(timeout, 0, s)
}

// PollToN is PollTo collecting at most max events in this call (max <= 0,
// or above the batch size of 128: the batch size). Events beyond it stay
// queued in the kernel, in order, for the next Poll: a caller whose queue
// has room for only so many woken tasks takes no more, rather than
// spilling the rest somewhere costlier.
func (p *Poller) PollToN(timeout time.Duration, max int, s Sink) (n int, err error) {
	if !p.pollMu.TryLock() {
		if p.wakeState.Load()&wakeClosed != 0 {
			return 0, ErrClosed // Close holds pollMu
		}
		panic("corio/poller: concurrent Poll")
	}
	defer p.pollMu.Unlock()
	ms := timeoutMillis(timeout)
	evs := p.events
	if max > 0 && max < len(evs) {
		evs = evs[:max]
	}
	for {
		if p.wakeState.Load()&wakeClosed != 0 {
			return 0, ErrClosed
		}
		k, woken, err := p.b.wait(evs, ms)
		if err != nil {
			return 0, err
		}
		if woken {
			// Consumed: the next Wakeup writes again. A Wakeup between the
			// drain and this store is absorbed, which is fine: this Poll is
			// returning, and returning is what that Wakeup asked for.
			p.wakeState.And(^uint32(wakePending))
		}
		if k == 0 && !woken && ms < 0 {
			continue // EINTR while waiting forever
		}
		return p.dispatchTo(p.events[:k], s), nil
	}
}

func timeoutMillis(d time.Duration) int {
	switch {
	case d < 0:
		return -1
	case d == 0:
		return 0
	case d >= math.MaxInt32*time.Millisecond:
		return math.MaxInt32 // about 24.8 days; an early return is allowed
	}
	return int((d + time.Millisecond - 1) / time.Millisecond) // round up: never spin
}

// dispatch delivers a batch to the registrations its tokens still name and
// wakes the satisfied waiters after the whole batch, with no lock held.
func (p *Poller) dispatch(evs []polledEvent) int { return p.dispatchTo(evs, nil) }

// dispatchTo records evs in their registrations and hands the satisfied
// waiters to s (Wake when s is nil).
func (p *Poller) dispatchTo(evs []polledEvent, s Sink) int {
	t := p.table.Load()
	wake := p.wakeBuf[:0]
	n := 0
	for _, ev := range evs {
		s := t.slotOf(uint32(ev.token))
		ok := false
		if s != nil {
			wake, ok = s.setReadiness(uint32(ev.token>>32), ev.ready, wake)
		}
		if !ok {
			p.stale++ // deregistered, or the number registered again since
			continue
		}
		n++
	}
	for i, w := range wake {
		wake[i] = nil // drop the reference before waking: Wake may re-arm
		if s != nil {
			s.Dispatch(w)
		} else {
			w.Wake()
		}
	}
	p.wakeBuf = wake[:0]
	return n
}

// Wakeup makes a Poll that is blocked now, or the next Poll if none is,
// return promptly. Any goroutine may call it. Wakeups coalesce: until a Poll
// consumes the pending one, further calls cost one atomic load. After Close
// it does nothing.
func (p *Poller) Wakeup() {
	for {
		s := p.wakeState.Load()
		if s&(wakePending|wakeClosed) != 0 {
			return
		}
		if p.wakeState.CompareAndSwap(s, (s|wakePending)+wakeWriter) {
			break
		}
	}
	p.b.wakeup()
	p.wakeState.Add(^uint32(wakeWriter - 1)) // writer done
}

// Close wakes a blocked Poll and waits for it to return, releases the kernel
// poller, and shuts down every registration (waking their waiters). The
// registered descriptors themselves are not closed: they belong to the
// caller. Later Polls and Registers return ErrClosed; a second Close returns
// nil.
func (p *Poller) Close() error {
	s := p.wakeState.Load()
	for !p.wakeState.CompareAndSwap(s, (s|wakeClosed)+wakeWriter) {
		s = p.wakeState.Load()
	}
	if s&wakeClosed != 0 {
		p.wakeState.Add(^uint32(wakeWriter - 1))
		return nil
	}
	if s&wakePending == 0 {
		p.b.wakeup() // interrupt a blocked Poll; it will see wakeClosed
	}
	p.wakeState.Add(^uint32(wakeWriter - 1))
	for p.wakeState.Load() >= wakeWriter {
		runtime.Gosched() // a Wakeup is between its CAS and its write
	}
	p.pollMu.Lock() // a running Poll returns: it was woken above
	defer p.pollMu.Unlock()

	p.mu.Lock()
	p.closed = true
	err := p.b.close()
	t := p.table.Load()
	var wake []Waker
	for i := range t.pages {
		if pg := t.pages[i].Load(); pg != nil {
			for j := range pg.slots {
				wake = pg.slots[j].shutdown(0, wake)
			}
		}
	}
	p.mu.Unlock()
	for _, w := range wake {
		w.Wake()
	}
	return err
}
