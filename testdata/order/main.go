package main

import (
	"fmt"
	"strings"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

var log []string

func logf(format string, args ...any) { log = append(log, fmt.Sprintf(format, args...)) }

func flush(label string) {
	fmt.Println(label+":", strings.Join(log, " "))
	log = nil
}

//async:func
func A(n int) int {
	logf("A%d", n)
	rt.YieldNow()
	logf("A%d'", n)
	return n
}

//async:func
func B(n int) int {
	logf("B%d", n)
	rt.YieldNow()
	return n * 10
}

func plain(n int) int {
	logf("p%d", n)
	return n * 100
}

func two(a, b int) int {
	logf("two(%d,%d)", a, b)
	return a + b
}

func three(a, b, c int) int { return a*100 + b*10 + c }

var x int

//async:func
func SetX(v int) int {
	rt.YieldNow()
	logf("setX%d", v)
	x = v
	return v
}

func setXPlain(v int) int { x = v; return v }

//async:func
func Str(s string) string {
	logf("S%s", s)
	rt.YieldNow()
	return s
}

//async:func
func Main() {
	r := two(A(1), B(2))
	flush(fmt.Sprint("sibling ", r))

	y := A(3) + B(4)
	flush(fmt.Sprint("sum ", y))

	y = plain(1) + A(5)
	flush(fmt.Sprint("plain+async ", y))

	y = A(6) + plain(2)
	flush(fmt.Sprint("async+plain ", y))

	y = plain(3) + A(7) + plain(4) + B(8) + plain(5)
	flush(fmt.Sprint("mixed ", y))

	y = two(A(two(B(1), plain(6))), A(9))
	flush(fmt.Sprint("nested ", y))

	y = three(plain(7), A(10), plain(8))
	flush(fmt.Sprint("three ", y))

	x = 1
	y = x + SetX(5)
	flush(fmt.Sprint("x+setX ", y, x))

	x = 1
	y = x + setXPlain(5)
	flush(fmt.Sprint("x+setXPlain ", y, x))

	x = 2
	y = SetX(7) + x
	flush(fmt.Sprint("setX+x ", y, x))

	x = 3
	y = three(x, SetX(4), x)
	flush(fmt.Sprint("three(x,setX,x) ", y, x))

	arr := []int{0, 0, 0}
	arr[0], arr[1] = A(11), B(12)
	flush(fmt.Sprint("tuple assign ", arr))

	s := Str("a") + Str("b") + "c" + Str("d")
	flush("strings " + s)

	fmt.Println("println", A(13), plain(9), B(14))
	flush("println")

	z := -A(15) * (B(16) - A(17))
	flush(fmt.Sprint("unary/paren ", z))

	var f = func(a, b int) int { logf("f"); return a - b }
	y = f(A(18), B(19))
	flush(fmt.Sprint("funcval ", y))

	g := func() func(int) int {
		logf("getfn")
		return func(v int) int { return v + 1 }
	}
	y = g()(A(20))
	flush(fmt.Sprint("fn-expr first ", y))
}
