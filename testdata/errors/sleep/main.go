package main

import (
	"time"

	"github.com/corio-go/corio/rt"
)

func main() { Main() }

//async:func
func Main() {
	rt.YieldNow()
	time.Sleep(time.Millisecond)
}
