package prefetch

import (
	"testing"
	"unsafe"
)

// TestLineAnyAddress: a prefetch is a hint, so no address faults: nil, the
// top of the address space, an unmapped page, and the line past the end of
// an object all return normally (a load of any of the first three would
// kill the process).
func TestLineAnyAddress(t *testing.T) {
	b := make([]byte, 8)
	for _, a := range []uintptr{
		0,
		^uintptr(0),
		^uintptr(0) &^ 63,
		1 << 40,
		uintptr(unsafe.Pointer(&b[0])),
		uintptr(unsafe.Pointer(&b[0])) + 4096,
	} {
		Line(a)
	}
}

var sink []byte

// BenchmarkLine: the cost of one hint for a line already in the cache.
func BenchmarkLine(b *testing.B) {
	sink = make([]byte, 64)
	a := uintptr(unsafe.Pointer(&sink[0]))
	b.ReportAllocs()
	for b.Loop() {
		Line(a)
	}
}
