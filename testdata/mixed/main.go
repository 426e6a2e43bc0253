package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

var log []string

//async:func
func Val(s string, v int) int {
	rt.YieldNow()
	log = append(log, s)
	return v
}

//async:func
func Bool(s string, v bool) bool {
	rt.YieldNow()
	log = append(log, s)
	return v
}

func plain(s string, v int) int { log = append(log, s); return v }

type P struct{ n int }

//async:func
func (p *P) Inc() int { rt.YieldNow(); p.n++; return p.n }

//async:func
func (p P) IncCopy() int { rt.YieldNow(); p.n++; return p.n }

//async:func
func Main() {
	x := plain("a", 1) + Val("b", 2) + plain("c", 3)
	fmt.Println(x, log)
	log = nil
	if Bool("l", false) && Bool("r", true) {
		fmt.Println("yes")
	}
	if Bool("l", true) || Bool("r", true) {
		fmt.Println("yes2")
	}
	fmt.Println(log)
	var fs []func() int
	var ps []*int
	for i := 0; i < 3; i = Val("post", i+1) {
		fs = append(fs, func() int { return i })
		ps = append(ps, &i)
		if i == 1 {
			continue
		}
		Val("body", 0)
	}
	for _, f := range fs {
		fmt.Print(f(), " ")
	}
	for _, p := range ps {
		fmt.Print(*p, " ")
	}
	fmt.Println()
	for k, v := range []string{"x", "y"} {
		fs = append(fs, func() int { return k + len(v) })
		Val(v, k)
	}
	fmt.Println(fs[3](), fs[4](), log)
	p := P{}
	fmt.Println(p.Inc(), p.Inc(), p.IncCopy(), p.n)
outer:
	for i := range 3 {
		for j := 0; j < 3; j++ {
			if j == 2 {
				continue outer
			}
			if i == 2 {
				break outer
			}
			fmt.Print(i, j, Val("ij", i*j), ";")
		}
	}
	fmt.Println()
	switch v := Val("sw", 2); v {
	case Val("c1", 1), Val("c2", 2):
		fmt.Println("matched", v)
		fallthrough
	case Val("c3", 3):
		fmt.Println("fell")
	default:
		fmt.Println("default")
	}
	m := map[string]int{"a": 1, "b": 2, "c": 3}
	sum := 0
	for k, v := range m {
		sum += Val(k, v)
	}
	fmt.Println(sum)
	for i, r := range "héllo\xff!" {
		fmt.Print(i, string(r), Val("r", i), " ")
	}
	fmt.Println()
	arr := [3]int{1, 2, 3}
	for i, v := range arr {
		arr[2] = 100
		fmt.Print(i, v, Val("a", v), " ")
	}
	fmt.Println(arr)
}
