package main

// Stage 3: check. Decide which calls are suspension points (the twin rule in
// doc.go) and reject what cannot be lowered faithfully: constructs not
// lowered yet, suspension points where a plain function would run them, and
// blocking operations that would stall the runtime thread.
//
// The rules live in internal/asyncrules, which the asynccheck analyzer
// applies too, so that go vet and editors report what asyncgen reports, in
// the same words. This file adapts them to the generator's state.

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"github.com/corio-go/corio/internal/asyncrules"
)

// twin is a suspension point: a call of X whose twin XAsync exists.
type twin struct {
	call *ast.CallExpr
	fn   *types.Func // the twin XAsync
	out  types.Type  // the twin future's output (the result rule in doc.go)
	// The by-value rule (doc.go): MakeX and its result F, whose pointer is
	// a future of out; nil where X has none or F cannot be written here.
	make    *types.Func
	byValue types.Type
}

// rules is the shared checker over this package, reporting into g.errs.
func (g *pkgGen) rules() *asyncrules.Checker {
	return &asyncrules.Checker{
		Info: g.info,
		Pkg:  g.pkg,
		RT:   g.rt,
		Report: func(pos token.Pos, _ asyncrules.Category, msg string) {
			g.errs = append(g.errs, posString(g.fset, pos)+": "+msg)
		},
		Where: func(pos token.Pos) string { return posString(g.fset, pos) },
	}
}

// outputType applies the result rule: () → struct{}, (T) → T,
// (T0, …, Tn-1) → rt.TupleN[T0, …, Tn-1].
func (g *pkgGen) outputType(results *types.Tuple) types.Type {
	return g.rules().OutputType(results)
}

// futureOf returns rt.Future[out].
func (g *pkgGen) futureOf(out types.Type) types.Type {
	tn := g.rt.Scope().Lookup("Future").(*types.TypeName)
	t, err := types.Instantiate(nil, tn.Type(), []types.Type{out}, true)
	if err != nil {
		panic("corio/asyncgen: instantiate rt.Future: " + err.Error())
	}
	return t
}

// callee returns the function a call names (nil for conversions, builtins and
// calls of func values) and the identifier naming it.
func (g *pkgGen) callee(call *ast.CallExpr) (*types.Func, *ast.Ident) {
	return g.rules().Callee(call)
}

// twinOf reports whether call is a suspension point. A function named XAsync
// that returns a future but does not match X is reported: it is surely meant
// as X's twin.
func (g *pkgGen) twinOf(call *ast.CallExpr) *twin {
	return g.toTwin(g.rules().TwinOf(call))
}

func (g *pkgGen) toTwin(t *asyncrules.Twin) *twin {
	if t == nil {
		return nil
	}
	tw := &twin{call: t.Call, fn: t.Fn, out: t.Out}
	if mk, f := g.rules().MakeOf(t); mk != nil {
		if _, ok := g.spellable(f); ok {
			tw.make, tw.byValue = mk, f
		}
	}
	return tw
}

// pollOutput returns T if t has the method Poll(*rt.Context) (T, bool).
func pollOutput(t types.Type) types.Type { return asyncrules.PollOutput(t) }

// check walks one async body: it records the suspension points and reports
// what cannot be lowered.
func (g *pkgGen) check(fn *asyncFunc) map[*ast.CallExpr]*twin {
	susp := map[*ast.CallExpr]*twin{}
	raw, closures := g.checkBody(fn)
	for call, t := range raw {
		tw := g.toTwin(t)
		if g.inPlace(fn, call, tw) {
			continue
		}
		susp[call] = tw
	}
	slices.SortFunc(fn.inPlace, func(a, b *ast.CallExpr) int { return cmp.Compare(a.Pos(), b.Pos()) })
	fn.values = g.funcValues(fn, susp)
	fn.closures = g.asyncClosures(fn, closures)
	return susp
}

// funcValue is a local variable of func type that only ever holds
// functions with twins: F, pkg.F, x.M or T.M, stored by a plain assignment.
// A call through it suspends, as a call of what it holds would: the
// lowering stores the twin (FAsync, x.MAsync with the same receiver, bound
// at the same point) in a companion variable of type typ with each
// assignment, and awaits the companion's call where the source calls the
// variable.
type funcValue struct {
	typ     *types.Signature // the twins' function type
	out     types.Type       // their futures' output
	assigns []ast.Node       // the assignments and declarations that store into it
}

// funcValues finds fn's func variables whose calls suspend and adds those
// calls to susp. A variable qualifies when it is declared in fn's body,
// every store into it is a single assignment (or declaration) of a function
// value with a twin, all of the same twin type, it is never used in a func
// literal nor its address taken, and it is called outside func literals and
// go statements. Any use inside a select other than a call (which lowers
// the select) disqualifies it. Any other variable keeps plain calls.
func (g *pkgGen) funcValues(fn *asyncFunc, susp map[*ast.CallExpr]*twin) map[*types.Var]*funcValue {
	body := fn.decl.Body
	info := g.info
	cands := map[*types.Var]*funcValue{}
	bad := map[*types.Var]bool{}
	calls := map[*types.Var][]*ast.CallExpr{}
	store := func(v *types.Var, n ast.Node, rhs ast.Expr) {
		fv := cands[v]
		if fv == nil {
			fv = &funcValue{}
			cands[v] = fv
		}
		fv.assigns = append(fv.assigns, n)
		if rhs == nil {
			return // a zero declaration
		}
		t := g.twinValue(rhs)
		if t == nil || (fv.typ != nil && !types.Identical(t, fv.typ)) {
			bad[v] = true
			return
		}
		fv.typ = t
	}
	var stack []ast.Node
	lits := 0
	ast.Inspect(body, func(n ast.Node) bool {
		if n == nil {
			if _, ok := stack[len(stack)-1].(*ast.FuncLit); ok {
				lits--
			}
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, n)
		if _, ok := n.(*ast.FuncLit); ok {
			lits++
		}
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		v, ok := info.ObjectOf(id).(*types.Var)
		if !ok || v.IsField() || v.Pos() < body.Pos() || v.Pos() >= body.End() {
			return true
		}
		if _, ok := v.Type().Underlying().(*types.Signature); !ok {
			return true
		}
		if lits > 0 {
			bad[v] = true
			return true
		}
		// A select is kept as written unless it suspends: a store
		// there could not set the companion. Its calls suspend like any
		// other (and the select is then lowered).
		if _, call := stack[len(stack)-2].(*ast.CallExpr); !call {
			for _, a := range stack {
				if _, ok := a.(*ast.SelectStmt); ok {
					bad[v] = true
					return true
				}
			}
		}
		switch p := stack[len(stack)-2].(type) {
		case *ast.AssignStmt:
			for _, l := range p.Lhs {
				if l == ast.Expr(id) {
					if len(p.Lhs) == 1 && len(p.Rhs) == 1 && (p.Tok == token.ASSIGN || p.Tok == token.DEFINE) {
						store(v, p, p.Rhs[0])
					} else {
						bad[v] = true
					}
				}
			}
		case *ast.ValueSpec:
			for _, name := range p.Names {
				if name == id {
					switch {
					case len(p.Names) == 1 && len(p.Values) == 1:
						store(v, p, p.Values[0])
					case len(p.Values) == 0:
						store(v, p, nil)
					default:
						bad[v] = true
					}
				}
			}
		case *ast.CallExpr:
			if p.Fun == ast.Expr(id) {
				if gs, ok := stack[len(stack)-3].(*ast.GoStmt); !ok || gs.Call != p {
					calls[v] = append(calls[v], p)
				}
			}
		case *ast.UnaryExpr:
			if p.Op == token.AND {
				bad[v] = true
			}
		case *ast.RangeStmt:
			if p.Key == ast.Expr(id) || p.Value == ast.Expr(id) {
				bad[v] = true
			}
		}
		return true
	})
	var out map[*types.Var]*funcValue
	for v, fv := range cands {
		if bad[v] || fv.typ == nil || len(calls[v]) == 0 {
			continue
		}
		fv.out = pollOutput(fv.typ.Results().At(0).Type())
		if out == nil {
			out = map[*types.Var]*funcValue{}
		}
		out[v] = fv
		for _, c := range calls[v] {
			susp[c] = &twin{call: c, out: fv.out}
		}
	}
	return out
}

// twinValue is the function type of the twin of function value e (F,
// pkg.F, x.M or T.M): FAsync's type, x.MAsync's (without the receiver) or
// T.MAsync's (with it). It is nil when e is no such value, its twin is
// generic, or the twin does not match it as the twin rule requires.
func (g *pkgGen) twinValue(e ast.Expr) *types.Signature {
	e = ast.Unparen(e)
	var f *types.Func
	var sel *types.Selection
	var id *ast.Ident // names a generic function: Id, Id[int], pkg.Map[int, string]
	fe := e
	switch x := e.(type) {
	case *ast.IndexExpr:
		fe = ast.Unparen(x.X)
	case *ast.IndexListExpr:
		fe = ast.Unparen(x.X)
	}
	switch x := fe.(type) {
	case *ast.Ident:
		f, _ = g.info.Uses[x].(*types.Func)
		id = x
	case *ast.SelectorExpr:
		if sel = g.info.Selections[x]; sel != nil {
			if sel.Kind() == types.FieldVal {
				return nil
			}
			f, _ = sel.Obj().(*types.Func)
		} else {
			f, _ = g.info.Uses[x.Sel].(*types.Func)
			id = x.Sel
		}
	}
	if fe != e && id == nil {
		return nil // an index expression that does not instantiate a function
	}
	if f == nil || f.Pkg() == nil {
		return nil
	}
	var obj types.Object
	if sel != nil {
		obj, _, _ = types.LookupFieldOrMethod(sel.Recv(), true, f.Pkg(), f.Name()+"Async")
	} else {
		obj = f.Pkg().Scope().Lookup(f.Name() + "Async")
	}
	tf, ok := obj.(*types.Func)
	if !ok {
		return nil
	}
	tsig := tf.Type().(*types.Signature)
	if tsig.TypeParams().Len() > 0 && id != nil {
		// A generic function's value is an instance, its type arguments
		// written or inferred from the assignment: so is its twin's.
		tsig = g.instanceOf(id, tsig)
		if tsig == nil {
			return nil
		}
	}
	// A method of an instantiated type (s.Pop on a *Stack[int]) keeps its
	// receiver type parameters in go/types, already substituted.
	if tsig.TypeParams().Len() > 0 || sel == nil && tsig.RecvTypeParams().Len() > 0 || tsig.Results().Len() != 1 {
		return nil
	}
	// The companion's type, with unnamed parameters and result.
	unnamed := func(t types.Type) *types.Var { return types.NewParam(token.NoPos, nil, "", t) }
	var params []*types.Var
	if sel != nil && sel.Kind() == types.MethodExpr {
		params = append(params, unnamed(sel.Recv()))
	}
	for i := range tsig.Params().Len() {
		params = append(params, unnamed(tsig.Params().At(i).Type()))
	}
	t := types.NewSignatureType(nil, nil, nil, types.NewTuple(params...), types.NewTuple(unnamed(tsig.Results().At(0).Type())), tsig.Variadic())
	vt, ok := g.info.TypeOf(e).(*types.Signature)
	if !ok || !types.Identical(vt.Params(), t.Params()) || vt.Variadic() != t.Variadic() {
		return nil
	}
	out := pollOutput(t.Results().At(0).Type())
	if want := g.outputType(vt.Results()); out == nil || want == nil || !types.Identical(out, want) {
		return nil
	}
	return t
}

func (g *pkgGen) errorf(pos token.Pos, format string, args ...any) {
	g.errs = append(g.errs, posString(g.fset, pos)+": "+fmt.Sprintf(format, args...))
}

func (g *pkgGen) typeString(t types.Type) string { return g.rules().TypeString(t) }
