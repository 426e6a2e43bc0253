package main

// Sizes: asyncgen -sizes reports each generated future's size and fields,
// largest first. A future is the whole state of a suspended task, so its
// size is the task's memory; a test pins the sizes of the test programs'
// futures so that growth is a reviewed change.

import (
	"cmp"
	"fmt"
	"go/types"
	"io"
	"slices"
	"strings"
)

// futureSize is the layout of one generated future type.
type futureSize struct {
	pkg     string // the package path
	name    string // the future type
	fn      string // the async function
	pos     string // its position
	fields  []sizeField
	tparams []*types.TypeParam // a generic future's type parameters, which its fields' types name
	// childArgs are the type arguments of each inlined generic child, by
	// its field's name.
	childArgs map[string][]types.Type
}

type sizeField struct {
	name  string
	t     types.Type
	text  string // the type as written for the report
	child string // an inlined child future: its type name (t is nil)
}

// layout returns the size of the future and of each field, for a target's
// sizes, in declaration order. A field whose size depends on a type
// parameter of a generic future (a T, a [2]T, a struct holding one) has
// size -1 and counts as empty in the total: the total is then a lower
// bound, which each instance exceeds by its type arguments' sizes.
func (f *futureSize) layout(sizes types.Sizes, byName map[string]*futureSize) (total int64, each []int64) {
	st, each := f.structType(sizes, byName, 0, nil)
	return sizes.Sizeof(st), each
}

// structType is the future as a struct type, its type parameters replaced
// as subst says; an inlined child becomes its own struct type, instantiated
// with its type arguments. A field whose size is not known is an empty
// struct there and -1 in each.
func (f *futureSize) structType(sizes types.Sizes, byName map[string]*futureSize, depth int, subst map[*types.TypeParam]types.Type) (*types.Struct, []int64) {
	var vars []*types.Var
	var each []int64
	for _, fl := range f.fields {
		t := substSized(fl.t, subst)
		known := true
		if fl.child != "" {
			t = types.Typ[types.Int]
			if c := byName[fl.child]; c != nil && depth < 64 {
				var cs map[*types.TypeParam]types.Type
				for i, tp := range c.tparams {
					if args := f.childArgs[fl.name]; i < len(args) {
						if cs == nil {
							cs = map[*types.TypeParam]types.Type{}
						}
						cs[tp] = substAll(args[i], subst)
					}
				}
				var ce []int64
				t, ce = c.structType(sizes, byName, depth+1, cs)
				known = !slices.Contains(ce, -1)
			}
		} else {
			known = !sizedByTypeParam(t)
		}
		if !known {
			t = types.NewStruct(nil, nil)
		}
		vars = append(vars, types.NewField(0, nil, fl.name, t, false))
		if known {
			each = append(each, sizes.Sizeof(t))
		} else {
			each = append(each, -1)
		}
	}
	return types.NewStruct(vars, nil), each
}

// sizedByTypeParam reports whether the size of t depends on a type
// parameter: a type parameter itself, or an array, struct or defined type
// holding one by value (not through a pointer, slice, map, chan, func or
// interface, whose sizes are fixed).
func sizedByTypeParam(t types.Type) bool {
	switch t := types.Unalias(t).(type) {
	case *types.TypeParam:
		return true
	case *types.Array:
		return sizedByTypeParam(t.Elem())
	case *types.Struct:
		for i := 0; i < t.NumFields(); i++ {
			if sizedByTypeParam(t.Field(i).Type()) {
				return true
			}
		}
	case *types.Named:
		return sizedByTypeParam(t.Underlying())
	}
	return false
}

// substSized replaces the type parameters of t as subst says, wherever
// they decide t's size (elsewhere, in a pointer's element say, they are
// left: sizes do not depend on them there).
func substSized(t types.Type, subst map[*types.TypeParam]types.Type) types.Type {
	if len(subst) == 0 || t == nil {
		return t
	}
	switch u := types.Unalias(t).(type) {
	case *types.TypeParam:
		if r, ok := subst[u]; ok {
			return r
		}
	case *types.Array:
		return types.NewArray(substSized(u.Elem(), subst), u.Len())
	case *types.Struct:
		var fs []*types.Var
		for i := 0; i < u.NumFields(); i++ {
			f := u.Field(i)
			fs = append(fs, types.NewField(f.Pos(), f.Pkg(), f.Name(), substSized(f.Type(), subst), f.Embedded()))
		}
		return types.NewStruct(fs, nil)
	case *types.Named:
		if u.TypeArgs().Len() == 0 {
			return t
		}
		var args []types.Type
		for i := 0; i < u.TypeArgs().Len(); i++ {
			args = append(args, substAll(u.TypeArgs().At(i), subst))
		}
		if r, err := types.Instantiate(nil, u.Origin(), args, false); err == nil {
			return r
		}
	}
	return t
}

// substAll is substSized for a type argument, where a type parameter may
// stand anywhere: under a pointer it does not change the size, but a named
// type instantiated with it might hold it by value.
func substAll(t types.Type, subst map[*types.TypeParam]types.Type) types.Type {
	switch u := types.Unalias(t).(type) {
	case *types.Pointer:
		return types.NewPointer(substAll(u.Elem(), subst))
	case *types.Slice:
		return types.NewSlice(substAll(u.Elem(), subst))
	case *types.Map:
		return types.NewMap(substAll(u.Key(), subst), substAll(u.Elem(), subst))
	case *types.Chan:
		return types.NewChan(u.Dir(), substAll(u.Elem(), subst))
	}
	return substSized(t, subst)
}

// writeSizes prints every future, largest first (then by name), with its
// fields, largest first.
func writeSizes(w io.Writer, futures []*futureSize, sizes types.Sizes) {
	type row struct {
		f     *futureSize
		total int64
		each  []int64
	}
	var rows []row
	// An inlined child is named by its type, which is unique in its package.
	byPkg := map[string]map[string]*futureSize{}
	for _, f := range futures {
		if byPkg[f.pkg] == nil {
			byPkg[f.pkg] = map[string]*futureSize{}
		}
		byPkg[f.pkg][f.name] = f
	}
	for _, f := range futures {
		t, e := f.layout(sizes, byPkg[f.pkg])
		rows = append(rows, row{f, t, e})
	}
	slices.SortStableFunc(rows, func(a, b row) int {
		return cmp.Or(cmp.Compare(b.total, a.total), cmp.Compare(a.f.pos, b.f.pos))
	})
	for _, r := range rows {
		if slices.Contains(r.each, -1) {
			// A generic future: its instances add their type arguments' sizes.
			fmt.Fprintf(w, "%s: %s (%s): %d bytes plus the fields sized by its type parameters (?), %d fields\n", r.f.pos, r.f.name, r.f.fn, r.total, len(r.f.fields))
		} else {
			fmt.Fprintf(w, "%s: %s (%s): %d bytes, %d fields\n", r.f.pos, r.f.name, r.f.fn, r.total, len(r.f.fields))
		}
		idx := make([]int, len(r.f.fields))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(r.each[b], r.each[a]) })
		width := 0
		for _, fl := range r.f.fields {
			width = max(width, len(fl.name))
		}
		for _, i := range idx {
			fl := r.f.fields[i]
			if r.each[i] < 0 {
				fmt.Fprintf(w, "\t%-*s %4s  %s\n", width, fl.name, "?", strings.TrimSpace(fl.text))
				continue
			}
			fmt.Fprintf(w, "\t%-*s %4d  %s\n", width, fl.name, r.each[i], strings.TrimSpace(fl.text))
		}
	}
}
