// Regression: constructs from Go's test/fixedbugs that the generator got
// wrong: implicitly repeated const expressions that mention a shadowed
// outer constant, a generic function instantiated by assignment, the
// address of a local held across a suspension point (its own allocation,
// so runtime.SetFinalizer accepts it), unsafe.Pointer(uintptr) with a
// suspending later argument, a //line comment without a column, and a
// named-result return that assigns a result to itself.
package main

import (
	"fmt"
	"reflect"
	"runtime"
	"unsafe"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

const X = 3

func G[T any](x T) string { return fmt.Sprint("g", x) }

type S struct{ n int }

func deref(p unsafe.Pointer, n int) int { return *(*int)(p) + n }

//async:func
func Val(n int) int {
	rt.YieldNow()
	return n
}

//async:func
func Named() (c int, err error) {
	c = Val(4)
	return c, err
}

//async:func
func Point(s S) *S {
	p := &s // a parameter whose address is taken
	rt.YieldNow()
	p.n++
	return p
}

//async:func
func Main() {
	const (
		X = X + X // the outer X: 6
		Y         // X + X again, with the inner X: 12
		Z = iota * 1.5
		W
		R = 'r'
		Q = "q"
	)
	fmt.Println(X, Y, Z, W, R, Q)
	rt.YieldNow()
	var f func(int) string = G
	g := G[string]
	fmt.Println(f(Val(1)), g("x"))
	s := S{5}
	runtime.SetFinalizer(&s, func(*S) {})
	rt.YieldNow()
	runtime.SetFinalizer(&s, nil)
	s.n++
	fmt.Println(s.n, Point(s).n, s.n)
	xs := []int{42}
	v := reflect.ValueOf(xs)
	runtime.GC()
	fmt.Println(deref(unsafe.Pointer(v.Pointer()), Val(1)))
	fmt.Println(Named())
//line fixed.go:100
	fmt.Println(Val(7))
}
