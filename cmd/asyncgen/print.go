package main

// Printing the IR's instructions and expressions as Go text. Expressions
// share nodes with the user's syntax tree (whose nodes key types.Info), so
// they are never edited in place: printing copies the tree, substituting as
// it goes — a variable becomes its field or local (or, at its last use, a
// move out of the future), an IR node (varRef, pkgRef, typeRef) its
// spelling, a package name a marker that gen.go turns into a jennifer
// qualified name, and inside kept statements a return or a jump out of the
// statement becomes the state machine's return or state change. The copy
// is rendered by go/printer; rawExpr splices the substituted text into it,
// and is used nowhere else.

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/printer"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
)

type stmtPrinter struct {
	ir    *irFunc
	stack []ast.Node
	binds map[*variable]bool
	moves map[*variable]bool // fields the instruction reads last: moved out
	kept  *keptInstr         // the kept statement being printed, if any
}

var (
	posType    = reflect.TypeOf(token.NoPos)
	objectType = reflect.TypeOf((*ast.Object)(nil))
	scopeType  = reflect.TypeOf((*ast.Scope)(nil))
	cgType     = reflect.TypeOf((*ast.CommentGroup)(nil))
	exprType   = reflect.TypeOf((*ast.Expr)(nil)).Elem()
)

// raw text as an expression or statement node: go/printer prints an
// identifier's name as it is.
func rawExpr(s string) *ast.Ident    { return &ast.Ident{Name: s} }
func rawStmt(s string) *ast.ExprStmt { return &ast.ExprStmt{X: rawExpr(s)} }

func render(n ast.Node) string {
	var b bytes.Buffer
	cfg := printer.Config{Mode: printer.RawFormat, Tabwidth: 8}
	if err := cfg.Fprint(&b, token.NewFileSet(), n); err != nil {
		panic("corio/asyncgen: print: " + err.Error())
	}
	return b.String()
}

// print renders a lowered statement or expression as Go text with markers.
func (ir *irFunc) print(n ast.Node) string { return ir.printIn(n, nil) }

// printIn prints part of instruction in (an instr or an *ifTerm), whose
// last reads of fields (liveness.go's lastUses) move the value out.
func (ir *irFunc) printIn(n ast.Node, in any) string {
	p := &stmtPrinter{ir: ir, binds: map[*variable]bool{}}
	p.kept, _ = in.(*keptInstr)
	if in != nil {
		for _, v := range ir.moves[in] {
			if p.moves == nil {
				p.moves = map[*variable]bool{}
			}
			p.moves[v] = true
		}
	}
	c := p.copy(reflect.ValueOf(n)).Interface().(ast.Node)
	return render(c)
}

// take is the expression that reads field variable v and clears it, for
// its last use: the file's generic helper (gen.go) applied to its address.
func (ir *irFunc) take(v *variable) string {
	if ir.g.takeName == "" {
		ir.g.takeName = ir.g.helperName("take")
	}
	return ir.g.takeName + "(&" + ir.loc(v) + ")"
}

// printInstr prints an instruction. In an assignment, pairs that assign a
// field to itself (two variables sharing one field, liveness.go) are left
// out; "" when nothing remains.
func (ir *irFunc) printInstr(i instr) string {
	switch i := i.(type) {
	case *assignInstr:
		// The left side is printed without moves: a variable moved out on
		// the right may be assigned again on the left.
		var lhs, rhs []string
		for _, e := range i.lhs {
			lhs = append(lhs, ir.print(e))
		}
		for _, e := range i.rhs {
			rhs = append(rhs, ir.printIn(e, i))
		}
		if i.tok == token.ASSIGN && len(lhs) == len(rhs) {
			var dl, dr []string
			for k := range lhs {
				if lhs[k] != rhs[k] {
					dl, dr = append(dl, lhs[k]), append(dr, rhs[k])
				}
			}
			lhs, rhs = dl, dr
		}
		if len(lhs) == 0 {
			return ""
		}
		return strings.Join(lhs, ", ") + " " + i.tok.String() + " " + strings.Join(rhs, ", ")
	case *exprInstr:
		return ir.printIn(i.x, i)
	case *incDecInstr:
		return ir.print(i.x) + i.tok.String()
	case *goInstr:
		return "go " + ir.printIn(i.call, i)
	case *keptInstr:
		return ir.printIn(i.s, i)
	case *touchInstr:
		// An uncalled literal: its variables stay used, as in the source.
		return "_ = func() {\n_ = " + ir.print(i.x) + "\n}"
	case *zeroInstr:
		return ir.access(i.v) + " = " + ir.g.zeroText(i.v.typ)
	case *cellInstr:
		if !i.fresh {
			return ir.loc(i.v) + " = " + ir.g.newOf(i.v.typ, "")
		}
		// The next iteration's variable: a new cell holding the value.
		if ir.g.shadowed["new"] {
			return ir.loc(i.v) + " = &(&struct{ v " + ir.g.typeText(i.v.typ) + " }{*" + ir.loc(i.v) + "}).v"
		}
		return ir.loc(i.v) + " = new(*" + ir.loc(i.v) + ")"
	}
	panic(fmt.Sprintf("corio/asyncgen: unknown instruction %T", i))
}

// loc is where a variable is stored (for a cell, the pointer): a field of
// the future or a local of Poll.
func (ir *irFunc) loc(v *variable) string {
	if v.field || v.param {
		return ir.nFut + "." + v.name
	}
	return v.name
}

// access is how the source's use of v reads in Poll.
func (ir *irFunc) access(v *variable) string {
	if v.cell {
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

// constDecl prints a local const declaration with each constant's value
// written out. The source's form cannot be reprinted with renamed names: for
// an implicitly repeated expression list (const ( X = X + X; Y )) go/types
// records the repeated operands again for Y, in Y's scope, so one syntax
// node would need two names.
func (ir *irFunc) constDecl(consts []*types.Const) string {
	var lines []string
	for _, c := range consts {
		name := c.Name()
		if v := ir.objVar[c]; v != nil {
			name = v.name
		}
		lines = append(lines, name+" = "+ir.g.constText(c.Type(), c.Val()))
	}
	if len(lines) == 0 {
		return "const ()"
	}
	return "const (\n" + strings.Join(lines, "\n") + "\n)"
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

func (p *stmtPrinter) inLit() bool {
	for _, n := range p.stack {
		if _, ok := n.(*ast.FuncLit); ok {
			return true
		}
	}
	return false
}

func (p *stmtPrinter) copy(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || v.Type() == objectType || v.Type() == scopeType || v.Type() == cgType {
			return reflect.Zero(v.Type())
		}
		n, _ := v.Interface().(ast.Node)
		if n != nil {
			if r := p.replace(n); r != nil {
				return reflect.ValueOf(r)
			}
			p.stack = append(p.stack, n)
			defer func() { p.stack = p.stack[:len(p.stack)-1] }()
		}
		elem := v.Elem()
		if elem.Kind() != reflect.Struct {
			return v
		}
		nv := reflect.New(elem.Type())
		for i := 0; i < elem.NumField(); i++ {
			f := elem.Field(i)
			if f.Type() == posType {
				// Positions are dropped so the printer lays code out
				// afresh, but some record syntax (f(x...)): keep
				// those valid.
				if f.Interface().(token.Pos).IsValid() {
					nv.Elem().Field(i).Set(reflect.ValueOf(token.Pos(1)))
				}
				continue
			}
			if f.Type() == reflect.TypeOf([]ast.Stmt(nil)) {
				nv.Elem().Field(i).Set(p.stmts(f))
				continue
			}
			nv.Elem().Field(i).Set(p.copy(f))
		}
		p.tokenDirectives(n, nv.Interface())
		return nv
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		c := p.copy(v.Elem())
		if x, ok := v.Interface().(ast.Expr); ok && v.Type() == exprType {
			// A line directive just before the expression in the source
			// moves it (and what follows) to another line: so does ours.
			if d := p.ir.g.directiveBefore(x.Pos()); d != "" {
				c = reflect.ValueOf(rawExpr(d + render(c.Interface().(ast.Node))))
			}
		}
		r := reflect.New(v.Type()).Elem()
		r.Set(c)
		return r
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		ns := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := 0; i < v.Len(); i++ {
			ns.Index(i).Set(p.copy(v.Index(i)))
		}
		return ns
	}
	return v
}

// stmts copies a nested statement list, giving each statement its //line
// directive so that panics inside verbatim code point at the source.
func (p *stmtPrinter) stmts(v reflect.Value) reflect.Value {
	if v.IsNil() {
		return v
	}
	list := v.Interface().([]ast.Stmt)
	out := make([]ast.Stmt, len(list))
	for i, s := range list {
		c := p.copy(reflect.ValueOf(&s).Elem()).Interface().(ast.Stmt)
		out[i] = rawStmt(p.ir.directive(s.Pos()) + render(c))
	}
	return reflect.ValueOf(out)
}

func (p *stmtPrinter) replace(n ast.Node) ast.Node {
	ir := p.ir
	switch n := n.(type) {
	case *varRef:
		if n.ptr {
			return rawExpr(ir.loc(n.v))
		}
		if p.moves[n.v] {
			return rawExpr(ir.take(n.v))
		}
		return rawExpr(ir.access(n.v))
	case *pkgRef:
		return rawExpr(ir.g.marker(n.path, n.name) + "." + n.member)
	case *typeRef:
		return rawExpr(ir.g.typeText(n.t))
	case *ast.Ident:
		if v := ir.varOf(n); v != nil {
			if !v.machine {
				return rawExpr(v.name)
			}
			if p.moves[v] {
				return rawExpr(ir.take(v))
			}
			if v.cell && p.inLit() {
				p.binds[v] = true
				return rawExpr("(*" + v.bind + ")")
			}
			return rawExpr(ir.access(v))
		}
		if pn, ok := ir.g.info.Uses[n].(*types.PkgName); ok {
			return rawExpr(ir.g.marker(pn.Imported().Path(), pn.Imported().Name()))
		}
		// A package-level name of another package used unqualified came
		// through a dot import, which the generated file does not have.
		if obj := ir.g.info.Uses[n]; obj != nil && obj.Pkg() != nil && obj.Pkg() != ir.g.pkg && obj.Parent() == obj.Pkg().Scope() {
			return rawExpr(ir.g.marker(obj.Pkg().Path(), obj.Pkg().Name()) + "." + n.Name)
		}
	case *ast.SelectorExpr:
		if id, ok := n.X.(*ast.Ident); ok {
			if pn, ok := ir.g.info.Uses[id].(*types.PkgName); ok {
				return rawExpr(ir.g.marker(pn.Imported().Path(), pn.Imported().Name()) + "." + n.Sel.Name)
			}
		}
	case *ast.UnaryExpr:
		if n.Op != token.AND {
			return nil
		}
		if id, ok := ast.Unparen(n.X).(*ast.Ident); ok {
			if v := ir.varOf(id); v != nil && v.machine && v.cell {
				if p.inLit() {
					p.binds[v] = true
					return rawExpr(v.bind)
				}
				return rawExpr(ir.loc(v))
			}
		}
	case *ast.DeclStmt:
		if gd, ok := n.Decl.(*ast.GenDecl); ok && gd.Tok == token.CONST {
			return rawStmt(ir.constDecl(ir.keptConsts(gd)))
		}
	case *ast.FuncLit:
		if p.inLit() {
			return nil
		}
		// A closure that captures cells binds the current cells as it is
		// created: func(i_p *int) func() { return func() { … *i_p … } }(fut.i),
		// so a later iteration's fresh cell is not what it sees.
		saved := p.binds
		p.binds = map[*variable]bool{}
		p.stack = append(p.stack, n)
		c := p.copy(reflect.ValueOf(n.Body)).Interface().(*ast.BlockStmt)
		ft := p.copy(reflect.ValueOf(n.Type)).Interface().(*ast.FuncType)
		p.stack = p.stack[:len(p.stack)-1]
		binds := p.binds
		p.binds = saved
		lit := render(&ast.FuncLit{Type: ft, Body: c})
		if len(binds) == 0 {
			return rawExpr(lit)
		}
		var params, args []string
		for _, v := range ir.vars {
			if binds[v] {
				params = append(params, v.bind+" *"+ir.g.typeText(v.typ))
				args = append(args, ir.loc(v))
			}
		}
		ftype := "func()" // a literal made by the lowering has no type information
		if t := ir.g.info.TypeOf(n); t != nil {
			ftype = ir.g.typeText(t)
		}
		return rawExpr("func(" + strings.Join(params, ", ") + ") " + ftype + " {\nreturn " + lit + "\n}(" + strings.Join(args, ", ") + ")")
	case *ast.ReturnStmt:
		if p.inLit() {
			return nil
		}
		var tmps []string
		if p.kept != nil {
			tmps = p.kept.retTmps[n]
		}
		return p.returnStmt(n.Results, n.Pos(), tmps)
	case *ast.BranchStmt:
		if p.kept == nil {
			return nil
		}
		if b := p.kept.jumps[n]; b != nil && !p.inLit() {
			return rawStmt("{\n" + ir.nState + " = " + itoa(b.state) + "\ncontinue " + ir.pollLabel + "\n}")
		}
	}
	return nil
}

// returnStmt is the state machine's return of the given source results;
// tmps names the values of a return of one multi-valued call.
func (p *stmtPrinter) returnStmt(results []ast.Expr, pos token.Pos, tmps []string) ast.Stmt {
	ir := p.ir
	n := ir.fn.sig.Results().Len()
	var pre []string
	var vals []string
	switch {
	case len(results) == 0:
		for _, v := range ir.results {
			vals = append(vals, ir.access(v))
		}
	case len(results) == 1 && n > 1:
		pre = append(pre, strings.Join(tmps, ", ")+" := "+render(p.copy(reflect.ValueOf(&results[0]).Elem()).Interface().(ast.Node)))
		vals = tmps
	default:
		for _, r := range results {
			vals = append(vals, render(p.copy(reflect.ValueOf(&r).Elem()).Interface().(ast.Node)))
		}
	}
	// Named results are assigned by return: closures, pointers (and,
	// later, deferred calls) may observe them.
	if len(results) > 0 && len(ir.results) > 0 {
		var lhs []string
		for _, v := range ir.results {
			lhs = append(lhs, ir.access(v))
		}
		// Pairs that assign a result to itself are left out (vet's
		// self-assignment check): the assignment is simultaneous, so the
		// others are unaffected.
		var dl, dv []string
		for i := range lhs {
			if lhs[i] != vals[i] {
				dl, dv = append(dl, lhs[i]), append(dv, vals[i])
			}
		}
		if len(dl) > 0 {
			pre = append(pre, strings.Join(dl, ", ")+" = "+strings.Join(dv, ", "))
		}
		vals = lhs
	}
	var out string
	switch n {
	case 0:
		out = "struct{}{}"
	case 1:
		out = vals[0]
	default:
		for i := range vals {
			vals[i] = "V" + itoa(i) + ": " + vals[i]
		}
		out = ir.g.typeText(ir.out) + "{" + strings.Join(vals, ", ") + "}"
	}
	pre = append(pre, ir.nFut+"."+ir.nState+" = -1", ir.directive(pos)+"return "+out+", "+ir.g.univ("true"))
	// The result expressions are evaluated in the first lines: they carry
	// the return's position.
	pre[0] = ir.directiveOr(pos) + strings.TrimPrefix(pre[0], ir.directive(pos))
	return rawStmt("{\n" + strings.Join(pre, "\n") + "\n}")
}

// Line directives inside a statement. The source's comments are not
// copied, but the positions that a /*line*/ comment in the middle of a line
// gives must survive: a bounds check fails at the position of its '['
// (fixedbugs/issue29504 puts a directive just before it), a call at its '('.
// So such a directive that immediately precedes an expression, or one of
// those tokens, in the source is written again at the same place in the
// copy, naming the position the source's directive gave. A directive that
// begins its line (every //line one) precedes a statement, which carries
// its own directive (stmts, and emit's for each instruction); one before a
// continuation line of a statement is not reproduced.

// fileDirs are a file's mid-line /*line*/ comments, in order, and its text.
type fileDirs struct {
	dirs []*ast.Comment
	src  []byte
}

// directiveBefore is the directive for pos when a mid-line /*line*/
// comment precedes pos in the source with only white space between; ""
// otherwise.
func (g *pkgGen) directiveBefore(pos token.Pos) string {
	if !pos.IsValid() {
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

// tokenDirectives writes the directive that precedes the '[' of an index
// or slice expression, or the '(' of a call, in source node n at the end of
// the operand in its copy c.
func (p *stmtPrinter) tokenDirectives(n ast.Node, c any) {
	mark := func(x *ast.Expr, pos token.Pos) {
		if d := p.ir.g.directiveBefore(pos); d != "" {
			*x = rawExpr(render(*x) + " " + d)
		}
	}
	switch n := n.(type) {
	case *ast.IndexExpr:
		mark(&c.(*ast.IndexExpr).X, n.Lbrack)
	case *ast.IndexListExpr:
		mark(&c.(*ast.IndexListExpr).X, n.Lbrack)
	case *ast.SliceExpr:
		mark(&c.(*ast.SliceExpr).X, n.Lbrack)
	case *ast.CallExpr:
		mark(&c.(*ast.CallExpr).Fun, n.Lparen)
	}
}
