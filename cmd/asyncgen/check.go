package main

// Stage 3: check. Decide which calls are suspension points (the twin rule in
// doc.go) and reject what cannot be lowered faithfully: constructs not
// lowered yet, suspension points where a plain function would run them, and
// blocking operations that would stall the runtime thread.

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// twin is a suspension point: a call of X whose twin XAsync exists.
type twin struct {
	call *ast.CallExpr
	fn   *types.Func // the twin XAsync
	out  types.Type  // the twin future's output (the result rule in doc.go)
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
	// XAsync is X's twin only if it returns a future; an unrelated XAsync
	// (one returning a channel, say) leaves X an ordinary call.
	if tsig.Results().Len() != 1 || pollOutput(tsig.Results().At(0).Type()) == nil {
		return nil
	}
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
	if want == nil {
		return nil // more results than a future's output holds; find reports an async X
	}
	mismatch := func(why string) *twin {
		g.errorf(call.Pos(), "%s has a twin %sAsync, but %s; a twin must take the same parameters and return rt.Future[%s]", fn.Name(), fn.Name(), why, g.typeString(want))
		return nil
	}
	if !types.Identical(callSig.Params(), tsig.Params()) || callSig.Variadic() != tsig.Variadic() {
		return mismatch("its parameters differ")
	}
	out := pollOutput(tsig.Results().At(0).Type())
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

// blocking names the Go operations that block the goroutine they run on,
// by the full name of the function or method object the call resolves to
// (a method promoted from an embedded type has its declaring type's name:
// (*net.TCPConn).Read is (*net.conn).Read). Inside an async function that
// goroutine is a runtime thread shared by many tasks.
var blocking = map[string]string{
	"time.Sleep":             "use rt.Sleep(d), which suspends only this task",
	"(*sync.WaitGroup).Wait": "join the tasks' JoinHandles (h.Join() suspends) instead",
	"(*sync.Cond).Wait":      "corio/syncx (not yet available) will offer a notification that suspends; until then, wait in a plain goroutine",
	rtPath + ".Run":          "await the future with rt.Await(f) (or call its function directly) instead of starting a nested runtime",
	rtPath + ".RunMulti":     "await the future with rt.Await(f) (or call its function directly) instead of starting a nested runtime",
	rtPath + ".BlockOn":      "await the future with rt.Await(f) (or call its function directly) instead of blocking on it",
}

// blockingIO are calls that block on I/O; the fix is the same for each.
var blockingIO = []string{
	"net.Dial", "net.DialTimeout", "net.DialTCP", "net.DialUDP", "net.Listen", "net.ListenTCP",
	"(net.Conn).Read", "(net.Conn).Write", "(net.Listener).Accept",
	"(*net.conn).Read", "(*net.conn).Write",
	"(*net.TCPListener).Accept", "(*net.TCPListener).AcceptTCP", "(*net.UnixListener).Accept",
	"(*net.UDPConn).ReadFrom", "(*net.UDPConn).ReadFromUDP", "(*net.UDPConn).WriteTo", "(*net.UDPConn).WriteToUDP",
	"net/http.Get", "net/http.Post", "net/http.Head", "net/http.PostForm",
	"(*net/http.Client).Do", "(*net/http.Client).Get", "(*net/http.Client).Post", "(*net/http.Client).Head",
	"net/http.ListenAndServe", "(*net/http.Server).ListenAndServe", "(*net/http.Server).Serve",
	"(*os.File).Read", "(*os.File).Write", "(*os.File).ReadAt", "(*os.File).WriteAt", "(*os.File).ReadFrom", "(*os.File).WriteString",
	"os.ReadFile", "os.WriteFile", "os.Open", "os.Create", "os.OpenFile", "os.ReadDir",
}

const ioFix = "run it in rt.SpawnBlocking(func() T { … }) and await the handle's Join(), or do the I/O outside the async function (corio/netx, not yet available, will provide sockets whose operations suspend)"

func init() {
	for _, n := range blockingIO {
		blocking[n] = ioFix
	}
}

// blockingReaders are functions that block when their reader or writer
// argument does: flagged when an argument's type is a known blocking one.
var blockingReaders = map[string]bool{
	"io.ReadAll": true, "io.Copy": true, "io.CopyN": true, "io.ReadFull": true, "io.ReadAtLeast": true,
	"io.WriteString": true, "(*bufio.Reader).ReadString": true, "(*bufio.Reader).ReadLine": true,
	"(*bufio.Scanner).Scan": true,
}

// blockingValue reports whether e is a value whose reads and writes block:
// a socket, a file, or an HTTP response body.
func (g *pkgGen) blockingValue(e ast.Expr) bool {
	e = ast.Unparen(e)
	if se, ok := e.(*ast.SelectorExpr); ok && se.Sel.Name == "Body" {
		if t := g.info.TypeOf(se.X); t != nil && isNamed(t, "net/http", "Response") {
			return true
		}
	}
	t := g.info.TypeOf(e)
	if t == nil {
		return false
	}
	return isNamed(t, "os", "File") || isNamed(t, "net", "TCPConn") || isNamed(t, "net", "UDPConn") ||
		isNamed(t, "net", "UnixConn") || isNamed(t, "net", "Conn") || isNamed(t, "crypto/tls", "Conn")
}

// isNamed reports whether t (or *t) is the named type path.name.
func isNamed(t types.Type, path, name string) bool {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == path && n.Obj().Name() == name
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
	// The communication clauses of a select with a default case never
	// block: they are not reported as channel operations.
	skip := map[ast.Node]bool{}
	ast.Inspect(fn.decl.Body, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		if skip[n] {
			return false
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
			// go f(x) runs the plain f in a new goroutine: not a
			// suspension point of this function.
			if len(stack) >= 2 {
				if gs, ok := stack[len(stack)-2].(*ast.GoStmt); ok && gs.Call == n {
					return true
				}
			}
			if tw := g.twinOf(n); tw != nil {
				if lit {
					g.errorf(n.Pos(), "%s suspends, but it is called inside a func literal, which runs as plain Go (a func literal cannot be an async function); call it from the async function itself, or move the literal's body into a named async function and call or rt.Spawn that", calleeName(n))
				} else {
					susp[n] = tw
				}
				return true
			}
			if lit {
				return true
			}
			if f, _ := g.callee(n); f != nil {
				name := f.FullName()
				if fix, ok := blocking[name]; ok {
					g.errorf(n.Pos(), "%s blocks the runtime thread inside async function %s; %s", g.calleeDisplay(n, f), fn.decl.Name.Name, fix)
				} else if blockingReaders[name] {
					for _, a := range n.Args {
						if g.blockingValue(a) {
							g.errorf(n.Pos(), "%s on %s blocks the runtime thread inside async function %s; %s", g.calleeDisplay(n, f), g.typeString(g.info.TypeOf(a)), fn.decl.Name.Name, ioFix)
							break
						}
					}
				}
			}
			if id, ok := ast.Unparen(n.Fun).(*ast.Ident); ok {
				if b, ok := g.info.Uses[id].(*types.Builtin); ok && b.Name() == "recover" {
					g.errorf(n.Pos(), "recover in an async function is not supported yet (it needs defer); let the panic reach the task, where JoinHandle.Join reports it as a *rt.JoinError, or recover inside a plain function you call")
				}
			}
		case *ast.ExprStmt:
			// A future made and dropped never runs (Rust's must_use).
			if call, ok := ast.Unparen(n.X).(*ast.CallExpr); ok && !lit {
				if t := g.info.TypeOf(call); t != nil && pollOutput(t) != nil {
					g.errorf(n.Pos(), "the future returned by %s is dropped, so it never runs; await it (call the function without Async, or rt.Await(f)), or run it as a task with rt.Spawn", calleeName(call))
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
			if lit {
				return true
			}
			for _, c := range n.Body.List {
				if c.(*ast.CommClause).Comm == nil {
					// With default, the select never blocks.
					for _, c := range n.Body.List {
						if cc := c.(*ast.CommClause); cc.Comm != nil {
							skip[cc.Comm] = true
						}
					}
					return true
				}
			}
			g.errorf(n.Pos(), "select on Go channels blocks the runtime thread inside an async function; corio/syncx (not yet available) will offer a select that suspends; until then, add a default case (a select that never blocks), or do the channel work in a plain goroutine and hand the result over with a future")
			return false
		case *ast.SendStmt:
			if !lit {
				g.errorf(n.Pos(), "a send on a Go channel blocks the runtime thread inside an async function; corio/syncx channels (not yet available) will suspend instead; until then, send from a plain goroutine or in a select with a default case")
			}
		case *ast.UnaryExpr:
			if n.Op == token.ARROW && !lit {
				g.errorf(n.Pos(), "a receive from a Go channel blocks the runtime thread inside an async function; corio/syncx channels (not yet available) will suspend instead; until then, receive in a plain goroutine or in a select with a default case")
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
		case *ast.SelectStmt:
			if contains(n) {
				g.errorf(n.Pos(), "select containing a suspension point is not supported yet; decide in the select, then suspend after it")
			}
		}
		return true
	})
	g.checkMutexes(fn, susp)
	return susp
}

// calleeDisplay names a called function for a message: a method by the
// receiver type the source uses, (*net.TCPConn).Read rather than the
// unexported (*net.conn).Read that declares it.
func (g *pkgGen) calleeDisplay(call *ast.CallExpr, f *types.Func) string {
	if se, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if sel := g.info.Selections[se]; sel != nil && sel.Kind() == types.MethodVal {
			recv := sel.Recv()
			if _, ptr := f.Type().(*types.Signature).Recv().Type().(*types.Pointer); ptr {
				if _, isPtr := recv.(*types.Pointer); !isPtr {
					recv = types.NewPointer(recv)
				}
			}
			return "(" + types.TypeString(recv, (*types.Package).Name) + ")." + f.Name()
		}
	}
	if f.Pkg() != nil {
		return f.Pkg().Name() + "." + f.Name()
	}
	return f.Name()
}

// checkMutexes reports a sync.Mutex or RWMutex locked before a suspension
// point and unlocked after it (in source order, the receiver written the
// same way), or never unlocked in the function: another task on the same
// thread that locks it deadlocks the thread.
func (g *pkgGen) checkMutexes(fn *asyncFunc, susp map[*ast.CallExpr]*twin) {
	type lockCall struct {
		call *ast.CallExpr
		recv string
		name string
	}
	var locks, unlocks []lockCall
	ast.Inspect(fn.decl.Body, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		f, _ := g.callee(call)
		se, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if f == nil || !ok {
			return true
		}
		recv := types.ExprString(se.X) + "." + se.Sel.Name + "()"
		switch f.FullName() {
		case "(*sync.Mutex).Lock", "(*sync.RWMutex).Lock", "(*sync.RWMutex).RLock":
			locks = append(locks, lockCall{call, recv, f.FullName()})
		case "(*sync.Mutex).Unlock", "(*sync.RWMutex).Unlock", "(*sync.RWMutex).RUnlock":
			unlocks = append(unlocks, lockCall{call, recv, f.FullName()})
		}
		return true
	})
	for _, lk := range locks {
		end := fn.decl.Body.End()
		for _, u := range unlocks {
			if strings.TrimSuffix(u.recv, "Unlock()") == strings.TrimSuffix(strings.TrimSuffix(lk.recv, "RLock()"), "Lock()") && u.call.Pos() > lk.call.Pos() && u.call.Pos() < end {
				end = u.call.Pos()
			}
		}
		var first token.Pos
		for c := range susp {
			if c.Pos() > lk.call.End() && c.Pos() < end && (first == token.NoPos || c.Pos() < first) {
				first = c.Pos()
			}
		}
		if first.IsValid() {
			g.errorf(lk.call.Pos(), "%s holds a %s across the suspension point at %s: another task on this runtime thread that locks it deadlocks the thread; use corio/syncx.Mutex (not yet available), which suspends, or unlock before suspending", lk.recv, strings.TrimPrefix(strings.Split(lk.name, ")")[0], "(*"), posString(g.fset, first))
		}
	}
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
