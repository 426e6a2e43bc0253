package main

import (
	"sync"

	"github.com/corio-go/corio/rt"
)

func main() { Main() }

//async:func
func Main() {
	var wg sync.WaitGroup
	rt.YieldNow()
	wg.Wait()
}
