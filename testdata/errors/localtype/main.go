package main

import (
	"fmt"

	"github.com/corio-go/corio/rt"
)

func main() { Main() }

func show(v any) { fmt.Println(v) }

//async:func
func Main() {
	type pair struct{ a, b int }
	p := pair{1, 2}
	rt.YieldNow()
	// The deferred call runs outside Poll, where pair is not in scope.
	defer show(p)
	// The closure's future is declared at package level.
	f := rt.Async(func() int {
		rt.YieldNow()
		return pair{3, 4}.a
	})
	rt.Await(f)
}

//async:func
func Renamed() {
	{
		type X struct{ v int }
		rt.YieldNow()
		fmt.Println(X{})
	}
	type X struct{ w int }
	// The embedded field would be renamed with X.
	type Y struct{ X }
	rt.YieldNow()
	fmt.Println(Y{})
}

//async:func
func Seq() {
	type item struct{ s string }
	seq := func(yield func(item) bool) {
		yield(item{"a"})
	}
	for it := range seq {
		rt.YieldNow()
		fmt.Println(it)
	}
}

//async:func
func Const() int {
	type dur int
	const tick dur = 3
	// The closure's future would declare tick again, with its type.
	return rt.Await(rt.Async(func() int {
		rt.YieldNow()
		return int(tick)
	}))
}
