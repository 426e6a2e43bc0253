package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

//async:func
func V(n int) int {
	rt.YieldNow()
	return n
}

//async:func
func Apply(f func(int) int, n int) int {
	rt.YieldNow()
	return f(n)
}

//async:func
func MakeCounter() (func() int, func() int) {
	n := 0
	inc := func() int { n++; return n }
	rt.YieldNow()
	get := func() int { return n }
	n = 10
	return inc, get
}

type T struct{ A, B int }

//async:func
func Main() {
	// closure captures a variable that changes across a suspension
	x := 1
	f := func() int { return x * 100 }
	x = V(2)
	fmt.Println("captured after", f(), x)

	// closure mutates captured variable; async function sees it after suspension
	y := 0
	g := func() { y += 5 }
	g()
	V(0)
	g()
	fmt.Println("mutated", y)

	// closure passed to async function
	k := 3
	fmt.Println("apply", Apply(func(n int) int { return n * k }, V(7)))
	k = 4
	fmt.Println("apply2", Apply(func(n int) int { k++; return n * k }, 2), k)

	// closures returned from an async function share state
	inc, get := MakeCounter()
	inc()
	inc()
	fmt.Println("counter", get())

	// captured struct and pointer
	t := T{1, 2}
	pt := &t
	h := func() { t.A = 100 }
	V(0)
	h()
	fmt.Println("struct", t, *pt)

	// pointer to a local taken before suspension, written after
	z := 5
	pz := &z
	V(0)
	*pz = 6
	fmt.Println("pointer", z)
	z = V(7)
	fmt.Println("pointer read", *pz)

	// closure with its own local, invoked across suspensions
	acc := func() func(int) int {
		sum := 0
		return func(d int) int { sum += d; return sum }
	}()
	for i := 0; i < 3; i++ {
		acc(V(i + 1))
	}
	fmt.Println("acc", acc(0))

	// immediately invoked closure in an expression with suspension around it
	r := V(1) + func() int { return x }() + V(10)
	fmt.Println("iife", r)

	// closure assigned to a variable declared earlier, recursion
	var fib func(int) int
	fib = func(n int) int {
		if n < 2 {
			return n
		}
		return fib(n-1) + fib(n-2)
	}
	fmt.Println("fib closure", fib(V(10)))

	// closure capturing a variable declared in a nested block that suspends
	var fs []func() int
	{
		w := V(8)
		fs = append(fs, func() int { return w })
		w = V(9)
	}
	fmt.Println("block", fs[0]())

	// capture of a parameter-like variable in a loop with suspension, shared by two closures
	set, read := func() (func(int), func() int) {
		var v int
		return func(n int) { v = n }, func() int { return v }
	}()
	set(V(11))
	fmt.Println("shared", read())

	// defer inside a func literal is plain Go
	func() {
		defer fmt.Println("deferred in literal")
		fmt.Println("in literal")
	}()

	// method value of a value type captured before modification
	t2 := T{A: 1}
	show := t2.Show
	t2.A = V(2)
	fmt.Println("method value", show(), t2.Show())
}

func (t T) Show() int { return t.A }
