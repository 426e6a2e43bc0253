package main

// Ranges over functions whose bodies suspend. Go runs the body inside the
// iterator's call (the body is the iterator's yield function); a body that
// suspends must return from Poll in the middle, so the iterator runs on a
// coroutine instead (rt.RangeFunc, over iter.Pull2) and the loop becomes
//
//	it = rt.PullRangeN(x)              // x evaluated once, before the loop
//	head: k, v, ok = it.Next()         // runs the iterator to its next yield
//	      if !ok { goto exit }
//	      key, value = k, v            // per iteration (Go 1.22), as any range
//	      body                         // continue: goto head
//	stop: it.Stop(); goto exit         // break
//	exit: it = nil
//
// Every other way out of the body stops the iterator first, innermost loop
// first, as Go's own lowering returns false from each body in turn: a
// return (its results evaluated, and named results assigned, before the
// iterators finish, as Go does), a labeled break or continue of an outer
// statement and a goto to a label outside the body go through a block that
// stops the loops they leave. A return inside a statement that would be
// kept as written is lowered instead, so that it stops them too. A panic
// out of Poll unwinds the iterators of the loops it is inside from a
// deferred call (the Poll that emit writes then wraps the function's states
// in a method of their own), and Cancel stops them. The iterator handles
// are fields of their own whatever the liveness (pinned: never shared,
// moved out or cleared, only zeroed once the loop is left), so both reach
// them. Awaits in such a body are not driven as frames: a panic of a
// callee must pass the Poll of the function whose loop it leaves.

import (
	"go/ast"
	"go/token"
	"go/types"
)

// rangeFuncLoop is a range over a function being lowered.
type rangeFuncLoop struct {
	it     *variable // the *rt.RangeFunc
	target int       // the loop's index in lowerer.targets
	body   *ast.BlockStmt
}

// rangeFunc lowers a range over a function (sig is its type's underlying
// signature) whose body suspends.
func (l *lowerer) rangeFunc(s *ast.RangeStmt, label string, sig *types.Signature) {
	ysig, _ := sig.Params().At(0).Type().Underlying().(*types.Signature)
	if ysig == nil || ysig.Params().Len() > 2 {
		l.g.errorf(s.Pos(), "range over %s with a suspension point is not supported yet", l.g.typeString(l.typeOf(s.X)))
		return
	}
	n := ysig.Params().Len()
	empty := types.NewStruct(nil, nil)
	kt, vt := types.Type(empty), types.Type(empty)
	if n > 0 {
		kt = ysig.Params().At(0).Type()
	}
	if n > 1 {
		vt = ysig.Params().At(1).Type()
	}
	itT := l.g.rangeFuncType(kt, vt)
	if itT == nil {
		l.g.errorf(s.Pos(), "range over a function with a suspension point needs rt.RangeFunc, which this version of %s lacks; update corio", rtPath)
		return
	}
	it := l.temp(itT, "it")
	it.pinned = true
	l.ranges = append(l.ranges, it)
	x := l.expr(s.X, false)
	l.emit(&assignInstr{tok: token.ASSIGN, lhs: []ast.Expr{ref(it)}, rhs: []ast.Expr{
		&ast.CallExpr{Fun: &pkgRef{path: rtPath, name: "rt", member: "PullRange" + itoa(n)}, Args: []ast.Expr{x}}}})

	head, body, exit, stop := l.newBlock(), l.newBlock(), l.newBlock(), l.newBlock()
	l.jump(head)
	l.enter(head)
	ok := l.temp(types.Typ[types.Bool], "ok")
	lhs := []ast.Expr{ast.NewIdent("_"), ast.NewIdent("_"), ref(ok)}
	var key, val ast.Expr
	if s.Key != nil && !isBlank(s.Key) {
		k := l.temp(kt, "k")
		lhs[0], key = ref(k), ref(k)
	}
	if s.Value != nil && !isBlank(s.Value) {
		v := l.temp(vt, "v")
		lhs[1], val = ref(v), ref(v)
	}
	l.pos = s.Pos()
	l.emit(&assignInstr{tok: token.ASSIGN, lhs: lhs, rhs: []ast.Expr{
		&ast.CallExpr{Fun: &ast.SelectorExpr{X: ref(it), Sel: ast.NewIdent("Next")}}}})
	l.cur.term = &ifTerm{cond: ref(ok), then: body, els: exit, pos: s.X.Pos()}

	l.loops++
	l.targets = append(l.targets, target{label: label, brk: stop, cont: head})
	l.rfs = append(l.rfs, rangeFuncLoop{it: it, target: len(l.targets) - 1, body: s.Body})
	l.enter(body)
	if s.Tok == token.ASSIGN {
		// gc assigns the targets of = one after the other here (an index
		// operand sees the key just assigned), unlike other ranges.
		l.iterVars(&ast.RangeStmt{Key: s.Key, Tok: s.Tok}, key, nil)
		l.iterVars(&ast.RangeStmt{Key: s.Value, Tok: s.Tok}, val, nil)
	} else {
		l.iterVars(s, key, val)
	}
	l.stmtList(s.Body.List)
	l.jump(head)
	l.rfs = l.rfs[:len(l.rfs)-1]
	l.targets = l.targets[:len(l.targets)-1]
	l.loops--

	l.enter(stop)
	l.emit(stopCall(it))
	l.jump(exit)
	l.enter(exit)
	l.emit(dropIter(it))
}

func stopCall(it *variable) instr {
	return &exprInstr{x: &ast.CallExpr{Fun: &ast.SelectorExpr{X: ref(it), Sel: ast.NewIdent("Stop")}}}
}

// dropIter clears a finished loop's handle, which is not cleared by
// liveness (pinned), so the future keeps nothing of the iterator.
func dropIter(it *variable) instr {
	return &zeroInstr{v: it}
}

// rangeFuncType is *rt.RangeFunc[k, v], nil when rt has no RangeFunc.
func (g *pkgGen) rangeFuncType(k, v types.Type) types.Type {
	tn, _ := g.rt.Scope().Lookup("RangeFunc").(*types.TypeName)
	if tn == nil {
		return nil
	}
	t, err := types.Instantiate(nil, tn.Type(), []types.Type{k, v}, true)
	if err != nil {
		return nil
	}
	return types.NewPointer(t)
}

// stopRanges emits the Stop of the innermost k loops, innermost first.
func (l *lowerer) stopRanges(k int) {
	for i := len(l.rfs) - 1; i >= len(l.rfs)-k; i-- {
		l.emit(stopCall(l.rfs[i].it))
		l.emit(dropIter(l.rfs[i].it))
	}
}

// viaStops is the block a jump to b that leaves the innermost k ranges over
// functions goes to: b itself when k is 0, else a block that stops them
// and jumps to b.
func (l *lowerer) viaStops(b *block, k int) *block {
	if k == 0 {
		return b
	}
	cur, pos := l.cur, l.pos
	t := l.newBlock()
	l.enter(t)
	l.stopRanges(k)
	l.jump(b)
	l.cur, l.pos = cur, pos
	return t
}

// rangesLeft counts the innermost ranges over functions whose target index
// is above i: a break or continue of target i leaves them.
func (l *lowerer) rangesLeft(i int) int {
	k := 0
	for j := len(l.rfs) - 1; j >= 0 && l.rfs[j].target > i; j-- {
		k++
	}
	return k
}

// rangesLeftByGoto counts the innermost ranges over functions whose bodies
// do not hold the statement labeled name (labels are unique in a function,
// and a goto cannot enter a block, so a goto leaves exactly those).
func (l *lowerer) rangesLeftByGoto(name string) int {
	var at token.Pos
	if s := labeledStmt(l.fn.decl.Body, name); s != nil {
		at = s.Pos()
	}
	k := 0
	for j := len(l.rfs) - 1; j >= 0; j-- {
		if b := l.rfs[j].body; at >= b.Pos() && at < b.End() {
			break
		}
		k++
	}
	return k
}

// mustLower reports whether a statement without suspension points must be
// lowered all the same: inside the body of a range over a function, a
// return in it must stop the iterators first, which a kept statement's
// return (printed as Poll's) would not.
func (l *lowerer) mustLower(s ast.Stmt) bool {
	if len(l.rfs) == 0 {
		return false
	}
	found := false
	ast.Inspect(s, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			found = true
		}
		return !found
	})
	return found
}

// rangeReturn prepares a return out of the body of a range over a function:
// Go evaluates the results (and assigns named results) in the body, then
// the iterators run to their ends, then the function returns. It returns
// the results the return term gives: nil for a bare return of named results.
func (l *lowerer) rangeReturn(results []ast.Expr) []ast.Expr {
	switch {
	case results == nil:
	case len(l.results) > 0:
		var lhs []ast.Expr
		for _, v := range l.results {
			lhs = append(lhs, ref(v))
		}
		l.emit(&assignInstr{tok: token.ASSIGN, lhs: lhs, rhs: results})
		results = nil
	default:
		var tmps []ast.Expr
		for i := range results {
			tmps = append(tmps, ref(l.temp(l.fn.sig.Results().At(i).Type(), "ret")))
		}
		l.emit(&assignInstr{tok: token.ASSIGN, lhs: tmps, rhs: results})
		results = tmps
	}
	l.stopRanges(len(l.rfs))
	return results
}

// liveRanges are the fields holding iterators of ranges over functions,
// innermost (last declared) first, each field once.
func (ir *irFunc) liveRanges() []*variable {
	var out []*variable
	seen := map[string]bool{}
	for i := len(ir.ranges) - 1; i >= 0; i-- {
		v := ir.ranges[i]
		if ir.used[v] && v.field && !seen[v.name] {
			seen[v.name] = true
			out = append(out, v)
		}
	}
	return out
}

// rangePoll writes, for a function with ranges over functions whose bodies
// suspend, a Poll (or, for a function with defers, the method named name
// that Poll calls) that calls the states' method and, when a panic leaves
// it, unwinds the iterators (rt.RangeFunc.Unwind: only a loop whose body
// is running is affected); it returns that method's name, else name.
func (e *emitter) rangePoll(name string) string {
	ir, p, f := e.ir, e.p, e.fut
	its := ir.liveRanges()
	if len(its) == 0 {
		return name
	}
	body, unwinding, out, ready := ir.name("pollStates"), ir.name("unwinding"), ir.name("out"), ir.name("ready")
	e.g.needUniverse("bool")
	if name == "Poll" {
		p("// Poll advances ", e.display, " to its next suspension point; see rt.Future.\n")
	} else {
		p("// ", name, " runs ", e.display, "'s state machine to its next suspension point.\n")
	}
	p("// A panic first unwinds the iterators of the range loops it leaves.\n")
	p("func (", f, " *", e.self(), ") ", name, "(", ir.nCx, " *")
	e.rt("Context")
	p(") (", ir.out, ", bool) {\n", unwinding, " := ", e.g.univ("true"), "\ndefer func() {\nif ", unwinding, " {\n")
	for _, v := range its {
		p(f, ".", v.name, ".Unwind()\n")
	}
	p("}\n}()\n", out, ", ", ready, " := ", f, ".", body, "(", ir.nCx, ")\n", unwinding, " = ", e.g.univ("false"), "\nreturn ", out, ", ", ready, "\n}\n\n")
	return body
}

// cancelRanges writes Cancel's stops of the iterators (after the await's
// cancellation): yield returns false to each, innermost first, and each
// runs to its end.
func (e *emitter) cancelRanges() {
	for _, v := range e.ir.liveRanges() {
		e.p(e.fut, ".", v.name, ".Stop()\n")
	}
}
