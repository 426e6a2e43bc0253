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
func V(n int) int {
	logf("v%d", n)
	rt.YieldNow()
	return n
}

//async:func
func P(p *int) *int {
	logf("P")
	rt.YieldNow()
	return p
}

type S struct {
	A   int
	Arr [3]int
}

var global *int
var gs []*int

//async:func
func Main() {
	// struct and array copies across suspension
	s1 := S{A: 1, Arr: [3]int{1, 2, 3}}
	s2 := s1
	V(0)
	s1.A = 10
	s1.Arr[0] = 10
	fmt.Println("struct copy", s1, s2)
	arr := [3]int{1, 2, 3}
	arr2 := arr
	V(0)
	arr[1] = 20
	fmt.Println("array copy", arr, arr2)
	flush("")

	// address escaping into a global before a suspension
	x := 1
	global = &x
	V(0)
	*global = 2
	fmt.Println("escaped", x, *global)
	x = V(3)
	fmt.Println("escaped 2", *global)
	flush("")

	// addresses of per-iteration body variables collected
	gs = nil
	for i := 0; i < 3; i++ {
		var z int
		z = V(i * 10)
		gs = append(gs, &z)
		V(0)
		z++
	}
	fmt.Print("collected")
	for _, p := range gs {
		fmt.Print(" ", *p)
	}
	fmt.Println()
	flush("")

	// inc/dec with suspending index: index evaluated once
	sl := []int{0, 0, 0}
	sl[V(1)]++
	sl[V(2)]--
	flush(fmt.Sprint("incdec ", sl))

	// pointer indirection on the left with a suspending pointer expression
	y := 5
	*P(&y) = V(6)
	flush(fmt.Sprint("deref lhs ", y))
	*P(&y) += V(1)
	flush(fmt.Sprint("deref op= ", y))

	// stored futures awaited later; futures are lazy until awaited
	f1 := VAsync(100)
	f2 := VAsync(200)
	logf("created")
	b := rt.Await(f2)
	a := rt.Await(f1)
	flush(fmt.Sprint("await stored ", a, b))
	fs := []rt.Future[int]{VAsync(1), VAsync(2), VAsync(3)}
	t := 0
	for _, f := range fs {
		t += rt.Await(f)
	}
	flush(fmt.Sprint("await slice ", t))

	// a function value of an async function stored in a variable: the call suspends on its twin
	g := V
	flush(fmt.Sprint("func value ", g(7)))

	// value captured by interface conversion before modification
	var iv any = s1
	s1.A = 99
	V(0)
	fmt.Println("iface copy", iv.(S).A, s1.A)
	flush("")

	// string building across suspensions
	var sb strings.Builder
	for i := range 3 {
		sb.WriteString(fmt.Sprint(V(i)))
	}
	flush("builder " + sb.String())

	// multiple assignment swap of struct fields with suspension
	s1.A, s2.A = s2.A, V(s1.A)
	flush(fmt.Sprint("swap fields ", s1.A, s2.A))

	// shadowing in := with a suspending right side that reads the outer variable
	n := 1
	{
		n := V(n + 1)
		logf("inner %d", n)
	}
	flush(fmt.Sprint("outer ", n))

	// constants and iota-typed values
	const k = 7
	fmt.Println("const", V(k)*k)
	flush("")
}
