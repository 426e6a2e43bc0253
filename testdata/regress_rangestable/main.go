// A range over a slice variable reads the variable instead of a copy, and
// the key variable serves as the index, only where the loop cannot tell:
// each case below changes the variable or the key, or lets something else
// reach it, and must still see Go's semantics (the range expression
// evaluated once, a fresh key per iteration).
package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

//async:func
func Main() {
	s := []int{1, 2, 3}
	for i, x := range s { // s grows: the loop still runs three times
		rt.YieldNow()
		s = append(s, x*10)
		fmt.Println("append", i, x, len(s))
	}
	t := []string{"a", "b", "c"}
	for i := range t { // t is replaced: the loop keeps the old one
		t = []string{"z"}
		rt.YieldNow()
		fmt.Println("replace", i, len(t))
	}
	u := []int{4, 5, 6}
	for _, x := range u { // element writes are seen, as in Go
		u[2] = 60
		rt.YieldNow()
		fmt.Println("elem", x)
	}
	v := []int{7, 8}
	reset := func() { v = nil }
	for i, x := range v { // a closure can replace v: it is copied
		reset()
		rt.YieldNow()
		fmt.Println("closure", i, x, v == nil)
	}
	w := [][]int{{1}, {2}}
	for _, w2 := range w {
		for _, w = range [][][]int{{{9}}} { // a nested range assigns w
		}
		rt.YieldNow()
		fmt.Println("nested", w2, len(w))
	}
	for i := range 4 { // the key is changed in the body
		rt.YieldNow()
		i += 10
		fmt.Println("key", i)
	}
	var ps []*int
	for i := range 3 { // the key escapes: one variable per iteration
		ps = append(ps, &i)
		rt.YieldNow()
	}
	for _, p := range ps {
		fmt.Println("ptr", *p)
	}
	var fs []func() int
	for i := range []string{"x", "y"} { // the key is captured
		fs = append(fs, func() int { return i })
		rt.YieldNow()
	}
	for _, f := range fs {
		fmt.Println("captured", f())
	}
	for i, r := range "héllo" { // a string's key is a byte offset
		rt.YieldNow()
		fmt.Println("rune", i, string(r))
	}
	n := 0
	for i := range s { // the key, unchanged, is the index
		rt.YieldNow()
		n += i
	}
	fmt.Println("sum", n)
}
