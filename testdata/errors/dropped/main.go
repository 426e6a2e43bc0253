package main

import "github.com/corio-go/corio/rt"

func main() { Main() }

//async:func
func Work(n int) int {
	rt.YieldNow()
	return n
}

//async:func
func Main() {
	WorkAsync(1)
	rt.YieldNowAsync()
	Work(2)
}
