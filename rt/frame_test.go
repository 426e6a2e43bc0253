package rt

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// fprog is a program of async functions for the frame tests: function i
// starts with val[i] and runs ops[i] in order, where an op is a yield
// (opYield), a panic (opPanic) or a call of function op whose output it adds.
// Calls go to higher indices only, so every program terminates.
type fprog struct {
	val []int
	ops [][]int

	// Instrumentation, per future in creation order.
	nextID    int
	polls     []int // Poll calls (PollFrame's included once)
	depth     []int
	cancelled []int // ids in Cancel order
	noFrames  bool  // futures do not use the frame methods (root-polling, for comparison)
	spin      int   // opSpin yields this many times; 0: forever
	// selfYield: yields are YieldNowFuture's (Context.yield: a driver
	// that reads the self-wake may poll again in place, Context.repoll)
	// rather than a Wake of the waker. gcEvery > 0 runs a collection at
	// every gcEvery-th yield.
	selfYield bool
	gcEvery   int
	yields    int
}

const (
	opYield = -1
	opPanic = -2
	opSpin  = -3 // yield spin times, or forever (a future to cancel)
)

// eval runs the program as plain Go: the oracle.
func (p *fprog) eval(i int) int {
	s := p.val[i]
	for _, op := range p.ops[i] {
		switch {
		case op == opPanic:
			panic(fmt.Sprintf("fprog panic in %d", i))
		case op >= 0:
			s += p.eval(op)
		case op == opSpin && p.spin == 0:
			panic("fprog: eval of an endless spin")
		}
	}
	return s
}

func (p *fprog) newNode(i, depth int) *fnode {
	n := &fnode{p: p, i: i, id: p.nextID}
	p.nextID++
	p.polls = append(p.polls, 0)
	p.depth = append(p.depth, depth)
	return n
}

// fnode is a hand-written future shaped like asyncgen's output for function
// i of an fprog: EnterFrame/ExitFrame around the poll of a child, PollFrame
// keeping the output, state -2 handing it to the parent's next poll, Cancel
// cancelling the child first.
type fnode struct {
	state   int // 0 start, 1 running, -1 done, -2 completed as a frame
	res     int
	p       *fprog
	i, k, s int
	id      int
	yielded bool
	n       int // opSpin's yields so far
	child   *fnode
}

func (f *fnode) Poll(cx *Context) (int, bool) {
	p := f.p
	p.polls[f.id]++
	switch f.state {
	case -2:
		f.state = -1
		return f.res, true
	case -1:
		panic("fnode polled after it completed")
	case 0:
		f.s = p.val[f.i]
		f.state = 1
	}
	ops := p.ops[f.i]
	for f.k < len(ops) {
		switch op := ops[f.k]; op {
		case opYield:
			if !f.yielded {
				f.yielded = true
				p.yields++
				if p.gcEvery > 0 && p.yields%p.gcEvery == 0 {
					runtime.GC()
				}
				if p.selfYield {
					cx.yield()
				} else {
					cx.Waker().Wake()
				}
				return 0, false
			}
			f.yielded = false
		case opPanic:
			panic(fmt.Sprintf("fprog panic in %d", f.i))
		case opSpin:
			if p.spin == 0 || f.n < p.spin {
				f.n++
				cx.Waker().Wake()
				return 0, false
			}
		default:
			fresh := f.child == nil
			if fresh {
				f.child = p.newNode(op, p.depth[f.id]+1)
			}
			d := !p.noFrames && cx.EnterFrame(f, f.child)
			v, ok := f.child.Poll(cx)
			if d {
				cx.ExitFrame(f, f.child, ok, fresh)
			}
			if !ok {
				return 0, false
			}
			f.child = nil
			f.s += v
		}
		f.k++
	}
	f.state = -1
	return f.s, true
}

func (f *fnode) PollFrame(cx *Context) bool {
	v, ok := f.Poll(cx)
	if ok {
		f.res, f.state = v, -2
	}
	return ok
}

func (f *fnode) Cancel() {
	if f.child != nil {
		f.child.Cancel()
		f.child = nil
	}
	f.p.cancelled = append(f.p.cancelled, f.id)
	f.state = -1
}

// chainProg is a chain of n functions, each calling the next between two
// yields (pre and post yields per level), the last yielding leafYields times.
func chainProg(n, pre, post, leafYields int) *fprog {
	p := &fprog{val: make([]int, n), ops: make([][]int, n)}
	for i := range n {
		p.val[i] = i + 1
		var ops []int
		for range pre {
			ops = append(ops, opYield)
		}
		if i+1 < n {
			ops = append(ops, i+1)
		} else {
			for range leafYields {
				ops = append(ops, opYield)
			}
		}
		for range post {
			ops = append(ops, opYield)
		}
		p.ops[i] = ops
	}
	return p
}

// randProg is a random program: each function makes up to 4 ops among
// yields and calls of later functions.
func randProg(r *rand.Rand, n int) *fprog {
	p := &fprog{val: make([]int, n), ops: make([][]int, n)}
	for i := range n {
		p.val[i] = r.IntN(100)
		for range r.IntN(5) {
			if i+1 < n && r.IntN(2) == 0 {
				p.ops[i] = append(p.ops[i], i+1+r.IntN(min(3, n-i-1)))
			} else {
				p.ops[i] = append(p.ops[i], opYield)
			}
		}
	}
	return p
}

func (p *fprog) reset() {
	p.nextID, p.polls, p.depth, p.cancelled, p.yields = 0, nil, nil, nil, 0
}

// drivers run a program's function 0 to completion in each way a future is
// driven: a task, a BlockOn main future, direct-mode Await, and a plain
// poll loop with NewContext (no driver: root-polling).
var frameDrivers = []struct {
	name string
	run  func(f Future[int]) int
}{
	{"task", func(f Future[int]) int { return runTask(f) }},
	{"blockon", func(f Future[int]) int { return Run(f) }},
	{"multi", func(f Future[int]) int { return RunMulti(f, WithWorkers(2)) }},
	{"await", func(f Future[int]) int { return Await(f) }},
	{"newcontext", func(f Future[int]) int {
		cx := NewContext(nopWaker{})
		for {
			if v, ok := f.Poll(cx); ok {
				return v
			}
		}
	}},
}

// TestFrameModel runs random programs under every driver and checks the
// output against plain Go, and that every future was polled to completion
// exactly once after it completed (its parent taking the output); with
// yields that wake the Waker, and with self-waking yields (which a
// current-thread main future re-polls in place).
func TestFrameModel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for seed := range 200 {
		p := randProg(r, 1+r.IntN(40))
		want := p.eval(0)
		for _, self := range []bool{false, true} {
			p.selfYield = self
			for _, d := range frameDrivers {
				p.reset()
				if got := d.run(p.newNode(0, 0)); got != want {
					t.Fatalf("program %d, %s, self-waking yields %v: got %d, want %d", seed, d.name, self, got, want)
				}
				if len(p.cancelled) != 0 {
					t.Fatalf("program %d, %s: futures cancelled: %v", seed, d.name, p.cancelled)
				}
			}
		}
	}
}

// TestFrameStackAcrossGC: the frame stack holds its frames as integers
// (frameRef), so they must stay alive through their parents. A chain 2,000
// deep whose frames are all stacked runs collections while suspended at
// every depth, with fresh allocations between them (which would reuse a
// freed frame's memory), and still computes the right sum, under every
// driver that keeps a stack.
func TestFrameStackAcrossGC(t *testing.T) {
	const n = 2000
	for _, self := range []bool{false, true} {
		for _, d := range frameDrivers[:4] {
			p := chainProg(n, 2, 2, 3)
			p.selfYield, p.gcEvery = self, 251
			p.reset()
			if got, want := d.run(p.newNode(0, 0)), n*(n+1)/2; got != want {
				t.Fatalf("%s, self-waking yields %v: got %d, want %d", d.name, self, got, want)
			}
		}
	}
}

// TestFrameWakePollsTop: a task suspended deep is resumed at the innermost
// frame. In a chain of 200 whose last function yields 50 times, a frame at
// depth >= minPushDepth is polled 4 times (its first poll by its parent,
// the first wake-up's, which finds it pending a second time and pushes it,
// once when its child completed, once by its parent taking its output), one
// above it 3 times; without frames every level is polled at every wake-up.
func TestFrameWakePollsTop(t *testing.T) {
	const n, yields = 200, 50
	for _, d := range frameDrivers[:4] {
		t.Run(d.name, func(t *testing.T) {
			p := chainProg(n, 0, 0, yields)
			if got, want := d.run(p.newNode(0, 0)), n*(n+1)/2; got != want {
				t.Fatalf("got %d, want %d", got, want)
			}
			for id, c := range p.polls {
				dep := p.depth[id]
				switch {
				case dep == n-1: // the leaf
					if c != yields+2 {
						t.Errorf("leaf polled %d times, want %d", c, yields+2)
					}
				case dep >= minPushDepth && c != 4:
					t.Errorf("frame at depth %d polled %d times, want 4", dep, c)
				case dep < minPushDepth && c != 3:
					// Its first poll, the first wake-up's, and the
					// root's once the frame above it completed: never
					// at the other wake-ups.
					t.Errorf("frame at depth %d polled %d times, want 3", dep, c)
				}
			}
		})
	}
	t.Run("noframes", func(t *testing.T) {
		p := chainProg(n, 0, 0, yields)
		p.noFrames = true
		runTask(Future[int](p.newNode(0, 0)))
		for id, c := range p.polls {
			if want := yields + 1; c != want {
				t.Fatalf("root-polling: depth %d polled %d times, want %d", p.depth[id], c, want)
			}
		}
	})
}

// TestFrameCancelDeep aborts a task suspended 100 awaits deep: every future
// is cancelled exactly once, innermost first, and the task ends cancelled.
func TestFrameCancelDeep(t *testing.T) {
	for _, stacked := range []bool{true, false} {
		t.Run(fmt.Sprint("frames=", stacked), func(t *testing.T) {
			p := chainProg(100, 1, 1, 0)
			p.ops[99] = append(p.ops[99], opSpin)
			p.noFrames = !stacked
			r := NewCurrentThread()
			defer r.Shutdown()
			h := SpawnOn(r, Future[int](p.newNode(0, 0)))
			// Let it descend: 100 yields on the way down, then some at the leaf.
			BlockOn(r, yieldLoop(300, YieldNowAsync))
			if stacked && (h.t.frames() == nil || len(h.t.frames().frames) != 100-minPushDepth) {
				t.Fatalf("frame stack %v, want %d frames", h.t.frames(), 100-minPushDepth)
			}
			h.Abort()
			err := BlockOn(r, h.JoinAsync()).V1
			var je *JoinError
			if !errors.As(err, &je) || !je.IsCancelled() {
				t.Fatalf("Join error %v, want cancelled", err)
			}
			want := make([]int, 100)
			for i := range want {
				want[i] = 99 - i
			}
			if !slices.Equal(p.cancelled, want) {
				t.Fatalf("cancelled %v, want %v (innermost first, once each)", p.cancelled, want)
			}
			if h.t.joinErr() != je || h.t.frames() != nil {
				t.Fatalf("a completed task keeps its frame stack instead of its JoinError")
			}
		})
	}
}

// TestFramePanicDeep: a panic in the top frame completes the task with the
// original value and a stack that shows where it was raised; under BlockOn
// it propagates with the original value; the runtime stays usable.
func TestFramePanicDeep(t *testing.T) {
	p := chainProg(60, 1, 1, 3)
	p.ops[59] = append(p.ops[59], opPanic)
	r := NewCurrentThread()
	defer r.Shutdown()
	h := SpawnOn(r, Future[int](p.newNode(0, 0)))
	res := BlockOn(r, h.JoinAsync())
	var je *JoinError
	if !errors.As(res.V1, &je) || !je.IsPanic() {
		t.Fatalf("Join error %v, want a panic", res.V1)
	}
	if je.PanicValue() != "fprog panic in 59" {
		t.Fatalf("panic value %v", je.PanicValue())
	}
	if !strings.Contains(string(je.StackTrace()), "(*fnode).Poll") {
		t.Fatalf("stack does not show the panicking frame:\n%s", je.StackTrace())
	}
	p.reset()
	func() {
		defer func() {
			if v := recover(); v != "fprog panic in 59" {
				t.Fatalf("BlockOn panicked with %v", v)
			}
		}()
		BlockOn(r, Future[int](p.newNode(0, 0)))
		t.Fatalf("BlockOn returned")
	}()
	// The core's Context is clean again: a deep program runs right after.
	q := chainProg(30, 1, 1, 2)
	if got := BlockOn(r, Future[int](q.newNode(0, 0))); got != 30*31/2 {
		t.Fatalf("after the panic: %d", got)
	}
}

// TestFrameUnderSelect: chains awaited through a Select are polled by the
// select, never pushed (a new root-polling region), and a chain above the
// select still is.
func TestFrameUnderSelect(t *testing.T) {
	a, b := chainProg(20, 1, 0, 5), chainProg(20, 1, 0, 1000)
	sel := Select2Async(Future[int](a.newNode(0, 0)), Future[int](b.newNode(0, 0)))
	got := runTask(PollFunc(func(cx *Context) (int, bool) {
		v, ok := sel.Poll(cx)
		return v.V0, ok
	}))
	if got != 20*21/2 {
		t.Fatalf("select: %d", got)
	}
	for id, c := range a.polls {
		if a.depth[id] < 19 && c < 6 {
			t.Fatalf("a frame under a select was pushed: depth %d polled %d times", a.depth[id], c)
		}
	}
	if len(b.cancelled) != 20 {
		t.Fatalf("loser: %d futures cancelled, want 20", len(b.cancelled))
	}
}

// BenchmarkFrameResume: the cost of one suspension of a task suspended
// depth awaits deep (a chain of hand-written frames whose innermost yields
// b.N times), with the frame stack and without it (every level polled at
// every wake-up, as before frames existed).
func BenchmarkFrameResume(b *testing.B) {
	for _, stacked := range []bool{true, false} {
		for _, depth := range []int{1, 10, 100, 1000, 10000} {
			if !stacked && depth == 10000 && testing.Short() {
				continue
			}
			b.Run(fmt.Sprintf("frames=%v/depth=%d", stacked, depth), func(b *testing.B) {
				p := chainProg(depth, 0, 0, 0)
				p.ops[depth-1] = append(p.ops[depth-1], opSpin)
				p.spin = b.N
				p.noFrames = !stacked
				b.ReportAllocs()
				b.ResetTimer()
				if got := runTask(Future[int](p.newNode(0, 0))); got != depth*(depth+1)/2 {
					b.Fatalf("got %d", got)
				}
			})
		}
	}
}

// TestFrameSegmentUnderStackedFrame: a frame resumed from the stack calls a
// chain that suspends 40 levels further down in the same poll; the 40 new
// frames are pushed above it in order (innermost on top) at their second
// suspension, each then polled 4 times however often the leaf yields.
func TestFrameSegmentUnderStackedFrame(t *testing.T) {
	const n, yields = 45, 30
	p := chainProg(n, 0, 0, yields)
	p.ops[3] = append([]int{opYield}, p.ops[3]...) // function 3 suspends first, then calls down
	for _, d := range frameDrivers[:4] {
		p.reset()
		if got, want := d.run(p.newNode(0, 0)), n*(n+1)/2; got != want {
			t.Fatalf("%s: got %d, want %d", d.name, got, want)
		}
		for id, c := range p.polls {
			if dep := p.depth[id]; dep > 3 && dep < n-1 && c != 4 {
				t.Fatalf("%s: frame at depth %d polled %d times, want 4", d.name, dep, c)
			}
		}
	}
}

// TestFrameSuspendOnce: a chain that suspends once and unwinds is never
// pushed (its frames are fresh at their only suspension): the driver
// allocates and keeps no stack for it.
func TestFrameSuspendOnce(t *testing.T) {
	p := chainProg(50, 0, 0, 1)
	r := NewCurrentThread()
	defer r.Shutdown()
	h := SpawnOn(r, Future[int](p.newNode(0, 0)))
	BlockOn(r, YieldNowAsync())
	if h.t.frames() != nil {
		t.Fatalf("a chain suspended once has a frame stack of %d", len(h.t.frames().frames))
	}
	if got := BlockOn(r, h.JoinAsync()); got.V0 != 50*51/2 || got.V1 != nil {
		t.Fatalf("Join = %v", got)
	}
	for id, c := range p.polls {
		if c != 2 { // its first poll and the wake-up's, through its callers
			t.Fatalf("depth %d polled %d times, want 2", p.depth[id], c)
		}
	}
}
