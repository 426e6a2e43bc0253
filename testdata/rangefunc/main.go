// Ranges over function iterators whose bodies suspend: every way out of the
// body (break, continue, return with and without named results, labeled
// jumps to outer loops, goto, a panic of the body, of a callee or of the
// iterator, cancellation) stops the iterator as Go does.
package main

import (
	"cmp"
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
	"github.com/corio-go/corio/syncx"
)

func main() {
	difftest.Main(func() {
		Main()
		for _, c := range panics {
			catch(c.name, c.direct)
		}
	}, func() {
		rt.Run(MainAsync())
		for _, c := range panics {
			catch(c.name, func() { rt.Run(c.async()) })
		}
	})
}

// panics are the functions that panic out of a loop, run in plain Go (an
// async function cannot recover yet).
var panics = []struct {
	name   string
	direct func()
	async  func() rt.Future[struct{}]
}{
	{"panic body", PanicBody, PanicBodyAsync},
	{"panic callee", PanicCallee, PanicCalleeAsync},
	{"panic iter", PanicIter, PanicIterAsync},
	{"misbehave", Misbehave, MisbehaveAsync},
	{"swallow", Swallow, SwallowAsync},
	{"exhausted", Exhausted, ExhaustedAsync},
}

//async:func
func Y() { rt.YieldNow() }

// logSeq yields xs, saying when yield returned false, when its loop ended
// and when its deferred call ran.
func logSeq(tag string, xs ...int) iter.Seq[int] {
	return func(yield func(int) bool) {
		defer fmt.Println(tag, "iter defer")
		for _, x := range xs {
			if !yield(x) {
				fmt.Println(tag, "yield false at", x)
				break
			}
		}
		fmt.Println(tag, "iter end")
	}
}

// catch runs f and prints the value of a panic out of it.
func catch(name string, f func()) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Printf("%s: recovered %v\n", name, r)
		}
	}()
	f()
}

func note(what string, v int) int {
	fmt.Println("evaluate", what)
	return v
}

//async:func
func Basic() {
	for x := range logSeq("basic", 1, 2, 3) {
		Y()
		fmt.Println("basic x", x)
	}
	fmt.Println("basic after")
}

//async:func
func Break() {
	for x := range logSeq("break", 1, 2, 3) {
		Y()
		if x == 2 {
			break
		}
		fmt.Println("break x", x)
	}
	fmt.Println("break after")
}

//async:func
func Continue() int {
	sum := 0
	for x := range logSeq("continue", 1, 2, 3, 4) {
		Y()
		if x%2 == 0 {
			continue
		}
		Y()
		sum += x
	}
	return sum
}

//async:func
func RetUnnamed() (int, string) {
	for x := range logSeq("ret", 1, 2, 3) {
		Y()
		if x == 2 {
			fmt.Println("kept if returns")
			return note("result", x*10), "two"
		}
	}
	return -1, "none"
}

//async:func
func RetNamed() (r int) {
	seq := func(yield func(int) bool) {
		defer func() { fmt.Println("named: iterator sees r =", r) }()
		for i := 1; i <= 3; i++ {
			if !yield(i) {
				return
			}
		}
	}
	for x := range seq {
		Y()
		r = x
		if x == 2 {
			return 7
		}
	}
	return r
}

//async:func
func RetBare() (n int, s string) {
	for x := range logSeq("bare", 5, 6) {
		n, s = x, "set"
		Y()
		switch {
		case x == 6:
			return
		}
	}
	return 0, "unreached"
}

//async:func
func Labeled() {
Outer:
	for i := 0; i < 3; i++ {
		for x := range logSeq(fmt.Sprint("lab", i), 1, 2, 3) {
			Y()
			if i == 2 {
				break Outer
			}
			if x == 2 {
				continue Outer
			}
			fmt.Println("labeled", i, x)
		}
		fmt.Println("not reached")
	}
	fmt.Println("labeled after")
}

//async:func
func Nested(mode string) int {
Out:
	for a := range logSeq("outer", 1, 2, 3) {
		for b := range logSeq("inner", 10, 20, 30) {
			Y()
			switch {
			case mode == "return" && b == 20:
				return a*100 + b
			case mode == "break" && a == 2 && b == 20:
				break Out
			case mode == "continue" && b == 20:
				continue Out
			case mode == "switch" && b == 20:
				break
			}
			if mode == "inner" && b == 20 {
				break
			}
			fmt.Println("nested", mode, a, b)
		}
		fmt.Println("nested", mode, "outer body end", a)
	}
	return 0
}

//async:func
func Goto() {
	n := 0
again:
	n++
	for x := range logSeq(fmt.Sprint("goto", n), 1, 2, 3) {
		Y()
		if x == 2 && n < 2 {
			goto again
		}
		if x == 2 {
			goto done
		}
		fmt.Println("goto x", n, x)
	}
	fmt.Println("not reached")
done:
	fmt.Println("goto done", n)
}

//async:func
func PanicBody() {
	for x := range logSeq("panic", 1, 2, 3) {
		Y()
		if x == 2 {
			panic(fmt.Sprint("body panics at ", x))
		}
		fmt.Println("panic x", x)
	}
}

//async:func
func Deeper(x int) int {
	Y()
	Y()
	Y()
	if x == 2 {
		panic("callee panics")
	}
	return x
}

//async:func
func Deep(x int) int {
	Y()
	return Deeper(x) + 1
}

//async:func
func PanicCallee() {
	for x := range logSeq("callee", 1, 2, 3) {
		fmt.Println("callee got", Deep(x))
	}
}

//async:func
func PanicIter() {
	seq := func(yield func(int) bool) {
		defer fmt.Println("iter panic: iterator defer")
		if yield(1) {
			panic("iterator panics")
		}
	}
	for x := range seq {
		Y()
		fmt.Println("iter panic x", x)
	}
}

//async:func
func Misbehave() {
	seq := func(yield func(int) bool) {
		yield(1)
		fmt.Println("misbehave: yields again")
		yield(2)
	}
	for x := range seq {
		Y()
		fmt.Println("misbehave x", x)
		break
	}
	fmt.Println("not reached")
}

//async:func
func Swallow() {
	seq := func(yield func(int) bool) {
		defer func() { fmt.Println("swallow: iterator recovered", recover() != nil) }()
		yield(1)
	}
	for range seq {
		Y()
		panic("swallowed")
	}
}

//async:func
func Exhausted() {
	var saved func(int) bool
	seq := func(yield func(int) bool) {
		saved = yield
		yield(1)
	}
	for x := range seq {
		Y()
		fmt.Println("exhausted x", x)
	}
	saved(2)
}

//async:func
func LoopVars() {
	var fs []func()
	var ps []*string
	for i, s := range slices.All([]string{"a", "b", "c"}) {
		fs = append(fs, func() { fmt.Println("captured", i, s) })
		Y()
		ps = append(ps, &s)
		s += "!"
	}
	for _, f := range fs {
		f()
	}
	for _, p := range ps {
		fmt.Println("pointer", *p)
	}
}

func mk(tag string) iter.Seq[int] {
	fmt.Println("range expression evaluated", tag)
	return logSeq(tag, 1, 2)
}

//async:func
func MkSeq() iter.Seq[int] {
	Y()
	return mk("async")
}

//async:func
func Once() {
	for x := range mk("once") {
		Y()
		fmt.Println("once x", x)
	}
	for x := range MkSeq() {
		fmt.Println("mk async x", x)
	}
}

// Sorted is a generic iterator over a map in key order.
func Sorted[K cmp.Ordered, V any](m map[K]V) iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if !yield(k, m[k]) {
				return
			}
		}
	}
}

//async:func
func Std() {
	m := map[string]int{"x": 1, "y": 2, "z": 3}
	var keys []string
	for k := range maps.Keys(m) {
		Y()
		keys = append(keys, k)
	}
	slices.Sort(keys)
	fmt.Println("maps.Keys", keys)
	for k, v := range Sorted(m) {
		Y()
		fmt.Println("sorted", k, v)
	}
	for v := range slices.Values([]float64{1.5, 2.5}) {
		Y()
		fmt.Println("slices.Values", v)
	}
	for i, v := range slices.Backward([]string{"p", "q"}) {
		Y()
		fmt.Println("slices.Backward", i, v)
	}
	for part := range strings.SplitSeq("a,b,,c", ",") {
		Y()
		fmt.Printf("split %q\n", part)
	}
	for i := range Sorted(map[int]bool{3: true, 1: false}) {
		Y()
		fmt.Println("key only", i)
	}
}

type Yield func(int) bool

type MySeq func(Yield)

//async:func
func Defined() {
	var seq MySeq = func(y Yield) {
		for i := range 3 {
			if !y(i * i) {
				return
			}
		}
	}
	for v := range seq {
		Y()
		fmt.Println("defined", v)
	}
	count := 0
	for range func(yield func() bool) {
		for range 4 {
			if !yield() {
				return
			}
		}
	} {
		Y()
		count++
	}
	fmt.Println("zero-arity count", count)
}

//async:func
func Assign() {
	k := 100
	m := map[int]string{}
	for k, m[k] = range slices.All([]string{"a", "b"}) {
		Y()
		fmt.Println("assign k", k)
	}
	fmt.Println("assign", k, len(m), m[100], m[0])
}

//async:func
func KeptJump() {
L:
	for x := range logSeq("kept", 1, 2, 3) {
		Y()
		for j := 0; j < 3; j++ {
			if j == x {
				continue L
			}
			if x == 3 {
				break L
			}
		}
	}
	fmt.Println("kept after")
}

type tree struct{ vals []int }

func (t *tree) All() iter.Seq[int] { return slices.Values(t.vals) }

//async:func
func Method(t *tree) int {
	total := 0
	for v := range t.All() {
		Y()
		total += v
	}
	return total
}

// WaitIn is cancelled while it waits inside the loop's body.
//
//async:func
func WaitIn(ready *syncx.Sender[string], never *syncx.Receiver[int]) int {
	for x := range logSeq("cancel", 1, 2, 3) {
		Y()
		if x == 2 {
			ready.Send("inside")
			v, _ := never.Recv()
			return v
		}
	}
	return 0
}

// Closure ranges over a function inside an async closure, whose body
// suspends: the closure's future runs the iterator as the function's would.
//
//async:func
func Closure() int {
	total := 0
	h := rt.Spawn(rt.Async(func() int {
		for x := range logSeq("closure", 1, 2, 3) {
			Y()
			if x == 3 {
				return total
			}
			total += x
		}
		return -1
	}))
	v, _ := h.Join()
	return v
}

// SumSeq is a generic async function ranging over a generic iterator.
//
//async:func
func SumSeq[T cmp.Ordered](seq iter.Seq2[T, int]) (T, int) {
	var keys T
	n := 0
	for k, v := range seq {
		Y()
		keys += k
		n += v
	}
	return keys, n
}

// WaitNested is cancelled while it waits in the inner of two loops: the
// inner iterator stops first, then the outer.
//
//async:func
func WaitNested(ready *syncx.Sender[string], never *syncx.Receiver[int]) int {
	for a := range logSeq("cancel outer", 1, 2) {
		for b := range logSeq("cancel inner", 10, 20) {
			Y()
			if a == 1 && b == 20 {
				ready.Send("nested")
				v, _ := never.Recv()
				return v
			}
		}
	}
	return 0
}

//async:func
func Main() {
	Basic()
	Break()
	fmt.Println("continue sum", Continue())
	n, s := RetUnnamed()
	fmt.Println("ret", n, s)
	fmt.Println("named", RetNamed())
	fmt.Println(RetBare())
	Labeled()
	for _, mode := range []string{"return", "break", "continue", "inner", "switch"} {
		fmt.Println("nested", mode, "=", Nested(mode))
	}
	Goto()
	LoopVars()
	Once()
	Std()
	Defined()
	Assign()
	KeptJump()
	fmt.Println("method", Method(&tree{vals: []int{4, 5, 6}}))
	fmt.Println("closure", Closure())
	fmt.Println(SumSeq(Sorted(map[string]int{"a": 1, "b": 2})))
	fmt.Println(SumSeq(Sorted(map[float64]int{0.5: 3, 1.5: 4})))

	readyTx, readyRx := syncx.NewChannel[string](1)
	neverTx, neverRx := syncx.NewChannel[int](1)
	h := rt.Spawn(WaitInAsync(readyTx, neverRx))
	where, _ := readyRx.Recv()
	fmt.Println("task is", where)
	h.Abort()
	_, err := h.Join()
	var je *rt.JoinError
	fmt.Println("cancelled", errors.As(err, &je) && je.IsCancelled())
	h = rt.Spawn(WaitNestedAsync(readyTx, neverRx))
	where, _ = readyRx.Recv()
	fmt.Println("task is", where)
	h.Abort()
	_, err = h.Join()
	fmt.Println("cancelled", errors.As(err, &je) && je.IsCancelled())
	_ = neverTx
}
