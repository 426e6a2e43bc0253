package netx

import (
	"testing"
	"unsafe"
)

// TestLayout pins the sizes an idle connection pays for: a stream (and the
// halves Split returns) is its netFD and nothing more, and the netFD stays
// at 96 bytes, a size class, with two 32-byte operation slots.
func TestLayout(t *testing.T) {
	if got := unsafe.Sizeof(ioFuture{}); got != 32 {
		t.Errorf("ioFuture is %d bytes, want 32", got)
	}
	if got := unsafe.Sizeof(netFD{}); got != 96 {
		t.Errorf("netFD is %d bytes, want 96", got)
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
