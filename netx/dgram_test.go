//go:build linux

package netx

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/corio-go/corio/rt"
)

func TestUDPSendToRecvFrom(t *testing.T) {
	for _, network := range []string{"udp", "udp4"} {
		a, err := ListenUDP(network, "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		// b listens on the wildcard: for "udp" a dual-stack IPv6 socket,
		// which must still reach an IPv4 peer.
		b, err := ListenUDP(network, ":0")
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		bPort := b.LocalAddr().(*net.UDPAddr).Port
		if _, err := a.SendTo([]byte("ping"), &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: bPort}); err != nil {
			t.Fatalf("%s: SendTo: %v", network, err)
		}
		buf := make([]byte, 16)
		n, from, err := b.RecvFrom(buf)
		if err != nil || string(buf[:n]) != "ping" {
			t.Fatalf("%s: RecvFrom: %q, %v", network, buf[:n], err)
		}
		if from.(*net.UDPAddr).Port != a.LocalAddr().(*net.UDPAddr).Port {
			t.Fatalf("%s: from %v, want %v", network, from, a.LocalAddr())
		}
		// Answer to the address RecvFrom reported.
		if _, err := b.WriteTo([]byte("pong"), from); err != nil {
			t.Fatal(err)
		}
		n, _, err = a.ReadFrom(buf)
		if err != nil || string(buf[:n]) != "pong" {
			t.Fatalf("%s: ReadFrom: %q, %v", network, buf[:n], err)
		}
	}
}

func TestUDPConnectSendRecvAsync(t *testing.T) {
	a, _ := ListenUDP("udp4", "127.0.0.1:0")
	defer a.Close()
	b, _ := ListenUDP("udp4", "127.0.0.1:0")
	defer b.Close()
	if err := a.Connect(b.LocalAddr().String()); err != nil {
		t.Fatal(err)
	}
	if err := b.Connect("localhost:" + portOf(a.LocalAddr())); err != nil {
		t.Fatal(err)
	}
	if a.RemoteAddr() == nil {
		t.Fatal("no RemoteAddr after Connect")
	}
	// b receives in a task while a sends from this goroutine.
	buf := make([]byte, 8)
	recv := b.RecvAsync(buf) // one future, polled until ready (a new one per poll would abandon a pending one)
	h := rt.Spawn(rt.PollFunc(func(cx *rt.Context) (rt.Tuple2[int, error], bool) {
		return recv.Poll(cx)
	}))
	time.Sleep(5 * time.Millisecond)
	if _, err := a.Send([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	out, err := h.Join()
	if err != nil || out.V1 != nil || string(buf[:out.V0]) != "hello" {
		t.Fatalf("Recv in a task: %q, %v, %v", buf[:out.V0], out.V1, err)
	}
}

func TestUDPDeadlineAndClose(t *testing.T) {
	a, _ := ListenUDP("udp4", "127.0.0.1:0")
	a.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
	buf := make([]byte, 8)
	if _, _, err := a.RecvFrom(buf); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("RecvFrom past the deadline: %v", err)
	}
	a.SetReadDeadline(time.Time{})
	done := make(chan error, 1)
	go func() {
		_, _, err := a.RecvFrom(buf)
		done <- err
	}()
	time.Sleep(5 * time.Millisecond)
	a.Close()
	if err := <-done; !errors.Is(err, net.ErrClosed) {
		t.Fatalf("RecvFrom after Close: %v", err)
	}
	if _, err := a.SendTo(buf, a.LocalAddr()); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("SendTo after Close: %v", err)
	}
}

func portOf(a net.Addr) string {
	_, p, _ := net.SplitHostPort(a.String())
	return p
}

func TestUnixStreamAndListener(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.sock")
	ln, err := ListenUnix(path)
	if err != nil {
		t.Fatal(err)
	}
	wg := echoServer(t, ln)
	c, err := DialUnix(path)
	if err != nil {
		t.Fatal(err)
	}
	c.Write([]byte("unix!"))
	var b [5]byte
	if _, err := c.ReadFull(b[:]); err != nil || string(b[:]) != "unix!" {
		t.Fatalf("%q, %v", b, err)
	}
	if c.RemoteAddr().String() != path {
		t.Fatalf("RemoteAddr %v", c.RemoteAddr())
	}
	c.Close()
	ln.Close()
	wg.Wait()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("socket file left after Close: %v", err)
	}
	if _, err := DialUnix(path); err == nil {
		t.Fatal("dialled a closed listener")
	}
	// The abstract namespace.
	ab, err := ListenUnix("@corio-netx-test")
	if err != nil {
		t.Fatal(err)
	}
	defer ab.Close()
	ac, err := DialUnix("@corio-netx-test")
	if err != nil {
		t.Fatal(err)
	}
	ac.Close()
}

func TestUnixDatagram(t *testing.T) {
	dir := t.TempDir()
	pa, pb := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	a, err := ListenUnixgram(pa)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := ListenUnixgram(pb)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := a.SendTo([]byte("dgram"), &net.UnixAddr{Name: pb, Net: "unixgram"}); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 16)
	n, from, err := b.RecvFrom(buf)
	if err != nil || string(buf[:n]) != "dgram" || from.String() != pa {
		t.Fatalf("RecvFrom: %q from %v, %v", buf[:n], from, err)
	}
	u, err := ListenUnixgram("")
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	if err := u.Connect(pa); err != nil {
		t.Fatal(err)
	}
	if _, err := u.Send([]byte("anon")); err != nil {
		t.Fatal(err)
	}
	if n, err := a.Recv(buf); err != nil || string(buf[:n]) != "anon" {
		t.Fatalf("Recv: %q, %v", buf[:n], err)
	}
}

func TestUnixAsyncTwins(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.sock")
	r := rt.NewMultiThread()
	defer r.Shutdown()
	lnOut := rt.BlockOn(r, ListenUnixAsync(path))
	if lnOut.V1 != nil {
		t.Fatal(lnOut.V1)
	}
	ln := lnOut.V0
	defer ln.Close()
	acc := rt.SpawnOn(r, ln.AcceptUnixAsync())
	c := rt.BlockOn(r, DialUnixAsync(path))
	if c.V1 != nil {
		t.Fatal(c.V1)
	}
	s, err := acc.Join()
	if err != nil || s.V1 != nil {
		t.Fatal(err, s.V1)
	}
	w := rt.BlockOn(r, c.V0.WriteAsync([]byte("twin")))
	buf := make([]byte, 4)
	rd := rt.BlockOn(r, s.V0.ReadFullAsync(buf))
	if w.V1 != nil || rd.V1 != nil || string(buf) != "twin" {
		t.Fatalf("write %v, read %q %v", w.V1, buf, rd.V1)
	}
	c.V0.Close()
	s.V0.Close()
}

// TestDatagramConnectError: a failed Connect is one *net.OpError naming the
// address it tried to reach (as net's Dial does), not a second OpError
// around a first one that names the socket's own address.
func TestDatagramConnectError(t *testing.T) {
	check := func(what string, err error, target string, errno error) {
		t.Helper()
		var oe *net.OpError
		if !errors.Is(err, errno) || !errors.As(err, &oe) {
			t.Fatalf("%s: %v; want a *net.OpError wrapping %v", what, err, errno)
		}
		var inner *net.OpError
		if errors.As(oe.Err, &inner) {
			t.Fatalf("%s: %v: an OpError inside an OpError", what, err)
		}
		if oe.Op != "dial" || oe.Addr == nil || oe.Addr.String() != target {
			t.Fatalf("%s: %v: Op %q, Addr %v; want dial, %s", what, err, oe.Op, oe.Addr, target)
		}
	}
	u, err := ListenUDP("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	// Broadcast without SO_BROADCAST: connect(2) fails with EACCES.
	check("UDPConn.Connect", u.Connect("255.255.255.255:9"), "255.255.255.255:9", syscall.EACCES)
	d, err := ListenUnixgram("")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	missing := filepath.Join(t.TempDir(), "missing")
	check("UnixDatagram.Connect", d.Connect(missing), missing, syscall.ENOENT)
}
