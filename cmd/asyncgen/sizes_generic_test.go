package main

import (
	"go/token"
	"go/types"
	"slices"
	"testing"
)

// TestSizesGeneric checks -sizes on generic futures: a field sized by a
// type parameter is unknown (-1) in the generic future, and known in an
// instance held inline, its type arguments substituted, also through a
// generic named type instantiated with the type parameter.
func TestSizesGeneric(t *testing.T) {
	pkg := types.NewPackage("p", "p")
	newTP := func(name string) *types.TypeParam {
		return types.NewTypeParam(types.NewTypeName(token.NoPos, pkg, name, nil), types.Universe.Lookup("any").Type())
	}
	// type box[A any] struct{ a A; n int }
	a := newTP("A")
	box := types.NewNamed(types.NewTypeName(token.NoPos, pkg, "box", nil), nil, nil)
	box.SetTypeParams([]*types.TypeParam{a})
	box.SetUnderlying(types.NewStruct([]*types.Var{
		types.NewField(token.NoPos, pkg, "a", a, false),
		types.NewField(token.NoPos, pkg, "n", types.Typ[types.Int], false),
	}, nil))
	tp := newTP("T")
	boxT, err := types.Instantiate(nil, box, []types.Type{tp}, false)
	if err != nil {
		t.Fatal(err)
	}
	field := func(name string, typ types.Type) sizeField { return sizeField{name, typ, "", ""} }
	child := &futureSize{pkg: "p", name: "cFuture", tparams: []*types.TypeParam{tp}, fields: []sizeField{
		field("state", types.Typ[types.Int]),
		field("v", tp),                      // 16 as a string
		field("arr", types.NewArray(tp, 2)), // 32
		field("p", types.NewPointer(tp)),    // 8 whatever T is
		field("b", boxT),                    // box[string]: 24
		field("s", types.NewSlice(tp)),      // 24 whatever T is
	}}
	parent := &futureSize{pkg: "p", name: "pFuture", fields: []sizeField{
		field("state", types.Typ[types.Int]),
		{"c", nil, "cFuture[string]", "cFuture"},
	}, childArgs: map[string][]types.Type{"c": {types.Typ[types.String]}}}
	byName := map[string]*futureSize{"cFuture": child, "pFuture": parent}
	sizes := types.SizesFor("gc", "amd64")

	total, each := child.layout(sizes, byName)
	if want := []int64{8, -1, -1, 8, -1, 24}; !slices.Equal(each, want) || total != 40 {
		t.Errorf("generic future: total %d, fields %v; want 40, %v", total, each, want)
	}
	total, each = parent.layout(sizes, byName)
	if want := []int64{8, 8 + 16 + 32 + 8 + 24 + 24}; !slices.Equal(each, want) || total != 8+want[1] {
		t.Errorf("instance: total %d, fields %v; want %d, %v", total, each, 8+want[1], want)
	}
}
