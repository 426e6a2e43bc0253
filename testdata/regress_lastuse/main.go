// Regression: a field's last use moves its value out of the future. A large
// buffer held across a suspension point and then passed, for the last time,
// to a plain function that collects garbage before it returns must not stay
// reachable from the future during that call, as it would not from a
// goroutine's stack (Go's test/fixedbugs/issue32477 is this case with a
// finalizer). Clearing the field at the next suspension point is too late.
package main

import (
	"fmt"
	"runtime"
	"weak"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

// collect drops its reference to b's array and reports whether the array
// is collected while the caller still runs.
func collect(b []byte, w weak.Pointer[byte]) string {
	first := b[1]
	b = nil
	collected := false
	for i := 0; i < 20 && !collected; i++ {
		runtime.GC()
		collected = w.Value() == nil
	}
	return fmt.Sprint(first, " collected during the call: ", collected)
}

// Assign's last use of buf is in the right side of an assignment.
//
//async:func
func Assign() string {
	buf := make([]byte, 64<<20)
	buf[1] = 7
	w := weak.Make(&buf[0])
	rt.YieldNow() // buf is live here: a field
	s := collect(buf, w)
	rt.YieldNow()
	return "assign: " + s
}

// Stmt's last use of buf is an expression statement.
//
//async:func
func Stmt() {
	buf := make([]byte, 32<<20)
	buf[1] = 8
	w := weak.Make(&buf[0])
	rt.YieldNow()
	fmt.Println("stmt:", collect(buf, w))
	rt.YieldNow()
}

// Reused's buf is used again after the call: it must stay.
//
//async:func
func Reused() string {
	buf := make([]byte, 1<<20)
	buf[1] = 9
	w := weak.Make(&buf[0])
	rt.YieldNow()
	s := collect(buf, w)
	rt.YieldNow()
	return fmt.Sprint("reused: ", s, " ", buf[1])
}

// Cond's last use of buf is the right operand of an && that does not run:
// that read cannot move the value out, and the field is cleared at the next
// suspension point instead.
//
//async:func
func Cond(skip bool) string {
	buf := make([]byte, 64<<20)
	buf[1] = 5
	w := weak.Make(&buf[0])
	rt.YieldNow()
	ok := !skip && len(buf) > 0
	collected := false
	for i := 0; i < 20 && !collected; i++ {
		rt.YieldNow() // buf is dead here
		runtime.GC()
		collected = w.Value() == nil
	}
	return fmt.Sprint("cond: ", ok, " collected while suspended: ", collected)
}

//async:func
func Main() {
	fmt.Println(Assign())
	Stmt()
	fmt.Println(Reused())
	fmt.Println(Cond(true))
}
