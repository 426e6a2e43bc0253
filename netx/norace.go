//go:build !race

package netx

// The race detector's annotations of raw socket I/O (race.go) cost nothing
// without it.

func raceReleaseIO()        {}
func raceAcquireIO()        {}
func raceReadRange([]byte)  {}
func raceWriteRange([]byte) {}

const raceEnabled = false

// pendingFlag is ioFuture.waiting: a plain word, written by the task that
// owns the direction's operation (poll, cancel) and read by start. Only the
// misuse it catches — a second task starting an operation in a direction
// while the first's is pending — reads it concurrently with a write, and Go
// defines such a race on a word (the read sees one of the values written):
// start sees the first task's last poll, which is all the check needs. An
// atomic store is an exchange on amd64, and the flag changes twice per
// request of a read/write loop (set when the read waits, cleared when it
// completes): two locked instructions per request for a check of a misuse.
// The race detector's build (race.go) keeps it atomic.
type pendingFlag struct{ v uint32 }

func (p *pendingFlag) load() bool { return p.v != 0 }

func (p *pendingFlag) store(b bool) { p.v = uint32(boolint(b)) }
