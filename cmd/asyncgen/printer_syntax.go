package main

// The printer of Go syntax: lowered expressions and kept statements, which
// share nodes with the user's syntax tree (whose nodes key types.Info), are
// written to a writer as they are walked, never edited or copied. Each node
// is written with its substitutions: a variable as its field or local (or,
// at its last use, a move out of the future), an IR node (varRef, pkgRef,
// typeRef) as its spelling, a name of another package as a qualified
// reference, a local const declaration by its values, and inside kept
// statements a return or a jump out of the statement as the state
// machine's return or state change. The /*line*/ directives that give
// statements, and tokens inside them, their source positions are written
// where they belong.
//
// Only the tokens and the line breaks matter: jennifer formats the file
// with go/format, which keeps the line structure it is given and redoes
// the spacing within lines. The line structure is the one the generated
// files have always had (go/printer's for a tree without positions): a
// statement per line, blocks and func literal bodies over several lines,
// expression lists on one line. A struct or interface type is written on
// one line, which go/format keeps only for one small field.

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// stmtPrinter writes source syntax and the IR's expressions for one
// instruction (or branch condition) of a function.
type stmtPrinter struct {
	ir    *irFunc
	w     *writer
	lit   int // depth of func literals around what is being printed
	binds map[*variable]bool
	moves map[*variable]bool // fields the instruction reads last: moved out
	kept  *keptInstr         // the kept statement being printed, if any
	// method: the body of a deferred func literal written as a method of
	// the future (defer.go), whose returns are its own; drec, when Poll
	// defers that method itself (defer.go's nativeSites), the future's
	// method that each recover() of the body reports to, at func literal
	// depth drecLit (the body's own: 1 for a literal deferred in a loop,
	// whose method is printed as a literal).
	method  bool
	drec    string
	drecLit int
}

// sub runs f with output to a fresh writer and returns what it wrote.
func (p *stmtPrinter) sub(f func()) code {
	saved := p.w
	p.w = newWriter(saved.g)
	f()
	c := p.w.code
	p.w = saved
	return c
}

// tok writes token text s, separated from the text before it where the two
// would otherwise run together.
func (p *stmtPrinter) tok(s string) {
	if s == "" {
		return
	}
	if prev := p.w.last(); prev != 0 && joins(prev, s[0]) {
		p.w.text(" ")
	}
	p.w.text(s)
}

func isWordByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= 0x80
}

// joins reports whether bytes a and b, adjacent, could be read as part of
// one token.
func joins(a, b byte) bool {
	if isWordByte(a) && isWordByte(b) {
		return true
	}
	const ops = "+-*/%&|^<>=!:.~"
	return strings.IndexByte(ops, a) >= 0 && strings.IndexByte(ops, b) >= 0
}

// add writes code c as a token.
func (p *stmtPrinter) add(c code) {
	if len(c.buf) > 0 && len(c.refs) == 0 || len(c.refs) > 0 && c.refs[0].at > 0 {
		if prev := p.w.last(); prev != 0 && joins(prev, c.buf[0]) {
			p.w.text(" ")
		}
	}
	p.w.add(c)
}

// slot writes an expression that stands where go/ast holds an ast.Expr: a
// /*line*/ directive just before it in the source is written again before
// it, since it gives the expression (and what follows) its position.
func (p *stmtPrinter) slot(x ast.Expr) {
	if x == nil {
		return
	}
	if d := p.ir.g.directiveBefore(x.Pos()); d != "" {
		p.tok(d)
	}
	p.expr(x)
}

func (p *stmtPrinter) slots(list []ast.Expr) {
	for i, x := range list {
		if i > 0 {
			p.tok(", ")
		}
		p.slot(x)
	}
}

// at writes, before the token at pos, the /*line*/ directive that
// precedes it in the source: the token and what follows it on the line
// have the position it names.
func (p *stmtPrinter) at(pos token.Pos) {
	if d := p.ir.g.directiveBefore(pos); d != "" {
		p.tok(" " + d + " ")
	}
}

// enclosed writes what f writes between brackets, each after the
// directive that precedes it in the source.
func (p *stmtPrinter) enclosed(lpos token.Pos, l string, f func(), rpos token.Pos, r string) {
	p.at(lpos)
	p.tok(l)
	f()
	p.at(rpos)
	p.tok(r)
}

// infix writes x, the operator op at pos and y.
func (p *stmtPrinter) infix(x ast.Expr, pos token.Pos, op string, y ast.Expr) {
	p.slot(x)
	p.at(pos)
	p.tok(op)
	p.slot(y)
}

// indexed writes an array, slice or map type: keyword[k]elem.
func (p *stmtPrinter) indexed(keyword string, k, elem ast.Expr) {
	p.tok(keyword + "[")
	p.slot(k)
	p.tok("]")
	p.slot(elem)
}

func (p *stmtPrinter) expr(x ast.Expr) {
	ir := p.ir
	switch x := x.(type) {
	case *varRef:
		switch {
		case x.ptr:
			p.tok(ir.loc(x.v))
		case p.moves[x.v]:
			p.tok(ir.take(x.v))
		default:
			p.tok(ir.access(x.v))
		}
	case *pkgRef:
		p.w.qual(x.path, x.name, x.member)
	case *typeRef:
		p.add(p.sub(func() { p.w.typ(x.t) }))
	case *ast.Ident:
		p.ident(x)
	case *ast.BasicLit:
		p.tok(x.Value)
	case *ast.Ellipsis:
		p.tok("...")
		p.slot(x.Elt)
	case *ast.FuncLit:
		p.funcLit(x)
	case *ast.CompositeLit:
		p.slot(x.Type)
		p.enclosed(x.Lbrace, "{", func() { p.slots(x.Elts) }, x.Rbrace, "}")
	case *ast.ParenExpr:
		p.enclosed(token.NoPos, "(", func() { p.slot(x.X) }, x.Rparen, ")")
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok {
			if pn, ok := ir.g.info.Uses[id].(*types.PkgName); ok {
				p.w.qual(pn.Imported().Path(), pn.Imported().Name(), x.Sel.Name)
				return
			}
		}
		p.slot(x.X)
		p.tok(".")
		p.at(x.Sel.Pos())
		p.ident(x.Sel)
	case *ast.IndexExpr:
		p.slot(x.X)
		p.enclosed(x.Lbrack, "[", func() { p.slot(x.Index) }, x.Rbrack, "]")
	case *ast.IndexListExpr:
		p.slot(x.X)
		p.enclosed(x.Lbrack, "[", func() { p.slots(x.Indices) }, x.Rbrack, "]")
	case *ast.SliceExpr:
		p.slot(x.X)
		p.enclosed(x.Lbrack, "[", func() {
			p.slot(x.Low)
			p.tok(":")
			p.slot(x.High)
			if x.Slice3 {
				p.tok(":")
				p.slot(x.Max)
			}
		}, x.Rbrack, "]")
	case *ast.TypeAssertExpr:
		p.slot(x.X)
		p.tok(".")
		p.enclosed(x.Lparen, "(", func() {
			if x.Type == nil {
				p.tok("type")
			} else {
				p.slot(x.Type)
			}
		}, x.Rparen, ")")
	case *ast.CallExpr:
		if cl := ir.g.closureCall[x]; cl != nil {
			p.closureCall(cl)
			return
		}
		if sc := ir.g.inPlaceAt[x.Lparen]; sc != nil && x.Lparen.IsValid() {
			x = ir.writeInPlace(sc, x)
		}
		if p.drec != "" && p.lit == p.drecLit && isBuiltin(ir.g.info, x.Fun, "recover") {
			p.tok(ir.nFut + "." + p.drec + "(recover())")
			return
		}
		p.slot(x.Fun)
		p.enclosed(x.Lparen, "(", func() {
			p.slots(x.Args)
			if x.Ellipsis.IsValid() {
				p.at(x.Ellipsis)
				p.tok("...")
			}
		}, x.Rparen, ")")
	case *ast.StarExpr:
		p.tok("*")
		p.slot(x.X)
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			if id, ok := ast.Unparen(x.X).(*ast.Ident); ok {
				if v := ir.varOf(id); v != nil && v.machine && v.cell {
					if p.lit > 0 {
						p.binds[v] = true
						p.tok(v.bind)
						return
					}
					p.tok(ir.loc(v))
					return
				}
			}
		}
		p.tok(x.Op.String())
		p.slot(x.X)
	case *ast.BinaryExpr:
		p.infix(x.X, x.OpPos, " "+x.Op.String()+" ", x.Y)
	case *ast.KeyValueExpr:
		p.infix(x.Key, x.Colon, ": ", x.Value)
	case *ast.ArrayType:
		p.indexed("", x.Len, x.Elt)
	case *ast.StructType:
		p.tok("struct")
		p.fieldList(x.Fields, true)
	case *ast.FuncType:
		p.tok("func")
		p.signature(x)
	case *ast.InterfaceType:
		p.tok("interface")
		p.fieldList(x.Methods, false)
	case *ast.MapType:
		p.indexed("map", x.Key, x.Value)
	case *ast.ChanType:
		switch x.Dir {
		case ast.SEND | ast.RECV:
			p.tok("chan ")
		case ast.RECV:
			p.tok("<-chan ")
		case ast.SEND:
			p.tok("chan<- ")
		}
		p.slot(x.Value)
	default:
		panic("corio/asyncgen: print: unexpected expression " + typeName(x))
	}
}

func typeName(x any) string { return fmt.Sprintf("%T", x) }

// ident writes an identifier of the source: a variable of the machine as it
// is stored, a name of another package qualified.
func (p *stmtPrinter) ident(n *ast.Ident) {
	ir := p.ir
	if v := ir.varOf(n); v != nil {
		switch {
		case !v.machine:
			p.tok(v.name)
		case p.moves[v]:
			p.tok(ir.take(v))
		case v.cell && p.lit > 0:
			p.binds[v] = true
			p.tok("(*" + v.bind + ")")
		default:
			p.tok(ir.access(v))
		}
		return
	}
	if pn, ok := ir.g.info.Uses[n].(*types.PkgName); ok {
		// Only a selector's operand names a package; printed there.
		p.tok(pn.Name())
		return
	}
	// A package-level name of another package used unqualified came
	// through a dot import, which the generated file does not have.
	if obj := ir.g.info.Uses[n]; obj != nil && obj.Pkg() != nil && obj.Pkg() != ir.g.pkg && obj.Parent() == obj.Pkg().Scope() {
		p.w.qual(obj.Pkg().Path(), obj.Pkg().Name(), n.Name)
		return
	}
	if tn, ok := ir.g.info.Uses[n].(*types.TypeName); ok {
		if tp, ok := tn.Type().(*types.TypeParam); ok {
			p.tok(ir.g.tparamName(tp)) // renamed where generated code needs (generic.go)
			return
		}
		if name := ir.g.localName[tn]; name != "" {
			p.tok(name) // a local type hoisted into Poll (localtype.go)
			return
		}
	}
	p.tok(n.Name)
}

// funcLit writes a func literal. The outermost one that captures cells
// binds the current cells as it is created:
// func(i_p *int) func() { return func() { … *i_p … } }(fut.i), so a later
// iteration's fresh cell is not what it sees.
func (p *stmtPrinter) funcLit(n *ast.FuncLit) {
	if p.lit > 0 {
		p.lit++
		p.tok("func")
		p.signature(n.Type)
		p.tok(" ")
		p.block(n.Body)
		p.lit--
		return
	}
	ir := p.ir
	saved := p.binds
	p.binds = map[*variable]bool{}
	p.lit++
	body := p.sub(func() { p.block(n.Body) })
	sig := p.sub(func() { p.signature(n.Type) })
	p.lit--
	binds := p.binds
	p.binds = saved
	if len(binds) == 0 {
		p.tok("func")
		p.add(sig)
		p.tok(" ")
		p.add(body)
		return
	}
	p.tok("func(")
	first := true
	for _, v := range ir.vars {
		if binds[v] {
			if !first {
				p.tok(", ")
			}
			first = false
			p.tok(v.bind + " *")
			p.w.typ(v.typ)
		}
	}
	p.tok(") ")
	if t := ir.g.info.TypeOf(n); t != nil {
		p.w.typ(t)
	} else {
		p.tok("func()") // a literal made by the lowering has no type information
	}
	p.tok(" {\nreturn func")
	p.add(sig)
	p.tok(" ")
	p.add(body)
	p.tok("\n}(")
	first = true
	for _, v := range ir.vars {
		if binds[v] {
			if !first {
				p.tok(", ")
			}
			first = false
			p.tok(ir.loc(v))
		}
	}
	p.tok(")")
}

// signature writes a func type's parameters and results.
func (p *stmtPrinter) signature(t *ast.FuncType) {
	if t.TypeParams != nil {
		p.params(t.TypeParams, "[", "]")
	}
	p.params(t.Params, "(", ")")
	if r := t.Results; r != nil && len(r.List) > 0 {
		p.tok(" ")
		if len(r.List) == 1 && len(r.List[0].Names) == 0 {
			p.slot(r.List[0].Type)
			return
		}
		p.params(r, "(", ")")
	}
}

func (p *stmtPrinter) params(l *ast.FieldList, open, close string) {
	p.tok(open)
	if l != nil {
		for i, f := range l.List {
			if i > 0 {
				p.tok(", ")
			}
			p.names(f.Names)
			if len(f.Names) > 0 {
				p.tok(" ")
			}
			p.slot(f.Type)
		}
	}
	p.tok(close)
}

func (p *stmtPrinter) names(list []*ast.Ident) {
	for i, n := range list {
		if i > 0 {
			p.tok(", ")
		}
		p.ident(n)
	}
}

// fieldList writes a struct's fields or an interface's methods on one
// line. go/format then keeps the line only for one small field without a
// tag (go/printer's rule, which the generated files have always followed)
// and puts each field on a line of its own otherwise.
func (p *stmtPrinter) fieldList(l *ast.FieldList, isStruct bool) {
	if len(l.List) == 0 {
		p.tok("{}")
		return
	}
	p.tok("{ ")
	for i, f := range l.List {
		if i > 0 {
			p.tok("; ")
		}
		if !isStruct && len(f.Names) > 0 {
			p.ident(f.Names[0])
			p.signature(f.Type.(*ast.FuncType))
			continue
		}
		p.names(f.Names)
		if len(f.Names) > 0 {
			p.tok(" ")
		}
		p.slot(f.Type)
		if f.Tag != nil {
			p.tok(" " + f.Tag.Value)
		}
	}
	p.tok(" }")
}

// block writes a block, one statement a line, each with its //line
// directive.
func (p *stmtPrinter) block(b *ast.BlockStmt) {
	p.at(b.Lbrace)
	p.tok("{")
	p.stmtList(b.List)
	p.tok("\n")
	p.at(b.Rbrace)
	p.tok("}")
}

func (p *stmtPrinter) stmtList(list []ast.Stmt) {
	for _, s := range list {
		p.w.text("\n")
		p.tok(p.ir.directive(s.Pos()))
		p.stmt(s)
	}
}

func (p *stmtPrinter) stmt(s ast.Stmt) {
	ir := p.ir
	switch s := s.(type) {
	case *ast.DeclStmt:
		gd := s.Decl.(*ast.GenDecl)
		if gd.Tok == token.CONST {
			p.add(ir.constDecl(ir.keptConsts(gd)))
			return
		}
		p.tok(gd.Tok.String() + " ")
		if gd.Lparen.IsValid() || len(gd.Specs) != 1 {
			p.tok("(")
			for _, sp := range gd.Specs {
				p.tok("\n")
				p.spec(sp)
			}
			if len(gd.Specs) > 0 {
				p.tok("\n")
			}
			p.tok(")")
			return
		}
		p.spec(gd.Specs[0])
	case *ast.EmptyStmt:
	case *ast.LabeledStmt:
		p.ident(s.Label)
		p.at(s.Colon)
		p.tok(":\n")
		if _, ok := s.Stmt.(*ast.EmptyStmt); ok {
			p.tok(";")
			return
		}
		p.stmt(s.Stmt)
	case *ast.ExprStmt:
		p.slot(s.X)
	case *ast.SendStmt:
		p.infix(s.Chan, s.Arrow, " <- ", s.Value)
	case *ast.IncDecStmt:
		p.slot(s.X)
		p.at(s.TokPos)
		p.tok(s.Tok.String())
	case *ast.AssignStmt:
		p.slots(s.Lhs)
		p.at(s.TokPos)
		p.tok(" " + s.Tok.String() + " ")
		p.slots(s.Rhs)
	case *ast.GoStmt:
		p.tok("go ")
		p.expr(s.Call)
	case *ast.DeferStmt:
		p.tok("defer ")
		p.expr(s.Call)
	case *ast.ReturnStmt:
		if p.lit > 0 || p.method {
			p.tok("return")
			if len(s.Results) > 0 {
				p.tok(" ")
				p.slots(s.Results)
			}
			return
		}
		var tmps []string
		if p.kept != nil {
			tmps = p.kept.retTmps[s]
		}
		p.returnStmt(s.Results, s.Pos(), tmps)
	case *ast.BranchStmt:
		if p.kept != nil && p.lit == 0 {
			if b := p.kept.jumps[s]; b != nil {
				p.tok("{\n" + ir.nState + " = " + itoa(b.state) + "\ncontinue " + ir.pollLabel + "\n}")
				return
			}
		}
		p.tok(s.Tok.String())
		if s.Label != nil {
			p.tok(" ")
			p.ident(s.Label)
		}
	case *ast.BlockStmt:
		p.block(s)
	case *ast.IfStmt:
		p.header("if", s.Init)
		p.slot(s.Cond)
		p.tok(" ")
		p.block(s.Body)
		if s.Else != nil {
			p.tok(" else ")
			if _, ok := s.Else.(*ast.IfStmt); ok {
				p.at(s.Else.Pos())
			}
			p.stmt(s.Else)
		}
	case *ast.CaseClause:
		p.clause(s.List == nil, func() { p.slots(s.List) }, s.Colon, s.Body)
	case *ast.SwitchStmt:
		p.header("switch", s.Init)
		p.slot(s.Tag)
		p.tok(" ")
		p.block(s.Body)
	case *ast.TypeSwitchStmt:
		p.header("switch", s.Init)
		p.stmt(s.Assign)
		p.tok(" ")
		p.block(s.Body)
	case *ast.CommClause:
		p.clause(s.Comm == nil, func() { p.stmt(s.Comm) }, s.Colon, s.Body)
	case *ast.SelectStmt:
		p.tok("select ")
		if len(s.Body.List) == 0 {
			p.at(s.Body.Lbrace)
			p.tok("{")
			p.at(s.Body.Rbrace)
			p.tok("}")
			return
		}
		p.block(s.Body)
	case *ast.ForStmt:
		p.tok("for ")
		if s.Init != nil || s.Post != nil {
			if s.Init != nil {
				p.stmt(s.Init)
			}
			p.tok("; ")
			p.slot(s.Cond)
			p.tok("; ")
			if s.Post != nil {
				p.stmt(s.Post)
			}
		} else {
			p.slot(s.Cond)
		}
		p.tok(" ")
		p.block(s.Body)
	case *ast.RangeStmt:
		p.tok("for ")
		if s.Key != nil {
			p.slot(s.Key)
			if s.Value != nil {
				p.tok(", ")
				p.slot(s.Value)
			}
			p.at(s.TokPos)
			p.tok(" " + s.Tok.String() + " ")
		}
		p.at(s.Range)
		p.tok("range ")
		p.slot(s.X)
		p.tok(" ")
		p.block(s.Body)
	default:
		panic("corio/asyncgen: print: unexpected statement " + typeName(s))
	}
}

// header writes a control clause's keyword and init statement, if any.
func (p *stmtPrinter) header(keyword string, init ast.Stmt) {
	p.tok(keyword + " ")
	if init != nil {
		p.stmt(init)
		p.tok("; ")
	}
}

// clause writes a case clause of a switch or select: default, or case and
// what head writes; then the statements.
func (p *stmtPrinter) clause(isDefault bool, head func(), colon token.Pos, body []ast.Stmt) {
	if isDefault {
		p.tok("default")
	} else {
		p.tok("case ")
		head()
	}
	p.at(colon)
	p.tok(":")
	p.stmtList(body)
}

func (p *stmtPrinter) spec(s ast.Spec) {
	switch s := s.(type) {
	case *ast.ValueSpec:
		p.names(s.Names)
		if s.Type != nil {
			p.tok(" ")
			p.slot(s.Type)
		}
		if s.Values != nil {
			p.tok(" = ")
			p.slots(s.Values)
		}
	case *ast.TypeSpec:
		p.ident(s.Name)
		if s.TypeParams != nil {
			p.params(s.TypeParams, "[", "]")
		}
		p.tok(" ")
		if s.Assign.IsValid() {
			p.tok("= ")
		}
		p.slot(s.Type)
	default:
		panic("corio/asyncgen: print: unexpected spec " + typeName(s))
	}
}
