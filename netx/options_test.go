//go:build linux

package netx

import (
	"context"
	"errors"
	"net"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/corio-go/corio/rt"
	"golang.org/x/sys/unix"
)

func sockoptInt(t *testing.T, fd *netFD, level, opt int) int {
	t.Helper()
	v, err := unix.GetsockoptInt(fd.sysfd(), level, opt)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestListenOptions: the zero ListenConfig sets SO_REUSEADDR (as net does)
// and NoReuseAddr leaves it unset; ReusePort lets two sockets listen on one
// address, which without it fails with EADDRINUSE in net's error shape;
// Control sees the socket before bind.
func TestListenOptions(t *testing.T) {
	ln := listen(t)
	if v := sockoptInt(t, ln.fd, unix.SOL_SOCKET, unix.SO_REUSEADDR); v == 0 {
		t.Fatal("the default listener lacks SO_REUSEADDR")
	}
	if v := sockoptInt(t, ln.fd, unix.SOL_SOCKET, unix.SO_REUSEPORT); v != 0 {
		t.Fatal("the default listener has SO_REUSEPORT")
	}
	lc := ListenConfig{NoReuseAddr: true}
	ln2, err := lc.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln2.Close()
	if v := sockoptInt(t, ln2.fd, unix.SOL_SOCKET, unix.SO_REUSEADDR); v != 0 {
		t.Fatal("NoReuseAddr: SO_REUSEADDR is set")
	}

	// Without ReusePort a second socket cannot listen on a taken address.
	_, err = Listen("tcp", ln.Addr().String())
	var oe *net.OpError
	if !errors.Is(err, syscall.EADDRINUSE) || !errors.As(err, &oe) || oe.Op != "listen" {
		t.Fatalf("second Listen on %v: %v; want a listen *net.OpError wrapping EADDRINUSE", ln.Addr(), err)
	}

	var controlled int
	rp := ListenConfig{ReusePort: true, Control: func(fd int) error {
		controlled = fd
		// Before bind: the socket has no port yet.
		if sa, err := unix.Getsockname(fd); err != nil || sa.(*unix.SockaddrInet4).Port != 0 {
			t.Errorf("Control after bind: %v, %v", sa, err)
		}
		return nil
	}}
	a, err := rp.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if controlled != a.fd.sysfd() {
		t.Fatalf("Control saw descriptor %d, the listener is %d", controlled, a.fd.sysfd())
	}
	rp.Control = nil
	b, err := rp.Listen("tcp", a.Addr().String())
	if err != nil {
		t.Fatalf("second ReusePort listener on %v: %v", a.Addr(), err)
	}
	defer b.Close()
	if v := sockoptInt(t, b.fd, unix.SOL_SOCKET, unix.SO_REUSEPORT); v == 0 {
		t.Fatal("ReusePort: SO_REUSEPORT is not set")
	}
	// The kernel spreads connections over both: each accepts some of them.
	got := map[*TCPListener]int{}
	for range 64 {
		c, err := Dial("tcp", a.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	}
	for _, l := range []*TCPListener{a, b} {
		for {
			l.SetDeadline(time.Now().Add(20 * time.Millisecond))
			s, err := l.AcceptTCP()
			if err != nil {
				break
			}
			s.Close()
			got[l]++
		}
	}
	if got[a]+got[b] != 64 || got[a] == 0 || got[b] == 0 {
		t.Fatalf("ReusePort: the two listeners accepted %d and %d of 64 connections", got[a], got[b])
	}

	// A Control error fails Listen and closes the socket.
	boom := errors.New("control refused")
	fds := openFDs(t)
	if _, err := (&ListenConfig{Control: func(int) error { return boom }}).Listen("tcp", "127.0.0.1:0"); !errors.Is(err, boom) {
		t.Fatalf("Listen with a failing Control: %v", err)
	}
	if n := openFDs(t); n != fds {
		t.Fatalf("a failed Listen left %d descriptors open (before: %d)", n, fds)
	}
}

// TestListenBacklog: a listener that never accepts takes about Backlog
// connections (Linux queues backlog+1), after which further connects hang
// until DialTimeout gives up with os.ErrDeadlineExceeded; with the default
// (the kernel's maximum) the same number of connects all succeed.
// TestDialTimeout skips when the backlog is not honoured; this one fails.
func TestListenBacklog(t *testing.T) {
	for _, backlog := range []int{1, 0} {
		lc := ListenConfig{Backlog: backlog}
		ln, err := lc.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		connected := 0
		var last error
		for range 8 {
			c, err := DialTimeout("tcp", ln.Addr().String(), 200*time.Millisecond)
			if err != nil {
				last = err
				break
			}
			defer c.Close()
			connected++
		}
		ln.Close()
		switch {
		case backlog == 1 && (connected > 3 || !errors.Is(last, os.ErrDeadlineExceeded)):
			t.Fatalf("Backlog 1: %d connects succeeded, then %v; want at most 3, then a timeout", connected, last)
		case backlog == 0 && connected != 8:
			t.Fatalf("default backlog: %d of 8 connects succeeded (%v)", connected, last)
		}
	}
}

// TestStreamSocketOptions: the setters reach the socket (read back with
// getsockopt), and both ends start with TCP_NODELAY as in net.
func TestStreamSocketOptions(t *testing.T) {
	a, b := pair(t)
	for _, s := range []*TCPStream{a, b} {
		if sockoptInt(t, s.sock(), unix.IPPROTO_TCP, unix.TCP_NODELAY) == 0 {
			t.Fatal("a new stream lacks TCP_NODELAY")
		}
	}
	if err := a.SetNoDelay(false); err != nil {
		t.Fatal(err)
	}
	if sockoptInt(t, a.sock(), unix.IPPROTO_TCP, unix.TCP_NODELAY) != 0 {
		t.Fatal("SetNoDelay(false) left TCP_NODELAY set")
	}
	if err := a.SetKeepAlive(true); err != nil {
		t.Fatal(err)
	}
	if sockoptInt(t, a.sock(), unix.SOL_SOCKET, unix.SO_KEEPALIVE) == 0 {
		t.Fatal("SetKeepAlive(true) did not set SO_KEEPALIVE")
	}
	if err := a.SetKeepAlivePeriod(1500 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if idle, intvl := sockoptInt(t, a.sock(), unix.IPPROTO_TCP, unix.TCP_KEEPIDLE), sockoptInt(t, a.sock(), unix.IPPROTO_TCP, unix.TCP_KEEPINTVL); idle != 2 || intvl != 2 {
		t.Fatalf("SetKeepAlivePeriod(1.5s): idle %ds, interval %ds; want 2, 2", idle, intvl)
	}
	if err := a.SetKeepAlive(false); err != nil {
		t.Fatal(err)
	}
	if sockoptInt(t, a.sock(), unix.SOL_SOCKET, unix.SO_KEEPALIVE) != 0 {
		t.Fatal("SetKeepAlive(false) left SO_KEEPALIVE set")
	}
	for _, sec := range []int{5, 0, -1} {
		if err := a.SetLinger(sec); err != nil {
			t.Fatal(err)
		}
		l, err := unix.GetsockoptLinger(a.sock().sysfd(), unix.SOL_SOCKET, unix.SO_LINGER)
		if err != nil {
			t.Fatal(err)
		}
		want := unix.Linger{Onoff: 1, Linger: int32(sec)}
		if sec < 0 {
			want = unix.Linger{}
		}
		if *l != want {
			t.Fatalf("SetLinger(%d): SO_LINGER %+v, want %+v", sec, *l, want)
		}
	}
}

// TestStreamAddrs: each end's LocalAddr is the other's RemoteAddr, as
// *net.TCPAddr, for a dialled and an accepted stream.
func TestStreamAddrs(t *testing.T) {
	a, b := pair(t)
	for _, c := range []struct{ x, y net.Addr }{{a.LocalAddr(), b.RemoteAddr()}, {a.RemoteAddr(), b.LocalAddr()}} {
		x, ok1 := c.x.(*net.TCPAddr)
		y, ok2 := c.y.(*net.TCPAddr)
		if !ok1 || !ok2 || x.String() != y.String() || x.Port == 0 || !x.IP.IsLoopback() {
			t.Fatalf("addresses %#v and %#v differ", c.x, c.y)
		}
	}
	if a.RemoteAddr().String() != a.RemoteAddr().String() || a.LocalAddr().String() == a.RemoteAddr().String() {
		t.Fatalf("local %v, remote %v", a.LocalAddr(), a.RemoteAddr())
	}
}

// TestDialResolvesOffTheWorker: a host name is looked up on the blocking
// pool, so a one-thread runtime goes on running its other tasks while the
// lookup waits (here on a DNS server that answers only when released); the
// lookup's failure comes back as a dial *net.OpError around the
// *net.DNSError.
func TestDialResolvesOffTheWorker(t *testing.T) {
	entered := make(chan struct{}, 16)
	release := make(chan struct{})
	saved := net.DefaultResolver
	net.DefaultResolver = &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
		entered <- struct{}{}
		<-release
		return nil, errors.New("no DNS in this test")
	}}
	defer func() { net.DefaultResolver = saved }()
	// A watchdog: a lookup made on the worker blocks the runtime, so that
	// the other task never runs; it is released after a while so that the
	// test fails instead of hanging.
	watchdog := time.AfterFunc(10*time.Second, func() { close(release) })

	r := rt.NewCurrentThread()
	defer r.Shutdown()
	dial := rt.SpawnOn(r, DialAsync("tcp", "corio-audit.invalid:80"))
	// Another task: it ends once the lookup has started, which it can see
	// only if the runtime keeps running tasks while the lookup waits.
	rt.BlockOn(r, rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
		if len(entered) == 0 {
			cx.Waker().Wake()
			time.Sleep(100 * time.Microsecond)
			return struct{}{}, false
		}
		return struct{}{}, true
	}))
	if !watchdog.Stop() {
		t.Fatal("the runtime ran no other task while a host name was looked up: the lookup blocked its worker")
	}
	close(release)
	// A one-thread runtime runs its tasks only while something blocks on it.
	joined := rt.BlockOn(r, dial.JoinAsync())
	out, err := joined.V0, joined.V1
	if err != nil {
		t.Fatal(err)
	}
	var oe *net.OpError
	var dnsErr *net.DNSError
	if out.V0 != nil || !errors.As(out.V1, &oe) || oe.Op != "dial" || !errors.As(out.V1, &dnsErr) {
		t.Fatalf("dial of an unresolvable name: %v, %#v; want a dial *net.OpError around a *net.DNSError", out.V0, out.V1)
	}
}

// TestInvalidPort: a numeric port out of range is refused as net refuses
// it ("address 99999: invalid port", a *net.AddrError inside the
// *net.OpError), by every constructor and in both modes, rather than
// reaching the kernel as a bind or connect failing with EINVAL.
func TestInvalidPort(t *testing.T) {
	u, err := ListenUDP("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	r := rt.NewCurrentThread()
	defer r.Shutdown()
	for _, port := range []string{"-1", "65536", "99999"} {
		for what, err := range map[string]error{
			"Dial":            func() error { _, err := Dial("tcp", "127.0.0.1:"+port); return err }(),
			"Dial, no host":   func() error { _, err := Dial("tcp", ":"+port); return err }(),
			"DialAsync":       rt.BlockOn(r, DialAsync("tcp4", "127.0.0.1:"+port)).V1,
			"Listen":          func() error { _, err := Listen("tcp", "127.0.0.1:"+port); return err }(),
			"ListenAsync":     rt.BlockOn(r, ListenAsync("tcp", ":"+port)).V1,
			"ListenUDP":       func() error { _, err := ListenUDP("udp", "127.0.0.1:"+port); return err }(),
			"UDPConn.Connect": u.Connect("127.0.0.1:" + port),
		} {
			var oe *net.OpError
			var ae *net.AddrError
			if !errors.As(err, &oe) || !errors.As(err, &ae) || ae.Err != "invalid port" || ae.Addr != port {
				t.Errorf("%s with port %s: %v; want a *net.OpError around net's *net.AddrError %q", what, port, err, "address "+port+": invalid port")
			}
		}
	}
}

// TestDialTimeoutZeroAndNegative: as in net, a zero timeout is no timeout
// (the dial waits for a connect that completes late), and a negative one
// has expired already (the dial fails even where it would connect at once).
func TestDialTimeoutZeroAndNegative(t *testing.T) {
	lc := ListenConfig{Backlog: 1}
	ln, err := lc.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if _, err := DialTimeout("tcp", ln.Addr().String(), -time.Second); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("DialTimeout with a negative timeout: %v; want os.ErrDeadlineExceeded", err)
	}
	// Fill the backlog: further connects hang in SYN retransmits.
	queued := 0
	for ; ; queued++ {
		c, err := DialTimeout("tcp", ln.Addr().String(), 200*time.Millisecond)
		if err != nil {
			break
		}
		defer c.Close()
		if queued > 8 {
			t.Skip("the kernel keeps accepting into a backlog of 1")
		}
	}
	done := make(chan error, 1)
	go func() {
		c, err := DialTimeout("tcp", ln.Addr().String(), 0)
		if err == nil {
			c.Close()
		}
		done <- err
	}()
	time.Sleep(20 * time.Millisecond) // the connect is hanging
	for range queued {                // make room: the next SYN retransmit gets in
		s, err := ln.AcceptTCP()
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
	}
	if err := <-done; err != nil {
		t.Fatalf("DialTimeout with a zero timeout: %v; want to wait for the connect, as net does", err)
	}
}
