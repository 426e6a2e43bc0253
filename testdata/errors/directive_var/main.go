package main

import "github.com/corio-go/corio/rt"

func main() { Main() }

//async:func
var V = 1

//async:func
func Main() { rt.YieldNow() }
