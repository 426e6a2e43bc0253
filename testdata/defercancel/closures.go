// Deferred func literals that become methods of the future (no closure, no
// cells): they capture by reference, see later changes, change named
// results after return, recover, and run at cancellation; defers in loops
// and behind a backward goto keep a closure per defer. main.go's matrix
// stops each at every suspension point.
package main

import (
	"fmt"
	"iter"
	"runtime"

	"github.com/corio-go/corio/rt"
)

func logv(args ...any) { fmt.Println(append([]any{"  "}, args...)...) }

//async:func
func V[T any](x T) T {
	Point()
	return x
}

// Three deferred closures that see later changes of what they capture and
// change the named result after return assigned it.
//
//async:func
func Three(n int) (out int, tag string) {
	a, b := 1, "b"
	defer func() { logv("third sees a", a, "b", b, "out", out); out *= 2 }()
	defer func() { tag += "+" + b; a++ }()
	defer func() { logv("first sees a", a, "tag", tag); out += a }()
	for i := range n {
		a += V(i)
	}
	b = "changed"
	return a, "t"
}

// Params, results and a local named like the generator's names.
//
//async:func
func Params(s string) (r string) {
	defer func(x int, y string) string {
		fut, state := x, y // names the generated code uses elsewhere
		r = fmt.Sprint(r, "/", fut, state, s)
		return r
	}(V(len(s)), s)
	s = "late"
	r = V("early")
	return
}

// A child's panic, suspended and resumed, recovered by a deferred closure
// that changes the named result; another defer sees the change.
//
//async:func
func Boom(n int) int {
	Point()
	if n > 1 {
		panic(fmt.Sprint("boom ", n))
	}
	return n
}

//async:func
func Recovers(n int) (res int, err error) {
	note := "none"
	defer func() { logv("after recover: res", res, "err", err, "note", note) }()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("recovered %v", r)
			res = -n
			note = "recovered"
		}
	}()
	res = V(n) + Boom(n)
	return res, nil
}

// A deferred closure that does not recover lets the panic go on.
//
//async:func
func NoRecover() {
	x := 1
	defer func() { logv("no recover, x", x) }()
	x = V(2)
	panic("escapes")
}

// Variables of a block that ended before others were declared: the
// deferred closure still reads its own.
//
//async:func
func Scopes() {
	{
		y := V(10)
		defer func() { logv("block y", y) }()
		y++
	}
	{
		z := V(20)
		logv("z", z)
		w := "w"
		defer func() { logv("second block", w, z) }()
		z, w = V(21), "ww"
	}
	q := V(30)
	logv("q", q)
}

// A deferred closure with a func literal of its own that captures, and one
// that takes an address.
//
//async:func
func Nested() (n int) {
	k := 3
	defer func() {
		f := func() { k++; n += k }
		f()
		p := &n
		*p *= 10
		logv("nested k", k, "n", n)
	}()
	k = V(4)
	return 1
}

// Defers in a loop make a closure each, with the iteration's variables; a
// deferred closure after the loop, and one behind a backward goto, too.
//
//async:func
func ClosureLoops(n int) (out []string) {
	defer func() { logv("loops out", out) }()
	const tag = "loop "
	for i := range n {
		j := i * 10
		defer func() { out = append(out, fmt.Sprint(tag, i, j)) }()
		j = V(j + 1)
	}
	for i := 0; i < n; i++ {
		if i == 1 {
			defer func() {
				add := func(s string) { out = append(out, s) }
				add(fmt.Sprint("once in a loop ", i))
			}()
			break
		}
		Point()
	}
	k := 0
back:
	if k < 2 {
		defer func() { out = append(out, fmt.Sprint("goto ", k)) }()
		k = V(k + 1)
		goto back
	}
	goto fwd
fwd:
	defer func() { out = append(out, fmt.Sprint("after forward goto ", k)) }()
	k = V(100)
	return out
}

// A generic function's deferred closures, one in a loop capturing a
// variable of a type parameter's type.
//
//async:func
func Generic[T any](x T, n int) (out []T) {
	defer func() { out = append(out, x) }()
	for range n {
		y := V(x)
		defer func() { out = append(out, y) }()
		out = append(out, y)
		var zero T
		y = zero
	}
	var zero T
	x = zero
	return out
}

// Deferred closures in the suspending body of a range over a function
// (the iterator on a coroutine), capturing the loop's variables.
//
//async:func
func RangeClosure(seq iter.Seq[int]) (out []int) {
	for x := range seq {
		y := V(x * 10)
		defer func() { out = append(out, x, y) }()
		y++
	}
	return out
}

// In an async closure, and in a switch case.
//
//async:func
func Closure(which int) (res string) {
	c := "c"
	r := rt.Await(rt.Async(func() (n int) {
		defer func() { n += len(c); c += "!" }()
		n = V(5)
		c = "cc"
		return n
	}))
	switch which {
	case 1:
		defer func() { res = fmt.Sprint(res, " case one ", c) }()
		c = V("changed")
	default:
		defer func() { res += " default" }()
	}
	return fmt.Sprint("closure ", r, " ", c)
}

// Goexit runs the deferred closures.
//
//async:func
func Exit() {
	s := "s"
	defer func() { logv("exit defer sees", s) }()
	s = V("t")
	runtime.Goexit()
}

// The innermost of the closures deferred in a loop recovers the panic, as
// the deferred call of that panic; the others then run without one.
//
//async:func
func LoopRecover(n int) (res string) {
	for i := range n {
		defer func() {
			if r := recover(); r != nil {
				res = fmt.Sprint("recovered ", r, " at ", i)
			} else {
				res += fmt.Sprint(", then ", i)
			}
		}()
		V(i)
	}
	panic("loop")
}

var stopIt = false // never set: MayNotRecover's deferred closure does not recover

// MayNotRecover's deferred closure may call recover (so Poll defers it
// itself) but does not: the panic goes on as it was.
//
//async:func
func MayNotRecover() {
	defer func() {
		if stopIt {
			recover()
		}
		fmt.Println("deferred closure did not recover")
	}()
	V(1)
	panic("escapes the program")
}

// RePanic: the innermost deferred closure recovers and panics again, the
// deferred call below it runs under the new panic, and the outermost
// closure recovers that one.
//
//async:func
func RePanic(n int) (res string) {
	defer func() {
		if r := recover(); r != nil {
			res = fmt.Sprint("outer recovered ", r)
		}
	}()
	defer logv("middle defer runs")
	defer func() {
		if r := recover(); r != nil {
			logv("inner recovered", r)
			panic(fmt.Sprint("re-", r))
		}
	}()
	if V(n) > 0 {
		panic("first")
	}
	return "no panic"
}
