package main

// Range lowering: a range loop that holds a suspension point becomes an
// index (or iterator) variable, a condition, the body and a step, over
// integers, slices, arrays, pointers to arrays, strings (by rune) and maps;
// over functions in rangefunc.go.

import (
	"go/ast"
	"go/token"
	"go/types"
)

// iterVars assigns one iteration's key and value to the range statement's
// variables: new ones per iteration for :=, or the targets of = assigned
// together, their index operands evaluated first, as one assignment.
func (l *lowerer) iterVars(s *ast.RangeStmt, key, val ast.Expr) {
	var lhs, rhs []ast.Expr
	for _, p := range [][2]ast.Expr{{s.Key, key}, {s.Value, val}} {
		if p[0] == nil || p[1] == nil || isBlank(p[0]) {
			continue
		}
		lhs, rhs = append(lhs, p[0]), append(rhs, p[1])
	}
	if len(lhs) == 0 {
		return
	}
	if s.Tok == token.DEFINE {
		var ids []*ast.Ident
		for _, e := range lhs {
			ids = append(ids, e.(*ast.Ident))
		}
		l.declareNew(ids)
		l.emit(&assignInstr{tok: token.ASSIGN, lhs: lhs, rhs: rhs})
		return
	}
	targets, kids := l.lhsOperands(lhs)
	l.list(kids, false)
	l.emit(&assignInstr{tok: token.ASSIGN, lhs: targets, rhs: rhs})
}

func (l *lowerer) rangeStmt(s *ast.RangeStmt, label string) {
	l.loops++
	defer func() { l.loops-- }()
	xt := l.typeOf(s.X)
	head, body, post, exit := l.newBlock(), l.newBlock(), l.newBlock(), l.newBlock()
	var cond ast.Expr     // in head
	var key, val ast.Expr // at the start of body
	var step func()       // in post
	hasVal := s.Value != nil && !isBlank(s.Value)
	intType := types.Typ[types.Int]
	// idx makes the loop's index: a temporary, or the key variable itself
	// where the body cannot tell the two apart (stableKey), which then
	// needs no assignment per iteration (key stays nil).
	idx := func(t types.Type) *variable {
		i := l.stableKey(s)
		if i != nil {
			l.declareNew([]*ast.Ident{s.Key.(*ast.Ident)})
		} else {
			i = l.temp(t, "i")
			key = ref(i)
		}
		l.emit(&assignInstr{tok: token.ASSIGN, lhs: []ast.Expr{ref(i)}, rhs: []ast.Expr{&ast.BasicLit{Kind: token.INT, Value: "0"}}})
		step = func() { l.emit(&incDecInstr{x: ref(i), tok: token.INC}) }
		return i
	}
	under := coreType(xt) // a type parameter ranges as its core type
	if p, ok := under.(*types.Pointer); ok {
		under = p.Elem().Underlying() // pointer to array
	}
	switch u := under.(type) {
	case *types.Basic:
		if u.Info()&types.IsString != 0 {
			// The string is held as a plain string: utf8's functions
			// take string, and xt may be a defined type (type Name string).
			strT := types.Typ[types.String]
			str := l.temp(strT, "str")
			x := l.expr(s.X, false)
			if _, basic := xt.(*types.Basic); !basic {
				x = l.convert(strT, x)
			}
			l.emit(&assignInstr{tok: token.ASSIGN, lhs: []ast.Expr{ref(str)}, rhs: []ast.Expr{x}})
			i := idx(intType)
			next := l.temp(intType, "next")
			var rune ast.Expr = ast.NewIdent("_")
			if hasVal {
				r := l.temp(types.Typ[types.Rune], "rn")
				rune, val = ref(r), ref(r)
			}
			cond = &ast.BinaryExpr{X: ref(i), Op: token.LSS, Y: &ast.CallExpr{Fun: ast.NewIdent("len"), Args: []ast.Expr{ref(str)}}}
			if l.g.shadowed["len"] {
				cond = &ast.BinaryExpr{X: &ast.SliceExpr{X: ref(str), Low: ref(i)}, Op: token.NEQ, Y: &ast.BasicLit{Kind: token.STRING, Value: `""`}}
			}
			step = func() {
				l.emit(&assignInstr{tok: token.ASSIGN, lhs: []ast.Expr{ref(i)}, rhs: []ast.Expr{ref(next)}})
			}
			// decode at the top of body
			decode := func() {
				size := l.temp(intType, "size")
				l.emit(&assignInstr{tok: token.ASSIGN, lhs: []ast.Expr{rune, ref(size)}, rhs: []ast.Expr{
					&ast.CallExpr{Fun: &pkgRef{path: "unicode/utf8", name: "utf8", member: "DecodeRuneInString"},
						Args: []ast.Expr{&ast.SliceExpr{X: ref(str), Low: ref(i)}}}}})
				l.emit(&assignInstr{tok: token.ASSIGN, lhs: []ast.Expr{ref(next)}, rhs: []ast.Expr{&ast.BinaryExpr{X: ref(i), Op: token.ADD, Y: ref(size)}}})
			}
			l.rangeLoop(s, label, head, body, post, exit, cond, func() { decode(); l.iterVars(s, key, val) }, step)
			return
		}
		// range over an integer
		t := xt
		if u.Info()&types.IsUntyped != 0 {
			t = intType
			if s.Key != nil && !isBlank(s.Key) {
				t = l.typeOf(s.Key)
			}
		}
		n := l.temp(t, "n")
		l.emit(&assignInstr{tok: token.ASSIGN, lhs: []ast.Expr{ref(n)}, rhs: []ast.Expr{l.expr(s.X, false)}})
		i := idx(t)
		cond = &ast.BinaryExpr{X: ref(i), Op: token.LSS, Y: ref(n)}
	case *types.Slice, *types.Array:
		var seq *variable
		arr, isArray := u.(*types.Array)
		if isArray && !hasVal && !l.hasCall(s.X) {
			// len is constant and the range expression is not evaluated;
			// an uncalled literal keeps its variables used, as in the source.
			l.emit(&touchInstr{x: s.X})
		} else if v := l.stableSlice(s); v != nil {
			seq = v // no copy: nothing can change the variable during the loop
		} else {
			seq = l.temp(xt, "seq")
			l.emit(&assignInstr{tok: token.ASSIGN, lhs: []ast.Expr{ref(seq)}, rhs: []ast.Expr{l.expr(s.X, false)}})
		}
		i := idx(intType)
		if isArray {
			cond = &ast.BinaryExpr{X: ref(i), Op: token.LSS, Y: &ast.BasicLit{Kind: token.INT, Value: itoa(int(arr.Len()))}}
		} else {
			var n ast.Expr = &ast.CallExpr{Fun: ast.NewIdent("len"), Args: []ast.Expr{ref(seq)}}
			if l.g.shadowed["len"] {
				n = reflectCall(ref(seq), "Len")
			}
			cond = &ast.BinaryExpr{X: ref(i), Op: token.LSS, Y: n}
		}
		if hasVal {
			val = &ast.IndexExpr{X: ref(seq), Index: ref(i)}
		}
	case *types.Map:
		it := l.temp(types.NewPointer(mapIterType), "iter")
		x := l.expr(s.X, false)
		l.emit(&assignInstr{tok: token.ASSIGN, lhs: []ast.Expr{ref(it)}, rhs: []ast.Expr{reflectCall(x, "MapRange")}})
		cond = &ast.CallExpr{Fun: &ast.SelectorExpr{X: ref(it), Sel: ast.NewIdent("Next")}}
		get := func(method string, t types.Type) ast.Expr {
			v := l.temp(t, "kv")
			// v, _ = it.Key().Interface().(K): comma-ok so a nil interface key yields nil.
			l.emit(&assignInstr{tok: token.ASSIGN, lhs: []ast.Expr{ref(v), ast.NewIdent("_")}, rhs: []ast.Expr{
				&ast.TypeAssertExpr{X: &ast.CallExpr{Fun: &ast.SelectorExpr{X: &ast.CallExpr{Fun: &ast.SelectorExpr{X: ref(it), Sel: ast.NewIdent(method)}}, Sel: ast.NewIdent("Interface")}}, Type: &typeRef{t: t}}}})
			return ref(v)
		}
		l.rangeLoop(s, label, head, body, post, exit, cond, func() {
			var k, v ast.Expr
			if s.Key != nil && !isBlank(s.Key) {
				k = get("Key", u.Key())
			}
			if hasVal {
				v = get("Value", u.Elem())
			}
			l.iterVars(s, k, v)
		}, func() {})
		return
	case *types.Signature:
		l.rangeFunc(s, label, u) // rangefunc.go
		return
	default:
		l.g.errorf(s.Pos(), "range over %s with a suspension point is not supported yet", l.g.typeString(xt))
		return
	}
	l.rangeLoop(s, label, head, body, post, exit, cond, func() { l.iterVars(s, key, val) }, step)
}

// stableSlice is the variable a range over a slice ranges over when the loop
// can read it instead of a copy: a local variable of the machine, not in a
// cell (so no pointer or closure reaches it), that neither the loop's body
// nor its own assignment assigns. Go evaluates the range expression once;
// such a variable holds that value for the whole loop, and the future is a
// slice header smaller.
func (l *lowerer) stableSlice(s *ast.RangeStmt) *variable {
	if _, ok := coreType(l.typeOf(s.X)).(*types.Slice); !ok {
		return nil
	}
	id, ok := ast.Unparen(s.X).(*ast.Ident)
	if !ok {
		return nil
	}
	v := l.varOf(id)
	if v == nil || !v.machine || v.cell {
		return nil
	}
	if assignedIn(l, s, v) {
		return nil
	}
	return v
}

// stableKey is the key variable of a range over an integer, a slice or an
// array when it can serve as the loop's index: declared by the range (:=),
// not in a cell, and not assigned by the body. Each iteration's key is then
// the index's value throughout the iteration, as Go 1.22's per-iteration
// variable would be, and the future holds one integer instead of two.
func (l *lowerer) stableKey(s *ast.RangeStmt) *variable {
	id, ok := s.Key.(*ast.Ident)
	if s.Tok != token.DEFINE || !ok || id.Name == "_" {
		return nil
	}
	v := l.varOf(id)
	if v == nil || v.escapes || assignedIn(l, s, v) {
		return nil
	}
	return v
}

// assignedIn reports whether a range statement's own assignment (=) or
// its body assigns v as a whole.
func assignedIn(l *lowerer, s *ast.RangeStmt, v *variable) bool {
	assigns := false
	check := func(e ast.Expr) {
		if id, ok := ast.Unparen(e).(*ast.Ident); ok && l.varOf(id) == v {
			assigns = true
		}
	}
	if s.Tok == token.ASSIGN {
		check(s.Key)
		check(s.Value)
	}
	ast.Inspect(s.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, e := range n.Lhs {
				check(e)
			}
		case *ast.IncDecStmt:
			check(n.X)
		case *ast.RangeStmt:
			if n.Tok == token.ASSIGN {
				check(n.Key)
				check(n.Value)
			}
		}
		return !assigns
	})
	return assigns
}

func (l *lowerer) rangeLoop(s *ast.RangeStmt, label string, head, body, post, exit *block, cond ast.Expr, start, step func()) {
	l.jump(head)
	l.enter(head)
	l.cur.term = &ifTerm{cond: cond, then: body, els: exit, pos: s.X.Pos()}
	l.targets = append(l.targets, target{label: label, brk: exit, cont: post})
	l.enter(body)
	start()
	l.stmtList(s.Body.List)
	l.jump(post)
	l.targets = l.targets[:len(l.targets)-1]
	l.enter(post)
	step()
	l.jump(head)
	l.enter(exit)
}

func isBlank(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "_"
}
