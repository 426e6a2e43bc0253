package main

import "github.com/corio-go/corio/rt"

func main() {}

type T struct{}

//async:func
func _() {
	rt.YieldNow()
}

//async:func
func (T) _() {
	rt.YieldNow()
}
