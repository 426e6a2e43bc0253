package main

import "github.com/corio-go/corio/rt"

func main() {}

// async:func
func A() { rt.YieldNow() }

//async:fn
func B() { rt.YieldNow() }

//async:func

func C() { rt.YieldNow() }

// D is a real one.
//
//async:func
func D() {
	rt.YieldNow()
}
