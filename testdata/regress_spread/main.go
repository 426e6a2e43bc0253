package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

//async:func
func Nums() []any {
	rt.YieldNow()
	return []any{1, 2, 3}
}

//async:func
func Main() {
	fmt.Println(Nums()...)
}
