// Regression: a deferred call's argument or receiver that names a parameter
// or local never assigned after its declaration is read where the deferred
// call runs instead of being copied at the defer; the variable must then
// stay in the future (not cleared, moved out at its last use or shared)
// wherever the defer is pending: across suspension points, at return, under
// a panic. A variable assigned after the defer (wholly or in part) is still
// copied, and the deferred call sees the value it had at the defer.
package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

type conn struct {
	name string
	log  *[]string
}

func (c *conn) Close(why string) { *c.log = append(*c.log, c.name+" closed: "+why) }

type pair struct{ a, b int }

func (p pair) Show(tag string) { fmt.Println(tag, p.a, p.b) }

func finish(c *conn, n int, s string) { fmt.Println("finish", c.name, n, s) }

func consume(b []byte) int { return len(b) }

func showLen(tag string, b []byte) { fmt.Println(tag, b != nil, len(b), b[3]) }

// Params defers a call on parameters it never assigns, then suspends
// several times.
//
//async:func
func Params(c *conn, n int, s string) int {
	defer finish(c, n, s)
	defer c.Close(s)
	sum := 0
	for i := range 3 {
		rt.YieldNow()
		sum += n + i
	}
	rt.YieldNow()
	return sum
}

// Locals defers a call on locals declared once and never changed; buf's
// last use in the body comes before suspension points, where it would
// otherwise move out of the future.
//
//async:func
func Locals() string {
	buf := make([]byte, 10)
	buf[3] = 42 // a partial write before the defer: buf must be copied
	other := make([]byte, 12)
	defer showLen("locals other", other)
	p := pair{1, 2}
	defer p.Show("locals pair")
	defer func(n int) { fmt.Println("locals buf", n) }(len(buf))
	defer fmt.Println("locals buf again", buf != nil, len(buf))
	defer showLen("locals buf copied", buf)
	k := consume(buf) + consume(other) // other's last use in the body
	rt.YieldNow()
	rt.YieldNow()
	return fmt.Sprint("locals ", k)
}

// Reassigned defers calls on variables it changes afterwards: the deferred
// calls see the values at the defer.
//
//async:func
func Reassigned(n int, s string) {
	p := pair{3, 4}
	defer p.Show("reassigned pair")
	defer fmt.Println("reassigned", n, s)
	x := 10
	defer fmt.Println("reassigned x", x)
	rt.YieldNow()
	n = 99
	s += "!"
	p.a = 30
	rt.YieldNow()
	x++
	p = pair{5, 6}
	rt.YieldNow()
	fmt.Println("reassigned body", n, s, x, p.a, p.b)
}

// Panics defers on fixed variables, suspends, then panics; a deferred
// closure recovers.
//
//async:func
func Panics(c *conn, tag string) (res string) {
	defer func() {
		if r := recover(); r != nil {
			res = fmt.Sprint(tag, " recovered ", r)
		}
	}()
	defer c.Close(tag)
	defer finish(c, len(tag), tag)
	rt.YieldNow()
	rt.YieldNow()
	var m map[string]int
	m[tag] = 1
	return "unreached"
}

// Main runs them.
//
//async:func
func Main() {
	var log []string
	c := &conn{name: "c1", log: &log}
	fmt.Println("params", Params(c, 5, "bye"))
	fmt.Println(Locals())
	Reassigned(7, "hi")
	fmt.Println(Panics(&conn{name: "c2", log: &log}, "oops"))
	fmt.Println(log)
}
