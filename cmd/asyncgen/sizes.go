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
	pkg    string // the package path
	name   string // the future type
	fn     string // the async function
	pos    string // its position
	fields []sizeField
}

type sizeField struct {
	name  string
	t     types.Type
	text  string // the type as written for the report
	child string // an inlined child future: its type (t is nil)
}

// layout returns the size of the future and of each field, for a target's
// sizes, in declaration order.
func (f *futureSize) layout(sizes types.Sizes, byName map[string]*futureSize) (total int64, each []int64) {
	st, each := f.structType(sizes, byName, 0)
	return sizes.Sizeof(st), each
}

// structType is the future as a struct type; an inlined child becomes its
// own struct type.
func (f *futureSize) structType(sizes types.Sizes, byName map[string]*futureSize, depth int) (*types.Struct, []int64) {
	var vars []*types.Var
	var each []int64
	for _, fl := range f.fields {
		t := fl.t
		if fl.child != "" {
			t = types.Typ[types.Int]
			if c := byName[fl.child]; c != nil && depth < 64 {
				t, _ = c.structType(sizes, byName, depth+1)
			}
		}
		vars = append(vars, types.NewField(0, nil, fl.name, t, false))
		each = append(each, sizes.Sizeof(t))
	}
	return types.NewStruct(vars, nil), each
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
		fmt.Fprintf(w, "%s: %s (%s): %d bytes, %d fields\n", r.f.pos, r.f.name, r.f.fn, r.total, len(r.f.fields))
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
			fmt.Fprintf(w, "\t%-*s %4d  %s\n", width, fl.name, r.each[i], strings.TrimSpace(fl.text))
		}
	}
}
