// Regression: a spawn inside an async function (rt.Spawn, rt.SpawnNamed,
// JoinSet.Spawn) is a call that takes the poll's Context and returns the
// handle at once, not a future kept in a field and awaited: every form
// (by value, through a Future variable, a method's twin, explicit type
// arguments, a promoted JoinSet, a range-over-func body, a function whose
// only suspension point is a spawn) keeps Go's evaluation order and
// spawns onto the runtime running the caller.
package main

import (
	"fmt"
	"iter"
	"sync/atomic"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

//async:func
func Worker(id, n int) int {
	sum := 0
	for i := range n {
		rt.YieldNow()
		sum += id * i
	}
	return sum
}

//async:func
func Gen[T any](v T) T {
	rt.YieldNow()
	return v
}

type acc struct{ n int }

//async:func
func (a *acc) Add(k int) int {
	rt.YieldNow()
	a.n += k
	return a.n
}

// note prints its tag: it shows where the lowering evaluates an operand.
func note(tag string) int {
	fmt.Println("eval", tag)
	return len(tag)
}

// made prints its tag and returns the future it is given: a spawn's
// operand whose call shows when it runs.
func made(tag string, f rt.Future[int]) rt.Future[int] {
	fmt.Println("made", tag)
	return f
}

func pick(a int, h *rt.JoinHandle[int], c int) *rt.JoinHandle[int] {
	fmt.Println("pick", a, c)
	return h
}

// Chain's only suspension point is the spawn of the next link.
//
//async:func
func Chain(n int, done *atomic.Int32) {
	if n == 0 {
		done.Add(1)
		return
	}
	rt.Spawn(ChainAsync(n-1, done))
}

//async:func
func waitFor(done *atomic.Int32, want int32) {
	for done.Load() < want {
		rt.YieldNow()
	}
}

//async:func
func Handle(n int) *rt.JoinHandle[int] {
	return rt.Spawn(WorkerAsync(n, 2))
}

type group struct {
	*rt.JoinSet[int]
	label string
}

func seq(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := range n {
			if !yield(i) {
				return
			}
		}
	}
}

//async:func
func Main() {
	// Operands first, left to right, then the spawn; the operands right
	// of it after.
	v0, _ := pick(note("a"), rt.Spawn(made("f", WorkerAsync(2, 3))), note("cc")).Join()
	fmt.Println("picked", v0)

	// By value and through a Future variable; explicit type arguments.
	f := WorkerAsync(3, 3)
	h1 := rt.Spawn(WorkerAsync(1, 3))
	h2 := rt.Spawn(f)
	h3 := rt.Spawn[int](WorkerAsync(4, 2))
	v1, _ := h1.Join()
	v2, _ := h2.Join()
	v3, _ := h3.Join()
	fmt.Println("values", v1, v2, v3, h1.ID() != 0, h2.ID() > h1.ID(), h3.ID() > h2.ID())

	// A generic function's future, a method's twin.
	hg := rt.Spawn(GenAsync("gen"))
	a := &acc{n: 10}
	hm := rt.Spawn(a.AddAsync(5))
	gv, _ := hg.Join()
	mv, _ := hm.Join()
	fmt.Println("gen", gv, "method", mv)

	// Named, by value and through a variable.
	hn := rt.SpawnNamed(fmt.Sprint("w", note("name")), WorkerAsync(5, 2))
	f2 := WorkerAsync(6, 2)
	hn2 := rt.SpawnNamed("w2", f2)
	nv, _ := hn.Join()
	nv2, err := hn2.Join()
	fmt.Println("named", nv, nv2, err)

	// JoinSets: by value, by pointer, promoted from an embedded field.
	var set rt.JoinSet[int]
	ps := &rt.JoinSet[int]{}
	g := group{JoinSet: &rt.JoinSet[int]{}, label: "g"}
	ab := set.Spawn(WorkerAsync(1, 2))
	ps.Spawn(WorkerAsync(2, 2))
	g.Spawn(WorkerAsync(3, 2))
	g.Spawn(made("g", WorkerAsync(4, 2)))
	fmt.Println("abort handle", ab.ID() != 0, set.Len(), ps.Len(), g.Len())
	total := 0
	for _, s := range []*rt.JoinSet[int]{&set, ps, g.JoinSet} {
		for {
			v, ok, err := s.JoinNext()
			if !ok {
				break
			}
			if err == nil {
				total += v
			}
		}
	}
	fmt.Println("sets", total, g.label)

	// In a range-over-func body.
	var hs []*rt.JoinHandle[int]
	for i := range seq(3) {
		hs = append(hs, rt.Spawn(WorkerAsync(i, 3)))
	}
	for i, h := range hs {
		v, _ := h.Join()
		fmt.Println("seq", i, v)
	}

	// A spawn whose handle is dropped, and a chain of tasks that each
	// spawn the next.
	var done atomic.Int32
	rt.Spawn(ChainAsync(0, &done))
	rt.Spawn(ChainAsync(50, &done))
	waitFor(&done, 2)
	fmt.Println("chain", done.Load())

	// A spawn in a return statement.
	hr := Handle(6)
	rv, _ := hr.Join()
	fmt.Println("returned", rv)
}
