package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

//async:func
func Y() { rt.YieldNow() }

//async:func
func Id(i int) int {
	rt.YieldNow()
	return i
}

func show(label string, fs []func() int) {
	fmt.Print(label, ":")
	for _, f := range fs {
		fmt.Print(" ", f())
	}
	fmt.Println()
}

func showp(label string, ps []*int) {
	fmt.Print(label, ":")
	for _, p := range ps {
		fmt.Print(" ", *p)
	}
	fmt.Println()
}

//async:func
func Main() {
	// closure captured before the suspension
	var fs []func() int
	for i := 0; i < 3; i++ {
		fs = append(fs, func() int { return i })
		Y()
	}
	show("3clause capture before", fs)

	// closure captured after the suspension
	fs = nil
	for i := 0; i < 3; i++ {
		Y()
		fs = append(fs, func() int { return i })
	}
	show("3clause capture after", fs)

	// closure captures, body modifies after capture and across suspension
	fs = nil
	for i := 0; i < 6; i++ {
		fs = append(fs, func() int { return i * 10 })
		Y()
		i++
	}
	show("3clause modify after capture", fs)

	// pointers
	var ps []*int
	for i := 0; i < 3; i++ {
		ps = append(ps, &i)
		Y()
	}
	showp("3clause &i", ps)

	// pointer, write through pointer changes loop var
	ps = nil
	for i := 0; i < 5; i++ {
		p := &i
		Y()
		*p += 1
		ps = append(ps, p)
	}
	showp("3clause write via &i", ps)

	// suspending post and cond with capture: the copy happens before the post
	fs = nil
	for i := 0; Id(i) < 3; i = Id(i + 1) {
		fs = append(fs, func() int { return i })
	}
	show("3clause susp cond/post", fs)

	// closure that mutates the loop var; per-iteration copy then continues from mutated value
	fs = nil
	var incs []func()
	for i := 0; i < 6; i++ {
		incs = append(incs, func() { i += 100 })
		fs = append(fs, func() int { return i })
		Y()
		if i == 2 {
			incs[len(incs)-1]() // i becomes 102, loop ends after post
		}
	}
	show("3clause mutate via closure", fs)

	// range over int
	fs = nil
	ps = nil
	for i := range 3 {
		Y()
		fs = append(fs, func() int { return i })
		ps = append(ps, &i)
	}
	show("range int closure", fs)
	showp("range int ptr", ps)

	// range slice: both key and value
	fs = nil
	for i, v := range []int{10, 20, 30} {
		fs = append(fs, func() int { return i*1000 + v })
		Y()
	}
	show("range slice closure", fs)

	ps = nil
	for _, v := range []int{7, 8, 9} {
		Y()
		ps = append(ps, &v)
	}
	showp("range slice &v", ps)

	// range string
	fs = nil
	for i, r := range "héllo" {
		Y()
		fs = append(fs, func() int { return i*1000 + int(r) })
	}
	show("range string closure", fs)

	// nested loops, capture both
	fs = nil
	for i := 0; i < 2; i++ {
		for j := 0; j < 2; j++ {
			Y()
			fs = append(fs, func() int { return i*10 + j })
		}
	}
	show("nested capture", fs)

	// variable declared in the body, captured
	fs = nil
	for i := 0; i < 3; i++ {
		x := i * 2
		Y()
		fs = append(fs, func() int { return x })
		x++
	}
	show("body var capture", fs)

	// var x int in body re-zeroed and captured
	fs = nil
	for i := 0; i < 3; i++ {
		var x int
		fs = append(fs, func() int { return x })
		x += i + 1
		Y()
		x += 10
	}
	show("body var zero capture", fs)

	// closure invoked inside the loop after the suspension sees the current iteration
	for i := 0; i < 3; i++ {
		f := func() int { return i }
		Y()
		i += 0
		fmt.Println("inside", f(), i)
	}

	// closures capturing a loop var and updated by continue
	fs = nil
	for i := 0; i < 5; i++ {
		fs = append(fs, func() int { return i })
		if i%2 == 0 {
			Y()
			continue
		}
		i++
	}
	show("continue capture", fs)
}
