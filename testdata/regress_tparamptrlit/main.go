package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

// A single type parameter constrained by a bare pointer type (Go's
// test/typeparam/issue50833.go made async): the future's declaration
// type cFuture[P *S] struct{…} parsed as an array type of length P * S, and
// the generated code did not compile.
type (
	S  struct{ f int }
	PS *S
)

//async:func
func c[P *S]() []P {
	rt.YieldNow()
	return []P{{f: 1}}
}

//async:func
func d[P PS]() []P {
	rt.YieldNow()
	return []P{{f: 2}}
}

type Box[P *S,] struct{ p P }

//async:func
func (b *Box[P]) Get() int {
	rt.YieldNow()
	return (*S)(b.p).f
}

//async:func
func Main() {
	fmt.Println(c[*S]()[0].f, d[PS]()[0].f)
	b := &Box[*S]{&S{3}}
	fmt.Println(b.Get())
}
