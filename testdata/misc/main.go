package main

import (
	"fmt"
	"sort"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

// V suspends with rt.Await, which panics in direct mode on a runtime thread:
// a call of V that the generator failed to lower shows as a panic.
//
//async:func
func V(n int) int {
	rt.Await(rt.YieldNowAsync())
	return n
}

type C struct{ N int }

//async:func
func (c *C) Add(n int) int {
	rt.Await(rt.YieldNowAsync())
	c.N += n
	return c.N
}

type W struct {
	*C
	Name string
}

//async:func
func Main() {
	// closure capturing a variable declared in a switch case clause
	var fs []func() int
	for i := 0; i < 3; i++ {
		switch i % 2 {
		case 0:
			x := i * 10
			fs = append(fs, func() int { return x })
			V(0)
			x++
		default:
			y := i
			V(0)
			fs = append(fs, func() int { return -y })
		}
	}
	fmt.Print("switch clause vars")
	for _, f := range fs {
		fmt.Print(" ", f())
	}
	fmt.Println()

	// closure capturing an if-init variable across a suspension
	fs = nil
	for i := 0; i < 2; i++ {
		if z := i + 100; z > 0 {
			fs = append(fs, func() int { return z })
			V(0)
			z += 1000
		}
	}
	fmt.Println("if init vars", fs[0](), fs[1]())

	// closure capturing map range vars
	fs = nil
	for k, v := range map[int]int{1: 10, 2: 20, 3: 30} {
		V(0)
		fs = append(fs, func() int { return k*1000 + v })
	}
	var got []int
	for _, f := range fs {
		got = append(got, f())
	}
	sort.Ints(got)
	fmt.Println("map range closures", got)

	// suspension in the arguments of an immediately invoked func literal
	r := func(a, b int) int { return a - b }(V(10), V(3))
	fmt.Println("iife args", r)

	// parenthesized callee
	fmt.Println("paren callee", (V)(5))

	// promoted method through an embedded pointer
	w := W{C: &C{N: 1}}
	fmt.Println("embedded ptr", w.Add(2), w.N)

	// labeled continue with captured loop var
	fs = nil
outer:
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			if j > i {
				fs = append(fs, func() int { return i*10 + j })
				V(0)
				continue outer
			}
		}
	}
	fmt.Print("labeled capture")
	for _, f := range fs {
		fmt.Print(" ", f())
	}
	fmt.Println()

	// async call as a map key and in a slice-of-maps index on the left
	ms := []map[string]int{{}, {}}
	ms[V(1)][fmt.Sprint(V(7))] = V(9)
	fmt.Println("lhs nested index", ms)
}
