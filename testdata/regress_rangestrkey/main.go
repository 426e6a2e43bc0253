package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

//async:func
func Main() {
	for i := range "héllo" {
		rt.YieldNow()
		fmt.Println("string key", i)
	}
	for i, _ := range "aé" {
		rt.YieldNow()
		fmt.Println("string key, blank value", i)
	}
}
