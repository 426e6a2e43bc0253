package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

//async:func
func Y() { rt.YieldNow() }

var calls int

func arr() [3]int { calls++; return [3]int{4, 5, 6} }

//async:func
func Arr() [3]int {
	rt.YieldNow()
	return [3]int{7, 8, 9}
}

type Grid struct{ Cells [2][2]int }

type Named []string

type Num int

//async:func
func Main() {
	// nil pointer to array, key only: no dereference happens
	var pa *[3]int
	defer0(pa)
	for i := range pa {
		Y()
		fmt.Println("nil *array key", i)
	}
	// len of an array field expression, value copy
	g := Grid{Cells: [2][2]int{{1, 2}, {3, 4}}}
	for i, row := range g.Cells {
		g.Cells[1][0] = 30
		Y()
		fmt.Println("field array", i, row)
	}
	// range over array-valued call: evaluated once
	for i, v := range arr() {
		Y()
		fmt.Println("array call", i, v, calls)
	}
	for i, v := range Arr() {
		Y()
		fmt.Println("async array call", i, v)
	}
	// range over named slice type, and a typed int
	for i, s := range (Named{"x", "y"}) {
		Y()
		fmt.Println("named", i, s)
	}
	var n Num = 2
	for i := range n {
		Y()
		fmt.Printf("typed int %T %v\n", i, i)
	}
	// value only over a string
	for _, r := range "é!" {
		Y()
		fmt.Println("string value", string(r))
	}
	// range over a slice of slices, nested ranges, both suspending
	for i, row := range [][]int{{1}, {2, 3}} {
		for j, v := range row {
			Y()
			fmt.Println("nested", i, j, v)
		}
	}
	// range over an array pointer with value: elements read at each iteration
	a := [3]int{1, 2, 3}
	for i, v := range &a {
		if i == 0 {
			a[1] = 20
		}
		Y()
		fmt.Println("array ptr live", i, v)
	}
	// range over map with value, sum computed across suspensions
	total := 0
	for _, v := range map[int]int{1: 10, 2: 20} {
		Y()
		total += v
	}
	fmt.Println("map total", total)
	// range over int with a constant expression
	const c = 2
	for i := range c * 2 {
		Y()
		fmt.Println("const", i)
	}
	// range over int64 typed var
	var big int64 = 2
	for i := range big {
		Y()
		fmt.Printf("int64 %T %v\n", i, i)
	}
	// range over []byte conversion of a string
	for i, b := range []byte("hi") {
		Y()
		fmt.Println("bytes", i, b)
	}
	// range over []rune conversion
	for i, r := range []rune("añ") {
		Y()
		fmt.Println("runes", i, string(r))
	}
}
func defer0(any) {}
