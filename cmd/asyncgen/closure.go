package main

// Async closures. rt.Async(func() T { … }) (and rt.AsyncDo(func() { … }))
// in an async function is a future whose body suspends: the func literal is
// lowered like an async function of its own, into an unexported future type
// of the file with an unexported constructor, and the call of rt.Async is
// printed as a call of that constructor. Nothing else changes: the twin
// rule still decides what suspends, so rt.Spawn(rt.Async(…)) spawns it and
// rt.Await(rt.Async(…)) awaits it.
//
// Capture is by reference, exactly as the func literal captures: every
// variable of the enclosing functions that the literal uses (its captures)
// is already a cell in the enclosing future, since escape.go gives a cell
// to every variable a func literal uses (fresh per declaration and per
// iteration, Go 1.22), so the constructor receives the cells' pointers and
// the closure's future holds them as cell parameters: both futures read and
// write the same variable. A variable of a kept statement (plain Go, not
// lowered) is passed by its address, which Go's own escape analysis moves
// to the heap. A closure inside a closure captures through the middle one,
// whose captures include every variable the inner one uses.
//
// The lowering needs no machinery of its own beyond this: the closure is an
// asyncFunc whose declaration is synthesized from the literal (no receiver,
// no parameters, the literal's results), checked by the same rules when its
// enclosing function is (asyncrules' Check records each closure's
// suspension points), named after its enclosing function as the Go runtime
// names closures (F.func1, F.func1.1), and emitted right after it.

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"github.com/corio-go/corio/internal/asyncrules"
)

// closureInfo is what an async closure's asyncFunc adds to a function's.
type closureInfo struct {
	call     *ast.CallExpr // the call of rt.Async or rt.AsyncDo
	lit      *ast.FuncLit
	display  string                                              // F.func1
	goName   string                                              // pkg.F.func1, as Go names the literal (trace.go)
	base     string                                              // the future type's stem: fFunc1
	captures []*types.Var                                        // variables of enclosing functions it uses, by first use
	all      map[*ast.FuncLit]map[*ast.CallExpr]*asyncrules.Twin // every closure's suspension points (Check's)
	ctor     string                                              // the constructor (prepare)
	tparams  *types.TypeParamList                                // the enclosing generic function's type parameters, which its types may name
}

// checkBody runs the rules over fn's body: its suspension points, and every
// async closure's found inside it (nested ones included). A closure's were
// found when its enclosing function's body was checked.
func (g *pkgGen) checkBody(fn *asyncFunc) (map[*ast.CallExpr]*asyncrules.Twin, map[*ast.FuncLit]map[*ast.CallExpr]*asyncrules.Twin) {
	if c := fn.closure; c != nil {
		return c.all[c.lit], c.all
	}
	c := g.rules()
	susp := c.Check(fn.decl.Name.Name, fn.decl.Body)
	return susp, c.Closures
}

// asyncClosures makes an asyncFunc for each async closure directly in fn's
// body (not inside another func literal), in source order, and records
// their calls for the printer.
func (g *pkgGen) asyncClosures(fn *asyncFunc, all map[*ast.FuncLit]map[*ast.CallExpr]*asyncrules.Twin) []*asyncFunc {
	if len(all) == 0 {
		return nil
	}
	if fn.closure == nil {
		g.byValueCaptures(fn)
	}
	rules := g.rules()
	var out []*asyncFunc
	litNum := funcLitNumbers(fn.decl.Body)
	ast.Inspect(fn.decl.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false // a plain literal's body runs as plain Go
		case *ast.CallExpr:
			lit := rules.AsyncClosure(n)
			if _, ok := all[lit]; !ok {
				return true
			}
			k := len(out) + 1
			info := &closureInfo{call: n, lit: lit, all: all, tparams: fn.tparams()}
			if fn.closure == nil {
				info.display = displayName(fn) + ".func" + itoa(k)
				info.base = futureBase(fn) + "Func" + itoa(k)
				info.goName = g.goName(fn) + ".func" + itoa(litNum[lit])
			} else {
				info.goName = fn.closure.goName + "." + itoa(litNum[lit])
				info.display = fn.closure.display + "." + itoa(k)
				info.base = fn.closure.base + "_" + itoa(k)
			}
			info.captures = g.captures(lit)
			sig, _ := g.info.TypeOf(lit).(*types.Signature)
			decl := &ast.FuncDecl{Name: &ast.Ident{NamePos: lit.Pos(), Name: info.display}, Type: lit.Type, Body: lit.Body}
			cl := &asyncFunc{decl: decl, sig: sig, closure: info}
			if g.closureCall == nil {
				g.closureCall = map[*ast.CallExpr]*asyncFunc{}
			}
			g.closureCall[n] = cl
			out = append(out, cl)
			return false
		}
		return true
	})
	return out
}

// captures lists the local variables declared outside lit that its body
// uses (nested literals included), in order of first use.
func (g *pkgGen) captures(lit *ast.FuncLit) []*types.Var {
	var out []*types.Var
	seen := map[*types.Var]bool{}
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		v, ok := g.info.Uses[id].(*types.Var)
		if !ok || v.IsField() || v.Pkg() != g.pkg || v.Parent() == g.pkg.Scope() || seen[v] {
			return true
		}
		if v.Pos() >= lit.Pos() && v.Pos() < lit.End() {
			return true
		}
		seen[v] = true
		out = append(out, v)
		return true
	})
	return out
}

// byValueCaptures records in g.byValue the variables of fn (a declared
// function) that its async closures may capture by value, as the gc
// compiler captures a variable that is never reassigned: a local variable
// or parameter (not a named result) of at most 128 bytes that some async
// closure uses, that no plain func literal uses, whose address is never
// taken, and that nothing assigns after its declaration (no assignment,
// ++ or --, range assignment, pointer method call or slicing of it or of
// a part of it). Both sides then only ever read the value the variable was
// declared with, so a copy is indistinguishable from sharing, and the
// variable needs no cell of its own: an async closure spawned per
// iteration costs no allocation beyond its future.
func (g *pkgGen) byValueCaptures(fn *asyncFunc) {
	info := g.info
	body := fn.decl.Body
	rules := g.rules()
	results := map[types.Object]bool{}
	if r := fn.decl.Type.Results; r != nil {
		for _, f := range r.List {
			for _, n := range f.Names {
				results[info.Defs[n]] = true
			}
		}
	}
	local := func(v *types.Var) bool {
		return v.Pkg() == g.pkg && !v.IsField() && v.Parent() != g.pkg.Scope() && !results[v] &&
			v.Pos() >= fn.decl.Pos() && v.Pos() < body.End()
	}
	inAsync, inPlain, changed := map[*types.Var]bool{}, map[*types.Var]bool{}, map[*types.Var]bool{}
	change := func(e ast.Expr) {
		if id := rootIdent(info, e); id != nil {
			if v, ok := info.Uses[id].(*types.Var); ok {
				changed[v] = true
			}
		}
	}
	// lits is the stack of func literals around the node: true for an
	// async closure's.
	var lits []bool
	var stack []ast.Node
	ast.Inspect(body, func(n ast.Node) bool {
		if n == nil {
			if _, ok := stack[len(stack)-1].(*ast.FuncLit); ok {
				lits = lits[:len(lits)-1]
			}
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, n)
		switch n := n.(type) {
		case *ast.FuncLit:
			async := false
			if len(stack) >= 2 {
				if call, ok := stack[len(stack)-2].(*ast.CallExpr); ok && rules.AsyncClosure(call) == n {
					async = len(lits) == 0 || lits[len(lits)-1]
				}
			}
			lits = append(lits, async)
		case *ast.Ident:
			if v, ok := info.Uses[n].(*types.Var); ok && len(lits) > 0 && local(v) {
				if slices.Contains(lits, false) {
					inPlain[v] = true
				} else {
					inAsync[v] = true
				}
			}
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if id, ok := ast.Unparen(l).(*ast.Ident); ok && n.Tok == token.DEFINE && info.Defs[id] != nil {
					continue // declared here
				}
				change(l)
			}
		case *ast.IncDecStmt:
			change(n.X)
		case *ast.RangeStmt:
			if n.Tok == token.ASSIGN {
				change(n.Key)
				change(n.Value)
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				change(n.X)
			}
		case *ast.SliceExpr:
			change(n.X) // only an array's slicing has a root
		case *ast.SelectorExpr:
			if sel := info.Selections[n]; sel != nil && sel.Kind() == types.MethodVal {
				if _, ptr := sel.Obj().(*types.Func).Type().(*types.Signature).Recv().Type().(*types.Pointer); ptr {
					change(n.X)
				}
			}
		}
		return true
	})
	sizes := types.SizesFor("gc", "amd64")
	for v := range inAsync {
		// A size a type parameter decides is not known: such a variable
		// keeps its cell.
		if !inPlain[v] && !changed[v] && !sizedByTypeParam(v.Type()) && sizes.Sizeof(v.Type()) <= 128 {
			if g.byValue == nil {
				g.byValue = map[types.Object]bool{}
			}
			g.byValue[v] = true
		}
	}
}

// addCaptures declares the closure's captures in its IR: cell parameters,
// set by the constructor from the enclosing function's cells.
func (ir *irFunc) addCaptures() {
	c := ir.fn.closure
	if c == nil {
		return
	}
	for _, obj := range c.captures {
		byRef := !ir.g.byValue[obj]
		v := &variable{name: ir.name(obj.Name()), typ: obj.Type(), obj: obj, machine: true, param: true, escapes: byRef, cell: byRef}
		ir.objVar[obj] = v
		ir.vars = append(ir.vars, v)
		ir.captured = append(ir.captured, v)
	}
	// The enclosing functions' local constants that the body uses are not
	// in scope in the closure's Poll, a method at package level: it
	// declares them again, with their values, like its own.
	var cd constDecl
	for _, k := range ir.g.outerConsts(c.lit) {
		v := &variable{name: ir.name(k.Name()), typ: k.Type(), obj: k}
		ir.objVar[k] = v
		ir.vars = append(ir.vars, v)
		cd.consts = append(cd.consts, k)
	}
	if len(cd.consts) > 0 {
		ir.consts = append(ir.consts, cd)
	}
}

// outerConsts lists the local constants declared outside lit that its
// body uses (nested literals included), in order of first use.
func (g *pkgGen) outerConsts(lit *ast.FuncLit) []*types.Const {
	var out []*types.Const
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		k, ok := g.info.Uses[id].(*types.Const)
		if !ok || k.Pkg() != g.pkg || k.Parent() == g.pkg.Scope() || slices.Contains(out, k) {
			return true
		}
		if k.Pos() < lit.Pos() || k.Pos() >= lit.End() {
			out = append(out, k)
		}
		return true
	})
	return out
}

// closureCtor writes an async closure's constructor, which the enclosing
// function calls where the source calls rt.Async: it takes the captured
// cells and returns the future.
func (e *emitter) closureCtor() {
	g, ir, p := e.g, e.ir, e.p
	c := ir.fn.closure
	p("// ", c.ctor, " makes the future of the async closure ", c.display, ", given the variables\n// it captures: a cell for each it shares, the value of each that nothing changes.\n")
	p("func ", c.ctor)
	e.w.tparamDecl(ir.fn.tparams()) // an enclosing generic function's (generic.go)
	p("(")
	var inits []string
	for i, v := range ir.captured {
		if i > 0 {
			p(", ")
		}
		if v.cell {
			p(v.name, " *", v.typ)
		} else {
			p(v.name, " ", v.typ)
		}
		inits = append(inits, v.name+": "+v.name)
	}
	p(") ", g.futureOf(ir.out), " {\nreturn &", e.self(), "{", strings.Join(inits, ", "), "}\n}\n\n")
}

// closureCall writes the call of an async closure's constructor that
// replaces rt.Async(func…) in the enclosing function: each captured
// variable's cell, or the address of a variable of kept code.
func (p *stmtPrinter) closureCall(cl *asyncFunc) {
	ir := p.ir
	p.tok(cl.closure.ctor)
	p.w.tparamNames(cl.tparams()) // in a generic function: its own type parameters
	p.tok("(")
	for i, obj := range cl.closure.captures {
		if i > 0 {
			p.tok(", ")
		}
		v := ir.objVar[obj]
		if ir.g.byValue[obj] { // a copy: see byValueCaptures
			switch {
			case v == nil:
				p.tok(obj.Name())
			case !v.machine:
				p.tok(v.name)
			case p.moves[v]:
				p.tok(ir.take(v))
			default:
				p.tok(ir.access(v))
			}
			continue
		}
		switch {
		case v == nil: // a kept type switch's clause variable keeps its name
			p.tok("&" + obj.Name())
		case v.machine && v.cell && p.lit > 0:
			p.binds[v] = true
			p.tok(v.bind)
		case v.machine && v.cell:
			p.tok(ir.loc(v))
		case v.machine:
			p.tok("&" + ir.loc(v))
		default:
			p.tok("&" + v.name)
		}
	}
	p.tok(")")
}
