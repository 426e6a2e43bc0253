//go:build linux

package netx

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/corio-go/corio/rt"
)

// listen returns a listener on a loopback port, closed at the test's end.
func listen(t testing.TB) *TCPListener {
	t.Helper()
	ln, err := Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

// echoServer serves ln from plain goroutines, echoing with io.Copy.
func echoServer(t testing.TB, ln net.Listener) *sync.WaitGroup {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				if !errors.Is(err, net.ErrClosed) {
					t.Errorf("accept: %v", err)
				}
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				io.Copy(c, c)
			}()
		}
	}()
	return &wg
}

func TestDirectEchoBufio(t *testing.T) {
	ln := listen(t)
	wg := echoServer(t, ln)
	c, err := Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	for i := range 100 {
		line := strings.Repeat("x", i) + "\n"
		if _, err := io.WriteString(c, line); err != nil {
			t.Fatal(err)
		}
		got, err := br.ReadString('\n')
		if err != nil || got != line {
			t.Fatalf("line %d: got %q, %v", i, got, err)
		}
	}
	if err := c.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("after CloseWrite: %v, want io.EOF", err)
	}
	c.Close()
	ln.Close()
	wg.Wait()
}

func TestDialHostName(t *testing.T) {
	ln := listen(t)
	wg := echoServer(t, ln)
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	c, err := Dial("tcp", "localhost:"+port)
	if err != nil {
		t.Fatal(err)
	}
	c.Write([]byte("hi"))
	var b [2]byte
	if _, err := c.ReadFull(b[:]); err != nil || string(b[:]) != "hi" {
		t.Fatalf("got %q, %v", b, err)
	}
	if ra := c.RemoteAddr().(*net.TCPAddr); ra.Port != ln.Addr().(*net.TCPAddr).Port {
		t.Fatalf("RemoteAddr %v, listener %v", ra, ln.Addr())
	}
	c.Close()
	ln.Close()
	wg.Wait()
}

func TestLargeWriteAndCopy(t *testing.T) {
	ln := listen(t)
	wg := echoServer(t, ln)
	c, err := Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	data := make([]byte, 8<<20)
	rand.Read(data)
	go func() {
		if _, err := c.Write(data); err != nil {
			t.Error(err)
		}
		c.CloseWrite()
	}()
	got, err := io.ReadAll(c)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("echoed %d bytes (equal %v), %v", len(got), bytes.Equal(got, data), err)
	}
	c.Close()
	ln.Close()
	wg.Wait()
}

func TestHTTPServerAndClient(t *testing.T) {
	ln := listen(t)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Write([]byte("hello " + r.URL.Path + " " + string(body)))
	})}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	tr := &http.Transport{Dial: func(network, addr string) (net.Conn, error) { return Dial(network, addr) }}
	cl := &http.Client{Transport: tr}
	for i := range 20 {
		resp, err := cl.Post("http://"+ln.Addr().String()+"/p", "text/plain", strings.NewReader("body"))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || string(b) != "hello /p body" {
			t.Fatalf("request %d: %q, %v", i, b, err)
		}
	}
	tr.CloseIdleConnections()
	srv.Close()
	if err := <-done; err != http.ErrServerClosed {
		t.Fatal(err)
	}
}

func selfSigned(t testing.TB) tls.Certificate {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "corio"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func TestTLS(t *testing.T) {
	cert := selfSigned(t)
	ln := listen(t)
	tln := tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}})
	wg := echoServer(t, tln)
	raw, err := Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c := tls.Client(raw, &tls.Config{InsecureSkipVerify: true})
	msg := []byte("over tls")
	if _, err := c.Write(msg); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(c, got); err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("got %q, %v", got, err)
	}
	c.Close()
	ln.Close()
	wg.Wait()
}

func TestReadDeadline(t *testing.T) {
	ln := listen(t)
	wg := echoServer(t, ln)
	c, err := Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var b [1]byte

	// A deadline in the past fails at once.
	c.SetReadDeadline(time.Now().Add(-time.Second))
	_, err = c.Read(b[:])
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("past deadline: %v", err)
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("%v is not a net.Error timeout", err)
	}

	// A deadline that passes while Read waits.
	c.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	if _, err := c.Read(b[:]); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("deadline while waiting: %v", err)
	}

	// Moving the deadline from another goroutine wakes the pending Read
	// (net/http's way of aborting a background read).
	c.SetReadDeadline(time.Time{})
	go func() {
		time.Sleep(20 * time.Millisecond)
		c.SetReadDeadline(time.Now())
	}()
	if _, err := c.Read(b[:]); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("deadline moved while waiting: %v", err)
	}

	// Clearing the deadline makes the stream usable again.
	c.SetDeadline(time.Time{})
	c.Write([]byte("z"))
	if _, err := c.Read(b[:]); err != nil || b[0] != 'z' {
		t.Fatalf("after clearing: %q, %v", b, err)
	}
	c.Close()
	ln.Close()
	wg.Wait()
}

func TestWriteDeadline(t *testing.T) {
	ln := listen(t)
	c, err := Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	peer, err := ln.AcceptTCP() // never reads
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	c.SetWriteDeadline(time.Now().Add(50 * time.Millisecond))
	n, err := c.Write(make([]byte, 64<<20))
	if !errors.Is(err, os.ErrDeadlineExceeded) || n >= 64<<20 {
		t.Fatalf("wrote %d, %v; want a prefix and a deadline error", n, err)
	}
}

func TestCloseWakesPendingReadAndAccept(t *testing.T) {
	ln := listen(t)
	acceptErr := make(chan error, 1)
	go func() {
		_, err := ln.Accept()
		acceptErr <- err
	}()
	time.Sleep(10 * time.Millisecond)
	ln.Close()
	if err := <-acceptErr; !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Accept after Close: %v", err)
	}
	if err := ln.Close(); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("second listener Close: %v", err)
	}

	ln2 := listen(t)
	c, err := Dial("tcp", ln2.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	peer, _ := ln2.AcceptTCP()
	defer peer.Close()
	readErr := make(chan error, 1)
	go func() {
		var b [1]byte
		_, err := c.Read(b[:])
		readErr <- err
	}()
	time.Sleep(10 * time.Millisecond)
	c.Close()
	if err := <-readErr; !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Read after Close: %v", err)
	}
	var b [1]byte
	if _, err := c.Read(b[:]); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Read on closed: %v", err)
	}
	if _, err := c.Write(b[:]); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Write on closed: %v", err)
	}
	if _, err := c.TryRead(b[:]); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("TryRead on closed: %v", err)
	}
	if err := c.Close(); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("second Close: %v", err)
	}
	if err := c.SetNoDelay(true); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("SetNoDelay on closed: %v", err)
	}
}

func TestDialRefused(t *testing.T) {
	ln := listen(t)
	addr := ln.Addr().String()
	ln.Close()
	_, err := Dial("tcp", addr)
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial closed port: %v", err)
	}
	var oe *net.OpError
	if !errors.As(err, &oe) || oe.Op != "dial" {
		t.Fatalf("%#v is not a dial *net.OpError", err)
	}
}

func TestDialTimeout(t *testing.T) {
	// A listener with a full backlog that never accepts: further SYNs are
	// dropped, so the connect hangs until the timeout.
	lc := ListenConfig{Backlog: 1}
	ln, err := lc.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var conns []*TCPStream
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := 0; ; i++ {
		c, err := DialTimeout("tcp", ln.Addr().String(), 100*time.Millisecond)
		if err == nil {
			conns = append(conns, c)
			if i > 64 {
				t.Skip("the kernel keeps accepting into a backlog of 1")
			}
			continue
		}
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("dial %d: %v, want a deadline error", i, err)
		}
		break
	}
}

func TestUnknownNetworkAndBadAddress(t *testing.T) {
	if _, err := Dial("tcpx", "127.0.0.1:1"); err == nil {
		t.Fatal("unknown network accepted")
	}
	if _, err := Listen("tcp", "no-port"); err == nil {
		t.Fatal("address without port accepted")
	}
	if _, err := Dial("tcp4", "[::1]:80"); err == nil {
		t.Fatal("tcp4 dialled an IPv6 address")
	}
}

func TestAsyncEcho(t *testing.T) {
	ln := listen(t)
	wg := echoServer(t, ln)
	addr := ln.Addr().String()
	// A hand-written task that dials, writes, reads back, on a runtime.
	out := rt.RunMulti(rt.PollFunc(pingPong(addr, 50)))
	if out != nil {
		t.Fatal(out)
	}
	// A host name is resolved on the runtime's blocking pool.
	out = rt.Run(rt.PollFunc(pingPong("localhost:"+portOf(ln.Addr()), 5)))
	if out != nil {
		t.Fatal(out)
	}
	ln.Close()
	wg.Wait()
}

// pingPong returns a Poll function that dials addr and does n 64-byte round
// trips with the Async twins.
func pingPong(addr string, n int) func(cx *rt.Context) (error, bool) {
	var (
		dial  rt.Future[rt.Tuple2[*TCPStream, error]]
		c     *TCPStream
		i     int
		wr    rt.Future[rt.Tuple2[int, error]]
		rd    rt.Future[rt.Tuple2[int, error]]
		msg   = []byte(strings.Repeat("hello, corio! ", 5)[:64])
		buf   = make([]byte, 64)
		state int
	)
	return func(cx *rt.Context) (error, bool) {
		for {
			switch state {
			case 0:
				dial = DialAsync("tcp", addr)
				state = 1
			case 1:
				out, ok := dial.Poll(cx)
				if !ok {
					return nil, false
				}
				if out.V1 != nil {
					return out.V1, true
				}
				c = out.V0
				state = 2
			case 2:
				if i == n {
					return c.Close(), true
				}
				wr = c.WriteAsync(msg)
				state = 3
			case 3:
				out, ok := wr.Poll(cx)
				if !ok {
					return nil, false
				}
				if out.V1 != nil {
					return out.V1, true
				}
				rd = c.ReadFullAsync(buf)
				state = 4
			case 4:
				out, ok := rd.Poll(cx)
				if !ok {
					return nil, false
				}
				if out.V1 != nil {
					return out.V1, true
				}
				if string(buf) != string(msg) {
					return errors.New("bad echo " + string(buf)), true
				}
				i++
				state = 2
			}
		}
	}
}

type countingWaker struct{ n atomic.Int32 }

func (w *countingWaker) Wake() { w.n.Add(1) }

// TestCancelledReadForgetsWaker: a read abandoned while pending (a timeout
// that won) must not leave its task's waker in the registration.
func TestCancelledReadForgetsWaker(t *testing.T) {
	a, b := pair(t)
	w := &countingWaker{}
	cx := rt.NewContext(w)
	var buf [4]byte
	f := a.ReadAsync(buf[:])
	if _, ok := f.Poll(cx); ok {
		t.Fatal("read of an empty socket ready")
	}
	rt.Cancel(f)
	b.Write([]byte("late"))
	for a.sock().reg.Readiness().Ready&rt.Readable == 0 {
		time.Sleep(time.Millisecond)
	}
	rt.Sleep(2 * time.Millisecond) // the driver has woken that batch's waiters
	if n := w.n.Load(); n != 0 {
		t.Fatalf("the cancelled read's waker was woken %d times", n)
	}
	// The data is still there for the next read.
	if n, err := a.Read(buf[:]); err != nil || string(buf[:n]) != "late" {
		t.Fatalf("read after cancel: %q, %v", buf[:n], err)
	}
}

// TestSecondPendingOpSameDirectionPanics: two tasks reading one stream at
// once is a misuse that start reports (with a panic naming it) instead of
// silently stealing the first read's future; after the first read completes,
// or is cancelled, the direction takes a new operation.
func TestSecondPendingOpSameDirectionPanics(t *testing.T) {
	a, b := pair(t)
	cx := rt.NewContext(&countingWaker{})
	var buf1, buf2 [4]byte
	first := a.ReadAsync(buf1[:])
	if _, ok := first.Poll(cx); ok {
		t.Fatal("read of an empty socket ready")
	}
	for _, second := range []struct {
		name  string
		start func()
	}{
		{"ReadAsync", func() { a.ReadAsync(buf2[:]) }},
		{"ReadPooledAsync", func() { a.ReadPooledAsync() }},
		{"ReadableAsync", func() { a.ReadableAsync() }},
		{"blocking Read", func() { a.Read(buf2[:]) }},
	} {
		func() {
			defer func() {
				msg, _ := recover().(string)
				if !strings.Contains(msg, "corio/netx:") || !strings.Contains(msg, "pending in the same direction") {
					t.Errorf("%s while a read is pending: recovered %q; want the misuse panic", second.name, msg)
				}
			}()
			second.start()
		}()
	}
	// The writing direction is independent.
	if _, err := a.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	// Two tasks: the second one's Join reports the panic.
	r := rt.NewMultiThread()
	defer r.Shutdown()
	var second rt.Future[rt.Tuple2[int, error]]
	h := rt.SpawnOn(r, rt.PollFunc(func(cx *rt.Context) (rt.Tuple2[int, error], bool) {
		if second == nil {
			second = a.ReadAsync(buf2[:]) // started inside the task
		}
		return second.Poll(cx)
	}))
	if _, err := h.Join(); err == nil || !strings.Contains(err.Error(), "pending in the same direction") {
		t.Fatalf("a second task reading while the first waits: %v; want the misuse panic", err)
	}
	// The first read still completes, and then the direction is free.
	b.Write([]byte("data"))
	for {
		out, ok := first.Poll(cx)
		if ok {
			if out.V1 != nil || string(buf1[:out.V0]) != "data" {
				t.Fatalf("first read: %q, %v", buf1[:out.V0], out.V1)
			}
			break
		}
		time.Sleep(time.Millisecond)
	}
	b.Write([]byte("more"))
	if n, err := a.Read(buf2[:]); err != nil || string(buf2[:n]) != "more" {
		t.Fatalf("read after the first completed: %q, %v", buf2[:n], err)
	}
	// A cancelled read frees the direction too.
	f := a.ReadAsync(buf1[:])
	if _, ok := f.Poll(cx); ok {
		t.Fatal("read of an empty socket ready")
	}
	rt.Cancel(f)
	b.Write([]byte("last"))
	if n, err := a.Read(buf2[:]); err != nil || string(buf2[:n]) != "last" {
		t.Fatalf("read after a cancelled one: %q, %v", buf2[:n], err)
	}
}

// TestSplitHalvesFromTwoTasks: one task writes through the write half while
// another reads the echo through the read half, on a multi-thread runtime.
func TestSplitHalvesFromTwoTasks(t *testing.T) {
	ln := listen(t)
	wg := echoServer(t, ln)
	r := rt.NewMultiThread()
	defer r.Shutdown()
	out := rt.BlockOn(r, DialAsync("tcp", ln.Addr().String()))
	if out.V1 != nil {
		t.Fatal(out.V1)
	}
	c := out.V0
	rh, wh := c.Split()
	data := make([]byte, 2<<20)
	rand.Read(data)
	got := make([]byte, len(data))
	reader := rt.SpawnOn(r, rh.ReadFullAsync(got))
	writer := rt.SpawnOn(r, wh.WriteAsync(data))
	if w, err := writer.Join(); err != nil || w.V1 != nil || w.V0 != len(data) {
		t.Fatalf("write half: %+v, %v", w, err)
	}
	if rd, err := reader.Join(); err != nil || rd.V1 != nil || !bytes.Equal(got, data) {
		t.Fatalf("read half: %+v, %v", rd, err)
	}
	c.Close()
	ln.Close()
	wg.Wait()
}

func TestListenerDeadline(t *testing.T) {
	ln := listen(t)
	ln.SetDeadline(time.Now().Add(10 * time.Millisecond))
	if _, err := ln.Accept(); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Accept past the deadline: %v", err)
	}
	ln.SetDeadline(time.Time{})
	go func() {
		if c, err := Dial("tcp", ln.Addr().String()); err == nil {
			c.Close()
		}
	}()
	c, err := ln.Accept()
	if err != nil {
		t.Fatalf("Accept after clearing the deadline: %v", err)
	}
	c.Close()
}

// TestReadsSpendBudget: a task reading a socket that always has data still
// yields to its neighbours on a one-thread runtime, because every read
// spends budget.
func TestReadsSpendBudget(t *testing.T) {
	a, b := pair(t)
	const n = 4096
	a.Write(make([]byte, n)) // all there before the reader starts
	var other atomic.Bool
	var otherRanFirst bool
	r := rt.NewCurrentThread()
	defer r.Shutdown()
	var buf [1]byte
	var read int
	var rd rt.Future[rt.Tuple2[int, error]]
	reader := rt.SpawnOn(r, rt.PollFunc(func(cx *rt.Context) (error, bool) {
		for read < n {
			if rd == nil {
				rd = b.ReadAsync(buf[:]) // one byte per read: n reads
			}
			out, ok := rd.Poll(cx)
			if !ok {
				return nil, false
			}
			rd = nil
			if out.V1 != nil {
				return out.V1, true
			}
			read += out.V0
		}
		otherRanFirst = other.Load()
		return nil, true
	}))
	rt.SpawnOn(r, rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
		other.Store(true)
		return struct{}{}, true
	}))
	// A current-thread runtime runs its tasks while something blocks on it.
	if out := rt.BlockOn(r, reader.JoinAsync()); out.V0 != nil || out.V1 != nil {
		t.Fatal(out.V0, out.V1)
	}
	if !otherRanFirst {
		t.Fatal("a task doing 4096 ready reads never let the other task run")
	}
	if m := r.Metrics(); m.BudgetYields == 0 {
		t.Fatalf("no budget yield recorded: %+v", m)
	}
}

func TestReadableTryRead(t *testing.T) {
	a, b := pair(t)
	var buf [8]byte
	if _, err := b.TryRead(buf[:]); !errors.Is(err, ErrWouldBlock) {
		t.Fatalf("TryRead on an empty socket: %v", err)
	}
	a.Write([]byte("abc"))
	if err := b.Readable(); err != nil {
		t.Fatal(err)
	}
	if n, err := b.TryRead(buf[:]); err != nil || string(buf[:n]) != "abc" {
		t.Fatalf("TryRead after Readable: %q, %v", buf[:n], err)
	}
	if _, err := b.TryRead(buf[:]); !errors.Is(err, ErrWouldBlock) {
		t.Fatalf("TryRead on a drained socket: %v", err)
	}
	if n, err := b.TryWrite([]byte("xyz")); err != nil || n != 3 {
		t.Fatalf("TryWrite: %d, %v", n, err)
	}
	if err := a.Writable(); err != nil {
		t.Fatal(err)
	}
	if n, err := a.ReadFull(buf[:3]); err != nil || string(buf[:n]) != "xyz" {
		t.Fatalf("ReadFull: %q, %v", buf[:n], err)
	}
	a.CloseWrite()
	if err := b.Readable(); err != nil {
		t.Fatal(err)
	}
	if _, err := b.TryRead(buf[:]); err != io.EOF {
		t.Fatalf("TryRead at the end of the stream: %v", err)
	}
}

// TestTimeoutsUnderPausedClock: on a runtime with a paused clock, a read or
// write bounded by rt.Timeout, or by a deadline set on the runtime's clock,
// gives up when the clock jumps to it (every task idle) — an hour of virtual
// time, no real waiting — and data already in the socket still wins over
// the timer. The clock starts in 2000, far from the real time, so that a
// deadline compared with the wrong clock shows.
func TestTimeoutsUnderPausedClock(t *testing.T) {
	start := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	r := rt.NewCurrentThreadWith(rt.WithPausedClock(start))
	defer r.Shutdown()
	ln := rt.BlockOn(r, ListenAsync("tcp", "127.0.0.1:0"))
	if ln.V1 != nil {
		t.Fatal(ln.V1)
	}
	defer ln.V0.Close()
	peer, err := net.Dial("tcp", ln.V0.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	acc := rt.BlockOn(r, ln.V0.AcceptTCPAsync()) // registered with r's driver
	if acc.V1 != nil {
		t.Fatal(acc.V1)
	}
	s := acc.V0
	defer s.Close()
	now := func() time.Time { return rt.BlockOn(r, rt.NowAsync()) }
	buf := make([]byte, 8)

	// A read with nothing to read times out after an hour of virtual time.
	t0 := now()
	out := rt.BlockOn(r, rt.TimeoutAsync(time.Hour, s.ReadAsync(buf)))
	if !errors.Is(out.V1, rt.ErrTimeout) {
		t.Fatalf("read under rt.Timeout: %+v; want ErrTimeout", out)
	}
	if d := now().Sub(t0); d < time.Hour {
		t.Fatalf("the read timed out after %v of virtual time; want an hour", d)
	}

	// Data already in the socket wins over the timeout, and the clock stays.
	peer.Write([]byte("ping"))
	t0 = now()
	out = rt.BlockOn(r, rt.TimeoutAsync(time.Hour, s.ReadAsync(buf)))
	if out.V1 != nil || out.V0.V1 != nil || string(buf[:out.V0.V0]) != "ping" {
		t.Fatalf("read of available data under rt.Timeout: %+v", out)
	}
	if d := now().Sub(t0); d >= time.Hour {
		t.Fatalf("the clock jumped %v during a read that had data", d)
	}

	// A write the peer does not drain times out too (having written a prefix).
	big := make([]byte, 64<<20)
	t0 = now()
	wout := rt.BlockOn(r, rt.TimeoutAsync(time.Hour, s.WriteAsync(big)))
	if !errors.Is(wout.V1, rt.ErrTimeout) {
		t.Fatalf("write under rt.Timeout: %+v; want ErrTimeout", wout.V1)
	}
	if d := now().Sub(t0); d < time.Hour {
		t.Fatalf("the write timed out after %v of virtual time; want an hour", d)
	}

	// A read deadline an hour ahead on the runtime's clock: it expires when
	// the clock gets there, not at once (the real time is long past 2000).
	t0 = now()
	s.SetReadDeadline(t0.Add(time.Hour))
	out2 := rt.BlockOn(r, s.ReadAsync(buf))
	if !errors.Is(out2.V1, os.ErrDeadlineExceeded) {
		t.Fatalf("read with a deadline: %+v; want os.ErrDeadlineExceeded", out2)
	}
	if d := now().Sub(t0); d < time.Hour {
		t.Fatalf("the read deadline expired after %v of virtual time; want an hour", d)
	}
	// Past it, the deadline fails reads at once; cleared, a read proceeds.
	if out2 = rt.BlockOn(r, s.ReadAsync(buf)); !errors.Is(out2.V1, os.ErrDeadlineExceeded) {
		t.Fatalf("read past the deadline: %+v", out2)
	}
	s.SetReadDeadline(time.Time{})
	peer.Write([]byte("pong"))
	if out2 = rt.BlockOn(r, s.ReadAsync(buf)); out2.V1 != nil || string(buf[:out2.V0]) != "pong" {
		t.Fatalf("read after clearing the deadline: %+v", out2)
	}
}

// TestSocketOrdersMemoryForRace: data handed from one goroutine to another
// through a socket is ordered for the race detector, as with net (the
// syscall package's read and write carry that edge; netx's raw recv and send
// carry their own): under -race, the reader's access to what the writer
// stored before its Write is not reported.
func TestSocketOrdersMemoryForRace(t *testing.T) {
	a, b := pair(t)
	shared := make([]int, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		var buf [1]byte
		if _, err := b.Read(buf[:]); err != nil {
			t.Error(err)
			return
		}
		if shared[0] != 42 {
			t.Errorf("shared = %d after the message; want 42", shared[0])
		}
	}()
	time.Sleep(time.Millisecond) // let the reader wait first
	shared[0] = 42
	if _, err := a.Write([]byte{1}); err != nil {
		t.Fatal(err)
	}
	<-done
}
