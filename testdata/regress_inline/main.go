// Regression: futures of same-package callees held by value in the caller's
// future. The same callee awaited twice (its field reused), in a loop, nested
// three deep, mutual recursion (kept behind twins), a callee with a named
// result whose address escapes (kept behind its twin), and a callee spawned
// rather than awaited.
package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

//async:func
func Leaf(s string) string {
	rt.YieldNow()
	return "<" + s + ">"
}

//async:func
func Mid(s string, n int) (string, int) {
	a := Leaf(s)
	b := Leaf(a)
	return a + b, n + len(b)
}

//async:func
func Top(n int) int {
	total := 0
	for i := range n {
		s, k := Mid(fmt.Sprint(i), i)
		total += k + len(s)
	}
	return total
}

//async:func
func Even(n int) bool {
	if n == 0 {
		return true
	}
	rt.YieldNow()
	return Odd(n - 1)
}

//async:func
func Odd(n int) bool {
	if n == 0 {
		return false
	}
	return Even(n - 1)
}

//async:func
func Ptr() (r int, p *int) {
	p = &r
	rt.YieldNow()
	return 7, p
}

//async:func
func Main() {
	fmt.Println(Top(3))
	fmt.Println(Even(5), Odd(5))
	r1, p1 := Ptr()
	r2, p2 := Ptr()
	fmt.Println(r1, r2, *p1, *p2, p1 != p2)
	h := rt.Spawn(LeafAsync("spawned"))
	v, err := h.Join()
	fmt.Println(v, err, Leaf("again"))
}
