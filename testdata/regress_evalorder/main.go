package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

var g int

//async:func
func SetG(v int) int { rt.YieldNow(); g = v; return v }

//async:func
func A(n int) int { rt.YieldNow(); return n }

func setG(v int) int { g = v; return v }

func ix(n int) int { return n }

func two(a, b int) int { return a*100 + b }

type Ctr struct{ n int }

//async:func
func (c *Ctr) Add(d int) int { rt.YieldNow(); c.n += d; return c.n }

type S struct{ a, b int }

var gs []int

//async:func
func Push(v int) int { rt.YieldNow(); gs = append(gs, v); return v }

var gany any

//async:func
func SetAny(v any) int { rt.YieldNow(); gany = v; return 0 }

var gstr string

//async:func
func SetStr(s string) int { rt.YieldNow(); gstr = s; return 0 }

// Main: found by the random differential test (seed 6292). gc's order pass
// evaluates some operands into temporaries at their place, left to right:
// calls, but also a map literal with a non-constant entry (entry by entry),
// len, cap, min, max, make, new, append, a slice expression, []byte(s) and
// a type assertion to a type that is not pointer-shaped; other operands
// (variable reads, slice, array and struct literals) are read only once every
// such temporary is computed. A suspension point must keep that order.
//
//async:func
func Main() {
	// The random program's statement: the map literal reads fut.n before
	// the index expression's call changes it.
	var fut Ctr
	fut.n = 8
	var ready, _ = map[int]int{1: A(-4) * fut.n, 2: 7}[ix(fut.Add(A(8))-15)]
	fmt.Println("seed 6292:", ready, fut.n)

	// Map literals: as index base, call argument, binary operand.
	g = 1
	fmt.Println("map index base:", map[int]int{0: g * 10}[SetG(5)-5])
	g = 1
	fmt.Println("map call arg:", two(map[int]int{1: g}[1], SetG(5)))
	g = 1
	fmt.Println("map binary:", map[int]int{1: g}[1]+SetG(5))
	g = 1
	fmt.Println("map plain call after:", map[int]int{1: g}[1]+setG(5)+A(0))
	g = 1
	fmt.Println("map keyed by g:", map[int]int{g: 3}[1]+SetG(5))
	g = 1
	fmt.Println("map in slice:", []map[int]int{{1: g}}[0][1]+SetG(5))
	g = 1
	fmt.Println("slice of map:", map[int][]int{1: {g}}[1][0]+SetG(5))

	// Entries one at a time: an entry's reads come before a later entry's
	// calls, suspending or not.
	g = 1
	m := map[int]int{1: g, 2: SetG(5), 3: g}
	fmt.Println("map entries:", m[1], m[2], m[3])
	g = 1
	m = map[int]int{1: g, 2: setG(5), 3: g, 4: A(4)}
	fmt.Println("map entries plain:", m[1], m[2], m[3], m[4])
	g = 1
	m = map[int]int{1: SetG(5) + g, 2: g}
	fmt.Println("map entry value:", m[1], m[2])
	// Constant entries go into the map first, then the others in order:
	// a non-constant key equal to a constant one wins, wherever it is.
	g = 1
	m = map[int]int{g: 10, 1: 20, 3: SetG(5)}
	fmt.Println("map key clash:", m[1], m[3], len(m))

	// Entries whose literal types the map literal elides.
	g = 1
	ms := map[S]int{{g, 1}: A(1), {2, 2}: 2}
	fmt.Println("map elided key:", ms[S{1, 1}], ms[S{2, 2}], len(ms))
	g = 1
	mp := map[int]*S{1: {g, A(2)}, 2: {g, 0}}
	fmt.Println("map elided pointer:", *mp[1], *mp[2])
	g = 1
	mm := map[int]map[int]int{1: {1: g}, 2: {2: SetG(5)}, 3: {3: g}}
	fmt.Println("map of maps:", mm[1][1], mm[2][2], mm[3][3])
	g = 1
	fmt.Println("map of slices:", map[int][]int{1: {g, SetG(5)}, 2: {g}})

	// Slice, array and struct literals are built after the calls.
	g = 1
	fmt.Println("slice lit:", []int{g * 10, 2}[SetG(5)-5])
	g = 1
	fmt.Println("array lit:", [2]int{g * 10, 2}[SetG(5)-5])
	g = 1
	fmt.Println("struct lit:", S{g * 10, 2}.a+SetG(5))
	g = 1
	fmt.Println("slice lit arg:", two([]int{g}[0], SetG(5)))
	g = 1
	fmt.Println("slice lit binary:", []int{g}[0]+SetG(5))
	g = 1
	fmt.Println("struct lit arg:", two(S{g, 2}.a, SetG(5)))
	fut.n = 1
	fmt.Println("struct lit method:", S{fut.n, 0}.a+fut.Add(A(3)), []int{fut.n}[0]+fut.Add(1), map[int]int{0: fut.n}[0]+fut.Add(1))

	// Builtins evaluated into temporaries.
	gs = []int{1}
	fmt.Println("len:", len(gs)+Push(9))
	gs = []int{1}
	fmt.Println("cap:", two(cap(gs[:1:1]), Push(9)))
	g = 1
	fmt.Println("min:", min(g, 10)+SetG(5))
	g = 1
	fmt.Println("max:", two(max(g, 0), SetG(5)))
	g = 1
	fmt.Println("make:", len(make([]int, g))+SetG(5))
	gs = []int{1}
	fmt.Println("append:", append(gs[:0:0], g)[0]+Push(9), len(gs))
	gs = []int{1, 2, 3}
	g = 1
	fmt.Println("slice expr:", gs[g:][0]+SetG(2))
	g = 1
	fmt.Println("type assert:", any(g).(int)+SetG(5))
	gany = S{1, 2}
	fmt.Println("type assert struct:", gany.(S).a+SetAny(S{50, 50}))
	gstr = "a"
	fmt.Println("bytes:", string([]byte(gstr))+fmt.Sprint(SetStr("b")))
	g = 1
	p := new(int)
	fmt.Println("new:", two(*p+g, SetG(5)))

	// A value converted to an interface that the conversion takes by
	// address is copied where it stands unless it is addressable (a bool,
	// a byte, a struct or an array; not an int or a string).
	g = 1
	fmt.Println("conv cmp:", g > 0, SetG(-1))
	g = 1
	fmt.Println("conv struct lit:", S{g, 2}, SetG(5))
	g = 1
	fmt.Println("conv int8:", int8(g), SetG(5))
	g = 1
	fmt.Println("conv int:", g+1, SetG(5))
	gb = false
	fmt.Println("conv global bool:", gb, SetB(true))
	gst = S{1, 1}
	fmt.Println("conv global struct:", gst, SetSt(5))
	gstr = "a"
	fmt.Println("conv string index:", gstr[0], SetStr("b"))
	g = 1
	fmt.Println("conv explicit:", any(g > 0), SetG(-1))
	g = 1
	fmt.Println("conv slice elem:", []any{g > 0, SetG(-1)})
	g = 1
	var x, y any = g > 0, SetG(-1)
	fmt.Println("conv var:", x, y)
	g = 1
	x, y = g > 0, SetG(-1)
	fmt.Println("conv assign:", x, y)
	gp = nil
	fmt.Println("conv pointer cmp:", gp == nil, SetP())
	g = 1
	fmt.Println("conv array lit:", [2]int{g, g}, SetG(5))
	g = 1
	fmt.Println("conv map value:", map[int]bool{1: true}[g], SetG(5))
	g = 1
	r1, r2 := Conv()
	fmt.Println("conv return:", r1, r2)
	// A struct comparison copies a literal operand, not a variable.
	gst = S{1, 1}
	g = 1
	fmt.Println("struct cmp operand:", [2]bool{gst == S{g, 1}, SetSt(5) > 0})
	gst = S{1, 1}
	g = 1
	fmt.Println("struct cmp operand right:", [2]bool{S{g, 1} == gst, SetSt(5) > 0})
	// A float key goes to the map routine by address: copied.
	g = 1
	fmt.Println("float key:", m8[float64(g)]+SetG(5))
	g = 1
	fmt.Println("int key:", mi[g+0]+SetG(5))
	g = 1
	fmt.Println("struct key in literal:", map[S]int{{g, 1}: SetG(5)})
	g = 1
	ms = map[S]int{}
	ms[S{g, 1}] = SetG(5)
	fmt.Println("struct key stored:", ms)
	g = 1
	m8[float64(g)] = SetG(7)
	fmt.Println("float key stored:", m8)
	g = 1
	mi[g+0] = SetG(5)
	fmt.Println("int key stored:", mi)
}

//async:func
func Conv() (any, int) {
	return g > 0, SetG(-1)
}

var gb bool

//async:func
func SetB(b bool) int { rt.YieldNow(); gb = b; return 0 }

var gst S

//async:func
func SetSt(a int) int { rt.YieldNow(); gst.a = a; g = a; return a }

var gp *int

//async:func
func SetP() int { rt.YieldNow(); gp = new(int); return 0 }

var m8 = map[float64]int{1: 10, 5: 50}
var mi = map[int]int{1: 10, 5: 50}
