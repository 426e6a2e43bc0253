package main

// Escape analysis: a variable whose address escapes lives in a cell of its
// own (lower.go), as Go's escape analysis would move it to the heap. It runs
// on the source before the graph is built, since lowering a declaration
// needs to know whether it makes a cell.

import (
	"go/ast"
	"go/token"
	"go/types"
)

// escapes marks the variables whose address escapes: taken with &, taken
// implicitly by a pointer method or by slicing an array, or captured by a
// closure (but not by a deferred func literal that becomes a method of the
// future: deferMethodLits).
func (ir *irFunc) escapes() {
	info := ir.g.info
	root := func(e ast.Expr) *variable {
		if id := rootIdent(info, e); id != nil {
			return ir.objVar[info.Uses[id]]
		}
		return nil
	}
	mark := func(v *variable) {
		if v != nil {
			v.escapes = true
		}
	}
	// A deferred func literal written as a method of the future reads
	// and writes the variables it uses where they are (defer.go).
	ir.litDefers = ir.deferMethodLits()
	ast.Inspect(ir.fn.decl.Body, func(n ast.Node) bool {
		if n == nil {
			return true
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			if loop, ok := ir.litDefers[n]; ok {
				// In a loop, what may be declared again while the
				// defer is pending is shared through a cell.
				if loop != nil {
					ir.litVars(n, func(_ *ast.Ident, v *variable) {
						if v.obj.Pos() >= loop.Pos() && v.obj.Pos() < loop.End() {
							mark(v)
						}
					})
				}
				return true // its own func literals capture as any other
			}
			ast.Inspect(n.Body, func(m ast.Node) bool {
				if id, ok := m.(*ast.Ident); ok {
					if obj := info.Uses[id]; obj != nil && (obj.Pos() < n.Pos() || obj.Pos() >= n.End()) && !ir.g.byValue[obj] {
						mark(ir.objVar[obj])
					}
				}
				return true
			})
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				mark(root(n.X))
			}
		case *ast.SliceExpr:
			if _, ok := coreType(info.TypeOf(n.X)).(*types.Array); ok {
				mark(root(n.X))
			}
		case *ast.SelectorExpr:
			if sel := info.Selections[n]; sel != nil && sel.Kind() == types.MethodVal {
				recv := sel.Obj().(*types.Func).Type().(*types.Signature).Recv()
				if _, ptr := recv.Type().(*types.Pointer); ptr {
					if _, isPtr := sel.Recv().Underlying().(*types.Pointer); !isPtr {
						mark(root(n.X))
					}
				}
			}
		}
		return true
	})
	// Parameters whose address is taken get a cell too: the twin's
	// parameter itself, whose address the constructor stores.
	for _, v := range append([]*variable{ir.recv}, ir.params...) {
		if v != nil && v.escapes {
			v.cell = true
		}
	}
	for _, v := range ir.vars {
		if v.escapes {
			v.bind = ir.name(v.name + "_p")
		}
	}
}

// rootIdent is the variable whose storage e is part of: x for x, x.f (a
// field of a struct value) and x[i] (an element of an array), recursively;
// nil where e reaches through a pointer, a slice or a map, or is no
// variable.
func rootIdent(info *types.Info, e ast.Expr) *ast.Ident {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		return e
	case *ast.SelectorExpr:
		if sel := info.Selections[e]; sel != nil && sel.Kind() == types.FieldVal && !sel.Indirect() {
			if _, ptr := info.TypeOf(e.X).Underlying().(*types.Pointer); !ptr {
				return rootIdent(info, e.X)
			}
		}
	case *ast.IndexExpr:
		if mayBeArray(info.TypeOf(e.X)) {
			return rootIdent(info, e.X) // also A ~[3]int
		}
	}
	return nil
}

// mayBeArray reports whether indexing a value of type t may index an array
// held in the value itself: t's core type is an array (A ~[3]int), or t is
// a type parameter with an array in its type set, which may have no core
// type at all (T []int | [5]int, which indexing allows): where T is the
// array, x[i] is part of x's storage, so &x[i] takes x's address and
// x[i] = v changes x.
func mayBeArray(t types.Type) bool {
	if _, ok := coreType(t).(*types.Array); ok {
		return true
	}
	tp, ok := types.Unalias(t).(*types.TypeParam)
	if !ok {
		return false
	}
	var inSet func(iface *types.Interface) bool
	inSet = func(iface *types.Interface) bool {
		for i := range iface.NumEmbeddeds() {
			switch e := types.Unalias(iface.EmbeddedType(i)).(type) {
			case *types.Union:
				for j := range e.Len() {
					if _, ok := e.Term(j).Type().Underlying().(*types.Array); ok {
						return true
					}
				}
			case *types.Interface:
				if inSet(e) {
					return true
				}
			default:
				if in, ok := e.Underlying().(*types.Interface); ok {
					if inSet(in) {
						return true
					}
				} else if _, ok := e.Underlying().(*types.Array); ok {
					return true
				}
			}
		}
		return false
	}
	iface, ok := tp.Underlying().(*types.Interface)
	return ok && inSet(iface)
}
