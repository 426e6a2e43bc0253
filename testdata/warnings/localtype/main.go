package main

import (
	"fmt"

	"github.com/corio-go/corio/rt"
)

func main() { Main() }

type Shadowed int

//async:func
func Main() {
	{
		type T [1]byte
		rt.YieldNow()
		fmt.Println(T{})
	}
	{
		type T [2]byte // named like the first: renamed in the future
		rt.YieldNow()
		fmt.Println(T{})
	}
	a := Shadowed(1)
	type Shadowed struct{} // the package's Shadowed is used: renamed
	rt.YieldNow()
	fmt.Println(a, Shadowed{})
	type Unused struct{} // no name taken: kept
	rt.YieldNow()
	fmt.Println(Unused{})
}
