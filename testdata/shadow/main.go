package main

import (
	"errors"
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

//async:func
func V(n int) int {
	fmt.Println("  V", n)
	rt.YieldNow()
	return n
}

//async:func
func Get(n int) (int, error) {
	rt.YieldNow()
	if n < 0 {
		return 0, errors.New("negative")
	}
	return n * 2, nil
}

type S struct {
	A int
	B []int
}

//async:func
func Main() {
	// if / else-if chain with suspending inits
	for _, n := range []int{-1, 0, 1, 5} {
		if a := V(n); a < 0 {
			fmt.Println("neg", a)
		} else if b := V(a * 10); b == 0 {
			fmt.Println("zero", a, b)
		} else if c := V(b + 1); c < 20 {
			fmt.Println("small", a, b, c)
		} else {
			fmt.Println("big", a, b, c)
		}
	}

	// shadowing in if init
	x := 1
	if x := V(5); x > 0 {
		fmt.Println("inner x", x)
		x := x * 2
		V(0)
		fmt.Println("inner inner x", x)
	}
	fmt.Println("outer x", x)

	// err shadowing idiom
	var err error
	if v, err := Get(-1); err != nil {
		fmt.Println("if err", v, err)
	}
	fmt.Println("outer err", err)
	v, err := Get(3)
	fmt.Println("get", v, err)
	if v, err := Get(4); err == nil {
		v++
		fmt.Println("inner v", v)
	}
	fmt.Println("outer v", v)

	// block-scoped redeclarations in loops
	y := 100
	for i := 0; i < 3; i++ {
		y := y + i
		V(i)
		{
			y := y * 2
			V(y)
			fmt.Println("block y", y)
		}
		fmt.Println("loop y", y)
	}
	fmt.Println("final y", y)

	// var x int re-zeroed each iteration across a suspension
	for i := 0; i < 3; i++ {
		var z int
		var s S
		var p *int
		var sl []int
		fmt.Println("zeroed", z, s.A, len(s.B), p == nil, sl == nil)
		z += i + 1
		s.A = i + 1
		s.B = append(s.B, i)
		sl = append(sl, i)
		p = &z
		V(i)
		fmt.Println("set", z, s, *p, sl)
	}

	// var with zero value after a suspension, in while loop
	n := 0
	for n < 3 {
		var acc int
		acc += V(n)
		acc += n
		fmt.Println("acc", acc)
		n++
	}

	// shadowed variable, outer one used after inner suspends
	a := V(1)
	{
		a := V(2)
		a++
		V(a)
	}
	fmt.Println("a", a)

	// redeclare in := with one new var
	b, c := V(1), V(2)
	b, d := V(3), V(4)
	fmt.Println("bcd", b, c, d)

	// shadow a parameter-like name in nested function scope within the same Main
	for i := 0; i < 2; i++ {
		i := i * 10
		V(i)
		fmt.Println("i shadow", i)
	}

	// if with init but no suspension in cond, suspension in branches
	if q := 3; q > 2 {
		q = V(q + 1)
		fmt.Println("q", q)
	} else {
		fmt.Println("never")
	}

	// else-if where only the else branch suspends
	k := 2
	if k == 0 {
		fmt.Println("k0")
	} else if k == 1 {
		fmt.Println("k1")
	} else {
		V(k)
		fmt.Println("kelse")
	}

	// var declarations with multiple names and init from async
	var m, o = V(7), V(8)
	var (
		pp int
		qq = V(9)
	)
	fmt.Println("vars", m, o, pp, qq)

	// shadowing a package-level name
	fmt := V(42)
	_ = fmt
	println2(fmt)
}

func println2(v int) { fmt.Println("shadowed fmt", v) }
