package main

// Generics in the random programs (random_gen_test.go): generic async
// helpers every batch declares, and the expressions that call them. A seed
// function may itself be generic (rfunc.generic): it then has a type
// parameter I ~int, holds an I across its suspension points and logs it at
// each return, and its callers instantiate it explicitly (F[int]).

import "fmt"

// randGenericHelpers are the generic helpers of randHelpers' file.
const randGenericHelpers = `
// GA is a generic suspension point: it logs before and after yielding.
//
//async:func
func GA[T any](tag string, v T) T {
	logf("GA%s(%v)", tag, v)
	rt.YieldNow()
	logf("GA%s'", tag)
	return v
}

// GNum recurses through itself, depth times, over a type set.
//
//async:func
func GNum[N ~int | ~int64](tag string, n N, depth int) N {
	if depth > 0 {
		rt.YieldNow()
		return GNum(tag, n+1, depth-1) - 1
	}
	logf("GN%s(%v)", tag, n)
	return n
}

// GPair has two type parameters and two results; it awaits GA.
//
//async:func
func GPair[K comparable, V any](tag string, k K, v V) (K, V) {
	return GA(tag, k), v
}

// Cell is a generic type with an async method.
type Cell[T any] struct{ v T }

// Swap stores v and returns the old value, suspending in between.
//
//async:func
func (c *Cell[T]) Swap(tag string, v T) T {
	logf("CS%s(%v,%v)", tag, c.v, v)
	rt.YieldNow()
	old := c.v
	c.v = v
	return old
}

// gcell is the Cell the programs swap.
var gcell Cell[int]

// GIdx indexes a value whose type set holds a slice and an array (no core
// type), through a pointer to the element kept across its suspension: the
// caller's slice changes, an array argument (a copy) does not.
//
//async:func
func GIdx[S interface{ []int | [3]int }](tag string, s S, i int) int {
	logf("GX%s(%v,%d)", tag, s, i)
	p := &s[((i%3)+3)%3]
	rt.YieldNow()
	*p += 1
	return s[((i%3)+3)%3]
}
`

// suspInt is an int expression whose outermost call suspends: A, or one of
// the generic helpers, instantiated by inference or explicitly.
func (g *rgen) suspInt(d int) string {
	tag, e := g.newTag(), g.intExpr(d-1, false)
	switch g.pick(8, 2, 1, 1, 1, 1, 1, 1) {
	case 1:
		return fmt.Sprintf("GA(%s, %s)", tag, e)
	case 2:
		return fmt.Sprintf("GA[int](%s, %s)", tag, e)
	case 3:
		return fmt.Sprintf("GNum(%s, %s, %d)", tag, e, g.n(3))
	case 4:
		return fmt.Sprintf("int(GNum[int64](%s, int64(%s), %d))", tag, e, g.n(3))
	case 5:
		return fmt.Sprintf("Fst(GPair(%s, %s, true))", tag, e)
	case 6:
		return fmt.Sprintf("gcell.Swap(%s, %s)", tag, e)
	case 7:
		if v := g.oneOf(g.visibleWhere(isSlice)); v != nil {
			return fmt.Sprintf("GIdx(%s, %s, %s)", tag, v.name, e)
		}
	}
	return fmt.Sprintf("A(%s, %s)", tag, e)
}

// call is how callers name f: generic functions with their type argument.
func (f rfunc) call() string {
	if f.generic {
		return f.name + "[int]"
	}
	return f.name
}
