package rt

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// probe is the combinator tests' hand-written future: ready with v at its
// readyAt-th poll (never when readyAt is 0), waking itself at every pending
// poll when spin is set (by newProbe, when it ever becomes ready). It counts polls and Cancel calls, and fails the test
// when it is polled after it completed or was cancelled, or cancelled after
// it completed — none of which a combinator may do.
type probe[T any] struct {
	t       testing.TB
	v       T
	readyAt int32
	spin    bool
	polls   atomic.Int32
	cancels atomic.Int32
	ready   atomic.Bool
}

func (p *probe[T]) Poll(cx *Context) (T, bool) {
	if p.ready.Load() {
		p.t.Error("probe polled after it completed")
	}
	if p.cancels.Load() > 0 {
		p.t.Error("probe polled after Cancel")
	}
	if n := p.polls.Add(1); p.readyAt > 0 && n >= p.readyAt {
		p.ready.Store(true)
		return p.v, true
	}
	if p.spin {
		cx.Waker().Wake()
	}
	var zero T
	return zero, false
}

func (p *probe[T]) Cancel() {
	if p.ready.Load() {
		p.t.Error("Cancel of a probe that completed")
	}
	p.cancels.Add(1)
}

func newProbe[T any](t testing.TB, v T, readyAt int32) *probe[T] {
	return &probe[T]{t: t, v: v, readyAt: readyAt, spin: readyAt > 0}
}

// testQueue is an unbounded FIFO of ints with one cancel-safe receiver: a
// receive takes an item only in the poll that returns it, and its Cancel
// just forgets the waker. It stands in for a channel until syncx exists.
type testQueue struct {
	mu     sync.Mutex
	items  []int
	waker  Waker       // protected by mu
	closed atomic.Bool // the producer pushed its last item
}

func (q *testQueue) push(v int) {
	q.mu.Lock()
	q.items = append(q.items, v)
	w := q.waker
	q.waker = nil
	q.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

func (q *testQueue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

func (q *testQueue) recvAsync() Future[int] { return (*queueRecv)(q) }

type queueRecv testQueue

func (r *queueRecv) Poll(cx *Context) (int, bool) {
	if !readyLeaf(cx) {
		return 0, false
	}
	q := (*testQueue)(r)
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) > 0 {
		v := q.items[0]
		q.items = q.items[1:]
		return v, true
	}
	q.waker = cx.Waker()
	return 0, false
}

func (r *queueRecv) Cancel() {
	r.mu.Lock()
	r.waker = nil
	r.mu.Unlock()
}

// runOn runs f as a task on r (a task, so that its wake-ups and its random
// start come from a worker) and returns its output.
func runOn[T any](t testing.TB, r *Runtime, f Future[T]) T {
	t.Helper()
	res := BlockOn(r, SpawnOn(r, f).JoinAsync())
	if res.V1 != nil {
		t.Fatal(res.V1)
	}
	return res.V0
}

// forRuntimes runs f on a fresh runtime of each of flavours.
func forRuntimes(t *testing.T, f func(t *testing.T, r *Runtime)) {
	forFlavours(t, func(t *testing.T, newRT func() *Runtime) {
		r := newRT()
		defer r.Shutdown()
		f(t, r)
	})
}

// forPaused runs f on each runtime flavour built on a paused clock
// (pausedFlavours), so that timeouts are exact and the tests wait for nothing.
func forPaused(t *testing.T, f func(t *testing.T, r *Runtime)) {
	for _, fl := range pausedFlavours {
		t.Run(fl.name, func(t *testing.T) {
			r := fl.make()
			defer r.Shutdown()
			f(t, r)
		})
	}
}

func TestSelect2FirstReadyWins(t *testing.T) {
	forRuntimes(t, func(t *testing.T, r *Runtime) {
		p0 := newProbe(t, 7, 0)     // never ready
		p1 := newProbe(t, "one", 3) // ready at its third poll
		s := runOn(t, r, Select2Async[int, string](p0, p1))
		if s != (Selected2[int, string]{Index: 1, V1: "one"}) {
			t.Fatalf("got %+v, want branch 1 with \"one\"", s)
		}
		if c0, c1 := p0.cancels.Load(), p1.cancels.Load(); c0 != 1 || c1 != 0 {
			t.Fatalf("cancels: loser %d, winner %d; want 1 and 0", c0, c1)
		}
	})
}

// selectCase builds one select over n probes and reads its result as
// (winner index, value).
type selectCase struct {
	name  string
	n     int
	build func(ps []*probe[int], biased bool) Future[Tuple2[int, int]]
}

// asIndexed turns a SelectedN future into one of (index, value of the
// winner) that forwards Cancel.
func asIndexed[S any](f Future[S], get func(S) (int, int)) Future[Tuple2[int, int]] {
	return &indexed[S]{f, get}
}

type indexed[S any] struct {
	f   Future[S]
	get func(S) (int, int)
}

func (x *indexed[S]) Poll(cx *Context) (Tuple2[int, int], bool) {
	s, ok := x.f.Poll(cx)
	if !ok {
		return Tuple2[int, int]{}, false
	}
	i, v := x.get(s)
	return Tuple2[int, int]{i, v}, true
}

func (x *indexed[S]) Cancel() { Cancel(x.f) }

var selectCases = []selectCase{
	{"Select2", 2, func(ps []*probe[int], biased bool) Future[Tuple2[int, int]] {
		f := Select2Async[int, int](ps[0], ps[1])
		if biased {
			f = Select2BiasedAsync[int, int](ps[0], ps[1])
		}
		return asIndexed(f, func(s Selected2[int, int]) (int, int) { return s.Index, s.V0 + s.V1 })
	}},
	{"Select3", 3, func(ps []*probe[int], biased bool) Future[Tuple2[int, int]] {
		f := Select3Async[int, int, int](ps[0], ps[1], ps[2])
		if biased {
			f = Select3BiasedAsync[int, int, int](ps[0], ps[1], ps[2])
		}
		return asIndexed(f, func(s Selected3[int, int, int]) (int, int) { return s.Index, s.V0 + s.V1 + s.V2 })
	}},
	{"Select4", 4, func(ps []*probe[int], biased bool) Future[Tuple2[int, int]] {
		f := Select4Async[int, int, int, int](ps[0], ps[1], ps[2], ps[3])
		if biased {
			f = Select4BiasedAsync[int, int, int, int](ps[0], ps[1], ps[2], ps[3])
		}
		return asIndexed(f, func(s Selected4[int, int, int, int]) (int, int) { return s.Index, s.V0 + s.V1 + s.V2 + s.V3 })
	}},
	// The by-value forms, through a pointer to a copy (as a caller holding
	// one in its state polls it).
	{"MakeSelect2", 2, func(ps []*probe[int], biased bool) Future[Tuple2[int, int]] {
		s := MakeSelect2[int, int](ps[0], ps[1])
		if biased {
			s = MakeSelect2Biased[int, int](ps[0], ps[1])
		}
		return asIndexed[Selected2[int, int]](&s, func(s Selected2[int, int]) (int, int) { return s.Index, s.V0 + s.V1 })
	}},
	{"MakeSelect3", 3, func(ps []*probe[int], biased bool) Future[Tuple2[int, int]] {
		s := MakeSelect3[int, int, int](ps[0], ps[1], ps[2])
		if biased {
			s = MakeSelect3Biased[int, int, int](ps[0], ps[1], ps[2])
		}
		return asIndexed[Selected3[int, int, int]](&s, func(s Selected3[int, int, int]) (int, int) { return s.Index, s.V0 + s.V1 + s.V2 })
	}},
	{"MakeSelect4", 4, func(ps []*probe[int], biased bool) Future[Tuple2[int, int]] {
		s := MakeSelect4[int, int, int, int](ps[0], ps[1], ps[2], ps[3])
		if biased {
			s = MakeSelect4Biased[int, int, int, int](ps[0], ps[1], ps[2], ps[3])
		}
		return asIndexed[Selected4[int, int, int, int]](&s, func(s Selected4[int, int, int, int]) (int, int) { return s.Index, s.V0 + s.V1 + s.V2 + s.V3 })
	}},
	{"SelectN", 5, func(ps []*probe[int], biased bool) Future[Tuple2[int, int]] {
		fs := make([]Future[int], len(ps))
		for i, p := range ps {
			fs[i] = p
		}
		if biased {
			return SelectNBiasedAsync(fs)
		}
		return SelectNAsync(fs)
	}},
}

// probes returns n probes; probe i is ready with 100+i at its readyAt[i]-th
// poll.
func probes(t testing.TB, readyAt ...int32) []*probe[int] {
	ps := make([]*probe[int], len(readyAt))
	for i, r := range readyAt {
		ps[i] = newProbe(t, 100+i, r)
	}
	return ps
}

func allAt(n int, at int32) []int32 { return slices.Repeat([]int32{at}, n) }

// checkOneWinner checks the outcome of a select whose branches were all
// ready at their first poll: exactly one branch was polled — the winner — and
// every other branch was cancelled exactly once without being polled.
func checkOneWinner(t *testing.T, ps []*probe[int], out Tuple2[int, int]) {
	t.Helper()
	if out.V1 != 100+out.V0 {
		t.Fatalf("winner %d with value %d, want %d", out.V0, out.V1, 100+out.V0)
	}
	for i, p := range ps {
		polls, cancels := p.polls.Load(), p.cancels.Load()
		if i == out.V0 && (polls != 1 || cancels != 0) {
			t.Fatalf("winner %d: %d polls, %d cancels; want 1 and 0", i, polls, cancels)
		}
		if i != out.V0 && (polls != 0 || cancels != 1) {
			t.Fatalf("loser %d: %d polls, %d cancels; want 0 and 1", i, polls, cancels)
		}
	}
}

// TestSelectRandomStart: with every branch ready, the branch polled first
// wins and no other branch is polled; over many selects every branch wins
// sometimes, both on a worker (its xorshift) and outside a runtime
// (math/rand/v2 under Await).
func TestSelectRandomStart(t *testing.T) {
	const runs = 400
	for _, c := range selectCases {
		t.Run(c.name, func(t *testing.T) {
			for _, where := range []string{"worker", "await"} {
				wins := make([]int, c.n)
				r := NewCurrentThread()
				for range runs {
					ps := probes(t, allAt(c.n, 1)...)
					var out Tuple2[int, int]
					if where == "worker" {
						out = runOn(t, r, c.build(ps, false))
					} else {
						out = Await(c.build(ps, false))
					}
					checkOneWinner(t, ps, out)
					wins[out.V0]++
				}
				r.Shutdown()
				if slices.Contains(wins, 0) {
					t.Fatalf("%s: wins per branch %v: some branch never won", where, wins)
				}
			}
		})
	}
}

// TestSelectBiased: a biased select polls in argument order, so the first
// ready branch wins every time and the branches after it are never polled.
func TestSelectBiased(t *testing.T) {
	for _, c := range selectCases {
		t.Run(c.name, func(t *testing.T) {
			for range 50 {
				ps := probes(t, allAt(c.n, 1)...)
				out := Await(c.build(ps, true))
				if out.V0 != 0 {
					t.Fatalf("biased select won by %d, want 0", out.V0)
				}
				checkOneWinner(t, ps, out)
			}
			// Only branch 1 is ready, at its second poll: the first poll polls
			// every branch in order, the second stops at branch 1.
			at := allAt(c.n, 0)
			at[1] = 2
			ps := probes(t, at...)
			out := Await(c.build(ps, true))
			if out.V0 != 1 || ps[0].polls.Load() != 2 || ps[1].polls.Load() != 2 {
				t.Fatalf("won by %d after %d/%d polls of branches 0/1, want 1 after 2/2",
					out.V0, ps[0].polls.Load(), ps[1].polls.Load())
			}
			for i, p := range ps {
				if i >= 2 && p.polls.Load() != 1 {
					t.Fatalf("branch %d polled %d times, want 1", i, p.polls.Load())
				}
				want := int32(1) // every loser once, the winner (1) never
				if i == 1 {
					want = 0
				}
				if p.cancels.Load() != want {
					t.Fatalf("branch %d cancelled %d times, want %d", i, p.cancels.Load(), want)
				}
			}
		})
	}
}

// TestSelectCancelExactlyOnce: cancelling a pending select cancels every
// branch exactly once however often Cancel is called, and a select polled
// after Cancel panics; cancelling a completed select cancels nothing more.
func TestSelectCancelExactlyOnce(t *testing.T) {
	cx := NewContext(nopWaker{})
	for _, c := range selectCases {
		t.Run(c.name, func(t *testing.T) {
			for _, polled := range []bool{false, true} {
				ps := probes(t, allAt(c.n, 0)...)
				f := c.build(ps, false)
				if polled {
					if _, ok := f.Poll(cx); ok {
						t.Fatal("select of pending branches is ready")
					}
				}
				Cancel(f)
				Cancel(f)
				for i, p := range ps {
					if p.cancels.Load() != 1 {
						t.Fatalf("polled=%v: branch %d cancelled %d times, want 1", polled, i, p.cancels.Load())
					}
				}
				if msg := panicMessage(func() { f.Poll(cx) }); msg != "corio/rt: Select future polled after completion" {
					t.Fatalf("poll after Cancel: panic %q", msg)
				}
			}
			ps := probes(t, allAt(c.n, 1)...)
			f := c.build(ps, false)
			out, _ := f.Poll(cx)
			Cancel(f)
			checkOneWinner(t, ps, out)
		})
	}
}

func panicMessage(f func()) (msg string) {
	defer func() { msg = fmt.Sprint(recover()) }()
	f()
	return "<no panic>"
}

// TestCombinatorArgumentPanics: a select of nothing, or a nil branch,
// panics when the future is built, not at some later poll.
func TestCombinatorArgumentPanics(t *testing.T) {
	if msg := panicMessage(func() { SelectNAsync[int](nil) }); msg != "corio/rt: SelectN of no futures" {
		t.Fatalf("SelectN(nil): panic %q", msg)
	}
	const nilMsg = "corio/rt: nil future passed to a select or join"
	if msg := panicMessage(func() { Select2Async[int, int](Ready(1), nil) }); msg != nilMsg {
		t.Fatalf("Select2 with a nil branch: panic %q", msg)
	}
	if msg := panicMessage(func() { Join3Async[int, int, int](Ready(1), Ready(2), nil) }); msg != nilMsg {
		t.Fatalf("Join3 with a nil branch: panic %q", msg)
	}
	if msg := panicMessage(func() { SelectNAsync([]Future[int]{Ready(1), nil}) }); msg != nilMsg {
		t.Fatalf("SelectN with a nil branch: panic %q", msg)
	}
	if msg := panicMessage(func() { JoinAllAsync([]Future[int]{nil}) }); msg != nilMsg {
		t.Fatalf("JoinAll with a nil branch: panic %q", msg)
	}
}

// selectLoop receives n items from q, each through a fresh
// Select2(receive, sleep(timeout)), counting the timeouts: the loop a server
// writes around a channel and an idle timeout. It also stops at a timeout
// that finds q empty after the producer finished (q.closed), so that a lost
// item fails the test instead of hanging it.
func selectLoop(q *testQueue, n int, timeout time.Duration) Future[Tuple2[[]int, int]] {
	var got []int
	timeouts := 0
	var cur Future[Selected2[int, struct{}]]
	return PollFunc(func(cx *Context) (Tuple2[[]int, int], bool) {
		for len(got) < n {
			if cur == nil {
				cur = Select2Async[int, struct{}](q.recvAsync(), SleepAsync(timeout))
			}
			s, ok := cur.Poll(cx)
			if !ok {
				return Tuple2[[]int, int]{}, false
			}
			cur = nil
			if s.Index == 0 {
				got = append(got, s.V0)
			} else {
				timeouts++
				if q.closed.Load() && q.len() == 0 {
					break
				}
			}
		}
		return Tuple2[[]int, int]{got, timeouts}, true
	})
}

// sleepyProducer pushes 0..n-1 onto q, sleeping 0 to 3 ms (seeded) after
// each push.
func sleepyProducer(q *testQueue, n int, seed uint64) Future[struct{}] {
	rng := rand.New(rand.NewPCG(seed, seed))
	i := 0
	var sl SleepFuture
	sleeping := false
	return PollFunc(func(cx *Context) (struct{}, bool) {
		for i < n {
			if sleeping {
				if _, ok := sl.Poll(cx); !ok {
					return struct{}{}, false
				}
				sleeping = false
			}
			q.push(i)
			i++
			if d := rng.IntN(4); d > 0 {
				sl.Reset(time.Duration(d) * time.Millisecond)
				sleeping = true
			}
		}
		q.closed.Store(true)
		return struct{}{}, true
	})
}

func checkInOrder(t *testing.T, got []int, n int) {
	t.Helper()
	if len(got) != n {
		t.Fatalf("received %d items, want %d", len(got), n)
	}
	for i, v := range got {
		if v != i {
			t.Fatalf("item %d is %d: an item was lost or reordered", i, v)
		}
	}
}

// TestSelectLoopLosesNothing: a select between a receive and a timeout, in
// a loop, against a producer that pauses at random: every item arrives once
// and in order, although timeouts keep cancelling pending receives and a
// timer and an item often become ready in the same poll (the paused clock
// fires timers at the same instants the producer wakes).
func TestSelectLoopLosesNothing(t *testing.T) {
	const n = 300
	forPaused(t, func(t *testing.T, r *Runtime) {
		for seed := range uint64(3) {
			q := &testQueue{}
			var ph *JoinHandle[struct{}]
			var out Tuple2[[]int, int]
			runOn(t, r, seq(
				await(SpawnAsync(sleepyProducer(q, n, seed)), &ph),
				await(selectLoop(q, n, time.Millisecond), &out),
				func(cx *Context) bool { _, ok := ph.JoinAsync().Poll(cx); return ok },
			))
			checkInOrder(t, out.V0, n)
			if out.V1 == 0 {
				t.Fatal("no receive timed out: the test did not exercise cancellation")
			}
			if q.len() != 0 {
				t.Fatalf("%d items left in the queue", q.len())
			}
		}
	})
}

// TestSelectLoopRealProducer is TestSelectLoopLosesNothing with a plain
// goroutine producing in parallel and the real clock, on the multi-thread
// runtime and in direct mode (Select2 from a goroutine).
func TestSelectLoopRealProducer(t *testing.T) {
	const n = 500
	produce := func(q *testQueue) {
		for i := range n {
			q.push(i)
			if i%50 == 0 {
				time.Sleep(2 * time.Millisecond)
			}
		}
		q.closed.Store(true)
	}
	t.Run("multi", func(t *testing.T) {
		r := NewMultiThread(WithWorkers(2))
		defer r.Shutdown()
		q := &testQueue{}
		go produce(q)
		out := runOn(t, r, selectLoop(q, n, time.Millisecond))
		checkInOrder(t, out.V0, n)
	})
	t.Run("direct", func(t *testing.T) {
		q := &testQueue{}
		go produce(q)
		var got []int
		for len(got) < n {
			if s := Select2[int, struct{}](q.recvAsync(), SleepAsync(time.Millisecond)); s.Index == 0 {
				got = append(got, s.V0)
			} else if q.closed.Load() && q.len() == 0 {
				break
			}
		}
		checkInOrder(t, got, n)
	})
}

// TestSelectInsideTimeout: a Timeout around a select of branches that never
// complete cancels the select, which cancels each branch once.
func TestSelectInsideTimeout(t *testing.T) {
	forPaused(t, func(t *testing.T, r *Runtime) {
		p0, p1 := newProbe(t, 0, 0), newProbe(t, "", 0)
		out := runOn(t, r, TimeoutAsync(time.Second, Select2Async[int, string](p0, p1)))
		if !errors.Is(out.V1, ErrTimeout) {
			t.Fatalf("err %v, want a timeout", out.V1)
		}
		if p0.cancels.Load() != 1 || p1.cancels.Load() != 1 {
			t.Fatalf("cancels %d, %d; want 1, 1", p0.cancels.Load(), p1.cancels.Load())
		}
	})
}

// TestTimeoutInsideSelect: a timeout as a select branch wins against a
// branch that never completes (cancelled once); a timed branch that loses is
// cancelled once, which cancels what it wraps once and disarms its timer.
func TestTimeoutInsideSelect(t *testing.T) {
	forPaused(t, func(t *testing.T, r *Runtime) {
		inner, other := newProbe(t, 0, 0), newProbe(t, 0, 0)
		s := runOn(t, r, Select2Async[Tuple2[int, error], int](TimeoutAsync[int](time.Second, inner), other))
		if s.Index != 0 || !errors.Is(s.V0.V1, ErrTimeout) {
			t.Fatalf("got %+v, want the timeout branch with ErrTimeout", s)
		}
		if inner.cancels.Load() != 1 || other.cancels.Load() != 1 {
			t.Fatalf("cancels inner %d, other %d; want 1, 1", inner.cancels.Load(), other.cancels.Load())
		}

		inner = newProbe(t, 0, 0)
		q := &testQueue{}
		q.push(5)
		s2 := runOn(t, r, Select2BiasedAsync[int, Tuple2[int, error]](q.recvAsync(), TimeoutAsync[int](time.Hour, inner)))
		if s2.Index != 0 || s2.V0 != 5 {
			t.Fatalf("got %+v, want the receive", s2)
		}
		if inner.cancels.Load() != 1 || inner.polls.Load() != 0 {
			t.Fatalf("losing timed branch: inner cancelled %d, polled %d; want 1, 0", inner.cancels.Load(), inner.polls.Load())
		}
	})
}

// TestSelectByValue: the zero Select2Future … Select4Future panics when
// polled and ignores Cancel; a select made by MakeSelect2 and held in the
// caller's own state, built and polled to completion in a loop, allocates
// nothing, and resetting it to the zero value after it completed drops the
// branches.
func TestSelectByValue(t *testing.T) {
	cx := NewContext(nopWaker{})
	var z2 Select2Future[int, int]
	var z3 Select3Future[int, int, int]
	var z4 Select4Future[int, int, int, int]
	for name, z := range map[string]interface {
		Canceler
		poll(*Context)
	}{"2": zeroPoller[Selected2[int, int]]{&z2}, "3": zeroPoller[Selected3[int, int, int]]{&z3}, "4": zeroPoller[Selected4[int, int, int, int]]{&z4}} {
		want := "corio/rt: zero Select future polled (make it with MakeSelect2 … MakeSelect4)"
		if msg := panicMessage(func() { z.poll(cx) }); msg != want {
			t.Fatalf("Select%sFuture: poll of the zero value: panic %q", name, msg)
		}
		z.Cancel() // nothing to cancel, and no panic
	}

	// A caller's state holding the select inline, as generated code would.
	var state struct {
		sel Select2Future[int, int]
	}
	var n Future[int] = never{}
	allocs := testing.AllocsPerRun(100, func() {
		state.sel = MakeSelect2(n, benchFuture)
		out, ok := state.sel.Poll(cx)
		if !ok || out.Index != 1 {
			t.Fatalf("select of a never-ready and a ready branch: %+v, %v", out, ok)
		}
		state.sel.Cancel() // completed: nothing more to cancel
		state.sel = Select2Future[int, int]{}
	})
	if allocs != 0 {
		t.Fatalf("MakeSelect2 held by value: %v allocs per select, want 0", allocs)
	}
}

// zeroPoller polls a select through its pointer, whatever its output.
type zeroPoller[S any] struct {
	f interface {
		Future[S]
		Canceler
	}
}

func (z zeroPoller[S]) poll(cx *Context) { z.f.Poll(cx) }
func (z zeroPoller[S]) Cancel()          { z.f.Cancel() }
