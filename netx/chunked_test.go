//go:build linux

package netx

import (
	"bytes"
	"errors"
	"io"
	"net"
	"syscall"
	"testing"
)

// lowerMaxOpLen makes operations move at most n bytes for the test, so that
// buffers longer than that go through the chunked paths without gigabytes.
func lowerMaxOpLen(t *testing.T, n int) {
	old := maxOpLen
	maxOpLen = n
	t.Cleanup(func() { maxOpLen = old })
}

// Buffers longer than one operation moves: a Write and a ReadFull are split
// into pieces and still move everything, a Read is short, a TryWrite goes on
// piece after piece, a ReadFull cut by the end of the stream is
// io.ErrUnexpectedEOF with the count, and a datagram too long for one
// operation is refused rather than cut.
func TestBuffersLongerThanOneOperation(t *testing.T) {
	lowerMaxOpLen(t, 7)
	a, b := pair(t)
	msg := []byte("the quick brown fox jumps over the lazy dog")
	if n, err := a.Write(msg); n != len(msg) || err != nil {
		t.Fatalf("Write: %d, %v; want %d, nil", n, err, len(msg))
	}
	got := make([]byte, len(msg))
	if n, err := b.ReadFull(got); n != len(msg) || err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("ReadFull: %d %q %v", n, got[:n], err)
	}
	if n, err := a.TryWrite(msg); n != len(msg) || err != nil {
		t.Fatalf("TryWrite: %d, %v; want %d, nil", n, err, len(msg))
	}
	if n, err := b.Read(got); n != 7 || err != nil || !bytes.Equal(got[:n], msg[:7]) {
		t.Fatalf("Read: %d %q %v; want the first 7 bytes", n, got[:n], err)
	}
	if n, err := b.ReadFull(got[7:]); n != len(msg)-7 || err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("ReadFull of the rest: %d %v", n, err)
	}
	a.Write(msg[:10])
	a.CloseWrite()
	if n, err := b.ReadFull(got); n != 10 || err != io.ErrUnexpectedEOF {
		t.Fatalf("ReadFull cut by EOF: %d, %v; want 10, io.ErrUnexpectedEOF", n, err)
	}

	u, err := ListenUDP("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	n, err := u.SendTo(msg, u.LocalAddr())
	if n != 0 || !errors.Is(err, syscall.EMSGSIZE) {
		t.Fatalf("SendTo of %d bytes: %d, %v; want EMSGSIZE", len(msg), n, err)
	}
	var oe *net.OpError
	if !errors.As(err, &oe) || oe.Op != "write" {
		t.Fatalf("SendTo's error %v is not a write *net.OpError", err)
	}
}
