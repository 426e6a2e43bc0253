package main

import (
	"unsafe"

	"github.com/corio-go/corio/rt"
)

func main() {
	var x int
	_ = Use(uintptr(unsafe.Pointer(&x)))
}

//async:func
//go:uintptrescapes
func Use(p uintptr) int {
	rt.YieldNow()
	return *(*int)(unsafe.Pointer(p))
}
