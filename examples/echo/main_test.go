//go:build linux

package main

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
	"syscall"
	"testing"
	"time"

	"github.com/corio-go/corio/rt"
)

// exchange connects to addr with plain net and checks that a few messages
// come back, then closes.
func exchange(t *testing.T, addr net.Addr) {
	t.Helper()
	c, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	for i := range 10 {
		msg := fmt.Sprintf("message %d\n", i)
		if _, err := io.WriteString(c, msg); err != nil {
			t.Fatal(err)
		}
		got, err := br.ReadString('\n')
		if err != nil || got != msg {
			t.Fatalf("got %q, %v; want %q", got, err, msg)
		}
	}
}

// TestEchoAsyncAndSIGINT runs the program as main does (MainAsync on a
// multi-thread runtime), echoes on loopback, then stops it with SIGINT.
func TestEchoAsyncAndSIGINT(t *testing.T) {
	for _, plain := range []string{"false", "true"} {
		addrs := make(chan net.Addr, 1)
		done := make(chan error, 1)
		go func() {
			done <- run([]string{"-addr", "127.0.0.1:0", "-plain=" + plain, "-grace", "1s"}, func(a net.Addr) { addrs <- a })
		}()
		addr := <-addrs
		exchange(t, addr)
		exchange(t, addr)
		syscall.Kill(syscall.Getpid(), syscall.SIGINT)
		if err := <-done; err != nil {
			t.Fatalf("plain=%s: %v", plain, err)
		}
		if _, err := net.Dial("tcp", addr.String()); err == nil {
			t.Fatalf("plain=%s: still accepting after SIGINT", plain)
		}
	}
}

// TestEchoDirectMode calls Main as plain Go: it runs on this goroutine, its
// tasks on the process default runtime.
func TestEchoDirectMode(t *testing.T) {
	sigs := rt.NotifySignals(syscall.SIGUSR1)
	defer sigs.Stop()
	addrs := make(chan net.Addr, 1)
	var st Stats
	type result struct {
		sig os.Signal
		err error
	}
	done := make(chan result, 1)
	go func() {
		lc := ListenConfig(false)
		sig, err := Main("127.0.0.1:0", &lc, sigs, false, time.Second, &st, func(a net.Addr) { addrs <- a })
		done <- result{sig, err}
	}()
	addr := <-addrs
	exchange(t, addr)
	syscall.Kill(syscall.Getpid(), syscall.SIGUSR1)
	res := <-done
	if res.err != nil || res.sig != syscall.SIGUSR1 {
		t.Fatalf("Main returned %v, %v", res.sig, res.err)
	}
	if st.Accepted.Load() != 1 || st.Errors.Load() != 0 || st.Active.Load() != 0 {
		t.Fatalf("stats: %d accepted, %d errors, %d active; want 1, 0, 0", st.Accepted.Load(), st.Errors.Load(), st.Active.Load())
	}
}

// TestIdleHeapPerConnection holds n idle connections open against each
// handler and weighs the server's heap: Handle (ReadPooled) holds no buffer
// while idle, HandlePlain holds its 4 KiB one. The clients live in a child
// process so that only the server's side is weighed.
func TestIdleHeapPerConnection(t *testing.T) {
	n := 10000
	if testing.Short() {
		n = 500
	}
	pooled, pooledRSS, pooledAllocs := idleHeap(t, false, n)
	plain, plainRSS, _ := idleHeap(t, true, n)
	t.Logf("heap per idle connection, %d connections: ReadPooled loop %.0f B, plain 4 KiB-buffer loop %.0f B", n, pooled, plain)
	t.Logf("heap objects allocated per connection accepted and served once (ReadPooled): %.2f", pooledAllocs)
	t.Logf("RSS growth per idle connection (rough: the heap reuses pages the first run freed): ReadPooled %.0f B, plain %.0f B", pooledRSS, plainRSS)
	if plain-pooled < 4096*0.9 {
		t.Fatalf("the plain loop costs %.0f B per idle connection, the pooled one %.0f B: the 4 KiB buffer should make the difference", plain, pooled)
	}
}

// heapInUse returns the bytes of heap in use after a full collection, and
// the count of objects allocated so far.
func heapInUse() (inuse, mallocs uint64) {
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse, ms.Mallocs
}

// rss returns the process's resident set size in bytes.
func rss(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Fatal(err)
	}
	var size, resident int64
	fmt.Sscan(string(b), &size, &resident)
	return resident * int64(os.Getpagesize())
}

// idleHeap returns the heap and RSS growth per idle connection, and the
// heap objects allocated per connection meanwhile (the client's one-byte
// echo included).
func idleHeap(t *testing.T, plain bool, n int) (heap, rssPer, allocs float64) {
	r := rt.NewMultiThread()
	defer r.Shutdown()
	lc := ListenConfig(false) // as run listens: no close-when-lost net
	lnOut := rt.BlockOn(r, lc.ListenAsync("tcp", "127.0.0.1:0"))
	if lnOut.V1 != nil {
		t.Fatal(lnOut.V1)
	}
	ln := lnOut.V0
	var st Stats
	srv := rt.SpawnOn(r, ServeAsync(ln, plain, &st))

	before, mallocs0 := heapInUse()
	rss0 := rss(t)
	child := exec.Command(os.Args[0], "-test.run=^TestIdleClients$")
	child.Env = append(os.Environ(), "ECHO_IDLE_ADDR="+ln.Addr().String(), "ECHO_IDLE_N="+strconv.Itoa(n))
	stdin, _ := child.StdinPipe()
	stdout, _ := child.StdoutPipe()
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "ready\n" {
		t.Fatalf("client process: %q, %v", line, err)
	}
	for st.Active.Load() < int64(n) {
		time.Sleep(time.Millisecond)
	}
	after, mallocs1 := heapInUse()
	rss1 := rss(t)

	stdin.Close() // the child closes its connections and exits
	child.Wait()
	for st.Active.Load() > 0 {
		time.Sleep(time.Millisecond)
	}
	ln.Close()
	if _, err := srv.Join(); err != nil {
		t.Fatal(err)
	}
	return float64(int64(after)-int64(before)) / float64(n), float64(rss1-rss0) / float64(n), float64(mallocs1-mallocs0) / float64(n)
}

// TestIdleClients is the child process of TestIdleHeapPerConnection: it opens
// the connections, echoes one byte on each, reports ready and holds them
// until its stdin closes.
func TestIdleClients(t *testing.T) {
	addr := os.Getenv("ECHO_IDLE_ADDR")
	if addr == "" {
		t.Skip("run by TestIdleHeapPerConnection")
	}
	n, _ := strconv.Atoi(os.Getenv("ECHO_IDLE_N"))
	conns := make([]net.Conn, 0, n)
	for range n {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			fmt.Fprintln(os.Stdout, "dial:", err)
			os.Exit(1)
		}
		conns = append(conns, c)
	}
	var b [1]byte
	for _, c := range conns {
		c.Write([]byte{'x'})
	}
	for _, c := range conns {
		if _, err := io.ReadFull(c, b[:]); err != nil {
			fmt.Fprintln(os.Stdout, "read:", err)
			os.Exit(1)
		}
	}
	fmt.Fprintln(os.Stdout, "ready")
	io.Copy(io.Discard, os.Stdin)
	for _, c := range conns {
		c.Close()
	}
	os.Exit(0)
}

// TestShutdownClosesConnections shuts the runtime down while connections are
// open and idle in their handlers, as run does after the grace period:
// Shutdown cancels the handler tasks, and each cancelled handler runs its
// deferred finish once, before Shutdown returns, so Active drops to 0
// (not below: a finish run twice would make it negative) and every client
// sees the end of the stream at once, without waiting for a collection to
// close the sockets.
func TestShutdownClosesConnections(t *testing.T) {
	for _, plain := range []bool{false, true} {
		t.Run(fmt.Sprintf("plain=%v", plain), func(t *testing.T) { shutdownWithOpenConnections(t, plain) })
	}
}

func shutdownWithOpenConnections(t *testing.T, plain bool) {
	const n = 3
	r := rt.NewMultiThread()
	lc := ListenConfig(false) // as run listens: no close-when-lost net
	lnOut := rt.BlockOn(r, lc.ListenAsync("tcp", "127.0.0.1:0"))
	if lnOut.V1 != nil {
		t.Fatal(lnOut.V1)
	}
	var st Stats
	rt.SpawnOn(r, ServeAsync(lnOut.V0, plain, &st))
	var clients []net.Conn
	for range n {
		c, err := net.Dial("tcp", lnOut.V0.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.Write([]byte("x"))
		var b [1]byte
		if _, err := io.ReadFull(c, b[:]); err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
	}
	if got := st.Active.Load(); got != n {
		t.Fatalf("before Shutdown: %d connections active, want %d", got, n)
	}
	r.Shutdown()
	if got := st.Active.Load(); got != 0 {
		t.Errorf("after Shutdown: %d connections active, want 0: each cancelled handler runs its deferred finish exactly once", got)
	}
	// The server closed its side inside Shutdown: the end of the stream is
	// already there. The deadline only turns a missing close into a failure
	// instead of a hang.
	deadline := time.Now().Add(5 * time.Second)
	for i, c := range clients {
		c.SetReadDeadline(deadline)
		var b [1]byte
		_, err := c.Read(b[:])
		if err != io.EOF && !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("client %d: read after Shutdown: %v, want EOF or a reset", i, err)
		}
	}
}

// TestHandlerEnds: a handler ends at the client's close without counting an
// error, and at a reset with one; either way its deferred finish closes the
// stream and counts the connection out, for both loops.
func TestHandlerEnds(t *testing.T) {
	for _, plain := range []bool{false, true} {
		r := rt.NewMultiThread()
		lc := ListenConfig(false)
		lnOut := rt.BlockOn(r, lc.ListenAsync("tcp", "127.0.0.1:0"))
		if lnOut.V1 != nil {
			t.Fatal(lnOut.V1)
		}
		var st Stats
		rt.SpawnOn(r, ServeAsync(lnOut.V0, plain, &st))
		for _, reset := range []bool{false, true} {
			c, err := net.DialTCP("tcp", nil, lnOut.V0.Addr().(*net.TCPAddr))
			if err != nil {
				t.Fatal(err)
			}
			c.Write([]byte("x"))
			var b [1]byte
			if _, err := io.ReadFull(c, b[:]); err != nil {
				t.Fatal(err)
			}
			if reset {
				c.SetLinger(0) // Close sends a reset
			}
			c.Close()
		}
		for st.Active.Load() != 0 || st.Accepted.Load() != 2 {
			time.Sleep(time.Millisecond)
		}
		if got := st.Errors.Load(); got != 1 {
			t.Errorf("plain=%v: %d connections ended by an error, want 1 (the reset)", plain, got)
		}
		lnOut.V0.Close()
		r.Shutdown()
	}
}
