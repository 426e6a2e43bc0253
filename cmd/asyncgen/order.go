package main

// Evaluation order within an expression, as gc's order pass fixes it
// (cmd/compile/internal/walk/order.go): which operands it evaluates into
// temporaries where they stand, left to right, and which it leaves to the
// expression's final evaluation, after all of those. Go's specification
// leaves the order of variable reads against calls in other operands
// unspecified; direct mode, the oracle, is what gc does, so a lowered
// expression spills exactly the operands gc evaluates early (expr.go).

import (
	"go/ast"
	"go/token"
	"go/types"
)

// ordered reports whether gc evaluates the operand e into a temporary where
// it stands, before any operand to its right is evaluated. gc's order pass
// (cmd/compile/internal/walk/order.go) does so for calls and for the
// operations that become runtime calls: len, cap, min, max, real, imag,
// complex, copy, make, new, recover, append, a conversion of a string to
// []byte or []rune, a slice expression, a receive, a type assertion to a
// type that is not pointer-shaped, && and ||, and a map literal with an entry
// that is not constant (which it builds there, entry by entry); and the
// operands a runtime routine takes by address (byAddress). Every other
// operand (a variable, a field, an element, arithmetic, a slice, array or
// struct literal) is read only after all of those, in the final evaluation
// of the expression: a call to its right that changes the variable shows.
func (l *lowerer) ordered(e ast.Expr) bool {
	if tv, ok := l.g.info.Types[e]; ok && tv.Value != nil {
		return false
	}
	return l.orderedOp(e) || l.byAddress()[e]
}

// orderedOp reports whether gc evaluates e into a temporary for what it is,
// whatever it is an operand of.
func (l *lowerer) orderedOp(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.CallExpr:
		if tv, ok := l.g.info.Types[x.Fun]; ok && tv.IsType() {
			return len(x.Args) == 1 && isStringToSlice(tv.Type, l.typeOf(x.Args[0]))
		}
		if id := funName(x.Fun); id != nil {
			if b, ok := l.g.info.Uses[id].(*types.Builtin); ok {
				switch b.Name() {
				case "len", "cap", "min", "max", "real", "imag", "complex", "copy", "make", "new", "recover", "append":
					return true
				}
				return false // unsafe.Add, unsafe.Slice and the like: in place
			}
		}
		return true
	case *ast.SliceExpr:
		return true
	case *ast.UnaryExpr:
		return x.Op == token.ARROW
	case *ast.BinaryExpr:
		return x.Op == token.LAND || x.Op == token.LOR
	case *ast.TypeAssertExpr:
		t := l.typeOf(x)
		if isTypeParam(t) || x.Type == nil {
			return false // a type parameter's assertion is not copied
		}
		return !pointerShaped(t)
	case *ast.CompositeLit:
		if m, ok := coreType(l.typeOf(x)).(*types.Map); ok {
			for _, el := range x.Elts {
				kv := el.(*ast.KeyValueExpr)
				if !l.static(kv.Key, m.Key()) || !l.static(kv.Value, m.Elem()) {
					return true
				}
			}
		}
	}
	return false
}

// funName is the name a call's callee is, possibly qualified (unsafe.Add).
func funName(fun ast.Expr) *ast.Ident {
	switch f := ast.Unparen(fun).(type) {
	case *ast.Ident:
		return f
	case *ast.SelectorExpr:
		return f.Sel
	}
	return nil
}

// hasOrdered reports whether e holds an operand that gc evaluates into a
// temporary where it stands (ordered), outside func literals.
func (l *lowerer) hasOrdered(e ast.Node) bool {
	return findOutside(e, func(n ast.Node) bool {
		x, ok := n.(ast.Expr)
		return ok && l.ordered(x)
	}) != nil
}

// static reports whether gc puts e, an entry's key or value of type t, in a
// map literal's initial contents: a constant or nil, or an array or struct
// literal of those; not a value converted to an interface, except nil.
func (l *lowerer) static(e ast.Expr, t types.Type) bool {
	e = ast.Unparen(e)
	if types.IsInterface(t) {
		tv := l.g.info.Types[e]
		return tv.IsNil() && types.IsInterface(tv.Type)
	}
	if tv, ok := l.g.info.Types[e]; ok && (tv.Value != nil || tv.IsNil()) {
		return true
	}
	lit, ok := e.(*ast.CompositeLit)
	if !ok {
		return false
	}
	switch u := coreType(l.typeOf(lit)).(type) {
	case *types.Array:
		for _, el := range lit.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				el = kv.Value
			}
			if !l.static(el, u.Elem()) {
				return false
			}
		}
		return true
	case *types.Struct:
		for i, el := range lit.Elts {
			ft := types.Type(nil)
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				ft = l.g.info.Uses[kv.Key.(*ast.Ident)].Type()
				el = kv.Value
			} else {
				ft = u.Field(i).Type()
			}
			if !l.static(el, ft) {
				return false
			}
		}
		return true
	}
	return false
}

// isStringToSlice reports whether converting from to t makes a []byte or a
// []rune of a string.
func isStringToSlice(t, from types.Type) bool {
	_, toSlice := coreType(t).(*types.Slice)
	b, fromString := coreType(from).(*types.Basic)
	return toSlice && fromString && b.Info()&types.IsString != 0
}

// pointerShaped reports whether a value of type t is an interface's data
// word itself (a pointer, map, chan, func or unsafe.Pointer, or a struct or
// array that holds one and takes no other room); asserting an interface to
// any other type copies the value out, which gc does into a temporary.
func pointerShaped(t types.Type) bool {
	switch u := t.Underlying().(type) {
	case *types.Pointer, *types.Map, *types.Chan, *types.Signature:
		return true
	case *types.Basic:
		return u.Kind() == types.UnsafePointer
	case *types.Array:
		return u.Len() == 1 && pointerShaped(u.Elem())
	case *types.Struct:
		// Zero-sized fields may come before the pointer, not after it:
		// a zero-sized final field is padded.
		for i := 0; i < u.NumFields(); i++ {
			if f := u.Field(i).Type(); !zeroSized(f) {
				if !pointerShaped(f) {
					return false
				}
				for j := i + 1; j < u.NumFields(); j++ {
					if !zeroSized(u.Field(j).Type()) {
						return false
					}
				}
				return i+1 == u.NumFields()
			}
		}
	}
	return false
}

func zeroSized(t types.Type) bool {
	switch u := t.Underlying().(type) {
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if !zeroSized(u.Field(i).Type()) {
				return false
			}
		}
		return true
	case *types.Array:
		return u.Len() == 0 || zeroSized(u.Elem())
	}
	return false
}

// byAddress is the set of operands of the function that gc copies into a
// temporary where they stand because a runtime routine takes them by
// address: a value converted to an interface (explicitly or not) whose type
// the conversion does not pass by value (convNeedsAddr), an operand of a
// comparison of structs or arrays, and a map index's key of a type without a
// fast map routine. gc copies only those that are not addressable (and local
// variables no call can change, whose copy no one can tell from a late
// read): an addressable one is read through its address, late.
func (l *lowerer) byAddress() map[ast.Expr]bool {
	if l.addrOps != nil {
		return l.addrOps
	}
	l.addrOps = map[ast.Expr]bool{}
	mark := func(e ast.Expr) {
		e = ast.Unparen(e)
		tv, ok := l.g.info.Types[e]
		if _, lit := e.(*ast.FuncLit); !ok || lit || tv.Value != nil || tv.IsNil() || !tv.IsValue() || l.addressable(e) || l.orderedOp(e) {
			return
		}
		if lit, ok := e.(*ast.CompositeLit); ok && l.static(lit, tv.Type) {
			return // a static composite literal is read-only data
		}
		l.addrOps[e] = true
	}
	conv := func(e ast.Expr, to types.Type) {
		from := l.typeOf(ast.Unparen(e))
		if from != nil && isUntyped(from) {
			from = types.Default(from) // a comparison's untyped bool
			if isUntyped(from) {
				return // nil
			}
		}
		if to == nil || from == nil || !types.IsInterface(to) || isTypeParam(to) || types.IsInterface(from) || isTypeParam(from) {
			return
		}
		if convNeedsAddr(from) {
			mark(e)
		}
	}
	ast.Inspect(l.fn.decl.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			l.callConversions(n, conv)
		case *ast.CompositeLit:
			l.litConversions(n, conv)
			if m, ok := coreType(l.typeOf(n)).(*types.Map); ok && !types.IsInterface(m.Key()) && !fastMap(m) {
				for _, el := range n.Elts {
					mark(el.(*ast.KeyValueExpr).Key) // stored as m[k] = v
				}
			}
		case *ast.IndexExpr:
			if m, ok := coreType(l.typeOf(n.X)).(*types.Map); ok {
				conv(n.Index, m.Key())
				if !types.IsInterface(m.Key()) && !fastMap(m) {
					mark(n.Index)
				}
			}
		case *ast.BinaryExpr:
			if n.Op != token.EQL && n.Op != token.NEQ {
				break
			}
			x, y := l.typeOf(n.X), l.typeOf(n.Y)
			conv(n.X, y)
			conv(n.Y, x)
			if x != nil && !types.IsInterface(x) && !types.IsInterface(y) {
				switch coreType(x).(type) {
				case *types.Struct, *types.Array:
					mark(n.X)
					mark(n.Y)
				}
			}
		case *ast.AssignStmt:
			if len(n.Lhs) == len(n.Rhs) && (n.Tok == token.ASSIGN || n.Tok == token.DEFINE) {
				for i, r := range n.Rhs {
					conv(r, l.typeOf(n.Lhs[i]))
				}
			}
		case *ast.ValueSpec:
			if n.Type != nil && len(n.Values) == len(n.Names) {
				for _, v := range n.Values {
					conv(v, l.typeOf(n.Type))
				}
			}
		case *ast.ReturnStmt:
			if res := l.fn.sig.Results(); len(n.Results) == res.Len() {
				for i, r := range n.Results {
					conv(r, res.At(i).Type())
				}
			}
		case *ast.SendStmt:
			if c, ok := coreType(l.typeOf(n.Chan)).(*types.Chan); ok {
				conv(n.Value, c.Elem())
			}
		}
		return true
	})
	return l.addrOps
}

// callConversions passes conv each argument of call with the type it is
// converted to: a parameter's, an appended element's, or a conversion's.
func (l *lowerer) callConversions(call *ast.CallExpr, conv func(ast.Expr, types.Type)) {
	if tv, ok := l.g.info.Types[call.Fun]; ok && tv.IsType() {
		if len(call.Args) == 1 {
			conv(call.Args[0], tv.Type)
		}
		return
	}
	if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
		if b, ok := l.g.info.Uses[id].(*types.Builtin); ok {
			if s, ok := coreType(l.typeOf(call)).(*types.Slice); ok && b.Name() == "append" && !call.Ellipsis.IsValid() {
				for _, a := range call.Args[1:] {
					conv(a, s.Elem())
				}
			}
			return
		}
	}
	sig, ok := coreType(l.typeOf(call.Fun)).(*types.Signature)
	if !ok || len(call.Args) == 1 && isTuple(l.typeOf(call.Args[0])) {
		return
	}
	params := sig.Params()
	for i, a := range call.Args {
		var t types.Type
		switch {
		case sig.Variadic() && i >= params.Len()-1:
			if call.Ellipsis.IsValid() {
				return
			}
			t = params.At(params.Len() - 1).Type().(*types.Slice).Elem()
		case i < params.Len():
			t = params.At(i).Type()
		}
		conv(a, t)
	}
}

// litConversions passes conv each key and element of lit with its type.
func (l *lowerer) litConversions(lit *ast.CompositeLit, conv func(ast.Expr, types.Type)) {
	u := coreType(l.typeOf(lit))
	if p, ok := u.(*types.Pointer); ok { // &T{…} elided in an enclosing literal
		u = coreType(p.Elem())
	}
	l.litConversionsOf(lit, u, conv)
}

func (l *lowerer) litConversionsOf(lit *ast.CompositeLit, u types.Type, conv func(ast.Expr, types.Type)) {
	for i, el := range lit.Elts {
		kv, keyed := el.(*ast.KeyValueExpr)
		if keyed {
			el = kv.Value
		}
		switch u := u.(type) {
		case *types.Slice:
			conv(el, u.Elem())
		case *types.Array:
			conv(el, u.Elem())
		case *types.Map:
			conv(kv.Key, u.Key())
			conv(el, u.Elem())
		case *types.Struct:
			if keyed {
				if f, ok := l.g.info.Uses[kv.Key.(*ast.Ident)].(*types.Var); ok {
					conv(el, f.Type())
				}
			} else if i < u.NumFields() {
				conv(el, u.Field(i).Type())
			}
		}
	}
}

// addressable reports whether gc can take e's address (ir.IsAddressable):
// a variable, a field of an addressable struct or through a pointer, an
// element of a slice or of an addressable array, or an indirection.
func (l *lowerer) addressable(e ast.Expr) bool {
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		_, ok := l.g.info.Uses[x].(*types.Var)
		return ok
	case *ast.StarExpr:
		return true
	case *ast.SelectorExpr:
		sel, ok := l.g.info.Selections[x]
		if !ok { // a qualified identifier
			_, ok := l.g.info.Uses[x.Sel].(*types.Var)
			return ok
		}
		if sel.Kind() != types.FieldVal {
			return false
		}
		return sel.Indirect() || l.addressable(x.X)
	case *ast.IndexExpr:
		switch coreType(l.typeOf(x.X)).(type) {
		case *types.Slice, *types.Pointer:
			return true
		case *types.Array:
			return l.addressable(x.X)
		}
	}
	return false
}

// gcSizes is gc's layout on the 64-bit targets, which decides how a
// conversion to an interface passes its value.
var gcSizes = types.SizesFor("gc", "amd64")

// convNeedsAddr reports whether gc's conversion of a value of type t to an
// interface takes the value's address (cmd/compile's dataWordFuncName):
// all but 2-, 4- and 8-byte values (without pointers, but for the 2-byte)
// and strings and slices (alone in their struct or array).
//
// A type whose size depends on a type parameter (a generic struct of
// the function's type parameters, Cons[T]{…}) has a size only in each
// instance, which go/types cannot give (it asserts): such a value is taken
// by address, as gc's shaped code takes every value that is not one of the
// few sizes above.
func convNeedsAddr(t types.Type) bool {
	if sizedByTypeParam(t) {
		return true
	}
	size, align := gcSizes.Sizeof(t), gcSizes.Alignof(t)
	switch {
	case size == 2 && align == 2,
		size == 4 && align == 4 && !hasPointers(t),
		size == 8 && align == 8 && !hasPointers(t):
		return false
	}
	switch u := soleComponent(t).Underlying().(type) {
	case *types.Basic:
		return u.Info()&types.IsString == 0
	case *types.Slice:
		return false
	}
	return true
}

// soleComponent is the type of t's only component, through structs of one
// field and arrays of one element; t itself otherwise.
func soleComponent(t types.Type) types.Type {
	switch u := t.Underlying().(type) {
	case *types.Struct:
		if u.NumFields() == 1 {
			return soleComponent(u.Field(0).Type())
		}
	case *types.Array:
		if u.Len() == 1 {
			return soleComponent(u.Elem())
		}
	}
	return t
}

// fastMap reports whether gc indexes m with a routine that takes the key by
// value (cmd/compile's mapfast): 4- and 8-byte keys compared as memory, and
// strings, where the element takes at most 128 bytes. A key or element
// whose size depends on a type parameter (which go/types cannot measure)
// counts as not fast: the key is taken by address.
func fastMap(m *types.Map) bool {
	if sizedByTypeParam(m.Key()) || sizedByTypeParam(m.Elem()) || gcSizes.Sizeof(m.Elem()) > 128 {
		return false
	}
	k := m.Key()
	for {
		// A struct of one field, or an array of one element, is that
		// field or element.
		switch u := k.Underlying().(type) {
		case *types.Struct:
			if u.NumFields() == 1 && u.Field(0).Name() != "_" {
				k = u.Field(0).Type()
				continue
			}
		case *types.Array:
			if u.Len() == 1 {
				k = u.Elem()
				continue
			}
		}
		break
	}
	if b, ok := k.Underlying().(*types.Basic); ok && b.Info()&types.IsString != 0 {
		return true
	}
	size := gcSizes.Sizeof(k)
	return (size == 4 || size == 8) && memComparable(k)
}

// memComparable reports whether gc compares values of t as plain memory:
// integers, booleans, pointers and channels, and arrays and structs of
// those without padding or blank fields.
func memComparable(t types.Type) bool {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Info()&(types.IsInteger|types.IsBoolean) != 0 || u.Kind() == types.UnsafePointer
	case *types.Pointer, *types.Chan:
		return true
	case *types.Array:
		return memComparable(u.Elem())
	case *types.Struct:
		var fields []*types.Var
		var off int64
		for i := 0; i < u.NumFields(); i++ {
			f := u.Field(i)
			if f.Name() == "_" || !memComparable(f.Type()) {
				return false
			}
			fields = append(fields, f)
		}
		offsets := gcSizes.Offsetsof(fields)
		for i, f := range fields {
			if offsets[i] != off {
				return false // padding
			}
			off += gcSizes.Sizeof(f.Type())
		}
		return off == gcSizes.Sizeof(t)
	}
	return false
}

func isTypeParam(t types.Type) bool {
	_, ok := t.(*types.TypeParam)
	return ok
}
