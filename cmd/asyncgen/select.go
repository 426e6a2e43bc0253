package main

// Lowering a select whose clauses suspend: the choice is made by a select
// kept whole (a selectInstr), and the chosen clause's body runs after it as
// lowered code.

import (
	"go/ast"
	"go/token"
	"go/types"
)

// selectInstr is a select that only chooses: each clause's body records
// the clause's index in sel, and a receive stores into temporaries. Go
// evaluates operands (the channels and the values to send) once, in source
// order, on entering the select; those that the lowering did not evaluate
// before are evaluated by it.
type selectInstr struct {
	srcPos
	s        *ast.SelectStmt
	operands []ast.Expr  // what it evaluates (read)
	defs     []*variable // the temporaries it receives into, and sel (written)
}

// selectStmt lowers a select that holds a suspension point (or that a
// range-over-func body must lower, for a return in it). The operands are
// lowered in order, a kept select chooses, receiving into temporaries, and
// an if chain on the chosen index enters the clause's body. There the
// clause's variables are declared from the temporaries; an assignment's
// left side (case a[i] = <-c:) is evaluated and assigned only then, as Go
// does for the chosen clause. A break leaves the select; continue and
// return are the enclosing statements'.
func (l *lowerer) selectStmt(s *ast.SelectStmt, label string) {
	clauses := s.Body.List
	in := &selectInstr{s: &ast.SelectStmt{Select: s.Select, Body: &ast.BlockStmt{}}}
	sel := l.temp(types.Typ[types.Int], "sel")
	var kids []*ast.Expr
	// recvs[i] are clause i's temporaries (nil for a blank or absent
	// left side), in the order of its assignment's left side.
	recvs := make([][]*variable, len(clauses))
	comms := make([]ast.Stmt, len(clauses))
	for i, c := range clauses {
		cc := c.(*ast.CommClause)
		switch comm := cc.Comm.(type) {
		case nil:
		case *ast.SendStmt:
			cp := &ast.SendStmt{Chan: comm.Chan, Arrow: comm.Arrow, Value: comm.Value}
			kids = append(kids, &cp.Chan, &cp.Value)
			comms[i] = cp
		case *ast.ExprStmt:
			u := ast.Unparen(comm.X).(*ast.UnaryExpr)
			cp := &ast.UnaryExpr{OpPos: u.OpPos, Op: token.ARROW, X: u.X}
			kids = append(kids, &cp.X)
			comms[i] = &ast.ExprStmt{X: cp}
		case *ast.AssignStmt:
			u := ast.Unparen(comm.Rhs[0]).(*ast.UnaryExpr)
			cp := &ast.UnaryExpr{OpPos: u.OpPos, Op: token.ARROW, X: u.X}
			kids = append(kids, &cp.X)
			elem := coreType(l.typeOf(u.X)).(*types.Chan).Elem()
			lhs := make([]ast.Expr, len(comm.Lhs))
			recvs[i] = make([]*variable, len(comm.Lhs))
			for k, e := range comm.Lhs {
				if id, ok := e.(*ast.Ident); ok && id.Name == "_" {
					lhs[k] = ast.NewIdent("_")
					continue
				}
				t := elem
				if k == 1 {
					// ok: bool, or the assigned variable's own boolean type.
					t = types.Typ[types.Bool]
					if comm.Tok == token.ASSIGN {
						t = l.typeOf(e)
					}
				}
				v := l.temp(t, "recv")
				recvs[i][k] = v
				in.defs = append(in.defs, v)
				lhs[k] = ref(v)
			}
			comms[i] = &ast.AssignStmt{Lhs: lhs, Tok: token.ASSIGN, Rhs: []ast.Expr{cp}}
		}
	}
	l.pos = s.Pos()
	l.list(kids, false)
	for _, k := range kids {
		in.operands = append(in.operands, *k)
	}
	for i, c := range clauses {
		cc := c.(*ast.CommClause)
		set := &ast.AssignStmt{Lhs: []ast.Expr{ref(sel)}, Tok: token.ASSIGN, Rhs: []ast.Expr{intLit(i)}}
		in.s.Body.List = append(in.s.Body.List, &ast.CommClause{Case: cc.Case, Comm: comms[i], Colon: cc.Colon, Body: []ast.Stmt{set}})
	}
	in.defs = append(in.defs, sel)
	l.pos = s.Pos()
	l.emit(in)

	bodies, exit := l.clauseBlocks(len(clauses))
	for i := range clauses {
		if i == len(clauses)-1 {
			l.jump(bodies[i])
			break
		}
		next := l.newBlock()
		l.cur.term = &ifTerm{cond: &ast.BinaryExpr{X: ref(sel), Op: token.EQL, Y: intLit(i)}, then: bodies[i], els: next}
		l.enter(next)
	}
	l.targets = append(l.targets, target{label: label, brk: exit})
	for i, c := range clauses {
		cc := c.(*ast.CommClause)
		l.enter(bodies[i])
		if comm, ok := cc.Comm.(*ast.AssignStmt); ok {
			var lhs, rhs []ast.Expr
			for k, v := range recvs[i] {
				if v != nil {
					lhs, rhs = append(lhs, comm.Lhs[k]), append(rhs, ref(v))
				}
			}
			if comm.Tok == token.DEFINE {
				var ids []*ast.Ident
				for _, e := range lhs {
					ids = append(ids, e.(*ast.Ident))
				}
				l.declareNew(ids)
			} else {
				var kids []*ast.Expr
				lhs, kids = l.lhsOperands(lhs)
				l.list(kids, false)
			}
			if len(lhs) > 0 {
				l.pos = comm.Pos()
				l.emit(&assignInstr{tok: token.ASSIGN, lhs: lhs, rhs: rhs})
			}
		}
		l.stmtList(cc.Body)
		l.jump(exit)
	}
	l.targets = l.targets[:len(l.targets)-1]
	l.enter(exit)
}

// intLit is the untyped integer constant i.
func intLit(i int) ast.Expr { return &ast.BasicLit{Kind: token.INT, Value: itoa(i)} }
