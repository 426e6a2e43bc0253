package netx

import (
	"testing"
	"unsafe"

	"github.com/corio-go/corio/rt"
)

// TestLayout pins the sizes an idle connection pays for: a stream (and the
// halves Split returns) is its netFD and nothing more, and the netFD stays
// at 64 bytes, the size class below 80: a 16-byte registration handle (the
// readiness and waiters are in the driver's slot pages, not in an object of
// the socket's), the side pointer, one word for the 32-bit close/reference
// state, the socket's id byte and the two directions' kind bytes, and two
// 16-byte operation slots. It was 80 while each slot carried its own
// 8-byte header (direction, kind, try, id, pending flag) and the state was
// 64 bits; a 65th byte would put it back in the 80-byte class, 16 bytes more
// per idle connection. The same layout holds under the race detector, which
// moves the pending flags into the state word's top bits.
func TestLayout(t *testing.T) {
	if got := unsafe.Sizeof(ioFuture{}); got != 16 {
		t.Errorf("ioFuture is %d bytes, want 16", got)
	}
	if got := unsafe.Sizeof(rt.Registration{}); got != 16 {
		t.Errorf("rt.Registration is %d bytes, want 16", got)
	}
	if got := unsafe.Sizeof(netFD{}); got != 64 {
		t.Errorf("netFD is %d bytes, want 64", got)
	}
	if got := unsafe.Sizeof(dgramFD{}); got != 80 {
		t.Errorf("dgramFD is %d bytes, want 80 (the netFD and the pending SendTo's destination)", got)
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
