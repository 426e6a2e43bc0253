package main

import "github.com/corio-go/corio/rt"

// bool is redeclared: Poll's signature needs the predeclared bool.
type bool int

func main() { Main() }

//async:func
func Main() {
	rt.YieldNow()
}
