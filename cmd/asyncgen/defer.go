package main

// defer, panic and recover in async functions.
//
// A defer statement evaluates the deferred function (or the method's
// receiver) and its arguments where it runs, as Go does, into storage of the
// future: inline fields for a statement that runs at most once per call (it
// is on no cycle of the control-flow graph), else an element appended to a
// slice of its own. Such a statement stores no argument or receiver that is
// a variable never changed after its declaration (fixedVar): the deferred
// call reads the variable, which is then always a field (pinned). The order
// of the pending defers is a stack of statement numbers: an inline array
// when every defer statement runs at most once, else a slice. A deferred
// func literal is no value: its body becomes a method of the future that
// reads the variables it captures in place (deferMethodLits), so that the
// defer allocates nothing where Go's own would not.
//
// The pending defers run, innermost first and each exactly once, when the
// function returns (after the results are assigned, so a deferred closure
// sees and changes named results), when a panic or runtime.Goexit leaves
// Poll, and when the future is cancelled. For the panic, Poll defers the
// future's unwind method, which runs them while the panic is in flight: a
// deferred call that cannot recover runs as a plain call (the panic goes on
// untouched, with its value and its stack), and one that may call recover
// (a func literal or a function whose body calls recover, or a function
// value nothing is known of) runs as the deferred call of the same panic
// raised again (unwind recovers it and panics with the same value under the
// deferred call), so that its recover sees the panic exactly as in Go. If a
// deferred call recovers, the remaining ones run without a panic and Poll
// reports the future complete with its results. Poll defers the method of
// a deferred func literal that calls recover itself where it can
// (nativeSites), so that it needs no raise again: unwind then runs the
// defers between two such literals, Go's own unwinding the literals.
//
// A future with pending defers polls the frames it awaits itself (it does
// not drive them through the runtime's frame stack), so that its Poll is on
// the Go stack whenever code below it runs and a panic there unwinds through
// it.

import (
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strings"
)

// Kinds of deferred calls.
const (
	deferFunc    = iota // a function of a package: written again at the call
	deferMethod         // a method: its receiver is stored
	deferValue          // any other function value: stored
	deferBuiltin        // a builtin (close, delete, panic, print…)
	deferLit            // a func literal written as a method of the future (deferMethodLits)
)

// deferSite is one defer statement.
type deferSite struct {
	num      int           // its number in the pending stack (emission); -1 when unreachable
	call     *ast.CallExpr // the source call
	lowered  *ast.CallExpr // its operands, lowered
	kind     int
	fun      ast.Expr // deferFunc, deferBuiltin: the callee, written at the call
	method   string   // deferMethod: the method's name
	iface    bool     // deferMethod through an interface: a nil one panics at the defer
	vals     []deferVal
	args     []string // per argument of the call: the name of its value, or its literal text
	ellipsis bool
	cyclic   bool // on a cycle of the graph: its values go to a slice
	slice    string
	recov    bool // may call recover
	pos      token.Pos
	lit      *ast.FuncLit // deferLit: the literal
	meth     string       // deferLit: the method its body becomes
	loopLit  bool         // deferLit in a loop: its cells are stored
	fallsOff bool         // deferLit: its body ends by running off its end, never by return
	cells    int          // deferLit in a loop: vals[:cells] are the cells it uses
}

// deferVal is a value a defer statement stores: the function, the
// receiver or an argument.
type deferVal struct {
	short string // f, r, a0, a1…: the field of a cyclic site's slice element
	name  string // the field of the future (inline sites)
	typ   types.Type
	x     ast.Expr // the lowered expression
	// v is the variable the value is, when it may be read where the
	// deferred call runs instead of stored (fixedVar); direct says it is
	// (prepareDefers: a site on no cycle).
	v      *variable
	direct bool
}

// deferInstr runs a defer statement: it stores the site's values and pushes
// the site.
type deferInstr struct {
	srcPos
	site *deferSite
}

// deferNames are the future's members that defers add.
type deferNames struct {
	stk, n, unw, pan, res       string // pending stack and its depth; unwinding; panicking; kept output (unnamed results, when a deferred call may recover)
	out                         string // the local that holds unnamed results while the defers run, when none may recover
	poll, unwind, call, run, cx string // methods
	cancel, may, step           string
	rec, recd                   string       // drec: a native site's recover() reports to it, in drecd
	native                      []*deferSite // the sites Poll defers natively (nativeSites), by number
	inline                      bool         // every site runs at most once per call: stk is an array
}

// deferStmt lowers a defer statement.
func (l *lowerer) deferStmt(s *ast.DeferStmt) {
	info := l.g.info
	call := s.Call
	site := &deferSite{call: call, pos: s.Pos(), num: -1, ellipsis: call.Ellipsis.IsValid()}
	fun := ast.Unparen(call.Fun)
	base := fun
	switch b := fun.(type) {
	case *ast.IndexExpr:
		base = b.X
	case *ast.IndexListExpr:
		base = b.X
	}
	site.kind = deferValue
	switch b := ast.Unparen(base).(type) {
	case *ast.Ident:
		switch obj := info.Uses[b].(type) {
		case *types.Builtin:
			site.kind = deferBuiltin
		case *types.Func:
			if obj.Type().(*types.Signature).Recv() == nil {
				site.kind = deferFunc
			}
		}
	case *ast.SelectorExpr:
		if sel := info.Selections[b]; sel == nil {
			if f, ok := info.Uses[b.Sel].(*types.Func); ok && f.Type().(*types.Signature).Recv() == nil {
				site.kind = deferFunc
			}
		} else if sel.Kind() == types.MethodVal && len(sel.Index()) == 1 {
			site.kind = deferMethod
			site.method = b.Sel.Name
		}
	}
	if _, lit := fun.(*ast.FuncLit); lit {
		site.kind = deferValue
	}
	if site.kind == deferMethod && fun != base {
		site.kind = deferValue
	}
	if lit, ok := fun.(*ast.FuncLit); ok {
		if loop, ok := l.litDefers[lit]; ok {
			site.kind, site.lit, site.loopLit = deferLit, lit, loop != nil
			site.fallsOff = !l.terminating(lit.Body, "") && findOutside(lit.Body, func(n ast.Node) bool {
				_, ok := n.(*ast.ReturnStmt)
				return ok
			}) == nil
			l.litCaptures(site, site.loopLit)
		}
	}
	site.recov = l.g.mayRecover(call, site.kind)
	c := l.callOperands(call)
	if len(c.Args) == 1 && isTuple(l.typeOf(c.Args[0])) {
		// defer f(g()): g's results are stored one by one.
		c.Args = l.tuple(ast.Unparen(c.Args[0]).(*ast.CallExpr))
	}
	site.lowered = c
	lf := ast.Unparen(c.Fun)
	switch site.kind {
	case deferFunc, deferBuiltin:
		site.fun = lf
	case deferLit:
	case deferMethod:
		sel := info.Selections[ast.Unparen(base).(*ast.SelectorExpr)]
		x := lf.(*ast.SelectorExpr).X
		xt := info.TypeOf(ast.Unparen(base).(*ast.SelectorExpr).X)
		_, xptr := xt.Underlying().(*types.Pointer)
		_, mptr := sel.Obj().Type().(*types.Signature).Recv().Type().(*types.Pointer)
		var r ast.Expr = x
		rt := xt
		switch {
		case types.IsInterface(xt):
			site.iface = true
		case mptr && !xptr:
			r, rt = &ast.UnaryExpr{Op: token.AND, X: x}, types.NewPointer(xt)
		case !mptr && xptr:
			r, rt = &ast.StarExpr{X: x}, xt.Underlying().(*types.Pointer).Elem()
		}
		var fv *variable
		if r == x && !site.iface {
			fv = l.fixedVar(ast.Unparen(base).(*ast.SelectorExpr).X, x)
		}
		site.vals = append(site.vals, deferVal{short: "r", typ: rt, x: r, v: fv})
	default:
		site.vals = append(site.vals, deferVal{short: "f", typ: info.TypeOf(call.Fun), x: lf})
	}
	sig, _ := info.TypeOf(call.Fun).Underlying().(*types.Signature)
	for i, a := range c.Args {
		if bl, ok := a.(*ast.BasicLit); ok {
			site.args = append(site.args, "\x00"+bl.Value)
			continue
		}
		t := types.Default(info.TypeOf(a))
		if t == nil || (sig == nil && site.kind != deferBuiltin) {
			t = types.Default(l.typeOf(a))
		}
		if sig != nil {
			np := sig.Params().Len()
			switch {
			case sig.Variadic() && i >= np-1 && !site.ellipsis:
				t = sig.Params().At(np - 1).Type().(*types.Slice).Elem()
			case i < np:
				t = sig.Params().At(i).Type()
			}
		}
		if tv, ok := info.Types[a]; ok && tv.IsNil() {
			// An untyped nil argument takes its parameter's type.
			if sig == nil {
				l.g.errorf(a.Pos(), "a nil argument of a deferred builtin is not supported")
			}
		}
		name := "a" + itoa(len(site.vals))
		var fv *variable
		if i < len(call.Args) && !(len(call.Args) == 1 && len(c.Args) != 1) {
			fv = l.fixedVar(call.Args[i], a)
		}
		site.vals = append(site.vals, deferVal{short: name, typ: types.Default(t), x: a, v: fv})
		site.args = append(site.args, name)
	}
	l.defers = append(l.defers, site)
	d := &deferInstr{site: site}
	l.emit(d)
	d.setAt(s.Pos()) // a panic storing the values (a nil receiver) names the statement
}

// deferMethodLits are the deferred func literals of the function's body
// (outside its func literals) that become methods of the future, each
// mapped to the outermost for or range statement around its defer (nil for
// none). The method's body reads and writes the variables the literal
// uses where they live: the future's fields, or cells.
//
// A statement in no loop runs at most once per call: a variable the
// literal uses is declared before it and never declared again while the
// defer is pending, so its field is the variable the literal captured
// (pinned: never shared, moved out or cleared), and the defer needs no
// closure and no cell. In a loop, a variable declared inside the
// outermost loop may be a new one by the time the deferred call runs (per
// iteration, Go 1.22): it gets a cell (escapes) whose pointer the
// statement stores with its arguments, where the closure would have
// captured it, so the defer costs that cell and no closure, as Go's own
// defer of a closure in a loop allocates the closure. The syntax decides,
// since escape analysis runs before the graph exists: the ways back to a
// statement are the loops around it and a goto to a label before it
// (wherever the goto stands: one before the statement may still lead back
// round); a literal behind such a label stays a closure, and so does one that
// names a local type of the function (namesOuterLocal).
func (ir *irFunc) deferMethodLits() map[*ast.FuncLit]ast.Node {
	body := ir.fn.decl.Body
	labels := map[string]token.Pos{}
	var gotos []*ast.BranchStmt
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.LabeledStmt:
			labels[n.Label.Name] = n.Pos()
		case *ast.BranchStmt:
			if n.Tok == token.GOTO && n.Label != nil {
				gotos = append(gotos, n)
			}
		}
		return true
	})
	var out map[*ast.FuncLit]ast.Node
	var loops, stack []ast.Node
	ast.Inspect(body, func(n ast.Node) bool {
		if n == nil {
			switch stack[len(stack)-1].(type) {
			case *ast.ForStmt, *ast.RangeStmt:
				loops = loops[:len(loops)-1]
			}
			stack = stack[:len(stack)-1]
			return true
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ForStmt, *ast.RangeStmt:
			loops = append(loops, n)
		case *ast.DeferStmt:
			lit, ok := ast.Unparen(n.Call.Fun).(*ast.FuncLit)
			if !ok || ir.g.namesOuterLocal(lit) {
				break
			}
			for _, g := range gotos {
				// Any goto to a label before the statement, wherever the
				// goto stands: one before it can still lead back round
				// (through a loop the goto region forms with code after
				// the label), and the graph that would tell is built later.
				if at, ok := labels[g.Label.Name]; ok && at < n.Pos() {
					return false
				}
			}
			if out == nil {
				out = map[*ast.FuncLit]ast.Node{}
			}
			out[lit] = nil
			if len(loops) > 0 {
				out[lit] = loops[0]
			}
		}
		stack = append(stack, n)
		return true
	})
	return out
}

// namesOuterLocal reports whether lit's body has a value or names a type
// of a local type of the function declared outside lit: Poll declares
// those (localtype.go), and a method of the future could not name them,
// so such a literal stays a closure made in Poll.
func (g *pkgGen) namesOuterLocal(lit *ast.FuncLit) bool {
	outside := func(o *types.TypeName) bool { return !inside(o.Pos(), lit) }
	found := false
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		if e, ok := n.(ast.Expr); ok && !found {
			if t := g.info.TypeOf(e); t != nil && g.localIn(t, outside) != nil {
				found = true
			}
		}
		return !found
	})
	return found
}

// litVars calls f with each variable of the function that lit uses
// (its nested func literals included), once.
func (ir *irFunc) litVars(lit *ast.FuncLit, f func(*ast.Ident, *variable)) {
	seen := map[*variable]bool{}
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		obj, ok := ir.g.info.Uses[id].(*types.Var)
		if !ok || (obj.Pos() >= lit.Pos() && obj.Pos() < lit.End()) {
			return true
		}
		if v := ir.objVar[obj]; v != nil && !seen[v] {
			seen[v] = true
			f(id, v)
		}
		return true
	})
}

// litCaptures sets up a deferred literal written as a method: in a loop,
// the cells it uses become stored values of the statement (the method's
// first parameters, named as a closure binds them); every other variable
// it uses is pinned, read in its field wherever the deferred call runs.
func (l *lowerer) litCaptures(site *deferSite, loop bool) {
	l.litVars(site.lit, func(id *ast.Ident, v *variable) {
		switch {
		case !v.machine:
			l.g.errorf(id.Pos(), "internal error: deferred func literal uses %s, a variable of kept code", id.Name)
		case loop && v.cell:
			site.vals = append(site.vals, deferVal{short: v.bind, typ: types.NewPointer(v.typ), x: cellPtr(v)})
			site.cells++
		default:
			v.pinned = true
		}
	})
}

// fixedVar is the variable src (a source argument or receiver of a deferred
// call, lowered to x) names when it can never change after its declaration,
// so that the deferred call may read it where it runs instead of a copy
// stored at the defer: a parameter or local of the function, not a result,
// never assigned (wholly or in part), incremented or decremented, never a
// range variable, its address never taken and never mentioned inside a func
// literal. Nil otherwise.
func (l *lowerer) fixedVar(src, x ast.Expr) *variable {
	info := l.g.info
	id, ok := ast.Unparen(src).(*ast.Ident)
	if !ok {
		return nil
	}
	obj, ok := info.Uses[id].(*types.Var)
	if !ok {
		return nil
	}
	v := l.objVar[obj]
	if v == nil || !v.machine || v.escapes || v.cell || l.isResult(v) {
		return nil
	}
	switch x := ast.Unparen(x).(type) {
	case *ast.Ident:
		if info.Uses[x] != obj {
			return nil
		}
	case *varRef:
		if x.v != v || x.ptr {
			return nil
		}
	default:
		return nil
	}
	if l.changing == nil {
		l.changing = l.changingVars()
	}
	if l.changing[obj] {
		return nil
	}
	return v
}

// changingVars are the variables of the function's body that may change
// after their declaration, or that fixedVar leaves alone: those assigned,
// incremented or decremented (wholly or in part), range variables, and
// those mentioned inside a func literal or whose address is taken.
func (ir *irFunc) changingVars() map[types.Object]bool {
	info := ir.g.info
	m := map[types.Object]bool{}
	root := func(e ast.Expr) {
		for {
			switch x := ast.Unparen(e).(type) {
			case *ast.Ident:
				if o := info.Uses[x]; o != nil {
					m[o] = true
				}
				if o := info.Defs[x]; o != nil {
					m[o] = true
				}
				return
			case *ast.SelectorExpr:
				e = x.X
			case *ast.IndexExpr:
				e = x.X
			case *ast.IndexListExpr:
				e = x.X
			case *ast.StarExpr:
				e = x.X
			case *ast.SliceExpr:
				e = x.X
			default:
				return
			}
		}
	}
	ast.Inspect(ir.fn.decl.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, e := range n.Lhs {
				if n.Tok == token.DEFINE {
					// := redeclaring a variable assigns it.
					if id, ok := e.(*ast.Ident); ok && info.Defs[id] == nil {
						root(e)
					}
					continue
				}
				root(e)
			}
		case *ast.IncDecStmt:
			root(n.X)
		case *ast.RangeStmt:
			if n.Key != nil {
				root(n.Key)
			}
			if n.Value != nil {
				root(n.Value)
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				root(n.X)
			}
		case *ast.FuncLit:
			ast.Inspect(n.Body, func(k ast.Node) bool {
				if id, ok := k.(*ast.Ident); ok {
					if o := info.Uses[id]; o != nil {
						m[o] = true
					}
				}
				return true
			})
			return false
		}
		return true
	})
	return m
}

// defersMayRecover reports whether a deferred call of the function may
// recover (mayRecover): then its future does not let the driver bypass it
// while a defer is pending (emit.go's await).
func (ir *irFunc) defersMayRecover() bool {
	return slices.ContainsFunc(ir.dsites, func(s *deferSite) bool { return s.recov })
}

// mayRecover reports whether the deferred call may call recover itself (Go
// lets only a deferred function that calls recover directly stop a panic):
// a func literal or a function whose body calls recover; a function value
// or an interface method, whose body is unknown. Builtins never do
// (defer recover() does not stop a panic).
func (g *pkgGen) mayRecover(call *ast.CallExpr, kind int) bool {
	fun := ast.Unparen(call.Fun)
	if lit, ok := fun.(*ast.FuncLit); ok {
		return callsRecover(lit.Body)
	}
	switch kind {
	case deferBuiltin:
		return false
	case deferFunc, deferMethod:
		f, _ := g.callee(call)
		if f == nil {
			return true
		}
		if sig := f.Type().(*types.Signature); sig.Recv() != nil && types.IsInterface(sig.Recv().Type()) {
			return true
		}
		return g.bodyRecovers(f.Origin())
	}
	return true
}

// callsRecover reports whether body calls recover (or anything so named)
// outside its func literals.
func callsRecover(body *ast.BlockStmt) bool {
	return findOutside(body, func(n ast.Node) bool {
		c, ok := n.(*ast.CallExpr)
		if !ok {
			return false
		}
		id, ok := ast.Unparen(c.Fun).(*ast.Ident)
		return ok && id.Name == "recover"
	}) != nil
}

// defersRecover reports whether body holds defer recover() outside its
// func literals.
func (g *pkgGen) defersRecover(body *ast.BlockStmt) bool {
	return findOutside(body, func(n ast.Node) bool {
		ds, ok := n.(*ast.DeferStmt)
		return ok && isBuiltin(g.info, ds.Call.Fun, "recover")
	}) != nil
}

// bodyRecovers reports whether the declaration of f calls recover: its
// source file is parsed (once) to see. True when it cannot be found.
func (g *pkgGen) bodyRecovers(f *types.Func) bool {
	if r, ok := g.recovers[f]; ok {
		return r
	}
	r := true
	pos := g.fset.Position(f.Pos())
	// Export data names the standard library's files from $GOROOT.
	if rest, ok := strings.CutPrefix(pos.Filename, "$GOROOT"); ok {
		pos.Filename = filepath.Join(build.Default.GOROOT, rest)
	}
	if pos.Filename != "" {
		if g.parsed == nil {
			g.parsed = map[string]*ast.File{}
		}
		file, ok := g.parsed[pos.Filename]
		if !ok {
			file, _ = parser.ParseFile(token.NewFileSet(), pos.Filename, nil, parser.SkipObjectResolution)
			g.parsed[pos.Filename] = file
		}
		if file != nil {
			for _, d := range file.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok || fd.Name.Name != f.Name() || (fd.Recv == nil) != (f.Type().(*types.Signature).Recv() == nil) {
					continue
				}
				if fd.Recv != nil && !sameRecv(fd.Recv, f) {
					continue
				}
				r = fd.Body == nil || callsRecover(fd.Body)
				break
			}
		}
	}
	if g.recovers == nil {
		g.recovers = map[*types.Func]bool{}
	}
	g.recovers[f] = r
	return r
}

// sameRecv reports whether a parsed receiver names f's receiver type.
func sameRecv(recv *ast.FieldList, f *types.Func) bool {
	if len(recv.List) != 1 {
		return false
	}
	t := recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	switch x := t.(type) {
	case *ast.IndexExpr:
		t = x.X
	case *ast.IndexListExpr:
		t = x.X
	}
	id, ok := t.(*ast.Ident)
	if !ok {
		return false
	}
	rt := f.Type().(*types.Signature).Recv().Type()
	if p, ok := rt.(*types.Pointer); ok {
		rt = p.Elem()
	}
	n, ok := types.Unalias(rt).(*types.Named)
	return ok && n.Obj().Name() == id.Name
}

// prepareDefers numbers the reachable defer statements, finds those on a
// cycle and names the storage. After number (ir.reach).
func (ir *irFunc) prepareDefers() bool {
	if len(ir.defers) == 0 {
		return true
	}
	var sites []*deferSite
	blockOf := map[*deferSite]*block{}
	for _, b := range ir.reach {
		for _, s := range b.stmts {
			if d, ok := s.(*deferInstr); ok {
				d.site.num = len(sites)
				sites = append(sites, d.site)
				blockOf[d.site] = b
			}
		}
	}
	if len(sites) > 255 {
		ir.g.errorf(ir.fn.decl.Pos(), "async function %s has more than 255 defer statements; move some into a plain function", ir.fn.decl.Name.Name)
		return false
	}
	dn := &deferNames{inline: true}
	ir.dnames = dn
	ir.dsites = sites
	for _, s := range sites {
		if reaches(blockOf[s]) {
			dn.inline = false
			// A statement that stores nothing needs no slice: its number
			// on the pending stack says it all.
			s.cyclic = len(s.vals) > 0
		}
	}
	// A site on no cycle runs at most once per call, after the declarations
	// of the variables it names, none of which changes afterwards: its
	// deferred call reads them where it runs. They stay fields, never
	// cleared, moved out or shared (pinned), for the pending defer may run
	// at any suspension point, return, panic or cancellation after it.
	for _, s := range sites {
		if s.cyclic {
			continue
		}
		for i := range s.vals {
			if v := s.vals[i].v; v != nil {
				s.vals[i].direct = true
				v.pinned = true
			}
		}
	}
	for _, s := range sites {
		if s.kind == deferLit {
			if !s.loopLit && reaches(blockOf[s]) {
				ir.g.errorf(s.pos, "internal error: deferred func literal on a cycle written as a method")
				return false
			}
			s.meth = ir.name("d" + itoa(s.num) + "fn")
		}
		if s.cyclic {
			s.slice = ir.name("dq" + itoa(s.num))
			for i := range s.vals {
				s.vals[i].name = s.vals[i].short
			}
			continue
		}
		for i := range s.vals {
			s.vals[i].name = ir.name("d" + itoa(s.num) + s.vals[i].short)
		}
	}
	dn.stk, dn.n, dn.unw, dn.pan = ir.name("dstk"), ir.name("dn"), ir.name("dunw"), ir.name("dpanic")
	if ir.fn.sig.Results().Len() > 0 && len(ir.results) == 0 {
		// Unnamed results are kept in a field only for a deferred call that
		// recovers, after which unwind returns them; with none that may, a
		// return holds them in a local of Poll while the defers run.
		if slices.ContainsFunc(sites, func(s *deferSite) bool { return s.recov }) {
			dn.res = ir.name("dres")
		} else {
			dn.out = ir.name("dout")
		}
	}
	dn.poll, dn.unwind, dn.call, dn.run, dn.cancel = ir.name("poll"), ir.name("unwind"), ir.name("dcall"), ir.name("drun"), ir.name("dcancel")
	dn.may, dn.step = ir.name("dmay"), ir.name("dstep")
	ir.nativeSites(blockOf)
	return true
}

// nativeSites picks the deferred func literals that call recover and that
// Poll defers itself, so that a panic leaving Poll runs them as its own
// deferred calls: their recover stops the panic as Go's does, and a panic
// they do not stop goes on as it was, not recovered and raised again
// (which Go would print as "[recovered, repanicked]"). Poll defers them
// where they stand among unwind's runs of the other pending defers, which
// needs a fixed order: every statement runs at most once per call, and
// none reaches one numbered before it (so the pending stack is always in
// number order). A site without arguments (nothing stored, no constant to
// pass), three at most
// (with unwind's runs, Go's open-coded defers stop at eight). Not a literal
// that defers recover itself (defer recover(), which stops the panic when
// the literal returns): what that recover returns cannot be seen, so such a
// literal runs as the deferred call of the panic raised again, whose normal
// return shows that it stopped the panic.
func (ir *irFunc) nativeSites(blockOf map[*deferSite]*block) {
	dn := ir.dnames
	if !dn.inline {
		return
	}
	for i, a := range ir.dsites {
		r := reachable(blockOf[a])
		for _, b := range ir.dsites[:i] {
			if r[blockOf[b]] {
				return
			}
		}
	}
	for _, s := range ir.dsites {
		if s.kind == deferLit && s.recov && s.fallsOff && len(s.vals) == 0 && len(s.args) == 0 && len(dn.native) < 3 && !ir.g.defersRecover(ast.Unparen(s.call.Fun).(*ast.FuncLit).Body) {
			dn.native = append(dn.native, s)
		}
	}
	if len(dn.native) > 0 {
		dn.rec, dn.recd = ir.name("drec"), ir.name("drecd")
	}
}

// reachable is the set of blocks reachable from b in one step or more.
func reachable(b *block) map[*block]bool {
	seen := map[*block]bool{}
	stack := successors(b)
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !seen[x] {
			seen[x] = true
			stack = append(stack, successors(x)...)
		}
	}
	return seen
}

// isBuiltin reports whether fun names the builtin function name.
func isBuiltin(info *types.Info, fun ast.Expr, name string) bool {
	id, ok := ast.Unparen(fun).(*ast.Ident)
	if !ok {
		return false
	}
	b, ok := info.Uses[id].(*types.Builtin)
	return ok && b.Name() == name
}

// reaches reports whether b can reach itself.
func reaches(b *block) bool { return reachable(b)[b] }

// pending is the condition "some defer is pending".
func (ir *irFunc) pending() string {
	dn := ir.dnames
	if dn.inline {
		return ir.nFut + "." + dn.n + " != 0"
	}
	return "len(" + ir.nFut + "." + dn.stk + ") != 0"
}

// printDefer writes a defer statement: its values stored, its number pushed.
func (ir *irFunc) printDefer(d *deferInstr) code {
	w := newWriter(ir.g)
	s := d.site
	f := ir.nFut
	if s.cyclic {
		w.put(f, ".", s.slice, " = append(", f, ".", s.slice, ", ", ir.deferElem(s), "{")
		for i, v := range s.vals {
			if i > 0 {
				w.put(", ")
			}
			w.put(v.name, ": ", ir.printIn(v.x, d))
		}
		w.put("})\n")
	} else {
		for _, v := range s.vals {
			if !v.direct {
				w.put(f, ".", v.name, " = ", ir.printIn(v.x, d), "\n")
			}
		}
	}
	if s.iface {
		// Evaluating the method value of a nil interface panics here, at
		// the defer statement.
		w.put(ir.directive(d.at()), "_ = ", ir.storedRecv(s), ".", s.method, "\n")
	}
	dn := ir.dnames
	w.put(resetMark)
	if dn.inline {
		w.put(f, ".", dn.stk, "[", f, ".", dn.n, "] = ", s.num, "\n", f, ".", dn.n, "++")
	} else {
		w.put(f, ".", dn.stk, " = append(", f, ".", dn.stk, ", ", s.num, ")")
	}
	return w.code
}

// deferElem is the type of a cyclic site's slice element.
func (ir *irFunc) deferElem(s *deferSite) types.Type {
	var fields []*types.Var
	for _, v := range s.vals {
		fields = append(fields, types.NewField(token.NoPos, nil, v.name, v.typ, false))
	}
	return types.NewStruct(fields, nil)
}

// storedRecv is where s's receiver was stored, right after the store.
func (ir *irFunc) storedRecv(s *deferSite) string {
	if s.cyclic {
		return ir.nFut + "." + s.slice + "[len(" + ir.nFut + "." + s.slice + ")-1].r"
	}
	return ir.nFut + "." + s.vals[0].name
}

// outputCode writes the future's output as the function returns it: the
// named results, or the kept output.
func (e *emitter) outputCode() {
	ir := e.ir
	var vals []code
	if ir.dnames.res != "" {
		vals = append(vals, code{buf: []byte(e.fut + "." + ir.dnames.res)})
	}
	for _, v := range ir.results {
		vals = append(vals, code{buf: []byte(ir.access(v))})
	}
	ir.writeOutput(e.w, vals)
}

// deferFields declares the future's fields for defers.
func (e *emitter) deferFields(field func(name string, t types.Type)) {
	ir := e.ir
	dn := ir.dnames
	if dn == nil {
		return
	}
	u8 := types.Typ[types.Uint8]
	if dn.inline {
		field(dn.stk, types.NewArray(u8, int64(len(ir.dsites))))
		field(dn.n, u8)
	} else {
		field(dn.stk, types.NewSlice(u8))
	}
	field(dn.unw, types.Typ[types.Bool])
	field(dn.pan, types.Typ[types.Bool])
	if dn.recd != "" {
		field(dn.recd, types.Typ[types.Bool])
	}
	if dn.res != "" {
		field(dn.res, ir.out)
	}
	for _, s := range ir.dsites {
		if s.cyclic {
			field(s.slice, types.NewSlice(ir.deferElem(s)))
			continue
		}
		for _, v := range s.vals {
			if !v.direct {
				field(v.name, v.typ)
			}
		}
	}
}

// deferMethods writes Poll (around the state machine's poll), unwind,
// dcall, drun and dcancel.
func (e *emitter) deferMethods() {
	g, ir, p, f := e.g, e.ir, e.p, e.fut
	dn := ir.dnames
	cx := ir.nCx
	pend := ir.pending()
	for _, n := range []string{"bool", "nil", "recover", "panic", "len", "append", "any", "uint8"} {
		g.needUniverse(n)
	}
	nv, nd, nok := ir.name("v"), ir.name("done"), ir.name("ok")
	np, npan, nre := ir.name("p"), ir.name("pan"), ir.name("re")
	// Poll.
	p("// Poll advances ", e.display, " to its next suspension point; see rt.Future.\n")
	p("// A panic or runtime.Goexit that leaves the poll runs the pending defers.\n")
	p("func (", f, " *", e.self(), ") Poll(", cx, " *")
	e.rt("Context")
	p(") (", nv, " ", ir.out, ", ", nd, " bool) {\n", nok, " := ", g.univ("false"), "\n")
	// With native sites, unwind runs the pending defers numbered from
	// its last argument on, each native site itself between two runs.
	from := ""
	if len(dn.native) > 0 {
		from = ", 0"
	}
	p("defer ", f, ".", dn.unwind, "(&", nv, ", &", nd, ", &", nok, from, ")\n")
	for _, s := range dn.native {
		p("defer ", f, ".", s.meth, "(&", nok, ")\n")
		p("defer ", f, ".", dn.unwind, "(&", nv, ", &", nd, ", &", nok, ", ", s.num+1, ")\n")
	}
	p(nv, ", ", nd, " = ", f, ".", dn.poll, "(", cx, ")\n", nok, " = ", g.univ("true"), "\nreturn ", nv, ", ", nd, "\n}\n\n")

	// unwind.
	p("// ", dn.unwind, " runs the pending defers when a panic or runtime.Goexit leaves Poll\n")
	p("// (or a deferred call: ", dn.step, "), innermost first, each once. A deferred call that\n")
	p("// may recover runs as the deferred call of the panic raised again with its\n")
	p("// value; once one recovers, the rest run without a panic and Poll reports\n")
	p("// the future complete.\n")
	nfrom, fromArg := "", ""
	if len(dn.native) > 0 {
		nfrom = ir.name("from")
		fromArg = ", " + nfrom
		p("// It runs those numbered from on: Poll defers the sites that call recover\n")
		p("// itself, between runs of unwind (see ", dn.rec, ").\n")
		p("func (", f, " *", e.self(), ") ", dn.unwind, "(", nv, " *", ir.out, ", ", nd, " *bool, ", nok, " *bool, ", nfrom, " uint8) {\n")
	} else {
		p("func (", f, " *", e.self(), ") ", dn.unwind, "(", nv, " *", ir.out, ", ", nd, " *bool, ", nok, " *bool) {\n")
	}
	p("if *", nok, " {\nreturn\n}\n")
	p("if !", f, ".", dn.unw, " {\n", f, ".", dn.unw, ", ", f, ".", dn.pan, ", ", f, ".", ir.nState, " = ", g.univ("true"), ", ", g.univ("true"), ", -1\n}\n")
	if nfrom != "" {
		p("for ", pend, " && ", e.deferTop(), " >= ", nfrom, " {\n")
	} else {
		p("for ", pend, " {\n")
	}
	anyRecov := false
	for _, s := range ir.dsites {
		anyRecov = anyRecov || s.recov
	}
	if anyRecov {
		p("if ", f, ".", dn.pan, " && ", f, ".", dn.may, "() {\n")
		p("if ", np, " := recover(); ", np, " != nil {\n")
		p("if ", f, ".", dn.step, "(", nv, ", ", nd, ", ", np, ", ", g.univ("true"), fromArg, ") {\n", f, ".", dn.pan, " = ", g.univ("false"), "\n}\ncontinue\n}\n}\n")
	}
	p(npan, " := ", f, ".", dn.pan, "\n", f, ".", dn.pan, " = ", g.univ("true"), "\n")
	p("if ", f, ".", dn.step, "(", nv, ", ", nd, ", nil, ", g.univ("false"), fromArg, ") {\n", f, ".", dn.pan, " = ", npan, "\n}\n}\n")
	// Without a deferred call that may recover, the panic always goes on.
	if anyRecov {
		p("if !", f, ".", dn.pan, " {\n")
		p("// A deferred call recovered: the panic that ran this call, if any, is\n// over too (a later one replaced it), and the function returns normally.\n")
		p("recover()\n*", nv, ", *", nd, " = ")
		e.outputCode()
		p(", ", g.univ("true"), "\n}\n")
	}
	p("}\n\n")

	// dstep.
	p("// ", dn.step, " calls the innermost pending defer (see ", dn.call, "); if the call\n")
	p("// panics, the rest run under that panic. It reports whether the call returned.\n")
	if nfrom != "" {
		p("func (", f, " *", e.self(), ") ", dn.step, "(", nv, " *", ir.out, ", ", nd, " *bool, ", np, " any, ", nre, " bool, ", nfrom, " uint8) bool {\n")
	} else {
		p("func (", f, " *", e.self(), ") ", dn.step, "(", nv, " *", ir.out, ", ", nd, " *bool, ", np, " any, ", nre, " bool) bool {\n")
	}
	p(nok, " := ", g.univ("false"), "\ndefer ", f, ".", dn.unwind, "(", nv, ", ", nd, ", &", nok, fromArg, ")\n")
	p(f, ".", dn.call, "(", np, ", ", nre, ")\n", nok, " = ", g.univ("true"), "\nreturn ", g.univ("true"), "\n}\n\n")

	// drec.
	if dn.rec != "" {
		p("// ", dn.rec, " is what recover() returned in a deferred call that Poll defers\n")
		p("// itself: once the call returns, a panic it stopped is over (the call\n")
		p("// sets ", dn.pan, " from ", dn.recd, "), and Poll reports the future complete.\n")
		p("func (", f, " *", e.self(), ") ", dn.rec, "(", np, " any) any {\nif ", np, " != nil {\n", f, ".", dn.recd, " = ", g.univ("true"), "\n}\nreturn ", np, "\n}\n\n")
	}

	// dmay.
	if anyRecov {
		p("// ", dn.may, " reports whether the innermost pending deferred call may recover.\n")
		p("func (", f, " *", e.self(), ") ", dn.may, "() bool {\nswitch ", e.deferTop(), " {\ncase ")
		first := true
		for _, s := range ir.dsites {
			if s.recov {
				if !first {
					p(", ")
				}
				first = false
				p(s.num)
			}
		}
		p(":\nreturn ", g.univ("true"), "\n}\nreturn ", g.univ("false"), "\n}\n\n")
	}

	// dcall.
	p("// ", dn.call, " pops the innermost pending defer and calls it; with re, as the\n")
	p("// deferred call of a panic with value p.\n")
	p("func (", f, " *", e.self(), ") ", dn.call, "(", np, " any, ", nre, " bool) {\n")
	nk := ir.name("k")
	if dn.inline {
		p(f, ".", dn.n, "--\n", nk, " := ", f, ".", dn.stk, "[", f, ".", dn.n, "]\n")
	} else {
		nn := ir.name("n")
		p(nn, " := len(", f, ".", dn.stk, ") - 1\n", nk, " := ", f, ".", dn.stk, "[", nn, "]\n", f, ".", dn.stk, " = ", f, ".", dn.stk, "[:", nn, "]\n")
	}
	p("switch ", nk, " {\n")
	for _, s := range ir.dsites {
		p("case ", s.num, ":\n")
		locals := map[string]string{}
		if s.cyclic {
			ne, nl := ir.name("e"), ir.name("n")
			p(nl, " := len(", f, ".", s.slice, ") - 1\n", ne, " := ", f, ".", s.slice, "[", nl, "]\n")
			p(f, ".", s.slice, "[", nl, "] = ", ir.deferElem(s), "{}\n", f, ".", s.slice, " = ", f, ".", s.slice, "[:", nl, "]\n")
			for _, v := range s.vals {
				locals[v.short] = ne + "." + v.name
			}
		} else {
			for _, v := range s.vals {
				if v.direct {
					locals[v.short] = ir.access(v.v)
					continue
				}
				l := ir.name("x")
				locals[v.short] = l
				p(l, " := ", f, ".", v.name, "\n", f, ".", v.name, " = ")
				e.w.zero(v.typ)
				p("\n")
			}
		}
		callc := e.deferCall(s, locals)
		p("if ", nre, " {\ndefer ", callc, "\n")
		p("panic(", np, ")")
		p("\n}\n", callc, "\n")
	}
	p("}\n}\n\n")

	// The deferred literals' bodies.
	for _, s := range ir.dsites {
		if s.kind == deferLit {
			e.litMethod(s)
		}
	}

	// drun.
	p("// ", dn.run, " runs the pending defers as the function returns.\n")
	p("func (", f, " *", e.self(), ") ", dn.run, "() {\nfor ", pend, " {\n", f, ".", dn.call, "(", "nil", ", ", g.univ("false"), ")\n}\n}\n\n")

	// dcancel.
	p("// ", dn.cancel, " runs the pending defers when the future is cancelled: each once,\n// the rest also when one panics.\n")
	p("func (", f, " *", e.self(), ") ", dn.cancel, "() {\n", nok, " := ", g.univ("false"), "\n")
	p("defer func() {\nif !", nok, " && ", pend, " {\n", f, ".", dn.cancel, "()\n}\n}()\n")
	p(f, ".", dn.run, "()\n", nok, " = ", g.univ("true"), "\n}\n\n")
}

// litMethod writes the method a deferred func literal becomes. In a loop,
// its first parameters are the cells it uses, which its body reads as a
// closure's would (bound: the printer's func literal mode).
func (e *emitter) litMethod(s *deferSite) {
	g, ir, p := e.g, e.ir, e.p
	pos := g.fset.Position(s.pos)
	p("// ", s.meth, " is the func literal deferred at ", filepath.Base(pos.Filename), ":", pos.Line, ", its captured\n")
	if s.loopLit {
		p("// variables the future's, or the cells the defer statement stored.\n")
	} else {
		p("// variables the future's.\n")
	}
	native := slices.Contains(ir.dnames.native, s)
	p("func (", e.fut, " *", e.self(), ") ", s.meth)
	lp := ir.printer(nil)
	lp.method = true
	if s.loopLit {
		lp.lit = 1
	}
	ng, npan := ir.name("g"), ir.name("pan")
	body := lp.sub(func() {
		lp.tok("{")
		if native {
			// Deferred by Poll: it runs only with a panic (or Goexit)
			// leaving Poll, when its statement is the innermost pending,
			// and a panic out of it goes on as the one in flight.
			dn, f := ir.dnames, ir.nFut
			lp.w.text("\n" + npan + " := " + g.univ("false") + "\nif " + ng + " != " + g.univ("nil") + " {\nif *" + ng + " || " + f + "." + dn.n + " == 0 || " + e.deferTop() + " != " + itoa(s.num) + " {\nreturn\n}\n" +
				f + "." + dn.n + "--\n" + npan + ", " + f + "." + dn.pan + ", " + f + "." + dn.recd + " = " + f + "." + dn.pan + ", " + g.univ("true") + ", " + g.univ("false") + "\n}")
			lp.drec, lp.drecLit = dn.rec, lp.lit
		}
		if cs := ir.litConsts(s.lit); len(cs) > 0 {
			// The function's constants are Poll's: the method declares
			// those it uses again.
			lp.w.text("\n")
			lp.add(ir.constDecl(cs))
		}
		lp.stmtList(s.lit.Body.List)
		if native {
			// It returned: the panic goes on unless it recovered it.
			dn, f := ir.dnames, ir.nFut
			lp.w.text("\n" + resetMark + "if " + ng + " != " + g.univ("nil") + " {\n" + f + "." + dn.pan + " = " + npan + " && !" + f + "." + dn.recd + "\n}")
		}
		// What follows is the generator's code again.
		lp.w.text("\n" + resetMark + "}")
	})
	p("(")
	if native {
		p(ng, " *bool, ")
	}
	for _, v := range s.vals[:s.cells] {
		p(v.short, " ", v.typ, ", ")
	}
	p(lp.sub(func() {
		lp.params(s.lit.Type.Params, "", ")")
		if r := s.lit.Type.Results; r != nil && len(r.List) > 0 {
			lp.tok(" ")
			lp.params(r, "(", ")")
		}
	}), " ", body, "\n\n")
	for v := range lp.binds {
		if !slices.ContainsFunc(s.vals[:s.cells], func(d deferVal) bool { return d.short == v.bind }) {
			g.errorf(s.pos, "internal error: deferred func literal binds %s, which its defer did not store", v.name)
		}
	}
}

// litConsts are the function's local constants that lit uses, in order of
// first use.
func (ir *irFunc) litConsts(lit *ast.FuncLit) []*types.Const {
	var out []*types.Const
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			c, ok := ir.g.info.Uses[id].(*types.Const)
			if ok && ir.objVar[c] != nil && (c.Pos() < lit.Pos() || c.Pos() >= lit.End()) && !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
		return true
	})
	return out
}

// deferTop is the number of the innermost pending defer.
func (e *emitter) deferTop() string {
	ir, f := e.ir, e.fut
	dn := ir.dnames
	if dn.inline {
		return f + "." + dn.stk + "[" + f + "." + dn.n + "-1]"
	}
	return f + "." + dn.stk + "[len(" + f + "." + dn.stk + ")-1]"
}

// deferCall writes the deferred call of s from its popped values (locals,
// by short name).
func (e *emitter) deferCall(s *deferSite, locals map[string]string) code {
	ir := e.ir
	w := newWriter(e.g)
	switch s.kind {
	case deferFunc, deferBuiltin:
		w.put(ir.print(s.fun))
	case deferMethod:
		w.put(locals["r"], ".", s.method)
	case deferLit:
		w.put(e.fut, ".", s.meth)
	default:
		w.put(locals["f"])
	}
	w.put("(")
	if slices.Contains(ir.dnames.native, s) {
		w.put(e.g.univ("nil"), ", ") // not deferred by Poll: no guard
	}
	for _, v := range s.vals[:s.cells] {
		w.put(locals[v.short], ", ")
	}
	for i, a := range s.args {
		if i > 0 {
			w.put(", ")
		}
		if strings.HasPrefix(a, "\x00") {
			w.put(a[1:])
		} else {
			w.put(locals[a])
		}
	}
	if s.ellipsis {
		w.put("...")
	}
	w.put(")")
	return w.code
}
