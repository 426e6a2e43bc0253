// Ranges over a value whose type is a type parameter with a function core
// type (S ~func(yield func(E) bool)), with suspension points in the body:
// lowered as any range over a function (rt.PullRange), with break,
// return, panics and defers, in generic functions and a generic type's
// method.
package main

import (
	"fmt"
	"iter"
	"slices"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

//async:func
func V[T any](x T) T {
	rt.YieldNow()
	return x
}

// Sum: the form, no result names.
//
//async:func
func Sum[S ~func(yield func(int) bool)](s S) int {
	sum := 0
	for x := range s {
		sum += V(x)
	}
	return sum
}

// Each: a body that only suspends, no results.
//
//async:func
func Each[S ~func(yield func(int) bool)](s S) {
	for x := range s {
		fmt.Println("each", V(x))
	}
}

// Pairs: two values of type parameters, a break and a deferred closure.
//
//async:func
func Pairs[K comparable, E any, S interface{ ~func(func(K, E) bool) }](s S, stop K) (out []string) {
	defer func() { out = append(out, "done") }()
	for k, v := range s {
		if k == stop {
			break
		}
		out = append(out, fmt.Sprint(V(k), "=", v))
	}
	return out
}

// Times: no loop variables, a return out of the body.
//
//async:func
func Times[S ~func(func() bool)](s S) (n int) {
	for range s {
		n = V(n + 1)
		if n == 3 {
			return n * 10
		}
	}
	return n
}

// Collect: the element type a type parameter too.
//
//async:func
func Collect[E any, S ~func(func(E) bool)](s S) (out []E) {
	for x := range s {
		rt.YieldNow()
		out = append(out, x)
	}
	return out
}

// Panics: a panic out of the body stops the iterator (its defer runs)
// and is recovered by the function's deferred closure.
//
//async:func
func Panics[S ~func(func(int) bool)](s S) (res string) {
	defer func() { res = fmt.Sprint("recovered ", recover()) }()
	for x := range s {
		if V(x) == 2 {
			panic(fmt.Sprint("at ", x))
		}
	}
	return "no panic"
}

// Box: a generic type's method ranging over its field.
type Box[S ~func(func(int) bool)] struct{ s S }

//async:func
func (b *Box[S]) Total() (n int) {
	for x := range b.s {
		n += V(x)
	}
	return n
}

type Seq iter.Seq[string]

func count(n int) func(func(int) bool) {
	return func(yield func(int) bool) {
		defer fmt.Println("count stops")
		for i := range n {
			if !yield(i) {
				return
			}
		}
	}
}

func times(n int) func(func() bool) {
	return func(yield func() bool) {
		for range n {
			if !yield() {
				fmt.Println("times stopped")
				return
			}
		}
	}
}

//async:func
func Main() {
	fmt.Println("sum", Sum(count(4)))
	Each(count(2))
	fmt.Println(Pairs(slices.All([]string{"x", "y", "z"}), 2))
	fmt.Println(Pairs(slices.All([]int{7, 8}), -1))
	fmt.Println(Times(times(5)), Times(times(2)))
	fmt.Println(Collect(Seq(slices.Values([]string{"p", "q"}))), len(Collect(Seq(slices.Values([]string(nil))))))
	fmt.Println(Panics(count(5)))
	b := &Box[func(func(int) bool)]{s: count(3)}
	fmt.Println("box", b.Total())
}

func main() {
	difftest.Main(Main, func() { rt.Run(MainAsync()) })
}
