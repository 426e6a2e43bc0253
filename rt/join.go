package rt

import (
	"cmp"
	mathbits "math/bits"
	"sync"
)

// Join: run several futures concurrently inside one task and wait for all.
//
// Join2 … Join4 take futures of any types and return every output, in
// argument order; JoinAll takes a slice of futures of one type and returns a
// slice of outputs in the same order. TryJoin2 and TryJoinAll take futures
// of (T, error) — the output of an async function returning (T, error) — and
// stop at the first error, cancelling the rest, as errgroup does. Nothing is
// spawned: the children are polled by the joining future, on the joining
// task, so they run concurrently (interleaved at their suspension points),
// not in parallel. Spawn tasks, or use a JoinSet, for parallelism. The
// contract (polling order, cost, cancellation) is in doc.go, "Select and
// Join".

// Join2 runs f0 and f1 concurrently and returns both outputs once both are
// ready (direct mode of Join2Async).
func Join2[T0, T1 any](f0 Future[T0], f1 Future[T1]) (T0, T1) {
	out := Await(Join2Async(f0, f1))
	return out.V0, out.V1
}

// Join2Async returns a future that polls f0 and f1, each until it is ready,
// and is then ready with both outputs. Each poll polls only the children not
// yet done, starting with the child after the one it started with last time,
// so that a child that exhausts the task's budget does not starve the other.
// Cancel cancels the children that are not done. It allocates once (the
// returned future) and nothing per poll.
func Join2Async[T0, T1 any](f0 Future[T0], f1 Future[T1]) Future[Tuple2[T0, T1]] {
	j := new(join2[T0, T1])
	j.bs = newBranches2(f0, f1)
	return j
}

// Join3 is Join2 with three futures (direct mode of Join3Async).
func Join3[T0, T1, T2 any](f0 Future[T0], f1 Future[T1], f2 Future[T2]) (T0, T1, T2) {
	out := Await(Join3Async(f0, f1, f2))
	return out.V0, out.V1, out.V2
}

// Join3Async is Join2Async with three futures.
func Join3Async[T0, T1, T2 any](f0 Future[T0], f1 Future[T1], f2 Future[T2]) Future[Tuple3[T0, T1, T2]] {
	j := new(join3[T0, T1, T2])
	j.bs = newBranches3(f0, f1, f2)
	return j
}

// Join4 is Join2 with four futures (direct mode of Join4Async).
func Join4[T0, T1, T2, T3 any](f0 Future[T0], f1 Future[T1], f2 Future[T2], f3 Future[T3]) (T0, T1, T2, T3) {
	out := Await(Join4Async(f0, f1, f2, f3))
	return out.V0, out.V1, out.V2, out.V3
}

// Join4Async is Join2Async with four futures.
func Join4Async[T0, T1, T2, T3 any](f0 Future[T0], f1 Future[T1], f2 Future[T2], f3 Future[T3]) Future[Tuple4[T0, T1, T2, T3]] {
	j := new(join4[T0, T1, T2, T3])
	j.bs = newBranches4(f0, f1, f2, f3)
	return j
}

// JoinAll runs every future of fs concurrently and returns their outputs in
// the order of fs (direct mode of JoinAllAsync).
func JoinAll[T any](fs []Future[T]) []T {
	return Await(JoinAllAsync(fs))
}

// JoinAllAsync returns a future that polls every future of fs until each is
// ready, and is then ready with their outputs, out[i] from fs[i]. An empty fs
// is ready at once with an empty slice. It copies fs (so the caller may reuse
// the slice) and allocates the output up front: three allocations per call
// (six from 32 children on, for the per-child wakers), none per poll. A poll
// polls the children not yet done, starting one further along each time:
// below 32 children every one of them, from 32 on only those woken since the
// previous poll (each child has a waker of its own); see doc.go. Cancel
// cancels the children that are not done.
func JoinAllAsync[T any](fs []Future[T]) Future[[]T] {
	return &joinAllFuture[T]{all: newAllBranches(fs), out: make([]T, len(fs))}
}

// TryJoin2 runs f0 and f1 concurrently. If both succeed it returns their
// values and nil; as soon as one fails it cancels the other and returns zero
// values and that error (direct mode of TryJoin2Async).
func TryJoin2[T0, T1 any](f0 Future[Tuple2[T0, error]], f1 Future[Tuple2[T1, error]]) (T0, T1, error) {
	out := Await(TryJoin2Async(f0, f1))
	return out.V0, out.V1, out.V2
}

// TryJoin2Async is Join2Async for futures of (value, error): it is ready with
// Tuple3{v0, v1, nil} when both succeeded, or with Tuple3{zero, zero, err} as
// soon as one completed with a non-nil error — after cancelling the other,
// which is not polled again. When both fail at the same poll, the error of
// the one polled first wins.
func TryJoin2Async[T0, T1 any](f0 Future[Tuple2[T0, error]], f1 Future[Tuple2[T1, error]]) Future[Tuple3[T0, T1, error]] {
	j := new(tryJoin2[T0, T1])
	j.bs = newBranches2(f0, f1)
	return j
}

// TryJoinAll runs every future of fs concurrently. If all succeed it returns
// their values in the order of fs and nil; as soon as one fails it cancels
// the others and returns nil and that error (direct mode of TryJoinAllAsync).
func TryJoinAll[T any](fs []Future[Tuple2[T, error]]) ([]T, error) {
	out := Await(TryJoinAllAsync(fs))
	return out.V0, out.V1
}

// TryJoinAllAsync is JoinAllAsync for futures of (value, error): it is ready
// with Tuple2{values, nil} when all succeeded, or with Tuple2{nil, err} as
// soon as one completed with a non-nil error, after cancelling every child
// not yet done (none of them is polled again).
func TryJoinAllAsync[T any](fs []Future[Tuple2[T, error]]) Future[Tuple2[[]T, error]] {
	return &tryJoinAllFuture[T]{all: newAllBranches(fs), out: make([]T, len(fs))}
}

type join2[T0, T1 any] struct {
	combo[branches2[T0, T1], *branches2[T0, T1]]
}

func (f *join2[T0, T1]) Poll(cx *Context) (Tuple2[T0, T1], bool) {
	k := f.joinStart(2)
	f.bs.poll(cx, k)
	f.bs.poll(cx, k^1)
	if !f.bs.done() {
		return Tuple2[T0, T1]{}, false
	}
	f.over = true
	return Tuple2[T0, T1]{f.bs.b0.v, f.bs.b1.v}, true
}

type join3[T0, T1, T2 any] struct {
	combo[branches3[T0, T1, T2], *branches3[T0, T1, T2]]
}

func (f *join3[T0, T1, T2]) Poll(cx *Context) (Tuple3[T0, T1, T2], bool) {
	k := f.joinStart(3)
	for range 3 {
		f.bs.poll(cx, k)
		if k++; k == 3 {
			k = 0
		}
	}
	if !f.bs.done() {
		return Tuple3[T0, T1, T2]{}, false
	}
	f.over = true
	b := &f.bs
	return Tuple3[T0, T1, T2]{b.b0.v, b.b1.v, b.b2.v}, true
}

type join4[T0, T1, T2, T3 any] struct {
	combo[branches4[T0, T1, T2, T3], *branches4[T0, T1, T2, T3]]
}

func (f *join4[T0, T1, T2, T3]) Poll(cx *Context) (Tuple4[T0, T1, T2, T3], bool) {
	k := f.joinStart(4)
	for range 4 {
		f.bs.poll(cx, k)
		k = (k + 1) & 3
	}
	if !f.bs.done() {
		return Tuple4[T0, T1, T2, T3]{}, false
	}
	f.over = true
	b := &f.bs
	return Tuple4[T0, T1, T2, T3]{b.b0.v, b.b1.v, b.b2.v, b.b3.v}, true
}

type tryJoin2[T0, T1 any] struct {
	combo[branches2[Tuple2[T0, error], Tuple2[T1, error]], *branches2[Tuple2[T0, error], Tuple2[T1, error]]]
}

func (f *tryJoin2[T0, T1]) Poll(cx *Context) (Tuple3[T0, T1, error], bool) {
	k := f.joinStart(2)
	for range 2 {
		// Only a branch completed by this call can hold an error: an
		// earlier one would have ended the join.
		if f.bs.poll(cx, k) {
			if err := cmp.Or(f.bs.b0.v.V1, f.bs.b1.v.V1); err != nil {
				f.Cancel()
				return Tuple3[T0, T1, error]{V2: err}, true
			}
		}
		k ^= 1
	}
	if !f.bs.done() {
		return Tuple3[T0, T1, error]{}, false
	}
	f.over = true
	return Tuple3[T0, T1, error]{V0: f.bs.b0.v.V0, V1: f.bs.b1.v.V0}, true
}

// childWakersFrom is the number of children from which JoinAll and
// TryJoinAll give every child a waker of its own (Tokio's join_all switches
// to per-child wakers beyond 30 children). Below it a wake-up re-polls every
// pending child, which for a few children is cheaper than the bookkeeping.
const childWakersFrom = 32

// allBranches is the state of a join over a slice: a copy of the futures,
// each set to nil once it completed or was cancelled, and where the next
// poll starts.
type allBranches[R any] struct {
	fs   []Future[R]  // a copy of the caller's slice; nil entries are done
	left int          // entries of fs not nil
	next int          // index the next poll starts at
	done bool         // the join finished (completed, failed or cancelled)
	cw   *childWakers // per-child wakers; nil below childWakersFrom children
}

func newAllBranches[R any](fs []Future[R]) allBranches[R] {
	checkNoNil(fs)
	a := allBranches[R]{fs: append([]Future[R](nil), fs...), left: len(fs)}
	if len(fs) >= childWakersFrom {
		a.cw = newChildWakers(len(fs))
	}
	return a
}

// poll polls the children not done — every one, or with per-child wakers
// those woken since the last poll — once each, starting at a.next and going
// round, and passes each output to got(i, r) as it arrives; got returns
// false to stop the join (TryJoinAll's first error), and then poll cancels
// every child still pending. It reports whether the join finished.
func (a *allBranches[R]) poll(cx *Context, got func(i int, r R) bool) bool {
	if a.done {
		panic("corio/rt: Join future polled after completion")
	}
	n := len(a.fs)
	start := a.next
	if a.next++; a.next >= n {
		a.next = 0
	}
	if a.cw != nil {
		return a.pollWoken(cx, start, got)
	}
	for k := range n {
		if k += start; k >= n {
			k -= n
		}
		if a.pollOne(cx, k, got) {
			return true
		}
	}
	a.done = a.left == 0
	return a.done
}

// pollWoken is poll with per-child wakers: it polls only the children woken
// since the last poll, each with its own waker in cx.
func (a *allBranches[R]) pollWoken(cx *Context, start int, got func(i int, r R) bool) bool {
	bits := a.cw.take(cx.waker)
	// A panic in a child must not leave a child's waker in cx: Await
	// reuses its Context.
	defer func(w Waker) { cx.waker = w }(cx.waker)
	for _, from := range [2]int{start, 0} { // bits from start to the end, then the rest
		for i := nextBit(bits, from); i >= 0; i = nextBit(bits, i+1) {
			bits[i>>6] &^= 1 << (i & 63)
			cx.waker = &a.cw.wakers[i]
			if a.pollOne(cx, i, got) {
				return true
			}
		}
	}
	a.done = a.left == 0
	return a.done
}

// pollOne polls child k unless it is done, and reports whether got stopped
// the join (it is then cancelled).
func (a *allBranches[R]) pollOne(cx *Context, k int, got func(i int, r R) bool) bool {
	f := a.fs[k]
	if f == nil {
		return false
	}
	r, ok := f.Poll(cx)
	if !ok {
		return false
	}
	a.fs[k] = nil
	a.left--
	if !got(k, r) {
		a.cancel()
		return true
	}
	return false
}

// nextBit returns the index of the first bit set in bits at or after from,
// or -1.
func nextBit(bits []uint64, from int) int {
	for w := from >> 6; w < len(bits); w++ {
		word := bits[w]
		if w == from>>6 {
			word &^= 1<<(from&63) - 1
		}
		if word != 0 {
			return w<<6 + mathbits.TrailingZeros64(word)
		}
	}
	return -1
}

// childWakers gives each child of a large join its own waker, so that a
// wake-up re-polls only the children that were woken, not all of them.
type childWakers struct {
	mu      sync.Mutex
	parent  Waker    // protected by mu: the waker of the join's last poll
	woken   []uint64 // protected by mu: bit i set when child i was woken since the last take
	pending bool     // protected by mu: some bit is set and parent was woken for it
	taken   []uint64 // owned by the poller: the bits the current poll works through, zero between polls
	wakers  []childWaker
}

func newChildWakers(n int) *childWakers {
	words := (n + 63) / 64
	bits := make([]uint64, 2*words)
	c := &childWakers{woken: bits[:words:words], taken: bits[words:], wakers: make([]childWaker, n)}
	for i := range c.wakers {
		c.wakers[i] = childWaker{c: c, i: i}
		c.wakers[i].box = &c.wakers[i]
	}
	for i := range n { // the first poll polls every child
		c.woken[i>>6] |= 1 << (i & 63)
	}
	return c
}

// take records the poller's waker and returns the children woken since the
// last take, clearing them.
func (c *childWakers) take(parent Waker) []uint64 {
	c.mu.Lock()
	c.parent = parent
	c.woken, c.taken = c.taken, c.woken
	c.pending = false
	c.mu.Unlock()
	return c.taken
}

// childWaker is the waker child i of a large join sees in cx.
type childWaker struct {
	c   *childWakers
	i   int
	box Waker // the waker itself: the box it lends a task it joins (joinBoxer)
}

// joinBox lends the child waker's box to a task whose lone joiner it is.
func (w *childWaker) joinBox() *Waker { return &w.box }

// Wake marks the child woken and wakes the join's poller, unless an earlier
// wake since the last poll already did.
func (w *childWaker) Wake() {
	c := w.c
	c.mu.Lock()
	c.woken[w.i>>6] |= 1 << (w.i & 63)
	var p Waker
	if !c.pending {
		c.pending, p = true, c.parent
	}
	c.mu.Unlock()
	if p != nil {
		p.Wake()
	}
}

// cancel cancels every child not done, each exactly once.
func (a *allBranches[R]) cancel() {
	a.done = true
	for i, f := range a.fs {
		if f != nil {
			a.fs[i] = nil
			Cancel(f)
		}
	}
	a.left = 0
}

type joinAllFuture[T any] struct {
	all allBranches[T]
	out []T
}

func (f *joinAllFuture[T]) Poll(cx *Context) ([]T, bool) {
	out := f.out
	if !f.all.poll(cx, func(i int, v T) bool { out[i] = v; return true }) {
		return nil, false
	}
	return out, true
}

// Cancel cancels the children that are not done.
func (f *joinAllFuture[T]) Cancel() { f.all.cancel() }

type tryJoinAllFuture[T any] struct {
	all allBranches[Tuple2[T, error]]
	out []T
	err error
}

func (f *tryJoinAllFuture[T]) Poll(cx *Context) (Tuple2[[]T, error], bool) {
	if !f.all.poll(cx, f.got) {
		return Tuple2[[]T, error]{}, false
	}
	if f.err != nil {
		return Tuple2[[]T, error]{V1: f.err}, true
	}
	return Tuple2[[]T, error]{V0: f.out}, true
}

func (f *tryJoinAllFuture[T]) got(i int, r Tuple2[T, error]) bool {
	if r.V1 != nil {
		f.err = r.V1
		return false
	}
	f.out[i] = r.V0
	return true
}

// Cancel cancels the children that are not done.
func (f *tryJoinAllFuture[T]) Cancel() { f.all.cancel() }
