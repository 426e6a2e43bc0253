package main

// Stage 3: check. Decide which calls are suspension points (the twin rule of
// DESIGN §2) and reject what cannot be lowered faithfully: constructs not
// lowered yet, suspension points where a plain function would run them, and
// blocking operations that would stall the runtime thread.

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
)

// twin is a suspension point: a call of X whose twin XAsync exists.
type twin struct {
	call *ast.CallExpr
	fn   *types.Func // the twin XAsync
	out  types.Type  // the twin future's output (DESIGN §2 result rule)
}

// outputType applies the result rule: () → struct{}, (T) → T,
// (T0, …, Tn-1) → rt.TupleN[T0, …, Tn-1].
func (g *pkgGen) outputType(results *types.Tuple) types.Type {
	switch results.Len() {
	case 0:
		return types.NewStruct(nil, nil)
	case 1:
		return results.At(0).Type()
	}
	if g.rt == nil || results.Len() > 8 {
		return nil
	}
	tn, _ := g.rt.Scope().Lookup(fmt.Sprintf("Tuple%d", results.Len())).(*types.TypeName)
	if tn == nil {
		return nil
	}
	args := make([]types.Type, results.Len())
	for i := range args {
		args[i] = results.At(i).Type()
	}
	t, err := types.Instantiate(nil, tn.Type(), args, true)
	if err != nil {
		return nil
	}
	return t
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
	fun := ast.Unparen(call.Fun)
	switch x := fun.(type) {
	case *ast.IndexExpr:
		fun = x.X
	case *ast.IndexListExpr:
		fun = x.X
	}
	var id *ast.Ident
	switch x := fun.(type) {
	case *ast.Ident:
		id = x
	case *ast.SelectorExpr:
		id = x.Sel
		if sel := g.info.Selections[x]; sel != nil && sel.Kind() != types.MethodVal {
			return nil, nil // method expressions T.M(x) and field func values
		}
	default:
		return nil, nil
	}
	fn, _ := g.info.Uses[id].(*types.Func)
	return fn, id
}

// twinOf reports whether call is a suspension point. A function named XAsync
// that does not match X is reported: it is surely meant as X's twin.
func (g *pkgGen) twinOf(call *ast.CallExpr) *twin {
	if g.rt == nil {
		return nil
	}
	fn, id := g.callee(call)
	if fn == nil || fn.Pkg() == nil {
		return nil
	}
	callSig, ok := g.info.TypeOf(call.Fun).(*types.Signature)
	if !ok {
		return nil
	}
	var obj types.Object
	if fn.Type().(*types.Signature).Recv() != nil {
		sel := g.info.Selections[ast.Unparen(call.Fun).(*ast.SelectorExpr)]
		obj, _, _ = types.LookupFieldOrMethod(sel.Recv(), true, fn.Pkg(), fn.Name()+"Async")
	} else {
		obj = fn.Pkg().Scope().Lookup(fn.Name() + "Async")
	}
	tfn, ok := obj.(*types.Func)
	if !ok {
		return nil
	}
	tsig := tfn.Type().(*types.Signature)
	if tsig.TypeParams().Len() > 0 {
		inst, ok := g.info.Instances[id]
		if !ok || inst.TypeArgs.Len() != tsig.TypeParams().Len() {
			g.errorf(call.Pos(), "%s has a twin %sAsync with different type parameters; a twin must have the same signature and return a future of %s's results", fn.Name(), fn.Name(), fn.Name())
			return nil
		}
		args := make([]types.Type, inst.TypeArgs.Len())
		for i := range args {
			args[i] = inst.TypeArgs.At(i)
		}
		t, err := types.Instantiate(nil, tsig, args, true)
		if err != nil {
			return nil
		}
		tsig = t.(*types.Signature)
	}
	want := g.outputType(callSig.Results())
	mismatch := func(why string) *twin {
		g.errorf(call.Pos(), "%s has a twin %sAsync, but %s; a twin must take the same parameters and return rt.Future[%s]", fn.Name(), fn.Name(), why, g.typeString(want))
		return nil
	}
	if !types.Identical(callSig.Params(), tsig.Params()) || callSig.Variadic() != tsig.Variadic() {
		return mismatch("its parameters differ")
	}
	if tsig.Results().Len() != 1 {
		return mismatch("it does not return exactly one future")
	}
	out := pollOutput(tsig.Results().At(0).Type())
	if out == nil {
		return mismatch("its result has no Poll(*rt.Context) (T, bool) method")
	}
	if want == nil || !types.Identical(out, want) {
		return mismatch(fmt.Sprintf("its future's output is %s", g.typeString(out)))
	}
	return &twin{call: call, fn: tfn, out: out}
}

// pollOutput returns T if t has the method Poll(*rt.Context) (T, bool).
func pollOutput(t types.Type) types.Type {
	obj, _, _ := types.LookupFieldOrMethod(t, true, nil, "Poll")
	m, ok := obj.(*types.Func)
	if !ok {
		return nil
	}
	sig := m.Type().(*types.Signature)
	if sig.Params().Len() != 1 || sig.Results().Len() != 2 {
		return nil
	}
	ptr, ok := sig.Params().At(0).Type().(*types.Pointer)
	if !ok {
		return nil
	}
	named, ok := ptr.Elem().(*types.Named)
	if !ok || named.Obj().Pkg() == nil || named.Obj().Pkg().Path() != rtPath || named.Obj().Name() != "Context" {
		return nil
	}
	if b, ok := sig.Results().At(1).Type().(*types.Basic); !ok || b.Kind() != types.Bool {
		return nil
	}
	return sig.Results().At(0).Type()
}

// blocking names the Go operations that block the goroutine they run on. Inside
// an async function that goroutine is a runtime thread shared by many tasks.
var blocking = map[string]string{
	"time.Sleep":                "corio's rt.Sleep (coming with the timer driver) will suspend only this task; until then, sleep outside the async function",
	"(*sync.WaitGroup).Wait":    "join the tasks' JoinHandles (h.Join() suspends) instead",
	"(*sync.Cond).Wait":         "corio/syncx.Notify (not yet available) will suspend instead; until then, wait in a plain goroutine",
	"net.Dial":                  "corio/netx (not yet available) will provide sockets whose operations suspend; until then, do network I/O outside the async function",
	"net.DialTimeout":           "corio/netx (not yet available) will provide sockets whose operations suspend; until then, do network I/O outside the async function",
	"net.Listen":                "corio/netx (not yet available) will provide sockets whose operations suspend; until then, do network I/O outside the async function",
	"(net.Conn).Read":           "corio/netx (not yet available) will provide sockets whose operations suspend; until then, do network I/O outside the async function",
	"(net.Conn).Write":          "corio/netx (not yet available) will provide sockets whose operations suspend; until then, do network I/O outside the async function",
	"(net.Listener).Accept":     "corio/netx (not yet available) will provide sockets whose operations suspend; until then, do network I/O outside the async function",
	"(*net.TCPConn).Read":       "corio/netx (not yet available) will provide sockets whose operations suspend; until then, do network I/O outside the async function",
	"(*net.TCPConn).Write":      "corio/netx (not yet available) will provide sockets whose operations suspend; until then, do network I/O outside the async function",
	"(*net.UDPConn).Read":       "corio/netx (not yet available) will provide sockets whose operations suspend; until then, do network I/O outside the async function",
	"(*net.TCPListener).Accept": "corio/netx (not yet available) will provide sockets whose operations suspend; until then, do network I/O outside the async function",
	"(*os.File).Read":           "move blocking file I/O out of the async function (rt.SpawnBlocking is coming for this)",
	"(*os.File).Write":          "move blocking file I/O out of the async function (rt.SpawnBlocking is coming for this)",
	"os.ReadFile":               "move blocking file I/O out of the async function (rt.SpawnBlocking is coming for this)",
	"os.WriteFile":              "move blocking file I/O out of the async function (rt.SpawnBlocking is coming for this)",
}

// check walks one async body: it records the suspension points and reports
// what cannot be lowered.
func (g *pkgGen) check(fn *asyncFunc) map[*ast.CallExpr]*twin {
	susp := map[*ast.CallExpr]*twin{}
	var stack []ast.Node
	inLit := func() bool {
		for _, n := range stack {
			if _, ok := n.(*ast.FuncLit); ok {
				return true
			}
		}
		return false
	}
	ast.Inspect(fn.decl.Body, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, n)
		lit := inLit()
		switch n := n.(type) {
		case *ast.CallExpr:
			if se, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr); ok && !lit {
				if sel := g.info.Selections[se]; sel != nil && sel.Kind() == types.MethodExpr {
					if obj, _, _ := types.LookupFieldOrMethod(sel.Recv(), true, sel.Obj().Pkg(), sel.Obj().Name()+"Async"); obj != nil {
						g.errorf(n.Pos(), "method expression %s suspends but is not lowered yet; call it as a method, x.%s(…)", se.Sel.Name, se.Sel.Name)
					}
				}
			}
			if tw := g.twinOf(n); tw != nil {
				if lit {
					g.errorf(n.Pos(), "%s suspends, but it is called inside a func literal, which runs as plain Go; call it from the async function itself, or make the literal an async function", calleeName(n))
				} else {
					susp[n] = tw
				}
				return true
			}
			if lit {
				return true
			}
			if f, _ := g.callee(n); f != nil {
				if fix, ok := blocking[f.FullName()]; ok {
					g.errorf(n.Pos(), "%s blocks the runtime thread inside async function %s; %s", f.FullName(), fn.decl.Name.Name, fix)
				}
			}
			if id, ok := ast.Unparen(n.Fun).(*ast.Ident); ok {
				if b, ok := g.info.Uses[id].(*types.Builtin); ok && b.Name() == "recover" {
					g.errorf(n.Pos(), "recover in an async function is not supported yet (it needs defer); let the panic reach the task, where JoinHandle.Join reports it as a *rt.JoinError, or recover inside a plain function you call")
				}
			}
		case *ast.DeferStmt:
			if !lit {
				g.errorf(n.Pos(), "defer in an async function is not supported yet; call the cleanup explicitly before each return")
			}
		case *ast.BranchStmt:
			if n.Tok == token.GOTO && !lit {
				g.errorf(n.Pos(), "goto in an async function is not supported yet; use a labeled loop with break/continue")
			}
		case *ast.SelectStmt:
			if !lit {
				g.errorf(n.Pos(), "select on Go channels blocks the runtime thread inside an async function; corio/syncx (not yet available) will offer a select that suspends; until then, do the channel work in a plain goroutine and hand the result over with a future")
			}
			return lit
		case *ast.SendStmt:
			if !lit {
				g.errorf(n.Pos(), "a send on a Go channel blocks the runtime thread inside an async function; corio/syncx channels (not yet available) will suspend instead; until then, send from a plain goroutine")
			}
		case *ast.UnaryExpr:
			if n.Op == token.ARROW && !lit {
				g.errorf(n.Pos(), "a receive from a Go channel blocks the runtime thread inside an async function; corio/syncx channels (not yet available) will suspend instead; until then, receive in a plain goroutine")
			}
		case *ast.RangeStmt:
			if _, ok := g.info.TypeOf(n.X).Underlying().(*types.Chan); ok && !lit {
				g.errorf(n.Pos(), "range over a Go channel blocks the runtime thread inside an async function; corio/syncx channels (not yet available) will suspend instead; until then, drain the channel in a plain goroutine")
			}
		case *ast.DeclStmt:
			if gd, ok := n.Decl.(*ast.GenDecl); ok && gd.Tok == token.TYPE && !lit {
				g.errorf(n.Pos(), "local type declaration in async function %s is not supported; move the type to package level", fn.decl.Name.Name)
			}
		}
		return true
	})
	// Constructs that are fine as plain Go but not yet lowered when they
	// contain a suspension point.
	contains := func(n ast.Node) bool {
		for c := range susp {
			if c.Pos() >= n.Pos() && c.End() <= n.End() {
				return true
			}
		}
		return false
	}
	ast.Inspect(fn.decl.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.TypeSwitchStmt:
			if contains(n) {
				g.errorf(n.Pos(), "type switch containing a suspension point is not supported yet; compute the value first or use if with type assertions")
			}
		case *ast.RangeStmt:
			if _, ok := g.info.TypeOf(n.X).Underlying().(*types.Signature); ok && contains(n) {
				g.errorf(n.Pos(), "range over a function iterator containing a suspension point is not supported yet; collect the values first")
			}
		case *ast.GoStmt:
			if contains(n) {
				g.errorf(n.Pos(), "suspension point in a go statement's arguments; evaluate it into a variable first")
			}
		}
		return true
	})
	return susp
}

func calleeName(call *ast.CallExpr) string {
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		if x, ok := f.X.(*ast.Ident); ok {
			return x.Name + "." + f.Sel.Name
		}
		return f.Sel.Name
	}
	return "the call"
}

func (g *pkgGen) errorf(pos token.Pos, format string, args ...any) {
	g.errs = append(g.errs, posString(g.fset, pos)+": "+fmt.Sprintf(format, args...))
}

func (g *pkgGen) typeString(t types.Type) string {
	if t == nil {
		return "?"
	}
	return types.TypeString(t, func(p *types.Package) string {
		if p == g.pkg {
			return ""
		}
		return p.Name()
	})
}
