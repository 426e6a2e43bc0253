package netx

import (
	"io"

	"github.com/corio-go/corio/rt"
)

// chunkedOp is a ReadFull or a Write of more than maxOpLen bytes: the
// direction's operation run on one maxOpLen-byte piece of the buffer after
// another, since one operation's lengths are 32-bit (see ioFuture). Such a
// buffer is rare enough that its future may be allocated; every shorter one
// is the socket itself, under the direction's future type.
type chunkedOp struct {
	fd      *netFD
	dir     rt.Direction
	kind    opKind // opReadFull or opWrite
	b       []byte
	done    int  // bytes moved by the finished pieces
	running bool // the direction holds the current piece's operation
}

func newChunkedOp(fd *netFD, dir rt.Direction, k opKind, b []byte) *chunkedOp {
	if fd.pending(dir) {
		panic(concurrentOpMisuse[dir]) // as start would, before any piece
	}
	return &chunkedOp{fd: fd, dir: dir, kind: k, b: b}
}

func (c *chunkedOp) Poll(cx *rt.Context) (rt.Tuple2[int, error], bool) {
	for {
		if !c.running {
			c.fd.start(c.dir, c.kind, c.b[c.done:]) // start takes at most maxOpLen bytes
			c.running = true
		}
		ok, err := c.fd.poll(cx, c.dir)
		if !ok {
			return rt.Tuple2[int, error]{}, false
		}
		c.running = false
		c.done += int(c.fd.op(c.dir).n)
		if err == io.EOF && c.done > 0 && c.kind == opReadFull {
			err = io.ErrUnexpectedEOF // the stream ended after a piece
		}
		if err != nil || c.done == len(c.b) {
			op := "write"
			if c.kind == opReadFull {
				op = "read"
			}
			return rt.Tuple2[int, error]{V0: c.done, V1: c.fd.opErr(op, err)}, true
		}
	}
}

// Cancel abandons the piece in progress.
func (c *chunkedOp) Cancel() {
	if c.running {
		c.fd.cancel(c.dir)
		c.running = false
	}
}
