package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
	"github.com/corio-go/corio/syncx"
)

func main() {
	difftest.Main(func() {
		for i := range ncases {
			run(func() { Main(i) })
		}
		goexit(Exit)
	}, func() {
		for i := range ncases {
			run(func() { rt.Run(MainAsync(i)) })
		}
		goexit(func() { rt.Run(ExitAsync()) })
	})
}

const ncases = 26

// goexit runs f, which calls runtime.Goexit, in a goroutine of its own.
func goexit(f func()) {
	fmt.Println("== goexit")
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
		fmt.Println("not reached")
	}()
	<-done
}

// Combined: defers in a loop and after a goto, a panic three awaits deep
// recovered by a deferred closure that changes the named result.
//
//async:func
func Combined(n int) (out []string) {
	defer func() {
		if r := recover(); r != nil {
			out = append(out, fmt.Sprint("recovered ", r))
		}
	}()
	for i := range n {
		defer func() { out = append(out, fmt.Sprint("loop ", i)) }()
		V(i)
	}
	i := 0
again:
	if i < 2 {
		defer func(j int) { out = append(out, fmt.Sprint("goto ", j)) }(V(i))
		i++
		goto again
	}
	out = append(out, fmt.Sprint(Level1()))
	return out
}

//async:func
func Level1() int {
	defer fmt.Println("level1 defer")
	return Level2() + 1
}

//async:func
func Level2() int {
	defer fmt.Println("level2 defer")
	V(0)
	return Level3() + 1
}

//async:func
func Level3() int {
	defer fmt.Println("level3 defer")
	V(0)
	V(0)
	panic("level3 fails")
}

// run runs f and prints what escaped it, and the main.go line the panic
// came from (the first frame in main.go below the runtime's panic
// machinery).
func run(f func()) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		pcs := make([]uintptr, 64)
		n := runtime.Callers(2, pcs)
		frames := runtime.CallersFrames(pcs[:n])
		where, seenPanic := "?", false
		for {
			fr, more := frames.Next()
			if strings.HasPrefix(fr.Function, "runtime.") {
				seenPanic = true
			} else if seenPanic && filepath.Base(fr.File) == "main.go" && !strings.HasPrefix(fr.Function, "main.run") {
				where = fmt.Sprintf("main.go:%d", fr.Line)
				break
			}
			if !more {
				break
			}
		}
		fmt.Printf("escaped %T %v at %s\n", r, r, where)
	}()
	f()
}

//async:func
func V(n int) int {
	rt.YieldNow()
	return n
}

//async:func
func Boom(n int) int {
	rt.YieldNow()
	if n > 0 {
		panic(fmt.Sprint("boom ", n))
	}
	return n
}

type T struct{ name string }

func (t T) Show(s string)    { fmt.Println("T.Show", t.name, s) }
func (t *T) Ptr(s string)    { fmt.Println("T.Ptr", t.name, s) }
func (t *T) Rename(n string) { t.name = n }

type Shower interface{ Show(s string) }

func trace(s string) string {
	fmt.Println("enter", s)
	return s
}

func un(s string) { fmt.Println("leave", s) }

func handle(where string) {
	if r := recover(); r != nil {
		fmt.Println("handled in", where, r)
	}
}

//async:func
func Basic() {
	defer fmt.Println("first deferred")
	defer un(trace("a"))
	x := 1
	defer fmt.Println("x at defer", x)
	x = V(2)
	defer func() { fmt.Println("x in closure", x) }()
	x = V(3)
	fmt.Println("body done", x)
}

//async:func
func DeferArgSuspends() {
	defer fmt.Println("arg", V(7), V(8))
	fmt.Println("after defer")
	V(0)
}

//async:func
func Named() (n int, err error) {
	defer func() {
		n *= 10
		if err != nil {
			err = fmt.Errorf("wrapped: %w", err)
		}
	}()
	n = V(4)
	return n + 1, errors.New("e")
}

//async:func
func Bare() (s string) {
	defer func() { s += "!" }()
	s = "hi"
	V(0)
	return
}

//async:func
func Loop(n int) {
	for i := range n {
		defer fmt.Println("loop defer", i)
		V(i)
	}
	fmt.Println("loop body done")
}

//async:func
func Methods() {
	t := T{"one"}
	defer t.Show("value receiver")
	defer t.Ptr("pointer receiver")
	p := &t
	defer p.Show("deref at defer")
	var s Shower = T{"iface"}
	defer s.Show("through interface")
	f := t.Show
	defer f("method value")
	t.Rename("two")
	V(0)
	t.Rename("three")
}

//async:func
func Builtins() {
	m := map[string]int{"a": 1, "b": 2}
	defer func() { fmt.Println("map after", len(m)) }()
	defer delete(m, "a")
	ch := make(chan int, 1)
	defer close(ch)
	defer println("to stderr")
	V(0)
	fmt.Println("map before", len(m))
}

//async:func
func RecoverChild() (res string) {
	defer func() {
		if r := recover(); r != nil {
			res = fmt.Sprint("recovered: ", r)
		}
	}()
	V(1)
	Boom(V(3))
	return "not reached"
}

//async:func
func Mid() int {
	defer fmt.Println("mid defer")
	return Boom(V(2)) + 1
}

//async:func
func Deep() (res int) {
	defer handle("Deep")
	defer fmt.Println("deep defer")
	res = 5
	return Mid()
}

//async:func
func PanicInDefer() {
	defer func() {
		fmt.Println("outer recovers", recover())
	}()
	defer func() {
		panic("second")
	}()
	defer fmt.Println("runs before the second panic")
	V(0)
	panic("first")
}

//async:func
func Repanic() {
	defer fmt.Println("repanic: outer defer")
	defer func() {
		r := recover()
		fmt.Println("repanic got", r)
		panic(fmt.Sprint("again: ", r))
	}()
	V(0)
	panic("once")
}

//async:func
func PanicNil() {
	defer func() {
		r := recover()
		fmt.Printf("panic(nil) gives %T\n", r)
	}()
	V(0)
	panic(nil)
}

//async:func
func NoRecoverEscapes() {
	var mu syncx.Mutex
	mu.Lock()
	defer mu.Unlock()
	defer fmt.Println("cleanup before escape")
	V(0)
	panic(errors.New("escapes"))
}

//async:func
func RecoverOutside() {
	fmt.Println("recover outside a deferred call:", recover())
	defer fmt.Println("deferred recover() argument:", recover())
	defer recover() // does not stop a panic
	defer func() {
		func() { fmt.Println("nested literal recover:", recover()) }()
	}()
	V(0)
	panic("not stopped")
}

//async:func
func Gotos(n int) (out []int) {
	i := 0
	defer func() { out = append(out, -1) }()
again:
	if i < n {
		defer func(i int) { out = append(out, i) }(V(i))
		i++
		goto again
	}
	return out
}

//async:func
func EscapeMayRecover() {
	defer fmt.Println("plain cleanup")
	defer func() {
		if false {
			recover()
		}
		fmt.Println("may recover, does not")
	}()
	var m map[string]int
	V(0)
	m["x"] = 1
}

//async:func
func Exit() {
	defer fmt.Println("goexit: outer defer")
	V(0)
	defer func() {
		fmt.Println("goexit: recover sees", recover())
	}()
	V(1)
	runtime.Goexit()
}

//async:func
func Walk(n int) int {
	if n == 0 {
		return Leaf()
	}
	return Walk(n-1) + 1
}

//async:func
func Leaf() int {
	defer fmt.Println("leaf defer")
	V(0)
	V(0)
	panic("leaf fails")
}

// Walk2 recurses without defers (its levels are frames on the driver's
// stack) down to a leaf that recovers its own panic after suspending.
//
//async:func
func Walk2(n int) int {
	V(n)
	if n == 0 {
		return LeafRecovers()
	}
	return Walk2(n-1) + 1
}

//async:func
func LeafRecovers() (res int) {
	defer func() {
		fmt.Println("leaf recovers", recover())
		res = -100
	}()
	V(0)
	V(0)
	panic("leaf")
}

// GenericDefer is generic: its defers hold values of its type parameter.
//
//async:func
func GenericDefer[T any](x T, n int) (out []T) {
	defer func() { out = append(out, x) }()
	defer fmt.Println("generic defer", x)
	for range n {
		out = append(out, x)
		V(0)
	}
	return out
}

// count is an iterator over 0..n-1 that reports its stop.
func count(n int) func(func(int) bool) {
	return func(yield func(int) bool) {
		defer fmt.Println("iterator done")
		for i := range n {
			if !yield(i) {
				fmt.Println("iterator stopped at", i)
				return
			}
		}
	}
}

// RangeDefer defers inside the body of a range over a function (the
// defers belong to the function) and panics out of it after suspending.
//
//async:func
func RangeDefer() (res string) {
	defer func() {
		if r := recover(); r != nil {
			res = fmt.Sprint("recovered ", r)
		}
	}()
	for i := range count(5) {
		defer fmt.Println("range body defer", i)
		V(i)
		if i == 2 {
			panic("out of the range body")
		}
	}
	return "not reached"
}

//async:func
func Top() (res int) {
	defer func() {
		fmt.Println("top recovers", recover())
		res = -1
	}()
	V(0)
	return Walk(4)
}

//async:func
func Rec(n int) (depth int) {
	defer func() {
		if n%2 == 0 {
			if r := recover(); r != nil {
				fmt.Println("rec level", n, "recovers", r)
				depth = 100 + n
				panic(fmt.Sprint("from level ", n))
			}
		}
	}()
	if n == 0 {
		V(0)
		panic("rec bottom")
	}
	return Rec(n-1) + 1
}

type Inner struct{ n int }

func (i *Inner) Promoted(s string) { fmt.Println("promoted", i.n, s) }

type Outer struct {
	Inner
	tag string
}

func Gen[T any](x T) { fmt.Println("generic", x) }

func two() (int, string) { return 2, "two" }

func sum(label string, xs ...int) {
	t := 0
	for _, x := range xs {
		t += x
	}
	fmt.Println(label, t)
}

//async:func
func Forms() (n int) {
	o := &Outer{Inner{1}, "o"}
	defer o.Promoted("through an embedded field")
	o.n = V(5)
	defer Gen[int](V(3))
	defer Gen("inferred")
	defer fmt.Println(two())
	xs := []int{1, 2, 3}
	defer sum("spread", xs...)
	defer sum("variadic", 4, V(5), 6)
	xs[0] = 100
	for i := range 3 {
		if i == 1 {
			defer fmt.Println("kept loop, defer")
			return i // a return in a statement kept as written
		}
	}
	return -1
}

//async:func
func Main(which int) {
	fmt.Println("== case", which)
	switch which {
	case 0:
		Basic()
	case 1:
		DeferArgSuspends()
	case 2:
		n, err := Named()
		fmt.Println("named", n, err)
	case 3:
		fmt.Println("bare", Bare())
	case 4:
		Loop(3)
	case 5:
		Methods()
	case 6:
		Builtins()
	case 7:
		fmt.Println(RecoverChild())
	case 8:
		fmt.Println("deep", Deep())
	case 9:
		PanicInDefer()
	case 10:
		Repanic()
	case 11:
		PanicNil()
	case 12:
		NoRecoverEscapes()
	case 13:
		RecoverOutside()
	case 14:
		fmt.Println("gotos", Gotos(3))
	case 15:
		defer fmt.Println("main defer")
		V(0)
	case 16:
		EscapeMayRecover()
	case 17:
		fmt.Println("walk", Top())
	case 18:
		defer func() { fmt.Println("rec recovered", recover()) }()
		fmt.Println("rec", Rec(5))
	case 19:
		fmt.Println("combined", Combined(3))
	case 20:
		fmt.Println("forms", Forms())
	case 22:
		fmt.Println("walk2", Walk2(6))
	case 24:
		// A type switch whose only lowered part is a defer in a clause.
		for _, x := range []any{1, "s"} {
			switch v := x.(type) {
			case int:
				defer fmt.Println("type switch defer", v)
			case string:
				fmt.Println("string clause", v)
			}
		}
		fmt.Println("generic", GenericDefer("g", 2), GenericDefer(7, 1))
		fmt.Println("range", RangeDefer())
	case 23:
		var s Shower
		defer fmt.Println("nil interface: earlier defer runs")
		V(0)
		defer s.Show("never") // panics here, as the method value of a nil interface
		fmt.Println("not reached")
	case 21:
		x := 1
		defer fmt.Println("outer defer", x)
		r := rt.Await(rt.Async(func() (n int) {
			defer func() {
				n += 10
				fmt.Println("async closure's defer recovers", recover())
			}()
			n = V(4)
			x = 2
			panic("in an async closure")
		}))
		fmt.Println("async closure gave", r, x)
	case 25:
		fmt.Println("loop that panics once:", LoopOnceRecover())
	}
}

// LoopOnceRecover defers, in a loop that never comes round (its body ends
// in a panic, as in Go's fixedbugs/issue14725.go), a closure whose bare
// recover() stops the panic: the function returns the 1 it set. Poll defers
// such a closure itself; its recover() was once printed without reporting
// to the future, which then took the recovered panic for one still in
// flight and returned pending forever.
//
//async:func
func LoopOnceRecover() (x int) {
	for {
		V(1)
		defer func() {
			recover()
			x = 1
		}()
		V(2)
		panic(nil)
	}
}
