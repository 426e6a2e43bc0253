package main

// Emission, the last pass: the Go text of one function's future type, its
// constructor (the twin), Poll and Cancel, from the IR. It reads the IR and
// changes nothing in it; package references and predeclared names it writes
// are recorded in the pkgGen (g.marker, g.needUniverse) for the file.

import (
	"fmt"
	"go/token"
	"go/types"
	"path/filepath"
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
func (g *pkgGen) lowerFunc(of *outFile, fn *asyncFunc) (string, bool) {
	if fn.failed {
		return "", false
	}
	g.missing = nil
	ir := g.newIR(of, fn)
	ir.escapes()
	if !g.lower(ir) || !ir.checked("lower") {
		return "", false
	}
	ir.thread()
	if !ir.checked("thread") {
		return "", false
	}
	ir.number()
	if !ir.checked("number") {
		return "", false
	}
	ir.liveness()
	if !ir.checked("liveness") {
		return "", false
	}
	if !ir.layout() || !ir.checked("layout") {
		return "", false
	}
	return g.emitFunc(ir)
}

// emitter writes one function's declarations.
type emitter struct {
	g       *pkgGen
	ir      *irFunc
	b       strings.Builder
	display string // F, or T.M
	fut     string // Poll's receiver
	rtm     string // rt, as a marker
}

func (e *emitter) p(format string, args ...any) { fmt.Fprintf(&e.b, format, args...) }

// emitFunc writes the function's declarations as Go text with markers:
// the future type, the twin (and the by-value constructor an inlining
// caller uses), Poll, Cancel and the drift guard.
func (g *pkgGen) emitFunc(ir *irFunc) (string, bool) {
	e := &emitter{g: g, ir: ir, display: displayName(ir.fn), fut: ir.nFut, rtm: g.marker(rtPath, "rt")}
	e.futureType()
	e.twins()
	e.poll()
	e.cancel()
	e.guard()
	if len(g.missing) > 0 {
		var names []string
		for n := range g.missing {
			names = append(names, n)
		}
		sort.Strings(names)
		fname := ir.fn.decl.Name.Name
		g.errorf(ir.fn.decl.Pos(), "the package redeclares the predeclared %s, which the code generated for async function %s must name; rename the package's %s", strings.Join(names, ", "), fname, strings.Join(names, ", "))
		return "", false
	}
	return e.b.String(), true
}

// futureType declares the future's struct and records its layout for -sizes.
func (e *emitter) futureType() {
	g, ir, p := e.g, e.ir, e.p
	srcPos := g.fset.Position(ir.fn.decl.Pos())
	where := fmt.Sprintf("%s:%d", filepath.Base(srcPos.Filename), srcPos.Line)
	p("// %s is the state machine of %s (%s).\n", ir.futName, e.display, where)
	p("type %s struct {\n%s %s // the next case of Poll; -1 once done\n", ir.futName, ir.nState, g.stateType())
	declaredField := map[string]bool{}
	st := g.stateType()
	layout := []sizeField{{ir.nState, types.Universe.Lookup(st).Type(), st, ""}}
	for _, v := range ir.vars {
		switch {
		case v.param && v.cell:
			p("%s *%s\n", v.name, g.typeText(v.typ))
			layout = append(layout, sizeField{v.name, types.NewPointer(v.typ), "*" + g.typeString(v.typ), ""})
		case v.param:
			p("%s %s\n", v.name, g.typeText(v.typ))
			layout = append(layout, sizeField{v.name, v.typ, g.typeString(v.typ), ""})
		case v.field && ir.used[v] && !declaredField[v.name]:
			declaredField[v.name] = true // variables may share a field (liveness.go)
			if v.cell {
				p("%s *%s\n", v.name, g.typeText(v.typ))
				layout = append(layout, sizeField{v.name, types.NewPointer(v.typ), "*" + g.typeString(v.typ), ""})
			} else {
				p("%s %s\n", v.name, g.typeText(v.typ))
				layout = append(layout, sizeField{v.name, v.typ, g.typeString(v.typ), ""})
			}
		}
	}
	for _, a := range ir.awaits {
		p("%s %s\n", a.name, a.typ)
		layout = append(layout, sizeField{a.name, a.t, g.typeString(a.t), ""})
	}
	for _, c := range ir.children {
		p("%s %s // %s's future, held by value\n", ir.childField[c], c.futName, displayName(c))
		layout = append(layout, sizeField{ir.childField[c], nil, c.futName, c.futName})
	}
	p("}\n\n")
	g.sizes = append(g.sizes, &futureSize{pkg: g.pkg.Path(), name: ir.futName, fn: e.display, pos: posString(g.fset, ir.fn.decl.Pos()), fields: layout})
}

// twins writes FAsync and, when a caller inlines the future, its by-value
// constructor.
func (e *emitter) twins() {
	g, ir, p := e.g, e.ir, e.p
	fn := ir.fn
	fname := fn.decl.Name.Name
	p("// %sAsync is the asynchronous twin of %s: it returns a future that runs the\n", fname, fname)
	p("// body of %s as a state machine, suspending where %s would block.\n", fname, fname)
	p("func ")
	if fn.decl.Recv != nil {
		rn := "_"
		if ir.recv != nil {
			rn = ir.recv.name
		}
		p("(%s %s) ", rn, g.typeText(fn.sig.Recv().Type()))
	}
	// The parameter list and the future's initial fields, shared by the
	// twin and the by-value constructor.
	var plist, inits []string
	for i, v := range ir.params {
		name := "_"
		if v != nil {
			name = v.name
		}
		t := fn.sig.Params().At(i).Type()
		if fn.sig.Variadic() && i == len(ir.params)-1 {
			plist = append(plist, name+" ..."+g.typeText(t.(*types.Slice).Elem()))
		} else {
			plist = append(plist, name+" "+g.typeText(t))
		}
	}
	for _, v := range append([]*variable{ir.recv}, ir.params...) {
		switch {
		case v == nil:
		case v.cell:
			inits = append(inits, v.name+": &"+v.name)
		default:
			inits = append(inits, v.name+": "+v.name)
		}
	}
	p("%sAsync(%s) %s {\nreturn &%s{%s}\n}\n\n", fname, strings.Join(plist, ", "), g.typeText(g.futureOf(ir.out)), ir.futName, strings.Join(inits, ", "))
	if fn.initName != "" {
		// The future by value, for callers in the package that hold it
		// inline (inline.go); only plain functions, so no receiver.
		p("// %s makes %s's future by value, for an async caller that holds it inline.\n", fn.initName, e.display)
		p("func %s(%s) %s {\nreturn %s{%s}\n}\n\n", fn.initName, strings.Join(plist, ", "), ir.futName, ir.futName, strings.Join(inits, ", "))
	}
}

// poll writes Poll: the locals, then a loop over a switch with one case
// per state.
func (e *emitter) poll() {
	g, ir, p := e.g, e.ir, e.p
	outText := g.typeText(ir.out)
	p("// Poll advances %s to its next suspension point; see rt.Future.\n", e.display)
	g.needUniverse("bool")
	p("func (%s *%s) Poll(%s *%s.Context) (%s, bool) {\n", e.fut, ir.futName, ir.nCx, e.rtm, outText)
	if len(ir.awaits) > 0 {
		p("var %s %s\nvar %s bool\n", ir.nZero, outText, ir.nReady)
	}
	var unread []string
	for _, v := range ir.vars {
		if ir.used[v] && !v.field && !v.param && v.machine {
			t := g.typeText(v.typ)
			if v.cell {
				t = "*" + t
			}
			p("var %s %s\n", v.name, t)
			if !ir.read[v] {
				unread = append(unread, v.name)
			}
		}
	}
	// A variable the source reads only in code that lowering removed (a
	// range expression that is not evaluated, say) is still "used".
	for _, n := range unread {
		p("_ = %s\n", n)
	}
	for _, c := range ir.consts {
		p("%s\n", ir.constDecl(c.consts))
	}
	p("%s := %s.%s\n", ir.nState, e.fut, ir.nState)
	if ir.labelUsed {
		p("%s:\n", ir.pollLabel)
	}
	p("for {\nswitch %s {\n", ir.nState)
	for i, blk := range ir.reach {
		e.state(i, blk)
	}
	p("default:\n%s%s\n}\n}\n}\n\n", resetMark, g.panicText("corio: "+e.display+"Async future polled after it completed or was cancelled"))
}

// state writes the case of Poll's switch that runs block blk, the i-th.
func (e *emitter) state(i int, blk *block) {
	g, ir, p, f := e.g, e.ir, e.p, e.fut
	p("case %d:", blk.state)
	if i == 0 {
		p(" // %s starts", e.display)
	} else if blk.resume != nil {
		pos := g.fset.Position(blk.resume.pos)
		p(" // resumes at %s:%d:%d", filepath.Base(pos.Filename), pos.Line, pos.Column)
	}
	p("\n")
	if r := blk.resume; r != nil {
		dst := "_"
		if r.dst != nil {
			dst = ir.loc(r.dst)
		}
		p("%s%s, %s = %s.%s.Poll(%s)\n"+resetMark+"if !%s {\n%s.%s = %d\nreturn %s, %s\n}\n%s.%s = %s\n",
			ir.directive(r.pos), dst, ir.nReady, f, r.field, ir.nCx, ir.nReady, f, ir.nState, blk.state, ir.nZero, g.univ("false"), f, r.field, g.nilOf(g.futureOf(r.out)))
		if r.child != nil {
			// The finished child keeps nothing reachable.
			p("%s.%s = %s{}\n", f, r.cfield, r.child.futName)
		}
	}
	for _, s := range blk.stmts {
		if text := ir.printInstr(s); text != "" {
			// No position: glue of the lowering, not the user's code.
			p("%s%s\n", ir.directiveOr(s.at()), text)
		}
	}
	next := i + 1
	goTo := func(to *block) string {
		if to.state == next {
			return "fallthrough"
		}
		return fmt.Sprintf("%s = %d\ncontinue", ir.nState, to.state)
	}
	switch t := blk.term.(type) {
	case *jumpTerm:
		p("%s%s\n", resetMark, goTo(t.to))
	case *ifTerm:
		cond := ir.printIn(t.cond, t)
		switch {
		case t.then.state == next:
			p("%sif !(%s) {\n%s%s = %d\ncontinue\n}\nfallthrough\n", ir.directiveOr(t.pos), cond, resetMark, ir.nState, t.els.state)
		case t.els.state == next:
			p("%sif %s {\n%s%s = %d\ncontinue\n}\nfallthrough\n", ir.directiveOr(t.pos), cond, resetMark, ir.nState, t.then.state)
		default:
			p("%sif %s {\n%s%s = %d\n} else {\n%s = %d\n}\ncontinue\n", ir.directiveOr(t.pos), cond, resetMark, ir.nState, t.then.state, ir.nState, t.els.state)
		}
	case *returnTerm:
		sp := &stmtPrinter{ir: ir, binds: map[*variable]bool{}}
		p("%s\n", render(sp.returnStmt(t.results, t.pos, nil)))
	case *awaitTerm:
		if t.child != nil {
			p("%s%s.%s = %s\n%s%s.%s = &%s.%s\n", ir.directive(t.pos), f, t.cfield, ir.print(t.fut), resetMark, f, t.field, f, t.cfield)
		} else {
			p("%s%s.%s = %s\n%s", ir.directive(t.pos), f, t.field, ir.print(t.fut), resetMark)
		}
		// Dead pointer fields are cleared before suspending, so the
		// sleeping task keeps nothing reachable that it will not use.
		for _, v := range t.clear {
			z := g.zeroText(v.typ)
			if v.cell {
				z = g.nilOf(types.NewPointer(v.typ))
			}
			p("%s = %s\n", ir.loc(v), z)
		}
		p("%s\n", goTo(t.next))
	case *panicTerm:
	case *unreachableTerm:
		p("%s%s\n", resetMark, g.panicText("corio: "+e.display+"Async: unreachable end of function"))
	}
}

// cancel writes Cancel, which cancels the pending await.
func (e *emitter) cancel() {
	g, ir, p, f := e.g, e.ir, e.p, e.fut
	p("// Cancel abandons the future: it cancels the future it awaits, if any; see\n// rt.Canceler. The future must not be polled afterwards.\n")
	p("func (%s *%s) Cancel() {\n", f, ir.futName)
	for _, a := range ir.awaits {
		nilA := g.nilOf(a.t)
		p("if %s.%s != %s {\n%s.Cancel(%s.%s)\n%s.%s = %s\n}\n", f, a.name, nilA, e.rtm, f, a.name, f, a.name, nilA)
	}
	p("%s.%s = -1\n}\n\n", f, ir.nState)
}

// guard writes the drift guard: a declaration that no longer compiles once
// the function's signature changes.
func (e *emitter) guard() {
	g, fn := e.g, e.ir.fn
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
	guardT := g.typeText(types.NewSignatureType(nil, nil, nil, types.NewTuple(gp...), types.NewTuple(gr...), fn.sig.Variadic()))
	guardX := fn.decl.Name.Name
	if fn.decl.Recv != nil {
		guardX = "(" + g.typeText(fn.sig.Recv().Type()) + ")." + guardX
	}
	e.p("// If this fails to compile, %s changed since asyncgen ran: run go generate.\nvar _ %s = %s\n", e.display, guardT, guardX)
}
