// Regression: a spawn inside an async function is no suspension point.
// The generator rejected `defer rt.Spawn(F(x))` ("would suspend") and a
// spawn inside a plain func literal ("suspends, but it is called inside a
// func literal"), although the plain rt.Spawn never waits: both are now
// ordinary calls, as in direct mode (the task goes to the process default
// runtime, whose tasks the caller joins as any other). And the operands
// around a spawn the lowering writes in place are no longer spilled: Go's
// order of evaluation holds with the spawn where it stands, with a
// suspension point left or right of it, in its arguments, in a condition,
// in a range-over-func body, in a deferred call's arguments and in an
// async closure; a lock held across a spawn holds it across no suspension.
package main

import (
	"fmt"
	"iter"
	"sync"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

//async:func
func Worker(id, n int) int {
	sum := 0
	for i := range n {
		rt.YieldNow()
		sum += id*10 + i
	}
	return sum
}

// Sum suspends, then returns its argument: a suspension point beside a
// spawn.
//
//async:func
func Sum(k int) int {
	rt.YieldNow()
	fmt.Println("sum", k)
	return k
}

// note prints its tag: it shows where the lowering evaluates an operand.
func note(tag string) int {
	fmt.Println("eval", tag)
	return len(tag)
}

// made prints its tag and returns the future it is given.
func made(tag string, f rt.Future[int]) rt.Future[int] {
	fmt.Println("made", tag)
	return f
}

// join awaits h's value (-1 for an error).
//
//async:func
func join(h *rt.JoinHandle[int]) int {
	v, err := h.Join()
	if err != nil {
		return -1
	}
	return v
}

// drain joins every task of s and returns the sum of their values.
//
//async:func
func drain(s *rt.JoinSet[int]) (total, n int) {
	for {
		v, ok, err := s.JoinNext()
		if !ok {
			return total, n
		}
		if err == nil {
			total += v
			n++
		}
	}
}

func forEach(xs []int, f func(int)) {
	for _, x := range xs {
		f(x)
	}
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

// deferred spawns from deferred calls: the arguments (the futures, the
// set) are evaluated at each defer statement, the spawns run when the
// function returns, last deferred first.
//
//async:func
func deferred(s *rt.JoinSet[int], k int) int {
	defer s.Spawn(made("d1", WorkerAsync(k, 2)))
	defer rt.Spawn(made("d2", WorkerAsync(k+1, 2)))
	defer rt.SpawnNamed(fmt.Sprint("d", note("named")), made("d3", WorkerAsync(k+2, 2)))
	defer func() {
		s.Spawn(made("d4", WorkerAsync(k+3, 2)))
	}()
	// A spawn in a deferred call's argument runs at the defer statement.
	defer fmt.Println("deferred argument", s.Spawn(made("da", WorkerAsync(k, 1))).ID() != 0)
	// A set held by value: the deferred spawn takes its address at the
	// defer statement.
	var ls rt.JoinSet[int]
	defer func() { fmt.Println("local set", ls.Len()) }()
	defer ls.Spawn(made("ls", WorkerAsync(k, 1)))
	fmt.Println("deferred body", s.Len())
	return Sum(k)
}

// panicking defers a spawn, then panics after a suspension point: the
// deferred spawn runs while the panic unwinds, and the caller recovers.
//
//async:func
func panicking(s *rt.JoinSet[int]) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("recovered %v", r)
		}
	}()
	defer s.Spawn(made("p", WorkerAsync(7, 3)))
	Sum(1)
	panic("boom")
}

// badFuture panics while the spawn's operands are evaluated: nothing is
// spawned.
//
//async:func
func badFuture(s *rt.JoinSet[int]) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("recovered %v, %d tasks", r, s.Len())
		}
	}()
	s.Spawn(made("bad", func() rt.Future[int] { panic("no future") }()))
	return nil
}

// Chained has a spawn in each place where a suspension point forces the
// lowering to spill the calls left of it.
//
//async:func
func Chained() int {
	// Left of a suspension point: the spawn's operands, then it, then
	// the operands right of it, then the suspension.
	a := note("a") + join0(rt.Spawn(made("l", WorkerAsync(1, 2)))) + Sum(note("bb"))
	// Right of one.
	b := Sum(note("c")) + note("dd") + join0(rt.Spawn(made("r", WorkerAsync(2, 2))))
	// In its own arguments.
	h := rt.Spawn(made("arg", WorkerAsync(Sum(3), 2)))
	// In a condition, with a suspension point in the body.
	var hs []*rt.JoinHandle[int]
	for i := 0; rt.Spawn(made(fmt.Sprint("cond", i), WorkerAsync(i, 1))) != nil && i < 2; i++ {
		hs = append(hs, h)
		Sum(i)
	}
	fmt.Println("chained", a, b, len(hs))
	return join(h)
}

// join0 returns 0 for a handle that is set: an operand that takes the
// spawn's result.
func join0(h *rt.JoinHandle[int]) int {
	if h == nil {
		return -1
	}
	return 0
}

// Pair is generic: its spawns' type arguments are its type parameter.
//
//async:func
func Pair[T any](v T) (T, T) {
	rt.YieldNow()
	return v, v
}

// spawnGeneric spawns generic futures of a type parameter, in place and
// inside a plain func literal, and one of a range-over-func body that also
// suspends (lowered, the spawn in the poll).
//
//async:func
func spawnGeneric[T any](v T) int {
	h := rt.Spawn(PairAsync(v))
	var h2 *rt.JoinHandle[rt.Tuple2[T, T]]
	func() { h2 = rt.Spawn(PairAsync(v)) }()
	a, _ := h.Join()
	b, _ := h2.Join()
	fmt.Println("generic", a.V0, b.V1)
	n := 0
	for i := range seq(3) {
		hi := rt.Spawn(WorkerAsync(i, 2))
		n += Sum(i) + join(hi)
	}
	return n
}

// Fan spawns a task per entry of a map and per value of an iterator, and
// joins them after the loops: its only suspension point is the join, so
// the loops run as written (no iterator state, no map iteration, in the
// future).
//
//async:func
func Fan(m map[string]int, n int) int {
	set := &rt.JoinSet[int]{}
	for k, v := range m {
		set.Spawn(WorkerAsync(len(k), v))
	}
	for i := range seq(n) {
		switch {
		case i%2 == 0:
			set.Spawn(WorkerAsync(i, 1))
		default:
			rt.Spawn(WorkerAsync(i, 1)) // detached
		}
	}
	total, k := drain(set)
	return total*100 + k
}

//async:func
func Main() {
	// A plain func literal called at once, and a callback: rt.Spawn
	// there is an ordinary call.
	var hs []*rt.JoinHandle[int]
	for i := range 3 {
		func() {
			hs = append(hs, rt.Spawn(made(fmt.Sprint("lit", i), WorkerAsync(i, 3))))
		}()
	}
	var set rt.JoinSet[int]
	forEach([]int{4, 5}, func(x int) {
		set.Spawn(WorkerAsync(x, 2))
		rt.SpawnNamed(fmt.Sprint("cb", x), WorkerAsync(x, 1))
	})
	hb := func() *rt.JoinHandle[int] {
		return rt.SpawnBlocking(func() int { return 42 })
	}()
	total := 0
	for _, h := range hs {
		total += join(h)
	}
	st, sn := drain(&set)
	fmt.Println("literals", total, st, sn, join(hb))

	// Deferred spawns, on a return and on a panic.
	var ds rt.JoinSet[int]
	fmt.Println("deferred returned", deferred(&ds, 1))
	fmt.Println("panicking", panicking(&ds))
	fmt.Println("bad future", badFuture(&ds))
	dt, dn := drain(&ds)
	fmt.Println("deferred tasks", dt, dn)

	// Spawns beside suspension points.
	fmt.Println("chained result", Chained())
	fmt.Println("spawnGeneric", spawnGeneric("x"), spawnGeneric(2.5))
	fmt.Println("fan", Fan(map[string]int{"a": 1, "bb": 2, "ccc": 3}, 5))

	// A lock held across a spawn (no suspension point), a spawn in a
	// range-over-func body and in an async closure.
	var mu sync.Mutex
	mu.Lock()
	hl := rt.Spawn(WorkerAsync(8, 2))
	mu.Unlock()
	var hr []*rt.JoinHandle[int]
	for i := range seq(3) {
		hr = append(hr, rt.Spawn(WorkerAsync(i, 2)))
	}
	sum := join(hl)
	for _, h := range hr {
		sum += join(h)
	}
	fmt.Println("lock and range", sum)
	v := rt.Await(rt.Async(func() int {
		h := rt.Spawn(made("closure", WorkerAsync(6, 2)))
		func() {
			h = rt.Spawn(made("closure lit", WorkerAsync(7, 2)))
		}()
		return Sum(1) + join(h)
	}))
	fmt.Println("closure", v)
}
