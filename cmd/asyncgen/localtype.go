package main

// Local types: type declarations inside an async function's body.
//
// A type declared in a statement kept as written (no suspension point
// inside) stays where it is, with everything that uses it: nothing changes.
// A type declared at the machine level (in a statement list that lowering
// takes apart) is used across the cases of Poll's switch, so its
// declaration is hoisted to the top of Poll (the function scope of the
// generated code), before Poll's locals and constants. Its name stays the
// source's, so %T, reflect's Type.String and Name, and type switches see the
// same type name as in direct mode: Go names a local type by its package
// and its own name (main.T), plus the type arguments of the enclosing
// generic function (main.T[int]), which a generic future's Poll has too.
// The declaration is written from the type checker's view of the type (its
// underlying type, with array lengths evaluated and other local types by
// their names), so it does not depend on the local constants in scope.
//
// Where the name is taken in Poll's scope (another local type of the same
// function with that name, a name of the package that the function uses, an
// imported package's name as the generated files import it, a predeclared
// identifier, a type parameter of the function; later imports avoid the
// hoisted names), the hoisted type gets a fresh name, T_2, and asyncgen
// warns: that is the one case where %T and reflect show another name in
// async mode. A local type that embeds a renamed one is an error (the
// embedded field would be renamed too).
//
// The future's struct is declared at package level, where no local type is
// in scope. A variable whose type names a local type and that lives across
// a suspension point (a field) is therefore held another way. Where the
// type holds no pointers (rawable), the field is a [n]uint64 large enough
// for it (its size on a 64-bit platform, which no platform exceeds for such
// a type; a constant in Poll fails to compile otherwise), and every use is
// (*(*xT)(rawPtr(&fut.x))) with xT an alias of T and rawPtr one of
// unsafe.Pointer that Poll declares: addressable, allocation-free, and
// invisible to the garbage collector, which has nothing to see there.
// Otherwise a variable of the source lives in a cell (a *T, fresh per
// declaration, as for a variable whose address escapes) that an interface
// field (any) holds, and each use asserts the pointer back,
// (*fut.x.(xT)) with xT an alias of *T; a temporary of the lowering, which
// nothing aliases, gets a new *T at each assignment of its whole value
// (t = new((T)(x))) and is read and updated the same way. Such a variable
// of the source is a cell also where it turns out to be a local of Poll, so
// that it is declared the same way wherever it lives (a cell local to Poll
// is one that Go's escape analysis can keep on the stack). The cost of a
// boxed field: one allocation per declaration (per assignment, for a
// temporary) and a type assertion (a comparison of the type word) per use.
// An await whose future's type names a local type uses the shared await
// field (an interface, asserted where the await resumes).
//
// What runs outside Poll cannot name a local type either, so these are
// errors, each naming the type and the fix: an async closure (its future is
// declared at package level) whose result type or captured variables name
// a local type of the enclosing function; a defer whose deferred function,
// receiver or arguments have such a type (the deferred call runs from the
// future's unwinding; defer a func literal instead); a range over a
// function with a suspension point in its body whose values have such a
// type (its iterator is stopped by Cancel).

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"
)

// reserveLocalTypeNames keeps every name a type declared in the body has
// from the names generated for the function (variables, temporaries,
// Poll's own locals): a hoisted or kept local type must not be shadowed by
// them, nor shadow them.
func (ir *irFunc) reserveLocalTypeNames() {
	ast.Inspect(ir.fn.decl.Body, func(n ast.Node) bool {
		if ts, ok := n.(*ast.TypeSpec); ok && ts.Name.Name != "_" {
			ir.names[ts.Name.Name] = true
		}
		return true
	})
}

// typeDecl hoists a type declaration of the machine level to the top of
// Poll, under its own name when that is free in Poll's scope.
func (l *lowerer) typeDecl(gd *ast.GenDecl) {
	g := l.g
	if g.localName == nil {
		g.localName, g.localNames = map[*types.TypeName]string{}, map[string]bool{}
	}
	for _, spec := range gd.Specs {
		ts := spec.(*ast.TypeSpec)
		tn, ok := g.info.Defs[ts.Name].(*types.TypeName)
		if !ok || ts.Name.Name == "_" {
			continue
		}
		name := tn.Name()
		if why := l.localNameTaken(name); why != "" {
			name = l.name(name)
			g.warnings = append(g.warnings, posString(g.fset, ts.Name.Pos())+": local type "+tn.Name()+" is declared as "+name+" in the future of "+displayName(l.fn)+", where "+tn.Name()+" is taken ("+why+"); in async mode %T and reflect name it "+name+" (rename it to keep its name)")
		}
		l.localTypes = append(l.localTypes, tn)
		g.localName[tn], g.localNames[name] = name, true
		if s, ok := tn.Type().Underlying().(*types.Struct); ok {
			for i := 0; i < s.NumFields(); i++ {
				f := s.Field(i)
				if !f.Embedded() {
					continue
				}
				et := f.Type()
				if p, ok := et.(*types.Pointer); ok {
					et = p.Elem()
				}
				eo := typeNameOf(et)
				if n := g.localName[eo]; eo != nil && n != "" && n != eo.Name() {
					g.errorf(ts.Name.Pos(), "local type %s embeds local type %s, which the future of %s must declare as %s (the name %s is taken there), renaming the embedded field; give %s a name of its own in the function", tn.Name(), eo.Name(), displayName(l.fn), n, eo.Name(), eo.Name())
				}
			}
		}
	}
}

// localNameTaken says why Poll's scope cannot declare a local type named
// name ("" when it can).
func (ir *irFunc) localNameTaken(name string) string {
	g := ir.g
	for _, tn := range ir.localTypes {
		if g.localName[tn] == name {
			return "another local type of the function is named " + name
		}
	}
	for _, tp := range typeParams(ir.fn.tparams()) {
		if g.tparamName(tp) == name {
			return "the type parameter " + name + " is in scope"
		}
	}
	switch {
	case types.Universe.Lookup(name) != nil:
		return "the predeclared " + name + " is in scope"
	case ir.pkgNamesUsed()[name]:
		return "the function uses the package's " + name
	case g.aliasUsed[name]:
		return "the generated code imports a package as " + name
	case g.taken[name] && g.pkg.Scope().Lookup(name) == nil:
		return "the generated code declares " + name
	}
	return ""
}

// pkgNamesUsed are the names of the package-level objects that Poll's code
// may write: those the function's syntax uses, those of the package's
// named types in the types of its expressions and variables, and the twin
// and by-value sibling (FAsync, MakeF) of each function it uses. A local
// type named like another name of the package keeps its name: Poll never
// needs the one it shadows.
func (ir *irFunc) pkgNamesUsed() map[string]bool {
	if ir.pkgUsed != nil {
		return ir.pkgUsed
	}
	g := ir.g
	scope := g.pkg.Scope()
	used := map[string]bool{}
	noteType := func(t types.Type) {
		eachType(t, func(t types.Type) bool {
			if o := typeNameOf(t); o != nil && o.Parent() == scope {
				used[o.Name()] = true
			}
			return true
		})
	}
	ast.Inspect(ir.fn.decl, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if o := g.info.Uses[id]; o != nil && o.Parent() == scope {
				used[o.Name()] = true
				if _, ok := o.(*types.Func); ok {
					used[o.Name()+"Async"], used["Make"+o.Name()] = true, true
				}
			}
		}
		if e, ok := n.(ast.Expr); ok {
			noteType(g.info.TypeOf(e))
		}
		return true
	})
	noteType(ir.out)
	ir.pkgUsed = used
	return used
}

// typeNameOf is the type name of a defined type or an alias, else nil.
func typeNameOf(t types.Type) *types.TypeName {
	switch t := t.(type) {
	case *types.Named:
		return t.Obj()
	case *types.Alias:
		return t.Obj()
	}
	return nil
}

// isLocal reports whether o is a local type of the package (not a type
// parameter, whose scope is a function's too).
func (g *pkgGen) isLocal(o *types.TypeName) bool {
	return o != nil && o.Pkg() == g.pkg && o.Parent() != nil && o.Parent() != g.pkg.Scope() && typeNameOf(o.Type()) == o
}

// localIn returns a local type of the package that t names (written inside
// it, not through a named type's underlying type) for which also(o) holds,
// or nil; also nil: any.
func (g *pkgGen) localIn(t types.Type, also ...func(*types.TypeName) bool) *types.TypeName {
	var found *types.TypeName
	eachType(t, func(t types.Type) bool {
		if o := typeNameOf(t); g.isLocal(o) && (len(also) == 0 || also[0](o)) {
			found = o
			return false
		}
		return true
	})
	return found
}

// hoisted reports whether Poll declares the local type tn.
func (ir *irFunc) hoisted(tn *types.TypeName) bool { return slices.Contains(ir.localTypes, tn) }

// foreignLocal returns a local type that t names and Poll does not declare
// (one of an enclosing function, for an async closure), or nil.
func (ir *irFunc) foreignLocal(t types.Type) *types.TypeName {
	return ir.g.localIn(t, func(o *types.TypeName) bool { return !ir.hoisted(o) })
}

// checkLocalTypes reports the uses of local types that code outside Poll
// would have to name (see the top of this file); false when it reported.
func (ir *irFunc) checkLocalTypes() bool {
	g := ir.g
	nerr := len(g.errs)
	fd := ir.fn.decl
	what := "async function " + displayName(ir.fn)
	if ir.fn.closure != nil {
		what = "async closure " + displayName(ir.fn)
	}
	if tn := g.localIn(ir.out); tn != nil {
		g.errorf(fd.Pos(), "the output of %s names the local type %s, but its future is declared at package level, where %s is not in scope; declare %s at package level", what, tn.Name(), tn.Name(), tn.Name())
	}
	for _, v := range ir.vars {
		if !ir.used[v] || v.typ == nil {
			continue
		}
		pos, name := fd.Pos(), "a value"
		if v.obj != nil {
			pos, name = v.obj.Pos(), "variable "+v.obj.Name()
		}
		if tn := ir.foreignLocal(v.typ); tn != nil {
			g.errorf(pos, "%s of %s has type %s, which names the local type %s of the enclosing function, but the future of %s is declared at package level, where %s is not in scope; declare %s at package level", name, what, g.typeString(v.typ), tn.Name(), what, tn.Name(), tn.Name())
		}
	}
	if ir.fn.closure != nil {
		for _, k := range g.outerConsts(ir.fn.closure.lit) {
			if tn := ir.foreignLocal(k.Type()); tn != nil {
				g.errorf(k.Pos(), "constant %s of %s has type %s, which names the local type %s of the enclosing function, but the future of %s is declared at package level, where %s is not in scope; declare %s at package level", k.Name(), what, g.typeString(k.Type()), tn.Name(), what, tn.Name(), tn.Name())
			}
		}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				if tn, ok := g.info.Uses[id].(*types.TypeName); ok && g.isLocal(tn) && !inside(tn.Pos(), fd.Body) {
					g.errorf(id.Pos(), "%s uses the local type %s of the enclosing function, but the future of the closure is declared at package level, where %s is not in scope; declare %s at package level", what, tn.Name(), tn.Name(), tn.Name())
				}
			}
			return true
		})
	}
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.DeferStmt:
			if tn := ir.deferLocal(n.Call); tn != nil {
				g.errorf(n.Pos(), "the deferred call names the local type %s (its function, receiver or an argument has that type), but deferred calls run from the future's unwinding, outside the code where %s is in scope; defer a func literal that makes the call: defer func() { … }()", tn.Name(), tn.Name())
			}
		case *ast.RangeStmt:
			if sig, ok := types.Unalias(g.info.TypeOf(n.X)).Underlying().(*types.Signature); ok && ir.fn.hasSusp(n.Body) {
				if tn := g.localIn(sig); tn != nil {
					g.errorf(n.Pos(), "the range over a function whose body suspends yields values of the local type %s, but its iterator is stopped by the future's Cancel, outside the code where %s is in scope; declare %s at package level, or range over a function of a package-level type", tn.Name(), tn.Name(), tn.Name())
				}
			}
		}
		return true
	})
	return len(g.errs) == nerr
}

// deferLocal returns a local type that a deferred call stores or names
// where it runs: its function's type, a method's receiver, its arguments.
func (ir *irFunc) deferLocal(call *ast.CallExpr) *types.TypeName {
	g := ir.g
	ts := []types.Type{g.info.TypeOf(call.Fun)}
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if s := g.info.Selections[sel]; s != nil {
			ts = append(ts, s.Recv())
		}
	}
	for _, a := range call.Args {
		ts = append(ts, g.info.TypeOf(a))
	}
	for _, t := range ts {
		if t == nil {
			continue
		}
		if tn := g.localIn(t); tn != nil {
			return tn
		}
	}
	return nil
}

// inside reports whether pos lies in n.
func inside(pos token.Pos, n ast.Node) bool { return pos >= n.Pos() && pos < n.End() }

// nameBoxes gives each boxed field the name of Poll's alias for the type
// its interface holds, one per field (variables sharing a field have
// identical types).
func (ir *irFunc) nameBoxes() {
	byField := map[string]string{}
	for _, v := range ir.vars {
		if !(v.boxed || v.raw) || !ir.used[v] {
			continue
		}
		if n := byField[v.name]; n != "" {
			v.boxT = n
			continue
		}
		v.boxT = ir.name(v.name + "T")
		byField[v.name] = v.boxT
		if v.raw {
			ir.boxes = append(ir.boxes, localBox{v.boxT, v.typ, rawField(v.typ).Len() * 8})
			if ir.nRawPtr == "" {
				ir.nRawPtr = ir.name("rawPtr")
			}
			continue
		}
		ir.boxes = append(ir.boxes, localBox{v.boxT, types.NewPointer(v.typ), -1})
	}
}

// localBox is an alias Poll declares for the type a boxed field holds, or
// a raw field's type.
type localBox struct {
	name string
	t    types.Type
	raw  int64 // a raw field's size in bytes; -1 for a boxed one
}

// rawable reports whether a variable of type t, a local type's, may be held
// as its bytes in the future: it holds no pointers (nothing the garbage
// collector must see; no type parameter, whose size is unknown here) and
// needs no more alignment than a uint64 has on every platform (sync/atomic's
// 64-bit types are 8-aligned even on 32-bit ones).
func rawable(t types.Type) bool {
	if hasPointers(t) {
		return false
	}
	ok := true
	var walk func(t types.Type)
	walk = func(t types.Type) {
		if o := typeNameOf(t); o != nil && o.Pkg() != nil && (o.Pkg().Path() == "sync/atomic" || o.Pkg().Path() == "internal/runtime/atomic") {
			ok = false
		}
		switch u := t.Underlying().(type) {
		case *types.Array:
			walk(u.Elem())
		case *types.Struct:
			for i := 0; i < u.NumFields(); i++ {
				walk(u.Field(i).Type())
			}
		}
	}
	walk(t)
	return ok
}

// rawField is the type of a raw field holding a value of type t: enough
// uint64s for t's size on a 64-bit platform (no platform's is larger for a
// type without pointers; Poll checks it where it compiles), aligned as a
// uint64, which no such type exceeds.
func rawField(t types.Type) *types.Array {
	n := types.SizesFor("gc", "amd64").Sizeof(t)
	return types.NewArray(types.Typ[types.Uint64], (n+7)/8)
}

// boxedValue is the variable e is, when e is a boxed temporary (not a
// cell: a new box per assignment of its whole value), else nil.
func boxedValue(e ast.Expr) *variable {
	if r, ok := e.(*varRef); ok && r.v.boxed && !r.v.cell && !r.ptr {
		return r.v
	}
	return nil
}

// emptyInterface is the type of a boxed field: any, or interface{} where
// the package redeclares any.
func (g *pkgGen) emptyInterface() types.Type {
	if g.shadowed["any"] {
		return types.NewInterfaceType(nil, nil)
	}
	return types.Universe.Lookup("any").Type()
}

// localTypeDecls writes the declarations of the hoisted local types, in
// source order, and the aliases of the boxed fields' types at the top of
// Poll.
func (e *emitter) localTypeDecls() {
	g, p := e.g, e.p
	for _, tn := range e.ir.localTypes {
		p("type ", g.localName[tn])
		if n, ok := tn.Type().(*types.Named); ok && n.TypeParams().Len() > 0 {
			// A generic local type (type list[T any] struct{…}) keeps its
			// type parameters, which may shadow the function's.
			tps := n.TypeParams()
			for i := 0; i < tps.Len(); i++ {
				p(map[bool]string{true: "[", false: ", "}[i == 0], tps.At(i).Obj().Name(), " ", tps.At(i).Constraint())
			}
			p("]")
		}
		p(" ")
		if a, ok := tn.Type().(*types.Alias); ok {
			p("= ", a.Rhs(), "\n")
			continue
		}
		p(tn.Type().Underlying(), "\n")
	}
	if e.ir.nRawPtr != "" {
		p("type ", e.ir.nRawPtr, " = ")
		e.w.qual("unsafe", "unsafe", "Pointer")
		p("\n")
	}
	for _, b := range e.ir.boxes {
		p("type ", b.name, " = ", b.t, "\n")
		if b.raw >= 0 && !g.shadowed["nil"] {
			// The raw field is large enough for the type where this
			// compiles (a negative uintptr constant does not).
			p("const _ = ", itoa(int(b.raw)), " - ")
			e.w.qual("unsafe", "unsafe", "Sizeof")
			p("(*(*", b.name, ")(nil))\n")
		}
	}
}
