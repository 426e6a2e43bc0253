package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

// Values whose size depends on a type parameter, where the lowering asks
// how gc passes them (Go's test/typeparam/cons.go made async): asyncgen
// measured them with go/types, which cannot, and crashed with an internal
// error.
type Cons[T any] struct {
	Head T
	Tail any
}

//async:func
func Wrap[T any](h T) any {
	// Cons[T] converted to an interface next to a suspension point.
	return Cons[T]{h, nil}.Tail == nil && Yes() || fmt.Sprint(Cons[T]{h, nil}, Id(1)) == ""
}

//async:func
func Yes() bool {
	rt.YieldNow()
	return true
}

//async:func
func Id(n int) int {
	rt.YieldNow()
	return n
}

//async:func
func Index[K comparable, V any](m map[K]V, k K, one [1]V) (V, int) {
	// map indexes with key and element of the type parameters', next to
	// suspension points.
	return m[k], Id(len(m)) + len(fmt.Sprint(m[k], one, Id(2)))
}

//async:func
func Main() {
	fmt.Println(Wrap(3), Wrap("s"))
	fmt.Println(Index(map[string]int{"a": 1}, "a", [1]int{4}))
	fmt.Println(Index(map[[2]int]Cons[int]{{1, 2}: {5, nil}}, [2]int{1, 2}, [1]Cons[int]{}))
}
