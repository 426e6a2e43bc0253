package main

import (
	"os"

	"github.com/corio-go/corio/rt"
)

func main() { Main() }

//async:func
func Main() {
	rt.YieldNow()
	_, _ = os.ReadFile("/dev/null")
}
