package rt

import "math/rand/v2"

// Select: wait for the first of several futures.
//
// Select2 … Select4 take futures of any types and return a SelectedN naming
// the branch that won and holding its value; SelectN takes a slice of futures
// of one type and returns the winner's index and value. Each has an XAsync
// twin with the same parameters, so in an async function
//
//	s := rt.Select2(q.RecvAsync(), rt.SleepAsync(time.Second))
//	switch s.Index {
//	case 0: // s.V0 is the message
//	case 1: // timed out
//	}
//
// is a suspension point, and the same line in plain Go blocks the goroutine.
// The contract (which branches run, which are cancelled, when) is in doc.go,
// "Select and Join".
//
// Held by value. Select2Async … Select4Async allocate their future, as any
// future returned behind the rt.Future interface must be. MakeSelect2 …
// MakeSelect4 return the same future as a value (Select2Future …
// Select4Future) for a caller that keeps it in a field of its own state
// and polls it there, which allocates nothing: a hand-written future, or a
// generated one. For generated code that means, for a suspension point
// `s := rt.Select2(a, b)` with T0 and T1 the branches' outputs, a field
// `sel rt.Select2Future[T0, T1]` of the caller's future instead of an
// rt.Future field; `fut.sel = rt.MakeSelect2(a, b)` where the await
// starts; `v, ready := fut.sel.Poll(cx)` at every poll; `fut.sel =
// rt.Select2Future[T0, T1]{}` once ready (dropping the branches and the
// value); and `fut.sel.Cancel()` in the caller's Cancel, which does nothing
// for the zero value or a completed select, so it needs no flag.

// Selected2 is the output of Select2: Index is the branch that completed
// first (0 or 1) and Vi holds its value; the other fields are zero.
type Selected2[T0, T1 any] struct {
	Index int
	V0    T0
	V1    T1
}

// Selected3 is the output of Select3; see Selected2.
type Selected3[T0, T1, T2 any] struct {
	Index int
	V0    T0
	V1    T1
	V2    T2
}

// Selected4 is the output of Select4; see Selected2.
type Selected4[T0, T1, T2, T3 any] struct {
	Index int
	V0    T0
	V1    T1
	V2    T2
	V3    T3
}

// Select2 waits for the first of f0 and f1 to complete, cancels the other and
// returns which one won with its value. It is the direct mode of
// Select2Async: it blocks the calling goroutine (and, like Await, panics if
// that goroutine drives a runtime and the select must wait).
func Select2[T0, T1 any](f0 Future[T0], f1 Future[T1]) Selected2[T0, T1] {
	return Await(Select2Async(f0, f1))
}

// Select2Async returns a future that polls f0 and f1, starting each poll at a
// random one of them, until one is ready; it then cancels the other (Cancel
// runs exactly once) and is ready with the winner's index and value. Cancel
// cancels both. It allocates once (the returned future) and nothing per poll;
// MakeSelect2 is the same future by value, which allocates nothing.
func Select2Async[T0, T1 any](f0 Future[T0], f1 Future[T1]) Future[Selected2[T0, T1]] {
	s := new(Select2Future[T0, T1])
	s.bs = newBranches2(f0, f1)
	return s
}

// MakeSelect2 returns Select2Async's future by value, for a caller that holds
// it in its own state and polls it through a pointer (see "Held by value"
// above): nothing is allocated. It may be copied until it is first polled.
func MakeSelect2[T0, T1 any](f0 Future[T0], f1 Future[T1]) Select2Future[T0, T1] {
	return Select2Future[T0, T1]{combo: combo[branches2[T0, T1], *branches2[T0, T1]]{bs: newBranches2(f0, f1)}}
}

// MakeSelect2Biased is MakeSelect2 polling its branches in argument order
// (see Select2BiasedAsync).
func MakeSelect2Biased[T0, T1 any](f0 Future[T0], f1 Future[T1]) Select2Future[T0, T1] {
	s := MakeSelect2(f0, f1)
	s.biased = true
	return s
}

// Select2Biased is Select2 that polls f0 before f1 at every poll, so f0 wins
// whenever both are ready (Tokio's `biased;`). It is the direct mode of
// Select2BiasedAsync.
func Select2Biased[T0, T1 any](f0 Future[T0], f1 Future[T1]) Selected2[T0, T1] {
	return Await(Select2BiasedAsync(f0, f1))
}

// Select2BiasedAsync is Select2Async polling its branches in argument order.
func Select2BiasedAsync[T0, T1 any](f0 Future[T0], f1 Future[T1]) Future[Selected2[T0, T1]] {
	s := Select2Async(f0, f1).(*Select2Future[T0, T1])
	s.biased = true
	return s
}

// Select3 is Select2 with three branches (direct mode of Select3Async).
func Select3[T0, T1, T2 any](f0 Future[T0], f1 Future[T1], f2 Future[T2]) Selected3[T0, T1, T2] {
	return Await(Select3Async(f0, f1, f2))
}

// Select3Async is Select2Async with three branches.
func Select3Async[T0, T1, T2 any](f0 Future[T0], f1 Future[T1], f2 Future[T2]) Future[Selected3[T0, T1, T2]] {
	s := new(Select3Future[T0, T1, T2])
	s.bs = newBranches3(f0, f1, f2)
	return s
}

// MakeSelect3 is MakeSelect2 with three branches.
func MakeSelect3[T0, T1, T2 any](f0 Future[T0], f1 Future[T1], f2 Future[T2]) Select3Future[T0, T1, T2] {
	return Select3Future[T0, T1, T2]{combo: combo[branches3[T0, T1, T2], *branches3[T0, T1, T2]]{bs: newBranches3(f0, f1, f2)}}
}

// MakeSelect3Biased is MakeSelect3 polling its branches in argument order.
func MakeSelect3Biased[T0, T1, T2 any](f0 Future[T0], f1 Future[T1], f2 Future[T2]) Select3Future[T0, T1, T2] {
	s := MakeSelect3(f0, f1, f2)
	s.biased = true
	return s
}

// Select3Biased is Select2Biased with three branches (direct mode of
// Select3BiasedAsync).
func Select3Biased[T0, T1, T2 any](f0 Future[T0], f1 Future[T1], f2 Future[T2]) Selected3[T0, T1, T2] {
	return Await(Select3BiasedAsync(f0, f1, f2))
}

// Select3BiasedAsync is Select3Async polling its branches in argument order.
func Select3BiasedAsync[T0, T1, T2 any](f0 Future[T0], f1 Future[T1], f2 Future[T2]) Future[Selected3[T0, T1, T2]] {
	s := Select3Async(f0, f1, f2).(*Select3Future[T0, T1, T2])
	s.biased = true
	return s
}

// Select4 is Select2 with four branches (direct mode of Select4Async).
func Select4[T0, T1, T2, T3 any](f0 Future[T0], f1 Future[T1], f2 Future[T2], f3 Future[T3]) Selected4[T0, T1, T2, T3] {
	return Await(Select4Async(f0, f1, f2, f3))
}

// Select4Async is Select2Async with four branches.
func Select4Async[T0, T1, T2, T3 any](f0 Future[T0], f1 Future[T1], f2 Future[T2], f3 Future[T3]) Future[Selected4[T0, T1, T2, T3]] {
	s := new(Select4Future[T0, T1, T2, T3])
	s.bs = newBranches4(f0, f1, f2, f3)
	return s
}

// MakeSelect4 is MakeSelect2 with four branches.
func MakeSelect4[T0, T1, T2, T3 any](f0 Future[T0], f1 Future[T1], f2 Future[T2], f3 Future[T3]) Select4Future[T0, T1, T2, T3] {
	return Select4Future[T0, T1, T2, T3]{combo: combo[branches4[T0, T1, T2, T3], *branches4[T0, T1, T2, T3]]{bs: newBranches4(f0, f1, f2, f3)}}
}

// MakeSelect4Biased is MakeSelect4 polling its branches in argument order.
func MakeSelect4Biased[T0, T1, T2, T3 any](f0 Future[T0], f1 Future[T1], f2 Future[T2], f3 Future[T3]) Select4Future[T0, T1, T2, T3] {
	s := MakeSelect4(f0, f1, f2, f3)
	s.biased = true
	return s
}

// Select4Biased is Select2Biased with four branches (direct mode of
// Select4BiasedAsync).
func Select4Biased[T0, T1, T2, T3 any](f0 Future[T0], f1 Future[T1], f2 Future[T2], f3 Future[T3]) Selected4[T0, T1, T2, T3] {
	return Await(Select4BiasedAsync(f0, f1, f2, f3))
}

// Select4BiasedAsync is Select4Async polling its branches in argument order.
func Select4BiasedAsync[T0, T1, T2, T3 any](f0 Future[T0], f1 Future[T1], f2 Future[T2], f3 Future[T3]) Future[Selected4[T0, T1, T2, T3]] {
	s := Select4Async(f0, f1, f2, f3).(*Select4Future[T0, T1, T2, T3])
	s.biased = true
	return s
}

// SelectN waits for the first of fs to complete, cancels the others and
// returns the winner's index in fs and its value (direct mode of
// SelectNAsync). It panics if fs is empty: a select of nothing would never
// complete.
func SelectN[T any](fs []Future[T]) (int, T) {
	out := Await(SelectNAsync(fs))
	return out.V0, out.V1
}

// SelectNAsync is Select2Async over a slice of futures of one type: its
// output is Tuple2{index of the winner in fs, its value}. It keeps fs (no
// copy) and reads it at every poll, so fs must not be modified until the
// future completed or was cancelled. It panics if fs is empty.
func SelectNAsync[T any](fs []Future[T]) Future[Tuple2[int, T]] {
	if len(fs) == 0 {
		panic("corio/rt: SelectN of no futures")
	}
	checkNoNil(fs)
	return &selectN[T]{fs: fs}
}

// SelectNBiased is SelectN polling fs in order at every poll, so the lowest
// ready index wins (direct mode of SelectNBiasedAsync).
func SelectNBiased[T any](fs []Future[T]) (int, T) {
	out := Await(SelectNBiasedAsync(fs))
	return out.V0, out.V1
}

// SelectNBiasedAsync is SelectNAsync polling fs in order.
func SelectNBiasedAsync[T any](fs []Future[T]) Future[Tuple2[int, T]] {
	s := SelectNAsync(fs).(*selectN[T])
	s.biased = true
	return s
}

// branch is one child of a select or join: the future until it completed or
// was cancelled (then nil), and its output (zero if cancelled). Owned by the
// poller. Done-ness is the nil future, not a flag, which keeps Select2 and
// Join2 of word-sized outputs in a 64-byte allocation.
type branch[T any] struct {
	f Future[T] // nil once done
	v T
}

func newBranch[T any](f Future[T]) branch[T] {
	if f == nil {
		panic(errNilBranch)
	}
	return branch[T]{f: f}
}

const errNilBranch = "corio/rt: nil future passed to a select or join"

// checkNoNil panics if a future of fs is nil.
func checkNoNil[T any](fs []Future[T]) {
	for _, f := range fs {
		if f == nil {
			panic(errNilBranch)
		}
	}
}

// done reports whether the branch completed or was cancelled.
func (b *branch[T]) done() bool { return b.f == nil }

// poll polls the branch unless it is done, and reports whether it is done.
func (b *branch[T]) poll(cx *Context) bool {
	if b.f == nil {
		return true
	}
	v, ok := b.f.Poll(cx)
	if ok {
		b.v, b.f = v, nil
	}
	return ok
}

// cancel cancels the branch unless it is done: Cancel runs at most once.
func (b *branch[T]) cancel() {
	if f := b.f; f != nil {
		b.f = nil
		Cancel(f)
	}
}

// combo is the state of a fixed-arity select or join: its branches (a
// branches2, 3 or 4) and what the select or join keeps between polls.
type combo[B any, PB interface {
	*B
	cancel()
}] struct {
	bs     B
	over   bool  // completed or cancelled
	biased bool  // select: poll the branches in argument order
	next   uint8 // join: the branch to poll first at the next poll
}

// Cancel cancels every branch that has not completed, each exactly once;
// after the select or join completed it does nothing.
func (c *combo[B, PB]) Cancel() {
	c.over = true
	PB(&c.bs).cancel()
}

// selectStart marks the beginning of a poll of a select of n branches and
// returns the branch to poll first: 0 when biased, otherwise a random one.
func (c *combo[B, PB]) selectStart(cx *Context, n int) int {
	if c.over {
		panic("corio/rt: Select future polled after completion")
	}
	if c.biased {
		return 0
	}
	return randIndex(cx, n)
}

// joinStart marks the beginning of a poll of a join of n branches and
// returns the branch to poll first, one further each time, so that a branch
// that exhausts the task's budget does not starve the others.
func (c *combo[B, PB]) joinStart(n int) int {
	if c.over {
		panic("corio/rt: Join future polled after completion")
	}
	k := int(c.next)
	if c.next++; int(c.next) == n {
		c.next = 0
	}
	return k
}

// randIndex returns a pseudo-random index below n. On a worker it steps the
// worker's own xorshift generator (owner-only, no atomics); elsewhere (a
// multi-thread BlockOn main future, Await) it asks math/rand/v2, whose
// top-level functions use the Go runtime's per-thread generator and take no
// lock.
func randIndex(cx *Context, n int) int {
	var r uint32
	if w := cx.w; w != nil {
		r = w.rand
		r ^= r << 13
		r ^= r >> 17
		r ^= r << 5
		w.rand = r
	} else {
		r = rand.Uint32()
	}
	return int(uint64(r) * uint64(n) >> 32)
}

// branches2 … branches4 are the children of a fixed-arity select or join.

func newBranches2[T0, T1 any](f0 Future[T0], f1 Future[T1]) branches2[T0, T1] {
	return branches2[T0, T1]{newBranch(f0), newBranch(f1)}
}

func newBranches3[T0, T1, T2 any](f0 Future[T0], f1 Future[T1], f2 Future[T2]) branches3[T0, T1, T2] {
	return branches3[T0, T1, T2]{newBranches2(f0, f1), newBranch(f2)}
}

func newBranches4[T0, T1, T2, T3 any](f0 Future[T0], f1 Future[T1], f2 Future[T2], f3 Future[T3]) branches4[T0, T1, T2, T3] {
	return branches4[T0, T1, T2, T3]{newBranches3(f0, f1, f2), newBranch(f3)}
}

type branches2[T0, T1 any] struct {
	b0 branch[T0]
	b1 branch[T1]
}

// poll polls branch k (unless done) and reports whether it is done.
func (b *branches2[T0, T1]) poll(cx *Context, k int) bool {
	if k == 0 {
		return b.b0.poll(cx)
	}
	return b.b1.poll(cx)
}

func (b *branches2[T0, T1]) done() bool { return b.b0.done() && b.b1.done() }

func (b *branches2[T0, T1]) cancel() {
	b.b0.cancel()
	b.b1.cancel()
}

type branches3[T0, T1, T2 any] struct {
	branches2[T0, T1]
	b2 branch[T2]
}

func (b *branches3[T0, T1, T2]) poll(cx *Context, k int) bool {
	if k == 2 {
		return b.b2.poll(cx)
	}
	return b.branches2.poll(cx, k)
}

func (b *branches3[T0, T1, T2]) done() bool { return b.branches2.done() && b.b2.done() }

func (b *branches3[T0, T1, T2]) cancel() {
	b.branches2.cancel()
	b.b2.cancel()
}

type branches4[T0, T1, T2, T3 any] struct {
	branches3[T0, T1, T2]
	b3 branch[T3]
}

func (b *branches4[T0, T1, T2, T3]) poll(cx *Context, k int) bool {
	if k == 3 {
		return b.b3.poll(cx)
	}
	return b.branches3.poll(cx, k)
}

func (b *branches4[T0, T1, T2, T3]) done() bool { return b.branches3.done() && b.b3.done() }

func (b *branches4[T0, T1, T2, T3]) cancel() {
	b.branches3.cancel()
	b.b3.cancel()
}

// Select2Future is the future of Select2Async and MakeSelect2. Its zero value
// is an empty select: Cancel does nothing and Poll panics.
type Select2Future[T0, T1 any] struct {
	combo[branches2[T0, T1], *branches2[T0, T1]]
}

// Poll implements Future: see Select2Async.
func (s *Select2Future[T0, T1]) Poll(cx *Context) (Selected2[T0, T1], bool) {
	checkMade(s.bs.b0.f == nil && !s.over)
	k := s.selectStart(cx, 2)
	for range 2 {
		if s.bs.poll(cx, k) {
			s.Cancel() // the losers; the winner is done
			return Selected2[T0, T1]{Index: k, V0: s.bs.b0.v, V1: s.bs.b1.v}, true
		}
		k ^= 1
	}
	return Selected2[T0, T1]{}, false
}

// Select3Future is the future of Select3Async and MakeSelect3; see
// Select2Future.
type Select3Future[T0, T1, T2 any] struct {
	combo[branches3[T0, T1, T2], *branches3[T0, T1, T2]]
}

// Poll implements Future: see Select2Async.
func (s *Select3Future[T0, T1, T2]) Poll(cx *Context) (Selected3[T0, T1, T2], bool) {
	checkMade(s.bs.b0.f == nil && !s.over)
	k := s.selectStart(cx, 3)
	for range 3 {
		if s.bs.poll(cx, k) {
			s.Cancel()
			b := &s.bs
			return Selected3[T0, T1, T2]{Index: k, V0: b.b0.v, V1: b.b1.v, V2: b.b2.v}, true
		}
		if k++; k == 3 {
			k = 0
		}
	}
	return Selected3[T0, T1, T2]{}, false
}

// Select4Future is the future of Select4Async and MakeSelect4; see
// Select2Future.
type Select4Future[T0, T1, T2, T3 any] struct {
	combo[branches4[T0, T1, T2, T3], *branches4[T0, T1, T2, T3]]
}

// Poll implements Future: see Select2Async.
func (s *Select4Future[T0, T1, T2, T3]) Poll(cx *Context) (Selected4[T0, T1, T2, T3], bool) {
	checkMade(s.bs.b0.f == nil && !s.over)
	k := s.selectStart(cx, 4)
	for range 4 {
		if s.bs.poll(cx, k) {
			s.Cancel()
			b := &s.bs
			return Selected4[T0, T1, T2, T3]{Index: k, V0: b.b0.v, V1: b.b1.v, V2: b.b2.v, V3: b.b3.v}, true
		}
		k = (k + 1) & 3
	}
	return Selected4[T0, T1, T2, T3]{}, false
}

// checkMade panics if zero is set: a select's first branch is nil while the
// select is neither completed nor cancelled only in the zero value, which
// no Select…Async or MakeSelect… made.
func checkMade(zero bool) {
	if zero {
		panic("corio/rt: zero Select future polled (make it with MakeSelect2 … MakeSelect4)")
	}
}

type selectN[T any] struct {
	fs     []Future[T] // the caller's slice; entries are never written
	over   bool        // completed or cancelled
	biased bool
}

func (s *selectN[T]) Poll(cx *Context) (Tuple2[int, T], bool) {
	if s.over {
		panic("corio/rt: Select future polled after completion")
	}
	n := len(s.fs)
	k := 0
	if !s.biased {
		k = randIndex(cx, n)
	}
	for range n {
		if v, ok := s.fs[k].Poll(cx); ok {
			s.over = true
			s.cancelExcept(k)
			return Tuple2[int, T]{V0: k, V1: v}, true
		}
		if k++; k == n {
			k = 0
		}
	}
	return Tuple2[int, T]{}, false
}

// cancelExcept cancels every branch but skip (-1: all).
func (s *selectN[T]) cancelExcept(skip int) {
	for i, f := range s.fs {
		if i != skip {
			Cancel(f)
		}
	}
}

// Cancel cancels every branch; after the select completed it does nothing.
func (s *selectN[T]) Cancel() {
	if s.over {
		return
	}
	s.over = true
	s.cancelExcept(-1)
}
