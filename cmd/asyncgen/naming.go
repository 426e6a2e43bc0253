package main

// Naming: how the generated code spells things so that no user identifier
// can capture or collide with them.
//
//   - Locals and fields of a future get names from irFunc.name, which
//     avoids every identifier of the package's syntax that could be in scope
//     (package-level names, import names, the function's own names) and the
//     method names of the future (Poll, Cancel): a field and a method of one
//     type share a namespace.
//   - Future type names avoid every identifier of the package's syntax, so a
//     parameter named like the future type cannot shadow it in the twin.
//   - Import aliases of the generated file are chosen after lowering: a
//     package's own name when no package-level name, no other import's name
//     and nothing the generator named spells it, else name_2, name_3…
//     (importAlias).
//   - Predeclared identifiers (true, false, nil, len, new, panic, int…)
//     may be redeclared by the package (const true = false). The generated
//     code spells the ones it needs without them when the package declares
//     one anywhere (univ), and reports an error for what has no other
//     spelling (bool in Poll's signature, a predeclared type in a type the
//     generated code must write).
//   - A reference to a name of another package that the source reaches
//     without a qualifier (a dot import) is printed qualified.

import (
	"go/constant"
	"go/types"
	"math/big"
	"strconv"
)

// scanNames records the names the package's syntax declares (and could
// bring into scope where generated code runs), the names generated locals
// must not take (reserved), the packages each import name denotes, and the
// predeclared names the package redeclares.
func (g *pkgGen) scanNames() {
	g.declared = map[string]bool{}
	g.pkgNames = map[string]map[string]bool{}
	g.shadowed = map[string]bool{}
	g.genNames = map[string]bool{}
	// Everything a body may refer to outside itself is reserved, so
	// flattening scopes into one Poll never shadows it.
	g.reserved = map[string]bool{}
	for _, n := range types.Universe.Names() {
		g.reserved[n] = true
	}
	for _, p := range g.pkg.Imports() {
		g.reserved[p.Name()] = true
	}
	for _, n := range []string{"rt", "utf8", "reflect"} {
		g.reserved[n] = true
	}
	note := func(obj types.Object) {
		if obj == nil {
			return
		}
		switch o := obj.(type) {
		case *types.PkgName:
			if g.pkgNames[o.Name()] == nil {
				g.pkgNames[o.Name()] = map[string]bool{}
			}
			g.pkgNames[o.Name()][o.Imported().Path()] = true
			return
		case *types.Var:
			if o.IsField() {
				return
			}
		case *types.Func:
			if o.Type().(*types.Signature).Recv() != nil {
				return
			}
		}
		g.declared[obj.Name()] = true
		if types.Universe.Lookup(obj.Name()) != nil {
			g.shadowed[obj.Name()] = true
		}
	}
	for _, obj := range g.info.Defs {
		note(obj)
	}
	for _, obj := range g.info.Implicits {
		note(obj)
	}
}

// tparamName is how generated code names a type parameter of an async
// function or of an async method's receiver: its own name, which the
// source's types and body use, or, for a blank one (func F[_ any]), a name
// newIR chose, since a future's methods and twin must name each of its
// type parameters.
func (g *pkgGen) tparamName(tp *types.TypeParam) string {
	if n := g.tpRename[tp]; n != "" {
		return n
	}
	return tp.Obj().Name()
}

// univ spells a predeclared value or function for generated code. For a
// name the package redeclares it returns an equivalent that names nothing
// predeclared, or "" when there is none (the caller reports it).
func (g *pkgGen) univ(name string) string {
	if !g.shadowed[name] {
		return name
	}
	switch name {
	case "true":
		return "(0 == 0)"
	case "false":
		return "(0 != 0)"
	}
	return ""
}

// needUniverse notes that generated code needs the predeclared name; a
// redeclared one is reported at pos by the caller via universeErrors.
func (g *pkgGen) needUniverse(name string) {
	if g.shadowed[name] {
		if g.missing == nil {
			g.missing = map[string]bool{}
		}
		g.missing[name] = true
	}
}

// zeroOf writes a zero value of t that names nothing predeclared.
func (w *writer) zeroOf(t types.Type) {
	w.put("(struct{ v ", t, " }{}).v")
}

// panic writes a call that panics with msg.
func (w *writer) panic(msg string) {
	if w.g.shadowed["panic"] {
		w.qual("log", "log", "Panic")
		w.text("(" + strconv.Quote(msg) + ")")
		return
	}
	w.text("panic(" + strconv.Quote(msg) + ")")
}

// nilOf writes the nil value of t (a pointer, interface, slice, map, chan or func type).
func (w *writer) nilOf(t types.Type) {
	if w.g.shadowed["nil"] {
		w.zeroOf(t)
		return
	}
	w.text("nil")
}

// newOf writes an expression allocating a fresh T holding init ("" for zero).
func (w *writer) newOf(t types.Type, init string) {
	switch {
	case w.g.shadowed["new"]:
		w.put("&(&struct{ v ", t, " }{", init, "}).v")
	case init == "":
		w.put("new(", t, ")")
	default:
		w.put("new(", init, ")")
	}
}

// spellable reports whether t can be written outside its packages: a named
// type that another package does not export cannot.
func (g *pkgGen) spellable(t types.Type) (bad string, ok bool) {
	return g.spellableIn(t, nil)
}

// spellableIn is spellable where the local types for which local reports
// true can be written too.
func (g *pkgGen) spellableIn(t types.Type, local func(*types.TypeName) bool) (bad string, ok bool) {
	ok = eachType(t, func(t types.Type) bool {
		switch t := t.(type) {
		case *types.Named:
			o := t.Obj()
			if o.Pkg() != nil && o.Pkg() != g.pkg && !o.Exported() {
				bad = o.Pkg().Name() + "." + o.Name()
				return false
			}
			if o.Pkg() == g.pkg && o.Parent() != nil && o.Parent() != g.pkg.Scope() && (local == nil || !local(o)) {
				bad = o.Name() + " (a local type)"
				return false
			}
		case *types.Struct:
			for i := 0; i < t.NumFields(); i++ {
				if f := t.Field(i); !f.Exported() && f.Pkg() != g.pkg {
					bad = "a struct with unexported fields of package " + f.Pkg().Name()
					return false
				}
			}
		case *types.Interface:
			for i := 0; i < t.NumMethods(); i++ {
				if m := t.Method(i); !m.Exported() && m.Pkg() != g.pkg {
					bad = "an interface with unexported methods of package " + m.Pkg().Name()
					return false
				}
			}
		}
		return true
	})
	return bad, ok
}

// eachType calls f on t and on every type written inside it (type
// arguments, elements, keys, parameters, results, fields, methods; not a
// named type's underlying type), each once, and stops when f returns false.
// It reports whether the walk ran to the end.
func eachType(t types.Type, f func(types.Type) bool) bool {
	seen := map[types.Type]bool{}
	var walk func(t types.Type) bool
	walk = func(t types.Type) bool {
		if t == nil || seen[t] {
			return true
		}
		seen[t] = true
		if !f(t) {
			return false
		}
		switch t := t.(type) {
		case *types.Alias:
			return walk(types.Unalias(t))
		case *types.Named:
			if ta := t.TypeArgs(); ta != nil {
				for i := 0; i < ta.Len(); i++ {
					if !walk(ta.At(i)) {
						return false
					}
				}
			}
		case *types.Pointer:
			return walk(t.Elem())
		case *types.Slice:
			return walk(t.Elem())
		case *types.Array:
			return walk(t.Elem())
		case *types.Chan:
			return walk(t.Elem())
		case *types.Map:
			return walk(t.Key()) && walk(t.Elem())
		case *types.Signature:
			return walk(t.Params()) && walk(t.Results())
		case *types.Tuple:
			for i := 0; i < t.Len(); i++ {
				if !walk(t.At(i).Type()) {
					return false
				}
			}
		case *types.Struct:
			for i := 0; i < t.NumFields(); i++ {
				if !walk(t.Field(i).Type()) {
					return false
				}
			}
		case *types.Interface:
			for i := 0; i < t.NumMethods(); i++ {
				if !walk(t.Method(i).Type()) {
					return false
				}
			}
		}
		return true
	}
	return walk(t)
}

// importAlias picks the name under which the generated files import path:
// the package's name unless the package's syntax or the generator's own
// names use it.
func (g *pkgGen) importAlias(path, name string) string {
	if a, ok := g.aliases[path]; ok {
		return a
	}
	if g.aliases == nil {
		g.aliases = map[string]string{}
		g.aliasUsed = map[string]bool{}
	}
	a := name
	clash := func(a string) bool {
		for p := range g.pkgNames[a] {
			if p != path {
				return true
			}
		}
		return g.taken[a] || g.genNames[a] || g.aliasUsed[a] || g.tpNames[a] || g.localNames[a] || types.Universe.Lookup(a) != nil
	}
	for i := 2; clash(a); i++ {
		a = name + "_" + strconv.Itoa(i)
	}
	g.aliases[path] = a
	g.aliasUsed[a] = true
	return a
}

// notePredeclared records the redeclared predeclared names that printing t
// would write.
func (g *pkgGen) notePredeclared(t types.Type) {
	eachType(t, func(t types.Type) bool {
		switch t := t.(type) {
		case *types.Basic:
			if t.Info()&types.IsUntyped == 0 {
				g.needUniverse(t.Name())
			}
		case *types.Alias:
			if t.Obj().Pkg() == nil {
				g.needUniverse(t.Obj().Name())
			}
		case *types.Named:
			if t.Obj().Pkg() == nil {
				g.needUniverse(t.Obj().Name())
			}
		}
		return true
	})
}

// stateType is the type of a future's state field: an integer type whose
// name the package does not redeclare.
func (g *pkgGen) stateType() string {
	for _, n := range []string{"int", "int32", "int64", "int16"} {
		if !g.shadowed[n] {
			return n
		}
	}
	g.needUniverse("int")
	return "int"
}

// constant writes a constant of type t as a Go constant expression: the
// exact value, converted to t unless t is untyped.
func (w *writer) constant(t types.Type, v constant.Value) {
	var lit string
	b, untyped := t.(*types.Basic)
	untyped = untyped && b.Info()&types.IsUntyped != 0
	switch v.Kind() {
	case constant.Bool:
		lit = w.g.univ("false")
		if constant.BoolVal(v) {
			lit = w.g.univ("true")
		}
	case constant.String:
		lit = v.ExactString()
	default:
		lit = constNum(v)
		if untyped && b.Kind() == types.UntypedRune {
			if r, ok := constant.Int64Val(v); ok && r >= 0 && r <= 0x10FFFF {
				lit = strconv.QuoteRune(rune(r))
			}
		}
	}
	if untyped {
		w.text(lit)
		return
	}
	w.put(t, "(", lit, ")")
}

// constNum writes a numeric constant exactly: an integer, a quotient of
// integers, or a complex number of those.
func constNum(v constant.Value) string {
	switch v.Kind() {
	case constant.Int:
		return v.ExactString()
	case constant.Float:
		n, d := constant.Num(v), constant.Denom(v)
		if n.Kind() == constant.Unknown {
			// Too large or small for a fraction (1e646456992): go/constant
			// holds it as a big.Float, written exactly in hexadecimal,
			// which is also fast where the decimal text is not.
			if f, ok := constant.Val(v).(*big.Float); ok {
				return "(" + f.Text('x', -1) + ")"
			}
		}
		if d.ExactString() == "1" {
			return "(" + n.ExactString() + ".0)"
		}
		return "(" + n.ExactString() + ".0 / " + d.ExactString() + ")"
	case constant.Complex:
		return "(" + constNum(constant.Real(v)) + " + " + constNum(constant.Imag(v)) + "*1i)"
	}
	return v.ExactString()
}

// zero writes the zero value of t.
func (w *writer) zero(t types.Type) {
	if w.g.shadowed["false"] || w.g.shadowed["nil"] || w.g.shadowed["new"] {
		w.zeroOf(t)
		return
	}
	if _, ok := types.Unalias(t).(*types.TypeParam); ok {
		w.put("*new(", t, ")") // its underlying type is its constraint
		return
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Info()&types.IsBoolean != 0:
			w.text("false")
		case u.Info()&types.IsString != 0:
			w.text(`""`)
		case u.Info()&types.IsNumeric != 0:
			w.text("0")
		default:
			w.text("nil")
		}
	case *types.Pointer, *types.Slice, *types.Map, *types.Chan, *types.Signature, *types.Interface:
		w.text("nil")
	case *types.Struct, *types.Array:
		w.put(t, "{}")
	default:
		w.put("*new(", t, ")")
	}
}

// helperName picks the package-level name of a helper a generated file
// declares (print.go's take): unlike every name of the package's syntax,
// every import name, every import alias and every name the generator chose
// so far; later choices avoid it in turn (taken).
func (g *pkgGen) helperName(base string) string {
	n := base
	for i := 2; g.taken[n] || g.declared[n] || g.reserved[n] || g.genNames[n] || g.aliasUsed[n] || g.pkgNames[n] != nil; i++ {
		n = base + strconv.Itoa(i)
	}
	g.taken[n] = true
	return n
}
