package main

// The IR: what lowering produces and emission consumes.
//
// One async function becomes an irFunc: its variables and a control-flow
// graph of blocks. A block is a list of instructions in execution order and
// one terminator; a terminator is the only way control leaves a block (a
// jump, a two-way branch, a return, an await that suspends until a future is
// ready, or the end of a statement that does not complete normally).
//
// The passes, in order, each in its own file, each reading and writing only
// the IR (emit.go's lowerFunc runs them; sanity.go checks the invariants
// after each one in the tests):
//
//	escape.go                              variables whose address escapes
//	lower.go, stmt.go, range.go, expr.go  build the graph from the body
//	optimize.go                            jump threading, state numbering
//	liveness.go                            fields, shared slots, last uses, clearing
//	layout.go                              the future's await and child fields
//	emit.go, print.go                      the Go text (reads the IR only)
//
// Escape analysis runs on the source before the graph is built, because it
// decides which variables live in cells, which the lowering of their
// declarations needs.

import (
	"go/ast"
	"go/token"
	"go/types"
)

// variable is one variable of the machine: a parameter, a result, a source
// variable or constant, or a temporary of the lowering.
type variable struct {
	name    string
	typ     types.Type
	obj     types.Object // nil for temporaries
	machine bool         // declared at the machine level (not inside a kept statement)
	param   bool         // a parameter or receiver: set by the constructor
	escapes bool         // address taken or captured by a closure (escape.go)
	cell    bool         // held through a *T cell, fresh per declaration
	field   bool         // a field of the future, else a local of Poll (liveness.go)
	bind    string       // name binding the cell inside func literals
	pinned  bool         // always a field: Poll's deferred unwinding and Cancel read it (rangefunc.go)
	boxed   bool         // a field whose type names a local type: held as an interface (localtype.go)
	boxT    string       // boxed: Poll's alias of the type the interface holds (*T); raw: of T
	raw     bool         // a field whose type names a local type and holds no pointers: its bytes (localtype.go)
}

// block is a basic block: instructions, then one terminator.
type block struct {
	order  int // fill order, for emission; -1 until filled
	stmts  []instr
	term   terminator
	resume *awaitTerm // the await whose completion enters this block
	extra  []*block   // targets of jumps out of kept statements
	state  int        // the Poll case (optimize.go); dense over reachable blocks
	reach  bool
}

// instr is one instruction: a statement that holds no suspension point,
// built by the lowering or kept as the source wrote it, with the source
// position its //line directive names (0 for the lowering's own glue).
type instr interface {
	at() token.Pos
	setAt(token.Pos)
}

type srcPos struct{ pos token.Pos }

func (p *srcPos) at() token.Pos     { return p.pos }
func (p *srcPos) setAt(x token.Pos) { p.pos = x }

// assignInstr is lhs tok rhs (= or an operator assignment), as Go assigns:
// index and pointer operands on the left were evaluated before (lowering
// leaves only plain operands there).
type assignInstr struct {
	srcPos
	lhs, rhs []ast.Expr
	tok      token.Token
}

type exprInstr struct {
	srcPos
	x ast.Expr
}

type incDecInstr struct {
	srcPos
	x   ast.Expr
	tok token.Token
}

// goInstr starts call in a new goroutine.
type goInstr struct {
	srcPos
	call *ast.CallExpr
}

// keptInstr is a source statement without suspension points, kept as
// written. A break or continue in it that leaves it for a lowered statement
// becomes a change of state (jumps; its block's extra lists the targets),
// and a return of one multi-valued call unpacks it into names chosen by the
// lowering (retTmps), so that printing names nothing.
type keptInstr struct {
	srcPos
	s       ast.Stmt
	jumps   map[*ast.BranchStmt]*block
	retTmps map[*ast.ReturnStmt][]string
}

// cellInstr gives cell variable v a new cell: a zero one where v is
// declared, or (fresh) a copy of the current one, the next iteration's
// variable of a loop (Go 1.22).
type cellInstr struct {
	srcPos
	v     *variable
	fresh bool
}

// zeroInstr sets v to its zero value: a var declaration without values.
type zeroInstr struct {
	srcPos
	v *variable
}

// touchInstr evaluates nothing but refers to the variables of x, an
// expression the lowering does not evaluate (the operand of a range over an
// array whose length is constant), which Go still counts as used.
type touchInstr struct {
	srcPos
	x ast.Expr
}

// IR expressions. Lowered expressions are go/ast expressions, source nodes
// or nodes the lowering builds around lowered operands; what is not source
// syntax is one of the node types below, which carry what the printer needs
// to spell them. They embed ast.BadExpr only to stand where go/ast expects
// an ast.Expr; the syntax printer (printer_syntax.go) spells each.

// varRef is a machine variable: its value (through its cell, for a cell
// variable), or with ptr the cell pointer itself.
type varRef struct {
	ast.BadExpr
	v   *variable
	ptr bool
}

// pkgRef is a member of another package (utf8.DecodeRuneInString).
type pkgRef struct {
	ast.BadExpr
	path, name, member string
}

// typeRef is a type, where an expression names one (a conversion, a type
// assertion).
type typeRef struct {
	ast.BadExpr
	t types.Type
}

// constDecl is one local const declaration of the source: its constants,
// declared at the top of Poll with their values written out.
type constDecl struct {
	consts []*types.Const
}

// terminator ends a block: *jumpTerm, *ifTerm, *returnTerm, *awaitTerm,
// *panicTerm or *unreachableTerm.
type terminator interface{ successors() []*block }

type jumpTerm struct{ to *block }

// ifTerm branches on a condition that holds no suspension point.
type ifTerm struct {
	cond      ast.Expr
	then, els *block
	pos       token.Pos // the source condition, for its //line directive
}

type returnTerm struct {
	results []ast.Expr // nil: bare return (named results, or none)
	pos     token.Pos
}

// awaitTerm suspends until a future is ready; next starts with its output.
type awaitTerm struct {
	fut    ast.Expr
	out    types.Type
	dst    *variable // receives the output; nil when discarded
	next   *block
	pos    token.Pos
	child  *asyncFunc  // a callee whose future is held by value (inline.go)
	clear  []*variable // pointer fields dead from here on (liveness.go)
	field  string      // the await field (layout.go)
	assert types.Type  // where the field is shared (an interface): the future type it holds here
	view   types.Type  // where the field is shared by interfaces only (layout.go): the one this await stores and polls it as
	frame  *asyncFunc  // a callee of the package, whose future is an rt.Frame (emit.go)
	cfield string      // the child's field (layout.go)
	// targs are the type arguments of a generic callee of the package
	// (frame), as the call instantiates it; childType is child's future
	// type so instantiated (layout.go).
	targs     []types.Type
	childType types.Type
	// byValue is F where the await holds MakeX's future by value (the
	// by-value rule in doc.go): fut calls MakeX and field has type F.
	byValue types.Type
	// undriven: in the body of a range over a function (rangefunc.go), the
	// frame is polled through this Poll, never by the driver directly, so
	// that its panics pass Poll's deferred unwinding of the iterator.
	undriven bool
}

// driven reports whether the await drives its callee as a frame of the
// driver's stack (emit.go).
func (t *awaitTerm) driven() bool { return t.frame != nil && !t.undriven }

// panicTerm ends a block whose last statement does not complete normally
// (a panic, an endless loop left only through jumps).
type panicTerm struct{}

// unreachableTerm ends a block that Go's terminating-statement rule makes
// unreachable (the end of a function with results).
type unreachableTerm struct{}

func (t *jumpTerm) successors() []*block        { return []*block{t.to} }
func (t *ifTerm) successors() []*block          { return []*block{t.then, t.els} }
func (t *awaitTerm) successors() []*block       { return []*block{t.next} }
func (t *returnTerm) successors() []*block      { return nil }
func (t *panicTerm) successors() []*block       { return nil }
func (t *unreachableTerm) successors() []*block { return nil }

// successors are the blocks control may enter from b: its terminator's
// targets and the targets of jumps out of its kept statements.
func successors(b *block) []*block {
	out := append([]*block(nil), b.extra...)
	if b.term != nil {
		out = append(out, b.term.successors()...)
	}
	return out
}

// irFunc is one async function in the IR.
type irFunc struct {
	g   *pkgGen
	fn  *asyncFunc
	out types.Type // the future's output (the result rule)

	// Variables, in declaration order; objVar maps the source's objects.
	vars   []*variable
	objVar map[types.Object]*variable
	// changing are the variables a defer must copy (defer.go), once asked.
	changing map[types.Object]bool
	recv     *variable
	params   []*variable // in signature order; nil for unnamed or blank
	// captured are an async closure's captures (closure.go): cell
	// parameters, the enclosing function's cells.
	captured []*variable
	// valueTwin is the companion of each func variable whose calls
	// suspend (check.go's funcValue): it holds the twin of what the
	// variable holds.
	valueTwin map[types.Object]*variable
	results   []*variable // named results

	entry  *block
	blocks []*block
	consts []constDecl // local constants, declared at the top of Poll
	// localTypes are the local types declared at the machine level, in
	// source order, declared at the top of Poll (localtype.go).
	localTypes []*types.TypeName
	boxes      []localBox      // the aliases of boxed fields' types
	pkgUsed    map[string]bool // package-level names Poll may write (localtype.go), once asked
	nRawPtr    string          // Poll's alias of unsafe.Pointer, for raw fields
	names      map[string]bool // every name the function's code uses

	// The generated code's own names.
	futName                                     string
	nFut, nCx, nState, nZero, nReady, pollLabel string

	reach     []*block // reachable blocks in state order (optimize.go)
	labelUsed bool     // a kept statement jumps out through Poll's label

	used, read map[*variable]bool  // referenced, and read, by reachable code (liveness.go)
	moves      map[any][]*variable // per instruction or branch: fields it reads last (lastUses)
	suspLive   map[*awaitTerm][]*variable

	awaits     []awField // layout.go
	children   []*childInst
	childField map[string]*childInst // by callee and type arguments
	nRes       string                // the output kept by PollFrame (an rt.Frame with results)
	nDriven    string                // Poll's local: the awaited frame is driven (frames awaited)
	nFresh     string                // Poll's local: the awaited frame was made in this call

	// ranges are the iterators (*rt.RangeFunc) of the ranges over functions
	// whose bodies suspend, in source order (rangefunc.go); Poll unwinds and
	// Cancel stops them, innermost first.
	ranges []*variable

	defers []*deferSite // the defer statements (defer.go)
	// litDefers are the deferred func literals written as methods of the
	// future, with the outermost loop around each (defer.go's
	// deferMethodLits), decided before escape analysis.
	litDefers map[*ast.FuncLit]ast.Node
	dsites    []*deferSite // the reachable ones, by number
	dnames    *deferNames  // the members defers add; nil without defers
}

// childInst is an inlined callee's future held in a field of its own: one
// per callee and, for a generic callee, per instance.
type childInst struct {
	fn    *asyncFunc
	targs []types.Type // the instance's type arguments; nil when fn is not generic
	t     types.Type   // the future type, instantiated
	field string
}

// awField is a field holding the future being awaited; shared when the
// awaits of several future types share it (its type is then an empty
// interface, and each await's assert says what it holds).
type awField struct {
	name, typ string
	t         types.Type
	shared    bool
	ifaces    bool  // shared by rt.Future interfaces only: declared as the first, each other one viewed through unsafe (layout.go)
	frame     bool  // not shared, and it holds a generated future of the package (*fFuture)
	byValue   bool  // holds a future by value (type F, not rt.Future)
	states    []int // byValue: the states in which it holds a pending future
}

// name allocates a unique identifier for the function's code.
func (ir *irFunc) name(base string) string {
	if base == "" || base == "_" {
		base = "v"
	}
	n := base
	for i := 2; ir.names[n] || ir.g.reserved[n] || ir.g.taken[n]; i++ {
		n = base + "_" + itoa(i)
	}
	ir.names[n] = true
	ir.g.genNames[n] = true
	return n
}

// varOf is the machine or kept variable a source identifier denotes, nil
// for none.
func (ir *irFunc) varOf(id *ast.Ident) *variable {
	obj := ir.g.info.Defs[id]
	if obj == nil {
		obj = ir.g.info.Uses[id]
	}
	return ir.objVar[obj]
}

// inspect is ast.Inspect over lowered syntax: f also sees the IR's own
// expression nodes, which have no children.
func inspect(n ast.Node, f func(ast.Node) bool) {
	ast.Inspect(n, func(m ast.Node) bool {
		switch m.(type) {
		case *varRef, *pkgRef, *typeRef:
			f(m)
			return false
		}
		return f(m)
	})
}
