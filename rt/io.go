package rt

import (
	"errors"
	"syscall"
	"time"

	"github.com/corio-go/corio/internal/driver"
	"github.com/corio-go/corio/poller"
)

// Readiness API: the one way corio code waits for a file descriptor.
//
// netx's sockets are built on it and on nothing else, and a third-party
// protocol library (a serial port, an inotify watcher, a TUN device) uses it
// the same way:
//
//  1. Create a non-blocking descriptor the Go runtime does not own
//     (unix.Socket with SOCK_NONBLOCK, unix.Pipe2 with O_NONBLOCK, …; never
//     through os.File or net, whose descriptors belong to Go's own poller).
//  2. Register it: rt.Register(fd) in plain Go, or in an async function, where
//     the call becomes RegisterAsync and picks the running runtime's driver.
//  3. For each operation: try the syscall; if it fails with EAGAIN, clear the
//     readiness snapshot taken before the attempt (ClearReadiness, which keeps
//     readiness that arrived meanwhile) and wait (Readable/Writable or their
//     Async twins), then try again. PollIO packs this loop for hand-written
//     futures; IO and IOAsync run it for a closure.
//  4. Deregister before closing the descriptor.
//
// The reading and writing halves wait independently: one task may wait for
// readable while another waits for writable on the same Registration. At
// most one waiter per direction: a second wait in the same direction
// replaces the first's waker.

// ReadySet is a set of readiness bits: Readable, Writable, ReadClosed,
// WriteClosed, ReadyError, Priority. (rt.Ready is the ready future.)
type ReadySet = poller.Ready

// ReadyEvent is a snapshot of a registration's readiness: the bits, a tick
// that ClearReadiness compares, and whether the registration was shut down.
type ReadyEvent = poller.ReadyEvent

// Direction is one of a registration's two waiting directions.
type Direction = poller.Direction

// The readiness bits and directions, re-exported from the poller.
const (
	Readable    = poller.Readable    // data (or EOF) can be read
	Writable    = poller.Writable    // data can be written
	ReadClosed  = poller.ReadClosed  // the peer will send no more
	WriteClosed = poller.WriteClosed // writing can no longer succeed
	ReadyError  = poller.Error       // a pending error (SO_ERROR)
	Priority    = poller.Priority    // urgent data

	DirRead  = poller.DirRead  // woken by Readable, ReadClosed, Priority, Error
	DirWrite = poller.DirWrite // woken by Writable, WriteClosed, Error
)

// ErrDeregistered is returned by IO and PollIO once the registration was
// deregistered (or its runtime shut down) and the operation still would block.
var ErrDeregistered = errors.New("corio/rt: descriptor deregistered")

// A Registration is a descriptor registered with a runtime's driver. Its
// methods are safe for concurrent use, except that each direction has one
// waiter at a time.
//
// A Registration is 16 immutable bytes (where the driver keeps the
// descriptor's record, and which registration of the descriptor number it
// is) and holds no state of its own: the readiness and the waiters live in
// the driver's record, so a copy is the same registration, and a socket type
// may embed one by value, filled by Init, instead of pointing at the one
// Register allocates. Once deregistered it reads as shut down for good, even
// after its descriptor number is registered again.
type Registration struct {
	reg poller.Registration // immutable; its poller's owner is the driver
}

// Register registers fd with the process default driver (direct mode of
// RegisterAsync, which in an async function registers with the running
// runtime's driver instead). fd must be non-blocking, must not be owned by
// the Go runtime, and must stay open until Deregister returns.
//
// The wait loop, in plain Go or in an async function alike:
//
//	for {
//		ev := reg.Readable() // returns at once while the fd is known readable
//		n, err := unix.Read(fd, buf)
//		if err != unix.EAGAIN {
//			return n, err
//		}
//		reg.ClearReadiness(ev) // then wait for the next edge
//	}
//
// Registration.IO packs the same loop for a closure.
func Register(fd int) (*Registration, error) { return register(driver.Default(), fd) }

// RegisterAsync returns a future, ready at its first poll, that registers fd
// with the driver of the runtime polling it (the default driver outside a
// runtime). It never waits and spends no budget.
func RegisterAsync(fd int) Future[Tuple2[*Registration, error]] { return registerFuture(fd) }

type registerFuture int

func (fd registerFuture) Poll(cx *Context) (Tuple2[*Registration, error], bool) {
	r, err := register(driverOf(cx), int(fd))
	return Tuple2[*Registration, error]{V0: r, V1: err}, true
}

func register(d *driver.Driver, fd int) (*Registration, error) {
	r := new(Registration)
	if err := r.init(d, fd); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *Registration) init(d *driver.Driver, fd int) error {
	pr, err := d.Register(fd)
	if err != nil {
		return err
	}
	*r = Registration{reg: pr}
	return nil
}

// Init registers fd into r, a Registration embedded in a larger value, with
// the driver a leaf polled with cx uses: the running runtime's, or the
// default driver when cx is nil or has no runtime (RegisterAsync's and
// Register's choice). It saves the allocation Register makes. r must not be
// registered already; fd's preconditions are Register's.
func (r *Registration) Init(cx *Context, fd int) error {
	d := driver.Default()
	if cx != nil {
		d = driverOf(cx)
	}
	return r.init(d, fd)
}

// Fd returns the registered descriptor.
func (r *Registration) Fd() int { return r.reg.Fd() }

// Now returns the current time on the clock of the driver the descriptor is
// registered with: the virtual time of a runtime built WithPausedClock, the
// real time otherwise. A socket type measures its deadlines on it, so that a
// deadline an hour ahead on a paused clock passes when that clock jumps
// there, not after an hour of real time.
func (r *Registration) Now() time.Time { return driver.Of(r.reg).Now() }

// Readiness returns the current readiness snapshot without waiting. Take it
// before an operation, and pass it to ClearReadiness if the operation hits
// EAGAIN.
func (r *Registration) Readiness() ReadyEvent { return r.reg.Readiness() }

// ClearReadiness clears ev's bits after an operation returned EAGAIN, unless
// new readiness arrived since ev was taken (its tick moved on): then nothing
// is cleared and the operation should simply be retried. ReadClosed and
// WriteClosed are never cleared. Mask ev.Ready with the direction's bits
// (ev.Ready &= dir.Mask()) first, so that a read's EAGAIN does not erase the
// writing half's readiness; PollIO does.
func (r *Registration) ClearReadiness(ev ReadyEvent) { r.reg.ClearReadiness(ev) }

// Readable blocks until the descriptor is readable (or read-closed, or has an
// error, or the registration is shut down: ev.Shutdown) and returns the
// readiness. It is the direct mode of ReadableAsync.
func (r *Registration) Readable() ReadyEvent { return Await(r.ReadableAsync()) }

// ReadableAsync returns a future that is ready when the descriptor is
// readable, read-closed, in error or deregistered. The future is part of the
// Registration (no allocation) and there is one per direction: at most one
// task may await it at a time. It spends one budget unit per poll; its Cancel
// forgets the waiting task.
func (r *Registration) ReadableAsync() Future[ReadyEvent] { return (*readableFuture)(r) }

// Writable is Readable for writing: the direct mode of WritableAsync.
func (r *Registration) Writable() ReadyEvent { return Await(r.WritableAsync()) }

// WritableAsync is ReadableAsync for writing (writable, write-closed, error
// or deregistered).
func (r *Registration) WritableAsync() Future[ReadyEvent] { return (*writableFuture)(r) }

// Ready blocks until dir is ready: Readable or Writable. It is the direct mode
// of ReadyAsync.
func (r *Registration) Ready(dir Direction) ReadyEvent { return Await(r.ReadyAsync(dir)) }

// ReadyAsync returns the future of dir: ReadableAsync or WritableAsync.
func (r *Registration) ReadyAsync(dir Direction) Future[ReadyEvent] {
	if dir == poller.DirWrite {
		return (*writableFuture)(r)
	}
	return (*readableFuture)(r)
}

// Deregister stops watching the descriptor and wakes both waiters (their
// ReadyEvent has Shutdown set). Call it before closing the descriptor; the
// descriptor itself stays open. Call it once.
func (r *Registration) Deregister() error { return driver.Of(r.reg).Deregister(r.reg) }

// readableFuture and writableFuture wait for one direction of a
// registration. They are the Registration itself under another name, so
// ReadableAsync and WritableAsync allocate nothing and cost no memory in it.
type (
	readableFuture Registration
	writableFuture Registration
)

func (f *readableFuture) Poll(cx *Context) (ReadyEvent, bool) {
	return (*Registration)(f).pollReady(cx, poller.DirRead)
}

func (f *writableFuture) Poll(cx *Context) (ReadyEvent, bool) {
	return (*Registration)(f).pollReady(cx, poller.DirWrite)
}

func (r *Registration) pollReady(cx *Context, dir Direction) (ReadyEvent, bool) {
	if !cx.ConsumeBudget() {
		cx.Waker().Wake()
		return ReadyEvent{}, false
	}
	return r.reg.PollReady(dir, ioWaker(cx))
}

// Cancel forgets the waker recorded for the direction, if any: this
// future's, or the one a PollIO loop recorded (PollIO's doc sends a future
// that stops waiting here; there is one waiter per direction).
func (f *readableFuture) Cancel() { f.reg.ClearWaker(poller.DirRead) }

// Cancel is readableFuture's Cancel for writing.
func (f *writableFuture) Cancel() { f.reg.ClearWaker(poller.DirWrite) }

// PollIO is the readiness loop for hand-written leaf futures. It spends one
// budget unit, then runs op until op succeeds, fails with an error other than
// EAGAIN (EWOULDBLOCK), or dir is not ready; in that last case it has recorded
// cx's waker and returns done false. The contract for op: one attempt of a
// non-blocking syscall on r's descriptor, returning unix.EAGAIN if it would
// block. Readiness is cleared with the poller's tick guard, so readiness that
// arrives while op runs is never lost. After Deregister an op that still
// would block fails with ErrDeregistered. A future that stops waiting calls
// r.ReadyAsync(dir)'s Cancel (or simply never polls again: the waker is replaced
// by the next waiter).
func (r *Registration) PollIO(cx *Context, dir Direction, op func() error) (done bool, err error) {
	if !cx.ConsumeBudget() {
		cx.Waker().Wake()
		return false, nil
	}
	for {
		ev := r.reg.Readiness()
		err := op()
		if !isEAGAIN(err) {
			return true, err
		}
		if ev.Shutdown {
			return true, ErrDeregistered
		}
		// Clear only dir's bits: a read's EAGAIN says nothing about
		// writability, which the writing half may be about to use.
		ev.Ready &= dir.Mask()
		if _, ready := r.ClearAndPollReady(cx, dir, ev); !ready {
			return false, nil
		}
	}
}

// ClearAndPollReady is the wait of PollIO's loop, for a leaf that writes
// the loop out itself: it clears ev as ClearReadiness does, then returns
// dir's readiness with ok true if dir is ready (or the registration is shut
// down), and otherwise records cx's waker for dir and returns ok false, as
// a poll of ReadyAsync(dir) does but without spending a budget unit (the
// leaf spent one for the poll already). A task that waits again in dir
// clears and waits with one atomic compare-and-swap.
func (r *Registration) ClearAndPollReady(cx *Context, dir Direction, ev ReadyEvent) (ReadyEvent, bool) {
	return r.reg.ClearAndPollReady(dir, ioWaker(cx), ev)
}

// isEAGAIN reports whether err is EAGAIN (EWOULDBLOCK) or wraps it. The
// errno itself is recognised by its type and value: comparing it with
// syscall.EAGAIN as interfaces calls runtime.ifaceeq, once per poll that
// finds nothing to read (1.5% of an echo server's user time).
func isEAGAIN(err error) bool {
	if e, ok := err.(syscall.Errno); ok {
		return e == syscall.EAGAIN
	}
	return err != nil && errors.Is(err, syscall.EAGAIN)
}

// IO runs op on the calling goroutine until it succeeds or fails with an error
// other than EAGAIN, waiting for dir's readiness between attempts (direct mode
// of IOAsync). See PollIO for op's contract.
func (r *Registration) IO(dir Direction, op func() error) error { return Await(r.IOAsync(dir, op)) }

// IOAsync returns a future that runs op as PollIO does, until it is done, and
// outputs op's final error (nil on success). It allocates the future; netx-style
// hot paths embed their own future and call PollIO instead. Cancel forgets the
// waiting task.
func (r *Registration) IOAsync(dir Direction, op func() error) Future[error] {
	return &ioFuture{r: r, dir: dir, op: op}
}

type ioFuture struct {
	r       *Registration
	dir     Direction
	op      func() error
	waiting bool
}

func (f *ioFuture) Poll(cx *Context) (error, bool) {
	done, err := f.r.PollIO(cx, f.dir, f.op)
	f.waiting = !done
	return err, done
}

func (f *ioFuture) Cancel() {
	if f.waiting {
		f.r.reg.ClearWaker(f.dir)
		f.waiting = false
	}
}
