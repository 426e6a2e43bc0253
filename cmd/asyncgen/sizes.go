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
	name   string // the future type
	fn     string // the async function
	pos    string // its position
	fields []sizeField
}

type sizeField struct {
	name string
	t    types.Type
	text string // the type as written for the report
}

// layout returns the size of the future and of each field, for a target's
// sizes, in declaration order.
func (f *futureSize) layout(sizes types.Sizes) (total int64, each []int64) {
	var vars []*types.Var
	for _, fl := range f.fields {
		vars = append(vars, types.NewField(0, nil, fl.name, fl.t, false))
		each = append(each, sizes.Sizeof(fl.t))
	}
	return sizes.Sizeof(types.NewStruct(vars, nil)), each
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
	for _, f := range futures {
		t, e := f.layout(sizes)
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

// unmark writes generated type text with package names for the markers.
func (g *pkgGen) unmark(text string) string {
	return markerRE.ReplaceAllStringFunc(text, func(m string) string {
		sub := markerRE.FindStringSubmatch(m)
		i := 0
		fmt.Sscan(sub[1], &i)
		return g.pnames[i] + "." + sub[2]
	})
}
