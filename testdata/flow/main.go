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

// NamedCapture: a closure captures the named result; "return 5, get" must
// assign r = 5 before the function returns, so get() sees 5.
//
//async:func
func NamedCapture() (r int, get func() int) {
	get = func() int { return r }
	r = 1
	rt.YieldNow()
	r = 2
	return 5, get
}

//async:func
func NamedPtr() (r int, p *int) {
	p = &r
	rt.YieldNow()
	return V(7), p
}

//async:func
func NamedBare() (r int, get func() int) {
	get = func() int { return r * 10 }
	r = V(3)
	return
}

//async:func
func EndsInLoop(n int) int {
	for i := 0; ; i++ {
		if V(i) == n {
			return i * 2
		}
	}
}

//async:func
func EndsInPanic(n int) int {
	if V(n) <= 0 {
		panic("non-positive")
	}
	return n
}

//async:func
func EndsInSwitch(n int) string {
	switch V(n) {
	case 0:
		return "zero"
	case 1:
		rt.YieldNow()
		return "one"
	default:
		return "many"
	}
}

//async:func
func EndsInIfElse(n int) string {
	if V(n)%2 == 0 {
		return "even"
	} else {
		rt.YieldNow()
		return "odd"
	}
}

//async:func
func ReturnInNested(limit int) (found int, steps int) {
	for i := 0; i < 5; i++ {
		switch {
		case i%2 == 0:
			for j := 0; j < 5; j++ {
				steps++
				if V(i*j) >= limit {
					found = i*10 + j
					return
				}
			}
		}
	}
	return -1, steps
}

//async:func
func Main() {
	r, get := NamedCapture()
	fmt.Println("named capture", r, get())
	r2, p := NamedPtr()
	fmt.Println("named ptr", r2, *p)
	r3, get3 := NamedBare()
	fmt.Println("named bare", r3, get3())

	fmt.Println("ends in loop", EndsInLoop(3))
	fmt.Println("ends in panic", EndsInPanic(4))
	fmt.Println("ends in switch", EndsInSwitch(0), EndsInSwitch(1), EndsInSwitch(9))
	fmt.Println("ends in ifelse", EndsInIfElse(2), EndsInIfElse(3))
	f, s := ReturnInNested(6)
	fmt.Println("return nested", f, s)
	f, s = ReturnInNested(100)
	fmt.Println("return nested none", f, s)

	// pointer to the first iteration's variable, taken in the body
	var pi *int
	for i := 0; i < 3; i++ {
		if pi == nil {
			pi = &i
		}
		V(0)
		fmt.Println("first iter ptr", *pi, i)
	}

	// range over int: modifying i in the body does not change the iteration count
	var ps []*int
	for i := range 3 {
		ps = append(ps, &i)
		V(0)
		i += 10
	}
	fmt.Print("range int modify")
	for _, p := range ps {
		fmt.Print(" ", *p)
	}
	fmt.Println()

	// range over slice: modifying the key does not change the iteration
	for i, v := range []string{"a", "b", "c"} {
		i = V(i * 100)
		fmt.Println("range key modify", i, v)
	}

	// suspension in the for init
	for i := V(2); i < 4; i++ {
		fmt.Println("init", i)
	}

	// if with multi-result init
	if a, b := NamedPtr(); a == *b {
		fmt.Println("if multi init", a)
	}

	// nested && inside call arguments
	fmt.Println("and in args", both(V(1) > 0 && V(2) > 5, V(3) == 3 || V(4) == 4))

	// an empty for body with suspending post and cond
	n := 0
	for ; V(n) < 3; n = V(n + 1) {
	}
	fmt.Println("empty body", n)

	// a labeled empty statement and a plain block
	{
	}
	fmt.Println("done")
}

func both(a, b bool) string { return fmt.Sprint(a, b) }
