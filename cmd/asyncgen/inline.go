package main

// Inline child futures. Awaiting an async function of the same package
// stores the callee's future by value in a field of the caller's future
// instead of allocating it, so a chain of async calls costs one allocation
// (the outermost twin's) instead of one per level. Only where the call graph
// allows it: a callee that can reach its caller again (recursion, directly or
// through others) would make the future contain itself, so it is held
// through a pointer, taken from its rt.FramePool by its pooled constructor
// (emit.go's pooled; a generic function's from its twin). Methods and other
// packages' functions are awaited through their twins. Nothing points into
// a child's field after it completes (its escaping variables, named results
// included, live in cells of their own), so the field is zeroed and reused.
//
// This needs every function's suspension points and future type name before
// any is lowered: prepare computes them for the package.

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"
)

// prepare checks every async function of the package, names its future and
// records the async functions of the package it awaits.
func (g *pkgGen) prepare(files []*outFile) {
	g.asyncOf = map[*types.Func]*asyncFunc{}
	var all []*asyncFunc
	for _, of := range files {
		// An async closure (closure.go) is found by its enclosing
		// function's check and goes right after it.
		for i := 0; i < len(of.funcs); i++ {
			fn := of.funcs[i]
			nerr := len(g.errs)
			g.checkSafe(fn)
			fn.failed = len(g.errs) > nerr
			fn.futName = g.uniqueTypeName(futureBase(fn) + "Future")
			if fn.closure != nil {
				fn.closure.ctor = g.uniqueTypeName("new" + upperFirst(fn.futName))
			} else {
				g.asyncOf[fn.obj] = fn
			}
			g.nameTypeParams(fn)
			of.funcs = slices.Insert(of.funcs, i+1, fn.closures...)
			all = append(all, fn)
		}
	}
	for _, fn := range all {
		seen := map[*asyncFunc]bool{}
		for call := range fn.susp {
			if c := g.asyncCallee(call); c != nil && !seen[c] {
				seen[c] = true
				fn.callees = append(fn.callees, c)
			}
		}
	}
	for _, fn := range all {
		for _, c := range fn.callees {
			c.frame = true
			inl := g.inlinable(fn, c)
			if inl && c.initName == "" {
				c.initName = g.uniqueTypeName("init" + upperFirst(c.futName))
			}
			if !inl && c.newName == "" && g.poolable(c) {
				c.newName = g.uniqueTypeName("new" + upperFirst(c.futName))
				c.poolName = g.uniqueTypeName(lowerFirst(c.futName) + "Pool")
			}
		}
	}
	// A future spawned where it is made goes into its task by value
	// (spawnedFuture): its function needs the by-value constructor too.
	for _, fn := range all {
		for _, call := range fn.inPlace {
			if c, _, _ := g.spawnedFuture(call, g.inPlaceAt[call.Lparen].tw); c != nil && c.initName == "" {
				c.initName = g.uniqueTypeName("init" + upperFirst(c.futName))
			}
		}
	}
}

// poolable reports whether a caller that holds c's future by pointer (c can
// reach it again: recursion) takes it from an rt.FramePool, which recycles
// the futures of completed calls, instead of from the twin, which allocates
// one per call: for plain, non-generic functions.
func (g *pkgGen) poolable(c *asyncFunc) bool {
	return c.decl.Recv == nil && !c.failed && c.sig.TypeParams().Len() == 0
}

// checkSafe runs check, turning a generator panic into an error.
func (g *pkgGen) checkSafe(fn *asyncFunc) {
	defer func() {
		if r := recover(); r != nil {
			g.errorf(fn.decl.Pos(), "asyncgen internal error checking %s (a bug in asyncgen; please report it with this function): %v", fn.decl.Name.Name, r)
		}
	}()
	fn.susp = g.check(fn)
}

// inlinable reports whether parent may hold child's future by value: child
// is a plain function (not a method) of the package that cannot reach
// parent through awaits.
func (g *pkgGen) inlinable(parent, child *asyncFunc) bool {
	if child.decl.Recv != nil || child.failed {
		return false
	}
	seen := map[*asyncFunc]bool{}
	var reaches func(f *asyncFunc) bool
	reaches = func(f *asyncFunc) bool {
		if f == parent {
			return true
		}
		if seen[f] {
			return false
		}
		seen[f] = true
		for _, c := range f.callees {
			if reaches(c) {
				return true
			}
		}
		return false
	}
	return !reaches(child)
}

// futureBase is the stem of a function's future type name: fFuture for F,
// tMFuture for T.M.
func futureBase(fn *asyncFunc) string {
	if fn.closure != nil {
		return fn.closure.base
	}
	if fn.decl.Recv == nil {
		return lowerFirst(fn.decl.Name.Name)
	}
	return lowerFirst(recvTypeName(fn)) + upperFirst(fn.decl.Name.Name)
}

// displayName is F, or T.M for a method.
func displayName(fn *asyncFunc) string {
	if fn.closure != nil {
		return fn.closure.display
	}
	if fn.decl.Recv == nil {
		return fn.decl.Name.Name
	}
	return recvTypeName(fn) + "." + fn.decl.Name.Name
}

// recvTypeName is T for a method of T or *T.
func recvTypeName(fn *asyncFunc) string {
	rt := fn.sig.Recv().Type()
	if p, ok := rt.(*types.Pointer); ok {
		rt = p.Elem()
	}
	return rt.(*types.Named).Obj().Name()
}

// spawnForm is how a suspension point spawns a task: its twin's future
// does the spawn at its first poll and is ready at once, so the lowering
// writes, in its place, a call of the rt function that does the same spawn
// with the Context of the poll (inPlace), and the caller neither suspends
// nor keeps the future in a field.
type spawnForm struct {
	name   string // the spawn: rt.name, or the set's method
	now    string // the rt function (JoinSet's method with set) that spawns a Future with the Context
	inline string // the rt function that spawns a future given by value with the Context
	set    bool   // JoinSet.Spawn: the set becomes an argument (inline) or the receiver (now)
}

// spawnForms are the spawns, by their twins, that inPlace writes in place.
var spawnForms = map[string]spawnForm{
	"SpawnAsync":         {name: "Spawn", now: "SpawnIn", inline: "SpawnInlineIn"},
	"SpawnNamedAsync":    {name: "SpawnNamed", now: "SpawnNamedIn", inline: "SpawnNamedInlineIn"},
	"JoinSet.SpawnAsync": {name: "Spawn", now: "SpawnIn", inline: "JoinSetSpawnInlineIn", set: true},
}

// inPlaceCall is a call that is a suspension point by the twin rule but is
// written in place (inPlace): a call of rt's form that spawns with the
// poll's Context, or of a method of the Context.
type inPlaceCall struct {
	call   *ast.CallExpr // as written
	tw     *twin
	form   spawnForm  // a spawn's
	targ   types.Type // a spawn's future's output: rt's form's type argument (not for a JoinSet)
	method string     // the Context's method for a call of asyncrules.ContextMethods
}

// inPlace reports whether call, a suspension point by the twin rule with
// twin tw, is one whose twin's future is ready at its first poll with
// what a call with the poll's Context returns, and whose form with the
// Context can be written here: a spawn (rt.Spawn(f) is rt.SpawnIn[T](cx,
// f)) or a call of asyncrules.ContextMethods (rt.Now() is cx.Now()). Then it is no
// suspension point (Go's order of evaluation holds with the call where it
// stands, and nothing around it is spilled), and the printer writes it in
// that form (irFunc.writeInPlace). A spawn through a func value, or whose
// type argument cannot be spelled here, stays a suspension point: an await
// of its twin's future, which is ready at once.
func (g *pkgGen) inPlace(fn *asyncFunc, call *ast.CallExpr, tw *twin) bool {
	sc := &inPlaceCall{call: call, tw: tw}
	if form, ok := g.spawnFormOf(call, tw); ok {
		sc.form = form
		if !form.set {
			targs := g.calleeTypeArgs(call)
			if len(targs) != 1 || !g.spellableAll(targs) {
				return false
			}
			sc.targ = targs[0]
		}
	} else if m := g.contextMethodOf(call, tw); m != "" {
		sc.method = m
	} else {
		return false
	}
	if g.inPlaceAt == nil {
		g.inPlaceAt = map[token.Pos]*inPlaceCall{}
	}
	g.inPlaceAt[call.Lparen] = sc
	fn.inPlace = append(fn.inPlace, call)
	return true
}

// contextMethodOf returns the Context's method that call, a suspension
// point with twin tw, is written as (asyncrules.ContextMethods); "" for
// any other.
func (g *pkgGen) contextMethodOf(call *ast.CallExpr, tw *twin) string {
	if tw == nil || tw.fn == nil {
		return ""
	}
	m := g.rules().ContextMethod(call)
	if m == "" {
		return ""
	}
	f, _ := g.callee(call)
	if tw.fn.Pkg() != f.Pkg() || tw.fn.Name() != f.Name()+"Async" {
		return ""
	}
	return m
}

// spawnFormOf returns the form of call, a suspension point with twin tw,
// where it is one of rt's spawns called directly (not through a func value
// or a method expression).
func (g *pkgGen) spawnFormOf(call *ast.CallExpr, tw *twin) (spawnForm, bool) {
	if tw == nil || tw.fn == nil || tw.fn.Pkg() == nil || tw.fn.Pkg().Path() != rtPath || len(call.Args) == 0 {
		return spawnForm{}, false
	}
	name := tw.fn.Name()
	if recv := tw.fn.Type().(*types.Signature).Recv(); recv != nil {
		t := recv.Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		n, ok := types.Unalias(t).(*types.Named)
		if !ok {
			return spawnForm{}, false
		}
		name = n.Obj().Name() + "." + name
	}
	form, ok := spawnForms[name]
	if !ok {
		return form, false
	}
	f, _ := g.callee(call)
	if f == nil || f.Pkg() == nil || f.Pkg().Path() != rtPath || f.Name() != form.name {
		return form, false
	}
	if form.set {
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok || g.info.Selections[sel] == nil || g.info.Selections[sel].Kind() != types.MethodVal {
			return form, false
		}
	}
	return form, true
}

// spawnedFuture reports whether call, a suspension point with twin tw,
// spawns the future of an async function of the package made by its twin
// on the spot (rt.Spawn(FAsync(x)), rt.SpawnNamed(name, FAsync(x)),
// set.Spawn(FAsync(x))): then the spawn takes the future by value, through
// F's by-value constructor, and the task and the future are one allocation
// instead of two. It returns F, the twin call and the call's type
// arguments for F; nil where the future cannot be written here (a method, a
// generic instance whose type arguments cannot be spelled).
func (g *pkgGen) spawnedFuture(call *ast.CallExpr, tw *twin) (c *asyncFunc, arg *ast.CallExpr, targs []types.Type) {
	if _, ok := g.spawnFormOf(call, tw); !ok {
		return nil, nil, nil
	}
	arg, _ = ast.Unparen(call.Args[len(call.Args)-1]).(*ast.CallExpr)
	if arg == nil {
		return nil, nil, nil
	}
	f, _ := g.callee(arg)
	if f == nil || f.Pkg() != g.pkg || f.Type().(*types.Signature).Recv() != nil {
		return nil, nil, nil
	}
	base, ok := strings.CutSuffix(f.Name(), "Async")
	if !ok {
		return nil, nil, nil
	}
	fobj, _ := g.pkg.Scope().Lookup(base).(*types.Func)
	c = g.asyncOf[fobj]
	if c == nil || c.closure != nil || c.decl.Recv != nil || c.failed {
		return nil, nil, nil
	}
	targs = g.calleeTypeArgs(arg)
	if len(targs) != c.tparams().Len() || !g.spellableAll(targs) {
		return nil, nil, nil
	}
	return c, arg, targs
}
