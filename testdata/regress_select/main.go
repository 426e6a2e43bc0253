// Regression: a select whose clauses suspend is lowered (it was rejected:
// "select containing a suspension point is not supported yet", Go's
// chan/nonblock.go): a kept select chooses, receiving into temporaries,
// and the chosen clause's body runs as lowered code. The operands are
// evaluated once, in source order, on entering the select (also where one
// suspends); an assignment's left side only for the chosen clause; break
// leaves the select, continue and return (also from the body of a range
// over a function) are the enclosing statements'.
package main

import (
	"fmt"
	"slices"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

type flag bool

//async:func
func step(s string) int {
	rt.YieldNow()
	fmt.Println("step", s)
	return len(s)
}

// put and take run plain: a buffered channel's send and receive that the
// program knows do not block.
func put(c chan int, v int) { c <- v }
func take(c chan int) int   { return <-c }

func trace(s string, c chan int) chan int {
	fmt.Println("operand", s)
	return c
}

//async:func
func Recv(c chan int) {
	select {
	case v := <-c:
		n := step("recv")
		fmt.Println("got", v, n)
	default:
		step("default")
	}
	select {
	case v, ok := <-c:
		step("comma-ok")
		fmt.Println(v, ok)
	default:
		fmt.Println("empty")
	}
}

//async:func
func Send(c chan int) {
	for i := range 4 {
		select {
		case trace("first", c) <- step("value"):
			fmt.Println("sent", i)
			if i == 2 {
				break
			}
			step("after send")
		case <-trace("second", nil):
			fmt.Println("never")
		default:
			fmt.Println("full at", i, take(c))
			step("full")
			continue
		}
		fmt.Println("end of", i)
	}
}

//async:func
func Assign(c chan int) {
	a := []int{0, 0, 0}
	var ok flag
	var x any
	put(c, 7)
	select {
	case a[step("ix")], ok = <-c:
		step("assigned")
	default:
	}
	fmt.Println(a, ok)
	select {
	case a[step("never!")] = <-c:
	default:
		fmt.Println("nothing to receive")
	}
	put(c, 8)
	select {
	case x = <-c:
		step("any")
	default:
	}
	fmt.Println(x)
}

//async:func
func Closures(c chan int) {
	var fs []func() int
	for i := range 3 {
		put(c, i*10)
		select {
		case v := <-c:
			fs = append(fs, func() int { return v })
			step("captured")
			v++
		default:
		}
	}
	for _, f := range fs {
		fmt.Println(f())
	}
}

//async:func
func Labeled(c chan int) int {
	n := 0
outer:
	for {
		put(c, n)
		select {
		case v := <-c:
			step("loop")
			if v >= 2 {
				break outer
			}
			n++
		default:
		}
	}
	return n
}

//async:func
func InRangeFunc(ch chan int) int {
	for i, v := range slices.All([]int{1, 2}) {
		rt.YieldNow()
		select {
		case ch <- v:
			return i
		default:
		}
		fmt.Println(i, v)
	}
	return 0
}

// Generic: a channel of a type parameter, sent to and received into.
//
//async:func
func Generic[T any](c chan T, v T) T {
	select {
	case c <- v:
		rt.YieldNow()
	default:
	}
	var out T
	select {
	case out = <-c:
		step("generic")
	default:
	}
	return out
}

// LocalType receives a value of a local type into a temporary that lives
// across the body's suspension.
//
//async:func
func LocalType() {
	type pair struct{ a, b int }
	c := make(chan pair, 1)
	send := func(p pair) { c <- p }
	send(pair{1, 2})
	select {
	case p := <-c:
		step("local")
		fmt.Println("pair", p.a+p.b)
	default:
	}
}

// Values returns from a select's clause inside a range over a function.
//
//async:func
func Values(c chan int) int {
	for i := range slices.Values([]int{1, 2, 3}) {
		select {
		case v := <-c:
			step("values")
			return v + i
		default:
			step("values default")
		}
		put(c, i*100)
	}
	return -1
}

// Goto leaves a select's clause after a suspension.
//
//async:func
func Goto(c chan int) {
	put(c, 1)
	select {
	case v := <-c:
		step("goto")
		if v == 1 {
			goto out
		}
		fmt.Println("not here")
	default:
	}
	fmt.Println("not here either")
out:
	fmt.Println("out")
}

//async:func
func Main() {
	c := make(chan int, 1)
	Recv(c)
	put(c, 5)
	Recv(c)
	Send(c)
	Assign(c)
	Closures(c)
	fmt.Println("labeled", Labeled(c))
	fmt.Println("range", InRangeFunc(make(chan int)), InRangeFunc(make(chan int, 1)))
	fmt.Println("generic", Generic(make(chan string, 1), "s"), Generic(make(chan int), 4))
	LocalType()
	fmt.Println("values", Values(make(chan int, 1)))
	Goto(c)
}
