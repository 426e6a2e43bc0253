package gotest

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strconv"
)

// RTAlias is the import name under which a transformed program imports
// corio's rt package; no program of Go's test directory uses it.
const RTAlias = "corio_rt"

// MainName is what a transformed program calls its original main function;
// a new plain main runs its twin with rt.Run.
const MainName = "corioMain"

// Func is one function declaration with a body in a test program, the unit
// that the harness marks async and un-marks when asyncgen rejects it. Its
// index in Transformed.Funcs identifies it to Transform's unmark.
type Func struct {
	Name      string // the declared name; "Recv.Name" for a method
	StartLine int    // line of the func keyword (or of its doc comment), original numbering
	EndLine   int    // line of the closing brace
}

// Transformed is a test program rewritten for the harness.
type Transformed struct {
	Src    []byte // the rewritten source
	Funcs  []Func // every function with a body (marked or not), in source order
	Marked []bool // Marked[i] reports whether Funcs[i] carries //async:func
	// MainAsync reports whether main is marked, so that the program's own
	// code runs as a future; when it is not, nothing runs asynchronously.
	MainAsync bool
}

// Transform rewrites a single-file main program so that every function with
// a body except init and those in unmark (by index in Transformed.Funcs) is an async
// function, with rt.YieldNow() inserted before every statement of its body
// outside func literals (and the communications of selects). main is renamed MainName
// and a new main, appended after the last line, runs it with rt.Run (or calls
// it directly when it is not marked).
//
// Line numbers are kept: rt is imported on the package clause's line, yields
// are inserted on the line of the statement they precede, and the
// //async:func line added above a declaration is followed by a //line
// directive (naming filename, which should be the absolute path the program
// is compiled from) that restores the declaration's own line and column.
func Transform(filename string, src []byte, unmark map[int]bool) (*Transformed, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filename, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	if f.Name.Name != "main" {
		return nil, fmt.Errorf("package %s, not main", f.Name.Name)
	}
	tf := fset.File(f.Pos())
	off := func(p token.Pos) int { return tf.Offset(p) }

	type edit struct {
		at   int
		text string
		del  int // bytes of the original replaced, from at
	}
	var edits []edit
	edits = append(edits, edit{at: off(f.Name.End()), text: "; import " + RTAlias + ` "github.com/corio-go/corio/rt"`})

	t := &Transformed{}
	var mainMarked, hasMain bool
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		i := len(t.Funcs)
		name := fd.Name.Name
		if fd.Recv != nil && len(fd.Recv.List) == 1 {
			name = recvName(fd.Recv.List[0].Type) + "." + name
		}
		start := fd.Pos()
		if fd.Doc != nil {
			start = fd.Doc.Pos()
		}
		t.Funcs = append(t.Funcs, Func{Name: name, StartLine: fset.Position(start).Line, EndLine: fset.Position(fd.End()).Line})
		isMain := fd.Recv == nil && fd.Name.Name == "main"
		if isMain {
			hasMain = true
			edits = append(edits, edit{at: off(fd.Name.Pos()), text: MainName, del: len("main")})
		}
		mark := !(fd.Recv == nil && fd.Name.Name == "init") && !unmark[i]
		t.Marked = append(t.Marked, mark)
		if !mark {
			continue
		}
		if isMain {
			mainMarked = true
		}
		// The directive goes last in the doc comment, on a line of its own
		// just above the func keyword, then a //line directive that gives the
		// func keyword back its original position.
		p := fset.Position(fd.Pos())
		dir := "//async:func\n//line " + filename + ":" + strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Column) + "\n"
		if p.Column != 1 {
			dir = "\n" + dir
		}
		edits = append(edits, edit{at: off(fd.Pos()), text: dir})
		for _, s := range bodyStmts(fd.Body) {
			edits = append(edits, edit{at: off(s.Pos()), text: RTAlias + ".YieldNow(); "})
		}
	}
	if !hasMain {
		return nil, fmt.Errorf("no func main")
	}
	t.MainAsync = mainMarked
	call := MainName + "()"
	if mainMarked {
		call = RTAlias + ".Run(" + MainName + "Async())"
	}
	tail := "\nfunc main() { " + call + " }\n"
	if !mainMarked {
		// Nothing else may use the import.
		tail += "\nvar _ = " + RTAlias + ".YieldNow\n"
	}

	sort.SliceStable(edits, func(a, b int) bool { return edits[a].at < edits[b].at })
	var buf bytes.Buffer
	last := 0
	for _, e := range edits {
		buf.Write(src[last:e.at])
		buf.WriteString(e.text)
		last = e.at + e.del
	}
	buf.Write(src[last:])
	if n := buf.Len(); n > 0 && buf.Bytes()[n-1] != '\n' {
		buf.WriteByte('\n')
	}
	buf.WriteString(tail)
	t.Src = buf.Bytes()
	return t, nil
}

// recvName is the receiver's base type name: T for T, *T, T[P] and *T[P].
func recvName(e ast.Expr) string {
	for {
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		case *ast.Ident:
			return x.Name
		default:
			return "?"
		}
	}
}

// bodyStmts lists the statements of body that get a yield in front of them:
// every statement of a statement list reachable from body without entering a
// func literal (asyncgen rejects suspension points there, and the harness
// wants the function itself to be lowered), the bodies of select clauses
// included, except empty statements. A labeled statement gets its yield
// before the label.
func bodyStmts(body *ast.BlockStmt) []ast.Stmt {
	var out []ast.Stmt
	var list func([]ast.Stmt)
	var walk func(ast.Node)
	list = func(ss []ast.Stmt) {
		for _, s := range ss {
			switch s.(type) {
			case *ast.EmptyStmt, *ast.CaseClause, *ast.CommClause:
			default:
				out = append(out, s)
			}
			walk(s)
		}
	}
	walk = func(n ast.Node) {
		ast.Inspect(n, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.CommClause:
				list(x.Body)
				return false
			case *ast.BlockStmt:
				list(x.List)
				return false
			case *ast.CaseClause:
				for _, e := range x.List {
					walk(e)
				}
				list(x.Body)
				return false
			}
			return true
		})
	}
	list(body.List)
	return out
}
