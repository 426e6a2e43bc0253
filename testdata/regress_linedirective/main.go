// Regression: a line directive inside a statement (fixedbugs/issue29504
// puts one just before the '[' of an index) keeps its effect when asyncgen
// reprints the statement: the bounds check fails at the directive's line,
// in a func literal and in the async function's own statements alike. A
// //line directive's file name stays as the source wrote it (absolute, or
// empty), so runtime.Caller reports it unchanged.
package main

import (
	"fmt"
	"runtime"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() {
	difftest.Main(func() {
		Main()
		panicLine("index in an async body", Direct)
	}, func() {
		rt.Run(MainAsync())
		panicLine("index in an async body", func() { rt.Run(DirectAsync()) })
	})
}

var i = 9
var sink int
var sinkS []int

func boom(n int) int {
	if n > 0 {
		panic("boom")
	}
	return n
}

// panicLine runs f, which must panic, and reports whether a frame of the
// panic's traceback is at the marker line.
func panicLine(name string, f func()) {
	defer func() {
		if recover() == nil {
			fmt.Println(name, "did not panic")
			return
		}
		var pcs [16]uintptr
		n := runtime.Callers(1, pcs[:])
		frames := runtime.CallersFrames(pcs[:n])
		found := false
		for {
			fr, more := frames.Next()
			found = found || fr.Line == 999999
			if !more {
				break
			}
		}
		fmt.Println(name, "marker line found:", found)
	}()
	f()
}

//async:func
func Check(name string, f func()) {
	rt.YieldNow()
	panicLine(name, f)
}

//async:func
func Main() {
	Check("index in a literal", func() {
		var a [1]int
		sink = a /*line :999999:1*/ [ /*line :100:1*/ i]
	})
	rt.YieldNow()
	Check("slice in a literal", func() {
		var a []int
		sinkS = a /*line :999999:1*/ [: /*line :200:1*/ i]
	})
	var a [3]int
	rt.YieldNow()
	panicLine("no directive", func() { sink = a[i] })
	Where()
}

// Direct indexes out of range in a statement of its own body.
//
//async:func
func Direct() {
	var b [2]int
	rt.YieldNow()
	sink = b /*line :999999:1*/ [ /*line :300:1*/ i]
}

// Where prints runtime.Caller's file and line under //line directives; it
// comes last, as the directives rename the rest of the file.
//
//async:func
func Where() {
	rt.YieldNow()
//line /foo/bar.go:123
	_, file, line, _ := runtime.Caller(0)
	fmt.Println(file, line)
//line :1
	_, file, line, _ = runtime.Caller(0)
	fmt.Println(file, line)
}
