package main

// Emission, the last pass: the Go text of one function's future type, its
// constructor (the twin), Poll and Cancel, from the IR. It reads the IR and
// changes nothing in it; package references and predeclared names it writes
// are recorded in the pkgGen (g.usePkg, g.needUniverse) for the file.

import (
	"cmp"
	"fmt"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

func (g *pkgGen) uniqueTypeName(base string) string {
	n := base
	for i := 2; g.taken[n] || g.declared[n]; i++ {
		n = fmt.Sprintf("%s%d", base, i)
	}
	g.taken[n] = true
	return n
}

// lowerFunc compiles one async function: the passes of ir.go, in order,
// then emission. sanity.go checks the IR after each pass in the tests.
func (g *pkgGen) lowerFunc(of *outFile, fn *asyncFunc) (code, bool) {
	if fn.failed {
		return code{}, false
	}
	g.missing = nil
	ir := g.newIR(of, fn)
	ir.escapes()
	if !g.lower(ir) || !ir.checked("lower") {
		return code{}, false
	}
	ir.thread()
	if !ir.checked("thread") {
		return code{}, false
	}
	ir.number()
	if !ir.checked("number") || !ir.prepareDefers() {
		return code{}, false
	}
	ir.liveness()
	if !ir.checked("liveness") {
		return code{}, false
	}
	if !ir.layout() || !ir.checked("layout") {
		return code{}, false
	}
	return g.emitFunc(ir)
}

// emitter writes one function's declarations.
type emitter struct {
	g       *pkgGen
	ir      *irFunc
	w       *writer
	display string // F, or T.M
	fut     string // Poll's receiver
}

func (e *emitter) p(args ...any) { e.w.put(args...) }

// rt writes a reference to member of package rt.
func (e *emitter) rt(member string) { e.w.qual(rtPath, "rt", member) }

// emitFunc writes the function's declarations: the future type, the twin
// (and the by-value constructor an inlining caller uses), Poll, Cancel and
// the drift guard.
func (g *pkgGen) emitFunc(ir *irFunc) (code, bool) {
	e := &emitter{g: g, ir: ir, w: newWriter(g), display: displayName(ir.fn), fut: ir.nFut}
	e.w.buf = make([]byte, 0, g.codeSize) // about the size of the last function's
	g.usePkg(rtPath, "rt")
	e.futureType()
	e.twins()
	if ir.dnames != nil {
		e.deferMethods()
	}
	e.poll()
	e.pollFrame()
	e.cancel()
	e.trace()
	e.guard()
	if len(g.missing) > 0 {
		var names []string
		for n := range g.missing {
			names = append(names, n)
		}
		sort.Strings(names)
		fname := ir.fn.decl.Name.Name
		g.errorf(ir.fn.decl.Pos(), "the package redeclares the predeclared %s, which the code generated for async function %s must name; rename the package's %s", strings.Join(names, ", "), fname, strings.Join(names, ", "))
		return code{}, false
	}
	g.codeSize = len(e.w.buf)
	return e.w.code, true
}

// futureType declares the future's struct and records its layout for -sizes.
func (e *emitter) futureType() {
	g, ir, p := e.g, e.ir, e.p
	srcPos := g.fset.Position(ir.fn.decl.Pos())
	where := fmt.Sprintf("%s:%d", filepath.Base(srcPos.Filename), srcPos.Line)
	p("// ", ir.futName, " is the state machine of ", e.display, " (", where, ").\n")
	// The fields are collected, then declared: the ones narrower than a
	// word go first, after a 32-bit state, where they share its word
	// instead of each padding a word of its own at the end (see packFields).
	var fields []futField
	add := func(sf sizeField, decl func()) { fields = append(fields, futField{sf, decl}) }
	if ir.nRes != "" {
		add(sizeField{ir.nRes, ir.out, g.typeString(ir.out), ""}, func() {
			p(ir.nRes, " ", ir.out, " // the output, kept by PollFrame for the caller\n")
		})
	}
	field := func(v *variable) {
		if v.boxed {
			t := ir.g.emptyInterface()
			add(sizeField{v.name, t, "any", ""}, func() { p(v.name, " ", t, " // holds ", v.boxT, " (a local type)\n") })
			return
		}
		if v.raw {
			t := rawField(v.typ)
			add(sizeField{v.name, t, g.typeString(t), ""}, func() { p(v.name, " ", t, " // holds a ", v.boxT, " (a local type without pointers)\n") })
			return
		}
		if v.cell {
			add(sizeField{v.name, types.NewPointer(v.typ), "*" + g.typeString(v.typ), ""}, func() { p(v.name, " *", v.typ, "\n") })
		} else {
			add(sizeField{v.name, v.typ, g.typeString(v.typ), ""}, func() { p(v.name, " ", v.typ, "\n") })
		}
	}
	declaredField := map[string]bool{}
	for _, v := range ir.vars {
		switch {
		case v.param:
			field(v)
		case v.field && ir.used[v] && !declaredField[v.name]:
			declaredField[v.name] = true // variables may share a field (liveness.go)
			field(v)
		}
	}
	for _, a := range ir.awaits {
		add(sizeField{a.name, a.t, g.typeString(a.t), ""}, func() { p(a.name, " ", a.t, "\n") })
	}
	e.deferFields(func(name string, t types.Type) {
		add(sizeField{name, t, g.typeString(t), ""}, func() { p(name, " ", t, "\n") })
	})
	var childArgs map[string][]types.Type
	for _, c := range ir.children {
		add(sizeField{c.field, nil, g.typeString(c.t), c.fn.futName}, func() {
			p(c.field, " ", c.t, " // ", displayName(c.fn), "'s future, held by value\n")
		})
		if len(c.targs) > 0 {
			if childArgs == nil {
				childArgs = map[string][]types.Type{}
			}
			childArgs[c.field] = c.targs
		}
	}
	st := g.stateType()
	if packed, ok := packFields(fields); ok && !g.shadowed["int32"] {
		st, fields = "int32", packed
	}
	p("type ", ir.futName)
	e.w.tparamDecl(ir.fn.tparams())
	p(" struct {\n", ir.nState, " ", st, " // the next case of Poll; -1 once done\n")
	layout := []sizeField{{ir.nState, types.Universe.Lookup(st).Type(), st, ""}}
	for _, f := range fields {
		f.decl()
		layout = append(layout, f.sf)
	}
	p("}\n\n")
	g.sizes = append(g.sizes, &futureSize{pkg: g.pkg.Path(), name: ir.futName, fn: e.display, pos: posString(g.fset, ir.fn.decl.Pos()), fields: layout,
		tparams: typeParams(ir.fn.tparams()), childArgs: childArgs})
}

// futField is a field of the future: its layout entry and what declares it.
type futField struct {
	sf   sizeField
	decl func()
}

// packFields puts the fields narrower than a word (on 64-bit targets: bools,
// small integers, byte arrays, the defers' bookkeeping) first, widest
// alignment first and otherwise in order, so that with a 32-bit state they
// fill the state's word; ok is false when there is none, and the state
// stays an int. The order changes nothing but the layout: every field is
// named wherever it is used.
func packFields(fields []futField) (packed []futField, ok bool) {
	align := func(f futField) int64 {
		if f.sf.t == nil || sizedByTypeParam(f.sf.t) {
			return 8 // an inlined child, or a size only the instance knows
		}
		return gcSizes.Alignof(f.sf.t)
	}
	var narrow, wide []futField
	for _, f := range fields {
		if align(f) < 8 {
			narrow = append(narrow, f)
		} else {
			wide = append(wide, f)
		}
	}
	if len(narrow) == 0 {
		return fields, false
	}
	slices.SortStableFunc(narrow, func(a, b futField) int { return cmp.Compare(align(b), align(a)) })
	return append(narrow, wide...), true
}

// twins writes FAsync and, when a caller inlines the future, its by-value
// constructor.
func (e *emitter) twins() {
	g, ir, p := e.g, e.ir, e.p
	fn := ir.fn
	if fn.closure != nil {
		e.closureCtor()
		return
	}
	fname := fn.decl.Name.Name
	p("// ", fname, "Async is the asynchronous twin of ", fname, ": it returns a future that runs the\n")
	p("// body of ", fname, " as a state machine, suspending where ", fname, " would block.\n")
	p("func ")
	if fn.decl.Recv != nil {
		rn := "_"
		if ir.recv != nil {
			rn = ir.recv.name
		}
		p("(", rn, " ", fn.sig.Recv().Type(), ") ")
	}
	tps := fn.tparams()
	// The parameter list and the future's initial fields, shared by the
	// twin and the by-value constructor.
	plist := newWriter(g)
	for i, v := range ir.params {
		name := "_"
		if v != nil {
			name = v.name
		}
		if i > 0 {
			plist.text(", ")
		}
		t := fn.sig.Params().At(i).Type()
		if fn.sig.Variadic() && i == len(ir.params)-1 {
			plist.put(name, " ...", t.(*types.Slice).Elem())
		} else {
			plist.put(name, " ", t)
		}
	}
	var inits []string
	for _, v := range append([]*variable{ir.recv}, ir.params...) {
		switch {
		case v == nil:
		case v.cell:
			inits = append(inits, v.name+": &"+v.name)
		default:
			inits = append(inits, v.name+": "+v.name)
		}
	}
	self := e.self()
	p(fname, "Async")
	if fn.decl.Recv == nil {
		e.w.tparamDecl(tps) // a method's type parameters are its receiver's
	}
	p("(", plist.code, ") ", g.futureOf(ir.out), " {\nreturn &", self, "{", strings.Join(inits, ", "), "}\n}\n\n")
	if fn.newName != "" {
		e.pooled(plist.code, inits)
	}
	if fn.initName != "" {
		// The future by value, for callers in the package that hold it
		// inline (inline.go); only plain functions, so no receiver.
		p("// ", fn.initName, " makes ", e.display, "'s future by value, for an async caller that holds it inline.\n")
		p("func ", fn.initName)
		e.w.tparamDecl(tps)
		p("(", plist.code, ") ", self, " {\nreturn ", self, "{", strings.Join(inits, ", "), "}\n}\n\n")
	}
}

// pooled writes, for a plain function that a caller of the package awaits
// through a pointer (recursion; inline.go's poolable), the rt.FramePool of
// its futures and the constructor that callers use instead of the twin: the
// future that the polling Context's pool keeps, or a new one. params is the
// twin's parameter list, inits its field initializers (name: value).
func (e *emitter) pooled(params code, inits []string) {
	ir, p := e.ir, e.p
	fn := ir.fn
	// Names for the Context and the future that no parameter has.
	taken := map[string]bool{}
	for _, v := range ir.params {
		if v != nil {
			taken[v.name] = true
		}
	}
	fresh := func(base string) string {
		n := base
		for i := 2; taken[n]; i++ {
			n = base + "_" + itoa(i)
		}
		taken[n] = true
		return n
	}
	cx, fut := fresh("cx"), fresh("fut")
	p("// ", fn.poolName, " keeps the futures of completed calls of ", e.display, " for reuse by\n")
	p("// its callers in the package, which await it through a pointer; see rt.FramePool.\n")
	p("var ", fn.poolName, " ")
	e.rt("FramePool")
	p("[", ir.futName, "]\n\n")
	p("// ", fn.newName, " makes ", e.display, "'s future for an async caller of the package that\n")
	p("// holds it through a pointer: one that ", fn.poolName, " keeps for ", cx, ", or a new one.\n")
	p("func ", fn.newName, "(", cx, " *")
	e.rt("Context")
	if !params.empty() {
		p(", ", params)
	}
	p(") *", ir.futName, " {\n", fut, " := ", fn.poolName, ".Get(", cx, ")\n")
	for _, in := range inits {
		name, val, _ := strings.Cut(in, ": ")
		p(fut, ".", name, " = ", val, "\n")
	}
	p("return ", fut, "\n}\n\n")
}

// poll writes Poll: the locals, then a loop over a switch with one case
// per state.
func (e *emitter) poll() {
	g, ir, p := e.g, e.ir, e.p
	// Poll, or the method Poll calls: with defers, Poll runs them when a
	// panic leaves it (defer.go); with live ranges over functions, the
	// method unwinds their iterators first (rangefunc.go).
	pollName := "Poll"
	if ir.dnames != nil {
		pollName = ir.dnames.poll
	}
	pollName = e.rangePoll(pollName)
	p("// ", pollName, " advances ", e.display, " to its next suspension point; see rt.Future.\n")
	g.needUniverse("bool")
	p("func (", e.fut, " *", e.self(), ") ", pollName, "(", ir.nCx, " *")
	e.rt("Context")
	p(") (", ir.out, ", bool) {\n")
	e.localTypeDecls()
	if len(ir.awaits) > 0 {
		p("var ", ir.nZero, " ", ir.out, "\nvar ", ir.nReady, " bool\n")
	}
	if ir.nDriven != "" {
		// fresh: the awaited frame was made in this call of Poll (its
		// first suspension is not pushed; see rt.Context.ExitFrame).
		p("var ", ir.nDriven, ", ", ir.nFresh, " bool\n")
	}
	var unread []string
	for _, v := range ir.vars {
		if ir.used[v] && !v.field && !v.param && v.machine {
			p("var ", v.name, " ")
			if v.cell {
				p("*")
			}
			p(v.typ, "\n")
			if !ir.read[v] {
				unread = append(unread, v.name)
			}
		}
	}
	// A variable the source reads only in code that lowering removed (a
	// range expression that is not evaluated, say) is still "used".
	for _, n := range unread {
		p("_ = ", n, "\n")
	}
	for _, c := range ir.consts {
		p(ir.constDecl(c.consts), "\n")
	}
	p(ir.nState, " := ", e.fut, ".", ir.nState, "\n")
	if ir.labelUsed {
		p(ir.pollLabel, ":\n")
	}
	p("for {\nswitch ", ir.nState, " {\n")
	for i, blk := range ir.reach {
		e.state(i, blk)
	}
	if ir.fn.frame {
		p("case -2: // completed as a frame (PollFrame): the output goes to the caller\n", resetMark, e.fut, ".", ir.nState, " = -1\nreturn ")
		if ir.nRes != "" {
			p(e.fut, ".", ir.nRes)
		} else {
			p("struct{}{}")
		}
		p(", ", g.univ("true"), "\n")
	}
	p("default:\n", resetMark)
	e.w.panic("corio: " + e.display + "Async future polled after it completed or was cancelled")
	p("\n}\n}\n}\n\n")
}

// state writes the case of Poll's switch that runs block blk, the i-th.
func (e *emitter) state(i int, blk *block) {
	g, ir, p, f := e.g, e.ir, e.p, e.fut
	p("case ", blk.state, ":")
	if i == 0 {
		p(" // ", e.display, " starts")
	} else if blk.resume != nil {
		pos := g.fset.Position(blk.resume.pos)
		p(fmt.Sprintf(" // resumes at %s:%d:%d", filepath.Base(pos.Filename), pos.Line, pos.Column))
	}
	p("\n")
	if r := blk.resume; r != nil {
		dst := "_"
		if r.dst != nil {
			dst = ir.access(r.dst)
			if r.dst.boxed {
				// A new box for the output (localtype.go).
				p(ir.store(r.dst), " = ")
				e.w.newOf(r.dst.typ, "")
				p("\n")
			}
		}
		held := newWriter(g)  // the awaited future, as its own type
		if r.byValue != nil { // polled in place (the by-value rule)
			held.put("(&", f, ".", r.field, ")")
		} else if r.view != nil {
			held.put(e.view(r))
		} else {
			held.put(f, ".", r.field)
		}
		if r.assert != nil { // a shared field (layout.go)
			held.put(".(", r.assert, ")")
		}
		if r.driven() {
			// The driver may be polling this future directly: then the
			// frame it awaits is driven too, and if it suspends again the
			// driver pushes it and resumes it first (rt.Frame).
			// A future with a pending defer that may recover polls its
			// frames itself: its Poll stays on the Go stack, where a
			// panic below it unwinds through its defers and recover
			// (defer.go). One whose defers cannot recover lets the
			// driver bypass it: a panic that leaves the driven frames
			// cancels the driver's root, which runs its pending defers
			// while the panic is in flight (rt's runStack).
			p(resetMark, ir.nDriven, " = ")
			if ir.dnames != nil && ir.defersMayRecover() {
				p("!(", ir.pending(), ") && ")
			}
			p(ir.nCx, ".EnterFrame(", f, ", ", f, ".", r.field, ")\n")
		}
		p(ir.directive(r.pos), dst, ", ", ir.nReady, " = ", held.code, ".Poll(", ir.nCx, ")\n")
		if r.driven() {
			p(resetMark, "if ", ir.nDriven, " {\n", ir.nCx, ".ExitFrame(", f, ", ", held.code, ", ", ir.nReady, ", ", ir.nFresh, ")\n}\n")
		}
		p(resetMark, "if !", ir.nReady, " {\n", f, ".", ir.nState, " = ", blk.state, "\nreturn ", ir.nZero, ", ", g.univ("false"), "\n}\n")
		if r.frame != nil && r.child == nil && r.frame.newName != "" {
			// Made by the callee's pooled constructor (expr.go's await):
			// done, with its output taken, it goes back to the pool.
			p(r.frame.poolName, ".Put(", ir.nCx, ", ", held.code, ")\n")
		}
		p(f, ".", r.field, " = ")
		if r.byValue != nil {
			e.w.zero(r.byValue)
		} else {
			e.w.nilOf(ir.awaits[len(ir.awaits)-1].t) // by-value fields come first (layout.go)
		}
		p("\n")
		if r.child != nil {
			// The finished child keeps nothing reachable.
			p(f, ".", r.cfield, " = ", r.childType, "{}\n")
		}
	}
	for _, s := range blk.stmts {
		if c := ir.printInstr(s); !c.empty() {
			// No position: glue of the lowering, not the user's code.
			p(ir.directiveOr(s.at()), c, "\n")
		}
	}
	next := i + 1
	goTo := func(to *block) {
		if to.state == next {
			p("fallthrough")
			return
		}
		p(ir.nState, " = ", to.state, "\ncontinue")
	}
	switch t := blk.term.(type) {
	case *jumpTerm:
		p(resetMark)
		goTo(t.to)
		p("\n")
	case *ifTerm:
		cond := ir.printIn(t.cond, t)
		switch {
		case t.then.state == next:
			p(ir.directiveOr(t.pos), "if !(", cond, ") {\n", resetMark, ir.nState, " = ", t.els.state, "\ncontinue\n}\nfallthrough\n")
		case t.els.state == next:
			p(ir.directiveOr(t.pos), "if ", cond, " {\n", resetMark, ir.nState, " = ", t.then.state, "\ncontinue\n}\nfallthrough\n")
		default:
			p(ir.directiveOr(t.pos), "if ", cond, " {\n", resetMark, ir.nState, " = ", t.then.state, "\n} else {\n", ir.nState, " = ", t.els.state, "\n}\ncontinue\n")
		}
	case *returnTerm:
		sp := ir.printer(nil)
		sp.returnStmt(t.results, t.pos, nil)
		p(sp.w.code, "\n")
	case *awaitTerm:
		if t.child != nil {
			p(ir.directive(t.pos), f, ".", t.cfield, " = ", ir.print(t.fut), "\n", resetMark, f, ".", t.field, " = &", f, ".", t.cfield, "\n")
		} else if t.view != nil {
			p(ir.directive(t.pos), e.view(t), " = ", ir.print(t.fut), "\n", resetMark)
		} else {
			p(ir.directive(t.pos), f, ".", t.field, " = ", ir.print(t.fut), "\n", resetMark)
		}
		if t.driven() {
			p(ir.nFresh, " = ", g.univ("true"), "\n")
		}
		// Dead pointer fields are cleared before suspending, so the
		// sleeping task keeps nothing reachable that it will not use.
		for _, v := range t.clear {
			p(ir.store(v), " = ")
			if v.boxed {
				e.w.nilOf(g.emptyInterface())
			} else if v.cell {
				e.w.nilOf(types.NewPointer(v.typ))
			} else {
				e.w.zero(v.typ)
			}
			p("\n")
		}
		goTo(t.next)
		p("\n")
	case *panicTerm:
	case *unreachableTerm:
		p(resetMark)
		e.w.panic("corio: " + e.display + "Async: unreachable end of function")
		p("\n")
	}
}

// pollFrame writes PollFrame for a future that async functions of the
// package await: it keeps the output, and Poll's case -2 hands it to the
// caller (see rt.Frame).
func (e *emitter) pollFrame() {
	g, ir, p, f := e.g, e.ir, e.p, e.fut
	if !ir.fn.frame {
		return
	}
	g.needUniverse("bool")
	p("// PollFrame polls the future as a frame of a driver's stack; see rt.Frame.\n")
	p("func (", f, " *", e.self(), ") PollFrame(", ir.nCx, " *")
	e.rt("Context")
	p(") bool {\n")
	if ir.nRes != "" {
		p("v, done := ", f, ".Poll(", ir.nCx, ")\nif done {\n", f, ".", ir.nRes, " = v\n", f, ".", ir.nState, " = -2\n}\nreturn done\n}\n\n")
	} else {
		p("_, done := ", f, ".Poll(", ir.nCx, ")\nif done {\n", f, ".", ir.nState, " = -2\n}\nreturn done\n}\n\n")
	}
}

// cancel writes Cancel, which cancels the pending await (and stops the
// iterators of the ranges over functions it is inside).
func (e *emitter) cancel() {
	ir, p, f := e.ir, e.p, e.fut
	p("// Cancel abandons the future: it cancels the future it awaits, if any; see\n// rt.Canceler. The future must not be polled afterwards.\n")
	p("func (", f, " *", e.self(), ") Cancel() {\n")
	if ir.dnames != nil {
		// The pending defers run after the futures it awaits are
		// cancelled, with no panic of its own in flight; also when one
		// of those panics (a deferred call of theirs did), as a
		// caller's defers run when its callee panics.
		p("defer ", f, ".", ir.dnames.cancel, "()\n")
	}
	for _, a := range ir.awaits {
		if a.byValue {
			// Held by value: pending exactly in the states that resume
			// its awaits; its zero value need not be cancellable.
			if hasCancel(a.t) {
				p("switch ", f, ".", ir.nState, " {\ncase ")
				for i, st := range a.states {
					if i > 0 {
						p(", ")
					}
					p(st)
				}
				p(":\n(&", f, ".", a.name, ").Cancel()\n}\n")
			}
			p(f, ".", a.name, " = ")
			e.w.zero(a.t)
			p("\n")
			continue
		}
		nilA := newWriter(e.g)
		nilA.nilOf(a.t)
		if a.shared {
			// Futures of several types: cancel whichever it holds.
			p("if ", f, ".", a.name, " != ", nilA.code, " {\nif c, ok := ", f, ".", a.name, ".(")
			e.rt("Canceler")
			p("); ok {\nc.Cancel()\n}\n", f, ".", a.name, " = ", nilA.code, "\n}\n")
			continue
		}
		p("if ", f, ".", a.name, " != ", nilA.code, " {\n")
		if a.frame {
			p(f, ".", a.name, ".Cancel()\n") // a generated future: no interface
		} else {
			e.rt("Cancel")
			p("(", f, ".", a.name, ")\n")
		}
		p(f, ".", a.name, " = ", nilA.code, "\n}\n")
	}
	e.cancelRanges()
	p(f, ".", ir.nState, " = -1\n")
	p("}\n\n")
}

// view is the shared await field of t, declared as another rt.Future
// interface, as t's own rt.Future type (layout.go): *(*rt.Future[T])(
// unsafe.Pointer(&fut.aw0)), to store into and poll.
func (e *emitter) view(t *awaitTerm) code {
	w := newWriter(e.g)
	w.put("(*(*", t.view, ")(")
	w.qual("unsafe", "unsafe", "Pointer")
	w.put("(&", e.fut, ".", t.field, ")))")
	return w.code
}

// self is the future's own type as its methods and twin write it: fFuture,
// or fFuture[T, U] for a generic function or a method of a generic type.
func (e *emitter) self() code {
	w := newWriter(e.g)
	w.text(e.ir.futName)
	w.tparamNames(e.ir.fn.tparams())
	return w.code
}

// hasCancel reports whether *t has the method Cancel().
func hasCancel(t types.Type) bool {
	obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(t), true, nil, "Cancel")
	m, ok := obj.(*types.Func)
	if !ok {
		return false
	}
	sig := m.Type().(*types.Signature)
	return sig.Params().Len() == 0 && sig.Results().Len() == 0
}

// guard writes the drift guard: a declaration that no longer compiles once
// the function's signature changes.
func (e *emitter) guard() {
	fn := e.ir.fn
	if fn.closure != nil {
		return // no declared function to drift from
	}
	// Unnamed parameters: a receiver cannot be named alongside them.
	var gp, gr []*types.Var
	if fn.decl.Recv != nil {
		gp = append(gp, types.NewParam(token.NoPos, nil, "", fn.sig.Recv().Type()))
	}
	for i := 0; i < fn.sig.Params().Len(); i++ {
		gp = append(gp, types.NewParam(token.NoPos, nil, "", fn.sig.Params().At(i).Type()))
	}
	for i := 0; i < fn.sig.Results().Len(); i++ {
		gr = append(gr, types.NewParam(token.NoPos, nil, "", fn.sig.Results().At(i).Type()))
	}
	guardT := types.NewSignatureType(nil, nil, nil, types.NewTuple(gp...), types.NewTuple(gr...), fn.sig.Variadic())
	e.p("// If this fails to compile, ", e.display, " changed since asyncgen ran: run go generate.\n")
	tps := fn.tparams()
	if tps.Len() > 0 {
		// A generic function has no value: the guard instantiates it with
		// its own type parameters, inside a blank generic function.
		e.p("func _")
		e.w.tparamDecl(tps)
		e.p("() {\nvar _ ", guardT, " = ")
	} else {
		e.p("var _ ", guardT, " = ")
	}
	if fn.decl.Recv != nil {
		e.p("(", fn.sig.Recv().Type(), ").", fn.decl.Name.Name)
	} else {
		e.p(fn.decl.Name.Name)
		e.w.tparamNames(tps)
	}
	if tps.Len() > 0 {
		e.p("\n}")
	}
	e.p("\n")
}
