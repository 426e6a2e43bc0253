package asyncrules

import "go/types"

// CoreType is t's underlying type or, for a type parameter, its core type:
// the underlying type every type of its type set shares (a range over
// C ~chan int receives from a channel); nil where they differ or the set
// is not restricted to types.
func CoreType(t types.Type) types.Type {
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
