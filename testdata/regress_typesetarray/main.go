package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

// A's type parameter has arrays and slices in its type set and no core type,
// so &a.val[i] takes the address of a itself when T is the array (Go's
// test/typeparam/issue49659b.go made async): the generated code moved a out
// of the future at that last use and did not compile.
type A[T interface{ []int | [5]int }] struct {
	val T
}

//async:func
func (a A[T]) F(i int) *int {
	rt.YieldNow()
	fmt.Println(a.val[i])
	p := &a.val[i]
	rt.YieldNow()
	*p += 10
	return p
}

//async:func
func G[T interface{ ~[]int | ~[3]int }](x T) T {
	rt.YieldNow()
	p := &x[1]
	rt.YieldNow()
	*p = 7
	return x
}

type arr3 [3]int

//async:func
func Main() {
	x := A[[]int]{make([]int, 4)}
	p := x.F(3)
	fmt.Println(*p, x.val)
	y := A[[5]int]{}
	q := y.F(2)
	fmt.Println(*q, y.val)
	fmt.Println(G([]int{1, 2, 3}), G(arr3{1, 2, 3}), G([3]int{4, 5, 6}))
}
