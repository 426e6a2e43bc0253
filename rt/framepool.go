package rt

import (
	"runtime"
	"sync/atomic"
	"unsafe"
)

// Recycling the futures of recursive async calls.
//
// A generated future holds the future of a callee of its package by value
// (one allocation for a whole chain of calls) except where the callee can
// reach the caller again: recursion needs a future per level, allocated when
// the call starts. A recursion that goes d deep and unwinds, again and again
// (a tree walk, a recursive-descent parser, Go's test/peano.go), allocates d
// futures each time and leaves them to the GC. A FramePool keeps the
// completed ones instead, in the polling Context, for the next call of the
// same function polled with that Context. See "Frames" in doc.go.

// FramePool recycles the futures of one generated future type F: the
// generated caller of a recursive async function takes the callee's future
// with Get and gives it back with Put once the await has its output. For
// generated code only; its zero value is ready to use, and one package-level
// FramePool serves every Context.
//
// The futures are kept per Context (the one polling: a worker's, or a
// BlockOn's), so Get and Put need no lock. A Context keeps at most the
// futures of a type that completed since the last garbage collection and
// were not taken again — never more than were alive at once — plus the
// unused rest of the last block it allocated (see refill), and drops them
// all at the first Put, refill or frame-stack use after a collection, as
// sync.Pool drops its objects: memory a deep recursion needed is kept for
// the next one until the GC runs, like a goroutine's stack until the GC
// shrinks it.
type FramePool[F any] struct {
	id atomic.Int32 // index+1 into Context.pools; 0 until first used by a Context
}

// Get returns a zeroed F: one that cx's pool holds, or a new one (refill).
func (p *FramePool[F]) Get(cx *Context) *F {
	if i := int(p.id.Load()) - 1; i >= 0 && i < len(cx.pools) {
		if l := &cx.pools[i]; len(l.free) > 0 {
			n := len(l.free) - 1
			f := l.free[n]
			l.free[n] = nil
			l.free = l.free[:n]
			return (*F)(f)
		}
	}
	return p.refill(cx)
}

// refill returns a new F for Get, allocated with the next chunkLen(F)-1 as
// one block, which it keeps in cx's pool: a recursion that goes d deep
// with an empty pool (its first descent, or the first after a collection)
// makes d/chunkLen allocations instead of d, and the collector marks and
// sweeps that many objects.
//
//go:noinline
func (p *FramePool[F]) refill(cx *Context) *F {
	n := chunkLen(unsafe.Sizeof(*new(F)))
	if n == 1 {
		return new(F)
	}
	cx.checkGC()
	chunk := make([]F, n)
	l := p.list(cx)
	if cap(l.free)-len(l.free) < n-1 {
		l.grow(n - 1)
	}
	for i := n - 1; i > 0; i-- {
		l.free = append(l.free, unsafe.Pointer(&chunk[i]))
	}
	return &chunk[0]
}

// chunkBytes is about the size of the block refill allocates; chunkMax
// bounds the futures in one. A block is freed only once none of its
// futures is referenced, so a Context's pool holds at most chunkMax-1
// futures that were never used, and a future that outlives the others
// keeps at most chunkBytes alive.
const (
	chunkBytes = 1024
	chunkMax   = 16
)

// chunkLen is the number of futures of size bytes that refill allocates
// at once.
func chunkLen(size uintptr) int {
	if size == 0 || size > chunkBytes/2 {
		return 1
	}
	return int(min(chunkBytes/size, chunkMax))
}

// Put zeroes f, a future that Get returned, and keeps it in cx's pool for
// the next Get. f must be referenced nowhere else: the caller got its output
// (it completed; neither cancelled nor panicked) and drops its own reference.
func (p *FramePool[F]) Put(cx *Context, f *F) {
	var zero F
	*f = zero
	cx.checkGC()
	l := p.list(cx)
	if len(l.free) == cap(l.free) {
		l.grow(1)
	}
	l.free = append(l.free, unsafe.Pointer(f))
}

// list returns cx's list of kept futures of p's type, giving p its index
// first if it has none.
func (p *FramePool[F]) list(cx *Context) *freeFrames {
	id := int(p.id.Load())
	if id == 0 {
		id = p.assign()
	}
	if id > len(cx.pools) {
		cx.growPools(id)
	}
	return &cx.pools[id-1]
}

// assign gives p its index into the Contexts' pools (once, whoever wins).
func (p *FramePool[F]) assign() int {
	p.id.CompareAndSwap(0, framePools.Add(1))
	return int(p.id.Load())
}

// framePools counts the FramePools that have an index.
var framePools atomic.Int32

// freeFrames is a Context's pool of one future type: zeroed futures, all of
// the type whose FramePool has this index.
type freeFrames struct {
	free []unsafe.Pointer
}

// grow doubles the list's capacity, or more to make room for n more (as
// frameStack.grow, for the same reason: a deep recursion's futures come
// back one by one).
//
//go:noinline
func (l *freeFrames) grow(n int) {
	free := make([]unsafe.Pointer, len(l.free), max(2*cap(l.free)+8, len(l.free)+n))
	copy(free, l.free)
	l.free = free
}

func (cx *Context) growPools(n int) {
	cx.pools = append(cx.pools, make([]freeFrames, n-len(cx.pools))...)
}

// checkGC drops what cx keeps for reuse beyond its small steady-state
// buffers — the frame pools and frame stacks grown past maxKeptPushed — if a
// garbage collection has completed since cx last looked.
func (cx *Context) checkGC() {
	e := gcEpoch.Load()
	if e == cx.gcEpoch {
		return
	}
	cx.gcEpoch = e
	clear(cx.pools)
	keep := cx.spare[:0]
	for _, s := range cx.spare {
		if cap(s.frames) <= maxKeptPushed {
			keep = append(keep, s)
		}
	}
	clear(cx.spare[len(keep):])
	cx.spare = keep
}

// gcEpoch counts completed garbage collections (at least those that found
// the previous gcSentinel unreachable, which is every one after it was
// made): each time the sentinel is collected its finalizer counts and makes
// the next one.
var gcEpoch atomic.Uint32

// gcSentinel is allocated only to be collected; it holds a pointer so that
// it is never combined with other objects by the tiny allocator.
type gcSentinel struct{ _ *byte }

func newGCSentinel() {
	runtime.SetFinalizer(new(gcSentinel), func(*gcSentinel) {
		gcEpoch.Add(1)
		newGCSentinel()
	})
}

func init() { newGCSentinel() }
