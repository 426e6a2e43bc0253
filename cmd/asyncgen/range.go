package main

// Range lowering: a range loop that holds a suspension point becomes an
// index (or iterator) variable, a condition, the body and a step, over
// integers, slices, arrays, pointers to arrays, strings (by rune) and maps.

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
		l.emit(&ast.AssignStmt{Lhs: lhs, Tok: token.ASSIGN, Rhs: rhs})
		return
	}
	targets, kids := l.lhsOperands(lhs)
	l.list(kids, false)
	l.emit(&ast.AssignStmt{Lhs: targets, Tok: token.ASSIGN, Rhs: rhs})
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
	idx := func(t types.Type) *variable {
		i := l.temp(t, "i")
		l.emit(&ast.AssignStmt{Lhs: []ast.Expr{l.ref(i)}, Tok: token.ASSIGN, Rhs: []ast.Expr{&ast.BasicLit{Kind: token.INT, Value: "0"}}})
		step = func() { l.emit(&ast.IncDecStmt{X: l.ref(i), Tok: token.INC}) }
		return i
	}
	under := xt.Underlying()
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
				x = l.g.convert(strT, x)
			}
			l.emit(&ast.AssignStmt{Lhs: []ast.Expr{l.ref(str)}, Tok: token.ASSIGN, Rhs: []ast.Expr{x}})
			i := idx(intType)
			next := l.temp(intType, "next")
			var rune ast.Expr = ast.NewIdent("_")
			if hasVal {
				r := l.temp(types.Typ[types.Rune], "rn")
				rune, val = l.ref(r), l.ref(r)
			}
			cond = &ast.BinaryExpr{X: l.ref(i), Op: token.LSS, Y: &ast.CallExpr{Fun: ast.NewIdent("len"), Args: []ast.Expr{l.ref(str)}}}
			if l.g.shadowed["len"] {
				cond = &ast.BinaryExpr{X: &ast.SliceExpr{X: l.ref(str), Low: l.ref(i)}, Op: token.NEQ, Y: &ast.BasicLit{Kind: token.STRING, Value: `""`}}
			}
			key = l.ref(i)
			step = func() {
				l.emit(&ast.AssignStmt{Lhs: []ast.Expr{l.ref(i)}, Tok: token.ASSIGN, Rhs: []ast.Expr{l.ref(next)}})
			}
			// decode at the top of body
			decode := func() {
				size := l.temp(intType, "size")
				l.emit(&ast.AssignStmt{Lhs: []ast.Expr{rune, l.ref(size)}, Tok: token.ASSIGN, Rhs: []ast.Expr{
					&ast.CallExpr{Fun: &ast.SelectorExpr{X: l.g.pkgRef("unicode/utf8", "utf8"), Sel: ast.NewIdent("DecodeRuneInString")},
						Args: []ast.Expr{&ast.SliceExpr{X: l.ref(str), Low: l.ref(i)}}}}})
				l.emit(&ast.AssignStmt{Lhs: []ast.Expr{l.ref(next)}, Tok: token.ASSIGN, Rhs: []ast.Expr{&ast.BinaryExpr{X: l.ref(i), Op: token.ADD, Y: l.ref(size)}}})
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
		l.emit(&ast.AssignStmt{Lhs: []ast.Expr{l.ref(n)}, Tok: token.ASSIGN, Rhs: []ast.Expr{l.expr(s.X, false)}})
		i := idx(t)
		cond = &ast.BinaryExpr{X: l.ref(i), Op: token.LSS, Y: l.ref(n)}
		key = l.ref(i)
	case *types.Slice, *types.Array:
		var seq *variable
		arr, isArray := u.(*types.Array)
		if isArray && !hasVal && !l.hasCall(s.X) {
			// len is constant and the range expression is not evaluated;
			// an uncalled literal keeps its variables used, as in the source.
			l.emit(&ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent("_")}, Tok: token.ASSIGN, Rhs: []ast.Expr{
				&ast.FuncLit{Type: &ast.FuncType{Params: &ast.FieldList{}}, Body: &ast.BlockStmt{List: []ast.Stmt{
					&ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent("_")}, Tok: token.ASSIGN, Rhs: []ast.Expr{s.X}}}}}}})
		} else {
			seq = l.temp(xt, "seq")
			l.emit(&ast.AssignStmt{Lhs: []ast.Expr{l.ref(seq)}, Tok: token.ASSIGN, Rhs: []ast.Expr{l.expr(s.X, false)}})
		}
		i := idx(intType)
		if isArray {
			cond = &ast.BinaryExpr{X: l.ref(i), Op: token.LSS, Y: &ast.BasicLit{Kind: token.INT, Value: itoa(int(arr.Len()))}}
		} else {
			var n ast.Expr = &ast.CallExpr{Fun: ast.NewIdent("len"), Args: []ast.Expr{l.ref(seq)}}
			if l.g.shadowed["len"] {
				n = l.g.reflectCall(l.ref(seq), "Len")
			}
			cond = &ast.BinaryExpr{X: l.ref(i), Op: token.LSS, Y: n}
		}
		key = l.ref(i)
		if hasVal {
			val = &ast.IndexExpr{X: l.ref(seq), Index: l.ref(i)}
		}
	case *types.Map:
		it := l.temp(nil, "iter")
		it.text = "*" + l.g.marker("reflect", "reflect") + ".MapIter"
		x := l.expr(s.X, false)
		l.emit(&ast.AssignStmt{Lhs: []ast.Expr{l.ref(it)}, Tok: token.ASSIGN, Rhs: []ast.Expr{l.g.reflectCall(x, "MapRange")}})
		cond = &ast.CallExpr{Fun: &ast.SelectorExpr{X: l.ref(it), Sel: ast.NewIdent("Next")}}
		get := func(method string, t types.Type) ast.Expr {
			v := l.temp(t, "kv")
			// v, _ = it.Key().Interface().(K): comma-ok so a nil interface key yields nil.
			l.emit(&ast.AssignStmt{Lhs: []ast.Expr{l.ref(v), ast.NewIdent("_")}, Tok: token.ASSIGN, Rhs: []ast.Expr{
				&ast.TypeAssertExpr{X: &ast.CallExpr{Fun: &ast.SelectorExpr{X: &ast.CallExpr{Fun: &ast.SelectorExpr{X: l.ref(it), Sel: ast.NewIdent(method)}}, Sel: ast.NewIdent("Interface")}}, Type: l.g.typeExpr(t)}}})
			return l.ref(v)
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
	default:
		l.g.errorf(s.Pos(), "range over %s with a suspension point is not supported yet", l.g.typeString(xt))
		return
	}
	l.rangeLoop(s, label, head, body, post, exit, cond, func() { l.iterVars(s, key, val) }, step)
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
