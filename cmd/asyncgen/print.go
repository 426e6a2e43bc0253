package main

// Printing the IR's instructions: each is written to code by the syntax
// printer (printer_syntax.go) and the writer (printer_code.go), with the
// state machine's own spellings of variables (loc, access, take), returns
// and line directives.

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// print writes a lowered statement or expression.
func (ir *irFunc) print(n ast.Node) code { return ir.printIn(n, nil) }

// printIn writes part of instruction in (an instr or an *ifTerm), whose
// last reads of fields (liveness.go's lastUses) move the value out.
func (ir *irFunc) printIn(n ast.Node, in any) code {
	p := ir.printer(in)
	switch n := n.(type) {
	case ast.Expr:
		p.expr(n)
	case ast.Stmt:
		p.stmt(n)
	default:
		panic(fmt.Sprintf("corio/asyncgen: print: unexpected node %T", n))
	}
	return p.w.code
}

// printer is a syntax printer for part of instruction in (nil for none).
func (ir *irFunc) printer(in any) *stmtPrinter {
	p := &stmtPrinter{ir: ir, w: newWriter(ir.g), binds: map[*variable]bool{}}
	p.kept, _ = in.(*keptInstr)
	if in != nil {
		for _, v := range ir.moves[in] {
			if p.moves == nil {
				p.moves = map[*variable]bool{}
			}
			p.moves[v] = true
		}
	}
	return p
}

// take is the expression that reads field variable v and clears it, for
// its last use: the file's generic helper (gen.go) applied to its address.
func (ir *irFunc) take(v *variable) string {
	if ir.g.takeName == "" {
		ir.g.takeName = ir.g.helperName("take")
	}
	return ir.g.takeName + "(&" + ir.loc(v) + ")"
}

// printInstr writes an instruction. In an assignment, pairs that assign a
// field to itself (two variables sharing one field, liveness.go) are left
// out; empty code when nothing remains.
func (ir *irFunc) printInstr(i instr) code {
	w := newWriter(ir.g)
	switch i := i.(type) {
	case *assignInstr:
		// The left side is printed without moves: a variable moved out on
		// the right may be assigned again on the left.
		var lhs, rhs []code
		for _, e := range i.lhs {
			lhs = append(lhs, ir.print(e))
		}
		for _, e := range i.rhs {
			rhs = append(rhs, ir.printIn(e, i))
		}
		// A boxed temporary gets a new box per assignment of its whole
		// value (localtype.go).
		for k, e := range i.lhs {
			v := boxedValue(e)
			switch {
			case v == nil || i.tok != token.ASSIGN:
			case len(i.lhs) == len(i.rhs):
				lhs[k] = code{buf: []byte(ir.store(v))}
				nw := newWriter(ir.g)
				if ir.g.shadowed["new"] {
					nw.put("&(&struct{ v ", v.typ, " }{", rhs[k], "}).v")
				} else {
					nw.put("new((", v.typ, ")(", rhs[k], "))")
				}
				rhs[k] = nw.code
			default:
				w.put(ir.store(v), " = ")
				w.newOf(v.typ, "")
				w.text("\n")
			}
		}
		if i.tok == token.ASSIGN && len(lhs) == len(rhs) {
			var dl, dr []code
			for k := range lhs {
				if !lhs[k].equal(rhs[k]) {
					dl, dr = append(dl, lhs[k]), append(dr, rhs[k])
				}
			}
			lhs, rhs = dl, dr
		}
		if len(lhs) == 0 {
			return code{}
		}
		w.list(lhs)
		w.put(" ", i.tok.String(), " ")
		w.list(rhs)
	case *exprInstr:
		return ir.printIn(i.x, i)
	case *incDecInstr:
		w.put(ir.print(i.x), i.tok.String())
	case *goInstr:
		w.put("go ", ir.printIn(i.call, i))
	case *deferInstr:
		return ir.printDefer(i)
	case *keptInstr:
		return ir.printIn(i.s, i)
	case *selectInstr:
		return ir.printIn(i.s, i)
	case *touchInstr:
		// An uncalled literal: its variables stay used, as in the source.
		w.put("_ = func() {\n_ = ", ir.print(i.x), "\n}")
	case *zeroInstr:
		if i.v.boxed && !i.v.cell {
			w.put(ir.store(i.v), " = ")
			w.newOf(i.v.typ, "")
			break
		}
		w.put(ir.access(i.v), " = ")
		w.zero(i.v.typ)
	case *cellInstr:
		w.put(ir.store(i.v), " = ")
		switch {
		case !i.fresh:
			w.newOf(i.v.typ, "")
		case ir.g.shadowed["new"]:
			// The next iteration's variable: a new cell holding the value.
			w.put("&(&struct{ v ", i.v.typ, " }{*", ir.loc(i.v), "}).v")
		default:
			w.put("new(*", ir.loc(i.v), ")")
		}
	default:
		panic(fmt.Sprintf("corio/asyncgen: unknown instruction %T", i))
	}
	return w.code
}

// list writes the codes separated by commas.
func (w *writer) list(cs []code) {
	for k, c := range cs {
		if k > 0 {
			w.text(", ")
		}
		w.add(c)
	}
}

// loc is where a variable is stored (for a cell, the pointer): a field of
// the future or a local of Poll. A boxed field is read through a type
// assertion (localtype.go); store is where it is written.
func (ir *irFunc) loc(v *variable) string {
	if v.boxed {
		return ir.store(v) + ".(" + v.boxT + ")"
	}
	if v.raw {
		return "(*(*" + v.boxT + ")(" + ir.nRawPtr + "(&" + ir.store(v) + ")))"
	}
	return ir.store(v)
}

// store is the place that an assignment of a variable's whole value (for
// a cell, of its pointer) writes.
func (ir *irFunc) store(v *variable) string {
	if v.field || v.param {
		return ir.nFut + "." + v.name
	}
	return v.name
}

// access is how the source's use of v reads in Poll.
func (ir *irFunc) access(v *variable) string {
	if v.cell || v.boxed {
		return "(*" + ir.loc(v) + ")"
	}
	return ir.loc(v)
}

func (ir *irFunc) directive(pos token.Pos) string { return ir.g.directiveText(pos) }

// directiveText is the /*line*/ directive that gives the next token the
// source position pos; "" for no position.
func (g *pkgGen) directiveText(pos token.Pos) string {
	if !pos.IsValid() {
		return ""
	}
	p := g.fset.Position(pos)
	// The source file is named by its base name, which the compiler
	// resolves in the package's directory, so generated files do not
	// depend on where the module lies. A name that a //line directive of
	// the source gave keeps its form, so that runtime.Caller reports what
	// it reports for the source: go/scanner made a relative one absolute
	// in the file's directory, and it is made relative again; any other
	// ("/foo/bar.go", or empty) is written as it is.
	name := filepath.Base(p.Filename)
	if real := g.fset.PositionFor(pos, false).Filename; p.Filename != real && !strings.Contains(p.Filename, "*/") {
		name = p.Filename
		if rel, err := filepath.Rel(filepath.Dir(real), p.Filename); err == nil && filepath.IsLocal(rel) {
			name = filepath.ToSlash(rel)
		}
	}
	if p.Column == 0 {
		// A //line comment in the source without a column: so is ours.
		return "/*line " + name + ":" + itoa(p.Line) + "*/ "
	}
	return "/*line " + name + ":" + itoa(p.Line) + ":" + itoa(p.Column) + "*/ "
}

// resetMark marks a line of the lowering's own code that follows the user's:
// file() replaces it with a /*line*/ directive naming the generated file's
// own position, as cgo does, so that code which is not the user's is not
// reported at a user's line (a stale drift guard's compile error, say).
const resetMark = "/*asyncgen:reset*/ "

// directiveOr is the directive for pos, or a reset when pos is unknown.
func (ir *irFunc) directiveOr(pos token.Pos) string {
	if d := ir.directive(pos); d != "" {
		return d
	}
	return resetMark
}

// constDecl writes a local const declaration with each constant's value
// written out. The source's form cannot be reprinted with renamed names: for
// an implicitly repeated expression list (const ( X = X + X; Y )) go/types
// records the repeated operands again for Y, in Y's scope, so one syntax
// node would need two names.
func (ir *irFunc) constDecl(consts []*types.Const) code {
	w := newWriter(ir.g)
	if len(consts) == 0 {
		w.text("const ()")
		return w.code
	}
	w.text("const (\n")
	for _, c := range consts {
		name := c.Name()
		if v := ir.objVar[c]; v != nil {
			name = v.name
		}
		w.put(name, " = ")
		w.constant(c.Type(), c.Val())
		w.text("\n")
	}
	w.text(")")
	return w.code
}

// keptConsts are the constants a const declaration in kept code declares.
func (ir *irFunc) keptConsts(gd *ast.GenDecl) []*types.Const {
	var out []*types.Const
	for _, spec := range gd.Specs {
		for _, n := range spec.(*ast.ValueSpec).Names {
			if c, ok := ir.g.info.Defs[n].(*types.Const); ok && n.Name != "_" {
				out = append(out, c)
			}
		}
	}
	return out
}

// returnStmt writes the state machine's return of the given source results;
// tmps names the values of a return of one multi-valued call.
func (p *stmtPrinter) returnStmt(results []ast.Expr, pos token.Pos, tmps []string) {
	ir := p.ir
	n := ir.fn.sig.Results().Len()
	var pre []code
	var vals []code
	text := func(s string) code { return code{buf: []byte(s)} }
	switch {
	case len(results) == 0:
		for _, v := range ir.results {
			vals = append(vals, text(ir.access(v)))
		}
	case len(results) == 1 && n > 1:
		c := p.sub(func() {
			p.tok(strings.Join(tmps, ", ") + " := ")
			p.slot(results[0])
		})
		pre = append(pre, c)
		for _, t := range tmps {
			vals = append(vals, text(t))
		}
	default:
		for _, r := range results {
			vals = append(vals, p.sub(func() { p.slot(r) }))
		}
	}
	// Named results are assigned by return: closures, pointers (and,
	// later, deferred calls) may observe them.
	if len(results) > 0 && len(ir.results) > 0 {
		var lhs []code
		for _, v := range ir.results {
			lhs = append(lhs, text(ir.access(v)))
		}
		// Pairs that assign a result to itself are left out (vet's
		// self-assignment check): the assignment is simultaneous, so the
		// others are unaffected.
		var dl, dv []code
		for i := range lhs {
			if !lhs[i].equal(vals[i]) {
				dl, dv = append(dl, lhs[i]), append(dv, vals[i])
			}
		}
		if len(dl) > 0 {
			w := newWriter(ir.g)
			w.list(dl)
			w.text(" = ")
			w.list(dv)
			pre = append(pre, w.code)
		}
		vals = lhs
	}
	w := p.w
	// The result expressions are evaluated in the first lines: they carry
	// the return's position.
	w.text("{\n" + ir.directiveOr(pos))
	for _, c := range pre {
		w.add(c)
		w.text("\n")
	}
	if dn := ir.dnames; dn != nil {
		// The results are assigned, then the pending defers run (they
		// may change named results); the output is read after them.
		if n > 0 && len(ir.results) == 0 {
			kept := dn.out
			if dn.res != "" {
				kept = ir.nFut + "." + dn.res
				w.text(kept + " = ")
			} else {
				// Declared with the output's type: a result may be an
				// untyped constant or nil (return nil for an error), which
				// := would type by default or reject.
				w.text("var " + kept + " ")
				w.typ(ir.out)
				w.text(" = ")
			}
			ir.writeOutput(w, vals)
			w.text("\n")
			vals = []code{text(kept)}
		}
		w.text(ir.nFut + "." + ir.nState + " = -1\n" + ir.directive(pos) + ir.nFut + "." + dn.run + "()\n" + ir.directive(pos) + "return ")
	} else {
		w.text(ir.nFut + "." + ir.nState + " = -1\n" + ir.directive(pos) + "return ")
	}
	ir.writeOutput(w, vals)
	w.put(", ", ir.g.univ("true"), "\n}")
}

// writeOutput writes the future's output made of the results' values (one
// value: the output itself, so also a kept output).
func (ir *irFunc) writeOutput(w *writer, vals []code) {
	switch len(vals) {
	case 0:
		w.text("struct{}{}")
	case 1:
		w.add(vals[0])
	default:
		w.typ(ir.out)
		w.text("{")
		for i, v := range vals {
			if i > 0 {
				w.text(", ")
			}
			w.put("V", i, ": ", v)
		}
		w.text("}")
	}
}

// Line directives inside a statement. The source's comments are not
// reprinted, but the positions that a /*line*/ comment in the middle of a
// line gives must survive: a bounds check fails at the position of its '['
// (fixedbugs/issue29504 puts a directive just before it), a division at its
// operator, a call reports its caller's line. So such a directive that
// immediately precedes a token the syntax tree records (an expression's
// start, an operator, a bracket, a brace, a key's or a case's colon, an
// assignment's token, an 'if' after else…) is written again before the
// same token, naming the position the source's directive gave
// (printer_syntax.go's slot and at). A directive that begins its line
// (every //line one) precedes a statement, which carries its own directive.
// Not reproduced: one before a token go/ast does not record (a selector's
// '.', the 'else' keyword), and one before the '=' of an assignment that
// the lowering rebuilt (an assignInstr records no position of its token).

// fileDirs are a file's mid-line /*line*/ comments, in order, and its text.
type fileDirs struct {
	dirs []*ast.Comment
	src  []byte
}

// directiveBefore is the directive for pos when a mid-line /*line*/
// comment precedes pos in the source with only white space between; ""
// otherwise.
func (g *pkgGen) directiveBefore(pos token.Pos) string {
	if !pos.IsValid() || g.lineDirs != nil && len(g.lineDirs) == 0 {
		return ""
	}
	if g.lineDirs == nil {
		g.lineDirs = map[*token.File]*fileDirs{}
		for _, f := range g.p.Syntax {
			if fd := g.midLineDirectives(f); fd != nil {
				g.lineDirs[g.fset.File(f.Pos())] = fd
			}
		}
	}
	tf := g.fset.File(pos)
	fd := g.lineDirs[tf]
	if fd == nil {
		return ""
	}
	k := sort.Search(len(fd.dirs), func(k int) bool { return fd.dirs[k].End() > pos }) - 1
	if k < 0 {
		return ""
	}
	between := fd.src[tf.Offset(fd.dirs[k].End()):tf.Offset(pos)]
	if len(bytes.TrimSpace(between)) > 0 {
		return ""
	}
	return strings.TrimSpace(g.directiveText(pos))
}

// midLineDirectives collects f's /*line*/ comments that follow other text
// on their line; nil when there are none.
func (g *pkgGen) midLineDirectives(f *ast.File) *fileDirs {
	var cands []*ast.Comment
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			if strings.HasPrefix(c.Text, "/*line ") {
				cands = append(cands, c)
			}
		}
	}
	if len(cands) == 0 {
		return nil
	}
	tf := g.fset.File(f.Pos())
	src, err := os.ReadFile(tf.Name())
	if err != nil || len(src) != tf.Size() {
		return nil
	}
	fd := &fileDirs{src: src}
	for _, c := range cands {
		off := tf.Offset(c.Pos())
		lineStart := bytes.LastIndexByte(src[:off], '\n') + 1
		if len(bytes.TrimSpace(src[lineStart:off])) > 0 {
			fd.dirs = append(fd.dirs, c)
		}
	}
	if len(fd.dirs) == 0 {
		return nil
	}
	return fd
}
