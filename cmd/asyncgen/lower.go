package main

// Lowering, the first pass: build the IR (ir.go) of an async body. This
// file holds the builder and the function's variables; stmt.go lowers
// statements, range.go range loops, expr.go expressions.
//
// Statements without a suspension point are kept as written: a plain loop
// stays a plain loop, its variables plain Go variables. Only the statements
// that contain a suspension point are taken apart:
//
//   - In an expression, each suspension point is hoisted into a temporary. The
//     calls to its left are spilled into temporaries first, so Go's
//     left-to-right order of calls holds, and so are the other operands gc
//     evaluates into temporaries where they stand (order.go); plain operands
//     stay in place and are read after those, as the gc compiler reads them.
//     && and || with a suspending right operand become branches (expr.go).
//   - if, for, range and switch become blocks and branches. A resumed future
//     jumps straight to the point after its suspension; no guard is evaluated
//     twice.
//   - Variables declared at this level ("machine" variables) are given unique
//     names and declared once at the top of Poll, or as fields of the future
//     when they may be live across a suspension (liveness.go). A variable
//     whose address escapes (escape.go) lives in a heap cell, a fresh one per
//     declaration and per loop iteration (Go 1.22).

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"sort"
)

// lowerer builds one function's IR; its own fields are the builder's
// position in the body.
type lowerer struct {
	*irFunc
	susp    map[*ast.CallExpr]*twin
	spans   []ast.Node // the suspension points, and the stores into func values whose calls suspend, by position
	filled  int
	cur     *block
	targets []target
	label   string            // label of the statement being lowered
	labels  map[string]*block // the blocks labeled statements start (gotos' targets)
	// gotoTargets are the labels some goto names.
	gotoTargets map[string]bool
	fallTo      *block
	loops       int
	rfs         []rangeFuncLoop // the ranges over functions being lowered, outermost first (rangefunc.go)
	pos         token.Pos       // position of the source statement being lowered
	// addrOps are the operands gc copies because a runtime routine takes
	// them by address (order.go's byAddress), once asked.
	addrOps map[ast.Expr]bool
}

// newIR makes fn's irFunc with its names and variables: receiver,
// parameters, named results, then every variable and constant the body
// declares (scopes are flattened into one Poll, so each gets a unique name).
func (g *pkgGen) newIR(of *outFile, fn *asyncFunc) *irFunc {
	fd := fn.decl
	ir := &irFunc{
		g: g, fn: fn, out: g.outputType(fn.sig.Results()),
		objVar:  map[types.Object]*variable{},
		names:   map[string]bool{},
		futName: fn.futName,
	}
	// Names (naming.go): the file's import names are in scope here too.
	for _, imp := range of.file.Imports {
		if imp.Name != nil {
			ir.names[imp.Name.Name] = true
		}
	}
	// Fields share a namespace with the future's methods.
	ir.names["Poll"], ir.names["Cancel"], ir.names["PollFrame"], ir.names["Trace"] = true, true, true, true
	// User labels keep their names (they stay in kept code); the label
	// of Poll's loop must differ from them.
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if ls, ok := n.(*ast.LabeledStmt); ok {
			ir.names[ls.Label.Name] = true
		}
		return true
	})
	// A generic future's declarations have its type parameters in scope:
	// no generated name may take theirs (nor an import's alias: prepare).
	for _, tp := range typeParams(fn.tparams()) {
		ir.names[g.tparamName(tp)] = true
	}
	ir.reserveLocalTypeNames()
	// The symbols of type switches (switch v := x.(type)) are defined per
	// clause, not at the identifier, so nothing renames them in kept code
	// (a range-over-func body): the names Poll's own code uses there must
	// differ from them, or a symbol named fut would shadow the receiver.
	var symbols []string
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if ts, ok := n.(*ast.TypeSwitchStmt); ok {
			if as, ok := ts.Assign.(*ast.AssignStmt); ok && len(as.Lhs) == 1 {
				if id, ok := as.Lhs[0].(*ast.Ident); ok && !ir.names[id.Name] {
					ir.names[id.Name] = true
					symbols = append(symbols, id.Name)
				}
			}
		}
		return true
	})
	ir.nFut, ir.nCx, ir.nState = ir.name("fut"), ir.name("cx"), ir.name("state")
	ir.nZero, ir.nReady, ir.pollLabel = ir.name("zero"), ir.name("ready"), ir.name("poll")
	for _, n := range symbols {
		delete(ir.names, n) // only those six had to avoid them
	}
	ir.addCaptures()

	addVar := func(id *ast.Ident) *variable {
		if id.Name == "_" {
			return nil
		}
		obj := g.info.Defs[id]
		switch o := obj.(type) {
		case *types.Var:
			if o.IsField() {
				return nil
			}
		case *types.Const:
			// local constants are renamed like variables: scopes are flattened
		default:
			return nil
		}
		if v := ir.objVar[obj]; v != nil {
			return v
		}
		v := &variable{name: ir.name(id.Name), typ: obj.Type(), obj: obj}
		ir.objVar[obj] = v
		ir.vars = append(ir.vars, v)
		return v
	}
	if fd.Recv != nil {
		for _, f := range fd.Recv.List {
			for _, n := range f.Names {
				if n.Name != "_" {
					ir.recv = addVar(n)
					ir.recv.param, ir.recv.machine = true, true
				}
			}
		}
	}
	for _, f := range fd.Type.Params.List {
		if len(f.Names) == 0 {
			ir.params = append(ir.params, nil)
		}
		for _, n := range f.Names {
			var v *variable
			if n.Name != "_" {
				v = addVar(n)
				v.param, v.machine = true, true
			}
			ir.params = append(ir.params, v)
		}
	}
	if fd.Type.Results != nil {
		i := 0
		for _, f := range fd.Type.Results.List {
			for _, n := range f.Names {
				var v *variable
				if n.Name == "_" {
					v = ir.temp(fn.sig.Results().At(i).Type(), "result")
				} else {
					v = addVar(n)
					v.machine = true
				}
				ir.results = append(ir.results, v)
				i++
			}
		}
	}
	for obj, fv := range fn.values {
		if ir.valueTwin == nil {
			ir.valueTwin = map[types.Object]*variable{}
		}
		ir.valueTwin[obj] = &variable{typ: fv.typ, machine: true}
	}
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Ident:
			if v := addVar(n); v != nil && ir.valueTwin[v.obj] != nil && ir.valueTwin[v.obj].name == "" {
				c := ir.valueTwin[v.obj]
				c.name = ir.name(n.Name + "Async")
				ir.vars = append(ir.vars, c)
			}
		case *ast.TypeSwitchStmt:
			// A lowered type switch gives each clause's variable a
			// name of its own (go/types declares one per clause); a kept
			// one keeps the source's single name.
			if fn.hasSusp(n) {
				for _, c := range n.Body.List {
					if obj, ok := g.info.Implicits[c].(*types.Var); ok && obj.Name() != "_" {
						v := &variable{name: ir.name(obj.Name()), typ: obj.Type(), obj: obj}
						ir.objVar[obj] = v
						ir.vars = append(ir.vars, v)
					}
				}
			}
		}
		return true
	})
	return ir
}

// hasSusp reports whether n holds a suspension point of fn, or a defer
// statement (which the lowering takes apart like one).
func (fn *asyncFunc) hasSusp(n ast.Node) bool {
	in := func(m ast.Node) bool { return m.Pos() >= n.Pos() && m.End() <= n.End() }
	for call := range fn.susp {
		if in(call) {
			return true
		}
	}
	for _, fv := range fn.values {
		for _, a := range fv.assigns {
			if in(a) {
				return true
			}
		}
	}
	found := false
	ast.Inspect(n, func(m ast.Node) bool {
		switch m.(type) {
		case *ast.FuncLit:
			return false
		case *ast.DeferStmt:
			found = true
		}
		return !found
	})
	return found
}

// lower builds the graph of ir's body; false when it reported errors.
func (g *pkgGen) lower(ir *irFunc) bool {
	nerr := len(g.errs)
	fn := ir.fn
	l := &lowerer{irFunc: ir, susp: fn.susp}
	for c := range l.susp {
		l.spans = append(l.spans, c)
	}
	// A statement that stores into a func variable whose calls suspend is
	// lowered, so the store sets the companion too (assignFuncValue).
	for _, fv := range fn.values {
		l.spans = append(l.spans, fv.assigns...)
	}
	// A defer statement is lowered (it stores its values in the future),
	// and so is every statement that holds one.
	ast.Inspect(fn.decl.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.DeferStmt:
			l.spans = append(l.spans, n)
		}
		return true
	})
	sort.Slice(l.spans, func(i, j int) bool { return l.spans[i].Pos() < l.spans[j].Pos() })
	ast.Inspect(fn.decl.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.BranchStmt:
			if n.Tok == token.GOTO {
				if l.gotoTargets == nil {
					l.gotoTargets = map[string]bool{}
				}
				l.gotoTargets[n.Label.Name] = true
			}
		}
		return true
	})
	l.entry = l.newBlock()
	l.enter(l.entry)
	// A named result whose address is taken gets a cell of its own, like
	// any variable: a pointer into the future would be an interior one.
	for _, v := range l.results {
		if v.escapes && v.obj != nil {
			v.cell = true
			l.emit(&cellInstr{v: v})
		}
	}
	l.stmtList(fn.decl.Body.List)
	// Falling off the end returns, when the function has no results or
	// named ones. Otherwise Go guarantees a terminating statement (a panic,
	// an endless loop), so the end is unreachable.
	for _, b := range l.blocks {
		if b.term == nil {
			if fn.sig.Results().Len() > 0 && len(l.results) == 0 {
				b.term = &unreachableTerm{}
			} else {
				b.term = &returnTerm{}
			}
		}
	}
	return len(g.errs) == nerr
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

func (l *lowerer) emit(i instr) {
	i.setAt(l.pos)
	l.cur.stmts = append(l.cur.stmts, i)
	l.pos = 0 // one directive per source statement
}

// terminate ends the current block and continues in a fresh (unreachable
// unless jumped to) block.
func (l *lowerer) terminate(t terminator) {
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

func itoa(i int) string {
	return constant.MakeInt64(int64(i)).String()
}

func (ir *irFunc) temp(t types.Type, base string) *variable {
	if b, ok := t.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
		t = types.Default(t)
	}
	v := &variable{name: ir.name(base), typ: t, machine: true}
	ir.vars = append(ir.vars, v)
	return v
}

// ref is the value of v.
func ref(v *variable) ast.Expr { return &varRef{v: v} }

// cellPtr is the pointer of cell variable v.
func cellPtr(v *variable) ast.Expr { return &varRef{v: v, ptr: true} }

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
	// So does a variable whose type names a local type: a field holds it
	// as an interface, through which only a pointer can be written
	// (localtype.go).
	if v.escapes || (l.g.localIn(v.typ) != nil && !rawable(v.typ)) {
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
		l.declareVar(obj)
	}
}

// declareVar declares obj here and, for a cell, allocates the fresh cell.
func (l *lowerer) declareVar(obj types.Object) *variable {
	v := l.declare(obj)
	if v.cell {
		l.emit(&cellInstr{v: v})
	}
	return v
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
	return findOutside(e, func(n ast.Node) bool {
		c, ok := n.(*ast.CallExpr)
		return ok && l.isCall(c)
	}) != nil
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

// convert converts x to t, the predeclared string type (for helpers that
// take string while the value's type is a defined type with underlying
// string).
func (l *lowerer) convert(t types.Type, x ast.Expr) ast.Expr {
	if b, ok := t.(*types.Basic); ok && b.Kind() == types.String && l.g.shadowed["string"] {
		return reflectCall(x, "String")
	}
	return &ast.CallExpr{Fun: &typeRef{t: t}, Args: []ast.Expr{x}}
}

// reflectCall is reflect.ValueOf(x).method(): a map's iterator, and len or
// a string conversion where the package redeclares them.
func reflectCall(x ast.Expr, method string) ast.Expr {
	valueOf := &ast.CallExpr{Fun: &pkgRef{path: "reflect", name: "reflect", member: "ValueOf"}, Args: []ast.Expr{x}}
	return &ast.CallExpr{Fun: &ast.SelectorExpr{X: valueOf, Sel: ast.NewIdent(method)}}
}

// mapIterType is reflect.MapIter, the iterator of a lowered range over a
// map; only its name and package matter to the generated code.
var mapIterType = types.NewNamed(types.NewTypeName(token.NoPos, types.NewPackage("reflect", "reflect"), "MapIter", nil), types.NewStruct(nil, nil), nil)
