package main

// Stage 5: emit. Decide where each variable lives (liveness), number the
// states, and write the future type, its constructor (the twin), Poll and
// Cancel.
//
// Where each variable lives is decided in liveness.go.

import (
	"fmt"
	"go/ast"
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

func (g *pkgGen) lowerFunc(of *outFile, fn *asyncFunc) (string, bool) {
	nerr := len(g.errs)
	susp := fn.susp
	if fn.failed {
		return "", false
	}
	fd := fn.decl
	fname := fd.Name.Name
	l := &lowerer{
		g: g, fn: fn, susp: susp,
		objVar: map[types.Object]*variable{}, refVar: map[*ast.Ident]*variable{},
		rawVar: map[*ast.Ident]*variable{}, extJump: map[*ast.BranchStmt]*block{},
		names: map[string]bool{},
	}
	for c := range susp {
		l.spans = append(l.spans, c)
	}
	sort.Slice(l.spans, func(i, j int) bool { return l.spans[i].Pos() < l.spans[j].Pos() })
	l.out = g.outputType(fn.sig.Results())

	// Names (naming.go): the file's import names are in scope here too.
	for _, imp := range of.file.Imports {
		if imp.Name != nil {
			l.names[imp.Name.Name] = true
		}
	}
	// Fields share a namespace with the future's methods.
	l.names["Poll"], l.names["Cancel"] = true, true
	g.missing = nil
	// User labels keep their names (they stay in verbatim code); the label
	// of Poll's loop must differ from them.
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if ls, ok := n.(*ast.LabeledStmt); ok {
			l.names[ls.Label.Name] = true
		}
		return true
	})
	l.nFut, l.nCx, l.nState = l.name("fut"), l.name("cx"), l.name("state")
	l.nZero, l.nReady, l.pollLabel = l.name("zero"), l.name("ready"), l.name("poll")

	// Variables: receiver, parameters, named results, then the body's.
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
		if v := l.objVar[obj]; v != nil {
			return v
		}
		v := &variable{name: l.name(id.Name), typ: obj.Type(), obj: obj}
		l.objVar[obj] = v
		l.vars = append(l.vars, v)
		return v
	}
	var params []*variable // in signature order; nil for unnamed or blank
	var recv *variable
	if fd.Recv != nil {
		for _, f := range fd.Recv.List {
			for _, n := range f.Names {
				if n.Name != "_" {
					recv = addVar(n)
					recv.param, recv.machine = true, true
				}
			}
		}
	}
	for _, f := range fd.Type.Params.List {
		if len(f.Names) == 0 {
			params = append(params, nil)
		}
		for _, n := range f.Names {
			var v *variable
			if n.Name != "_" {
				v = addVar(n)
				v.param, v.machine = true, true
			}
			params = append(params, v)
		}
	}
	if fd.Type.Results != nil {
		i := 0
		for _, f := range fd.Type.Results.List {
			for _, n := range f.Names {
				var v *variable
				if n.Name == "_" {
					v = l.temp(fn.sig.Results().At(i).Type(), "result")
				} else {
					v = addVar(n)
					v.machine = true
				}
				l.results = append(l.results, v)
				i++
			}
		}
	}
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			addVar(id)
		}
		return true
	})
	l.escapes()
	// Parameters whose address is taken get a cell too: the twin's
	// parameter itself, whose address the constructor stores.
	for _, v := range append([]*variable{recv}, params...) {
		if v != nil && v.escapes {
			v.cell = true
		}
	}
	for _, v := range l.vars {
		if v.escapes {
			v.bind = l.name(v.name + "_p")
		}
	}

	// Lower.
	l.entry = l.newBlock()
	l.enter(l.entry)
	// A named result whose address is taken gets a cell of its own, like
	// any variable: a pointer into the future would be an interior one.
	for _, v := range l.results {
		if v.escapes && v.obj != nil {
			v.cell = true
			l.emit(&ast.AssignStmt{Lhs: []ast.Expr{l.raw(v)}, Tok: token.ASSIGN, Rhs: []ast.Expr{rawExpr(g.newOf(v.typ, ""))}})
		}
	}
	l.stmtList(fd.Body.List)
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
	if len(g.errs) > nerr {
		return "", false
	}

	l.thread()

	// Reachable blocks, numbered in the order they were filled.
	var reach []*block
	var visit func(b *block)
	visit = func(b *block) {
		if b == nil || b.reach {
			return
		}
		b.reach = true
		reach = append(reach, b)
		for _, s := range successors(b) {
			visit(s)
		}
	}
	visit(l.entry)
	sort.Slice(reach, func(i, j int) bool { return reach[i].order < reach[j].order })
	for i, b := range reach {
		b.state = i
	}
	used, read := l.liveness(reach)
	if sanityChecks {
		if msg := l.sanity(reach); msg != "" {
			g.errorf(fd.Pos(), "asyncgen internal error lowering %s: %s (a bug in asyncgen; please report it with this function)", fname, msg)
			return "", false
		}
	}
	for _, v := range l.vars {
		if !used[v] || v.text != "" {
			continue
		}
		if bad, ok := g.spellable(v.typ); !ok {
			pos, what := fd.Pos(), "a value"
			if v.obj != nil {
				pos, what = v.obj.Pos(), "variable "+v.obj.Name()
			}
			g.errorf(pos, "%s has type %s, which cannot be written outside its package (it involves %s), but the future of %s must declare it; give it a type that can be written, such as an exported interface it implements", what, g.typeString(v.typ), bad, fname)
		}
	}
	if len(g.errs) > nerr {
		return "", false
	}

	// Await fields, one per distinct future type: only one await is pending
	// at a time.
	type awField struct {
		name, typ string
		t         types.Type
	}
	var aws []awField
	awByType := map[string]string{}
	// Inlined child futures, one field per callee: one await is pending
	// at a time, but a field is reused only by the same callee's future.
	childField := map[*asyncFunc]string{}
	var children []*asyncFunc
	for _, b := range reach {
		if t, ok := b.term.(*awaitTerm); ok {
			typ := g.typeText(g.futureOf(t.out))
			if awByType[typ] == "" {
				awByType[typ] = l.name(fmt.Sprintf("aw%d", len(aws)))
				aws = append(aws, awField{awByType[typ], typ, g.futureOf(t.out)})
			}
			t.field = awByType[typ]
			if t.child != nil {
				if childField[t.child] == "" {
					childField[t.child] = l.name("c_" + lowerFirst(t.child.decl.Name.Name))
					children = append(children, t.child)
				}
				t.cfield = childField[t.child]
			}
		}
	}

	// The text.
	srcPos := g.fset.Position(fd.Pos())
	where := fmt.Sprintf("%s:%d", filepath.Base(srcPos.Filename), srcPos.Line)
	display := displayName(fn)
	l.futName = fn.futName
	outText := g.typeText(l.out)
	rtm := g.marker(rtPath, "rt")
	f := l.nFut
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }

	p("// %s is the state machine of %s (%s).\n", l.futName, display, where)
	p("type %s struct {\n%s %s // the next case of Poll; -1 once done\n", l.futName, l.nState, g.stateType())
	declaredField := map[string]bool{}
	st := g.stateType()
	layout := []sizeField{{l.nState, types.Universe.Lookup(st).Type(), st, ""}}
	for _, v := range l.vars {
		switch {
		case v.param && v.cell:
			p("%s *%s\n", v.name, g.typeText(v.typ))
			layout = append(layout, sizeField{v.name, types.NewPointer(v.typ), "*" + g.typeString(v.typ), ""})
		case v.param:
			p("%s %s\n", v.name, g.typeText(v.typ))
			layout = append(layout, sizeField{v.name, v.typ, g.typeString(v.typ), ""})
		case v.field && used[v] && !declaredField[v.name]:
			declaredField[v.name] = true // variables may share a field (liveness.go)
			t := l.varType(v)
			if v.cell {
				t = "*" + t
			}
			p("%s %s\n", v.name, t)
			switch {
			case v.text != "":
				layout = append(layout, sizeField{v.name, types.Typ[types.UnsafePointer], g.unmark(v.text), ""})
			case v.cell:
				layout = append(layout, sizeField{v.name, types.NewPointer(v.typ), "*" + g.typeString(v.typ), ""})
			default:
				layout = append(layout, sizeField{v.name, v.typ, g.typeString(v.typ), ""})
			}
		}
	}
	for _, a := range aws {
		p("%s %s\n", a.name, a.typ)
		layout = append(layout, sizeField{a.name, a.t, g.typeString(a.t), ""})
	}
	for _, c := range children {
		p("%s %s // %s's future, held by value\n", childField[c], c.futName, displayName(c))
		layout = append(layout, sizeField{childField[c], nil, c.futName, c.futName})
	}
	p("}\n\n")
	g.sizes = append(g.sizes, &futureSize{pkg: g.pkg.Path(), name: l.futName, fn: display, pos: posString(g.fset, fd.Pos()), fields: layout})

	// The twin.
	p("// %sAsync is the asynchronous twin of %s: it returns a future that runs the\n", fname, fname)
	p("// body of %s as a state machine, suspending where %s would block.\n", fname, fname)
	p("func ")
	if fd.Recv != nil {
		rn := "_"
		if recv != nil {
			rn = recv.name
		}
		p("(%s %s) ", rn, g.typeText(fn.sig.Recv().Type()))
	}
	// The parameter list and the future's initial fields, shared by the
	// twin and the by-value constructor.
	var plist, inits []string
	for i, v := range params {
		name := "_"
		if v != nil {
			name = v.name
		}
		t := fn.sig.Params().At(i).Type()
		if fn.sig.Variadic() && i == len(params)-1 {
			plist = append(plist, name+" ..."+g.typeText(t.(*types.Slice).Elem()))
		} else {
			plist = append(plist, name+" "+g.typeText(t))
		}
	}
	for _, v := range append([]*variable{recv}, params...) {
		switch {
		case v == nil:
		case v.cell:
			inits = append(inits, v.name+": &"+v.name)
		default:
			inits = append(inits, v.name+": "+v.name)
		}
	}
	p("%sAsync(%s) %s {\nreturn &%s{%s}\n}\n\n", fname, strings.Join(plist, ", "), g.typeText(g.futureOf(l.out)), l.futName, strings.Join(inits, ", "))
	if fn.initName != "" {
		// The future by value, for callers in the package that hold it
		// inline (inline.go); only plain functions, so no receiver.
		p("// %s makes %s's future by value, for an async caller that holds it inline.\n", fn.initName, display)
		p("func %s(%s) %s {\nreturn %s{%s}\n}\n\n", fn.initName, strings.Join(plist, ", "), l.futName, l.futName, strings.Join(inits, ", "))
	}

	// Poll.
	p("// Poll advances %s to its next suspension point; see rt.Future.\n", display)
	g.needUniverse("bool")
	p("func (%s *%s) Poll(%s *%s.Context) (%s, bool) {\n", f, l.futName, l.nCx, rtm, outText)
	if len(aws) > 0 {
		p("var %s %s\nvar %s bool\n", l.nZero, outText, l.nReady)
	}
	var unread []string
	for _, v := range l.vars {
		if used[v] && !v.field && !v.param && v.machine {
			t := l.varType(v)
			if v.cell {
				t = "*" + t
			}
			p("var %s %s\n", v.name, t)
			if !read[v] {
				unread = append(unread, v.name)
			}
		}
	}
	// A variable the source reads only in code that lowering removed (a
	// range expression that is not evaluated, say) is still "used".
	for _, n := range unread {
		p("_ = %s\n", n)
	}
	for _, c := range l.consts {
		p("%s\n", l.print(c))
	}
	p("%s := %s.%s\n", l.nState, f, l.nState)
	body := &strings.Builder{}
	for i, blk := range reach {
		fmt.Fprintf(body, "case %d:", blk.state)
		if i == 0 {
			fmt.Fprintf(body, " // %s starts", display)
		} else if blk.resume != nil {
			pos := g.fset.Position(blk.resume.pos)
			fmt.Fprintf(body, " // resumes at %s:%d:%d", filepath.Base(pos.Filename), pos.Line, pos.Column)
		}
		body.WriteString("\n")
		if r := blk.resume; r != nil {
			dst := "_"
			if r.dst != nil {
				dst = l.loc(r.dst)
			}
			fmt.Fprintf(body, "%s%s, %s = %s.%s.Poll(%s)\n"+resetMark+"if !%s {\n%s.%s = %d\nreturn %s, %s\n}\n%s.%s = %s\n",
				l.directive(r.pos), dst, l.nReady, f, r.field, l.nCx, l.nReady, f, l.nState, blk.state, l.nZero, g.univ("false"), f, r.field, g.nilOf(g.futureOf(r.out)))
			if r.child != nil {
				// The finished child keeps nothing reachable.
				fmt.Fprintf(body, "%s.%s = %s{}\n", f, r.cfield, r.child.futName)
			}
		}
		for _, s := range blk.stmts {
			if text := l.printStmt(s.s); text != "" {
				// No position: glue of the lowering, not the user's code.
				body.WriteString(l.directiveOr(s.pos) + text + "\n")
			}
		}
		next := i + 1
		goTo := func(to *block) string {
			if to.state == next {
				return "fallthrough"
			}
			return fmt.Sprintf("%s = %d\ncontinue", l.nState, to.state)
		}
		switch t := blk.term.(type) {
		case *jumpTerm:
			body.WriteString(resetMark + goTo(t.to) + "\n")
		case *ifTerm:
			cond := l.print(t.cond)
			switch {
			case t.then.state == next:
				fmt.Fprintf(body, "%sif !(%s) {\n%s%s = %d\ncontinue\n}\nfallthrough\n", l.directiveOr(t.pos), cond, resetMark, l.nState, t.els.state)
			case t.els.state == next:
				fmt.Fprintf(body, "%sif %s {\n%s%s = %d\ncontinue\n}\nfallthrough\n", l.directiveOr(t.pos), cond, resetMark, l.nState, t.then.state)
			default:
				fmt.Fprintf(body, "%sif %s {\n%s%s = %d\n} else {\n%s = %d\n}\ncontinue\n", l.directiveOr(t.pos), cond, resetMark, l.nState, t.then.state, l.nState, t.els.state)
			}
		case *returnTerm:
			sp := &stmtPrinter{l: l, binds: map[*variable]bool{}}
			body.WriteString(render(sp.returnStmt(t.results, t.pos)) + "\n")
		case *awaitTerm:
			if t.child != nil {
				fmt.Fprintf(body, "%s%s.%s = %s\n%s%s.%s = &%s.%s\n", l.directive(t.pos), f, t.cfield, l.print(t.fut), resetMark, f, t.field, f, t.cfield)
			} else {
				fmt.Fprintf(body, "%s%s.%s = %s\n%s", l.directive(t.pos), f, t.field, l.print(t.fut), resetMark)
			}
			// Dead pointer fields are cleared before suspending, so the
			// sleeping task keeps nothing reachable that it will not use.
			for _, v := range t.clear {
				var z string
				switch {
				case v.text != "" && g.shadowed["nil"]:
					z = "(struct{ v " + v.text + " }{}).v"
				case v.text != "":
					z = "nil"
				case v.cell:
					z = g.nilOf(types.NewPointer(v.typ))
				default:
					z = render(g.zero(v.typ))
				}
				fmt.Fprintf(body, "%s = %s\n", l.loc(v), z)
			}
			fmt.Fprintf(body, "%s\n", goTo(t.next))
		case *panicTerm:
		case *unreachableTerm:
			fmt.Fprintf(body, "%s%s\n", resetMark, g.panicText("corio: "+display+"Async: unreachable end of function"))
		}
	}
	if l.labelUsed {
		p("%s:\n", l.pollLabel)
	}
	p("for {\nswitch %s {\n%sdefault:\n%s%s\n}\n}\n}\n\n", l.nState, body.String(), resetMark, g.panicText("corio: "+display+"Async future polled after it completed or was cancelled"))

	// Cancel.
	p("// Cancel abandons the future: it cancels the future it awaits, if any; see\n// rt.Canceler. The future must not be polled afterwards.\n")
	p("func (%s *%s) Cancel() {\n", f, l.futName)
	for _, a := range aws {
		nilA := g.nilOf(a.t)
		p("if %s.%s != %s {\n%s.Cancel(%s.%s)\n%s.%s = %s\n}\n", f, a.name, nilA, rtm, f, a.name, f, a.name, nilA)
	}
	p("%s.%s = -1\n}\n\n", f, l.nState)

	// The drift guard.
	// Unnamed parameters: a receiver cannot be named alongside them.
	var gp, gr []*types.Var
	if fd.Recv != nil {
		gp = append(gp, types.NewParam(token.NoPos, nil, "", fn.sig.Recv().Type()))
	}
	for i := 0; i < fn.sig.Params().Len(); i++ {
		gp = append(gp, types.NewParam(token.NoPos, nil, "", fn.sig.Params().At(i).Type()))
	}
	for i := 0; i < fn.sig.Results().Len(); i++ {
		gr = append(gr, types.NewParam(token.NoPos, nil, "", fn.sig.Results().At(i).Type()))
	}
	guardT := g.typeText(types.NewSignatureType(nil, nil, nil, types.NewTuple(gp...), types.NewTuple(gr...), fn.sig.Variadic()))
	guardX := fname
	if fd.Recv != nil {
		guardX = "(" + g.typeText(fn.sig.Recv().Type()) + ")." + fname
	}
	p("// If this fails to compile, %s changed since asyncgen ran: run go generate.\nvar _ %s = %s\n", display, guardT, guardX)
	if len(g.missing) > 0 {
		var names []string
		for n := range g.missing {
			names = append(names, n)
		}
		sort.Strings(names)
		g.errorf(fd.Pos(), "the package redeclares the predeclared %s, which the code generated for async function %s must name; rename the package's %s", strings.Join(names, ", "), fname, strings.Join(names, ", "))
		return "", false
	}
	return b.String(), true
}

func successors(b *block) []*block {
	out := append([]*block(nil), b.extra...)
	switch t := b.term.(type) {
	case *jumpTerm:
		out = append(out, t.to)
	case *ifTerm:
		out = append(out, t.then, t.els)
	case *awaitTerm:
		out = append(out, t.next)
	}
	return out
}

// escapes marks the variables whose address escapes: taken with &, taken
// implicitly by a pointer method or by slicing an array, or captured by a
// closure.
func (l *lowerer) escapes() {
	info := l.g.info
	var root func(e ast.Expr) *variable
	root = func(e ast.Expr) *variable {
		switch e := ast.Unparen(e).(type) {
		case *ast.Ident:
			return l.objVar[info.Uses[e]]
		case *ast.SelectorExpr:
			if sel := info.Selections[e]; sel != nil && sel.Kind() == types.FieldVal && !sel.Indirect() {
				if _, ptr := info.TypeOf(e.X).Underlying().(*types.Pointer); !ptr {
					return root(e.X)
				}
			}
		case *ast.IndexExpr:
			if _, ok := info.TypeOf(e.X).Underlying().(*types.Array); ok {
				return root(e.X)
			}
		}
		return nil
	}
	mark := func(v *variable) {
		if v != nil {
			v.escapes = true
		}
	}
	ast.Inspect(l.fn.decl.Body, func(n ast.Node) bool {
		if n == nil {
			return true
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			ast.Inspect(n.Body, func(m ast.Node) bool {
				if id, ok := m.(*ast.Ident); ok {
					if obj := info.Uses[id]; obj != nil && (obj.Pos() < n.Pos() || obj.Pos() >= n.End()) {
						mark(l.objVar[obj])
					}
				}
				return true
			})
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				mark(root(n.X))
			}
		case *ast.SliceExpr:
			if _, ok := info.TypeOf(n.X).Underlying().(*types.Array); ok {
				mark(root(n.X))
			}
		case *ast.SelectorExpr:
			if sel := info.Selections[n]; sel != nil && sel.Kind() == types.MethodVal {
				recv := sel.Obj().(*types.Func).Type().(*types.Signature).Recv()
				if _, ptr := recv.Type().(*types.Pointer); ptr {
					if _, isPtr := sel.Recv().Underlying().(*types.Pointer); !isPtr {
						mark(root(n.X))
					}
				}
			}
		}
		return true
	})
}

func (l *lowerer) varType(v *variable) string {
	if v.text != "" {
		return v.text
	}
	return l.g.typeText(v.typ)
}

// thread forwards jumps past empty blocks (the joins and loop heads that
// structured code leaves behind), so no state only jumps elsewhere.
func (l *lowerer) thread() {
	var final func(b *block, depth int) *block
	final = func(b *block, depth int) *block {
		if t, ok := b.term.(*jumpTerm); ok && b != l.entry && len(b.stmts) == 0 && b.resume == nil && len(b.extra) == 0 && depth < len(l.blocks) {
			return final(t.to, depth+1)
		}
		return b
	}
	for _, b := range l.blocks {
		switch t := b.term.(type) {
		case *jumpTerm:
			t.to = final(t.to, 0)
		case *ifTerm:
			t.then, t.els = final(t.then, 0), final(t.els, 0)
		}
		for i, x := range b.extra {
			b.extra[i] = final(x, 0)
		}
	}
	for br, b := range l.extJump {
		l.extJump[br] = final(b, 0)
	}
}
