package main

import (
	"fmt"
	"strings"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

var log []string

func logf(format string, args ...any) { log = append(log, fmt.Sprintf(format, args...)) }

func flush(label string) {
	fmt.Println(label+":", strings.Join(log, " "))
	log = nil
}

type C struct{ N int }

// Add suspends through rt.Await, which panics in direct mode on a runtime
// thread, so a call of Add left unlowered in MainAsync shows.
//
//async:func
func (c *C) Add(n int) int {
	rt.Await(rt.YieldNowAsync())
	c.N += n
	return c.N
}

type V struct{ S string }

//async:func
func (v V) Twice(sep string) (string, int) {
	rt.Await(rt.YieldNowAsync())
	v.S = v.S + sep + v.S // a copy
	return v.S, len(v.S)
}

// Adder is implemented by *C; its twin method makes calls through it
// suspension points.
type Adder interface {
	Add(n int) int
	AddAsync(n int) rt.Future[int]
}

// Named embeds Adder: the embedded interface's twin is promoted too.
type Named interface {
	Adder
	Name() string
}

type nc struct{ *C }

func (nc) Name() string { return "nc" }

//async:func
func Main() {
	c := &C{}
	// method expressions of a pointer and a value method
	logf("%d", (*C).Add(c, 2))
	logf("%d", (*C).Add(c, (*C).Add(c, 1)))
	s, n := V.Twice(V{"ab"}, "-")
	logf("%s %d", s, n)
	// a method expression through an interface type
	logf("%d", Adder.Add(c, 10))
	flush("methodexpr")

	// calls through interfaces and embedded interfaces
	var a Adder = c
	logf("%d", a.Add(1))
	var nm Named = nc{c}
	logf("%s %d", nm.Name(), nm.Add(5))
	for _, x := range []Adder{c, nc{&C{N: 100}}} {
		logf("%d", x.Add(1))
	}
	flush("iface")

	// the twin bound as a value: receiver evaluated at the binding
	d := &C{N: 7}
	f := d.AddAsync
	d = &C{N: 1000}
	logf("%d %d", rt.Await(f(3)), d.N)
	g := (*C).AddAsync
	logf("%d", rt.Await(g(d, 1)))
	// a method value passed on (not stored) runs where it is called
	logf("%d", apply(V{"x"}.Len, 3))
	flush("values")
}

func (v V) Len(k int) int { return len(v.S) * k }

func apply(f func(int) int, x int) int { return f(x) }
