//go:build linux

package netx

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/corio-go/corio/rt"
	"golang.org/x/sys/unix"
)

// reset closes s so that its peer sees a reset (SO_LINGER 0).
func reset(t *testing.T, s *TCPStream) {
	if err := s.SetLinger(0); err != nil {
		t.Fatal(err)
	}
	s.Close()
}

func TestPeerResetMidRead(t *testing.T) {
	a, b := pair(t)
	done := make(chan error, 1)
	go func() {
		var buf [16]byte
		_, err := a.Read(buf[:])
		done <- err
	}()
	time.Sleep(5 * time.Millisecond)
	reset(t, b)
	err := <-done
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("Read when the peer resets: %v", err)
	}
	var oe *net.OpError
	if !errors.As(err, &oe) || oe.Op != "read" {
		t.Fatalf("%v is not a read *net.OpError", err)
	}
}

func TestPeerResetMidWrite(t *testing.T) {
	a, b := pair(t)
	done := make(chan error, 1)
	go func() {
		_, err := a.Write(make([]byte, 64<<20)) // far more than the socket buffers
		done <- err
	}()
	var buf [4096]byte
	b.ReadFull(buf[:]) // the write is under way
	reset(t, b)
	err := <-done
	if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.EPIPE) {
		t.Fatalf("Write when the peer resets: %v", err)
	}
}

func TestHalfCloseBothWays(t *testing.T) {
	a, b := pair(t)
	a.Write([]byte("a->b"))
	a.CloseWrite()
	if got, err := io.ReadAll(b); err != nil || string(got) != "a->b" {
		t.Fatalf("b read %q, %v", got, err)
	}
	// b can still write after its peer's half-close.
	b.Write([]byte("b->a"))
	b.CloseWrite()
	if got, err := io.ReadAll(a); err != nil || string(got) != "b->a" {
		t.Fatalf("a read %q, %v", got, err)
	}
	// Writing after CloseWrite fails; reading after CloseRead is EOF.
	if _, err := a.Write([]byte("x")); !errors.Is(err, syscall.EPIPE) {
		t.Fatalf("Write after CloseWrite: %v", err)
	}
	c, d := pair(t)
	c.CloseRead()
	var buf [1]byte
	if _, err := c.Read(buf[:]); err != io.EOF {
		t.Fatalf("Read after CloseRead: %v", err)
	}
	d.Close()
}

// TestSlowReaderBackPressure: a writer far faster than its reader is held
// back by the socket's buffers: what it has written beyond what was read
// stays bounded, and so does the heap.
func TestSlowReaderBackPressure(t *testing.T) {
	a, b := pair(t)
	const chunk, chunks = 256 << 10, 256 // 64 MiB in all
	var written, read atomic.Int64
	done := make(chan error, 1)
	go func() {
		buf := make([]byte, chunk) // reused: the writer holds one chunk
		for range chunks {
			n, err := a.Write(buf)
			written.Add(int64(n))
			if err != nil {
				done <- err
				return
			}
		}
		done <- a.CloseWrite()
	}()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var maxAhead, maxHeap int64
	buf := make([]byte, 16<<10)
	for i := 0; ; i++ {
		n, err := b.Read(buf)
		read.Add(int64(n))
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if i%64 == 0 {
			time.Sleep(time.Millisecond) // the slow reader
			maxAhead = max(maxAhead, written.Load()-read.Load())
			runtime.ReadMemStats(&ms)
			maxHeap = max(maxHeap, int64(ms.HeapInuse)-int64(base))
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if read.Load() != chunk*chunks {
		t.Fatalf("read %d of %d bytes", read.Load(), chunk*chunks)
	}
	t.Logf("writer ahead of the reader by at most %d KiB; heap grew by at most %d KiB", maxAhead>>10, maxHeap>>10)
	if maxAhead > 32<<20 {
		t.Fatalf("the writer ran %d MiB ahead of the reader: no back-pressure", maxAhead>>20)
	}
	if maxHeap > 16<<20 {
		t.Fatalf("the heap grew by %d MiB while copying through a slow reader", maxHeap>>20)
	}
}

func openFDs(t testing.TB) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

// settle waits until f holds, giving background goroutines (the default
// driver's, which lingers 20ms after its last registration) time to exit.
func settle(f func() bool) bool {
	for range 500 {
		if f() {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return f()
}

// TestManyConnectionsLeaveNothing opens and closes 10,000 connections, both
// ends in this process, in direct mode and on a runtime; afterwards no
// descriptor and no goroutine is left.
func TestManyConnectionsLeaveNothing(t *testing.T) {
	n := 10000
	if testing.Short() {
		n = 1000
	}
	fds0 := openFDs(t)
	g0 := runtime.NumGoroutine()

	ln, err := Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	for i := range n / 2 {
		c, err := Dial("tcp", addr)
		if err != nil {
			t.Fatalf("dial %d: %v", i, err)
		}
		s, err := ln.AcceptTCP()
		if err != nil {
			t.Fatalf("accept %d: %v", i, err)
		}
		c.Write([]byte{1})
		var b [1]byte
		s.Read(b[:])
		c.Close()
		s.Close()
	}
	// The other half as tasks on a runtime.
	r := rt.NewMultiThread()
	out := rt.BlockOn(r, rt.PollFunc(openClose(ln, addr, n-n/2)))
	r.Shutdown()
	if out != nil {
		t.Fatal(out)
	}
	ln.Close()

	if !settle(func() bool { return openFDs(t) <= fds0 }) {
		t.Fatalf("%d descriptors open after the loop, %d before", openFDs(t), fds0)
	}
	if !settle(func() bool { return runtime.NumGoroutine() <= g0 }) {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines after the loop, %d before:\n%s", runtime.NumGoroutine(), g0, buf[:runtime.Stack(buf, true)])
	}
}

// openClose returns a Poll function that dials addr, accepts on ln and closes
// both ends, n times.
func openClose(ln *TCPListener, addr string, n int) func(*rt.Context) (error, bool) {
	var (
		i    int
		dial rt.Future[rt.Tuple2[*TCPStream, error]]
		acc  rt.Future[rt.Tuple2[*TCPStream, error]]
		c, s *TCPStream
	)
	return func(cx *rt.Context) (error, bool) {
		for i < n {
			if dial == nil {
				dial, acc = DialAsync("tcp", addr), ln.AcceptTCPAsync()
			}
			if c == nil {
				out, ok := dial.Poll(cx)
				if !ok {
					return nil, false
				}
				if out.V1 != nil {
					return out.V1, true
				}
				c = out.V0
			}
			out, ok := acc.Poll(cx)
			if !ok {
				return nil, false
			}
			if out.V1 != nil {
				return out.V1, true
			}
			s = out.V0
			c.Close()
			s.Close()
			c, s, dial, acc = nil, nil, nil, nil
			i++
		}
		return nil, true
	}
}

// TestAcceptEMFILE runs a child process whose descriptor limit leaves room
// for only a few connections: its Accept backs off (logging once) instead of
// failing or spinning, and resumes when the child frees descriptors.
func TestAcceptEMFILE(t *testing.T) {
	const total, room = 12, 4
	child := exec.Command(os.Args[0], "-test.run=^TestAcceptEMFILEChild$")
	child.Env = append(os.Environ(), "NETX_EMFILE_CHILD="+strconv.Itoa(total)+","+strconv.Itoa(room))
	stdout, _ := child.StdoutPipe()
	var stderr strings.Builder
	child.Stderr = &stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(stdout)
	addr, err := br.ReadString('\n')
	if err != nil {
		t.Fatalf("child: %v; stderr:\n%s", err, stderr.String())
	}
	var conns []net.Conn
	for range total {
		c, err := net.Dial("tcp", strings.TrimSpace(addr))
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	result, _ := br.ReadString('\n')
	backoffs, _ := br.ReadString('\n')
	child.Wait()
	for _, c := range conns {
		c.Close()
	}
	if strings.TrimSpace(result) != fmt.Sprintf("accepted %d", total) {
		t.Fatalf("child said %q; stderr:\n%s", result, stderr.String())
	}
	if n := strings.Count(stderr.String(), "backing off"); n != 1 {
		t.Fatalf("the back-off was logged %d times, want once; stderr:\n%s", n, stderr.String())
	}
	// The child waited about 50ms for its descriptors: a back-off doubling
	// from 5ms retries a handful of times (a few dozen even on a machine
	// that delays the freeing goroutine by seconds, the wait being capped
	// at 1s); an accept retried at once would have failed thousands of times.
	var failed int
	if _, err := fmt.Sscanf(backoffs, "backoffs %d", &failed); err != nil {
		t.Fatalf("child said %q; stderr:\n%s", backoffs, stderr.String())
	}
	t.Logf("accepts failed with EMFILE and backed off: %d", failed)
	if failed == 0 || failed > 40 {
		t.Fatalf("%d accepts failed with EMFILE while descriptors were short: want a few (a back-off), not none or a spin", failed)
	}
}

// TestAcceptEMFILEChild is TestAcceptEMFILE's child process.
func TestAcceptEMFILEChild(t *testing.T) {
	spec := os.Getenv("NETX_EMFILE_CHILD")
	if spec == "" {
		t.Skip("run by TestAcceptEMFILE")
	}
	var total, room int
	fmt.Sscanf(spec, "%d,%d", &total, &room)
	ln, err := Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// Leave room for `room` more descriptors, counting the highest one in
	// use (the limit bounds descriptor numbers, not their count).
	ents, _ := os.ReadDir("/proc/self/fd")
	highest := 0
	for _, e := range ents {
		if n, err := strconv.Atoi(e.Name()); err == nil {
			highest = max(highest, n)
		}
	}
	lim := uint64(highest + 1 + room)
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &unix.Rlimit{Cur: lim, Max: lim}); err != nil {
		t.Fatal(err)
	}
	// Fill the holes below the limit, then free exactly room slots.
	var fillers []int
	for {
		d, err := unix.Dup(0)
		if err != nil {
			break
		}
		fillers = append(fillers, d)
	}
	for _, d := range fillers[:room] {
		unix.Close(d)
	}
	fmt.Println(ln.Addr())
	var mu sync.Mutex
	var held []*TCPStream
	freed := false
	for accepted := 0; accepted < total; accepted++ {
		s, err := ln.AcceptTCP()
		if err != nil {
			fmt.Println("accept:", err)
			os.Exit(1)
		}
		mu.Lock()
		held = append(held, s)
		if len(held) == room && !freed {
			// Out of descriptors now: the next Accept backs off. Free
			// them a little later, from another goroutine.
			freed = true
			go func() {
				time.Sleep(50 * time.Millisecond)
				mu.Lock()
				for _, s := range held {
					s.Close()
				}
				held = nil
				mu.Unlock()
			}()
		} else if freed && len(held) == room {
			for _, s := range held {
				s.Close()
			}
			held = nil
		}
		mu.Unlock()
	}
	fmt.Printf("accepted %d\n", total)
	fmt.Printf("backoffs %d\n", acceptBackoffs.Load())
	os.Exit(0)
}

// TestLostStreamClosedByGC: a stream dropped without Close is closed by the
// garbage collector (its peer sees the end of the stream), including one
// whose task armed a read deadline and had its read cancelled by a timeout:
// nothing the operation left behind may lead back to the socket, or its
// finalizer would never run.
func TestLostStreamClosedByGC(t *testing.T) {
	ln := listen(t)
	r := rt.NewMultiThread()
	defer r.Shutdown()
	for _, withTask := range []bool{false, true} {
		peer, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer peer.Close()
		func() { // s is unreachable once this returns
			s, err := ln.AcceptTCP()
			if err != nil {
				t.Fatal(err)
			}
			if !withTask {
				return
			}
			buf := make([]byte, 8)
			var read rt.Future[rt.Tuple2[rt.Tuple2[int, error], error]]
			h := rt.SpawnOn(r, rt.PollFunc(func(cx *rt.Context) (error, bool) {
				if read == nil {
					s.SetReadDeadline(time.Now().Add(time.Hour)) // arms a timer waking this task
					read = rt.TimeoutAsync(5*time.Millisecond, s.ReadAsync(buf))
				}
				out, ok := read.Poll(cx)
				return out.V1, ok
			}))
			if err, _ := h.Join(); !errors.Is(err, rt.ErrTimeout) {
				t.Fatalf("the read in the task: %v; want its timeout", err)
			}
		}()
		closed := settle(func() bool {
			runtime.GC()
			peer.SetReadDeadline(time.Now().Add(time.Millisecond))
			_, err := peer.Read(make([]byte, 1))
			return err == io.EOF
		})
		if !closed {
			t.Fatalf("withTask=%v: the lost stream was never closed", withTask)
		}
	}
}
