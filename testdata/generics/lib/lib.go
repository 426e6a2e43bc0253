// Package lib holds generic async functions and methods that another
// package's async functions await through their twins.
package lib

import (
	"fmt"

	"github.com/corio-go/corio/rt"
)

// Map applies f to each element, yielding between elements.
//
//async:func
func Map[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, 0, len(xs))
	for _, x := range xs {
		rt.YieldNow()
		out = append(out, f(x))
	}
	return out
}

// Box holds one value.
type Box[T any] struct{ V T }

// Swap replaces the value and returns the old one, yielding in between.
//
//async:func
func (b *Box[T]) Swap(v T) T {
	old := b.V
	rt.YieldNow()
	b.V = v
	return old
}

type hidden struct{ n int }

func (h hidden) String() string { return fmt.Sprint("hidden ", h.n) }

// Hidden is a value of a type that other packages cannot write.
var Hidden = hidden{7}
