// Local type declarations in async functions: the types are hoisted into
// Poll with their own names, so %T, reflect, type switches, interface
// comparisons and map keys of interface type see what direct mode sees.
package main

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

// Named is a package-level type with a method, embedded by local types.
type Named struct{ N string }

func (n Named) Hello() string { return "hello " + n.N }

func (n *Named) Rename(s string) { n.N = s }

type greeter interface{ Hello() string }

// Shadowed is a package-level name that a local type redeclares.
type Shadowed int

//async:func
func Y() { rt.YieldNow() }

//async:func
func Id[T any](v T) T {
	rt.YieldNow()
	return v
}

func describe(v any) string {
	t := reflect.TypeOf(v)
	return fmt.Sprintf("%T %q %q %v", v, t.String(), t.Name(), v)
}

//async:func
func Basic() {
	type point struct{ X, Y int }
	p := point{1, 2}
	Y()
	p.X += 10
	fmt.Println(describe(p))
	ps := []point{p, {3, 4}}
	Y()
	ps[1].Y++
	fmt.Println(describe(ps), len(ps))
	m := map[point]string{p: "p"}
	Y()
	fmt.Println(m[point{11, 2}], describe(&ps[0]))
}

//async:func
func Recursive() {
	type node struct {
		v    int
		next *node
	}
	var head *node
	for i := 0; i < 4; i++ {
		head = &node{i, head}
		Y()
	}
	var sb strings.Builder
	for n := head; n != nil; n = n.next {
		Y()
		fmt.Fprintf(&sb, "%d ", n.v)
	}
	fmt.Println("list", sb.String(), describe(head.next.next.next))
}

//async:func
func Embedding() {
	type inner struct {
		Named
		k int
	}
	type outer struct {
		*inner
		tag string `lt:"tag"`
	}
	o := outer{&inner{Named{"a"}, 1}, "t"}
	Y()
	o.Rename("b") // promoted through two embeddings, pointer receiver
	var g greeter = o
	Y()
	fmt.Println(g.Hello(), o.k, o.N, describe(o.inner.Named))
	f, _ := reflect.TypeOf(o).FieldByName("tag")
	fmt.Println(f.Tag.Get("lt"), reflect.TypeOf(o).NumMethod(), reflect.TypeOf(o).Field(0).Name)
	h := o.Hello // a method value of a promoted method
	Y()
	fmt.Println(h())
}

//async:func
func Closures() {
	type counter struct{ n int }
	c := counter{}
	inc := func() { c.n++ }
	Y()
	inc()
	inc()
	Y()
	fmt.Println("counter", c.n, describe(c))
	// one variable per iteration, each captured
	var fs []func() counter
	for i := 0; i < 3; i++ {
		k := counter{i * 10}
		fs = append(fs, func() counter { k.n++; return k })
		Y()
	}
	for _, f := range fs {
		fmt.Print(f().n, " ")
	}
	fmt.Println()
}

//async:func
func Switches() {
	type A struct{ a int }
	type B []string
	type C = map[string]int // an alias: no new type
	vals := []any{A{1}, B{"x"}, C{"k": 1}, 7, nil}
	for _, v := range vals {
		Y()
		switch x := v.(type) {
		case A:
			Y()
			fmt.Println("A", x.a, describe(x))
		case B:
			Y()
			fmt.Println("B", len(x), describe(x))
		case C:
			fmt.Println("C", x["k"], describe(x))
		default:
			fmt.Printf("default %T\n", x)
		}
	}
}

//async:func
func Conversions() {
	type Celsius float64
	type Fahrenheit float64
	type Temps []Celsius
	c := Celsius(100)
	Y()
	f := Fahrenheit(c*9/5 + 32)
	ts := Temps{c, Celsius(f)}
	Y()
	fmt.Println(describe(f), describe(ts), describe([]Celsius(ts)))
	type bytes []byte
	b := bytes("héllo")
	Y()
	fmt.Println(string(b), describe(b), len([]rune(string(b))))
}

//async:func
func Comparisons() {
	type K struct{ s string }
	type L struct{ s string }
	var set = map[any]int{}
	set[K{"a"}] = 1
	Y()
	set[L{"a"}] = 2 // a different type: a different key
	set[K{"a"}] += 10
	Y()
	fmt.Println(len(set), set[K{"a"}], set[L{"a"}])
	var x, y any = K{"z"}, L{"z"}
	Y()
	fmt.Println(x == y, x == any(K{"z"}), K(y.(L)) == x)
	var keys []string
	for k := range set {
		keys = append(keys, describe(k))
	}
	sort.Strings(keys)
	fmt.Println(strings.Join(keys, "; "))
}

//async:func
func Blocks() {
	// Two local types named T in sibling blocks: distinct types. The
	// second is renamed in the future (asyncgen warns); %T is not printed.
	var ts []any
	{
		type T [1]byte
		t := T{1}
		Y()
		ts = append(ts, t)
	}
	{
		type T [1]byte
		t := T{1}
		Y()
		ts = append(ts, t)
		fmt.Println(ts[0] == ts[1], ts[1] == any(T{1}))
	}
	// A local type redeclaring a package-level name that the function
	// does not use keeps its name.
	type Shadowed struct{ v int }
	s := Shadowed{3}
	Y()
	fmt.Println(s.v, describe(s))
	// A block without a suspension point keeps its local type as written.
	{
		type kept struct{ a, b int }
		k := kept{1, 2}
		fmt.Println(describe(k))
	}
}

//async:func
func UsesShadowed() {
	// The function uses the package's Shadowed: its own is renamed in
	// the future (asyncgen warns); its %T is not printed.
	a := Shadowed(1)
	type Shadowed struct{ w string }
	b := Shadowed{"b"}
	Y()
	fmt.Println(describe(a), b.w, reflect.TypeOf(b).Kind())
}

// Scoped is declared at package level and, differently, in SetScoped.
type Scoped struct{}

var scoped any

//async:func
func SetScoped() {
	type Scoped struct{}
	Y()
	scoped = Scoped{}
}

// assertScoped asserts scoped to the package's Scoped: the runtime's
// message names both types, and says they are from different scopes when
// their names are equal.
func assertScoped() (msg string) {
	defer func() { msg = fmt.Sprint(recover()) }()
	_ = scoped.(Scoped)
	return "no panic"
}

//async:func
func Consts() {
	const n = 3
	type arr [n * 2]int
	type E int
	const e1, e2 E = 1, 2
	var a arr
	Y()
	a[n] = int(e2)
	fmt.Println(describe(a), describe(e1+e2), len(a))
}

//async:func
func Generic[T any](v T) string {
	type box struct{ v T }
	type plain struct{ n int } // the type arguments are part of its name too
	b := box{v}
	Y()
	p := plain{1}
	Y()
	return describe(b) + " | " + describe(p)
}

//async:func
func GenericLocal[T comparable](v T) string {
	// A generic local type, its type parameters shadowing the function's
	// (Go's fixedbugs/issue72063.go declares one like it).
	type pair[T any, U comparable] struct {
		a T
		b U
	}
	p := pair[T, string]{v, "u"}
	Y()
	q := pair[int, T]{1, v}
	Y()
	return describe(p) + " | " + describe(q)
}

// Bag is a generic type with an async method declaring a local type that
// depends on the type parameter.
type Bag[T any] struct{ items []T }

//async:func
func (b *Bag[T]) Entries() string {
	type entry struct {
		i int
		v T
	}
	var es []entry
	for i, v := range b.items {
		Y()
		es = append(es, entry{i, v})
	}
	last := es[len(es)-1] // holds a type parameter: boxed, not raw
	Y()
	return describe(es) + " " + describe(last)
}

//async:func
func Awaits() {
	type pair struct{ a, b int }
	// a generic callee instantiated with a local type: its future is held
	// in the interface field
	p := Id(pair{1, 2})
	q := Id[[]pair]([]pair{p})
	fmt.Println(describe(p), describe(q))
	// a value of a local type spilled before a suspension point
	mk := func(i int) pair { return pair{i, -i} }
	fmt.Println(describe(mk(5)), Id(7), describe(mk(6)))
}

//async:func
func Deferred() (out string) {
	type acc struct{ parts []string }
	a := &acc{}
	// A deferred func literal runs the call that names the local type.
	defer func() { out = strings.Join(a.parts, "+") + " " + describe(*a) }()
	for i := 0; i < 3; i++ {
		Y()
		a.parts = append(a.parts, fmt.Sprint(i))
	}
	return "unused"
}

// Holder has an async method declaring a local type.
type Holder struct{ n int }

//async:func
func (h Holder) Method() string {
	type wrapped struct{ h Holder }
	w := wrapped{h}
	Y()
	w.h.n++
	return describe(w)
}

//async:func
func Loops() {
	for i := 0; i < 2; i++ {
		// declared again each iteration: the same type each time
		type it struct{ i int }
		v := it{i}
		Y()
		fmt.Println(describe(v))
	}
	// An async closure declaring its own local type.
	f := rt.Async(func() string {
		type q struct{ s string }
		x := q{"closure"}
		Y()
		return describe(x)
	})
	fmt.Println(rt.Await(f))
}

//async:func
func Ranges() {
	// The loops' hidden counters and copies have the local types too.
	type N int
	for i := range N(3) {
		Y()
		fmt.Print(describe(i), " ")
	}
	fmt.Println()
	var k N
	for k = range N(2) {
		Y()
	}
	k += 5
	k++
	Y()
	fmt.Println(describe(k))
	type arr [3]N
	for i, v := range (arr{1, 2, 3}) {
		Y()
		fmt.Print(i, describe(v), " ")
	}
	fmt.Println()
	m := map[N]arr{1: {1}}
	for k, v := range m {
		Y()
		fmt.Println(describe(k), describe(v))
	}
	// A local interface type, nil and not, across suspension points.
	type stringer interface{ String() string }
	var s stringer
	Y()
	fmt.Println(s == nil)
	for _, x := range []stringer{nil, &strings.Builder{}} {
		Y()
		fmt.Printf("%v %T\n", x == nil, x)
	}
}

//async:func
func Main() {
	Basic()
	Recursive()
	Embedding()
	Closures()
	Switches()
	Conversions()
	Comparisons()
	Blocks()
	Consts()
	UsesShadowed()
	SetScoped()
	fmt.Println(assertScoped())
	fmt.Println(Generic(1))
	fmt.Println(Generic("s"))
	fmt.Println(Generic([]float64{1.5}))
	fmt.Println(GenericLocal(7))
	fmt.Println((&Bag[int]{[]int{4, 5}}).Entries())
	fmt.Println((&Bag[string]{[]string{"x"}}).Entries())
	Awaits()
	fmt.Println(Deferred())
	fmt.Println(Holder{1}.Method())
	Loops()
	Ranges()
}
