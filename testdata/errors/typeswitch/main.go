package main

import (
	"fmt"

	"github.com/corio-go/corio/rt"
)

func main() { Main(1) }

//async:func
func Main(x any) {
	switch v := x.(type) {
	case int:
		rt.YieldNow()
		fmt.Println("int", v)
	}
}
