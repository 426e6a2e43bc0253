package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

// "return 5, p" assigns 5 to the named result r before returning, so *p is 5.
//
//async:func
func F() (r int, p *int) {
	p = &r
	rt.YieldNow()
	return 5, p
}

//async:func
func Main() {
	r, p := F()
	fmt.Println(r, *p)
}
