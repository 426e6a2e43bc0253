// Regression: a /*line*/ directive in the middle of a statement, before a
// token that is not the start of an expression ('/', '+', ':' of a key, '='
// of an assignment in a func literal, 'if' after else), keeps its effect when asyncgen reprints
// the statement: the division panics, and the calls report their caller,
// at the lines the directives name, in a func literal and in the async
// function's own statements alike.
package main

import (
	"fmt"
	"runtime"
	"strings"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

var zero int

// lineOf is the line its caller calls it from.
func lineOf() int {
	_, _, line, _ := runtime.Caller(1)
	return line
}

// panicLine runs f and prints the line at which it panics.
func panicLine(name string, f func()) {
	defer func() {
		if recover() == nil {
			fmt.Println(name, "did not panic")
			return
		}
		fmt.Println(name, "panics at line", userLine())
	}()
	f()
}

// userLine is the line of the innermost frame outside the runtime and
// panicLine.
func userLine() int {
	pcs := make([]uintptr, 16)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs)])
	for fr, more := frames.Next(); more; fr, more = frames.Next() {
		if !strings.HasPrefix(fr.Function, "runtime.") && !strings.Contains(fr.Function, "panicLine") {
			return fr.Line
		}
	}
	return 0
}

//async:func
func Main() {
	x := 7
	rt.YieldNow()
	panicLine("division in a literal", func() {
		fmt.Println(x /*line :400:1*/ / zero)
	})
	rt.YieldNow()
	n := 1 /*line :500:1*/ + lineOf()
	m := map[string]int{"a" /*line :600:1*/ : lineOf()}
	fmt.Println(n, m)
	rt.YieldNow()
	f := func() int {
		var v int
		v /*line :700:1*/ = lineOf()
		return v + x /*line :800:1*/ + lineOf()
	}
	fmt.Println(f())
	if x > 100 {
		fmt.Println("big")
	} else /*line :900:1*/ if lineOf() > 0 {
		fmt.Println("else if at", lineOf())
	}
}
