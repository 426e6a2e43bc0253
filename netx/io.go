package netx

//go:generate go run github.com/corio-go/corio/cmd/asyncgen

import (
	"bytes"
	"io"

	"github.com/corio-go/corio/rt"
)

// I/O helpers. They are ordinary Go functions marked //async:func, so each
// has its Async twin (written by asyncgen into io_async.go) and spends the
// cooperative budget through the socket operations it awaits: a copy between
// two always-ready sockets still yields to the other tasks of its runtime.

// AsyncReader is a reader with an Async twin: *TCPStream, *UnixStream,
// *ReadHalf and *Reader are.
type AsyncReader interface {
	Read(b []byte) (int, error)
	ReadAsync(b []byte) rt.Future[rt.Tuple2[int, error]]
}

// AsyncWriter is a writer with an Async twin; Write must write all of b or
// return an error (as netx's streams do).
type AsyncWriter interface {
	Write(b []byte) (int, error)
	WriteAsync(b []byte) rt.Future[rt.Tuple2[int, error]]
}

// PooledReader reads into buffers borrowed from netx's pool only once data
// is there (see ReadPooled). The helpers below prefer it when the source
// has it, so that a copy or a buffered reader waiting on an idle
// connection holds no buffer.
type PooledReader interface {
	ReadPooled() (*Buf, error)
	ReadPooledAsync() rt.Future[rt.Tuple2[*Buf, error]]
}

// Stream is what CopyBidirectional connects: a reader and writer whose
// writing side can be shut down on its own.
type Stream interface {
	AsyncReader
	AsyncWriter
	CloseWrite() error
}

// Copy copies from src to dst until src reaches its end (which is not an
// error) or either fails, and returns the bytes copied. A PooledReader
// source is read with ReadPooled, so the copy holds no buffer while it
// waits; otherwise one pooled buffer is borrowed for the copy's duration.
//
//async:func
func Copy(dst AsyncWriter, src AsyncReader) (int64, error) {
	var total int64
	if pr, ok := src.(PooledReader); ok {
		for {
			b, err := pr.ReadPooled()
			if err != nil {
				if err == io.EOF {
					return total, nil
				}
				return total, err
			}
			n, err := dst.Write(b.Bytes())
			total += int64(n)
			b.Release()
			if err != nil {
				return total, err
			}
		}
	}
	b := getBuf()
	buf := b.b[:cap(b.b)]
	for {
		n, err := src.Read(buf)
		if n > 0 {
			w, werr := dst.Write(buf[:n])
			total += int64(w)
			if werr != nil {
				b.Release()
				return total, werr
			}
		}
		if err != nil {
			b.Release()
			if err == io.EOF {
				return total, nil
			}
			return total, err
		}
	}
}

// copyHalf is Copy followed by shutting down dst's writing side, so that
// the end of src's stream reaches dst's peer (half-close propagation).
//
//async:func
func copyHalf(dst Stream, src AsyncReader) (int64, error) {
	n, err := Copy(dst, src)
	if err != nil {
		return n, err
	}
	return n, dst.CloseWrite()
}

// ReadFull reads exactly len(b) bytes from r, as io.ReadFull: fewer only
// with an error, io.ErrUnexpectedEOF if r ended after some of them.
//
//async:func
func ReadFull(r AsyncReader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := r.Read(b[n:])
		n += m
		if err != nil {
			if n == len(b) {
				return n, nil
			}
			if err == io.EOF && n > 0 {
				return n, io.ErrUnexpectedEOF
			}
			return n, err
		}
	}
	return n, nil
}

// CopyBidirectional copies a to b and b to a at once until both directions
// end, and returns the bytes copied each way (direct mode of
// CopyBidirectionalAsync). When one side's stream ends, the other side's
// writing half is shut down (CloseWrite), so each peer sees the other's
// half-close as a proxy should pass it on; the copy goes on in the other
// direction. The first error ends both directions and is returned; the
// streams are left open for the caller to close.
func CopyBidirectional(a, b Stream) (aToB, bToA int64, err error) {
	out := await(CopyBidirectionalAsync(a, b), "CopyBidirectional")
	return out.V0, out.V1, out.V2
}

// CopyBidirectionalAsync returns a future of CopyBidirectional's results.
// It polls both directions itself (no task is spawned). Cancelling it
// cancels both.
func CopyBidirectionalAsync(a, b Stream) rt.Future[rt.Tuple3[int64, int64, error]] {
	return &bidiFuture{ab: copyHalfAsync(b, a), ba: copyHalfAsync(a, b)}
}

type bidiFuture struct {
	ab, ba rt.Future[rt.Tuple2[int64, error]] // nil once done
	out    rt.Tuple3[int64, int64, error]
}

func (f *bidiFuture) Poll(cx *rt.Context) (rt.Tuple3[int64, int64, error], bool) {
	if pollHalf(cx, &f.ab, &f.out.V0, &f.out.V2) || pollHalf(cx, &f.ba, &f.out.V1, &f.out.V2) {
		f.Cancel() // one direction failed: stop the other
		return f.out, true
	}
	if f.ab == nil && f.ba == nil {
		return f.out, true
	}
	return rt.Tuple3[int64, int64, error]{}, false
}

// pollHalf polls one direction if it still runs, storing its count in n
// when it ends; it reports whether it ended with an error (stored in err).
func pollHalf(cx *rt.Context, h *rt.Future[rt.Tuple2[int64, error]], n *int64, err *error) bool {
	if *h == nil {
		return false
	}
	r, ok := (*h).Poll(cx)
	if !ok {
		return false
	}
	*h, *n, *err = nil, r.V0, r.V1
	return r.V1 != nil
}

// Cancel cancels the directions still running.
func (f *bidiFuture) Cancel() {
	if f.ab != nil {
		rt.Cancel(f.ab)
		f.ab = nil
	}
	if f.ba != nil {
		rt.Cancel(f.ba)
		f.ba = nil
	}
}

// Reader is a buffered reader over an AsyncReader, like bufio.Reader, with
// Async twins. Its buffer is borrowed from netx's pool when data arrives
// and given back as soon as it is consumed, so a Reader waiting on an idle
// connection holds no buffer (with a PooledReader source, not even during
// the wait). Not safe for concurrent use.
type Reader struct {
	src AsyncReader
	b   *Buf  // the buffered data, b.b[r:]; nil when nothing is buffered
	r   int   // read offset into b.b
	err error // an error that came with data, returned once that data is read
}

// NewReader returns a Reader reading from src.
func NewReader(src AsyncReader) *Reader { return &Reader{src: src} }

// Buffered returns the number of bytes that can be read without waiting.
func (r *Reader) Buffered() int {
	if r.b == nil {
		return 0
	}
	return len(r.b.b) - r.r
}

func (r *Reader) buffered() []byte {
	if r.b == nil {
		return nil
	}
	return r.b.b[r.r:]
}

// consume drops n buffered bytes, giving the buffer back once it is empty.
func (r *Reader) consume(n int) {
	r.r += n
	if r.b != nil && r.r == len(r.b.b) {
		r.b.Release()
		r.b, r.r = nil, 0
	}
}

// takeErr returns and clears the error saved with the last data.
func (r *Reader) takeErr() error {
	err := r.err
	r.err = nil
	return err
}

// fill waits for data and buffers it; the buffer must be empty.
//
//async:func
func (r *Reader) fill() error {
	if r.err != nil {
		return r.takeErr()
	}
	if pr, ok := r.src.(PooledReader); ok {
		b, err := pr.ReadPooled()
		if err != nil {
			return err
		}
		r.b, r.r = b, 0
		return nil
	}
	b := getBuf()
	n, err := r.src.Read(b.b[:cap(b.b)])
	if n > 0 {
		b.b = b.b[:n]
		r.b, r.r, r.err = b, 0, err
		return nil
	}
	b.Release()
	if err == nil {
		err = io.ErrNoProgress
	}
	return err
}

// Read reads up to len(p) bytes: buffered ones first, else it waits for
// more (io.Reader's contract; direct mode of ReadAsync).
//
//async:func
func (r *Reader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if r.Buffered() == 0 {
		if err := r.fill(); err != nil {
			return 0, err
		}
	}
	n := copy(p, r.buffered())
	r.consume(n)
	return n, nil
}

// ReadBytes reads until the first delim and returns the data up to and
// including it in a new slice; an error (io.EOF at the end of the stream)
// comes with whatever was read before it, as bufio's ReadBytes.
//
//async:func
func (r *Reader) ReadBytes(delim byte) ([]byte, error) {
	var out []byte
	for {
		buf := r.buffered()
		if i := bytes.IndexByte(buf, delim); i >= 0 {
			out = append(out, buf[:i+1]...)
			r.consume(i + 1)
			return out, nil
		}
		out = append(out, buf...)
		r.consume(len(buf))
		if err := r.fill(); err != nil {
			return out, err
		}
	}
}

// ReadLine reads one line and returns it without its "\n" or "\r\n". A last
// line that lacks the newline is returned with a nil error; after the last
// line it returns nil, io.EOF.
//
//async:func
func (r *Reader) ReadLine() ([]byte, error) {
	line, err := r.ReadBytes('\n')
	if err == io.EOF && len(line) > 0 {
		err = nil
	}
	line = bytes.TrimSuffix(line, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	return line, err
}

// Writer is a buffered writer over an AsyncWriter, like bufio.Writer, with
// Async twins. Its buffer (PooledBufferSize bytes) is borrowed from netx's
// pool at the first Write and given back by Flush. Not safe for concurrent
// use.
type Writer struct {
	dst AsyncWriter
	b   *Buf // nil when nothing is buffered
}

// NewWriter returns a Writer writing to dst.
func NewWriter(dst AsyncWriter) *Writer { return &Writer{dst: dst} }

// Buffered returns the number of bytes written but not yet flushed.
func (w *Writer) Buffered() int {
	if w.b == nil {
		return 0
	}
	return len(w.b.b)
}

// Write buffers p, flushing first when p does not fit; a p larger than the
// buffer goes straight to the destination after the flush. Direct mode of
// WriteAsync.
//
//async:func
func (w *Writer) Write(p []byte) (int, error) {
	if w.Buffered()+len(p) > PooledBufferSize {
		if err := w.Flush(); err != nil {
			return 0, err
		}
		if len(p) >= PooledBufferSize {
			return w.dst.Write(p)
		}
	}
	if w.b == nil {
		w.b = getBuf()
	}
	w.b.b = append(w.b.b, p...)
	return len(p), nil
}

// Flush writes the buffered data to the destination and gives the buffer
// back to the pool. Direct mode of FlushAsync.
//
//async:func
func (w *Writer) Flush() error {
	if w.b == nil {
		return nil
	}
	_, err := w.dst.Write(w.b.b)
	w.b.Release()
	w.b = nil
	return err
}
