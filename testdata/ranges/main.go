package main

import (
	"fmt"
	"sort"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

//async:func
func Y() { rt.YieldNow() }

//async:func
func Id(v int) int {
	rt.YieldNow()
	return v
}

//async:func
func IdS(v string) string {
	rt.YieldNow()
	return v
}

//async:func
func Slice() []int {
	fmt.Println("Slice evaluated")
	rt.YieldNow()
	return []int{1, 2, 3}
}

type pt struct{ x, y int }

//async:func
func Main() {
	// range over int with n changed in body
	n := 3
	for i := range n {
		Y()
		n = 10
		fmt.Println("int", i, n)
	}

	// range over int expression that suspends
	for i := range Id(2) {
		fmt.Println("int susp", i)
	}

	// slice modified during loop
	s := []int{1, 2, 3}
	for i, v := range s {
		Y()
		if i == 0 {
			s = append(s, 99)
			s[2] = 30
		}
		fmt.Println("slice", i, v, len(s))
	}
	// slice element writes through the same backing array
	s = make([]int, 3, 10)
	for i, v := range s {
		Y()
		if i+1 < len(s) {
			s[i+1] = v + 5
		}
		fmt.Println("slice write", i, v)
	}

	// array: range over a copy
	arr := [3]int{1, 2, 3}
	for i, v := range arr {
		Y()
		arr[2] = 100
		fmt.Println("array", i, v, arr[i])
	}
	// array pointer: not a copy
	arr = [3]int{1, 2, 3}
	for i, v := range &arr {
		Y()
		arr[2] = 100
		fmt.Println("array ptr", i, v)
	}
	// array key only: no copy needed, len is constant
	for i := range arr {
		Y()
		fmt.Println("array key", i)
	}

	// string with multi-byte runes and invalid UTF-8
	str := "aé\xffz世\xc3"
	for i, r := range str {
		Y()
		fmt.Printf("string %d %q %d\n", i, r, r)
	}
	// string reassigned during loop: no effect
	str = "abc"
	for _, r := range str {
		str = "zzzzzzz"
		Y()
		fmt.Println("string reassigned", string(r))
	}

	// map: sum and sorted keys
	m := map[string]int{"a": 1, "b": 2, "c": 3, "d": 4}
	sum := 0
	var keys []string
	for k, v := range m {
		Y()
		sum += v
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Println("map", sum, keys)
	// map: deleting entries not yet reached: they must not be produced
	m = map[string]int{"a": 1, "b": 2, "c": 3, "d": 4}
	count := 0
	for k := range m {
		Y()
		count++
		for k2 := range m {
			if k2 != k {
				delete(m, k2)
			}
		}
	}
	fmt.Println("map delete", count, len(m))

	// range with = to existing vars
	var i, v int
	for i, v = range []int{5, 6, 7} {
		Y()
	}
	fmt.Println("assign", i, v)
	var k string
	var r rune
	for k = range map[string]bool{"only": true} {
		Y()
	}
	fmt.Println("assign map", k)
	for i, r = range "xyz" {
		Y()
	}
	fmt.Println("assign str", i, string(r))
	var ps [2]pt
	for ps[0].x, ps[1].y = range []int{4, 5} {
		Y()
	}
	fmt.Println("assign fields", ps)
	// range expression that suspends is evaluated once
	for i, v := range Slice() {
		Y()
		fmt.Println("susp expr", i, v)
	}

	// range over nil / empty
	var nilS []int
	for range nilS {
		Y()
		fmt.Println("never")
	}
	for range 0 {
		Y()
		fmt.Println("never")
	}
	// range without vars
	c := 0
	for range []string{"a", "b"} {
		Y()
		c++
	}
	fmt.Println("novars", c)

	// range over struct slice: value is a copy
	pts := []pt{{1, 2}, {3, 4}}
	for _, p := range pts {
		p.x = 100
		Y()
		fmt.Println("copy", p, pts)
	}
	for i := range pts {
		Y()
		pts[i].x = 100 + i
	}
	fmt.Println("by index", pts)

	// break and continue in range
	for i, v := range []int{1, 2, 3, 4, 5} {
		if v == 2 {
			continue
		}
		Y()
		if v == 4 {
			break
		}
		fmt.Println("bc", i, v)
	}

	// range over int of typed value
	type_ := uint8(3)
	for i := range type_ {
		Y()
		fmt.Printf("typed %T %d\n", i, i)
	}
	// range over string of suspending function
	for i, r := range IdS("ab") {
		Y()
		fmt.Println("susp string", i, string(r))
	}
}
