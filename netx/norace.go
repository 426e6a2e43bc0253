//go:build !race

package netx

import "github.com/corio-go/corio/rt"

// The race detector's annotations of raw socket I/O (race.go) cost nothing
// without it.

func raceReleaseIO()        {}
func raceAcquireIO()        {}
func raceReadRange([]byte)  {}
func raceWriteRange([]byte) {}

const raceEnabled = false

// stateWaiting is the bits of netFD.state that are not the closed bit and
// the count: none in this build (race.go keeps the pending flags there).
const stateWaiting uint32 = 0

// pending reports whether direction dir's operation is pending: its last
// poll returned not ready. The flag is a bit of the direction's hdr byte,
// written (plainly) by the task that owns the direction's operation (poll,
// cancel) and read by start. Only the misuse it catches — a second task
// starting an operation in a direction while the first's is pending — reads
// it concurrently with a write, and Go defines such a race on a byte (the
// read sees one of the values written): start sees the first task's last
// poll, which is all the check needs. An atomic store is an exchange on
// amd64, and the flag changes twice per request of a read/write loop (set
// when the read waits, cleared when it completes): two locked instructions
// per request for a check of a misuse. The race detector's build (race.go)
// keeps it atomic.
func (fd *netFD) pending(dir rt.Direction) bool { return fd.pendingAt(&fd.hdr[dir&1], dir) }

// pendingAt is pending for a caller that has the address of the
// direction's hdr byte (h).
func (fd *netFD) pendingAt(h *uint8, dir rt.Direction) bool { return *h&hdrWaiting != 0 }

// setPending records whether direction dir's operation is pending.
func (fd *netFD) setPending(dir rt.Direction, b bool) {
	h := fd.hdr[dir&1] &^ hdrWaiting
	if b {
		h |= hdrWaiting
	}
	fd.hdr[dir&1] = h
}
