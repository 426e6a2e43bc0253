package main

import (
	"fmt"
	"sort"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
	"github.com/corio-go/corio/testdata/generics/lib"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

//async:func
func Id[T any](v T) T {
	rt.YieldNow()
	return v
}

//async:func
func Pair[K comparable, V any](k K, v V) (K, V) {
	rt.YieldNow()
	return k, Id(v)
}

// Touch prints a value of any type; callers may pass one whose type they
// cannot write.
//
//async:func
func Touch[T fmt.Stringer](v T) {
	rt.YieldNow()
	fmt.Println("touch", v.String())
}

type Stack[T any] struct{ items []T }

//async:func
func (s *Stack[T]) Push(v T) {
	rt.YieldNow()
	s.items = append(s.items, v)
}

//async:func
func (s *Stack[T]) Pop() T {
	rt.YieldNow()
	v := s.items[len(s.items)-1]
	s.items = s.items[:len(s.items)-1]
	return v
}

// PushAll awaits a method of its own receiver's type.
//
//async:func
func (s *Stack[E]) PushAll(vs ...E) int {
	for _, v := range vs {
		s.Push(v)
	}
	return s.Len()
}

// Len has a blank receiver type parameter.
//
//async:func
func (s *Stack[_]) Len() int {
	rt.YieldNow()
	return len(s.items)
}

// Drain pops recursively, through a method of a generic type.
//
//async:func
func (s *Stack[T]) Drain(out []T) []T {
	if s.Len() == 0 {
		return out
	}
	return s.Drain(append(out, s.Pop()))
}

type Box[T any] struct{ v T }

//async:func
func (b Box[T]) Get() T {
	rt.YieldNow()
	return b.v
}

// Number is a constraint with a type set.
type Number interface {
	~int | ~int64 | ~float64
}

// Fib recurses through a generic function with no annotation.
//
//async:func
func Fib[N Number](n N) N {
	if n < 2 {
		return n
	}
	rt.YieldNow()
	return Fib(n-1) + Fib[N](n-2)
}

// Even and Odd recurse through each other.
//
//async:func
func Even[T ~int](n T) bool {
	if n == 0 {
		return true
	}
	return Odd(n - 1)
}

//async:func
func Odd[T ~int](n T) bool {
	if n == 0 {
		return false
	}
	rt.YieldNow()
	return Even(n - 1)
}

// Sum ranges over a type parameter whose core type is a slice.
//
//async:func
func Sum[S ~[]E, E Number](s S) E {
	var t E
	for i, x := range s {
		rt.YieldNow()
		t += x * E(i+1)
	}
	return t
}

// Getter is a constraint with a plain method.
type Getter interface {
	Get() int
}

type num int

func (n num) Get() int { return int(n) * 10 }

// Total calls a constraint's method across suspension points.
//
//async:func
func Total[G Getter](gs []G) int {
	total := 0
	for _, g := range gs {
		x := g.Get()
		rt.YieldNow()
		total += x + g.Get()
	}
	return total
}

// Fetcher is a constraint whose method has a twin: calling it suspends.
type Fetcher interface {
	Fetch(k string) int
	FetchAsync(k string) rt.Future[int]
}

type cache struct {
	m    map[string]int
	hits int
}

//async:func
func (c *cache) Fetch(k string) int {
	rt.YieldNow()
	c.hits++
	return c.m[k]
}

//async:func
func FetchAll[F Fetcher](f F, keys ...string) map[string]int {
	out := map[string]int{}
	for _, k := range keys {
		out[k] = f.Fetch(k)
	}
	return out
}

// Keys is generic over a map, holding K and V values across suspensions.
//
//async:func
func Keys[M ~map[K]V, K comparable, V any](m M) []K {
	var ks []K
	for k, v := range m {
		ks = append(ks, Id(k))
		_ = v
	}
	return ks
}

// Cells holds a T whose address escapes across a suspension, and an array
// of T.
//
//async:func
func Cells[T any](a, b T) [2]T {
	x := a
	p := &x
	rt.YieldNow()
	*p = b
	arr := [2]T{a, x}
	rt.YieldNow()
	return arr
}

// Shadow uses type parameter names the generated code would choose.
//
//async:func
func Shadow[rt, fut any](a rt, b fut) (fut, rt) {
	return Id(b), Id(a)
}

// Count has a blank type parameter, given explicitly by its callers.
//
//async:func
func Count[_ any](n int) int {
	c := 0
	for range n {
		c += Id(1)
	}
	return c
}

// Kind switches on a type parameter's value.
//
//async:func
func Kind[T any](v T) string {
	switch x := any(v).(type) {
	case int:
		rt.YieldNow()
		return fmt.Sprint("int ", x)
	case string:
		return "string " + Id(x)
	}
	return "other"
}

// Arr takes the address of an element of a type-parameter array across a
// suspension, and ranges over it.
//
//async:func
func Arr[A ~[3]int](a A) A {
	p := &a[1]
	rt.YieldNow()
	*p += 10
	for i, x := range a {
		rt.YieldNow()
		a[i] = x * 2
	}
	return a
}

// Runes ranges over a ~string type parameter by rune.
//
//async:func
func Runes[S ~string](s S) int {
	n := 0
	for i, r := range s {
		rt.YieldNow()
		n += i * int(r)
	}
	return n
}

type word string

// Deep recurses n deep through a generic function and suspends at the
// bottom several times: the frames of its instances resume at the leaf.
//
//async:func
func Deep[T any](n int, v T) T {
	if n == 0 {
		for range 3 {
			rt.YieldNow()
		}
		return v
	}
	return Deep(n-1, v)
}

//async:func
func Main() {
	fmt.Println(Id(1), Id[string]("a"), Id[float64](1))
	k, v := Pair("k", 2.5)
	fmt.Println(k, v)

	s := &Stack[int]{}
	s.Push(1)
	s.Push(Id(2))
	fmt.Println(s.Pop(), s.Pop(), s.Len())
	fmt.Println(s.PushAll(3, 4, 5), s.Drain(nil))
	ss := &Stack[string]{}
	fmt.Println(ss.PushAll("x", "y"), ss.Drain([]string{"w"}))
	fmt.Println(Box[string]{"boxed"}.Get())

	fmt.Println(Fib(10), Fib[int64](12), Fib(6.0))
	fmt.Println(Even(10), Odd(7), Even[int](3))
	fmt.Println(Sum([]int{1, 2, 3}), Sum([]float64{0.5, 1.5}))
	fmt.Println(Total([]num{1, 2, 3}))

	c := &cache{m: map[string]int{"a": 1, "b": 2}}
	got := FetchAll(c, "a", "b", "z")
	fmt.Println(got["a"], got["b"], got["z"], c.hits)

	ks := Keys(map[string]bool{"p": true, "q": false})
	sort.Strings(ks)
	fmt.Println(ks)
	fmt.Println(Cells("a", "b"), Cells(1, 2))
	x, y := Shadow(1, "one")
	fmt.Println(x, y)
	fmt.Println(Count[struct{}](3), Kind(4), Kind("s"), Kind(1.5))
	fmt.Println(Arr([3]int{1, 2, 3}), Runes(word("héllo")), Runes("ab"))
	fmt.Println(Deep(10000, "deep"), Deep[word](3, "w"))
	pt := &Pt[string]{"x", "y"}
	fmt.Println(Ident(3), Ident[word]("i"), pt.Swap(), *pt)
	wk := &Walker[word]{}
	fmt.Println(wk.Pong(7, "ball"), wk.log)
	s.Push(77)
	fmt.Println(Gather([]string{"g1", "g2"}), Zero[int](), Zero[string]() == "", s.PopLater())

	// Func variables holding instances of generic functions and methods of
	// generic types: calls through them suspend.
	fid := Id[int]
	var fstr func(string) string = Id
	pop := s.Pop
	s.Push(40)
	s.Push(41)
	fmt.Println(fid(5), fstr("inferred"), pop(), pop())
	push := (*Stack[int]).Push
	push(s, 42)
	fmt.Println(s.Pop())

	// Generic futures through rt's generic APIs.
	h := rt.Spawn(IdAsync(7))
	r, err := h.Join()
	fmt.Println(r, err)
	h2 := rt.Spawn(IdAsync[int64](8))
	r2, err := h2.Join()
	fmt.Println(r2, err)
	hp := rt.Spawn(PairAsync("x", 1))
	tp, err := hp.Join()
	fmt.Println(tp.V0, tp.V1, err)
	hs := rt.Spawn(s.DrainAsync([]int{9}))
	rs, err := hs.Join()
	fmt.Println(rs, err)
	fmt.Println(rt.Await(FibAsync(7)))

	// Generic functions and methods of another package, with twins.
	strs := lib.Map([]int{1, 2}, func(i int) string { return fmt.Sprint("#", i) })
	lens := lib.Map[string, int](strs, func(s string) int { return len(s) })
	fmt.Println(strs, lens)
	b := &lib.Box[string]{V: "old"}
	fmt.Println(b.Swap("new"), b.V)
	Touch(lib.Hidden)
}

// Ident's type parameter is named like the function.
//
//async:func
func Ident[Ident any](v Ident) Ident {
	var w Ident = v
	rt.YieldNow()
	return w
}

type Pt[T any] struct{ x, y T }

// Swap's receiver type parameter is named like its type.
//
//async:func
func (p *Pt[Pt]) Swap() Pt {
	var t Pt = p.x
	rt.YieldNow()
	p.x, p.y = p.y, t
	return t
}

// Walker's Ping and Pong recurse through each other, as methods of a
// generic type.
type Walker[T any] struct{ log []T }

//async:func
func (w *Walker[T]) Ping(n int, v T) {
	if n == 0 {
		return
	}
	rt.YieldNow()
	w.log = append(w.log, v)
	w.Pong(n-1, v)
}

//async:func
func (w *Walker[T]) Pong(n int, v T) int {
	if n > 0 {
		w.Ping(n-1, v)
	}
	return len(w.log)
}

// Gather spawns an async closure per element; each captures a T.
//
//async:func
func Gather[T any](xs []T) []T {
	var hs []*rt.JoinHandle[T]
	for _, x := range xs {
		hs = append(hs, rt.Spawn(rt.Async(func() T {
			rt.YieldNow()
			return Id(x)
		})))
	}
	out := make([]T, 0, len(xs))
	for _, h := range hs {
		v, _ := h.Join()
		out = append(out, v)
	}
	return out
}

// Zero's closure yields a T but captures none: its constructor's type
// argument is written out.
//
//async:func
func Zero[T any]() T {
	return rt.Await(rt.Async(func() T {
		var z T
		rt.YieldNow()
		return z
	}))
}

// PopLater pops in an async closure of a generic type's method.
//
//async:func
func (s *Stack[T]) PopLater() T {
	return rt.Await(rt.Async(func() T {
		return s.Pop()
	}))
}
