package netx

import (
	"testing"
	"unsafe"

	"github.com/corio-go/corio/rt"
)

// TestLayout pins the sizes an idle connection pays for: a stream (and the
// halves Split returns) is its netFD and nothing more, and the netFD stays
// at 80 bytes, a size class, with two 24-byte operation slots and a 16-byte
// registration handle (the readiness and waiters are in the driver's slot
// pages, not in an object of the socket's).
func TestLayout(t *testing.T) {
	if got := unsafe.Sizeof(ioFuture{}); got != 24 {
		t.Errorf("ioFuture is %d bytes, want 24", got)
	}
	if got := unsafe.Sizeof(rt.Registration{}); got != 16 {
		t.Errorf("rt.Registration is %d bytes, want 16", got)
	}
	if got := unsafe.Sizeof(netFD{}); got != 80 {
		t.Errorf("netFD is %d bytes, want 80", got)
	}
	for name, size := range map[string]uintptr{
		"TCPStream":  unsafe.Sizeof(TCPStream{}),
		"UnixStream": unsafe.Sizeof(UnixStream{}),
		"ReadHalf":   unsafe.Sizeof(ReadHalf{}),
		"WriteHalf":  unsafe.Sizeof(WriteHalf{}),
	} {
		if size != unsafe.Sizeof(netFD{}) {
			t.Errorf("%s is %d bytes, not its netFD's %d: the views would read past the allocation", name, size, unsafe.Sizeof(netFD{}))
		}
	}
	t.Logf("netFD %d B, ioFuture %d B, dgramFD %d B", unsafe.Sizeof(netFD{}), unsafe.Sizeof(ioFuture{}), unsafe.Sizeof(dgramFD{}))
}
