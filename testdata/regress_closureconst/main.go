// Regression: an async closure that used a local constant of its enclosing
// function (found by the random programs, seed 82002) wrote the constant's
// name in its future's Poll, a method at package level where the constant
// is not in scope, and the generated code did not compile ("undefined: n").
// The closure's Poll now declares each such constant again, with its value
// (nested closures, iota and typed constants, a name that the closure
// shadows, a generic enclosing function included).
package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

type Dur int64

//async:func
func closureConst() int {
	const n = 4
	const (
		a Dur = iota * 10
		b
		s = "str"
	)
	fut := 1
	return rt.Await(rt.Async(func() int {
		defer func() { fmt.Println("deferred", n, b, s) }()
		rt.YieldNow()
		const fut2 = n + 1
		x := rt.Await(rt.Async(func() int {
			rt.YieldNow()
			return n * int(b) * fut2
		}))
		{
			const n = 100
			x += n
		}
		return n + x + fut + len(s)
	}))
}

//async:func
func Gen[T any](v T) string {
	const k = 3
	return rt.Await(rt.Async(func() string {
		rt.YieldNow()
		return fmt.Sprint(v, k)
	}))
}

//async:func
func Main() {
	fmt.Println(closureConst(), Gen(5))
}
