package main

// Sanity: invariants of the IR, checked after every pass when sanityChecks
// is set (the tests set it, so every test program and random program is
// checked). A violation is a generator bug, reported as an internal error
// at the function.

import (
	"fmt"
	"go/ast"
	"go/types"
	"slices"
)

// sanityChecks turns the checks on; the tests set it.
var sanityChecks = false

// checked runs the checks that hold after pass, reporting a violation as
// an internal error; false when there was one.
func (ir *irFunc) checked(pass string) bool {
	if !sanityChecks {
		return true
	}
	if msg := ir.sanity(pass); msg != "" {
		ir.g.errorf(ir.fn.decl.Pos(), "asyncgen internal error lowering %s: after %s: %s (a bug in asyncgen; please report it with this function)", ir.fn.decl.Name.Name, pass, msg)
		return false
	}
	return true
}

// sanity returns the first invariant violated after pass, or "".
func (ir *irFunc) sanity(pass string) string {
	after := map[string]int{"lower": 0, "thread": 1, "number": 2, "liveness": 3, "layout": 4}[pass]
	// The graph: every block terminated, every target a block of the
	// function, never the entry; each await resumed by exactly its next
	// block, into a variable of the machine.
	inFunc := map[*block]bool{}
	for _, b := range ir.blocks {
		inFunc[b] = true
	}
	if ir.entry == nil || !inFunc[ir.entry] || ir.entry.resume != nil {
		return "the entry block is missing, or it resumes an await"
	}
	resumedBy := map[*block]int{}
	for i, b := range ir.blocks {
		if b.term == nil {
			return fmt.Sprintf("block %d has no terminator", i)
		}
		for _, s := range successors(b) {
			if s == nil || !inFunc[s] {
				return fmt.Sprintf("block %d jumps to a block that is not the function's", i)
			}
			if s == ir.entry {
				return fmt.Sprintf("block %d jumps back to the entry", i)
			}
		}
		if t, ok := b.term.(*awaitTerm); ok {
			if t.next.resume != t {
				return fmt.Sprintf("block %d awaits, but its next block does not resume that await", i)
			}
			resumedBy[t.next]++
			if t.dst != nil && !t.dst.machine {
				return fmt.Sprintf("block %d awaits into a variable that is not the machine's", i)
			}
		}
	}
	for i, b := range ir.blocks {
		if b.resume != nil && resumedBy[b] != 1 {
			return fmt.Sprintf("block %d resumes an await that is not exactly one block's terminator", i)
		}
	}
	// A jump out of a kept statement goes to a block of the function that
	// its own block lists among its successors (for liveness).
	for _, b := range ir.blocks {
		extra := map[*block]bool{}
		for _, x := range b.extra {
			extra[x] = true
		}
		for _, s := range b.stmts {
			k, ok := s.(*keptInstr)
			if !ok {
				continue
			}
			for br, to := range k.jumps {
				if !inFunc[to] || !extra[to] {
					return fmt.Sprintf("the jump at %s leaves its kept statement for a block that is not the function's or not its block's successor", posString(ir.g.fset, br.Pos()))
				}
			}
		}
	}
	if after < 2 {
		return ""
	}
	// The states: the reachable blocks, numbered densely in order from the
	// entry, closed under successors.
	if len(ir.reach) == 0 || ir.reach[0] != ir.entry || ir.entry.state != 0 {
		return "the entry block is not state 0"
	}
	inReach := map[*block]bool{}
	for i, b := range ir.reach {
		if b.state != i || !b.reach {
			return fmt.Sprintf("block %d has state %d: states must be dense, in order", i, b.state)
		}
		inReach[b] = true
	}
	for _, b := range ir.reach {
		for _, s := range successors(b) {
			if !inReach[s] {
				return fmt.Sprintf("state %d jumps to a block that is not numbered", b.state)
			}
		}
		if len(b.extra) > 0 && !ir.labelUsed {
			return fmt.Sprintf("state %d has jumps out of kept statements, but Poll's loop has no label", b.state)
		}
	}
	if after < 3 {
		return ""
	}
	// Placement: parameters and named results are fields; variables that
	// share a field have identical types and cell-ness and are never live
	// at the same suspension point; a variable live at a suspension point
	// is a field; a cleared field is dead there.
	byName := map[string]*variable{}
	for _, v := range ir.vars {
		if (v.param || ir.isResult(v)) && !v.field {
			return fmt.Sprintf("parameter or result %s is not a field", v.name)
		}
		if !v.field || v.typ == nil {
			continue
		}
		if o := byName[v.name]; o != nil && (o.cell != v.cell || !types.Identical(o.typ, v.typ)) {
			return fmt.Sprintf("field %s is shared by variables of different types", v.name)
		}
		byName[v.name] = v
	}
	for _, b := range ir.reach {
		t, ok := b.term.(*awaitTerm)
		if !ok {
			continue
		}
		slot := map[string]*variable{}
		live := map[*variable]bool{}
		for _, v := range ir.suspLive[t] {
			if !v.field || !v.machine {
				return fmt.Sprintf("%s is live across the suspension point of state %d but has no field", v.name, b.state)
			}
			if o := slot[v.name]; o != nil && o != v {
				return fmt.Sprintf("two variables live across the suspension point of state %d share the field %s", b.state, v.name)
			}
			slot[v.name], live[v] = v, true
		}
		for _, v := range t.clear {
			if live[v] || !v.field {
				return fmt.Sprintf("state %d clears %s, which is live there or not a field", b.state, v.name)
			}
		}
		if after >= 4 && (t.field == "" || (t.child != nil) != (t.cfield != "")) {
			return fmt.Sprintf("the await of state %d has no field", b.state)
		}
		if after >= 4 && t.byValue != nil {
			// A future held by value (the by-value rule) has a field of
			// its own type, never the interface one (boxing allocates),
			// and Cancel knows it pending in exactly its resume state.
			var a *awField
			for i := range ir.awaits {
				if ir.awaits[i].name == t.field {
					a = &ir.awaits[i]
				}
			}
			if a == nil || !a.byValue || a.shared || !types.Identical(a.t, t.byValue) || t.assert != nil || t.child != nil {
				return fmt.Sprintf("the await of state %d holds a future by value, but not in a field of its type", b.state)
			}
			if !slices.Contains(a.states, t.next.state) {
				return fmt.Sprintf("the by-value await field %s does not list state %d, where it is pending", a.name, t.next.state)
			}
			if out := pollOutput(types.NewPointer(t.byValue)); out == nil || !types.Identical(out, t.out) {
				return fmt.Sprintf("the await of state %d holds a value whose pointer is not a future of its output", b.state)
			}
		} else if after >= 4 {
			// One await is pending at a time, so one field holds the
			// awaits through interfaces: typed where it holds one future
			// type (the await's), shared (an interface, asserted at the
			// resume) otherwise. By-value fields come before it.
			var ifaces []awField
			for _, a := range ir.awaits {
				if !a.byValue {
					ifaces = append(ifaces, a)
				}
			}
			if len(ifaces) != 1 || ifaces[0].name != t.field {
				return fmt.Sprintf("the await of state %d is not held by the future's one await field", b.state)
			}
			a, fut := ifaces[0], ir.g.awaitedType(t)
			switch {
			case a.ifaces && (t.assert != nil || !types.IsInterface(fut) || !types.IsInterface(a.t) || (t.view == nil) != types.Identical(a.t, fut) || t.view != nil && !types.Identical(t.view, fut)):
				return fmt.Sprintf("the await of state %d shares the interface field %s, but does not view it as its future's type", b.state, a.name)
			case a.shared && !a.ifaces && (t.assert == nil || t.view != nil || !types.Identical(t.assert, fut) || !types.IsInterface(a.t) || !types.AssignableTo(fut, a.t)):
				return fmt.Sprintf("the await of state %d shares the field %s, but does not assert it to its future's type", b.state, a.name)
			case !a.shared && (t.assert != nil || t.view != nil || !types.Identical(a.t, fut)):
				return fmt.Sprintf("the await of state %d is held by the field %s of another type", b.state, a.name)
			}
		}
	}
	// The common case costs nothing: a shared await field only where the
	// awaits hold futures of several types.
	if n := len(ir.awaits); after >= 4 && n > 0 && ir.awaits[n-1].shared {
		var futs []types.Type
		for _, b := range ir.reach {
			if t, ok := b.term.(*awaitTerm); ok && t.byValue == nil && !containsType(futs, ir.g.awaitedType(t)) {
				futs = append(futs, ir.g.awaitedType(t))
			}
		}
		if len(futs) < 2 {
			return fmt.Sprintf("the await field %s is shared, but every await holds a future of one type", ir.awaits[n-1].name)
		}
	}
	// A move (a field's last use) reads a field that is not a cell, which
	// its instruction mentions exactly once where it evaluates operands once.
	for in, vs := range ir.moves {
		var operands []ast.Expr
		switch in := in.(type) {
		case *assignInstr:
			operands = in.rhs
		case *exprInstr:
			operands = []ast.Expr{in.x}
		case *goInstr:
			operands = []ast.Expr{in.call}
		case *ifTerm:
			operands = []ast.Expr{in.cond}
		default:
			return fmt.Sprintf("a move in a %T, which is not an instruction that evaluates its operands once", in)
		}
		for _, v := range vs {
			n := 0
			for _, e := range operands {
				inspect(e, func(m ast.Node) bool {
					switch m := m.(type) {
					case *varRef:
						if m.v == v {
							n++
						}
					case *ast.Ident:
						if ir.varOf(m) == v {
							n++
						}
					}
					return true
				})
			}
			if n != 1 || !v.field || v.cell {
				return fmt.Sprintf("%s is moved out by an instruction that mentions it %d times, or it is not a field of its own", v.name, n)
			}
		}
	}
	return ""
}
