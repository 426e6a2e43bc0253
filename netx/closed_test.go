//go:build linux

package netx

import (
	"errors"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/corio-go/corio/rt"
)

// runtimes returns a multi-thread runtime (whose reads and writes take the
// fenced path) and a current-thread one, each shut down at the test's end.
func runtimes(t *testing.T) map[string]*rt.Runtime {
	m := map[string]*rt.Runtime{"multi": rt.NewMultiThread(), "current": rt.NewCurrentThread()}
	for _, r := range m {
		t.Cleanup(r.Shutdown)
	}
	return m
}

// listenOn listens on loopback on r's driver.
func listenOn(t *testing.T, r *rt.Runtime) *TCPListener {
	out := rt.BlockOn(r, ListenAsync("tcp", "127.0.0.1:0"))
	if out.V1 != nil {
		t.Fatal(out.V1)
	}
	t.Cleanup(func() { out.V0.Close() })
	return out.V0
}

// TestPeerResetInTasks: a read and a write pending in tasks fail with the
// reset, as *net.OpError, when the peer resets (TestPeerResetMidRead and
// TestPeerResetMidWrite do it in direct mode).
func TestPeerResetInTasks(t *testing.T) {
	for name, r := range runtimes(t) {
		ln := listenOn(t, r)
		peer, s := acceptOn(t, r, ln)
		buf := make([]byte, 16)
		rd := rt.SpawnOn(r, s.ReadAsync(buf))
		var wr *rt.JoinHandle[rt.Tuple2[int, error]]
		if name == "multi" { // a current-thread runtime runs tasks only in BlockOn
			time.Sleep(5 * time.Millisecond)
		}
		peer.(*net.TCPConn).SetLinger(0)
		peer.Close()
		out := rt.BlockOn(r, rd.JoinAsync())
		var oe *net.OpError
		if out.V1 != nil || !errors.Is(out.V0.V1, syscall.ECONNRESET) || !errors.As(out.V0.V1, &oe) || oe.Op != "read" {
			t.Fatalf("%s: read in a task when the peer resets: %+v", name, out)
		}
		s.Close()

		peer, s = acceptOn(t, r, ln)
		wr = rt.SpawnOn(r, s.WriteAsync(make([]byte, 64<<20)))
		got := make(chan error, 1)
		go func() {
			_, err := io.ReadFull(peer, make([]byte, 4096)) // the write is under way
			peer.(*net.TCPConn).SetLinger(0)
			peer.Close()
			got <- err
		}()
		wout := rt.BlockOn(r, wr.JoinAsync())
		if err := <-got; err != nil {
			t.Fatal(err)
		}
		if wout.V1 != nil || !(errors.Is(wout.V0.V1, syscall.ECONNRESET) || errors.Is(wout.V0.V1, syscall.EPIPE)) || wout.V0.V0 >= 64<<20 {
			t.Fatalf("%s: write in a task when the peer resets: wrote %d, %v", name, wout.V0.V0, wout.V0.V1)
		}
		s.Close()
	}
}

// TestClosedSocketsAsync: every operation on a closed socket, started in a
// task, returns an error wrapping net.ErrClosed, and so does a second Close
// of every socket type; nothing panics.
func TestClosedSocketsAsync(t *testing.T) {
	closedErr := func(what string, err error) {
		t.Helper()
		var oe *net.OpError
		if !errors.Is(err, net.ErrClosed) || !errors.As(err, &oe) {
			t.Errorf("%s: %v; want a *net.OpError wrapping net.ErrClosed", what, err)
		}
	}
	for name, r := range runtimes(t) {
		ln := listenOn(t, r)
		peer, s := acceptOn(t, r, ln)
		defer peer.Close()
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 8)
		rh, wh := s.Split()
		closedErr(name+" ReadAsync", rt.BlockOn(r, s.ReadAsync(buf)).V1)
		closedErr(name+" ReadFullAsync", rt.BlockOn(r, s.ReadFullAsync(buf)).V1)
		rp := rt.BlockOn(r, s.ReadPooledAsync())
		closedErr(name+" ReadPooledAsync", rp.V1)
		if rp.V0 != nil {
			t.Errorf("%s: ReadPooledAsync on a closed stream returned a buffer", name)
		}
		closedErr(name+" ReadableAsync", rt.BlockOn(r, s.ReadableAsync()))
		closedErr(name+" WriteAsync", rt.BlockOn(r, s.WriteAsync(buf)).V1)
		closedErr(name+" WriteAllAsync", rt.BlockOn(r, s.WriteAllAsync(buf)).V1)
		closedErr(name+" WritableAsync", rt.BlockOn(r, s.WritableAsync()))
		closedErr(name+" read half", rt.BlockOn(r, rh.ReadAsync(buf)).V1)
		closedErr(name+" write half", rt.BlockOn(r, wh.WriteAsync(buf)).V1)
		closedErr(name+" CopyAsync", rt.BlockOn(r, CopyAsync(wh, rh)).V1)
		closedErr(name+" Reader.ReadLineAsync", rt.BlockOn(r, NewReader(s).ReadLineAsync()).V1)
		closedErr(name+" CloseWrite", s.CloseWrite())
		closedErr(name+" SetReadDeadline", s.SetReadDeadline(time.Now()))
		closedErr(name+" second Close", s.Close())
		if a := s.LocalAddr(); a != nil {
			// Looked up lazily: a closed socket has no address to report
			// unless it was asked before the Close (net caches it at dial).
			t.Logf("%s: LocalAddr after Close: %v", name, a)
		}

		// A pending Accept in a task is woken by Close; later ones fail.
		acc := rt.SpawnOn(r, ln.AcceptTCPAsync())
		if name == "multi" {
			time.Sleep(5 * time.Millisecond)
		}
		go func() {
			time.Sleep(5 * time.Millisecond)
			ln.Close()
		}()
		aout := rt.BlockOn(r, acc.JoinAsync())
		if aout.V1 != nil {
			t.Fatal(aout.V1)
		}
		closedErr(name+" pending AcceptTCPAsync", aout.V0.V1)
		closedErr(name+" AcceptAsync after Close", rt.BlockOn(r, ln.AcceptAsync()).V1)
		closedErr(name+" second listener Close", ln.Close())
	}

	// The other socket types.
	u, err := ListenUDP("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u.Close()
	closedErr("UDP second Close", u.Close())
	closedErr("UDP Recv", func() error { _, err := u.Recv(make([]byte, 1)); return err }())
	dir := t.TempDir()
	ul, err := ListenUnix(filepath.Join(dir, "s"))
	if err != nil {
		t.Fatal(err)
	}
	us, err := DialUnix(filepath.Join(dir, "s"))
	if err != nil {
		t.Fatal(err)
	}
	us.Close()
	closedErr("UnixStream second Close", us.Close())
	closedErr("UnixStream Read", func() error { _, err := us.Read(make([]byte, 1)); return err }())
	ul.Close()
	closedErr("UnixListener second Close", ul.Close())
	ud, err := ListenUnixgram(filepath.Join(dir, "d"))
	if err != nil {
		t.Fatal(err)
	}
	ud.Close()
	closedErr("UnixDatagram second Close", ud.Close())
}

// oneByteReader reads one byte per call, through the stream's own
// operations (which spend budget), and hides its ReadPooled.
type oneByteReader struct{ s *TCPStream }

func (o oneByteReader) Read(b []byte) (int, error) { return o.s.Read(b[:1]) }
func (o oneByteReader) ReadAsync(b []byte) rt.Future[rt.Tuple2[int, error]] {
	return o.s.ReadAsync(b[:1])
}

// TestCopySpendsBudget: a Copy whose source is always ready (all its data,
// and its end, are there before the copy starts) still lets another task of
// a one-thread runtime run before it ends.
func TestCopySpendsBudget(t *testing.T) {
	src, b := pair(t)
	dst, sink := pair(t)
	const n = 4096
	src.Write(make([]byte, n))
	src.CloseWrite()
	go io.Copy(io.Discard, sink)
	r := rt.NewCurrentThread()
	defer r.Shutdown()
	var other atomic.Bool
	var otherRanFirst bool
	cp := CopyAsync(dst, oneByteReader{b})
	h := rt.SpawnOn(r, rt.PollFunc(func(cx *rt.Context) (rt.Tuple2[int64, error], bool) {
		out, ok := cp.Poll(cx)
		if ok {
			otherRanFirst = other.Load()
		}
		return out, ok
	}))
	rt.SpawnOn(r, rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
		other.Store(true)
		return struct{}{}, true
	}))
	out := rt.BlockOn(r, h.JoinAsync())
	if out.V1 != nil || out.V0.V1 != nil || out.V0.V0 != n {
		t.Fatalf("copy: %+v", out)
	}
	if !otherRanFirst {
		t.Fatalf("a Copy of %d always-ready one-byte reads never let the other task run", n)
	}
}

// TestReaderHoldsNoBufferWhileWaiting: a Reader waiting for a line on an
// idle stream holds no buffer, neither before any data came nor after it
// consumed a partial line and waits for the rest.
func TestReaderHoldsNoBufferWhileWaiting(t *testing.T) {
	a, b := pair(t)
	rd := NewReader(b)
	cx := rt.NewContext(&countingWaker{})
	f := rd.ReadLineAsync()
	if _, ok := f.Poll(cx); ok {
		t.Fatal("ReadLine on an idle stream is ready")
	}
	if rd.b != nil {
		t.Fatal("a Reader waiting on an idle stream holds a buffer")
	}
	a.Write([]byte("part"))
	for {
		if _, ok := f.Poll(cx); ok {
			t.Fatal("ReadLine ready without a newline")
		}
		if b.sock().reg.Readiness().Ready&rt.Readable == 0 {
			break // it read "part" and waits again
		}
		time.Sleep(time.Millisecond)
	}
	if rd.b != nil {
		t.Fatal("a Reader waiting for the rest of a line holds a buffer")
	}
	a.Write([]byte("ial\nnext"))
	for {
		out, ok := f.Poll(cx)
		if ok {
			if out.V1 != nil || string(out.V0) != "partial" {
				t.Fatalf("ReadLine: %q, %v", out.V0, out.V1)
			}
			break
		}
		time.Sleep(time.Millisecond)
	}
	if rd.Buffered() != 4 {
		t.Fatalf("Buffered after the line: %d, want 4 (\"next\")", rd.Buffered())
	}
}

// TestBlockingCallInTaskNamesTwin: a plain-Go helper (io.ReadFull) reading
// a netx stream inside a task cannot suspend it; the panic names the
// operation and its twin rather than rt.Await, which the user never
// called, and the abandoned read frees the direction, so the next read of
// the stream is not taken for a second pending one.
func TestBlockingCallInTaskNamesTwin(t *testing.T) {
	a, b := pair(t)
	r := rt.NewMultiThread()
	defer r.Shutdown()
	h := rt.SpawnOn(r, rt.PollFunc(func(cx *rt.Context) (error, bool) {
		_, err := io.ReadFull(b, make([]byte, 4)) // nothing to read: it would block
		return err, true
	}))
	_, err := h.Join()
	var je *rt.JoinError
	if !errors.As(err, &je) || !je.IsPanic() {
		t.Fatalf("io.ReadFull of an empty stream in a task: %v; want a panic", err)
	}
	msg, _ := je.PanicValue().(string)
	for _, want := range []string{"corio/netx: Read would block inside a task", "ReadAsync", "netx.ReadFull"} {
		if !strings.Contains(msg, want) {
			t.Fatalf("panic %q does not say %q", msg, want)
		}
	}
	a.Write([]byte("data"))
	out := rt.BlockOn(r, b.ReadFullAsync(make([]byte, 4)))
	if out.V1 != nil || out.V0 != 4 {
		t.Fatalf("read after the refused one: %+v", out)
	}
}
