// Regression: user names that collide with the generated code's names:
// locals named like the future's methods (Poll, Cancel, Trace), a parameter named
// like the future type, locals and package-level names equal to packages the
// generated file imports (utf8, reflect, rt), and a name reached through a
// dot import, and a type switch symbol named like the future's receiver
// inside a range-over-func body, where the body's code reads the future's
// fields (seed 5034 of the random programs).
package main

import (
	"fmt"
	. "strings"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

// utf8 is a package-level name equal to a package the generated code imports.
var utf8 = "not the package"

//async:func
func Work(workFuture int) int {
	rt.YieldNow()
	return workFuture * 2
}

//async:func
func Main() {
	Poll, Cancel, Trace := 1, 2, 3
	rt.YieldNow()
	fmt.Println(Poll, Cancel, Trace)
	reflect := "r"
	iter := "i"
	for i, r := range "añb" { // range over a string uses unicode/utf8
		rt.YieldNow()
		fmt.Println(i, r, reflect, iter)
	}
	for k, v := range map[string]int{"k": 1} { // range over a map uses reflect
		rt.YieldNow()
		fmt.Println(k, v)
	}
	fmt.Println(ToUpper("dot"), Work(3), utf8)
	s := ToUpper("x")
	rt.YieldNow()
	fmt.Println(s, Repeat(s, Work(1)))
	total := 0
	for v := range seq2 {
		rt.YieldNow()
		switch fut := any(v).(type) {
		case int:
			total += fut
			fmt.Println("fut", fut, total)
		}
	}
	fmt.Println(total)
}

func seq2(yield func(int) bool) {
	for i := range 2 {
		if !yield(i + 1) {
			return
		}
	}
}
