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

type C struct{ N int }

//async:func
func (c *C) Add(n int) int {
	rt.YieldNow()
	c.N += n
	return c.N
}

//async:func
func Twice(n int) int {
	rt.YieldNow()
	return 2 * n
}

func seq(yield func(int) bool) {
	for i := range 2 {
		if !yield(i) {
			return
		}
	}
}

//async:func
func Main() {
	log = nil
	c := &C{}
	// f's calls suspend on the twin, also inside a select with default
	// and inside a range over a function iterator (each then lowered).
	f := c.Add
	logf("%d", f(1))
	ch := make(chan int, 1)
	select {
	case ch <- 1:
		logf("sel %d", f(10))
	default:
	}
	for i := range seq {
		logf("seq %d", f(i+100))
	}
	logf("%d", f(1000))
	// g is stored inside a range over a function, which is lowered for
	// it: its call suspends
	var g func(int) int
	for i := range seq {
		if i == 0 {
			g = Twice
		}
	}
	logf("g %d", g(4))
	// a func variable also holding a function without a twin: plain calls
	h := Twice
	if c.N > 0 {
		h = func(n int) int { return -n }
	}
	logf("h %d", h(5))
	fmt.Println(strings.Join(log, " "))
}
