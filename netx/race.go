//go:build race

package netx

import (
	"runtime"
	"unsafe"

	"github.com/corio-go/corio/rt"
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

// Under the race detector a direction's pending flag (see pending) is one
// of the state word's two top bits, set and cleared atomically, so that the
// misuse it catches (two tasks starting operations in one direction at
// once) is reported by start's panic, which the tests expect, and not as a
// data race; see norace.go for the plain one. The count of syscalls below
// it has 29 bits, and the close (decref) ignores the two.
const stateWaiting uint32 = 3 << 30

func stateWaitingBit(dir rt.Direction) uint32 { return 1 << 30 << (dir & 1) }

// pending reports whether direction dir's operation is pending: its last
// poll returned not ready.
func (fd *netFD) pending(dir rt.Direction) bool { return fd.state.Load()&stateWaitingBit(dir) != 0 }

// pendingAt is pending for a caller that has the address of the
// direction's hdr byte (h), where the other build keeps the flag; it does
// not read the byte, which the misuse this catches may be writing.
func (fd *netFD) pendingAt(h *uint8, dir rt.Direction) bool { return fd.pending(dir) }

// setPending records whether direction dir's operation is pending.
func (fd *netFD) setPending(dir rt.Direction, b bool) {
	switch bit := stateWaitingBit(dir); {
	case fd.pending(dir) == b:
	case b:
		fd.state.Or(bit)
	default:
		fd.state.And(^bit)
	}
}
