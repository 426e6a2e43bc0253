package netx

import (
	"errors"
	"io"
	"net"
	"sync"
	"testing"

	"github.com/corio-go/corio/rt"
	"golang.org/x/sys/unix"
)

// echoStream returns a Poll function that echoes s with ReadPooled until a
// read or a write fails, with that error as its output.
func echoStream(s *TCPStream) func(*rt.Context) (error, bool) {
	var (
		rd  rt.Future[rt.Tuple2[*Buf, error]]
		buf *Buf
		wr  rt.Future[rt.Tuple2[int, error]]
	)
	return func(cx *rt.Context) (error, bool) {
		for {
			if wr == nil {
				if rd == nil {
					rd = s.ReadPooledAsync()
				}
				out, ok := rd.Poll(cx)
				if !ok {
					return nil, false
				}
				if rd, buf = nil, out.V0; out.V1 != nil {
					return out.V1, true
				}
				wr = s.WriteAsync(buf.Bytes())
			}
			out, ok := wr.Poll(cx)
			if !ok {
				return nil, false
			}
			wr = nil
			buf.Release()
			if out.V1 != nil {
				return out.V1, true
			}
		}
	}
}

// acceptOn dials ln and accepts the connection on r, so that the stream is
// registered with r's driver; it returns the client's end and the stream.
func acceptOn(t *testing.T, r *rt.Runtime, ln *TCPListener) (net.Conn, *TCPStream) {
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	out := rt.BlockOn(r, ln.AcceptTCPAsync())
	if out.V1 != nil {
		t.Fatal(out.V1)
	}
	return c, out.V0
}

// TestCloseRacingWorkerIO: a stream echoing on a multi-thread worker (whose
// reads and writes hold no reference count: rt.CloseAfterPolls) is closed
// from another goroutine while traffic flows, and the freed descriptor
// numbers are taken at once by new socket pairs. No byte of the echo may
// land in one of them (a send on the old number after it was closed and
// reused would), and the echo ends with net.ErrClosed.
func TestCloseRacingWorkerIO(t *testing.T) {
	r := rt.NewMultiThread(rt.WithWorkers(2))
	defer r.Shutdown()
	ln, err := Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	for i := range 60 {
		c, s := acceptOn(t, r, ln)
		h := rt.SpawnOn(r, rt.PollFunc(echoStream(s)))
		// Keep the echo busy: a writer floods the connection and a reader
		// drains the echo, both until the connection fails.
		go func() {
			msg := make([]byte, 64)
			for {
				if _, err := c.Write(msg); err != nil {
					return
				}
			}
		}()
		got := make(chan struct{})
		go func() {
			b := make([]byte, 4096)
			n, _ := io.ReadAtLeast(c, b, 1)
			close(got)
			for n > 0 {
				n, _ = c.Read(b)
			}
		}()
		<-got // the echo is running
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		var pairs [][2]int
		for range 8 {
			p, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
			if err != nil {
				t.Fatal(err)
			}
			pairs = append(pairs, p)
		}
		out, jerr := h.Join()
		if jerr != nil || !errors.Is(out, net.ErrClosed) {
			t.Fatalf("round %d: echo ended with %v (join %v), want net.ErrClosed", i, out, jerr)
		}
		b := make([]byte, 64)
		for _, p := range pairs {
			for _, fd := range p {
				if n, err := unix.Read(fd, b); err != unix.EAGAIN {
					t.Fatalf("round %d: a socket pair on a freed number holds %d bytes (%v): the echo wrote to a reused descriptor", i, n, err)
				}
			}
			unix.Close(p[0])
			unix.Close(p[1])
		}
		c.Close()
	}
}

// TestCloseDuringFencedSyscall: a Close that lands between a worker's look
// at the closed mark and its syscall (held there by a test hook) leaves the
// descriptor open, so its number cannot go to another socket, until that
// poll is over; the syscall then reaches the old socket and the echo ends
// with net.ErrClosed. (With the descriptor closed at once, the socket pairs
// opened meanwhile would take its number.)
func TestCloseDuringFencedSyscall(t *testing.T) {
	ln, err := Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var (
		once    sync.Once
		target  = -1
		mu      sync.Mutex
		inside  = make(chan struct{})
		release = make(chan struct{})
	)
	testHookFenced = func(fd int) {
		mu.Lock()
		hit := fd == target
		mu.Unlock()
		if hit {
			once.Do(func() {
				close(inside)
				<-release
			})
		}
	}
	defer func() { testHookFenced = nil }()
	r := rt.NewMultiThread(rt.WithWorkers(2))
	defer r.Shutdown()
	c, s := acceptOn(t, r, ln)
	defer c.Close()
	old := s.sock().sysfd()
	mu.Lock()
	target = old
	mu.Unlock()
	h := rt.SpawnOn(r, rt.PollFunc(echoStream(s)))
	if _, err := c.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	<-inside // the echo's read is between its check and its recv
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	var pairs [][2]int
	reused := false
	for range 4 {
		p, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		pairs = append(pairs, p)
		reused = reused || p[0] == old || p[1] == old
	}
	close(release)
	for _, p := range pairs {
		unix.Close(p[0])
		unix.Close(p[1])
	}
	if reused {
		t.Fatalf("descriptor %d was closed and reused while a worker's syscall on it was pending", old)
	}
	out, jerr := h.Join()
	if jerr != nil {
		t.Fatal(jerr)
	}
	if out != nil && !errors.Is(out, net.ErrClosed) {
		t.Fatalf("echo ended with %v, want net.ErrClosed (or nil)", out)
	}
}
