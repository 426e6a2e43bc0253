package main

import "github.com/corio-go/corio/rt"

func main() { Main() }

//async:func
func Step() { rt.YieldNow() }

//async:func
func Main() {
	for i := 0; i < 3; i++ {
		func() {
			Step()
		}()
	}
}
