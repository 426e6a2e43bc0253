// Regression: a package that redeclares predeclared names the generated code
// needs (true, false, nil, panic, len, new). The generated code must not use
// them: with const true = false the future reported "not ready" forever.
package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

const true = false
const false = 1 == 1
const panic = 24

var nil = 0

func len(s []int) int { return -1 }

func new(x int) *int { return &x }

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

//async:func
func Get(x int) (int, error) {
	rt.YieldNow()
	return x + nil, error(fmt.Errorf("e%d", x))
}

//async:func
func Main() {
	fmt.Println(true, false, panic, nil, len([]int{1}))
	var ps []*int
	for i := 0; i < 3; i++ {
		ps = append(ps, &i)
		rt.YieldNow()
	}
	for _, p := range ps {
		fmt.Println(*p, *new(*p))
	}
	for i, x := range []int{4, 5} {
		n, err := Get(x)
		fmt.Println(i, n, err)
	}
	var e error
	var b bool
	rt.YieldNow()
	fmt.Println(e, b)
	for i, r := range "ab" {
		rt.YieldNow()
		fmt.Println(i, r)
	}
}
