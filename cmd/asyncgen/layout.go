package main

// Layout: the future's fields besides the variables (liveness.go places
// those): one await field, since one await is pending at a time, and one
// field per inlined callee (inline.go), reused only by the same callee's
// future. The await field has the awaited future's type where the function
// awaits futures of one type (the common case, which then costs nothing);
// where it awaits several, one field is shared, which keeps the future at
// one field's size instead of one per type. Where every one is an
// rt.Future interface (other packages' futures, the common case of a
// shared field: a read and a write on a connection), the field is declared
// as the first of them, and each await of another stores and polls it
// through an unsafe view as its own rt.Future type: every non-empty
// interface is an itab and a data word, the garbage collector sees the data
// word as the pointer it is (an itab is never in the heap), and what reads
// the field as declared reads only what all itabs share (Cancel's
// assertion to rt.Canceler and Trace's conversion to any read the dynamic
// type), never a method, so the await costs no assertion (about 12
// instructions a poll, internal/genbench's BenchmarkSharedSlot). Otherwise
// (a generated future of the package among them, by its pointer type) the
// field is an empty interface and each resume asserts it back to its
// future's type (a few nanoseconds: BenchmarkResume in bench_test.go). An
// interface, not a union of memory: the garbage collector sees every
// pointer the field holds. Layout
// also rejects a variable the future must declare whose type cannot be
// written outside its package.

import (
	"fmt"
	"go/types"
)

// layout assigns every await its field; false when it reported errors.
func (ir *irFunc) layout() bool {
	g := ir.g
	nerr := len(g.errs)
	fd := ir.fn.decl
	if !ir.checkLocalTypes() {
		return false
	}
	for _, v := range ir.vars {
		if !ir.used[v] {
			continue
		}
		// The local types Poll declares can be written there, and a field
		// of one is boxed (localtype.go).
		if bad, ok := g.spellableIn(v.typ, ir.hoisted); !ok {
			pos, what := fd.Pos(), "a value"
			if v.obj != nil {
				pos, what = v.obj.Pos(), "variable "+v.obj.Name()
			}
			g.errorf(pos, "%s has type %s, which cannot be written outside its package (it involves %s), but the future of %s must declare it; give it a type that can be written, such as an exported interface it implements", what, g.typeString(v.typ), bad, fd.Name.Name)
		}
	}
	if len(g.errs) > nerr {
		return false
	}
	ir.nameBoxes()
	if ir.fn.frame && !isEmptyOut(ir.out) {
		ir.nRes = ir.name("res")
	}
	var awaits []*awaitTerm
	var futs []types.Type // the distinct future types awaited, by-value ones aside
	awaited := g.awaitedType
	for _, b := range ir.reach {
		if t, ok := b.term.(*awaitTerm); ok {
			if t.byValue != nil {
				ir.byValueField(t)
				continue
			}
			awaits = append(awaits, t)
			if f := awaited(t); !containsType(futs, f) {
				futs = append(futs, f)
			}
			if t.driven() && ir.nDriven == "" {
				ir.nDriven, ir.nFresh = ir.name("driven"), ir.name("fresh")
			}
		}
	}
	if len(awaits) > 0 {
		a := awField{name: ir.name("aw0"), t: futs[0], frame: len(futs) == 1 && awaits[0].frame != nil}
		// A future type that names a local type cannot be a field's
		// type: the interface field holds it (localtype.go).
		if g.localIn(futs[0]) != nil || len(futs) > 1 && !g.allInterfaces(futs) {
			a.shared, a.t = true, types.Universe.Lookup("any").Type()
			if g.shadowed["any"] {
				a.t = types.NewInterfaceType(nil, nil)
			}
		} else if len(futs) > 1 {
			a.shared, a.ifaces = true, true
		}
		a.typ = g.typeText(a.t)
		ir.awaits = append(ir.awaits, a)
	}
	ir.childField = map[string]*childInst{}
	for _, t := range awaits {
		a := ir.awaits[len(ir.awaits)-1] // the field of the other awaits, declared last
		t.field = a.name
		if a.ifaces {
			if f := awaited(t); !types.Identical(f, a.t) {
				t.view = f
			}
		} else if a.shared {
			t.assert = awaited(t)
		}
		if t.child != nil {
			ft := g.futureType(t.child, t.targs)
			key := g.typeText(ft)
			c := ir.childField[key]
			if c == nil {
				c = &childInst{fn: t.child, targs: t.targs, t: ft, field: ir.name("c_" + lowerFirst(t.child.decl.Name.Name))}
				ir.childField[key] = c
				ir.children = append(ir.children, c)
			}
			t.cfield, t.childType = c.field, c.t
		}
	}
	return true
}

// allInterfaces reports whether every type of ts is an interface (and
// none names a local type, which a field cannot): the rt.Future types of
// awaits of other packages' futures, all laid out as an itab and a data
// word.
func (g *pkgGen) allInterfaces(ts []types.Type) bool {
	for _, t := range ts {
		if !types.IsInterface(t) || g.localIn(t) != nil {
			return false
		}
	}
	return true
}

// awaitedType is the type an await's future is held as: a generated future
// of the package by its own pointer type (an rt.Frame, polled and cancelled
// without an interface; emit.go), any other as its rt.Future.
func (g *pkgGen) awaitedType(t *awaitTerm) types.Type {
	if t.frame != nil {
		return types.NewPointer(g.futureType(t.frame, t.targs))
	}
	return g.futureOf(t.out)
}

// futureType is fn's generated future type as a go/types type, for the
// writer to spell and -sizes to measure through a pointer: a named type of
// the package (its fields do not matter there), instantiated with targs
// where fn is generic.
func (g *pkgGen) futureType(fn *asyncFunc, targs []types.Type) types.Type {
	if fn.futType == nil {
		tn := types.NewTypeName(fn.decl.Pos(), g.pkg, fn.futName, nil)
		named := types.NewNamed(tn, types.NewStruct(nil, nil), nil)
		// Type parameters of its own (one may be bound to one type only),
		// named and constrained as fn's.
		var tps []*types.TypeParam
		for _, tp := range typeParams(fn.tparams()) {
			tps = append(tps, types.NewTypeParam(types.NewTypeName(tp.Obj().Pos(), g.pkg, g.tparamName(tp), nil), tp.Constraint()))
		}
		named.SetTypeParams(tps)
		fn.futType = named
	}
	if len(targs) == 0 {
		return fn.futType
	}
	t, err := types.Instantiate(nil, fn.futType, targs, false)
	if err != nil {
		panic("corio/asyncgen: instantiate " + fn.futName + ": " + err.Error())
	}
	return t
}

// isEmptyOut reports whether a future's output is struct{} (no results):
// an rt.Frame then keeps no output.
func isEmptyOut(t types.Type) bool {
	s, ok := t.(*types.Struct)
	return ok && s.NumFields() == 0
}

// byValueField gives an await that holds MakeX's future by value (the
// by-value rule in doc.go) its field: one of that future's type, shared only
// with the awaits of the same type (one await is pending at a time). Never
// the interface field: storing a value there would box it, allocating.
func (ir *irFunc) byValueField(t *awaitTerm) {
	i := 0
	for ; i < len(ir.awaits) && !(ir.awaits[i].byValue && types.Identical(ir.awaits[i].t, t.byValue)); i++ {
	}
	if i == len(ir.awaits) {
		ir.awaits = append(ir.awaits, awField{name: ir.name(fmt.Sprintf("av%d", i)), t: t.byValue, typ: ir.g.typeText(t.byValue), byValue: true})
	}
	t.field = ir.awaits[i].name
	ir.awaits[i].states = append(ir.awaits[i].states, t.next.state)
}

// containsType reports whether ts holds a type identical to t.
func containsType(ts []types.Type, t types.Type) bool {
	for _, u := range ts {
		if types.Identical(u, t) {
			return true
		}
	}
	return false
}
