package main

// Statement lowering: if, for, switch, assignments, declarations, returns
// and jumps become instructions and terminators; a statement without a
// suspension point is kept as written (verbatim).

import (
	"go/ast"
	"go/token"
	"go/types"
)

type target struct {
	label     string
	brk, cont *block
}

func isCompound(s ast.Stmt) bool {
	switch s.(type) {
	case *ast.BlockStmt, *ast.IfStmt, *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt,
		*ast.TypeSwitchStmt, *ast.SelectStmt, *ast.LabeledStmt, *ast.GoStmt, *ast.DeferStmt:
		return true
	}
	return false
}

func (l *lowerer) stmtList(list []ast.Stmt) {
	for _, s := range list {
		l.stmt(s)
	}
}

func (l *lowerer) stmt(s ast.Stmt) {
	label := l.label
	l.label = ""
	if s == nil {
		return
	}
	if _, isLabeled := s.(*ast.LabeledStmt); !isLabeled {
		l.pos = s.Pos()
	}
	if isCompound(s) && !l.hasSusp(s) && !l.mustLower(s) {
		if ls, ok := s.(*ast.LabeledStmt); ok && l.gotoTargets[ls.Label.Name] {
			l.labeled(ls) // a goto from outside enters it by its block
			return
		}
		l.verbatim(s)
		return
	}
	switch s := s.(type) {
	case *ast.LabeledStmt:
		l.labeled(s)
	case *ast.EmptyStmt:
	case *ast.BlockStmt:
		l.stmtList(s.List)
	case *ast.ExprStmt:
		if call, ok := ast.Unparen(s.X).(*ast.CallExpr); ok {
			if tw := l.susp[call]; tw != nil {
				l.await(call, tw, false)
				return
			}
		}
		if x := l.expr(s.X, false); x != nil {
			l.emit(&exprInstr{x: x})
		}
		// After a call of the builtin panic nothing runs: the block gets
		// no jump (vet reports code after panic as unreachable).
		if l.terminating(s, "") {
			l.terminate(&panicTerm{})
		}
	case *ast.IncDecStmt:
		c, kids := shallow(s.X, l.g.info)
		l.list(kids, false)
		l.emit(&incDecInstr{x: c, tok: s.Tok})
	case *ast.AssignStmt:
		l.assign(s)
	case *ast.DeclStmt:
		l.decl(s)
	case *ast.ReturnStmt:
		l.ret(s)
	case *ast.BranchStmt:
		l.branch(s)
	case *ast.IfStmt:
		l.ifStmt(s)
	case *ast.ForStmt:
		l.forStmt(s, label)
	case *ast.RangeStmt:
		l.rangeStmt(s, label)
	case *ast.SwitchStmt:
		l.switchStmt(s, label)
	case *ast.TypeSwitchStmt:
		l.typeSwitchStmt(s, label)
	case *ast.SelectStmt:
		l.selectStmt(s, label)
	case *ast.DeferStmt:
		l.deferStmt(s)
	case *ast.GoStmt:
		// The function value and arguments are evaluated here, in order;
		// the plain function runs in the new goroutine.
		l.emit(&goInstr{call: l.callOperands(s.Call)})
	default:
		l.g.errorf(s.Pos(), "%T with a suspension point is not supported yet", s)
	}
}

// verbatim keeps a statement without suspension points as written; the
// variables it declares stay plain Go variables.
func (l *lowerer) verbatim(s ast.Stmt) {
	kept := &keptInstr{s: s}
	var stack []ast.Node
	ast.Inspect(s, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			// A return of one multi-valued call unpacks it into names
			// chosen here, so that printing names nothing.
			if k := l.fn.sig.Results().Len(); len(n.Results) == 1 && k > 1 {
				if kept.retTmps == nil {
					kept.retTmps = map[*ast.ReturnStmt][]string{}
				}
				for range k {
					kept.retTmps[n] = append(kept.retTmps[n], l.name("ret"))
				}
			}
		case *ast.BranchStmt:
			if !internalJump(stack, n) {
				if b := l.jumpTarget(n); b != nil {
					if kept.jumps == nil {
						kept.jumps = map[*ast.BranchStmt]*block{}
					}
					kept.jumps[n] = b
					l.cur.extra = append(l.cur.extra, b)
				}
			}
		}
		stack = append(stack, n)
		return true
	})
	l.emit(kept)
	// Nothing follows a terminating statement (an endless loop left only
	// through jumps to lowered code, say): no jump after it, which vet
	// would report as unreachable.
	if l.terminating(s, "") {
		l.terminate(&panicTerm{})
		return
	}
	// A jump out of the statement leaves its block in the middle, where
	// liveness sees only the block's end: what follows goes in a block of
	// its own, so that a variable the jump's target reads is live across
	// the statement even where the code after it assigns the variable.
	if len(kept.jumps) > 0 {
		next := l.newBlock()
		l.jump(next)
		l.enter(next)
	}
}

// terminating reports whether s is a terminating statement (the Go spec's
// rule, which vet and the compiler apply).
func (l *lowerer) terminating(s ast.Stmt, label string) bool {
	switch s := s.(type) {
	case *ast.ReturnStmt:
		return true
	case *ast.BranchStmt:
		return s.Tok == token.GOTO || s.Tok == token.FALLTHROUGH
	case *ast.ExprStmt:
		if call, ok := ast.Unparen(s.X).(*ast.CallExpr); ok {
			if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
				if b, ok := l.g.info.Uses[id].(*types.Builtin); ok && b.Name() == "panic" {
					return true
				}
			}
		}
	case *ast.BlockStmt:
		return len(s.List) > 0 && l.terminating(s.List[len(s.List)-1], "")
	case *ast.IfStmt:
		return s.Else != nil && l.terminating(s.Body, "") && l.terminating(s.Else, "")
	case *ast.LabeledStmt:
		return l.terminating(s.Stmt, s.Label.Name)
	case *ast.ForStmt:
		return s.Cond == nil && !hasBreak(s.Body, label, true)
	case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
		var body *ast.BlockStmt
		switch s := s.(type) {
		case *ast.SwitchStmt:
			body = s.Body
		case *ast.TypeSwitchStmt:
			body = s.Body
		case *ast.SelectStmt:
			body = s.Body
		}
		hasDefault := false
		for _, c := range body.List {
			var list []ast.Stmt
			switch c := c.(type) {
			case *ast.CaseClause:
				list = c.Body
				hasDefault = hasDefault || c.List == nil
			case *ast.CommClause:
				list = c.Body
				hasDefault = true // select needs no default
			}
			if len(list) == 0 || hasBreakList(list, label) {
				return false
			}
			last := list[len(list)-1]
			if br, ok := last.(*ast.BranchStmt); ok && br.Tok == token.FALLTHROUGH {
				continue
			}
			if !l.terminating(last, "") {
				return false
			}
		}
		return hasDefault
	}
	return false
}

func hasBreakList(list []ast.Stmt, label string) bool {
	for _, s := range list {
		if hasBreak(s, label, true) {
			return true
		}
	}
	return false
}

// hasBreak reports whether s holds a break that refers to the enclosing
// statement: an unlabeled one not inside a nested for, switch or select
// (when implicit), or one naming label.
func hasBreak(s ast.Node, label string, implicit bool) bool {
	found := false
	var walk func(n ast.Node, implicit bool)
	walk = func(n ast.Node, implicit bool) {
		ast.Inspect(n, func(m ast.Node) bool {
			if found || m == nil {
				return false
			}
			switch m := m.(type) {
			case *ast.FuncLit:
				return false
			case *ast.BranchStmt:
				if m.Tok == token.BREAK && ((m.Label == nil && implicit) || (m.Label != nil && m.Label.Name == label)) {
					found = true
				}
			case *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				if m != n {
					walk(m, false)
					return false
				}
			}
			return true
		})
	}
	walk(s, implicit)
	return found
}

// internalJump reports whether a branch statement's target lies inside the
// verbatim statement (stack holds its ancestors there).
func internalJump(stack []ast.Node, br *ast.BranchStmt) bool {
	if br.Tok == token.FALLTHROUGH {
		return true
	}
	if br.Tok == token.GOTO {
		// A goto's label is on a statement of an enclosing block: inside
		// the kept statement when one of its blocks declares it.
		return len(stack) > 0 && declaresLabel(stack[0], br.Label.Name)
	}
	for _, n := range stack {
		switch n := n.(type) {
		case *ast.LabeledStmt:
			if br.Label != nil && n.Label.Name == br.Label.Name {
				return true
			}
		case *ast.ForStmt, *ast.RangeStmt:
			if br.Label == nil {
				return true
			}
		case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
			if br.Label == nil && br.Tok == token.BREAK {
				return true
			}
		}
	}
	return false
}

// findOutside returns the first node of n, in source order, for which match
// reports true, not looking inside func literals (their labels, calls and
// recovers are their own); nil if there is none.
func findOutside(n ast.Node, match func(ast.Node) bool) ast.Node {
	var found ast.Node
	ast.Inspect(n, func(m ast.Node) bool {
		if found != nil {
			return false
		}
		if _, ok := m.(*ast.FuncLit); ok {
			return false
		}
		if m != nil && match(m) {
			found = m
		}
		return found == nil
	})
	return found
}

// labeledStmt is the statement labeled name in n (outside func literals),
// or nil.
func labeledStmt(n ast.Node, name string) *ast.LabeledStmt {
	s, _ := findOutside(n, func(m ast.Node) bool {
		ls, ok := m.(*ast.LabeledStmt)
		return ok && ls.Label.Name == name
	}).(*ast.LabeledStmt)
	return s
}

// declaresLabel reports whether n holds a statement labeled name (outside
// func literals, whose labels are their own).
func declaresLabel(n ast.Node, name string) bool { return labeledStmt(n, name) != nil }

// labelBlock is the block a label's statement starts, the target of the
// gotos naming it (made at the first goto or at the label, whichever the
// lowering meets first).
func (l *lowerer) labelBlock(name string) *block {
	b := l.labels[name]
	if b == nil {
		b = l.newBlock()
		if l.labels == nil {
			l.labels = map[string]*block{}
		}
		l.labels[name] = b
	}
	return b
}

// labeled lowers a labeled statement at the machine level: a label that a
// goto names starts a block of its own, which the gotos jump to. The statement keeps the
// label in kept code only where a jump inside it names the label (a kept
// loop's continue L); a label that only lowered code or other statements
// name would be unused there.
func (l *lowerer) labeled(s *ast.LabeledStmt) {
	if l.gotoTargets[s.Label.Name] {
		b := l.labelBlock(s.Label.Name)
		l.jump(b)
		l.enter(b)
	}
	if isCompound(s.Stmt) && !l.hasSusp(s.Stmt) && !l.mustLower(s.Stmt) && namesLabel(s.Stmt, s.Label.Name) {
		l.pos = s.Stmt.Pos()
		l.verbatim(s)
		return
	}
	l.label = s.Label.Name
	l.stmt(s.Stmt)
}

// namesLabel reports whether a branch statement in n (outside func
// literals) names label.
func namesLabel(n ast.Node, label string) bool {
	return findOutside(n, func(m ast.Node) bool {
		br, ok := m.(*ast.BranchStmt)
		return ok && br.Label != nil && br.Label.Name == label
	}) != nil
}

// jumpTarget resolves break/continue against the lowered statements, and
// goto against the labels' blocks.
func (l *lowerer) jumpTarget(s *ast.BranchStmt) *block {
	// A jump out of ranges over functions stops their iterators on the
	// way (rangefunc.go).
	if s.Tok == token.GOTO {
		return l.viaStops(l.labelBlock(s.Label.Name), l.rangesLeftByGoto(s.Label.Name))
	}
	for i := len(l.targets) - 1; i >= 0; i-- {
		t := l.targets[i]
		if s.Label != nil && t.label != s.Label.Name {
			continue
		}
		if s.Tok == token.BREAK && t.brk != nil {
			return l.viaStops(t.brk, l.rangesLeft(i))
		}
		if s.Tok == token.CONTINUE && t.cont != nil {
			return l.viaStops(t.cont, l.rangesLeft(i))
		}
	}
	// The type checker accepted the branch, so a target exists.
	panic("corio/asyncgen: no target for " + s.Tok.String() + " at " + posString(l.g.fset, s.Pos()))
}

// lhsOperands returns the operand slots of assignment targets: the operands of
// index expressions and pointer indirections, which Go evaluates with the
// right-hand side, in order, before assigning.
func (l *lowerer) lhsOperands(lhs []ast.Expr) ([]ast.Expr, []*ast.Expr) {
	out := make([]ast.Expr, len(lhs))
	var kids []*ast.Expr
	for i, e := range lhs {
		if _, ok := ast.Unparen(e).(*ast.Ident); ok {
			out[i] = e
			continue
		}
		c, k := shallow(e, l.g.info)
		out[i] = c
		kids = append(kids, k...)
	}
	return out, kids
}

func (l *lowerer) assign(s *ast.AssignStmt) {
	if len(s.Lhs) == 1 && len(s.Rhs) == 1 {
		if c := l.companion(s.Lhs[0]); c != nil {
			l.assignFuncValue(s.Lhs[0], c, s.Rhs[0])
			if s.Tok == token.DEFINE {
				l.declareNew([]*ast.Ident{s.Lhs[0].(*ast.Ident)})
			}
			return
		}
	}
	var newIDs []*ast.Ident
	if s.Tok == token.DEFINE {
		for _, e := range s.Lhs {
			if id, ok := e.(*ast.Ident); ok && l.g.info.Defs[id] != nil {
				newIDs = append(newIDs, id)
			}
		}
	}
	lhs, kids := l.lhsOperands(s.Lhs)
	var rhs []ast.Expr
	if len(s.Lhs) > 1 && len(s.Rhs) == 1 {
		if call, ok := ast.Unparen(s.Rhs[0]).(*ast.CallExpr); ok && isTuple(l.typeOf(call)) && l.hasSusp(call) {
			l.list(kids, true)
			rhs = l.tuple(call)
		}
	}
	if rhs == nil {
		rhs = append([]ast.Expr(nil), s.Rhs...)
		all := kids
		for i := range rhs {
			all = append(all, &rhs[i])
		}
		l.list(all, false)
	}
	l.declareNew(newIDs)
	tok := s.Tok
	if tok == token.DEFINE {
		tok = token.ASSIGN
	}
	l.emit(&assignInstr{lhs: lhs, tok: tok, rhs: rhs})
}

func (l *lowerer) decl(s *ast.DeclStmt) {
	gd := s.Decl.(*ast.GenDecl)
	switch gd.Tok {
	case token.CONST:
		var cd constDecl
		for _, spec := range gd.Specs {
			for _, n := range spec.(*ast.ValueSpec).Names {
				if c, ok := l.g.info.Defs[n].(*types.Const); ok && n.Name != "_" {
					cd.consts = append(cd.consts, c)
				}
			}
		}
		l.consts = append(l.consts, cd)
		return
	case token.TYPE:
		l.typeDecl(gd)
		return
	}
	for _, spec := range gd.Specs {
		vs := spec.(*ast.ValueSpec)
		lhs := make([]ast.Expr, len(vs.Names))
		for i, n := range vs.Names {
			lhs[i] = n
		}
		var c *variable
		if len(vs.Names) == 1 {
			c = l.companion(vs.Names[0])
		}
		switch {
		case len(vs.Values) == 0:
			l.declareNew(vs.Names)
			for _, n := range vs.Names {
				if n.Name == "_" {
					continue
				}
				if v := l.objVar[l.g.info.Defs[n]]; v != nil && !v.cell {
					l.emit(&zeroInstr{v: v})
				}
			}
			if c != nil {
				l.emit(&zeroInstr{v: c})
			}
		case c != nil:
			l.assignFuncValue(vs.Names[0], c, vs.Values[0])
			l.declareNew(vs.Names)
		case len(vs.Names) > 1 && len(vs.Values) == 1:
			// A multi-valued call, or a comma-ok form (m[k], x.(T), <-ch)
			// whose operands are lowered in place so the form stays.
			var rhs []ast.Expr
			if call, ok := ast.Unparen(vs.Values[0]).(*ast.CallExpr); ok && isTuple(l.typeOf(call)) && l.hasSusp(call) {
				rhs = l.tuple(call)
			} else {
				rhs = []ast.Expr{l.expr(vs.Values[0], false)}
			}
			l.declareNew(vs.Names)
			l.emit(&assignInstr{tok: token.ASSIGN, lhs: lhs, rhs: rhs})
		default:
			rhs := append([]ast.Expr(nil), vs.Values...)
			kids := make([]*ast.Expr, len(rhs))
			for i := range rhs {
				kids[i] = &rhs[i]
			}
			l.list(kids, false)
			l.declareNew(vs.Names)
			// The values take the declared type: convert untyped constants
			// (not other values: a generic function assigned to a func
			// variable is instantiated by the assignment, not convertible).
			for i, n := range vs.Names {
				if tv, ok := l.g.info.Types[vs.Values[i]]; ok && vs.Type != nil && n.Name != "_" && isUntyped(tv.Type) {
					rhs[i] = &ast.CallExpr{Fun: &ast.ParenExpr{X: &typeRef{t: l.g.info.Defs[n].Type()}}, Args: []ast.Expr{rhs[i]}}
				}
			}
			l.emit(&assignInstr{tok: token.ASSIGN, lhs: lhs, rhs: rhs})
		}
	}
}

func (l *lowerer) ret(s *ast.ReturnStmt) {
	n := l.fn.sig.Results().Len()
	var results []ast.Expr
	switch {
	case len(s.Results) == 0:
	case len(s.Results) == 1 && n > 1:
		call := ast.Unparen(s.Results[0]).(*ast.CallExpr)
		if l.hasSusp(call) {
			results = l.tuple(call)
		} else {
			results = l.tuple(call) // evaluate into temporaries; the tuple literal needs each value
		}
	default:
		results = append([]ast.Expr(nil), s.Results...)
		kids := make([]*ast.Expr, len(results))
		for i := range results {
			kids[i] = &results[i]
		}
		l.list(kids, false)
	}
	if len(l.rfs) > 0 {
		results = l.rangeReturn(results) // rangefunc.go
	}
	l.terminate(&returnTerm{results: results, pos: s.Pos()})
}

func (l *lowerer) branch(s *ast.BranchStmt) {
	switch s.Tok {
	case token.FALLTHROUGH:
		l.terminate(&jumpTerm{l.fallTo})
		return
	}
	if b := l.jumpTarget(s); b != nil {
		l.terminate(&jumpTerm{b})
	}
}

func (l *lowerer) ifStmt(s *ast.IfStmt) {
	if s.Init != nil {
		l.stmt(s.Init)
	}
	l.pos = 0
	cond := l.expr(s.Cond, false)
	then := l.newBlock()
	var els *block
	if s.Else != nil {
		els = l.newBlock()
	}
	join := l.newBlock()
	if els == nil {
		l.cur.term = &ifTerm{cond: cond, then: then, els: join, pos: s.Cond.Pos()}
	} else {
		l.cur.term = &ifTerm{cond: cond, then: then, els: els, pos: s.Cond.Pos()}
	}
	l.enter(then)
	l.stmtList(s.Body.List)
	l.jump(join)
	if els != nil {
		l.enter(els)
		l.stmt(s.Else)
		l.jump(join)
	}
	l.enter(join)
}

// defined returns the variables a statement declares with :=.
func (l *lowerer) defined(s ast.Stmt) []*variable {
	var out []*variable
	if as, ok := s.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
		for _, e := range as.Lhs {
			if id, ok := e.(*ast.Ident); ok {
				if v := l.objVar[l.g.info.Defs[id]]; v != nil {
					out = append(out, v)
				}
			}
		}
	}
	return out
}

func (l *lowerer) forStmt(s *ast.ForStmt, label string) {
	l.loops++
	defer func() { l.loops-- }()
	if s.Init != nil {
		l.stmt(s.Init)
	}
	loopVars := l.defined(s.Init)
	head, body, post, exit := l.newBlock(), l.newBlock(), l.newBlock(), l.newBlock()
	l.jump(head)
	l.enter(head)
	if s.Cond != nil {
		l.pos = s.Cond.Pos()
		cond := l.expr(s.Cond, false)
		l.cur.term = &ifTerm{cond: cond, then: body, els: exit, pos: s.Cond.Pos()}
	} else {
		l.jump(body)
	}
	l.targets = append(l.targets, target{label: label, brk: exit, cont: post})
	l.enter(body)
	l.stmtList(s.Body.List)
	l.jump(post)
	l.targets = l.targets[:len(l.targets)-1]
	l.enter(post)
	// Go 1.22: the next iteration's variables are fresh copies, made before
	// the post statement runs.
	for _, v := range loopVars {
		if v.cell {
			l.emit(&cellInstr{v: v, fresh: true})
		}
	}
	if s.Post != nil {
		l.stmt(s.Post)
	}
	l.jump(head)
	l.enter(exit)
}

func (l *lowerer) switchStmt(s *ast.SwitchStmt, label string) {
	if s.Init != nil {
		l.stmt(s.Init)
	}
	var tag *variable
	if s.Tag != nil {
		l.pos = s.Tag.Pos()
		x := l.expr(s.Tag, false)
		tag = l.temp(types.Default(l.typeOf(s.Tag)), "tag")
		l.emit(&assignInstr{tok: token.ASSIGN, lhs: []ast.Expr{ref(tag)}, rhs: []ast.Expr{x}})
	}
	clauses := s.Body.List
	bodies, exit := l.clauseBlocks(len(clauses))
	def := exit
	for i, c := range clauses {
		cc := c.(*ast.CaseClause)
		if cc.List == nil {
			def = bodies[i]
			continue
		}
		for _, e := range cc.List {
			l.pos = e.Pos()
			x := l.expr(e, false)
			cond := x
			switch {
			case tag != nil:
				// tag == (i < 5): a comparison binds no tighter than ==.
				if b, ok := x.(*ast.BinaryExpr); ok && b.Op.Precedence() <= token.EQL.Precedence() {
					x = &ast.ParenExpr{X: x}
				}
				cond = &ast.BinaryExpr{X: ref(tag), Op: token.EQL, Y: x}
			case !isBoolean(l.typeOf(e)):
				// A tagless switch compares each case with true: a case
				// of interface type (case i:) is no condition itself.
				cond = &ast.BinaryExpr{X: x, Op: token.EQL, Y: ast.NewIdent(l.g.univ("true"))}
			}
			// if (tag == T{0, 1}) {: a composite literal of a named type
			// in an if's condition is parsed as the block unless enclosed.
			lit := false
			inspect(cond, func(n ast.Node) bool {
				_, ok := n.(*ast.CompositeLit)
				lit = lit || ok
				return !lit
			})
			if lit {
				cond = &ast.ParenExpr{X: cond}
			}
			next := l.newBlock()
			l.cur.term = &ifTerm{cond: cond, then: bodies[i], els: next, pos: e.Pos()}
			l.enter(next)
		}
	}
	l.clauseBodies(clauses, bodies, def, exit, label, nil)
}

// isBoolean reports whether t is a boolean type (bool, a type defined from
// it, or untyped bool).
func isBoolean(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsBoolean != 0
}

// clauseBlocks makes the blocks of a switch's n clause bodies and its exit.
func (l *lowerer) clauseBlocks(n int) (bodies []*block, exit *block) {
	bodies = make([]*block, n)
	for i := range bodies {
		bodies[i] = l.newBlock()
	}
	return bodies, l.newBlock()
}

// clauseBodies ends a switch's dispatch with a jump to def and lowers each
// clause's body in its block: prologue (if any) first, break leaving to
// exit, fallthrough entering the next body (the type checker allows it only
// in expression switches).
func (l *lowerer) clauseBodies(clauses []ast.Stmt, bodies []*block, def, exit *block, label string, prologue func(*ast.CaseClause)) {
	l.jump(def)
	l.targets = append(l.targets, target{label: label, brk: exit})
	saved := l.fallTo
	for i, c := range clauses {
		cc := c.(*ast.CaseClause)
		l.fallTo = nil
		if i+1 < len(bodies) {
			l.fallTo = bodies[i+1]
		}
		l.enter(bodies[i])
		if prologue != nil {
			prologue(cc)
		}
		l.stmtList(cc.Body)
		l.jump(exit)
	}
	l.fallTo = saved
	l.targets = l.targets[:len(l.targets)-1]
	l.enter(exit)
}

// typeSwitchStmt lowers a type switch as Go runs it: the guard's operand is
// evaluated once, then the clauses' types are tried in order, top to bottom
// and left to right, each as a comma-ok type assertion (nil as a comparison),
// and default is taken when none matches, wherever it stands. Each clause's
// variable is a variable of its own (go/types declares one per clause): a
// clause that lists exactly one type receives the asserted value, any other
// the operand itself, with the operand's interface type.
func (l *lowerer) typeSwitchStmt(s *ast.TypeSwitchStmt, label string) {
	if s.Init != nil {
		l.stmt(s.Init)
	}
	var guard *ast.TypeAssertExpr
	switch a := s.Assign.(type) {
	case *ast.AssignStmt:
		guard = a.Rhs[0].(*ast.TypeAssertExpr)
	case *ast.ExprStmt:
		guard = a.X.(*ast.TypeAssertExpr)
	}
	l.pos = s.Assign.Pos()
	x := l.expr(guard.X, false)
	tag := l.temp(l.typeOf(guard.X), "tag")
	l.emit(&assignInstr{tok: token.ASSIGN, lhs: []ast.Expr{ref(tag)}, rhs: []ast.Expr{x}})
	clauses := s.Body.List
	bodies, exit := l.clauseBlocks(len(clauses))
	def := exit
	var ok *variable
	// clauseVar is clause c's variable when the clause uses it.
	clauseVar := func(c *ast.CaseClause) *variable {
		obj, _ := l.g.info.Implicits[c].(*types.Var)
		if obj == nil || !usesObj(c, obj, l.g.info) {
			return nil
		}
		return l.objVar[obj]
	}
	for i, c := range clauses {
		cc := c.(*ast.CaseClause)
		if cc.List == nil {
			def = bodies[i]
			continue
		}
		for _, e := range cc.List {
			var cond ast.Expr
			if tv := l.g.info.Types[e]; tv.IsNil() {
				cond = &ast.BinaryExpr{X: ref(tag), Op: token.EQL, Y: e}
			} else {
				if ok == nil {
					ok = l.temp(types.Typ[types.Bool], "ok")
				}
				var lhs ast.Expr = ast.NewIdent("_")
				if v := clauseVar(cc); v != nil && len(cc.List) == 1 {
					lhs = ref(l.declareVar(v.obj))
				}
				l.emit(&assignInstr{tok: token.ASSIGN, lhs: []ast.Expr{lhs, ref(ok)}, rhs: []ast.Expr{&ast.TypeAssertExpr{X: ref(tag), Type: &typeRef{t: tv.Type}}}})
				cond = ref(ok)
			}
			next := l.newBlock()
			l.cur.term = &ifTerm{cond: cond, then: bodies[i], els: next, pos: e.Pos()}
			l.enter(next)
		}
	}
	l.clauseBodies(clauses, bodies, def, exit, label, func(cc *ast.CaseClause) {
		if v := clauseVar(cc); v != nil && !(len(cc.List) == 1 && !l.g.info.Types[cc.List[0]].IsNil()) {
			// default, several types, or nil: the operand itself.
			l.emit(&assignInstr{tok: token.ASSIGN, lhs: []ast.Expr{ref(l.declareVar(v.obj))}, rhs: []ast.Expr{ref(tag)}})
		}
	})
}

// usesObj reports whether n refers to obj.
func usesObj(n ast.Node, obj types.Object, info *types.Info) bool {
	found := false
	ast.Inspect(n, func(m ast.Node) bool {
		if id, ok := m.(*ast.Ident); ok && info.Uses[id] == obj {
			found = true
		}
		return !found
	})
	return found
}

// companion is the companion variable of a func variable whose calls
// suspend (check.go's funcValue), nil for any other expression.
func (l *lowerer) companion(e ast.Expr) *variable {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return nil
	}
	return l.valueTwin[l.g.info.ObjectOf(id)]
}

// assignFuncValue stores function value rhs (F, pkg.F, T.M or x.M) into
// lhs and its twin (FAsync, T.MAsync, x.MAsync) into lhs's companion c, in
// one assignment. A method value's receiver is evaluated once, as Go
// evaluates it at the binding: into a temporary unless it is a variable,
// and by address where the method takes a pointer of an addressable value.
func (l *lowerer) assignFuncValue(lhs ast.Expr, c *variable, rhs ast.Expr) {
	fv, fa := ast.Unparen(rhs), ast.Expr(nil)
	if se, ok := fv.(*ast.SelectorExpr); ok {
		if sel := l.g.info.Selections[se]; sel != nil && sel.Kind() == types.MethodVal {
			x := se.X
			if _, plain := ast.Unparen(x).(*ast.Ident); !plain {
				xt := l.typeOf(x)
				lx := l.expr(x, false)
				recv := sel.Obj().Type().(*types.Signature).Recv().Type()
				_, ptrRecv := recv.(*types.Pointer)
				_, ptrX := xt.Underlying().(*types.Pointer)
				if ptrRecv && !ptrX && !types.IsInterface(xt) {
					xt = types.NewPointer(xt)
					lx = &ast.UnaryExpr{Op: token.AND, X: lx}
				}
				x = l.spillTo(lx, xt)
			}
			fv = &ast.SelectorExpr{X: x, Sel: se.Sel}
			fa = &ast.SelectorExpr{X: x, Sel: ast.NewIdent(se.Sel.Name + "Async")}
		}
	}
	if fa == nil {
		fa = l.siblingFun(fv, "", "Async")
	}
	l.emit(&assignInstr{tok: token.ASSIGN, lhs: []ast.Expr{lhs, ref(c)}, rhs: []ast.Expr{fv, fa}})
}
