package main

// The generated code as a value: literal text and qualified references to
// members of other packages, kept apart so that jennifer, which writes the
// file's import block, sees every package the code uses and spells each
// reference with the import's name or alias. Emission and the syntax
// printer (printer_syntax.go) write pieces through a writer; nothing is
// ever recovered from printed text.

import (
	"go/types"
	"strconv"

	"github.com/dave/jennifer/jen"
)

// code is a piece of generated Go source: text, with qualified references
// standing at byte offsets of it.
type code struct {
	buf  []byte
	refs []qualRef
}

// qualRef is a reference to member name of the package at path, which
// stands at offset at of its code's text.
type qualRef struct {
	at         int
	path, name string
}

func (c *code) text(s string) { c.buf = append(c.buf, s...) }

// ref appends a reference to path's member name.
func (c *code) ref(path, name string) { c.refs = append(c.refs, qualRef{len(c.buf), path, name}) }

// add appends o.
func (c *code) add(o code) {
	base := len(c.buf)
	c.buf = append(c.buf, o.buf...)
	for _, r := range o.refs {
		r.at += base
		c.refs = append(c.refs, r)
	}
}

func (c code) empty() bool { return len(c.buf) == 0 && len(c.refs) == 0 }

// equal reports whether c and o are the same code.
func (c code) equal(o code) bool {
	if string(c.buf) != string(o.buf) || len(c.refs) != len(o.refs) {
		return false
	}
	for i := range c.refs {
		if c.refs[i] != o.refs[i] {
			return false
		}
	}
	return true
}

// last is the last byte of c's text where no reference follows it, 0 otherwise.
func (c *code) last() byte {
	if len(c.buf) == 0 || len(c.refs) > 0 && c.refs[len(c.refs)-1].at == len(c.buf) {
		return 0
	}
	return c.buf[len(c.buf)-1]
}

// jen is c as jennifer code: text as operators, written verbatim, and each
// reference as a qualified name.
func (c code) jen() jen.Code {
	s := make([]jen.Code, 0, 2*len(c.refs)+1)
	last := 0
	for _, r := range c.refs {
		if r.at > last {
			s = append(s, jen.Op(string(c.buf[last:r.at])))
		}
		s = append(s, jen.Qual(r.path, r.name))
		last = r.at
	}
	if last < len(c.buf) {
		s = append(s, jen.Op(string(c.buf[last:])))
	}
	return jen.Add(s...)
}

// writer writes code for one package's generated files: a reference also
// records the package for the file's imports.
type writer struct {
	g *pkgGen
	code
}

func newWriter(g *pkgGen) *writer { return &writer{g: g} }

// qual writes a reference to member of the package at path, whose name is
// pkgName.
func (w *writer) qual(path, pkgName, member string) {
	w.g.usePkg(path, pkgName)
	w.ref(path, member)
}

// put writes each argument: a string as text, an int in decimal, a type
// as the generated code spells it, code as it is.
func (w *writer) put(args ...any) {
	for _, a := range args {
		switch a := a.(type) {
		case string:
			w.text(a)
		case int:
			w.text(strconv.Itoa(a))
		case types.Type:
			w.typ(a)
		case code:
			w.add(a)
		default:
			panic("corio/asyncgen: writer.put: unexpected argument")
		}
	}
}

// usePkg records that generated code refers to the package at path, in
// order of first use: gen.go gives the file an import of each (jennifer
// leaves out the ones a file does not use).
func (g *pkgGen) usePkg(path, name string) {
	if g.pkgUsed == nil {
		g.pkgUsed = map[string]bool{}
	}
	if g.pkgUsed[path] {
		return
	}
	g.pkgUsed[path] = true
	g.paths = append(g.paths, path)
	g.pnames = append(g.pnames, name)
}

// typ writes type t as the generated code spells it: as types.TypeString
// writes it, with every package but the generated one's qualified.
func (w *writer) typ(t types.Type) {
	if len(w.g.shadowed) > 0 {
		w.g.notePredeclared(t)
	}
	tw := typeWriter{w: w}
	tw.typ(t)
}

// tparamDecl writes a type parameter list with its constraints,
// [K comparable, V any], as a generic future's declaration and twin declare
// it; nothing for an empty list.
func (w *writer) tparamDecl(l *types.TypeParamList) {
	if l.Len() > 0 {
		tw := typeWriter{w: w}
		tw.tparams(l)
	}
}

// tparamNames writes the names of a type parameter list, [K, V], as a
// generic future's methods and composite literals name its type; nothing
// for an empty list.
func (w *writer) tparamNames(l *types.TypeParamList) {
	if l.Len() == 0 {
		return
	}
	w.text("[")
	for i := 0; i < l.Len(); i++ {
		if i > 0 {
			w.text(", ")
		}
		w.text(w.g.tparamName(l.At(i)))
	}
	w.text("]")
}

// typeText is t as a string that tells types apart as the generated code
// writes them (layout.go records the await field's in awField.typ):
// types.TypeString with package paths for qualifiers. Like typ, it notes
// the redeclared predeclared names t would need.
func (g *pkgGen) typeText(t types.Type) string {
	if len(g.shadowed) > 0 {
		g.notePredeclared(t)
	}
	return types.TypeString(t, func(p *types.Package) string {
		if p == g.pkg {
			return ""
		}
		return p.Path()
	})
}

// typeWriter mirrors go/types' own type writer (typestring.go) in the form
// types.TypeString gives with a qualifier, writing a qualified reference
// for each name of another package. A type of a type-checked package has
// no cycle that does not go through a named type, which is written by
// name, so unlike go/types it keeps no record of the types it is in.
type typeWriter struct {
	w *writer
}

func (tw *typeWriter) name(obj *types.TypeName) {
	if p := obj.Pkg(); p != nil && p != tw.w.g.pkg {
		tw.w.qual(p.Path(), p.Name(), obj.Name())
		return
	}
	if n := tw.w.g.localName[obj]; n != "" {
		tw.w.text(n) // a local type hoisted into Poll (localtype.go)
		return
	}
	tw.w.text(obj.Name())
}

func (tw *typeWriter) typ(t types.Type) {
	w := tw.w
	switch t := t.(type) {
	case *types.Basic:
		if t.Kind() == types.UnsafePointer {
			w.qual("unsafe", "unsafe", "Pointer")
			return
		}
		w.text(t.Name())
	case *types.Array:
		w.text("[" + strconv.FormatInt(t.Len(), 10) + "]")
		tw.typ(t.Elem())
	case *types.Slice:
		w.text("[]")
		tw.typ(t.Elem())
	case *types.Struct:
		w.text("struct{")
		for i := 0; i < t.NumFields(); i++ {
			f := t.Field(i)
			if i > 0 {
				w.text("; ")
			}
			if !f.Embedded() {
				w.text(f.Name() + " ")
			}
			tw.typ(f.Type())
			if tag := t.Tag(i); tag != "" {
				w.text(" " + strconv.Quote(tag))
			}
		}
		w.text("}")
	case *types.Pointer:
		w.text("*")
		tw.typ(t.Elem())
	case *types.Tuple:
		tw.tuple(t, false)
	case *types.Signature:
		w.text("func")
		tw.signature(t)
	case *types.Union:
		for i := 0; i < t.Len(); i++ {
			if i > 0 {
				w.text("|")
			}
			term := t.Term(i)
			if term.Tilde() {
				w.text("~")
			}
			tw.typ(term.Type())
		}
	case *types.Interface:
		if t == types.Universe.Lookup("any").Type().Underlying() {
			w.text("any")
			return
		}
		if t == types.Universe.Lookup("comparable").Type().Underlying() {
			w.text("interface{comparable}")
			return
		}
		if t.IsImplicit() {
			if t.NumExplicitMethods() == 0 && t.NumEmbeddeds() == 1 {
				tw.typ(t.EmbeddedType(0))
				return
			}
			w.text("/* implicit */ ")
		}
		w.text("interface{")
		first := true
		for i := 0; i < t.NumExplicitMethods(); i++ {
			m := t.ExplicitMethod(i)
			if !first {
				w.text("; ")
			}
			first = false
			w.text(m.Name())
			tw.signature(m.Type().(*types.Signature))
		}
		for i := 0; i < t.NumEmbeddeds(); i++ {
			if !first {
				w.text("; ")
			}
			first = false
			tw.typ(t.EmbeddedType(i))
		}
		w.text("}")
	case *types.Map:
		w.text("map[")
		tw.typ(t.Key())
		w.text("]")
		tw.typ(t.Elem())
	case *types.Chan:
		parens := false
		switch t.Dir() {
		case types.SendRecv:
			w.text("chan ")
			if c, _ := t.Elem().(*types.Chan); c != nil && c.Dir() == types.RecvOnly {
				parens = true
			}
		case types.SendOnly:
			w.text("chan<- ")
		case types.RecvOnly:
			w.text("<-chan ")
		}
		if parens {
			w.text("(")
		}
		tw.typ(t.Elem())
		if parens {
			w.text(")")
		}
	case *types.Named:
		tw.named(t.Obj(), t.TypeArgs(), t.TypeParams())
	case *types.TypeParam:
		w.text(w.g.tparamName(t))
		if types.Universe.Lookup(t.Obj().Name()) != nil {
			w.text("/* type parameter */")
		}
	case *types.Alias:
		tw.named(t.Obj(), t.TypeArgs(), t.TypeParams())
	default:
		w.text(t.String())
	}
}

// named writes a defined type or an alias: its name, then its type
// arguments or, uninstantiated, its type parameters.
func (tw *typeWriter) named(obj *types.TypeName, args *types.TypeList, params *types.TypeParamList) {
	tw.name(obj)
	if args.Len() > 0 {
		tw.list(args)
	} else if params.Len() > 0 {
		tw.tparams(params)
	}
}

func (tw *typeWriter) list(l *types.TypeList) {
	tw.w.text("[")
	for i := 0; i < l.Len(); i++ {
		if i > 0 {
			tw.w.text(", ")
		}
		tw.typ(l.At(i))
	}
	tw.w.text("]")
}

func (tw *typeWriter) tparams(l *types.TypeParamList) {
	tw.w.text("[")
	var prev types.Type
	for i := 0; i < l.Len(); i++ {
		tp := l.At(i)
		if i > 0 {
			if tp.Constraint() != prev {
				tw.w.text(" ")
				tw.typ(prev)
			}
			tw.w.text(", ")
		}
		prev = tp.Constraint()
		tw.typ(tp)
	}
	if prev != nil {
		tw.w.text(" ")
		tw.typ(prev)
	}
	if l.Len() == 1 {
		if c, ok := prev.(*types.Interface); ok && c.IsImplicit() {
			// The bare terms of [P *S] read as an array length P * S in a
			// type declaration (type fFuture[P *S,] struct{…}): the
			// comma makes it a type parameter list, as Go's own
			// syntax requires (go/format drops it where nothing is
			// ambiguous).
			tw.w.text(",")
		}
	}
	tw.w.text("]")
}

func (tw *typeWriter) tuple(t *types.Tuple, variadic bool) {
	w := tw.w
	w.text("(")
	for i := 0; i < t.Len(); i++ {
		v := t.At(i)
		if i > 0 {
			w.text(", ")
		}
		if v.Name() != "" {
			w.text(v.Name() + " ")
		}
		if variadic && i == t.Len()-1 {
			if s, ok := v.Type().(*types.Slice); ok {
				w.text("...")
				tw.typ(s.Elem())
			} else {
				tw.typ(v.Type())
				w.text("...")
			}
			continue
		}
		tw.typ(v.Type())
	}
	w.text(")")
}

func (tw *typeWriter) signature(sig *types.Signature) {
	if sig.TypeParams().Len() > 0 {
		tw.tparams(sig.TypeParams())
	}
	tw.tuple(sig.Params(), sig.Variadic())
	n := sig.Results().Len()
	if n == 0 {
		return
	}
	tw.w.text(" ")
	if n == 1 && sig.Results().At(0).Name() == "" {
		tw.typ(sig.Results().At(0).Type())
		return
	}
	tw.tuple(sig.Results(), false)
}
