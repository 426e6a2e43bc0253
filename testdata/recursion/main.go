package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

var calls int

//async:func
func Fib(n int) int {
	calls++
	if n < 2 {
		rt.YieldNow()
		return n
	}
	return Fib(n-1) + Fib(n-2)
}

//async:func
func IsEven(n int) bool {
	if n == 0 {
		return true
	}
	rt.YieldNow()
	return IsOdd(n - 1)
}

//async:func
func IsOdd(n int) bool {
	if n == 0 {
		return false
	}
	return IsEven(n - 1)
}

type Tree struct {
	L, R *Tree
	V    int
}

//async:func
func Walk(t *Tree, out *[]int) {
	if t == nil {
		return
	}
	Walk(t.L, out)
	rt.YieldNow()
	*out = append(*out, t.V)
	Walk(t.R, out)
}

//async:func
func Depth(t *Tree) int {
	if t == nil {
		return 0
	}
	return 1 + max(Depth(t.L), Depth(t.R))
}

//async:func
func Ackermann(m, n int) int {
	switch {
	case m == 0:
		return n + 1
	case n == 0:
		return Ackermann(m-1, 1)
	}
	return Ackermann(m-1, Ackermann(m, n-1))
}

//async:func
func Deep(n int) int {
	if n == 0 {
		rt.YieldNow()
		return 0
	}
	return Deep(n-1) + 1
}

// Cells keeps the address of each level's n: every level's n must be its
// own variable, never a field of a future that a later call reuses.
//
//async:func
func Cells(n int, ps *[]*int) int {
	if n == 0 {
		return 0
	}
	*ps = append(*ps, &n)
	rt.YieldNow()
	r := Cells(n-1, ps) + n
	n *= 10
	return r
}

//async:func
func Main() {
	for i := range 12 {
		fmt.Print(Fib(i), " ")
	}
	fmt.Println("calls", calls)
	fmt.Println("even", IsEven(10), IsEven(7), IsOdd(7))
	t := &Tree{V: 4, L: &Tree{V: 2, L: &Tree{V: 1}, R: &Tree{V: 3}}, R: &Tree{V: 6, R: &Tree{V: 7, R: &Tree{V: 8}}}}
	var out []int
	Walk(t, &out)
	fmt.Println("walk", out, "depth", Depth(t))
	fmt.Println("ackermann", Ackermann(2, 3))
	fmt.Println("deep", Deep(10000))
	for round := range 3 {
		var ps []*int
		sum := Cells(4+round, &ps)
		vals := []int{}
		for _, p := range ps {
			vals = append(vals, *p)
		}
		fmt.Println("cells", sum, vals, Fib(6+round), Deep(100*round))
	}
}
