package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() {
	difftest.Main(func() {
		for i := range cases {
			catch(func() { Main(i) })
		}
	}, func() {
		for i := range cases {
			catch(func() { rt.Run(MainAsync(i)) })
		}
	})
}

var cases = []string{"value", "error", "nested", "index", "nilmap", "loop", "divide", "cond", "rangex", "tag", "caseexpr", "ifcond", "none"}

// catch runs f, prints the recovered value and the main.go line the panic
// came from (the first frame in main.go below the runtime's panic machinery).
func catch(f func()) {
	defer func() {
		r := recover()
		if r == nil {
			fmt.Println("no panic")
			return
		}
		pcs := make([]uintptr, 64)
		n := runtime.Callers(2, pcs)
		frames := runtime.CallersFrames(pcs[:n])
		where := "?"
		seenPanic := false
		for {
			fr, more := frames.Next()
			if strings.HasPrefix(fr.Function, "runtime.") {
				seenPanic = true
			} else if seenPanic && filepath.Base(fr.File) == "main.go" && !strings.HasPrefix(fr.Function, "main.catch") {
				where = fmt.Sprintf("main.go:%d", fr.Line)
				break
			}
			if !more {
				break
			}
		}
		if e, ok := r.(error); ok {
			fmt.Printf("recovered error %q at %s\n", e.Error(), where)
			return
		}
		fmt.Printf("recovered %T %v at %s\n", r, r, where)
	}()
	f()
}

type myErr struct{ code int }

func (e *myErr) Error() string { return fmt.Sprint("myErr ", e.code) }

//async:func
func Inner(n int) int {
	rt.YieldNow()
	if n > 2 {
		panic(fmt.Sprintf("inner %d", n))
	}
	return n
}

//async:func
func Main(which int) {
	fmt.Println("case", cases[which])
	rt.YieldNow()
	switch cases[which] {
	case "value":
		panic(42)
	case "error":
		panic(&myErr{7})
	case "nested":
		total := 0
		for i := range 5 {
			total += Inner(i)
			fmt.Println("total", total)
		}
	case "index":
		s := []int{1, 2}
		i := Inner(2)
		fmt.Println(s[i])
	case "nilmap":
		var m map[string]int
		m[fmt.Sprint(Inner(1))] = 1
	case "loop":
		for i := 0; ; i++ {
			rt.YieldNow()
			if i == 3 {
				panic(errors.New("loop 3"))
			}
		}
	case "divide":
		z := Inner(0)
		fmt.Println(10 / z)
	case "cond": // a panic in a for condition
		s := []int{1, 1}
		for i := 0; s[i] > 0; i++ {
			rt.YieldNow()
		}
	case "rangex": // a panic in a range expression
		grid := [][]int{{1}}
		k := Inner(1)
		for _, x := range grid[k] {
			rt.YieldNow()
			fmt.Println(x)
		}
	case "tag": // a panic in a switch tag
		var p *myErr
		rt.YieldNow()
		switch p.code {
		case Inner(1):
			fmt.Println("one")
		}
	case "caseexpr": // a panic in a case expression
		s := []int{}
		switch Inner(1) {
		case 0:
		case s[0]:
			fmt.Println("zero")
		}
	case "ifcond": // a panic in an if condition after a suspension
		var m map[string]*myErr
		rt.YieldNow()
		if m["x"].code > Inner(1) {
			fmt.Println("big")
		}
	}
	fmt.Println("end")
}
