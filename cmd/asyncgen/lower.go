package main

// Stage 4: lower. Turn an async body into a control-flow graph of blocks whose
// terminators are jumps, branches, returns and awaits.
//
// Statements without a suspension point are kept as written ("verbatim"):
// a plain loop stays a plain loop, its variables plain Go variables. Only the
// statements that contain a suspension point are taken apart:
//
//   - In an expression, each suspension point is hoisted into a temporary. The
//     calls to its left are spilled into temporaries first, so Go's
//     left-to-right order of calls holds; plain operands stay in place and are
//     read after the calls, as the gc compiler reads them. && and || with a
//     suspending right operand become branches.
//   - if, for, range and switch become blocks and branches. A resumed future
//     jumps straight to the point after its suspension; no guard is evaluated
//     twice.
//   - Variables declared at this level ("machine" variables) are given unique
//     names and declared once at the top of Poll, or as fields of the future
//     when they may be live across a suspension (see liveness in emit.go).
//     A variable whose address escapes (&x, a closure, a pointer method) and
//     whose declaration runs more than once (inside a lowered loop) lives in a
//     heap cell, a fresh one per declaration and per loop iteration (Go 1.22).

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"sort"
)

type variable struct {
	name    string
	typ     types.Type
	obj     types.Object // nil for temporaries
	machine bool         // declared at the machine level (not inside a verbatim statement)
	param   bool         // a parameter or receiver: set by the constructor
	escapes bool         // address taken or captured by a closure
	cell    bool         // held through a *T cell, fresh per declaration
	field   bool         // a field of the future (else a local of Poll)
	bind    string       // name binding the cell inside func literals
	text    string       // the type as text, for types not in the type checker's view
}

type block struct {
	order  int // fill order, for emission; -1 until filled
	stmts  []lstmt
	term   any // *jumpTerm, *ifTerm, *returnTerm, *awaitTerm or nil
	resume *awaitTerm
	extra  []*block // targets of jumps out of verbatim statements
	state  int
	reach  bool
}

type lstmt struct {
	s   ast.Stmt
	pos token.Pos // source position for the //line directive; 0 for none
}

type jumpTerm struct{ to *block }

// unreachableTerm ends a block that Go's terminating-statement rule makes
// unreachable (the end of a function with results).
type unreachableTerm struct{}

// panicTerm ends a block whose last statement panics.
type panicTerm struct{}
type ifTerm struct {
	cond      ast.Expr
	then, els *block
	pos       token.Pos // the source condition, for its //line directive
}
type returnTerm struct {
	results []ast.Expr // nil: bare return (named results, or none)
	pos     token.Pos
}
type awaitTerm struct {
	fut    ast.Expr
	out    types.Type
	dst    *variable // receives the output; nil when discarded
	next   *block
	field  string      // the await field, assigned in emit
	clear  []*variable // pointer fields dead from here on (liveness.go)
	child  *asyncFunc  // a callee whose future is held by value (inline.go)
	cfield string      // its field
	pos    token.Pos
}

type target struct {
	label     string
	brk, cont *block
}

type lowerer struct {
	g                                *pkgGen
	fn                               *asyncFunc
	susp                             map[*ast.CallExpr]*twin
	spans                            []*ast.CallExpr
	vars                             []*variable
	objVar                           map[types.Object]*variable
	refVar                           map[*ast.Ident]*variable // identifiers made by the lowering
	rawVar                           map[*ast.Ident]*variable // references to a cell's pointer itself
	blocks                           []*block
	filled                           int
	cur                              *block
	entry                            *block
	targets                          []target
	label                            string // label of the statement being lowered
	fallTo                           *block
	loops                            int
	names                            map[string]bool
	results                          []*variable
	consts                           []ast.Stmt
	pos                              token.Pos // position of the source statement being lowered
	out                              types.Type
	extJump                          map[*ast.BranchStmt]*block
	pollLabel                        string
	labelUsed                        bool
	futName                          string
	nFut, nCx, nState, nZero, nReady string
}

func (l *lowerer) newBlock() *block {
	b := &block{order: -1}
	l.blocks = append(l.blocks, b)
	return b
}

// enter makes b the current block.
func (l *lowerer) enter(b *block) {
	if b.order < 0 {
		b.order = l.filled
		l.filled++
	}
	l.cur = b
}

func (l *lowerer) emit(s ast.Stmt) {
	l.cur.stmts = append(l.cur.stmts, lstmt{s: s, pos: l.pos})
	l.pos = 0 // one directive per source statement
}

// terminate ends the current block and continues in a fresh (unreachable
// unless jumped to) block.
func (l *lowerer) terminate(t any) {
	if l.cur.term == nil {
		l.cur.term = t
	}
	l.enter(l.newBlock())
}

func (l *lowerer) jump(to *block) {
	if l.cur.term == nil {
		l.cur.term = &jumpTerm{to}
	}
}

// name allocates a unique identifier.
func (l *lowerer) name(base string) string {
	if base == "" || base == "_" {
		base = "v"
	}
	n := base
	for i := 2; l.names[n] || l.g.reserved[n] || l.g.taken[n]; i++ {
		n = base + "_" + itoa(i)
	}
	l.names[n] = true
	l.g.genNames[n] = true
	return n
}

func itoa(i int) string {
	return constant.MakeInt64(int64(i)).String()
}

func (l *lowerer) temp(t types.Type, base string) *variable {
	if b, ok := t.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
		t = types.Default(t)
	}
	v := &variable{name: l.name(base), typ: t, machine: true}
	l.vars = append(l.vars, v)
	return v
}

// ref returns a new identifier denoting v.
func (l *lowerer) ref(v *variable) *ast.Ident {
	id := ast.NewIdent(v.name)
	l.refVar[id] = v
	return id
}

// raw returns an identifier denoting the pointer of cell variable v.
func (l *lowerer) raw(v *variable) *ast.Ident {
	id := ast.NewIdent(v.name)
	l.rawVar[id] = v
	return id
}

func (l *lowerer) varOf(id *ast.Ident) *variable {
	if v := l.refVar[id]; v != nil {
		return v
	}
	if v := l.rawVar[id]; v != nil {
		return v
	}
	obj := l.g.info.Defs[id]
	if obj == nil {
		obj = l.g.info.Uses[id]
	}
	return l.objVar[obj]
}

// declare marks a source variable as declared at the machine level, here.
func (l *lowerer) declare(obj types.Object) *variable {
	v := l.objVar[obj]
	if v == nil {
		panic("corio/asyncgen: undeclared object " + obj.Name())
	}
	v.machine = true
	// A variable whose address is taken lives in a cell of its own, as Go's
	// escape analysis would put it on the heap: a pointer into the future
	// would be an interior pointer (runtime.SetFinalizer rejects it) that
	// keeps the whole future alive. In a loop the cell is fresh per
	// declaration and per iteration (Go 1.22).
	if v.escapes {
		v.cell = true
	}
	return v
}

// declareNew declares the new variables of a := or var and, for cells,
// allocates the fresh cell.
func (l *lowerer) declareNew(ids []*ast.Ident) {
	for _, id := range ids {
		obj, ok := l.g.info.Defs[id].(*types.Var)
		if !ok || id.Name == "_" {
			continue
		}
		v := l.declare(obj)
		if v.cell {
			l.emit(&ast.AssignStmt{Lhs: []ast.Expr{l.raw(v)}, Tok: token.ASSIGN, Rhs: []ast.Expr{rawExpr(l.g.newOf(v.typ, ""))}})
		}
	}
}

func (l *lowerer) hasSusp(n ast.Node) bool {
	if n == nil {
		return false
	}
	// Calls may share a start (c.F().G()): scan all that start inside n.
	for i := sort.Search(len(l.spans), func(i int) bool { return l.spans[i].Pos() >= n.Pos() }); i < len(l.spans) && l.spans[i].Pos() < n.End(); i++ {
		if l.spans[i].End() <= n.End() {
			return true
		}
	}
	return false
}

// isCall reports whether call is a call of a function (not a conversion or a
// builtin): the kind of call whose order Go fixes.
func (l *lowerer) isCall(call *ast.CallExpr) bool {
	if tv, ok := l.g.info.Types[call.Fun]; ok && tv.IsType() {
		return false
	}
	if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
		if _, ok := l.g.info.Uses[id].(*types.Builtin); ok {
			return false
		}
	}
	return true
}

// isUnsafePointerConv reports whether call converts to unsafe.Pointer.
func (l *lowerer) isUnsafePointerConv(call *ast.CallExpr) bool {
	tv, ok := l.g.info.Types[call.Fun]
	if !ok || !tv.IsType() {
		return false
	}
	b, ok := tv.Type.(*types.Basic)
	return ok && b.Kind() == types.UnsafePointer
}

func (l *lowerer) hasCall(e ast.Node) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if l.isCall(n) {
				found = true
			}
		}
		return !found
	})
	return found
}

func (l *lowerer) typeOf(e ast.Expr) types.Type { return l.g.info.TypeOf(e) }

func isUntyped(t types.Type) bool {
	b, ok := t.(*types.Basic)
	return ok && b.Info()&types.IsUntyped != 0
}

func isTuple(t types.Type) bool {
	_, ok := t.(*types.Tuple)
	return ok
}

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
		return l.maybeSpill(l.callOperands(x), x, spill)
	case *ast.BinaryExpr:
		// A suspending right operand must run only if the left one lets
		// it; so must a right operand whose calls would be spilled.
		if (x.Op == token.LAND || x.Op == token.LOR) && (l.hasSusp(x.Y) || spill) {
			return l.logical(x)
		}
	}
	c, kids := shallow(e, l.g.info)
	l.list(kids, spill)
	if call, ok := e.(*ast.CallExpr); ok {
		return l.maybeSpill(c, call, spill)
	}
	return c
}

func (l *lowerer) maybeSpill(c ast.Expr, orig *ast.CallExpr, spill bool) ast.Expr {
	if spill && l.isCall(orig) && !isTuple(l.typeOf(orig)) {
		return l.spillTo(c, l.typeOf(orig))
	}
	return c
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
	l.emit(&ast.AssignStmt{Lhs: []ast.Expr{l.ref(v)}, Tok: token.ASSIGN, Rhs: []ast.Expr{e}})
	return l.ref(v)
}

// spillCalls hoists every call in e into a temporary, in order.
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
	if !l.hasCall(e) {
		return e
	}
	switch x := e.(type) {
	case *ast.FuncLit:
		return e
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
	if call, ok := e.(*ast.CallExpr); ok {
		return l.maybeSpill(c, call, true)
	}
	return c
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
		lhs = append(lhs, l.ref(v))
		out = append(out, l.ref(v))
	}
	l.emit(&ast.AssignStmt{Lhs: lhs, Tok: token.ASSIGN, Rhs: []ast.Expr{c}})
	return out
}

// await lowers a suspension point: the twin's future is created and awaited;
// the returned expression holds its output.
func (l *lowerer) await(call *ast.CallExpr, tw *twin, want bool) ast.Expr {
	cc := l.callOperands(call)
	var child *asyncFunc
	if f, _ := l.g.callee(call); f != nil {
		if c := l.g.asyncOf[f]; c != nil && c.initName != "" && l.g.inlinable(l.fn, c) {
			child = c
		}
	}
	if child != nil {
		cc.Fun = ast.NewIdent(child.initName) // the future by value (inline.go)
	} else {
		cc.Fun = twinFun(cc.Fun)
	}
	next := l.newBlock()
	t := &awaitTerm{fut: cc, out: tw.out, next: next, pos: call.Pos(), child: child}
	if want {
		t.dst = l.temp(tw.out, "r")
	}
	l.cur.term = t
	next.resume = t
	l.enter(next)
	if t.dst == nil {
		return nil
	}
	return l.ref(t.dst)
}

func twinFun(fun ast.Expr) ast.Expr {
	switch f := fun.(type) {
	case *ast.Ident:
		return ast.NewIdent(f.Name + "Async")
	case *ast.SelectorExpr:
		return &ast.SelectorExpr{X: f.X, Sel: ast.NewIdent(f.Sel.Name + "Async")}
	case *ast.IndexExpr:
		return &ast.IndexExpr{X: twinFun(f.X), Index: f.Index}
	case *ast.IndexListExpr:
		return &ast.IndexListExpr{X: twinFun(f.X), Indices: f.Indices}
	case *ast.ParenExpr:
		return twinFun(f.X)
	}
	panic("corio/asyncgen: unexpected callee form")
}

// logical lowers x && y / x || y whose right operand suspends.
func (l *lowerer) logical(e *ast.BinaryExpr) ast.Expr {
	t := l.temp(l.typeOf(e), "cond")
	x := l.expr(e.X, false)
	l.emit(&ast.AssignStmt{Lhs: []ast.Expr{l.ref(t)}, Tok: token.ASSIGN, Rhs: []ast.Expr{x}})
	right, join := l.newBlock(), l.newBlock()
	if e.Op == token.LAND {
		l.cur.term = &ifTerm{cond: l.ref(t), then: right, els: join}
	} else {
		l.cur.term = &ifTerm{cond: l.ref(t), then: join, els: right}
	}
	l.enter(right)
	y := l.expr(e.Y, false)
	l.emit(&ast.AssignStmt{Lhs: []ast.Expr{l.ref(t)}, Tok: token.ASSIGN, Rhs: []ast.Expr{y}})
	l.jump(join)
	l.enter(join)
	return l.ref(t)
}

func isCompound(s ast.Stmt) bool {
	switch s.(type) {
	case *ast.BlockStmt, *ast.IfStmt, *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt,
		*ast.TypeSwitchStmt, *ast.SelectStmt, *ast.LabeledStmt, *ast.GoStmt:
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
	if isCompound(s) && !l.hasSusp(s) {
		l.verbatim(s)
		return
	}
	switch s := s.(type) {
	case *ast.LabeledStmt:
		l.label = s.Label.Name
		l.stmt(s.Stmt)
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
			l.emit(&ast.ExprStmt{X: x})
		}
		// After a call of the builtin panic nothing runs: the block gets
		// no jump (vet reports code after panic as unreachable).
		if l.terminating(s, "") {
			l.terminate(&panicTerm{})
		}
	case *ast.IncDecStmt:
		c, kids := shallow(s.X, l.g.info)
		l.list(kids, false)
		l.emit(&ast.IncDecStmt{X: c, Tok: s.Tok})
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
	case *ast.GoStmt:
		// The function value and arguments are evaluated here, in order;
		// the plain function runs in the new goroutine.
		l.emit(&ast.GoStmt{Call: l.callOperands(s.Call)})
	default:
		l.g.errorf(s.Pos(), "%T with a suspension point is not supported yet", s)
	}
}

// verbatim keeps a statement without suspension points as written; the
// variables it declares stay plain Go variables.
func (l *lowerer) verbatim(s ast.Stmt) {
	var stack []ast.Node
	ast.Inspect(s, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.BranchStmt:
			if !internalJump(stack, n) {
				if b := l.jumpTarget(n); b != nil {
					l.extJump[n] = b
					l.cur.extra = append(l.cur.extra, b)
				}
			}
		}
		stack = append(stack, n)
		return true
	})
	l.emit(s)
	// Nothing follows a terminating statement (an endless loop left only
	// through jumps to lowered code, say): no jump after it, which vet
	// would report as unreachable.
	if l.terminating(s, "") {
		l.terminate(&panicTerm{})
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
	if br.Tok == token.FALLTHROUGH || br.Tok == token.GOTO {
		return true
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

// jumpTarget resolves break/continue against the lowered statements.
func (l *lowerer) jumpTarget(s *ast.BranchStmt) *block {
	for i := len(l.targets) - 1; i >= 0; i-- {
		t := l.targets[i]
		if s.Label != nil && t.label != s.Label.Name {
			continue
		}
		if s.Tok == token.BREAK && t.brk != nil {
			return t.brk
		}
		if s.Tok == token.CONTINUE && t.cont != nil {
			return t.cont
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
	l.emit(&ast.AssignStmt{Lhs: lhs, Tok: tok, Rhs: rhs})
}

func (l *lowerer) decl(s *ast.DeclStmt) {
	gd := s.Decl.(*ast.GenDecl)
	switch gd.Tok {
	case token.CONST:
		l.consts = append(l.consts, s)
		return
	case token.TYPE:
		return // reported by check
	}
	for _, spec := range gd.Specs {
		vs := spec.(*ast.ValueSpec)
		lhs := make([]ast.Expr, len(vs.Names))
		for i, n := range vs.Names {
			lhs[i] = n
		}
		switch {
		case len(vs.Values) == 0:
			l.declareNew(vs.Names)
			for _, n := range vs.Names {
				if n.Name == "_" {
					continue
				}
				if v := l.objVar[l.g.info.Defs[n]]; v != nil && !v.cell {
					l.emit(&ast.AssignStmt{Lhs: []ast.Expr{n}, Tok: token.ASSIGN, Rhs: []ast.Expr{l.g.zero(v.typ)}})
				}
			}
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
			l.emit(&ast.AssignStmt{Lhs: lhs, Tok: token.ASSIGN, Rhs: rhs})
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
					rhs[i] = &ast.CallExpr{Fun: &ast.ParenExpr{X: l.g.typeExpr(l.g.info.Defs[n].Type())}, Args: []ast.Expr{rhs[i]}}
				}
			}
			l.emit(&ast.AssignStmt{Lhs: lhs, Tok: token.ASSIGN, Rhs: rhs})
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
	l.terminate(&returnTerm{results: results, pos: s.Pos()})
}

func (l *lowerer) branch(s *ast.BranchStmt) {
	switch s.Tok {
	case token.FALLTHROUGH:
		l.terminate(&jumpTerm{l.fallTo})
		return
	case token.GOTO:
		return // reported by check
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
			var fresh ast.Expr = &ast.CallExpr{Fun: ast.NewIdent("new"), Args: []ast.Expr{&ast.StarExpr{X: l.raw(v)}}}
			if l.g.shadowed["new"] {
				fresh = &ast.UnaryExpr{Op: token.AND, X: &ast.SelectorExpr{Sel: ast.NewIdent("v"), X: &ast.ParenExpr{X: &ast.UnaryExpr{Op: token.AND, X: &ast.CompositeLit{
					Type: rawExpr("struct{ v " + l.g.typeText(v.typ) + " }"), Elts: []ast.Expr{&ast.StarExpr{X: l.raw(v)}}}}}}}
			}
			l.emit(&ast.AssignStmt{Lhs: []ast.Expr{l.raw(v)}, Tok: token.ASSIGN, Rhs: []ast.Expr{fresh}})
		}
	}
	if s.Post != nil {
		l.stmt(s.Post)
	}
	l.jump(head)
	l.enter(exit)
}

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

func (l *lowerer) switchStmt(s *ast.SwitchStmt, label string) {
	if s.Init != nil {
		l.stmt(s.Init)
	}
	var tag *variable
	if s.Tag != nil {
		l.pos = s.Tag.Pos()
		x := l.expr(s.Tag, false)
		tag = l.temp(types.Default(l.typeOf(s.Tag)), "tag")
		l.emit(&ast.AssignStmt{Lhs: []ast.Expr{l.ref(tag)}, Tok: token.ASSIGN, Rhs: []ast.Expr{x}})
	}
	clauses := s.Body.List
	bodies := make([]*block, len(clauses))
	for i := range clauses {
		bodies[i] = l.newBlock()
	}
	exit := l.newBlock()
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
			if tag != nil {
				cond = &ast.BinaryExpr{X: l.ref(tag), Op: token.EQL, Y: x}
			}
			next := l.newBlock()
			l.cur.term = &ifTerm{cond: cond, then: bodies[i], els: next, pos: e.Pos()}
			l.enter(next)
		}
	}
	l.jump(def)
	l.targets = append(l.targets, target{label: label, brk: exit})
	saved := l.fallTo
	for i, c := range clauses {
		l.fallTo = nil
		if i+1 < len(bodies) {
			l.fallTo = bodies[i+1]
		}
		l.enter(bodies[i])
		l.stmtList(c.(*ast.CaseClause).Body)
		l.jump(exit)
	}
	l.fallTo = saved
	l.targets = l.targets[:len(l.targets)-1]
	l.enter(exit)
}
