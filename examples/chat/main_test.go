//go:build linux

package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/corio-go/corio/netx"
	"github.com/corio-go/corio/rt"
	"github.com/corio-go/corio/syncx"
)

// testConfig keeps one client's kernel buffers small, so that a client that
// stops reading fills them and its outbox after a few hundred lines.
var testConfig = Config{Outbox: 8, Events: 16, MaxLine: 1024, Grace: 10 * time.Second, WriteBuffer: 4096}

// member is a test client speaking plain net.
type member struct {
	t    *testing.T
	name string
	c    *net.TCPConn
	r    *bufio.Reader
}

// join connects a client and waits until the room has counted it, so that
// guest numbers follow the order of the calls.
func join(t *testing.T, addr net.Addr, st *Stats, rcvbuf int) *member {
	t.Helper()
	want := st.Joined.Load() + 1
	d := net.Dialer{}
	if rcvbuf > 0 {
		// Before connect, so the window advertised is small from the start.
		d.Control = func(_, _ string, rc syscall.RawConn) error {
			var serr error
			rc.Control(func(fd uintptr) {
				serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, rcvbuf)
			})
			return serr
		}
	}
	c, err := d.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	for st.Joined.Load() < want {
		time.Sleep(time.Millisecond)
	}
	return &member{t: t, name: fmt.Sprintf("guest%d", want), c: c.(*net.TCPConn), r: bufio.NewReader(c)}
}

func (m *member) say(line string) {
	m.t.Helper()
	if _, err := io.WriteString(m.c, line+"\n"); err != nil {
		m.t.Fatalf("%s: %v", m.name, err)
	}
}

// expect reads the next line and checks it.
func (m *member) expect(want string) {
	m.t.Helper()
	got, err := m.r.ReadString('\n')
	if err != nil || got != want+"\n" {
		m.t.Fatalf("%s: got %q, %v; want %q", m.name, got, err, want)
	}
}

// expectEnd reads until the server closes the connection and returns what
// it read.
func (m *member) expectEnd() string {
	m.t.Helper()
	b, err := io.ReadAll(m.r)
	if err != nil && !isReset(err) {
		m.t.Fatalf("%s: %v", m.name, err)
	}
	return string(b)
}

func isReset(err error) bool {
	return err != nil && strings.Contains(err.Error(), "connection reset")
}

// scenario drives a running server: three clients join and talk, a fourth
// stops reading and is dropped while the others keep receiving every line,
// one leaves, and the server is stopped with SIGUSR1; it returns after
// stop has returned.
func scenario(t *testing.T, addrs <-chan net.Addr, st *Stats, stopped <-chan error) {
	addr := <-addrs
	a := join(t, addr, st, 0)
	b := join(t, addr, st, 0)
	a.expect("*** guest2 joined")
	c := join(t, addr, st, 0)
	a.expect("*** guest3 joined")
	b.expect("*** guest3 joined")

	a.say("hello")
	b.expect("guest1: hello")
	c.expect("guest1: hello")
	b.say("hi\r") // a CRLF line
	a.expect("guest2: hi")
	c.expect("guest2: hi")

	// guest4 reads nothing. b talks in lock step with a and c, so their
	// outboxes never hold more than a line, while guest4's socket buffers
	// and then its outbox fill up.
	slow := join(t, addr, st, 4096)
	for _, m := range []*member{a, b, c} {
		m.expect("*** guest4 joined")
	}
	pad := strings.Repeat("x", 200)
	const dropped = "*** guest4 dropped (not reading)"
	// The room may find guest4's outbox full while it relays a line, before
	// it has relayed that line to the others: then the notice comes first.
	sawDrop := map[*member]bool{}
	expectLine := func(m *member, want string) {
		t.Helper()
		got, err := m.r.ReadString('\n')
		if err == nil && got == dropped+"\n" && !sawDrop[m] {
			sawDrop[m] = true
			got, err = m.r.ReadString('\n')
		}
		if err != nil || got != want+"\n" {
			t.Fatalf("%s: got %q, %v; want %q", m.name, got, err, want)
		}
	}
	var said []string
	for i := 0; st.Dropped.Load() == 0; i++ {
		if i == 100000 {
			t.Fatalf("guest4 read nothing for %d lines and was not dropped", i)
		}
		line := fmt.Sprintf("line %d %s", i, pad)
		said = append(said, "guest2: "+line+"\n")
		b.say(line)
		expectLine(a, "guest2: "+line)
		expectLine(c, "guest2: "+line)
	}
	t.Logf("guest4 dropped after %d lines of %d bytes", len(said), len(said[0]))
	for _, m := range []*member{a, b, c} {
		if !sawDrop[m] {
			m.expect(dropped)
		}
	}
	// The slow client gets a prefix of the room's traffic, then the end.
	got := slow.expectEnd()
	want := "" + strings.Join(said, "")
	if !strings.HasPrefix(want, got) || got == "" {
		t.Fatalf("guest4 received %d bytes that are not a prefix of the %d sent to it", len(got), len(want))
	}
	if st.Dropped.Load() != 1 {
		t.Fatalf("%d clients dropped, want 1", st.Dropped.Load())
	}

	// The room goes on.
	c.say("still here")
	a.expect("guest3: still here")
	b.expect("guest3: still here")
	c.c.Close()
	a.expect("*** guest3 left")
	b.expect("*** guest3 left")

	// An overlong line ends that client's session.
	long := join(t, addr, st, 0)
	a.expect("*** guest5 joined")
	b.expect("*** guest5 joined")
	long.say(strings.Repeat("y", testConfig.MaxLine+1))
	long.expectEnd()
	a.expect("*** guest5 left")
	b.expect("*** guest5 left")

	syscall.Kill(syscall.Getpid(), syscall.SIGUSR1)
	for _, m := range []*member{a, b} {
		m.expect("*** server shutting down")
		if rest := m.expectEnd(); rest != "" {
			t.Fatalf("%s: %q after the last line", m.name, rest)
		}
	}
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	if st.Active.Load() != 0 || st.Joined.Load() != 5 || st.Left.Load() != 2 || st.Lines.Load() != int64(len(said)+3) {
		t.Fatalf("stats: %d active, %d joined, %d left, %d lines (want 0, 5, 2, %d)",
			st.Active.Load(), st.Joined.Load(), st.Left.Load(), st.Lines.Load(), len(said)+3)
	}
	if _, err := net.Dial("tcp", addr.String()); err == nil {
		t.Fatal("still accepting after the signal")
	}
}

// runMain runs Main on r (nil: direct mode, as plain Go) until SIGUSR1.
func runMain(t *testing.T, r *rt.Runtime) {
	sigs := rt.NotifySignals(syscall.SIGUSR1)
	defer sigs.Stop()
	var st Stats
	addrs := make(chan net.Addr, 1)
	stopped := make(chan error, 1)
	onListen := func(a net.Addr) { addrs <- a }
	go func() {
		var sig os.Signal
		var err error
		if r == nil {
			sig, err = Main("127.0.0.1:0", sigs, testConfig, &st, onListen)
		} else {
			out := rt.BlockOn(r, MainAsync("127.0.0.1:0", sigs, testConfig, &st, onListen))
			sig, err = out.V0, out.V1
		}
		if err == nil && sig != syscall.SIGUSR1 {
			err = fmt.Errorf("stopped by %v", sig)
		}
		stopped <- err
	}()
	scenario(t, addrs, &st, stopped)
}

func TestChatMultiThread(t *testing.T) {
	r := rt.NewMultiThread(rt.WithWorkers(2))
	defer r.Shutdown()
	runMain(t, r)
}

func TestChatCurrentThread(t *testing.T) {
	r := rt.NewCurrentThread()
	defer r.Shutdown()
	runMain(t, r)
}

func TestChatDirectMode(t *testing.T) { runMain(t, nil) }

// TestChatSIGINT runs the program as main does and stops it with SIGINT.
func TestChatSIGINT(t *testing.T) {
	addrs := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- run([]string{"-addr", "127.0.0.1:0", "-grace", "5s"}, func(a net.Addr) { addrs <- a })
	}()
	addr := <-addrs
	var ms [2]*bufio.ReadWriter
	for i := range ms {
		c, err := net.Dial("tcp", addr.String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		ms[i] = bufio.NewReadWriter(bufio.NewReader(c), bufio.NewWriter(c))
	}
	// The two sessions join in either order, and a line said before the
	// other has joined reaches nobody: the second client says ping until
	// the first hears one.
	heard := make(chan struct{})
	go func() {
		for {
			select {
			case <-heard:
				return
			case <-time.After(10 * time.Millisecond):
				ms[1].WriteString("ping\n")
				ms[1].Flush()
			}
		}
	}()
	for {
		line, err := ms[0].ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(line, ": ping\n") {
			close(heard)
			break
		}
	}
	syscall.Kill(syscall.Getpid(), syscall.SIGINT)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		rest, _ := io.ReadAll(m)
		if !strings.HasSuffix(string(rest), "*** server shutting down\n") {
			t.Fatalf("last lines %q", rest)
		}
	}
}

func TestSplitLines(t *testing.T) {
	for _, tc := range []struct {
		partial, data string
		lines         []string
		rest          string
		ok            bool
	}{
		{"", "a\nb\n", []string{"a", "b"}, "", true},
		{"", "a\r\nbc", []string{"a"}, "bc", true},
		{"ab", "c\nd", []string{"abc"}, "d", true},
		{"ab", "cd", nil, "abcd", true},
		{"", "\n\n", []string{"", ""}, "", true},
		{"", "12345\n", nil, "", false},
		{"123", "45", nil, "12345", false},
		{"12", "34\n5", []string{"1234"}, "5", true},
	} {
		lines, rest, ok := splitLines([]byte(tc.partial), []byte(tc.data), 4)
		if fmt.Sprint(lines) != fmt.Sprint(tc.lines) || string(rest) != tc.rest || ok != tc.ok {
			t.Errorf("splitLines(%q, %q) = %q, %q, %v; want %q, %q, %v", tc.partial, tc.data, lines, rest, ok, tc.lines, tc.rest, tc.ok)
		}
		if len(rest) == 0 && rest != nil {
			t.Errorf("splitLines(%q, %q) keeps an empty buffer", tc.partial, tc.data)
		}
	}
}

// The room's hot path: one line relayed to 100 clients' outboxes (each
// drained as a writer would).
func BenchmarkAnnounce(b *testing.B) {
	clients := map[*client]bool{}
	var rxs []*syncx.Receiver[string]
	for i := range 100 {
		tx, rx := syncx.NewChannel[string](8)
		clients[&client{name: fmt.Sprint("guest", i), outbox: tx}] = true
		rxs = append(rxs, rx)
	}
	var st Stats
	b.ReportAllocs()
	for b.Loop() {
		announce(clients, nil, "guest0: hello\n", &st)
		for _, rx := range rxs {
			if _, err := rx.TryRecv(); err != nil {
				b.Fatal(err)
			}
		}
	}
	if st.Dropped.Load() != 0 {
		b.Fatal("a client was dropped")
	}
}

func BenchmarkSplitLines(b *testing.B) {
	data := []byte(strings.Repeat("a line of a chat room\n", 20) + "partial")
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		splitLines(nil, data, 4096)
	}
}

// Two clients in a room: what one says, the other reads.
func Example() {
	sigs := rt.NotifySignals(syscall.SIGUSR2)
	defer sigs.Stop()
	r := rt.NewMultiThread()
	defer r.Shutdown()
	var st Stats
	addrs := make(chan net.Addr, 1)
	done := make(chan struct{})
	go func() {
		rt.BlockOn(r, MainAsync("127.0.0.1:0", sigs, DefaultConfig, &st, func(a net.Addr) { addrs <- a }))
		close(done)
	}()
	addr := <-addrs
	alice, _ := net.Dial("tcp", addr.String())
	defer alice.Close()
	for st.Joined.Load() < 1 {
		time.Sleep(time.Millisecond)
	}
	bob, _ := net.Dial("tcp", addr.String())
	defer bob.Close()
	in := bufio.NewReader(alice)
	line, _ := in.ReadString('\n')
	fmt.Print(line)
	io.WriteString(bob, "hello, alice\n")
	line, _ = in.ReadString('\n')
	fmt.Print(line)
	syscall.Kill(syscall.Getpid(), syscall.SIGUSR2)
	<-done
	rest, _ := io.ReadAll(in)
	fmt.Print(string(rest))
	// Output:
	// *** guest2 joined
	// guest2: hello, alice
	// *** server shutting down
}

// TestShutdownClosesStuckWriter: a client that stops reading leaves its
// writer stuck in Write until the room drops it; if the runtime shuts down
// first (the grace ran out), the cancelled WriteLoop must still close the
// connection, so that the client sees the end at once rather than at some
// later collection.
func TestShutdownClosesStuckWriter(t *testing.T) {
	r := rt.NewMultiThread()
	lnOut := rt.BlockOn(r, netx.ListenAsync("tcp", "127.0.0.1:0"))
	if lnOut.V1 != nil {
		t.Fatal(lnOut.V1)
	}
	defer lnOut.V0.Close()
	peer, err := net.Dial("tcp", lnOut.V0.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	acc := rt.BlockOn(r, lnOut.V0.AcceptTCPAsync())
	if acc.V1 != nil {
		t.Fatal(acc.V1)
	}
	conn := acc.V0
	outTx, outRx := syncx.NewChannel[string](1)
	outTx.TrySend(strings.Repeat("x", 32<<20) + "\n") // far more than the socket buffers hold
	_, wr := conn.Split()
	rt.SpawnOn(r, WriteLoopAsync(conn, wr, outRx))
	// The writer is under way, and stuck: the peer reads a little, then
	// stops.
	if _, err := io.ReadFull(peer, make([]byte, 4096)); err != nil {
		t.Fatal(err)
	}
	r.Shutdown()
	// Drain what the kernel buffered; then the end must be there. The
	// deadline only turns a missing close into a failure instead of a hang.
	peer.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, err := io.Copy(io.Discard, peer)
	if err != nil && !isReset(err) {
		t.Fatalf("peer read %d bytes, then %v: the cancelled writer did not close the connection", n, err)
	}
	if n >= 32<<20 {
		t.Fatalf("the peer got all %d bytes: the writer was not stuck", n)
	}
}
