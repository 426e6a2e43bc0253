package main

// Layout: the future's fields besides the variables (liveness.go places
// those): one await field per distinct future type, since one await is
// pending at a time, and one field per inlined callee (inline.go), reused
// only by the same callee's future. It also rejects a variable the future
// must declare whose type cannot be written outside its package.

import "fmt"

// layout assigns every await its field; false when it reported errors.
func (ir *irFunc) layout() bool {
	g := ir.g
	nerr := len(g.errs)
	fd := ir.fn.decl
	for _, v := range ir.vars {
		if !ir.used[v] {
			continue
		}
		if bad, ok := g.spellable(v.typ); !ok {
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
	awByType := map[string]string{}
	ir.childField = map[*asyncFunc]string{}
	for _, b := range ir.reach {
		t, ok := b.term.(*awaitTerm)
		if !ok {
			continue
		}
		typ := g.typeText(g.futureOf(t.out))
		if awByType[typ] == "" {
			awByType[typ] = ir.name(fmt.Sprintf("aw%d", len(ir.awaits)))
			ir.awaits = append(ir.awaits, awField{awByType[typ], typ, g.futureOf(t.out)})
		}
		t.field = awByType[typ]
		if t.child != nil {
			if ir.childField[t.child] == "" {
				ir.childField[t.child] = ir.name("c_" + lowerFirst(t.child.decl.Name.Name))
				ir.children = append(ir.children, t.child)
			}
			t.cfield = ir.childField[t.child]
		}
	}
	return true
}
