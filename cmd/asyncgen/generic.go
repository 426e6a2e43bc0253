package main

// Generics. A generic async function, or an async method of a generic
// type, gets a generic future: the future type declares the function's (or
// the receiver type's) type parameters, with the same names and
// constraints, so the lowered body's types read as in the source; the twin
// and the by-value constructor declare them too, and Poll, PollFrame and
// Cancel name them in their receivers. An await of a generic callee of the
// package uses the callee's future instantiated with the call's type
// arguments (written or inferred): the frame's pointer type (*fFuture[int])
// and the inlined child's field, one per callee and instance.

import (
	"go/types"
)

// tparams is the type parameter list of the future: a generic function's,
// or the receiver type's for a method of a generic type (a method has no
// type parameters of its own).
func (fn *asyncFunc) tparams() *types.TypeParamList {
	if l := fn.sig.RecvTypeParams(); l.Len() > 0 {
		return l
	}
	return fn.sig.TypeParams()
}

// typeParams is l as a slice.
func typeParams(l *types.TypeParamList) []*types.TypeParam {
	var out []*types.TypeParam
	for i := 0; i < l.Len(); i++ {
		out = append(out, l.At(i))
	}
	return out
}

// coreType is t's underlying type or, for a type parameter, its core type:
// the underlying type that every type of its type set shares (S ~[]E
// ranges as a slice); nil where they differ or the set is unrestricted.
func coreType(t types.Type) types.Type {
	tp, ok := types.Unalias(t).(*types.TypeParam)
	if !ok {
		return t.Underlying()
	}
	var core types.Type
	same := true
	var walk func(t types.Type)
	walk = func(t types.Type) {
		switch u := t.Underlying().(type) {
		case *types.Interface:
			for i := 0; i < u.NumEmbeddeds(); i++ {
				walk(u.EmbeddedType(i))
			}
		case *types.Union:
			for i := 0; i < u.Len(); i++ {
				walk(u.Term(i).Type())
			}
		default:
			if core == nil {
				core = u
			} else if !types.Identical(core, u) {
				same = false
			}
		}
	}
	walk(tp.Constraint())
	if !same {
		return nil
	}
	return core
}
