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
//	lower.go, stmt.go, range.go, expr.go  build the graph from the body
//	escape.go                              variables whose address escapes
//	optimize.go                            jump threading, state numbering
//	liveness.go                            fields, shared slots, clearing
//	layout.go                              the future's await and child fields
//	emit.go                                the Go text (reads the IR only)
//
// Escape analysis runs before the graph is built, because it decides which
// variables live in cells, which the lowering of their declarations needs.

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
	text    string       // the type as text, for types not in the type checker's view
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
// either built by the lowering or kept as the source wrote it, with the
// source position its //line directive names (0 for the lowering's glue).
type instr struct {
	s   ast.Stmt
	pos token.Pos
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
	cfield string      // the child's field (layout.go)
}

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

	// Variables, in declaration order; objVar maps the source's objects,
	// refVar and rawVar the identifiers the lowering made (a variable's
	// value, and a cell variable's pointer).
	vars    []*variable
	objVar  map[types.Object]*variable
	refVar  map[*ast.Ident]*variable
	rawVar  map[*ast.Ident]*variable
	recv    *variable
	params  []*variable // in signature order; nil for unnamed or blank
	results []*variable // named results

	entry   *block
	blocks  []*block
	consts  []ast.Stmt                   // local constants, declared at the top of Poll
	extJump map[*ast.BranchStmt]*block   // jumps out of kept statements
	retTmps map[*ast.ReturnStmt][]string // names for a kept return of one multi-valued call
	names   map[string]bool              // every name the function's code uses

	// The generated code's own names.
	futName                                     string
	nFut, nCx, nState, nZero, nReady, pollLabel string

	reach     []*block // reachable blocks in state order (optimize.go)
	labelUsed bool     // a kept statement jumps out through Poll's label

	used, read map[*variable]bool // referenced, and read, by reachable code (liveness.go)
	suspLive   map[*awaitTerm][]*variable

	awaits     []awField // layout.go
	children   []*asyncFunc
	childField map[*asyncFunc]string
}

// awField is a field holding the future being awaited.
type awField struct {
	name, typ string
	t         types.Type
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

// varOf is the variable an identifier denotes, nil for none.
func (ir *irFunc) varOf(id *ast.Ident) *variable {
	if v := ir.refVar[id]; v != nil {
		return v
	}
	if v := ir.rawVar[id]; v != nil {
		return v
	}
	obj := ir.g.info.Defs[id]
	if obj == nil {
		obj = ir.g.info.Uses[id]
	}
	return ir.objVar[obj]
}
