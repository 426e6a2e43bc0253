package netx

import (
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/corio-go/corio/rt"
	"golang.org/x/sys/unix"
)

// opKind says what an ioFuture's attempt does.
type opKind uint8

// readsStream reports whether k reads with read, which skips the recv(2)
// while mayReadAt says it would fail: opRead, opReadFull, opReadPooled.
func (k opKind) readsStream() bool { return k <= opReadPooled }

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

// hdrKind masks a netFD.hdr byte's opKind; hdrWaiting is its pending flag
// (outside the race detector's build; see pending).
const (
	hdrKind    = 0x0f
	hdrWaiting = 0x80
)

// kind returns the kind of direction dir's operation.
func (fd *netFD) kind(dir rt.Direction) opKind { return opKind(fd.hdr[dir&1] & hdrKind) }

// op returns direction dir's operation slot.
func (fd *netFD) op(dir rt.Direction) *ioFuture { return &fd.ops[dir&1] }

// ioFuture is the buffer and the counts of one direction's pending
// operation. It lives in the socket (one per direction), so starting an
// operation allocates nothing; the typed futures the Async methods return
// are the socket under other names, one per direction (readFuture,
// writeFuture, …), so they find the socket and the direction without a
// field for either. The operation's kind and pending flag are the
// direction's netFD.hdr byte, which the Try operations (whose ioFuture is
// on the stack) leave alone: they pass their kind along instead.
//
// It holds no error: poll returns the operation's error with its
// completion, and the typed future hands it on at once. Its lengths are
// 32-bit: one operation moves at most maxOpLen bytes (start cuts a read's
// buffer there; the callers of a ReadFull, a Write or a SendTo, which must
// not be cut short, split a longer buffer into operations or refuse it
// first). So it is 16 bytes, and a socket's two are 32.
type ioFuture struct {
	// p is the first byte of the operation's buffer while it runs (bytes
	// returns the buffer: a slice without its capacity, which no
	// operation needs). Once a ReadPooled or RecvFrom is done, the buffer
	// is no longer needed and p holds the result instead: the *Buf read
	// into, or the sender's address (a *net.UDPAddr or *net.UnixAddr, by
	// the socket's network; nil if the kernel gave none).
	p    unsafe.Pointer
	blen uint32 // at most maxOpLen
	n    uint32 // bytes done (at most blen); accept's new descriptor
}

// maxOpLen is the most bytes one operation moves: 1 GiB, which fits the
// 32-bit lengths. Linux moves at most 0x7ffff000 bytes in one read or write
// anyway, so the cut costs a transfer that large one more system call per
// GiB at most.
var maxOpLen = 1 << 30 // a variable only so that tests can lower it

// bytes returns the operation's buffer.
func (f *ioFuture) bytes() []byte { return unsafe.Slice((*byte)(f.p), f.blen) }

// takeBuf returns and forgets the pooled buffer a completed ReadPooled (k)
// left in p, or nil.
func (f *ioFuture) takeBuf(k opKind) *Buf {
	if k != opReadPooled {
		return nil
	}
	b := (*Buf)(f.p)
	f.p = nil
	return b
}

// sender returns the source address a completed RecvFrom on fd left in p,
// or nil.
func (f *ioFuture) sender(fd *netFD) net.Addr {
	if f.p == nil {
		return nil
	}
	if isUDP(fd.network()) {
		return (*net.UDPAddr)(f.p)
	}
	return (*net.UnixAddr)(f.p)
}

// addrPointer is the inverse of sender: the pointer inside a (*net.UDPAddr
// or *net.UnixAddr) address.
func addrPointer(a net.Addr) unsafe.Pointer {
	switch a := a.(type) {
	case *net.UDPAddr:
		return unsafe.Pointer(a)
	case *net.UnixAddr:
		return unsafe.Pointer(a)
	}
	return nil
}

// deadline returns direction dir's deadline, nil if none was ever set.
func (fd *netFD) deadline(dir rt.Direction) *deadline {
	if side := fd.side.Load(); side != nil {
		if dls := side.dls.Load(); dls != nil {
			return &dls[dir]
		}
	}
	return nil
}

// expired reports whether the deadline at (Unix nanoseconds, 0: none) has
// passed on the clock of fd's driver (a paused runtime's virtual clock, or
// the real time; see rt.Registration.Now).
func (fd *netFD) expired(at int64) bool { return at != 0 && fd.reg.Now().UnixNano() >= at }

// start resets direction dir's operation for a new one of kind k on buf,
// and returns fd for the caller to convert to the direction's typed future.
// It panics if the direction's previous operation is still pending: its
// task would be left waiting on a future that now does something else.
func (fd *netFD) start(dir rt.Direction, k opKind, buf []byte) *netFD {
	h, f := &fd.hdr[dir], &fd.ops[dir]
	if fd.pendingAt(h, dir) {
		panic(concurrentOpMisuse[dir])
	}
	// Not pending, so *h is the last operation's kind alone. (Small enough
	// for Go to inline in WriteAsync and ReadPooledAsync: keep it so.)
	if k != opReadPooled || *h != uint8(opReadPooled) {
		f.n = 0 // else the drained mark carries over to the next ReadPooled
	}
	*h = uint8(k)
	if len(buf) > maxOpLen {
		buf = buf[:maxOpLen] // a read may be short; see ioFuture for the rest
	}
	f.p, f.blen = unsafe.Pointer(unsafe.SliceData(buf)), uint32(len(buf))
	return fd
}

// set points f at buf, cut to maxOpLen bytes as start does, with no byte
// done: the Try operations' start.
func (f *ioFuture) set(buf []byte) {
	if len(buf) > maxOpLen {
		buf = buf[:maxOpLen]
	}
	f.p, f.blen, f.n = unsafe.Pointer(unsafe.SliceData(buf)), uint32(len(buf)), 0
}

// The drained mark of a ReadPooled. A short read drains a stream, so the
// next read would fail with EAGAIN until the next edge; a Read clears the
// Readable bit at once (netFD.read), with an atomic compare-and-swap on the
// readiness word. A ReadPooled leaves the bit and records instead, in n
// (which its result does not use), 1 + the tick of the snapshot taken
// before the read: while the word's tick is still that one and Readable is
// its only reading bit, the socket is known drained (mayReadAt), and the
// next ReadPooled's wait clears the bit in the compare-and-swap that
// records its task (rt.Registration.ClearAndPollReady). Any other reader of
// the readiness sees the bit a little longer, which costs it at most a
// recv(2) that fails with EAGAIN. 0: no mark.

// drained reports whether ev is the snapshot a ReadPooled (k) left its
// drained mark for, with no new readiness since.
func (f *ioFuture) drained(k opKind, ev rt.ReadyEvent) bool {
	return k == opReadPooled && f.n == ev.Tick+1 && ev.Ready&rt.DirRead.Mask() == rt.Readable && !ev.Shutdown
}

// mayReadAt reports whether a read can find data at snapshot ev: false
// while the reading readiness is clear — an EAGAIN or a drained stream
// cleared it and no event came since — or while ev is the snapshot the last
// ReadPooled found the stream drained at, so that the recv(2) that would
// fail is not made. With edge-triggered epoll every arrival of data is a new
// event, so data is never left unnoticed.
func (f *ioFuture) mayReadAt(k opKind, ev rt.ReadyEvent) bool {
	return (ev.Ready&rt.DirRead.Mask() != 0 || ev.Shutdown) && !f.drained(k, ev)
}

// concurrentOpMisuse is, indexed by rt.Direction, the panic of start on a
// busy direction: a value rather than a call, which keeps start small
// enough to inline.
var concurrentOpMisuse = [2]string{misuseMessage("read (or accept)"), misuseMessage("write (or connect)")}

func misuseMessage(what string) string {
	return "corio/netx: a " + what + " started on a socket while another is pending in the same direction: " +
		"a socket has one pending operation per direction, so two tasks must not read (or write) one socket at once; " +
		"Split a stream to read in one task and write in another"
}

// poll advances direction dir's operation; once it is done it returns true
// and the operation's error, its other results set (n, and p for
// ReadPooled and RecvFrom).
func (fd *netFD) poll(cx *rt.Context, dir rt.Direction) (bool, error) {
	done, err := fd.pollOp(cx, dir)
	fd.setPending(dir, !done)
	return done, err
}

// pollOp is poll without the misuse bookkeeping.
func (fd *netFD) pollOp(cx *rt.Context, dir rt.Direction) (bool, error) {
	f, k := fd.op(dir), fd.kind(dir)
	dl := fd.deadline(dir)
	if dl == nil && k <= opWrite && (f.blen != 0 || k >= opReadPooled) && cx.PollFenced() {
		return f.pollFenced(cx, fd, dir, k)
	}
	var at int64
	var gen uint64
	if dl != nil {
		dl.mu.Lock()
		at, gen, dl.waker = dl.at.Load(), dl.gen, nil
		dl.mu.Unlock()
		if fd.expired(at) {
			return f.finish(fd, k, dl, os.ErrDeadlineExceeded)
		}
	}
	if (k == opRead || k == opReadFull) && f.blen == 0 {
		// A zero-length read returns at once, as net's does.
		if fd.closed() {
			return f.finish(fd, k, dl, errClosing)
		}
		return f.finish(fd, k, dl, nil)
	}
	// Outside a runtime (direct mode) a read is always attempted: no worker
	// polls this goroutine's events, and finding the data already there
	// saves a hand-off through the driver's goroutine.
	try := cx.Runtime() == nil
	fenced := cx.PollFenced()
	if done, err := fd.reg.PollIO(cx, dir, func() error { return f.attempt(fd, dir, k, try, fenced) }); done {
		return f.finish(fd, k, dl, err)
	}
	if dl == nil {
		return false, nil
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
		return false, nil
	}
	if at == 0 {
		if dl.armed {
			dl.sleep.Cancel()
			dl.armed = false
		}
		return false, nil
	}
	if !dl.armed || dl.sleepGen != gen {
		dl.sleep.ResetUntil(time.Unix(0, at))
		dl.sleepGen, dl.armed = gen, true
	}
	if _, fired := dl.sleep.Poll(cx); fired {
		return f.finish(fd, k, dl, os.ErrDeadlineExceeded)
	}
	return false, nil
}

// pollFenced is pollOp for a stream's read or write (opRead, opReadFull
// with a buffer, opReadPooled, opWrite) that has no deadline, polled on a
// multi-thread worker: rt.Registration.PollIO's loop written out around
// the syscall, without its closure, and without the checks of attempt that
// cannot apply here (a runtime polls, so no try; no deadline; fenced, so
// the closed mark stands for the reference). Nearly every poll of a
// server's connection comes here: three per echoed message.
func (f *ioFuture) pollFenced(cx *rt.Context, fd *netFD, dir rt.Direction, k opKind) (bool, error) {
	if !cx.ConsumeBudget() {
		cx.Waker().Wake()
		return false, nil
	}
	for {
		ev := fd.reg.Readiness()
		var err error
		switch {
		case k != opWrite && !f.mayReadAt(k, ev):
			err = unix.EAGAIN // see mayReadAt: the recv(2) would fail
		case fd.closed():
			err = errClosing
		default:
			if testHookFenced != nil {
				testHookFenced(fd.sysfd())
			}
			err = f.attemptOp(fd, dir, k, false)
		}
		if e, ok := err.(unix.Errno); !ok || e != unix.EAGAIN {
			return f.finish(fd, k, nil, err)
		}
		if ev.Shutdown {
			return f.finish(fd, k, nil, rt.ErrDeregistered)
		}
		// Clear only this direction's bits (as PollIO does) and wait: for
		// a connection's read loop, the one compare-and-swap that arms
		// the task again also clears what the last read drained.
		ev.Ready &= dir.Mask()
		if _, ready := fd.reg.ClearAndPollReady(cx, dir, ev); !ready {
			return false, nil
		}
	}
}

// finish ends the operation (of kind k) with err: it forgets the buffer (a
// ReadPooled's or RecvFrom's result in p stays, unless err says there is
// none) and a SendTo's destination, and drops the deadline's hold on f.
func (f *ioFuture) finish(fd *netFD, k opKind, dl *deadline, err error) (bool, error) {
	if err != nil || (k != opReadPooled && k != opRecvFrom) {
		f.p = nil
	}
	f.blen = 0
	if k == opSendTo {
		fd.dgram().dst = nil
	}
	if dl != nil {
		dl.release()
	}
	return true, err
}

// cancel abandons direction dir's pending operation.
func (fd *netFD) cancel(dir rt.Direction) {
	fd.setPending(dir, false)
	f, k := fd.op(dir), fd.kind(dir)
	if dl := fd.deadline(dir); dl != nil {
		dl.release()
	}
	rt.Cancel(fd.reg.ReadyAsync(dir))
	f.takeBuf(k).Release()
	if k == opSendTo {
		fd.dgram().dst = nil
	}
	f.p, f.blen = nil, 0
}

// attempt makes one try of the syscall of f's operation, of kind k in
// direction dir of fd, returning unix.EAGAIN if it would block
// (rt.Registration.PollIO's contract). try makes the syscall even when the
// readiness says it would fail (TryRead, direct mode). fenced says that the poll runs on a multi-thread worker
// (rt.Context.PollFenced), whose polls Close waits for before it closes the
// descriptor (rt.CloseAfterPolls): the syscall then needs no reference,
// only a look at the closed mark, made after the poll began.
func (f *ioFuture) attempt(fd *netFD, dir rt.Direction, k opKind, try, fenced bool) error {
	if !try && k.readsStream() && !f.mayReadAt(k, fd.reg.Readiness()) {
		// Bound to fail without a syscall (see mayReadAt), so without the
		// reference either: this is how every wait for data starts (an
		// echo's read after its write), and the reference is two atomic
		// read-modify-writes. A closed socket gets here too until Close
		// deregisters it, which wakes the wait to find the Close.
		return unix.EAGAIN
	}
	if fenced {
		// Two atomic read-modify-writes fewer per syscall: four per
		// echoed message.
		if fd.closed() {
			return errClosing
		}
		if testHookFenced != nil {
			testHookFenced(fd.sysfd())
		}
		return f.attemptHeld(fd, dir, k, try)
	}
	if !fd.incref() {
		return errClosing
	}
	// No defer: with this many returns Go cannot open-code it, and the
	// runtime's defer record and deferreturn would cost every read and
	// write (the echo profile showed it). Nothing below calls user code or
	// can panic short of a runtime fault.
	err := f.attemptHeld(fd, dir, k, try)
	fd.decref()
	return err
}

// testHookFenced, when set (by tests, before the runtime starts), is called
// by a fenced attempt between its look at the closed mark and its syscall.
var testHookFenced func(fd int)

// attemptHeld is attempt with a reference on fd held, or inside a fenced
// poll that saw fd open.
func (f *ioFuture) attemptHeld(fd *netFD, dir rt.Direction, k opKind, try bool) error {
	// The deadline is checked here too: a write that keeps finding a
	// little room would otherwise loop inside one poll past its deadline.
	if dl := fd.deadline(dir); dl != nil && fd.expired(dl.at.Load()) {
		return os.ErrDeadlineExceeded
	}
	return f.attemptOp(fd, dir, k, try)
}

// attemptOp is attemptHeld past the deadline's check.
func (f *ioFuture) attemptOp(fd *netFD, dir rt.Direction, k opKind, try bool) error {
	switch k {
	case opRead:
		n, err := fd.read(f.bytes(), try)
		if err != nil {
			return err
		}
		f.n = uint32(n)
		if n == 0 && fd.sotype() == unix.SOCK_STREAM {
			return io.EOF
		}
	case opReadFull:
		for f.n < f.blen {
			n, err := fd.read(f.bytes()[f.n:], try)
			if err != nil {
				return err
			}
			if n == 0 {
				if f.n > 0 {
					return io.ErrUnexpectedEOF
				}
				return io.EOF
			}
			f.n += uint32(n)
		}
	case opReadPooled:
		// attempt saw mayReadAt (or try), so a buffer is borrowed only for
		// a read that may find data.
		b := getBuf()
		ev := fd.reg.Readiness()
		n, err := ignoringEINTR(func() (int, error) { return sysRead(fd.sysfd(), b.b[:cap(b.b)]) })
		if err != nil || n == 0 {
			b.Release()
			if err == nil {
				err = io.EOF
			}
			return err
		}
		f.n = 0
		if n < cap(b.b) && fd.sotype() == unix.SOCK_STREAM {
			f.n = ev.Tick + 1 // drained: see drained
		}
		b.b = b.b[:n]
		f.p, f.blen = unsafe.Pointer(b), 0
	case opWrite:
		for f.n < f.blen {
			n, err := ignoringEINTR(func() (int, error) { return sysWrite(fd.sysfd(), f.bytes()[f.n:]) })
			if n > 0 {
				f.n += uint32(n)
			}
			if err != nil {
				return err
			}
		}
	case opRecvFrom:
		n, sa, err := recvfrom(fd.sysfd(), f.bytes())
		if err != nil {
			return err
		}
		f.n, f.p, f.blen = uint32(n), addrPointer(sockaddrToAddr(fd.network(), sa)), 0
	case opSendTo:
		n, err := ignoringEINTR(func() (int, error) { return unix.SendmsgN(fd.sysfd(), f.bytes(), nil, fd.dgram().dst, 0) })
		if err != nil {
			return err
		}
		f.n = uint32(n)
	case opAccept:
		nfd, err := accept(fd.sysfd())
		if err != nil {
			return err
		}
		f.n = uint32(nfd)
	case opConnect:
		// Ask the socket rather than wait for the writable edge to come
		// through the poller: a loopback connect has usually completed by
		// the first poll.
		soerr, err := unix.GetsockoptInt(fd.sysfd(), unix.SOL_SOCKET, unix.SO_ERROR)
		if err != nil {
			return err
		}
		if soerr != 0 {
			return unix.Errno(soerr)
		}
		if _, err := unix.Getpeername(fd.sysfd()); err != nil {
			if err == unix.ENOTCONN {
				return unix.EAGAIN // a spurious wake-up: still connecting
			}
			return err
		}
	case opReady:
		if fd.reg.Readiness().Ready&dir.Mask() == 0 {
			return unix.EAGAIN
		}
	}
	return nil
}

// read reads into b; unless force, it skips the syscall when mayReadAt says
// it would fail. A short read of a stream drained the socket: it clears the
// Readable bit (tick-guarded: an event that came meanwhile keeps it), so
// that the next read waits for the next edge instead of paying for a recv(2)
// that fails with EAGAIN. An echo then costs one read and one write.
func (fd *netFD) read(b []byte, force bool) (int, error) {
	ev := fd.reg.Readiness()
	if !force && ev.Ready&rt.DirRead.Mask() == 0 && !ev.Shutdown {
		return 0, unix.EAGAIN
	}
	n, err := ignoringEINTR(func() (int, error) { return sysRead(fd.sysfd(), b) })
	if err == nil && n > 0 && n < len(b) && fd.sotype() == unix.SOCK_STREAM {
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

// tryOp runs one attempt of f, an operation of kind k in direction dir of
// fd kept by its caller (TryRead, TryWrite), without waiting: it spends no
// budget and records no waker, and it clears the direction's readiness
// (keeping readiness that arrived meanwhile) when the syscall would block, so
// that the next Readable or Writable waits for a new edge.
func (f *ioFuture) tryOp(fd *netFD, dir rt.Direction, k opKind) error {
	ev := fd.reg.Readiness()
	err := f.attempt(fd, dir, k, true, false)
	if err == unix.EAGAIN {
		ev.Ready &= dir.Mask()
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
		fd.sides().dls.CompareAndSwap(nil, new([2]deadline))
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
	if dl := fd.deadline(rt.DirRead); dl != nil {
		dl.wake()
		fd.deadline(rt.DirWrite).wake()
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

// awaitInTask is how rt.Await's panic for a wait inside a task begins
// (rt's checkNotOnDriver); TestBlockingCallInTaskNamesTwin fails if the two
// drift apart.
const awaitInTask = "corio/rt: Await called from inside a task"

// await is rt.Await for the blocking method op, whose twin is op+"Async".
// Where rt.Await refuses to block a task's goroutine, which a plain-Go
// helper (io.Copy, io.ReadFull, bufio) reading a netx socket from a task
// makes it do, the panic names the operation and what to use instead, and
// f is cancelled first, so that the socket's direction is free again.
func await[T any](f rt.Future[T], op string) T {
	defer blockedInTask(f, op)
	return rt.Await(f)
}

func blockedInTask[T any](f rt.Future[T], op string) {
	r := recover()
	if r == nil {
		return
	}
	if s, ok := r.(string); ok && strings.HasPrefix(s, awaitInTask) {
		rt.Cancel(f)
		panic("corio/netx: " + op + " would block inside a task, stalling its runtime: in an //async:func function " +
			"call " + op + " directly (asyncgen makes it " + op + "Async, which suspends the task); a plain-Go helper " +
			"called from a task (io.Copy, io.ReadFull, bufio) cannot suspend: use netx.Copy, netx.ReadFull, " +
			"netx.Reader and netx.Writer, which have twins")
	}
	panic(r)
}
