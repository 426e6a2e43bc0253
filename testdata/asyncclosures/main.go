package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

//async:func
func Step() { rt.YieldNow() }

//async:func
func Square(i int) int {
	rt.YieldNow()
	return i * i
}

// Tree spawns a closure that calls Tree again: recursion through a closure.
//
//async:func
func Tree(n int) int {
	if n == 0 {
		return 1
	}
	h := rt.Spawn(rt.Async(func() int { return Tree(n - 1) }))
	r := Tree(n - 1)
	v, _ := h.Join()
	return v + r + n
}

// Fetch stands for a network call.
//
//async:func
func Fetch(u string) (int, error) {
	rt.YieldNow()
	if u == "" {
		return 0, errors.New("empty")
	}
	return len(u), nil
}

// Crawl is the README's example.
//
//async:func
func Crawl(urls []string) int {
	var hs []*rt.JoinHandle[int]
	for _, u := range urls {
		hs = append(hs, rt.Spawn(rt.Async(func() int {
			n, err := Fetch(u) // suspends: the closure's body is lowered too
			if err != nil {    // u is this iteration's
				return 0
			}
			return n
		})))
	}
	total := 0
	for _, h := range hs {
		n, _ := h.Join()
		total += n
	}
	rt.Await(rt.AsyncDo(func() { // awaited in place: it shares total
		rt.Sleep(time.Millisecond)
		total++
	}))
	return total
}

type counter struct{ n int }

func (c *counter) inc() { c.n++ }

// Changes lists the ways a variable changes after an async closure
// captured it; each must be seen by the closure (capture by reference),
// while a variable nothing changes may be copied.
//
//async:func
func Changes(p int) {
	var cnt counter
	fc := rt.Async(func() int { return cnt.n })
	cnt.inc() // a pointer method
	arr := [3]int{}
	fa := rt.Async(func() int { Step(); return arr[1] })
	arr[1] = 9 // an array element
	st := struct{ a, b int }{1, 2}
	fs := rt.Async(func() int { return st.b })
	st.b = 20 // a field
	a, b := 1, 2
	fr := rt.Async(func() int { return a + b })
	a, c := 3, 4 // redeclared by :=
	k := 0
	fk := rt.Async(func() int { return k })
	for k = range 5 { // a range assignment
	}
	fp := rt.Async(func() int { return p })
	p *= 7       // a parameter
	sl := arr[:] // an array sliced
	fl := rt.Async(func() int { return arr[2] })
	sl[2] = 33
	same := 11 // nothing changes it: copied
	fn := rt.Async(func() int { Step(); return same })
	fmt.Println("changes", rt.Await(fc), rt.Await(fa), rt.Await(fs), rt.Await(fr), c, rt.Await(fk), rt.Await(fp), rt.Await(fl), rt.Await(fn))
}

// Bump awaits a closure that captures the receiver and a parameter.
//
//async:func
func (c *counter) Bump(by int) int {
	return rt.Await(rt.Async(func() int {
		Step()
		c.n += by
		by = 0 // the parameter, by reference
		return c.n
	})) + by
}

// Named awaits a closure that writes the enclosing function's named result.
//
//async:func
func Named(k int) (res int) {
	res = k
	rt.Await(rt.AsyncDo(func() {
		Step()
		res *= 3
	}))
	return
}

//async:func
func Main() {
	// Await a closure; both sides mutate the captured variable.
	x := 1
	v := rt.Await(rt.Async(func() int {
		x += 10
		Step()
		x *= 2
		return x
	}))
	x++
	fmt.Println("await", v, x)

	// Capture is by reference: a change after the future is made is seen.
	y := 1
	fy := rt.Async(func() int {
		Step()
		return y * 100
	})
	y = 5
	fmt.Println("by reference", rt.Await(fy), y)

	// A plain closure, an async closure and the function share one variable.
	z := 0
	inc := func() { z++ }
	inc()
	rt.Await(rt.AsyncDo(func() {
		inc()
		Step()
		z += 10
		inc()
	}))
	inc()
	fmt.Println("shared", z)

	// Spawn a closure and join it; the function writes after the join.
	w := 2
	h := rt.Spawn(rt.Async(func() int {
		n := Square(w)
		w = n + 1
		return n
	}))
	hv, err := h.Join()
	w *= 10
	fmt.Println("spawn", hv, err, w)

	// Spawn in a lowered loop: each closure captures its iteration's i.
	res := make([]int, 4)
	var hs []*rt.JoinHandle[int]
	for i := range 4 {
		hs = append(hs, rt.Spawn(rt.Async(func() int {
			s := Square(i)
			res[i] = s + i
			return s
		})))
	}
	total := 0
	for _, h := range hs {
		v, err := h.Join()
		if err != nil {
			fmt.Println("join error", err)
		}
		total += v
	}
	fmt.Println("loop", total, res)

	// Futures made in a plain loop (no suspension in it), awaited later.
	var fs []rt.Future[int]
	for i := 0; i < 3; i++ {
		fs = append(fs, rt.Async(func() int {
			Step()
			return i * 7
		}))
	}
	for _, f := range fs {
		fmt.Print(" ", rt.Await(f))
	}
	fmt.Println(" plain loop")

	// Three-clause loop whose body suspends; the closure changes the copy
	// of i that the iteration owns.
	for i := 0; i < 6; i++ {
		rt.Await(rt.AsyncDo(func() {
			Step()
			i++
		}))
		fmt.Print(" ", i)
	}
	fmt.Println(" three-clause")

	// Nested closures: the inner one captures both levels' variables.
	outer := 1
	nv := rt.Await(rt.Async(func() int {
		mid := 10
		h := rt.Spawn(rt.Async(func() int {
			Step()
			outer += mid
			mid++
			return outer
		}))
		iv, _ := h.Join()
		return iv*1000 + mid
	}))
	fmt.Println("nested", nv, outer)

	// Results: a named result, a tuple.
	tv := rt.Await(rt.Async(func() rt.Tuple2[int, string] {
		n := Square(3)
		return rt.Tuple2[int, string]{V0: n, V1: fmt.Sprint("sq", n)}
	}))
	fmt.Println("tuple", tv.V0, tv.V1)
	fmt.Println("named", Named(4))

	// A method's closure captures the receiver and a parameter.
	c := &counter{n: 1}
	fmt.Println("method", c.Bump(5), c.Bump(2), c.n)

	// Join two closures.
	a, b := rt.Join2(rt.Async(func() int { return Square(5) }), rt.Async(func() int {
		Step()
		return x + y
	}))
	fmt.Println("join2", a, b)

	// A panicking closure: the handle reports a *JoinError with the value.
	hp := rt.Spawn(rt.Async(func() int {
		Step()
		if x > 0 {
			panic(fmt.Sprint("closure boom ", x))
		}
		return 0
	}))
	_, err = hp.Join()
	var je *rt.JoinError
	fmt.Println("panic", errors.As(err, &je), je != nil && je.IsPanic(), je != nil && je.Value == "closure boom 23")

	// Range loops whose bodies suspend: each closure gets its iteration's
	// key and value.
	words := []string{"a", "bb", "ccc"}
	var ws []rt.Future[string]
	for k, w := range words {
		ws = append(ws, rt.Async(func() string {
			Step()
			return fmt.Sprint(k, w)
		}))
		Step()
	}
	for _, f := range ws {
		fmt.Print(" ", rt.Await(f))
	}
	fmt.Println(" range")

	// Kept statements (no suspension point in them): a range loop whose
	// value nothing changes (copied) and a type switch's clause variable.
	ws = nil
	for _, w := range words {
		ws = append(ws, rt.Async(func() string { Step(); return w + "!" }))
	}
	var vals []any = []any{1, "two", 3.5}
	for _, val := range vals {
		switch t := val.(type) {
		case int, float64:
			ws = append(ws, rt.Async(func() string { Step(); return fmt.Sprint("num ", t) }))
		case string:
			t += "?"
			ws = append(ws, rt.Async(func() string { Step(); return t }))
		}
	}
	for _, f := range ws {
		fmt.Print(" ", rt.Await(f))
	}
	fmt.Println(" kept")

	// Any other func value runs as plain Go (on a goroutine of its own when
	// a runtime polls it).
	plain := func() int { return x * 2 }
	fmt.Println("plain func", rt.Await(rt.Async(plain)))
	fmt.Println("tree", Tree(4))
	Changes(2)
	fmt.Println("crawl", Crawl([]string{"a", "", "ccc"}))

	// A closure's own named result, bare return, labels and a switch.
	nr := rt.Await(rt.Async(func() (n int) {
	outer:
		for i := range 10 {
			switch {
			case i%2 == 0:
				Step()
				continue
			case i > 6:
				break outer
			}
			n += Square(i)
		}
		return
	}))
	fmt.Println("closure named", nr)

	// Timeout and select stop waiting for a closure that is asleep.
	slept := false
	_, err = rt.Timeout(time.Millisecond, rt.AsyncDo(func() {
		rt.Sleep(time.Hour)
		slept = true
	}))
	sel := rt.Select2(rt.Async(func() int {
		rt.Sleep(time.Hour)
		return 1
	}), rt.Async(func() string {
		Step()
		return fmt.Sprint("fast ", x)
	}))
	fmt.Println("timeout", errors.Is(err, rt.ErrTimeout), slept, "select", sel.Index, sel.V1)

	// Abort a spawned closure that is asleep: the handle reports the
	// cancellation and the code after the sleep never runs.
	after := false
	ha := rt.Spawn(rt.AsyncDo(func() {
		rt.Sleep(time.Hour)
		after = true
	}))
	ha.Abort()
	_, err = ha.Join()
	var je2 *rt.JoinError
	fmt.Println("abort", errors.As(err, &je2) && je2.IsCancelled(), after)
}
