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

	// table maps a descriptor (the slot index) → its live Registration:
	// epoll watches a descriptor once, so within one Poller the number is a
	// unique key, and a dense one. The pointer is replaced
	// (never mutated in size) under mu when the table grows; entries are
	// stored under mu and loaded without it by dispatch. A dispatch that
	// reads a superseded table or an entry about to be cleared sees a
	// Registration that is shut down or about to be: harmless, see doc.go.
	table atomic.Pointer[slotTable]

	mu     sync.Mutex
	gen    uint32 // protected by mu: the last generation handed out
	closed bool   // protected by mu: Close has taken the table
}

type slotTable struct {
	slots []atomic.Pointer[Registration]
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
	p.table.Store(&slotTable{})
	return p, nil
}

// Register starts watching fd for readiness in both directions. fd must be a
// descriptor the Go runtime's netpoller does not own (made with unix.Socket,
// unix.Pipe2, unix.Eventfd …, never through os.File or net.Conn), should be
// non-blocking, and must stay open until Deregister returns. After Register
// the first Poll reports whatever fd is already ready for (edge-triggered
// registration delivers the current state once).
func (p *Poller) Register(fd int) (*Registration, error) {
	if fd < 0 {
		panic("corio/poller: Register of a negative descriptor")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, ErrClosed
	}
	if fd >= wakeToken {
		panic("corio/poller: descriptor number too large")
	}
	idx := uint32(fd)
	// The generation tells this registration of the descriptor number from
	// earlier ones (see "Stale events" in doc.go). One counter serves every
	// slot: what matters is that a slot never sees the same generation
	// twice within the life of an event in flight.
	p.gen++
	r := &Registration{token: uint64(idx) | uint64(p.gen)<<32}
	// Publish before add: an event for r can only be collected after add, and
	// dispatch loads the table after the wait that collected it. The slot
	// may still hold a registration of an earlier descriptor with this
	// number that was closed without Deregister; it is replaced (its own
	// Deregister then finds the slot taken and leaves it), and put back if
	// add fails (the descriptor is still registered: EEXIST).
	slot := &p.slotTableFor(idx).slots[idx]
	old := slot.Swap(r)
	if err := p.b.add(fd, r.token); err != nil {
		p.table.Load().slots[idx].Store(old)
		return nil, err
	}
	return r, nil
}

// slotTableFor returns a table with room for idx, growing it if needed.
// Called with mu held.
func (p *Poller) slotTableFor(idx uint32) *slotTable {
	t := p.table.Load()
	if int(idx) < len(t.slots) {
		return t
	}
	n := max(64, 2*len(t.slots))
	for int(idx) >= n {
		n *= 2
	}
	nt := &slotTable{slots: make([]atomic.Pointer[Registration], n)}
	for i := range t.slots {
		nt.slots[i].Store(t.slots[i].Load())
	}
	p.table.Store(nt)
	return nt
}

// Deregister stops watching r's descriptor, wakes both waiters and marks the
// registration shut down (PollReady then reports Shutdown). r must have been
// returned by p.Register. It must be called before the descriptor is closed:
// afterwards the number may belong to another file. Events for the
// registration that are already in flight are dropped. Deregister is
// idempotent and returns nil after Close; otherwise it returns the backend's
// error, and the registration is shut down either way.
//
// (A method of the Poller rather than of the Registration: a registration
// that does not point back at its poller is smaller, and there is one per
// descriptor.)
func (p *Poller) Deregister(r *Registration) error {
	idx := uint32(r.token)
	p.mu.Lock()
	if p.closed || p.table.Load().slots[idx].Load() != r {
		p.mu.Unlock()
		return nil
	}
	err := p.b.del(r.Fd())
	p.table.Load().slots[idx].Store(nil)
	p.mu.Unlock()
	r.shutdown()
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
	if !p.pollMu.TryLock() {
		if p.wakeState.Load()&wakeClosed != 0 {
			return 0, ErrClosed // Close holds pollMu
		}
		panic("corio/poller: concurrent Poll")
	}
	defer p.pollMu.Unlock()
	ms := timeoutMillis(timeout)
	for {
		if p.wakeState.Load()&wakeClosed != 0 {
			return 0, ErrClosed
		}
		k, woken, err := p.b.wait(p.events, ms)
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
		idx := uint32(ev.token)
		var r *Registration
		if int(idx) < len(t.slots) {
			r = t.slots[idx].Load()
		}
		if r == nil || r.token != ev.token {
			p.stale++ // freed slot, or reused with a newer generation
			continue
		}
		wake = r.setReadiness(ev.ready, wake)
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
	var live []*Registration
	for i := range t.slots {
		if r := t.slots[i].Swap(nil); r != nil {
			live = append(live, r)
		}
	}
	p.mu.Unlock()
	for _, r := range live {
		r.shutdown()
	}
	return err
}
