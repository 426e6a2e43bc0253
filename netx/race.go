//go:build race

package netx

import (
	"runtime"
	"sync/atomic"
	"unsafe"
)

// Under the race detector, the raw recv and send of sysRead and sysWrite
// tell it what the syscall package's Read and Write tell it: the kernel
// wrote or read the buffer, and a send happens before the receive that
// gets its bytes (through ioSync, one variable for every socket, as
// syscall's own). Without this, memory handed from one goroutine to another
// with a message over a socket would be reported as a race.

var ioSync int64

func raceReleaseIO() { runtime.RaceReleaseMerge(unsafe.Pointer(&ioSync)) }

func raceAcquireIO() { runtime.RaceAcquire(unsafe.Pointer(&ioSync)) }

func raceReadRange(b []byte) {
	if len(b) > 0 {
		runtime.RaceReadRange(unsafe.Pointer(&b[0]), len(b))
	}
}

func raceWriteRange(b []byte) {
	if len(b) > 0 {
		runtime.RaceWriteRange(unsafe.Pointer(&b[0]), len(b))
	}
}

const raceEnabled = true

// pendingFlag is ioFuture.waiting. Under the race detector it is atomic, so
// that the misuse it catches (two tasks starting operations in one direction
// at once) is reported by start's panic, which the tests expect, and not as
// a data race; see norace.go for the plain one.
type pendingFlag struct{ v atomic.Uint32 }

func (p *pendingFlag) load() bool { return p.v.Load() != 0 }

func (p *pendingFlag) store(b bool) {
	if p.load() != b {
		p.v.Store(uint32(boolint(b)))
	}
}
