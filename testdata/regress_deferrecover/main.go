// Regression: a deferred func literal that defers recover itself (defer
// recover(), which stops the panic when the literal returns) was deferred
// by Poll with its recover evaluated at the defer statement: the panic
// stopped, but unwind did not see it, and Poll returned "pending" with
// nothing to wake the task, which hung (Go's recover1.go, test5 to test7).
// Such a literal now runs as the deferred call of the panic raised again.
// And a deferred literal that recovers and takes a constant argument was
// deferred by Poll without it, which did not compile (Go's recover.go).
package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

func mustNotRecover(tag string) {
	if v := recover(); v != nil {
		fmt.Println(tag, "spurious recover", v)
	}
}

func mustRecover(tag string, x any) {
	v := recover()
	if v != x {
		fmt.Println(tag, "recovered", v, "want", x)
		return
	}
	fmt.Println(tag, "recovered", v)
}

// Single panic, recover called via defer: it stops the panic.
//
//async:func
func single() (r int) {
	defer mustNotRecover("single")
	defer func() {
		defer recover()
		r = 7
	}()
	rt.YieldNow()
	panic(5)
}

// The literal panics again: its defer recover() runs under that panic,
// where it is a no-op, and mustRecover, deferred before it, stops it.
//
//async:func
func nested() {
	defer mustRecover("nested", 2)
	defer func() {
		defer mustRecover("inner", 3)
		defer recover()
		panic(3)
	}()
	rt.YieldNow()
	panic(2)
}

// A literal that recovers directly and one that defers recover, both
// deferred: the first to run (the latter) stops the panic.
//
//async:func
func both() (s string) {
	defer func() {
		if v := recover(); v != nil {
			s = fmt.Sprint("direct ", v)
		}
	}()
	defer func() {
		defer recover()
		s = "deferred"
	}()
	rt.YieldNow()
	panic("x")
}

// A literal that recovers, with a constant argument.
//
//async:func
func constArg() (s string) {
	defer func(x any) {
		if v := recover(); v == x {
			s = fmt.Sprint("recovered ", v)
		}
	}(1)
	rt.YieldNow()
	panic(1)
}

//async:func
func Main() {
	fmt.Println("single", single())
	nested()
	fmt.Println("nested returned")
	fmt.Println("both", both())
	fmt.Println("const", constArg())
}
