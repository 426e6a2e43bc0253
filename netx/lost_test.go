//go:build linux

package netx

import (
	"net"
	"os"
	"runtime"
	"testing"
	"time"
	"weak"

	"golang.org/x/sys/unix"
)

// TestNoCloseWhenLost: with ListenConfig.NoCloseWhenLost an accepted stream
// dropped without Close is collected but not closed: its descriptor stays
// open and registered (its peer sees no end of stream) until the owner
// deregisters and closes it by number, as this test then does.
func TestNoCloseWhenLost(t *testing.T) {
	lc := ListenConfig{NoCloseWhenLost: true}
	ln, err := lc.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	peer, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	s, err := ln.AcceptTCP()
	if err != nil {
		t.Fatal(err)
	}
	reg, nfd := s.sock().reg, s.sock().sysfd() // no pointer to the socket
	lost := weak.Make(s)
	s = nil
	if !settle(func() bool { runtime.GC(); return lost.Value() == nil }) {
		t.Fatal("the dropped stream was never collected")
	}
	if _, err := unix.FcntlInt(uintptr(nfd), unix.F_GETFD, 0); err != nil {
		t.Fatalf("the lost stream's descriptor %d: %v; want it still open", nfd, err)
	}
	peer.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	if _, err := peer.Read(make([]byte, 1)); !os.IsTimeout(err) {
		t.Fatalf("the peer's read: %v; want a timeout (no end of stream)", err)
	}
	if ev := reg.Readiness(); ev.Shutdown {
		t.Fatal("the lost stream's registration is shut down")
	}
	reg.Deregister()
	unix.Close(nfd)
}
