package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

//async:func
func Main() {
	xs := []any{1, 2, 3}
	rt.YieldNow()
	fmt.Println(xs...) // no suspension in this statement
}
