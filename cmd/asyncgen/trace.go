package main

// Trace: the method through which a generated future says where it is
// suspended (rt.Tracer). Poll records nothing: the state it stores when it
// suspends already names the await it resumes at, so Trace is a switch over
// that state, written here from the IR, with the await's source line and
// the field that holds the future it waits for.

import (
	"go/ast"
	"go/types"
	"path/filepath"
	"strconv"
)

// goName is fn's name as Go's goroutine dumps print it, with the package's
// name for its path: pkg.F, pkg.F[...], pkg.T.M, pkg.(*T).M,
// pkg.(*T[...]).M, and for a closure its enclosing function's name and
// .funcN (.N inside another closure).
func (g *pkgGen) goName(fn *asyncFunc) string {
	if c := fn.closure; c != nil {
		return c.goName
	}
	name := fn.decl.Name.Name
	if fn.decl.Recv == nil {
		if fn.sig.TypeParams().Len() > 0 {
			name += "[...]"
		}
		return g.pkg.Name() + "." + name
	}
	t := recvTypeName(fn)
	if fn.sig.RecvTypeParams().Len() > 0 {
		t += "[...]"
	}
	if _, ptr := fn.sig.Recv().Type().(*types.Pointer); ptr {
		t = "(*" + t + ")"
	}
	return g.pkg.Name() + "." + t + "." + name
}

// funcLitNumbers numbers the func literals directly in body (not inside
// another literal) from 1 in source order, as Go numbers closures.
func funcLitNumbers(body *ast.BlockStmt) map[*ast.FuncLit]int {
	out := map[*ast.FuncLit]int{}
	ast.Inspect(body, func(n ast.Node) bool {
		if lit, ok := n.(*ast.FuncLit); ok {
			out[lit] = len(out) + 1
			return false
		}
		return true
	})
	return out
}

// trace writes Trace: the function's name and file, and for each state that
// resumes an await, the await's line and the future it waits for.
func (e *emitter) trace() {
	g, ir, p, f := e.g, e.ir, e.p, e.fut
	pos := g.fset.PositionFor(ir.fn.decl.Pos(), false)
	file := g.pkg.Path() + "/" + filepath.Base(pos.Filename)
	t := "t"
	if f == t {
		t = "t_"
	}
	p("// Trace says where ", e.display, " is suspended; see rt.Tracer.\n")
	p("func (", f, " *", e.self(), ") Trace() ")
	e.rt("Trace")
	p(" {\n", t, " := ")
	e.rt("Trace")
	p("{Func: ", strconv.Quote(g.goName(ir.fn)), ", File: ", strconv.Quote(file), "}\n")
	first := true
	for _, blk := range ir.reach {
		r := blk.resume
		if r == nil {
			continue
		}
		if first {
			p("switch ", f, ".", ir.nState, " {\n")
			first = false
		}
		line := g.fset.PositionFor(r.pos, false).Line
		p("case ", blk.state, ":\n", t, ".Line, ", t, ".Awaiting = ", line, ", ")
		if r.byValue != nil {
			p("&", f, ".", r.field, "\n") // polled in place
		} else {
			// The await field: an rt.Future, the callee's *fFuture or,
			// shared, an interface; set in every state that resumes it.
			p(f, ".", r.field, "\n")
		}
	}
	if !first {
		p("}\n")
	}
	p("return ", t, "\n}\n\n")
}
