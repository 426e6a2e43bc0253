package tracetest

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/corio-go/corio/rt"
	"github.com/corio-go/corio/syncx"
)

const file = "github.com/corio-go/corio/internal/tracetest/chain.go"

// lineOf is the line of chain.go holding text (once), so that the expected
// positions follow edits of the source.
func lineOf(t *testing.T, text string) int {
	t.Helper()
	src, err := os.ReadFile("chain.go")
	if err != nil {
		t.Fatal(err)
	}
	line := 0
	for i, l := range strings.Split(string(src), "\n") {
		if strings.Contains(l, text) {
			if line != 0 {
				t.Fatalf("%q is on lines %d and %d of chain.go", text, line, i+1)
			}
			line = i + 1
		}
	}
	if line == 0 {
		t.Fatalf("%q not in chain.go", text)
	}
	return line
}

// TestTraceChain spawns Outer, which suspends five futures deep (a plain
// function, a method whose await field is shared, a generic function held
// inline by it, an async closure and, inside it, the body of a range over a
// function) on a gate, and follows the suspended task's await chain from
// its root future while the task is idle: after the first suspension,
// after it resumed and suspended at another line (its frames then pushed
// on the driver's frame stack), again after a wake-up that polls the
// innermost frame directly (its callers are not polled), on a mutex the
// closure holds by value, and once it is done.
func TestTraceChain(t *testing.T) {
	gates := []*Gate{NewGate("g1"), NewGate("g2"), NewGate("g3")}
	svc := &Svc{}
	svc.Mu.Lock() // the closure's last wait
	root := OuterAsync(svc, gates[0], gates[1], gates[2])
	var chains [][]rt.Trace
	var h *rt.JoinHandle[int]
	step, polls := 0, 0
	r := rt.NewCurrentThread()
	defer r.Shutdown()
	rt.BlockOn(r, rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
		// One step per poll. The task, spawned on r, runs between two polls
		// of this main future on BlockOn's goroutine: it is never polled
		// while this one runs, so its chain is read while it is idle. The
		// bound keeps a broken step from spinning forever.
		cx.Waker().Wake()
		if polls++; polls > 1000 {
			t.Fatalf("step %d never came", step)
		}
		switch step {
		case 0:
			h = rt.SpawnOn(r, root)
		case 1, 2, 3:
			g := gates[step-1]
			if !g.Waiting() {
				return struct{}{}, false // not suspended there yet
			}
			chains = append(chains, rt.TraceChain(root))
			g.Open()
		case 4:
			c := rt.TraceChain(root)
			if len(c) == 0 || c[len(c)-1].Func != "syncx.(*Mutex).Lock" {
				return struct{}{}, false // not waiting for the mutex yet
			}
			chains = append(chains, c)
			svc.Mu.Unlock()
		case 5:
			if !h.IsFinished() {
				return struct{}{}, false
			}
			chains = append(chains, rt.TraceChain(root))
			return struct{}{}, true
		}
		step++
		return struct{}{}, false
	}))
	if v, err := h.Join(); v != 103 || err != nil {
		t.Fatalf("Outer = %d, %v; want 103", v, err)
	}

	outer := rt.Trace{Func: "tracetest.Outer", File: file, Line: lineOf(t, "n := s.Middle(g1, g2, g3)")}
	middle := rt.Trace{Func: "tracetest.(*Svc).Middle", File: file, Line: lineOf(t, "return Inner(n, &s.Mu, g1, g2, g3)")}
	inner := rt.Trace{Func: "tracetest.Inner[...]", File: file, Line: lineOf(t, "return rt.Await(rt.Async(func() int {")}
	closure := func(at string) rt.Trace {
		return rt.Trace{Func: "tracetest.Inner[...].func1", File: file, Line: lineOf(t, at)}
	}
	gate := func(name string) rt.Trace {
		return rt.Trace{Func: "tracetest.(*Gate).Wait", Detail: "gate " + name}
	}
	want := [][]rt.Trace{
		{outer, middle, inner, closure("g1.Wait()"), gate("g1")},
		{outer, middle, inner, closure("g2.Wait()"), gate("g2")},
		{outer, middle, inner, closure("g3.Wait()"), gate("g3")},
		{outer, middle, inner, closure("mu.Lock()"), {Func: "syncx.(*Mutex).Lock", Detail: "locked, 1 queued"}},
		{{Func: "tracetest.Outer", File: file}}, // done: no line, nothing awaited
	}
	for i := range want {
		if i >= len(chains) {
			t.Fatalf("%d chains taken, want %d", len(chains), len(want))
		}
		t.Logf("chain %d: %s", i, format(chains[i]))
		if !reflect.DeepEqual(chains[i], want[i]) {
			t.Errorf("chain %d:\n got  %s\n want %s", i, format(chains[i]), format(want[i]))
		}
	}
}

func format(c []rt.Trace) string {
	var s []string
	for _, t := range c {
		s = append(s, t.String())
	}
	return strings.Join(s, " → ")
}

// TestTraceNotStarted: a future never polled is at no line and awaits nothing.
func TestTraceNotStarted(t *testing.T) {
	got := rt.TraceChain(InnerAsync("x", new(syncx.Mutex), NewGate("a"), NewGate("b"), NewGate("c")))
	want := []rt.Trace{{Func: "tracetest.Inner[...]", File: file}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

// BenchmarkTraceChain reads the chain of a task suspended five futures
// deep, as a task dump does for each task it walks.
func BenchmarkTraceChain(b *testing.B) {
	g := NewGate("g1")
	root := OuterAsync(&Svc{}, g, g, g)
	r := rt.NewCurrentThread()
	defer r.Shutdown()
	spawned := false
	rt.BlockOn(r, rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
		if !spawned {
			rt.SpawnOn(r, root)
			spawned = true
		}
		if !g.Waiting() {
			cx.Waker().Wake()
			return struct{}{}, false
		}
		b.ReportAllocs()
		for b.Loop() {
			if len(rt.TraceChain(root)) != 5 {
				b.Fatal("chain not 5 long")
			}
		}
		g.Open()
		return struct{}{}, true
	}))
}
