package netx

import (
	"net"
	"time"
	"unsafe"

	"github.com/corio-go/corio/rt"
	"golang.org/x/sys/unix"
)

// reader is the reading half of a stream socket and writer the writing
// half: each is the socket's netFD under another name, with that half's
// methods. TCPStream, UnixStream and ReadHalf get reader's methods by
// embedding it; the streams forward writer's (conn), and WriteHalf embeds
// it. So a stream, and the halves Split returns, are one allocation: the
// netFD.
type (
	reader netFD
	writer netFD
)

// sock returns the socket r is the reading half of.
func (r *reader) sock() *netFD { return (*netFD)(r) }

// sock returns the socket w is the writing half of.
func (w *writer) sock() *netFD { return (*netFD)(w) }

// conn is a connected stream socket: both halves, and what concerns the
// whole socket. Its memory is the netFD's (reader is its only field).
type conn struct {
	reader
}

// streamOf returns fd's stream view, T being TCPStream or UnixStream, whose
// memory is fd's: newFD allocated it, and a stream adds nothing to it.
func streamOf[T TCPStream | UnixStream](fd *netFD) *T { return (*T)(unsafe.Pointer(fd)) }

func (c *conn) sock() *netFD { return (*netFD)(&c.reader) }
func (c *conn) w() *writer   { return (*writer)(&c.reader) }

// Read reads up to len(b) bytes, blocking until at least one is available;
// at the end of the stream it returns 0, io.EOF (direct mode of ReadAsync).
func (r *reader) Read(b []byte) (int, error) {
	defer r.sock().lock(rt.DirRead).Unlock()
	out := await(r.ReadAsync(b), "Read")
	return out.V0, out.V1
}

// ReadAsync returns a future of Read's results. It spends one budget unit
// per poll; cancelling it reads nothing.
func (r *reader) ReadAsync(b []byte) rt.Future[rt.Tuple2[int, error]] {
	return (*readFuture)(r.sock().start(rt.DirRead, opRead, b))
}

// ReadFull reads exactly len(b) bytes; fewer only with an error, which is
// io.ErrUnexpectedEOF if the stream ended after some of them and io.EOF if
// it ended before any (io.ReadFull's rule). Direct mode of ReadFullAsync.
func (r *reader) ReadFull(b []byte) (int, error) {
	defer r.sock().lock(rt.DirRead).Unlock()
	out := await(r.ReadFullAsync(b), "ReadFull")
	return out.V0, out.V1
}

// ReadFullAsync returns a future of ReadFull's results. Cancelling it may
// have consumed a prefix of the bytes it was reading.
func (r *reader) ReadFullAsync(b []byte) rt.Future[rt.Tuple2[int, error]] {
	if len(b) > maxOpLen {
		return newChunkedOp(r.sock(), rt.DirRead, opReadFull, b)
	}
	return (*readFuture)(r.sock().start(rt.DirRead, opReadFull, b))
}

// ReadPooled waits until the socket is readable, then reads into a buffer
// borrowed from netx's pool (at most PooledBufferSize bytes) and returns it;
// the caller calls Release once done with the data. While it waits nothing
// is borrowed, so a connection parked in ReadPooled holds no buffer. At the
// end of the stream it returns nil, io.EOF. Direct mode of ReadPooledAsync.
func (r *reader) ReadPooled() (*Buf, error) {
	defer r.sock().lock(rt.DirRead).Unlock()
	out := await(r.ReadPooledAsync(), "ReadPooled")
	return out.V0, out.V1
}

// ReadPooledAsync returns a future of ReadPooled's results. Cancelling it
// reads nothing and borrows nothing.
func (r *reader) ReadPooledAsync() rt.Future[rt.Tuple2[*Buf, error]] {
	return (*readPooledFuture)(r.sock().start(rt.DirRead, opReadPooled, nil))
}

// TryRead reads what is available without waiting: ErrWouldBlock (wrapped
// in a *net.OpError) if nothing is. It spends no budget. After
// ErrWouldBlock, Readable waits for new data.
func (r *reader) TryRead(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	var f ioFuture
	f.set(b)
	err := f.tryOp(r.sock(), rt.DirRead, opRead)
	return int(f.n), r.sock().opErr("read", err)
}

// Readable blocks until the socket is readable, at the end of its stream,
// in error or closed (direct mode of ReadableAsync). It returns an error
// only for a closed socket or an expired read deadline; a read tells the
// rest.
func (r *reader) Readable() error {
	defer r.sock().lock(rt.DirRead).Unlock()
	return await(r.ReadableAsync(), "Readable")
}

// ReadableAsync returns a future of Readable's result. It spends one budget
// unit per poll.
func (r *reader) ReadableAsync() rt.Future[error] {
	return (*readableFuture)(r.sock().start(rt.DirRead, opReady, nil))
}

// SetReadDeadline sets the deadline of pending and future reads (and
// Readable, ReadPooled); see net.Conn. The zero time means none.
func (r *reader) SetReadDeadline(t time.Time) error {
	if r.sock().closed() {
		return r.sock().opErr("set", errClosing)
	}
	r.sock().setDeadline(rt.DirRead, t)
	return nil
}

// CloseRead shuts down the reading side: reads return io.EOF.
func (r *reader) CloseRead() error {
	return r.sock().shutdown(unix.SHUT_RD)
}

// Write writes all of b, blocking while the socket's send buffer is full; it
// returns len(b), nil or the count written before an error (direct mode of
// WriteAsync).
func (w *writer) Write(b []byte) (int, error) {
	defer w.sock().lock(rt.DirWrite).Unlock()
	out := await(w.WriteAsync(b), "Write")
	return out.V0, out.V1
}

// WriteAsync returns a future of Write's results. It spends one budget unit
// per poll. Cancelling it may leave a prefix of b written.
func (w *writer) WriteAsync(b []byte) rt.Future[rt.Tuple2[int, error]] {
	if len(b) > maxOpLen {
		return newChunkedOp(w.sock(), rt.DirWrite, opWrite, b)
	}
	return (*writeFuture)(w.sock().start(rt.DirWrite, opWrite, b))
}

// WriteAll is Write, which already writes everything; it is there so that
// code written against a short-writing writer reads the same (direct mode of
// WriteAllAsync).
func (w *writer) WriteAll(b []byte) (int, error) { return w.Write(b) }

// WriteAllAsync is WriteAsync.
func (w *writer) WriteAllAsync(b []byte) rt.Future[rt.Tuple2[int, error]] {
	return w.WriteAsync(b)
}

// TryWrite writes what fits in the send buffer now, without waiting: the
// count and nil if all of b went, the count and ErrWouldBlock (wrapped in a
// *net.OpError) if only a prefix (maybe empty) did. It spends no budget.
func (w *writer) TryWrite(b []byte) (int, error) {
	var f ioFuture
	n := 0
	for {
		f.set(b[n:]) // at most maxOpLen bytes of them
		err := f.tryOp(w.sock(), rt.DirWrite, opWrite)
		n += int(f.n)
		if err != nil || n == len(b) {
			return n, w.sock().opErr("write", err)
		}
	}
}

// Writable blocks until the socket is writable, write-closed, in error or
// closed (direct mode of WritableAsync); see Readable for the result.
func (w *writer) Writable() error {
	defer w.sock().lock(rt.DirWrite).Unlock()
	return await(w.WritableAsync(), "Writable")
}

// WritableAsync returns a future of Writable's result.
func (w *writer) WritableAsync() rt.Future[error] {
	return (*writableFuture)(w.sock().start(rt.DirWrite, opReady, nil))
}

// SetWriteDeadline sets the deadline of pending and future writes; see
// net.Conn.
func (w *writer) SetWriteDeadline(t time.Time) error {
	if w.sock().closed() {
		return w.sock().opErr("set", errClosing)
	}
	w.sock().setDeadline(rt.DirWrite, t)
	return nil
}

// CloseWrite shuts down the writing side: the peer reads io.EOF after the
// data already sent. Reading goes on.
func (w *writer) CloseWrite() error {
	return w.sock().shutdown(unix.SHUT_WR)
}

// The writing half's methods, on the stream (WriteHalf embeds writer).

// Write writes all of b, blocking while the socket's send buffer is full; it
// returns len(b), nil or the count written before an error (direct mode of
// WriteAsync).
func (c *conn) Write(b []byte) (int, error) { return c.w().Write(b) }

// WriteAsync returns a future of Write's results. It spends one budget unit
// per poll. Cancelling it may leave a prefix of b written.
func (c *conn) WriteAsync(b []byte) rt.Future[rt.Tuple2[int, error]] { return c.w().WriteAsync(b) }

// WriteAll is Write, which already writes everything (direct mode of
// WriteAllAsync).
func (c *conn) WriteAll(b []byte) (int, error) { return c.w().Write(b) }

// WriteAllAsync is WriteAsync.
func (c *conn) WriteAllAsync(b []byte) rt.Future[rt.Tuple2[int, error]] { return c.w().WriteAsync(b) }

// TryWrite writes what fits in the send buffer now, without waiting; see
// WriteHalf.TryWrite.
func (c *conn) TryWrite(b []byte) (int, error) { return c.w().TryWrite(b) }

// Writable blocks until the socket is writable, write-closed, in error or
// closed (direct mode of WritableAsync).
func (c *conn) Writable() error { return c.w().Writable() }

// WritableAsync returns a future of Writable's result.
func (c *conn) WritableAsync() rt.Future[error] { return c.w().WritableAsync() }

// SetWriteDeadline sets the deadline of pending and future writes; see
// net.Conn.
func (c *conn) SetWriteDeadline(t time.Time) error { return c.w().SetWriteDeadline(t) }

// CloseWrite shuts down the writing side: the peer reads io.EOF after the
// data already sent. Reading goes on.
func (c *conn) CloseWrite() error { return c.w().CloseWrite() }

// Close closes the socket. Pending operations on it return errors wrapping
// net.ErrClosed; so does a second Close.
func (c *conn) Close() error { return c.reader.sock().Close() }

// LocalAddr returns the local address (a *net.TCPAddr or *net.UnixAddr).
func (c *conn) LocalAddr() net.Addr { return c.reader.sock().localAddr() }

// RemoteAddr returns the peer's address.
func (c *conn) RemoteAddr() net.Addr { return c.reader.sock().remoteAddr() }

// SetDeadline sets both the read and the write deadline; see net.Conn.
func (c *conn) SetDeadline(t time.Time) error {
	if err := c.SetReadDeadline(t); err != nil {
		return err
	}
	return c.SetWriteDeadline(t)
}

// Split returns the stream's reading and writing halves, for one task to
// read while another writes. Each half is a view of the stream (the same
// memory, so Split allocates nothing): closing the stream closes both.
func (c *conn) Split() (*ReadHalf, *WriteHalf) {
	return (*ReadHalf)(unsafe.Pointer(c)), (*WriteHalf)(unsafe.Pointer(c))
}

// ReadHalf is the reading half of a stream (see Split).
type ReadHalf struct{ reader }

// WriteHalf is the writing half of a stream (see Split).
type WriteHalf struct{ writer }

func (fd *netFD) shutdown(how int) error {
	err := fd.sysErr(func(s int) error { return unix.Shutdown(s, how) })
	if err != nil {
		return fd.opErr("shutdown", wrapSyscall("shutdown", err))
	}
	return nil
}

// The typed futures: the socket seen as one direction's operation, with the
// output of one kind of operation.

type readFuture netFD // the reading direction: Read, ReadFull

func (f *readFuture) Poll(cx *rt.Context) (rt.Tuple2[int, error], bool) {
	fd := (*netFD)(f)
	done, err := fd.poll(cx, rt.DirRead)
	if !done {
		return rt.Tuple2[int, error]{}, false
	}
	return rt.Tuple2[int, error]{V0: int(fd.op(rt.DirRead).n), V1: fd.opErr("read", err)}, true
}

func (f *readFuture) Cancel() { (*netFD)(f).cancel(rt.DirRead) }

type writeFuture netFD // the writing direction: Write, SendTo, Send

func (f *writeFuture) Poll(cx *rt.Context) (rt.Tuple2[int, error], bool) {
	fd := (*netFD)(f)
	done, err := fd.poll(cx, rt.DirWrite)
	if !done {
		return rt.Tuple2[int, error]{}, false
	}
	return rt.Tuple2[int, error]{V0: int(fd.op(rt.DirWrite).n), V1: fd.opErr("write", err)}, true
}

func (f *writeFuture) Cancel() { (*netFD)(f).cancel(rt.DirWrite) }

type readPooledFuture netFD // the reading direction: ReadPooled

func (f *readPooledFuture) Poll(cx *rt.Context) (rt.Tuple2[*Buf, error], bool) {
	fd := (*netFD)(f)
	done, err := fd.poll(cx, rt.DirRead)
	if !done {
		return rt.Tuple2[*Buf, error]{}, false
	}
	return rt.Tuple2[*Buf, error]{V0: fd.op(rt.DirRead).takeBuf(opReadPooled), V1: fd.opErr("read", err)}, true
}

func (f *readPooledFuture) Cancel() { (*netFD)(f).cancel(rt.DirRead) }

type readableFuture netFD // the reading direction: Readable

func (f *readableFuture) Poll(cx *rt.Context) (error, bool) {
	return (*netFD)(f).pollReady(cx, rt.DirRead)
}

func (f *readableFuture) Cancel() { (*netFD)(f).cancel(rt.DirRead) }

type writableFuture netFD // the writing direction: Writable

func (f *writableFuture) Poll(cx *rt.Context) (error, bool) {
	return (*netFD)(f).pollReady(cx, rt.DirWrite)
}

func (f *writableFuture) Cancel() { (*netFD)(f).cancel(rt.DirWrite) }

// pollReady is the Poll of Readable (dir rt.DirRead) and Writable.
func (fd *netFD) pollReady(cx *rt.Context, dir rt.Direction) (error, bool) {
	done, err := fd.poll(cx, dir)
	if !done {
		return nil, false
	}
	op := "read"
	if dir == rt.DirWrite {
		op = "write"
	}
	return fd.opErr(op, err), true
}
