package main

import (
	"fmt"

	"github.com/corio-go/corio/rt"
)

func main() { fmt.Println((&Box[int]{V: 1}).Get()) }

type Box[T any] struct{ V T }

//async:func
func (b *Box[T]) Get() T {
	rt.YieldNow()
	return b.V
}
