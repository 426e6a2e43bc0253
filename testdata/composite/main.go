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
func S(s string) string {
	logf("s%s", s)
	rt.YieldNow()
	return s
}

//async:func
func Sl() []int {
	logf("sl")
	rt.YieldNow()
	return []int{10, 20, 30, 40, 50}
}

//async:func
func Pt(x, y int) *P {
	logf("pt")
	rt.YieldNow()
	return &P{X: x, Y: y}
}

type P struct {
	X, Y int
	Tags []string
	In   *P
}

func (p *P) Sum() int { logf("sum"); return p.X + p.Y }

//async:func
func MakeP() P {
	return P{X: V(1), Y: V(2), Tags: []string{S("a"), "b", S("c")}}
}

//async:func
func Main() {
	p := P{Y: V(2), X: V(1)}
	flush(fmt.Sprint("struct lit keyed out of order ", p.X, p.Y))

	q := &P{V(3), V(4), []string{S("x")}, &P{X: V(5)}}
	flush(fmt.Sprint("nested ", q.X, q.Y, q.Tags, q.In.X))

	s := []int{V(1), 2, V(3), plain(4)}
	flush(fmt.Sprint("slice lit ", s))

	m := map[string]int{S("k1"): V(1), "k2": V(2)}
	flush(fmt.Sprint("map lit ", m["k1"], m["k2"]))

	a := [...]int{2: V(9), 0: V(7)}
	flush(fmt.Sprint("array lit ", a))

	// index and slice expressions
	e := Sl()[V(2)]
	flush(fmt.Sprint("index ", e))
	sub := Sl()[V(1):V(3)]
	flush(fmt.Sprint("slice ", sub))
	sub3 := s[V(0):V(1):V(2)]
	flush(fmt.Sprint("slice3 ", sub3, cap(sub3)))
	str := S("hello")[V(1):]
	flush("string slice " + str)
	ch := S("xyz")[V(2)]
	flush(fmt.Sprint("string index ", string(ch)))
	mv := m[S("k2")]
	flush(fmt.Sprint("map index ", mv))

	// conversions
	f := float64(V(3)) / 2
	flush(fmt.Sprint("conversion ", f))
	bs := []byte(S("ab"))
	flush(fmt.Sprint("bytes ", bs))
	u := uint8(V(300 - 44))
	flush(fmt.Sprint("uint8 ", u))
	var iface any = V(5)
	flush(fmt.Sprint("any ", iface))

	// return values
	mp := MakeP()
	flush(fmt.Sprint("return composite ", mp.X, mp.Y, mp.Tags))

	// call arguments: variadic
	fmt.Println("variadic", V(1), S("two"), []any{V(3)})
	flush("variadic")
	joined := strings.Join([]string{S("a"), S("b")}, S("-"))
	flush("join " + joined)
	sum := sumv(V(1), V(2), V(3))
	flush(fmt.Sprint("sumv ", sum))
	sl := Sl()
	sum = sumv(sl[0], sl[4])
	flush(fmt.Sprint("sumv spread ", sum))

	// struct fields
	p.X = V(11)
	q.In.Y = V(12)
	Pt(0, 0).X = V(13) // assignment to field of a fresh pointer
	flush(fmt.Sprint("fields ", p.X, q.In.Y))
	fmt.Println("field of call", Pt(5, 6).Y)
	flush("field of call")

	// plain method on the result of an async call
	fmt.Println("method on result", Pt(V(1), V(2)).Sum())
	flush("method on result")

	// pointer deref of an async result
	pp := *Pt(7, 8)
	flush(fmt.Sprint("deref ", pp.X))

	// address of composite with suspension
	ap := &[]int{V(1)}
	flush(fmt.Sprint("addr ", *ap))

	// builtins with suspension args
	n := len(Sl()) + cap(s[:V(2)])
	flush(fmt.Sprint("len/cap ", n))
	s = append(s, V(5), V(6))
	flush(fmt.Sprint("append ", s))
	mx := max(V(3), 1, V(9))
	flush(fmt.Sprint("max ", mx))
	cp := make([]int, V(3), V(5))
	flush(fmt.Sprint("make ", len(cp), cap(cp)))
	cnt := copy(cp, Sl())
	flush(fmt.Sprint("copy ", cnt, cp))
	delete(m, S("k1"))
	flush(fmt.Sprint("delete ", len(m)))

	// comparison and arithmetic involving struct results
	eq := MakeP().X == V(1)
	flush(fmt.Sprint("eq ", eq))

	// anonymous struct and func literal inside composite
	anon := struct {
		A int
		F func() int
	}{A: V(4), F: func() int { return 1 }}
	flush(fmt.Sprint("anon ", anon.A, anon.F()))

	// interface method call on async result
	var st fmt.Stringer = strBox{S("box")}
	flush("stringer " + st.String())

	// expression statement: discarded async result
	V(99)
	_ = V(100)
	flush("discard")
}

type strBox struct{ s string }

func (b strBox) String() string { return "[" + b.s + "]" }

func plain(n int) int { logf("p%d", n); return n }

func sumv(xs ...int) int {
	t := 0
	for _, x := range xs {
		t += x
	}
	return t
}
