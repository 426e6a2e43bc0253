package main

import (
	"errors"
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
func Pair(a, b int) (int, int) {
	rt.YieldNow()
	return a, b
}

//async:func
func Named(n int) (sum, prod int, err error) {
	sum = V(n) + n
	prod = n * n
	if n < 0 {
		err = errors.New("neg")
		return
	}
	if n == 0 {
		return 0, 0, nil
	}
	sum += V(1)
	return
}

//async:func
func Forward(n int) (int, int) {
	return Pair(n, V(n+1))
}

//async:func
func ForwardNamed(n int) (a, b int) {
	a = 99
	return Pair(n, a)
}

//async:func
func Triple() (string, int, error) {
	rt.YieldNow()
	return "t", 3, nil
}

//async:func
func ForwardTriple() (s string, n int, err error) {
	return Triple()
}

//async:func
func NamedModifiedAfterSusp() (r int) {
	r = 1
	rt.YieldNow()
	r *= 5
	return r + 1
}

//async:func
func Swap(a, b string) (string, string) {
	rt.YieldNow()
	return b, a
}

//async:func
func Idx(i int) int {
	logf("i%d", i)
	rt.YieldNow()
	return i
}

//async:func
func Key(k string) string {
	logf("k%s", k)
	rt.YieldNow()
	return k
}

func pidx(i int) int { logf("pi%d", i); return i }

//async:func
func Main() {
	a, b := Pair(1, 2)
	flush(fmt.Sprint("pair ", a, b))
	a, b = Pair(b, a)
	flush(fmt.Sprint("swap ", a, b))
	a, b = b, V(a)
	flush(fmt.Sprint("b,V(a) ", a, b))

	s, p, err := Named(3)
	flush(fmt.Sprint("named ", s, p, err))
	s, p, err = Named(-2)
	flush(fmt.Sprint("named neg ", s, p, err))
	s, p, err = Named(0)
	flush(fmt.Sprint("named zero ", s, p, err))

	a, b = Forward(5)
	flush(fmt.Sprint("forward ", a, b))
	a, b = ForwardNamed(7)
	flush(fmt.Sprint("forward named ", a, b))
	str, n, err := ForwardTriple()
	flush(fmt.Sprint("triple ", str, n, err))
	flush(fmt.Sprint("named modified ", NamedModifiedAfterSusp()))

	x, y := Swap("x", "y")
	flush(fmt.Sprint("swap str ", x, y))

	_, b = Pair(10, 20)
	flush(fmt.Sprint("blank ", b))

	// op=
	t := 1
	t += V(2)
	t *= V(3)
	t -= V(1)
	t <<= V(1)
	flush(fmt.Sprint("op= ", t))

	// op= where the right side modifies the left variable
	g := 10
	g += func() int { g = 100; return 1 }()
	flush(fmt.Sprint("op= plain modify ", g))

	// index order: s[i()] = f()
	arr := make([]int, 5)
	arr[Idx(1)] = V(10)
	flush(fmt.Sprint("idx ", arr))
	arr[pidx(2)] = V(20)
	flush(fmt.Sprint("pidx ", arr))
	arr[Idx(3)], arr[Idx(4)] = V(30), V(40)
	flush(fmt.Sprint("idx tuple ", arr))
	arr[Idx(0)] += V(5)
	flush(fmt.Sprint("idx += ", arr))

	// index op= where the index expression's slice is replaced by the rhs
	sl := []int{1, 2, 3}
	sl2 := sl
	sl[V(0)] = func() int { sl = []int{7, 7, 7}; return 9 }()
	flush(fmt.Sprint("slice replaced ", sl, sl2))

	// map
	m := map[string]int{"a": 1}
	m[Key("a")] += V(2)
	m[Key("b")] += V(3)
	m[Key("c")] = V(4)
	flush(fmt.Sprint("map ", m["a"], m["b"], m["c"], len(m)))
	m["a"]++
	flush(fmt.Sprint("map ++ ", m["a"]))

	// tuple assignment where lhs index uses a var also assigned
	i := 0
	s2 := []int{0, 0, 0}
	i, s2[i] = V(2), V(5)
	flush(fmt.Sprint("tuple lhs order ", i, s2))
	i, s2[i] = 1, V(6)
	flush(fmt.Sprint("tuple lhs order 2 ", i, s2))

	// swap via tuple with suspension
	u, w := 1, 2
	u, w = w, u+V(0)
	flush(fmt.Sprint("swap tuple ", u, w))

	// return multi into fields and pointer derefs
	type2 := struct{ A, B int }{}
	type2.A, type2.B = Pair(3, 4)
	pp := new(int)
	*pp, _ = Pair(8, 9)
	flush(fmt.Sprint("fields ", type2, *pp))

	// ok forms alongside suspension
	mm := map[int]string{1: "one"}
	val, ok := mm[V(1)]
	flush(fmt.Sprint("comma ok ", val, ok))
	var anyv any = V(3)
	iv, ok := anyv.(int)
	flush(fmt.Sprint("type assert ", iv, ok))

	// increments on struct field via pointer after suspension
	cnt := &struct{ N int }{}
	for range 3 {
		cnt.N += V(1)
	}
	flush(fmt.Sprint("cnt ", cnt.N))

	// string concat op=
	ss := "a"
	ss += fmt.Sprint(V(1))
	flush("str op= " + ss)
}
