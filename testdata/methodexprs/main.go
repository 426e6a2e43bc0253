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
	Bound()
}

func (v V) Len(k int) int { return len(v.S) * k }

func apply(f func(int) int, x int) int { return f(x) }

// Bound method values and function values stored in variables and called
// later: each call suspends, on the twin bound at the same point.
//
//async:func
func Bound() {
	c := &C{N: 1}
	f := c.Add // receiver c bound here
	c = &C{N: 500}
	logf("f %d %d", f(2), f(3))
	var arr [2]C
	h := arr[Idx(1)].Add // pointer method of an addressable element: &arr[1], index evaluated once
	logf("h %d %d", h(4), h(5))
	logf("arr %d %d", arr[0].N, arr[1].N)
	v := V{"q"}
	t := v.Twice // value method: v copied at the binding
	v.S = "changed"
	s, n := t("+")
	logf("t %s %d %s", s, n, v.S)
	var g func(int) int
	if c.N > 0 {
		g = (&C{N: 10}).Add // the receiver expression evaluated once
	} else {
		g = c.Add
	}
	for i := range 3 {
		logf("g %d", g(i))
	}
	// the only store into g in a type switch without a suspension point
	// of its own: the switch is lowered so that the companion is stored
	var x any = 3
	switch w := x.(type) {
	case int:
		g = (&C{N: w * 100}).Add
	}
	logf("g %d", g(1))
	e := (*C).Add
	logf("e %d", e(c, 1))
	k := Step
	logf("k %d", k(k(1)))
	var a Adder = c
	m := a.Add // through an interface
	logf("m %d", m(2))
	flush("bound")
}

//async:func
func Idx(i int) int {
	logf("idx%d", i)
	rt.YieldNow()
	return i
}

//async:func
func Step(n int) int {
	rt.YieldNow()
	return n * 3
}
