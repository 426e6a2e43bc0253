package asyncrules

import (
	"go/ast"
	"go/types"
)

// AsyncClosure returns the func literal of an async closure: a call of
// rt.Async or rt.AsyncDo whose argument is a func literal (parenthesized or
// not, with or without explicit instantiation). Inside an async function
// its body is an async body of its own; nil for any other call.
func (c *Checker) AsyncClosure(call *ast.CallExpr) *ast.FuncLit {
	if c.RT == nil || len(call.Args) != 1 {
		return nil
	}
	lit, ok := ast.Unparen(call.Args[0]).(*ast.FuncLit)
	if !ok {
		return nil
	}
	f, _ := c.Callee(call)
	if f == nil || f.Pkg() == nil || f.Pkg().Path() != RTPath || (f.Name() != "Async" && f.Name() != "AsyncDo") {
		return nil
	}
	if sig, ok := f.Type().(*types.Signature); !ok || sig.Recv() != nil {
		return nil
	}
	return lit
}

// checkClosure checks the body of an async closure met in async function
// name as an async body of its own, recording its suspension points in
// c.Closures; nested closures are recorded by the same walk.
func (c *Checker) checkClosure(name string, lit *ast.FuncLit) {
	susp := c.Check(name+"'s async closure", lit.Body)
	if c.Closures == nil {
		c.Closures = map[*ast.FuncLit]map[*ast.CallExpr]*Twin{}
	}
	c.Closures[lit] = susp
}

// innermostLit is the innermost func literal on an ast.Inspect stack.
func innermostLit(stack []ast.Node) *ast.FuncLit {
	for i := len(stack) - 1; i >= 0; i-- {
		if fl, ok := stack[i].(*ast.FuncLit); ok {
			return fl
		}
	}
	return nil
}
