package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

//async:func
func Add(a, b int) int {
	rt.YieldNow()
	return a + b
}

//async:func
func Div(a, b int) (q int, err error) {
	rt.YieldNow()
	if b == 0 {
		err = fmt.Errorf("divide %d by zero", a)
		return
	}
	q = a / b
	return
}

//async:func
func Main() {
	x := Add(1, 2)
	fmt.Println("add", x)
	for i := 0; i < 3; i++ {
		y := Add(i, x) * 2
		fmt.Println("loop", i, y)
	}
	q, err := Div(7, 2)
	fmt.Println(q, err)
	q, err = Div(7, 0)
	fmt.Println(q, err)
}
