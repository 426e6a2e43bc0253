package main

import (
	"fmt"

	"github.com/corio-go/corio/rt"
)

func main() { Main() }

//async:func
func Get() any {
	rt.YieldNow()
	return 1
}

//async:func
func Main() {
	switch v := Get().(type) {
	case int:
		fmt.Println("int", v)
	}
}
