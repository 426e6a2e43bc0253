package netx

import (
	"io"

	"github.com/corio-go/corio/rt"
)

// chunkedOp is a ReadFull or a Write of more than maxOpLen bytes: the
// direction's operation run on one maxOpLen-byte piece of the buffer after
// another, since one operation's lengths are 32-bit (see ioFuture). Such a
// buffer is rare enough that its future may be allocated; every shorter one
// is the direction's ioFuture itself.
type chunkedOp struct {
	f       *ioFuture
	kind    opKind // opReadFull or opWrite
	b       []byte
	done    int  // bytes moved by the finished pieces
	running bool // f holds the current piece's operation
}

func newChunkedOp(f *ioFuture, k opKind, b []byte) *chunkedOp {
	if f.waiting.load() {
		panic(concurrentOpMisuse(f.dir)) // as start would, before any piece
	}
	return &chunkedOp{f: f, kind: k, b: b}
}

func (c *chunkedOp) Poll(cx *rt.Context) (rt.Tuple2[int, error], bool) {
	for {
		if !c.running {
			c.f.start(c.kind, c.b[c.done:]) // start takes at most maxOpLen bytes
			c.running = true
		}
		ok, err := c.f.poll(cx)
		if !ok {
			return rt.Tuple2[int, error]{}, false
		}
		c.running = false
		c.done += int(c.f.n)
		if err == io.EOF && c.done > 0 && c.kind == opReadFull {
			err = io.ErrUnexpectedEOF // the stream ended after a piece
		}
		if err != nil || c.done == len(c.b) {
			op := "write"
			if c.kind == opReadFull {
				op = "read"
			}
			return rt.Tuple2[int, error]{V0: c.done, V1: c.f.owner().opErr(op, err)}, true
		}
	}
}

// Cancel abandons the piece in progress.
func (c *chunkedOp) Cancel() {
	if c.running {
		c.f.cancel()
		c.running = false
	}
}
