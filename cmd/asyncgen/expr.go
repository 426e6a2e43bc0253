package main

// Expression lowering, order-preserving: an expression that holds a
// suspension point is taken apart so that the suspension point becomes an
// await terminator and every call Go would make before it still runs before
// it, in order.

import (
	"go/ast"
	"go/token"
	"go/types"
)

// shallow copies e and returns the slots of its operands in evaluation order.
func shallow(e ast.Expr, info *types.Info) (ast.Expr, []*ast.Expr) {
	switch e := e.(type) {
	case *ast.ParenExpr:
		c := *e
		return &c, []*ast.Expr{&c.X}
	case *ast.UnaryExpr:
		c := *e
		return &c, []*ast.Expr{&c.X}
	case *ast.StarExpr:
		c := *e
		return &c, []*ast.Expr{&c.X}
	case *ast.BinaryExpr:
		c := *e
		return &c, []*ast.Expr{&c.X, &c.Y}
	case *ast.SelectorExpr:
		c := *e
		if id, ok := c.X.(*ast.Ident); ok {
			if _, ok := info.Uses[id].(*types.PkgName); ok {
				return &c, nil
			}
		}
		return &c, []*ast.Expr{&c.X}
	case *ast.IndexExpr:
		c := *e
		return &c, []*ast.Expr{&c.X, &c.Index}
	case *ast.SliceExpr:
		c := *e
		var kids []*ast.Expr
		for _, p := range []*ast.Expr{&c.X, &c.Low, &c.High, &c.Max} {
			if *p != nil {
				kids = append(kids, p)
			}
		}
		return &c, kids
	case *ast.TypeAssertExpr:
		c := *e
		return &c, []*ast.Expr{&c.X}
	case *ast.CallExpr:
		c := *e
		c.Args = append([]ast.Expr(nil), e.Args...)
		kids := []*ast.Expr{&c.Fun}
		for i := range c.Args {
			kids = append(kids, &c.Args[i])
		}
		return &c, kids
	case *ast.CompositeLit:
		c := *e
		c.Elts = append([]ast.Expr(nil), e.Elts...)
		var kids []*ast.Expr
		for i := range c.Elts {
			if kv, ok := c.Elts[i].(*ast.KeyValueExpr); ok {
				kc := *kv
				c.Elts[i] = &kc
				kids = append(kids, &kc.Key, &kc.Value)
			} else {
				kids = append(kids, &c.Elts[i])
			}
		}
		return &c, kids
	}
	return e, nil
}

// expr lowers e so that it holds no suspension point, emitting what must run
// before it. With spill set, the calls in e are also hoisted, because a
// suspension point to their right must run after them.
func (l *lowerer) expr(e ast.Expr, spill bool) ast.Expr {
	if e == nil {
		return nil
	}
	if !l.hasSusp(e) {
		if spill {
			return l.spillCalls(e)
		}
		return e
	}
	switch x := e.(type) {
	case *ast.CallExpr:
		if tw := l.susp[x]; tw != nil {
			return l.await(x, tw, true)
		}
		if spill && !l.ordered(x) && !(len(x.Args) == 1 && isTuple(l.typeOf(x.Args[0]))) {
			// A conversion (or a builtin that gc leaves in place) is not
			// spilled as a whole, so the calls in its operands are: a
			// suspension point to its right must run after them.
			c, kids := shallow(x, l.g.info)
			l.list(kids, true)
			return c
		}
		return l.maybeSpill(l.callOperands(x), x, spill)
	case *ast.BinaryExpr:
		// A suspending right operand must run only if the left one lets
		// it; so must a right operand whose calls would be spilled.
		if (x.Op == token.LAND || x.Op == token.LOR) && (l.hasSusp(x.Y) || spill) {
			return l.logical(x)
		}
	case *ast.CompositeLit:
		if _, ok := coreType(l.typeOf(x)).(*types.Map); ok {
			return l.mapLit(x)
		}
	}
	c, kids := shallow(e, l.g.info)
	l.list(kids, spill)
	return l.maybeSpill(c, e, spill)
}

// maybeSpill evaluates c, the lowered orig, into a temporary when spill is
// set and gc would (ordered).
func (l *lowerer) maybeSpill(c, orig ast.Expr, spill bool) ast.Expr {
	if spill && l.ordered(orig) && !isTuple(l.typeOf(orig)) {
		return l.spillTo(c, l.typeOf(orig))
	}
	return c
}

// mapLit lowers a map literal that holds a suspension point the way gc
// builds any map literal with an entry that is not constant: the map made
// with its constant entries, then each other entry stored in turn (its
// calls, then its reads), so an entry's reads come before a later entry's
// calls; a non-constant key equal to a constant one wins wherever it stands.
func (l *lowerer) mapLit(x *ast.CompositeLit) ast.Expr {
	t := l.typeOf(x)
	m := coreType(t).(*types.Map)
	v := l.temp(t, "m")
	c := *x
	c.Elts = nil
	var dynamic []*ast.KeyValueExpr
	for _, el := range x.Elts {
		kv := el.(*ast.KeyValueExpr)
		if l.static(kv.Key, m.Key()) && l.static(kv.Value, m.Elem()) {
			c.Elts = append(c.Elts, kv)
		} else {
			dynamic = append(dynamic, kv)
		}
	}
	l.emit(&assignInstr{tok: token.ASSIGN, lhs: []ast.Expr{ref(v)}, rhs: []ast.Expr{l.typedLit(&c, t)}})
	for _, kv := range dynamic {
		key := l.typedLit(l.expr(kv.Key, l.hasSusp(kv.Value)), m.Key())
		val := l.typedLit(l.expr(kv.Value, false), m.Elem())
		l.emit(&assignInstr{tok: token.ASSIGN, lhs: []ast.Expr{&ast.IndexExpr{X: ref(v), Index: key}}, rhs: []ast.Expr{val}})
	}
	return ref(v)
}

// typedLit spells out the type of e, of type t, if it is a composite literal
// whose type its enclosing literal elides ({…} for T{…} or &T{…}), so that it
// can stand on its own.
func (l *lowerer) typedLit(e ast.Expr, t types.Type) ast.Expr {
	lit, ok := e.(*ast.CompositeLit)
	if !ok || lit.Type != nil {
		return e
	}
	c := *lit
	if p, ok := t.Underlying().(*types.Pointer); ok {
		c.Type = &typeRef{t: p.Elem()}
		return &ast.UnaryExpr{OpPos: lit.Pos(), Op: token.AND, X: &c}
	}
	c.Type = &typeRef{t: t}
	return &c
}

// list lowers operands in order: those left of the last suspending operand
// have their calls spilled.
func (l *lowerer) list(kids []*ast.Expr, spill bool) {
	last := -1
	for i, k := range kids {
		if l.hasSusp(*k) {
			last = i
		}
	}
	for i, k := range kids {
		*k = l.expr(*k, spill || i < last)
	}
}

func (l *lowerer) spillTo(e ast.Expr, t types.Type) ast.Expr {
	v := l.temp(t, "t")
	i := &assignInstr{tok: token.ASSIGN, lhs: []ast.Expr{ref(v)}, rhs: []ast.Expr{e}}
	l.emit(i)
	// A call written in place (a spawn) hoisted out of its statement
	// keeps its own position, as the suspension point it was did.
	if c, ok := e.(*ast.CallExpr); ok && c.Lparen.IsValid() && l.g.inPlaceAt[c.Lparen] != nil && i.pos == 0 {
		i.setAt(c.Pos())
	}
	return ref(v)
}

// spillCalls hoists every call in e into a temporary, in order, and every
// other operand that gc evaluates into a temporary where it stands (ordered).
func (l *lowerer) spillCalls(e ast.Expr) ast.Expr {
	if e == nil {
		return e
	}
	// gc evaluates && and || into a temporary in order, like a call, even
	// when their operands make no call; as a unit, short-circuit intact.
	if b, ok := ast.Unparen(e).(*ast.BinaryExpr); ok && (b.Op == token.LAND || b.Op == token.LOR) {
		if tv, ok := l.g.info.Types[e]; !ok || tv.Value == nil {
			return l.spillTo(e, l.typeOf(e))
		}
	}
	if !l.hasOrdered(e) {
		return e
	}
	switch x := e.(type) {
	case *ast.FuncLit:
		return e
	case *ast.CompositeLit:
		// A literal gc evaluates where it stands (a map literal, entry by
		// entry; a struct or array literal it copies) is spilled as a
		// whole: its entries' calls are not hoisted past its reads.
		if l.ordered(x) {
			return l.spillTo(l.typedLit(x, l.typeOf(x)), l.typeOf(x))
		}
	case *ast.CallExpr:
		// unsafe.Pointer(x.Pointer()) stays one expression: a uintptr
		// held in a temporary is no reference, so the GC may free its
		// object while a later operand suspends.
		if l.isUnsafePointerConv(x) {
			return l.spillTo(x, l.typeOf(x))
		}
		if len(x.Args) == 1 && isTuple(l.typeOf(x.Args[0])) {
			c := *x
			c.Fun = l.spillCalls(x.Fun)
			c.Args = l.tuple(ast.Unparen(x.Args[0]).(*ast.CallExpr))
			return l.maybeSpill(&c, x, true)
		}
	}
	c, kids := shallow(e, l.g.info)
	for _, k := range kids {
		*k = l.spillCalls(*k)
	}
	return l.maybeSpill(c, e, true)
}

// callOperands lowers the callee and arguments of a call in order. An
// argument list that is one multi-valued call, f(g()), is spread: g's
// results become f's arguments one by one, whether g suspends or not.
func (l *lowerer) callOperands(call *ast.CallExpr) *ast.CallExpr {
	if len(call.Args) == 1 && isTuple(l.typeOf(call.Args[0])) && l.hasSusp(call.Args[0]) {
		c := *call
		c.Fun = l.expr(call.Fun, true)
		c.Args = l.tuple(ast.Unparen(call.Args[0]).(*ast.CallExpr))
		return &c
	}
	c, kids := shallow(call, l.g.info)
	l.list(kids, false)
	return c.(*ast.CallExpr)
}

// tuple evaluates a multi-valued call into temporaries and returns them.
func (l *lowerer) tuple(call *ast.CallExpr) []ast.Expr {
	tt := l.typeOf(call).(*types.Tuple)
	var out []ast.Expr
	if tw := l.susp[call]; tw != nil {
		r := l.await(call, tw, true)
		for i := 0; i < tt.Len(); i++ {
			out = append(out, &ast.SelectorExpr{X: r, Sel: ast.NewIdent("V" + itoa(i))})
		}
		return out
	}
	c := l.callOperands(call)
	var lhs []ast.Expr
	for i := 0; i < tt.Len(); i++ {
		v := l.temp(tt.At(i).Type(), "t")
		lhs = append(lhs, ref(v))
		out = append(out, ref(v))
	}
	l.emit(&assignInstr{tok: token.ASSIGN, lhs: lhs, rhs: []ast.Expr{c}})
	return out
}

// await lowers a suspension point: the twin's future is created and awaited;
// the returned expression holds its output.
func (l *lowerer) await(call *ast.CallExpr, tw *twin, want bool) ast.Expr {
	cc := l.callOperands(call)
	var child, frame *asyncFunc
	var targs []types.Type
	if c := l.g.asyncCallee(call); c != nil && !c.failed {
		// A generic callee's future is its instance for the call's type
		// arguments, which the generated code must be able to write;
		// where it cannot (an unexported type of another package, by
		// inference), the call is awaited through the twin's rt.Future.
		targs = l.g.calleeTypeArgs(call)
		if len(targs) == c.tparams().Len() && l.g.spellableAll(targs) {
			frame = c
			if c.initName != "" && l.g.inlinable(l.fn, c) {
				child = c
			}
		}
	}
	var fut ast.Expr = cc
	var byValue types.Type
	switch {
	case child != nil:
		// The future by value (inline.go), its type arguments written out:
		// the constructor's parameters would not always infer them (F[float64](1)).
		cc.Fun = initFun(child, targs)
	case frame != nil && frame.newName != "":
		// The callee's future from its pool (inline.go's poolable), by its
		// own type: a frame (emit.go), given back to the pool once done.
		cc.Fun = ast.NewIdent(frame.newName)
		cc.Args = append([]ast.Expr{ast.NewIdent(l.nCx)}, cc.Args...)
	case frame != nil:
		// The twin's future, by its own type: a frame (emit.go).
		cc.Fun = l.siblingFun(cc.Fun, "", "Async")
		fut = &ast.TypeAssertExpr{X: cc, Type: &typeRef{t: types.NewPointer(l.g.futureType(frame, targs))}}
	case tw.make != nil:
		cc.Fun = l.siblingFun(cc.Fun, "Make", "") // MakeX's future by value (the by-value rule)
		byValue = tw.byValue
	default:
		cc.Fun = l.siblingFun(cc.Fun, "", "Async")
	}
	next := l.newBlock()
	t := &awaitTerm{fut: fut, out: tw.out, next: next, pos: call.Pos(), child: child, frame: frame, targs: targs, byValue: byValue, undriven: len(l.rfs) > 0}
	if want {
		t.dst = l.temp(tw.out, "r")
	}
	l.cur.term = t
	next.resume = t
	l.enter(next)
	if t.dst == nil {
		return nil
	}
	return ref(t.dst)
}

// writeInPlace returns x, a call that is written in place (inline.go's
// inPlace) or the lowering's copy of it with its operands lowered, as the
// call with the poll's Context that it stands for. A call of rt.Now or
// rt.CurrentHandle is the Context's method: cx.Now(), cx.Handle(). A spawn
// is the call of rt's form that spawns with the Context and returns the
// handle: rt.Spawn(f) becomes rt.SpawnIn[T](cx, f), set.Spawn(f)
// set.SpawnIn(cx, f); the future of a plain async function of the package
// made on the spot goes into the task by value: rt.Spawn(FAsync(x)) becomes
// rt.SpawnInlineIn[T, fFuture](cx, initFFuture(x)), one allocation for the
// task and the future (spawnByValue). x is left alone: it is printed
// again when a run generates twice.
func (ir *irFunc) writeInPlace(sc *inPlaceCall, x *ast.CallExpr) *ast.CallExpr {
	c := *x
	if sc.method != "" {
		c.Fun = &ast.SelectorExpr{X: &ast.Ident{NamePos: x.Fun.Pos(), Name: ir.nCx}, Sel: ast.NewIdent(sc.method)}
		return &c
	}
	if c := ir.spawnByValue(sc, x); c != nil {
		return c
	}
	c.Args = append([]ast.Expr{ast.NewIdent(ir.nCx)}, x.Args...)
	if sc.form.set {
		sel := ast.Unparen(x.Fun).(*ast.SelectorExpr)
		c.Fun = &ast.SelectorExpr{X: sel.X, Sel: &ast.Ident{NamePos: sel.Sel.Pos(), Name: sc.form.now}}
		return &c
	}
	c.Fun = &ast.IndexExpr{X: &pkgRef{path: rtPath, name: "rt", member: sc.form.now}, Index: &typeRef{t: sc.targ}}
	return &c
}

// spawnByValue returns x, a spawn of the future of an async function of the
// package made on the spot (inline.go's spawnedFuture), in the spawn's
// by-value form; nil where the future's call was spilled, or the future
// cannot be written by value.
func (ir *irFunc) spawnByValue(sc *inPlaceCall, x *ast.CallExpr) *ast.CallExpr {
	g := ir.g
	c, arg, targs := g.spawnedFuture(sc.call, sc.tw)
	if c == nil || len(x.Args) != len(sc.call.Args) {
		return nil
	}
	last := len(x.Args) - 1
	lc, ok := ast.Unparen(x.Args[last]).(*ast.CallExpr)
	if !ok || !sameCallee(g, lc, arg) {
		return nil
	}
	ft, ok := types.Unalias(g.info.TypeOf(arg)).(*types.Named)
	if !ok || ft.TypeArgs().Len() != 1 {
		return nil
	}
	out := ft.TypeArgs().At(0)
	if _, ok := g.spellable(out); !ok {
		return nil
	}
	args := append([]ast.Expr(nil), x.Args[:last]...)
	if sc.form.set {
		sel := ast.Unparen(sc.call.Fun).(*ast.SelectorExpr)
		if len(g.info.Selections[sel].Index()) != 1 {
			return nil // the set's method promoted from an embedded field
		}
		var set ast.Expr = ast.Unparen(x.Fun).(*ast.SelectorExpr).X
		if _, ptr := g.info.TypeOf(sel.X).Underlying().(*types.Pointer); !ptr {
			set = &ast.UnaryExpr{OpPos: set.Pos(), Op: token.AND, X: set}
		}
		args = append([]ast.Expr{set}, args...)
	}
	args = append([]ast.Expr{ast.NewIdent(ir.nCx)}, args...)
	fut := *lc
	fut.Fun = initFun(c, targs)
	r := *x
	r.Fun = &ast.IndexListExpr{
		X:       &pkgRef{path: rtPath, name: "rt", member: sc.form.inline},
		Indices: []ast.Expr{&typeRef{t: out}, &typeRef{t: g.futureType(c, targs)}},
	}
	r.Args = append(args, &fut)
	return &r
}

// siblingFun names a sibling of the callee X, prefix+X+suffix (its twin
// XAsync, or MakeX): a function of the package, a method, a function of
// another package through its import or a dot import; for the twin of a
// func variable, its companion (check.go's funcValue).
func (l *lowerer) siblingFun(fun ast.Expr, prefix, suffix string) ast.Expr {
	if c := l.companion(fun); c != nil && prefix == "" && suffix == "Async" {
		return ref(c)
	}
	switch f := fun.(type) {
	case *ast.Ident:
		if obj := l.g.info.Uses[f]; obj != nil && obj.Pkg() != nil && obj.Pkg() != l.g.pkg {
			return &pkgRef{path: obj.Pkg().Path(), name: obj.Pkg().Name(), member: prefix + f.Name + suffix}
		}
		return ast.NewIdent(prefix + f.Name + suffix)
	case *ast.SelectorExpr:
		return &ast.SelectorExpr{X: f.X, Sel: ast.NewIdent(prefix + f.Sel.Name + suffix)}
	case *ast.IndexExpr:
		return &ast.IndexExpr{X: l.siblingFun(f.X, prefix, suffix), Index: f.Index}
	case *ast.IndexListExpr:
		return &ast.IndexListExpr{X: l.siblingFun(f.X, prefix, suffix), Indices: f.Indices}
	case *ast.ParenExpr:
		return l.siblingFun(f.X, prefix, suffix)
	}
	panic("corio/asyncgen: unexpected callee form")
}

// logical lowers x && y / x || y whose right operand suspends.
func (l *lowerer) logical(e *ast.BinaryExpr) ast.Expr {
	t := l.temp(l.typeOf(e), "cond")
	x := l.expr(e.X, false)
	l.emit(&assignInstr{tok: token.ASSIGN, lhs: []ast.Expr{ref(t)}, rhs: []ast.Expr{x}})
	right, join := l.newBlock(), l.newBlock()
	if e.Op == token.LAND {
		l.cur.term = &ifTerm{cond: ref(t), then: right, els: join}
	} else {
		l.cur.term = &ifTerm{cond: ref(t), then: join, els: right}
	}
	l.enter(right)
	y := l.expr(e.Y, false)
	l.emit(&assignInstr{tok: token.ASSIGN, lhs: []ast.Expr{ref(t)}, rhs: []ast.Expr{y}})
	l.jump(join)
	l.enter(join)
	return ref(t)
}

// sameCallee reports whether calls a and b call the same function.
func sameCallee(g *pkgGen, a, b *ast.CallExpr) bool {
	fa, _ := g.callee(a)
	fb, _ := g.callee(b)
	return fa != nil && fa == fb
}

// initFun names c's by-value constructor, instantiated with targs where c
// is generic.
func initFun(c *asyncFunc, targs []types.Type) ast.Expr {
	var init ast.Expr = ast.NewIdent(c.initName)
	if len(targs) > 0 {
		var idx []ast.Expr
		for _, t := range targs {
			idx = append(idx, &typeRef{t: t})
		}
		init = &ast.IndexListExpr{X: init, Indices: idx}
	}
	return init
}
