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
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/corio-go/corio/internal/asyncrules"
)

// twin is a suspension point: a call of X whose twin XAsync exists.
type twin struct {
	call *ast.CallExpr
	fn   *types.Func // the twin XAsync
	out  types.Type  // the twin future's output (the result rule in doc.go)
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
	return toTwin(g.rules().TwinOf(call))
}

func toTwin(t *asyncrules.Twin) *twin {
	if t == nil {
		return nil
	}
	return &twin{call: t.Call, fn: t.Fn, out: t.Out}
}

// pollOutput returns T if t has the method Poll(*rt.Context) (T, bool).
func pollOutput(t types.Type) types.Type { return asyncrules.PollOutput(t) }

// check walks one async body: it records the suspension points and reports
// what cannot be lowered.
func (g *pkgGen) check(fn *asyncFunc) map[*ast.CallExpr]*twin {
	susp := map[*ast.CallExpr]*twin{}
	for call, t := range g.rules().Check(fn.decl.Name.Name, fn.decl.Body) {
		susp[call] = toTwin(t)
	}
	return susp
}

func (g *pkgGen) errorf(pos token.Pos, format string, args ...any) {
	g.errs = append(g.errs, posString(g.fset, pos)+": "+fmt.Sprintf(format, args...))
}

func (g *pkgGen) typeString(t types.Type) string { return g.rules().TypeString(t) }
