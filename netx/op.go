package netx

import (
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/corio-go/corio/rt"
	"golang.org/x/sys/unix"
)

// opKind says what an ioFuture's attempt does.
type opKind uint8

const (
	opRead       opKind = iota // recv(2) into buf (sysRead)
	opReadFull                 // recv(2) until buf is full
	opReadPooled               // recv(2) into a pooled Buf
	opWrite                    // send(2) all of buf (sysWrite)
	opRecvFrom                 // recvfrom(2) into buf
	opSendTo                   // sendmsg(2) buf to sa (nil: the connected peer)
	opAccept                   // accept4(2)
	opConnect                  // a non-blocking connect completing
	opReady                    // the direction's readiness, nothing else
)

// ioFuture is the state of one direction's pending operation. It lives in
// the socket (one per direction), so starting an operation allocates
// nothing; the typed futures the Async methods return are the same memory
// under other names (readFuture, acceptFuture, …).
//
// It holds no pointer to its socket: the socket is found from the future's
// own address (owner), since the future sits at a fixed offset in it, which
// saves a pointer per direction in every socket.
type ioFuture struct {
	dir  rt.Direction // immutable
	kind opKind
	try  bool // make the syscall even when readiness says it would fail (TryRead, direct mode)
	// waiting is set while the operation is pending (its last poll
	// returned not ready) and cleared when it completes or is cancelled:
	// starting another operation in the direction meanwhile is the misuse
	// start reports. Atomic, because the misuse is two tasks at once.
	waiting atomic.Bool

	// The buffer of a read, write, recvfrom or sendto (bytes returns it):
	// a slice without its capacity, which no operation needs.
	base *byte
	blen int
	n    int // bytes done; accept's new descriptor
	// aux is the operation's other datum: the unix.Sockaddr of recvfrom's
	// source or sendto's destination, opReadPooled's *Buf once read into,
	// or, once done with an error, that error (none of the others is an
	// error, and a failed operation has no other result). One field for all
	// keeps every socket smaller.
	aux any
}

// bytes returns the operation's buffer.
func (f *ioFuture) bytes() []byte { return unsafe.Slice(f.base, f.blen) }

// The offsets of the two directions' futures in a netFD.
const (
	rdFutOffset = unsafe.Offsetof(netFD{}.rd) + unsafe.Offsetof(ioDir{}.fut)
	wrFutOffset = unsafe.Offsetof(netFD{}.wr) + unsafe.Offsetof(ioDir{}.fut)
)

// owner returns the socket f is a direction of. Only for the futures
// embedded in a netFD (fd.rd.fut, fd.wr.fut): the Try operations' futures on
// the stack pass their socket along instead.
func (f *ioFuture) owner() *netFD {
	off := rdFutOffset
	if f.dir == rt.DirWrite {
		off = wrFutOffset
	}
	return (*netFD)(unsafe.Add(unsafe.Pointer(f), -int(off)))
}

// result returns the operation's error, once done.
func (f *ioFuture) result() error {
	err, _ := f.aux.(error)
	return err
}

// sockaddr returns the address in aux, or nil.
func (f *ioFuture) sockaddr() unix.Sockaddr {
	sa, _ := f.aux.(unix.Sockaddr)
	return sa
}

// takeBuf returns and forgets the pooled buffer in aux, or nil.
func (f *ioFuture) takeBuf() *Buf {
	b, _ := f.aux.(*Buf)
	if b != nil {
		f.aux = nil
	}
	return b
}

// deadline returns direction dir's deadline, nil if none was ever set.
func (fd *netFD) deadline(dir rt.Direction) *deadline {
	if dls := fd.dls.Load(); dls != nil {
		return &dls[dir]
	}
	return nil
}

// expired reports whether the deadline at (Unix nanoseconds, 0: none) has
// passed on the clock of fd's driver (a paused runtime's virtual clock, or
// the real time; see rt.Registration.Now).
func (fd *netFD) expired(at int64) bool { return at != 0 && fd.reg.Now().UnixNano() >= at }

// start resets f for a new operation of kind k on buf. It panics if the
// direction's previous operation is still pending: its task would be left
// waiting on a future that now does something else.
func (f *ioFuture) start(k opKind, buf []byte) *ioFuture {
	if f.waiting.Load() {
		panic(concurrentOpMisuse(f.dir))
	}
	f.kind, f.base, f.blen, f.n, f.aux = k, unsafe.SliceData(buf), len(buf), 0, nil
	return f
}

// concurrentOpMisuse is the panic of start on a busy direction.
func concurrentOpMisuse(dir rt.Direction) string {
	what := "read (or accept)"
	if dir == rt.DirWrite {
		what = "write (or connect)"
	}
	return "corio/netx: a " + what + " started on a socket while another is pending in the same direction: " +
		"a socket has one pending operation per direction, so two tasks must not read (or write) one socket at once; " +
		"Split a stream to read in one task and write in another"
}

// poll advances the operation; true once its results (and f.result()) are
// set.
func (f *ioFuture) poll(cx *rt.Context) bool {
	if f.pollOp(cx) {
		if f.waiting.Load() {
			f.waiting.Store(false)
		}
		return true
	}
	if !f.waiting.Load() {
		f.waiting.Store(true)
	}
	return false
}

// pollOp is poll without the misuse bookkeeping.
func (f *ioFuture) pollOp(cx *rt.Context) bool {
	fd := f.owner()
	dl := fd.deadline(f.dir)
	var at int64
	var gen uint64
	if dl != nil {
		dl.mu.Lock()
		at, gen, dl.waker = dl.at.Load(), dl.gen, nil
		dl.mu.Unlock()
		if fd.expired(at) {
			return f.finish(dl, os.ErrDeadlineExceeded)
		}
	}
	if (f.kind == opRead || f.kind == opReadFull) && f.blen == 0 {
		// A zero-length read returns at once, as net's does.
		if fd.closed() {
			return f.finish(dl, errClosing)
		}
		return f.finish(dl, nil)
	}
	// Outside a runtime (direct mode) a read is always attempted: no worker
	// polls this goroutine's events, and finding the data already there
	// saves a hand-off through the driver's goroutine.
	f.try = cx.Runtime() == nil
	if done, err := fd.reg.PollIO(cx, f.dir, func() error { return f.attempt(fd) }); done {
		return f.finish(dl, err)
	}
	if dl == nil {
		return false
	}
	// Pending with a deadline object: let SetDeadline wake us, and arm the
	// deadline's timer.
	dl.mu.Lock()
	changed := dl.gen != gen
	if !changed {
		dl.waker = cx.Waker()
	}
	dl.mu.Unlock()
	if changed {
		cx.Waker().Wake() // the deadline moved while we looked: look again
		return false
	}
	if at == 0 {
		if dl.armed {
			dl.sleep.Cancel()
			dl.armed = false
		}
		return false
	}
	if !dl.armed || dl.sleepGen != gen {
		dl.sleep.ResetUntil(time.Unix(0, at))
		dl.sleepGen, dl.armed = gen, true
	}
	if _, fired := dl.sleep.Poll(cx); fired {
		return f.finish(dl, os.ErrDeadlineExceeded)
	}
	return false
}

// finish records err as the result and drops the deadline's hold on f.
func (f *ioFuture) finish(dl *deadline, err error) bool {
	if err != nil || f.kind == opSendTo {
		f.aux = err // a failed attempt left no result in aux; drop sendto's address
	}
	f.base, f.blen = nil, 0
	if dl != nil {
		dl.release()
	}
	return true
}

// cancel abandons a pending operation.
func (f *ioFuture) cancel() {
	f.waiting.Store(false)
	fd := f.owner()
	if dl := fd.deadline(f.dir); dl != nil {
		dl.release()
	}
	rt.Cancel(fd.reg.ReadyAsync(f.dir))
	f.takeBuf().Release()
	f.base, f.blen = nil, 0
}

// attempt makes one try of the operation's syscall on fd, returning
// unix.EAGAIN if it would block (rt.Registration.PollIO's contract).
func (f *ioFuture) attempt(fd *netFD) error {
	if !fd.incref() {
		return errClosing
	}
	// No defer: with this many returns Go cannot open-code it, and the
	// runtime's defer record and deferreturn would cost every read and
	// write (the echo profile showed it). Nothing below calls user code or
	// can panic short of a runtime fault.
	err := f.attemptHeld(fd)
	fd.decref()
	return err
}

// attemptHeld is attempt with a reference on fd held.
func (f *ioFuture) attemptHeld(fd *netFD) error {
	// The deadline is checked here too: a write that keeps finding a
	// little room would otherwise loop inside one poll past its deadline.
	if dl := fd.deadline(f.dir); dl != nil && fd.expired(dl.at.Load()) {
		return os.ErrDeadlineExceeded
	}
	switch f.kind {
	case opRead:
		n, err := fd.read(f.bytes(), f.try)
		if err != nil {
			return err
		}
		f.n = n
		if n == 0 && fd.sotype == unix.SOCK_STREAM {
			return io.EOF
		}
	case opReadFull:
		for f.n < f.blen {
			n, err := fd.read(f.bytes()[f.n:], f.try)
			if err != nil {
				return err
			}
			if n == 0 {
				if f.n > 0 {
					return io.ErrUnexpectedEOF
				}
				return io.EOF
			}
			f.n += n
		}
	case opReadPooled:
		if !f.try && !fd.mayRead() {
			return unix.EAGAIN // borrow no buffer for a read bound to fail
		}
		b := getBuf()
		n, err := fd.read(b.b[:cap(b.b)], true)
		if err != nil || n == 0 {
			b.Release()
			if err == nil {
				err = io.EOF
			}
			return err
		}
		b.b = b.b[:n]
		f.aux, f.n = b, n
	case opWrite:
		for f.n < f.blen {
			n, err := ignoringEINTR(func() (int, error) { return sysWrite(int(fd.fd), f.bytes()[f.n:]) })
			if n > 0 {
				f.n += n
			}
			if err != nil {
				return err
			}
		}
	case opRecvFrom:
		n, sa, err := recvfrom(int(fd.fd), f.bytes())
		if err != nil {
			return err
		}
		f.n, f.aux = n, sa
	case opSendTo:
		n, err := ignoringEINTR(func() (int, error) { return unix.SendmsgN(int(fd.fd), f.bytes(), nil, f.sockaddr(), 0) })
		if err != nil {
			return err
		}
		f.n = n
	case opAccept:
		nfd, err := accept(int(fd.fd))
		if err != nil {
			return err
		}
		f.n = nfd
	case opConnect:
		// Ask the socket rather than wait for the writable edge to come
		// through the poller: a loopback connect has usually completed by
		// the first poll.
		soerr, err := unix.GetsockoptInt(int(fd.fd), unix.SOL_SOCKET, unix.SO_ERROR)
		if err != nil {
			return err
		}
		if soerr != 0 {
			return unix.Errno(soerr)
		}
		if _, err := unix.Getpeername(int(fd.fd)); err != nil {
			if err == unix.ENOTCONN {
				return unix.EAGAIN // a spurious wake-up: still connecting
			}
			return err
		}
	case opReady:
		if fd.reg.Readiness().Ready&f.dir.Mask() == 0 {
			return unix.EAGAIN
		}
	}
	return nil
}

// mayRead reports whether a read can find data: false while the reading
// readiness is clear — an EAGAIN or a drained stream cleared it and no event
// came since — so that the recv(2) that would fail is not made. With
// edge-triggered epoll every arrival of data is a new event, so data is
// never left unnoticed.
func (fd *netFD) mayRead() bool {
	ev := fd.reg.Readiness()
	return ev.Ready&rt.DirRead.Mask() != 0 || ev.Shutdown
}

// read reads into b; unless force, it skips the syscall when mayRead says
// it would fail. A short read of a stream drained the socket: it clears the
// Readable bit (tick-guarded: an event that came meanwhile keeps it), so
// that the next read waits for the next edge instead of paying for a recv(2)
// that fails with EAGAIN. An echo then costs one read and one write.
func (fd *netFD) read(b []byte, force bool) (int, error) {
	ev := fd.reg.Readiness()
	if !force && ev.Ready&rt.DirRead.Mask() == 0 && !ev.Shutdown {
		return 0, unix.EAGAIN
	}
	n, err := ignoringEINTR(func() (int, error) { return sysRead(int(fd.fd), b) })
	if err == nil && n > 0 && n < len(b) && fd.sotype == unix.SOCK_STREAM {
		ev.Ready &= rt.Readable
		fd.reg.ClearReadiness(ev)
	}
	return n, err
}

func recvfrom(fd int, b []byte) (int, unix.Sockaddr, error) {
	for {
		n, sa, err := unix.Recvfrom(fd, b, 0)
		if err != unix.EINTR {
			return n, sa, err
		}
	}
}

func ignoringEINTR(f func() (int, error)) (int, error) {
	for {
		n, err := f()
		if err != unix.EINTR {
			return n, err
		}
	}
}

// tryOp runs one attempt of f's operation without waiting: it spends no
// budget and records no waker, and it clears the direction's readiness
// (keeping readiness that arrived meanwhile) when the syscall would block, so
// that the next Readable or Writable waits for a new edge.
func (f *ioFuture) tryOp(fd *netFD) error {
	ev := fd.reg.Readiness()
	err := f.attempt(fd)
	if err == unix.EAGAIN {
		ev.Ready &= f.dir.Mask()
		fd.reg.ClearReadiness(ev)
		return ErrWouldBlock
	}
	return err
}

// deadline is one direction's deadline. SetDeadline writes at and wakes the
// pending operation; the operation arms sleep for at.
type deadline struct {
	mu    sync.Mutex
	at    atomic.Int64 // written under mu (read without it by attempt); Unix nanoseconds, 0: none
	gen   uint64       // protected by mu; counts changes of at
	waker rt.Waker     // protected by mu; the pending operation, to wake on change

	// Owned by the direction's pending operation.
	sleep    rt.SleepFuture
	sleepGen uint64 // the gen sleep was armed for
	armed    bool
}

// release forgets the pending operation and disarms its timer; called by
// that operation.
func (dl *deadline) release() {
	dl.mu.Lock()
	dl.waker = nil
	dl.mu.Unlock()
	if dl.armed {
		dl.sleep.Cancel()
		dl.armed = false
	}
	// Forget the timer's waker (the task, which leads back to the socket):
	// a cancelled or fired timer is no longer in the wheel, so the zero
	// value may replace it, and the next ResetUntil starts from there.
	dl.sleep = rt.SleepFuture{}
}

// setDeadline sets direction dir's deadline (zero: none) and wakes its
// pending operation so that it sees the change.
func (fd *netFD) setDeadline(dir rt.Direction, t time.Time) {
	dl := fd.deadline(dir)
	if dl == nil {
		if t.IsZero() {
			return
		}
		fd.dls.CompareAndSwap(nil, new([2]deadline))
		dl = fd.deadline(dir)
	}
	at := int64(0)
	if !t.IsZero() {
		at = max(t.UnixNano(), 1)
	}
	dl.mu.Lock()
	dl.at.Store(at)
	dl.gen++
	dl.mu.Unlock()
	dl.wake()
}

// wakeDeadlines wakes the operations waiting on a deadline (Close).
func (fd *netFD) wakeDeadlines() {
	if dls := fd.dls.Load(); dls != nil {
		dls[rt.DirRead].wake()
		dls[rt.DirWrite].wake()
	}
}

// wake wakes the operation waiting on dl, if any.
func (dl *deadline) wake() {
	dl.mu.Lock()
	w := dl.waker
	dl.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

// Buf is a buffer borrowed from netx's pool by ReadPooled. Its bytes are
// valid until Release, which returns it to the pool; after Release the Buf
// and its bytes must not be used.
type Buf struct {
	b []byte
}

// PooledBufferSize is the capacity of the buffers ReadPooled borrows: the
// most one ReadPooled returns.
const PooledBufferSize = 16 << 10

var bufPool = sync.Pool{New: func() any { return &Buf{b: make([]byte, 0, PooledBufferSize)} }}

func getBuf() *Buf { return bufPool.Get().(*Buf) }

// Bytes returns the data read.
func (b *Buf) Bytes() []byte { return b.b }

// Len returns len(b.Bytes()).
func (b *Buf) Len() int { return len(b.b) }

// Release returns b to the pool. Release on a nil *Buf does nothing.
func (b *Buf) Release() {
	if b == nil {
		return
	}
	b.b = b.b[:0]
	bufPool.Put(b)
}
