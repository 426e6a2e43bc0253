package main

import "github.com/corio-go/corio/rt"

func main() { Main() }

// T is not a function.
//
//async:func
type T struct{}

//async:func
func Main() { rt.YieldNow() }
