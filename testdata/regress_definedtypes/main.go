// Regression: values of defined types (type Name string, defined slice, map,
// array, integer and func types) in every lowering that hands a user value
// to a helper: range over them with a suspending body.
package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

type Name string
type Names []Name
type Ages map[Name]int
type Triple [3]int
type Count int
type Fn func(int) int
type Fns []Fn

//async:func
func Show(s string) string {
	rt.YieldNow()
	return "<" + s + ">"
}

//async:func
func Main() {
	var n Name = "héllo, wörld"
	for i, r := range n {
		rt.YieldNow()
		fmt.Println(i, r, string(r))
	}
	for i := range n {
		fmt.Println(Show(fmt.Sprint(i)))
	}
	for _, nm := range (Names{"ann", "bob"}) {
		fmt.Println(Show(string(nm)))
	}
	ages := Ages{"ann": 3}
	for k, v := range ages {
		rt.YieldNow()
		fmt.Println(k, v)
	}
	t := Triple{1, 2, 3}
	for i, x := range t {
		rt.YieldNow()
		t[2] = 9 // range over an array copies it
		fmt.Println(i, x)
	}
	pt := &t
	for i, x := range pt {
		rt.YieldNow()
		fmt.Println(i, x)
	}
	var c Count = 3
	for i := range c {
		rt.YieldNow()
		fmt.Printf("%T %v\n", i, i)
	}
	fs := Fns{func(x int) int { return x + 1 }, func(x int) int { return x * 2 }}
	for _, f := range fs {
		rt.YieldNow()
		fmt.Println(f(10))
	}
	var s Name = Name(Show("x"))
	fmt.Println(s + n[:1])
}
