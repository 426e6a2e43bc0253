// Regression: a function with unnamed results and a pending defer that
// cannot recover keeps its result in a local of Poll while the defers run;
// that local must have the result's type, not the type := would give an
// untyped constant or nil (return nil for an error did not compile, and
// return 1 for an int64 or a named type did not either: Go's
// fixedbugs/issue33555.go).
package main

import (
	"errors"
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

type celsius float64

type code uint8

func note(s string) { fmt.Println("defer", s) }

//async:func
func Err(fail bool) error {
	defer note("err")
	rt.YieldNow()
	if fail {
		return errors.New("failed")
	}
	return nil
}

//async:func
func Wide() int64 {
	defer note("wide")
	rt.YieldNow()
	return 1 << 40
}

//async:func
func Temp() celsius {
	defer note("temp")
	rt.YieldNow()
	return 36.6
}

//async:func
func Code() code {
	defer note("code")
	rt.YieldNow()
	return 'A'
}

//async:func
func Ptr() *int {
	defer note("ptr")
	rt.YieldNow()
	return nil
}

//async:func
func Slice() []string {
	defer note("slice")
	rt.YieldNow()
	return nil
}

//async:func
func Any() any {
	defer note("any")
	rt.YieldNow()
	return 7
}

//async:func
func Main() {
	fmt.Println(Err(false), Err(true))
	w := Wide()
	fmt.Printf("%T %v\n", w, w)
	t := Temp()
	fmt.Printf("%T %v\n", t, t)
	c := Code()
	fmt.Printf("%T %v\n", c, c)
	fmt.Println(Ptr() == nil, Slice() == nil)
	a := Any()
	fmt.Printf("%T %v\n", a, a)
}
