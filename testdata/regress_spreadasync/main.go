// Regression: a multi-valued async call as the whole argument list of an
// async call, f(g()): functions, variadic functions, methods, return f(g()),
// and a plain multi-valued function taking an async call's results.
package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

var trace []string

//async:func
func Pair(tag string) (int, string) {
	trace = append(trace, "pair "+tag)
	rt.YieldNow()
	return len(tag), tag
}

//async:func
func Take(a int, b string) string {
	rt.YieldNow()
	return fmt.Sprint(a, ":", b)
}

//async:func
func TakeV(xs ...any) int {
	rt.YieldNow()
	return len(xs)
}

//async:func
func Swap(a int, b string) (string, int) {
	rt.YieldNow()
	return b, a
}

type T struct{ name string }

//async:func
func (t *T) Take(a int, b string) string {
	rt.YieldNow()
	return t.name + b
}

//async:func
func Both(tag string) (string, int) { return Swap(Pair(tag)) }

func plainTake(a int, b string) (int, string) { return a * 10, b + "!" }

//async:func
func Main() {
	fmt.Println(Take(Pair("abc")))
	fmt.Println(TakeV(Pair("de")))
	t := &T{name: "t-"}
	fmt.Println(t.Take(Pair("f")))
	fmt.Println(Both("ghij"))
	a, b := Swap(Pair("k"))
	fmt.Println(a, b)
	fmt.Println(plainTake(Pair("lm")))
	x, y := plainTake(Pair("n"))
	fmt.Println(x, y, Take(plainTake(3, "o")))
	fmt.Println(Take(Pair("p")) + Take(Pair("q")))
	fmt.Println(trace)
}
