package gotest

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

const sample = `// run

package main // the clause

import "fmt"

type T int

// String doc.
//go:noinline
func (t T) String() string { return fmt.Sprint(int(t) * 2) }

func init() { fmt.Println("init") }

func f(x int) int {
	if x > 0 {
		return f(x-1) + x
	}
	return 0
}

func g(v any, c chan int) {
	switch v.(type) {
	case int:
		fmt.Println("int")
	}
	select {
	case c <- 1: fmt.Println("sent")
	default:
	}
	h := func() { fmt.Println("lit") }
	h()
}

func main() {
L:
	for i := 0; i < 3; i++ {
		switch {
		case i == 1:
			continue L
		}
		fmt.Println(f(i), T(i)); g(i, nil)
	}
}
`

func transform(t *testing.T, unmark map[int]bool) *Transformed {
	t.Helper()
	tr, err := Transform("/abs/prog.go", []byte(sample), unmark)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// identLines lists "name@line" for every identifier of a file, in order,
// with positions as the compiler reports them (//line directives applied),
// leaving out the names the transformation adds.
func identLines(t *testing.T, src []byte, transformed bool) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "/abs/prog.go", src, parser.ParseComments)
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	added := map[string]bool{RTAlias: true, "YieldNow": true, "Run": true, MainName + "Async": true}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		if fd, ok := n.(*ast.FuncDecl); ok && transformed && fd.Name.Name == "main" {
			return false // the added main
		}
		if vs, ok := n.(*ast.ValueSpec); ok && transformed && vs.Names[0].Name == "_" {
			return false // the added use of the import
		}
		if id, ok := n.(*ast.Ident); ok && !added[id.Name] {
			name := id.Name
			if name == MainName {
				name = "main"
			}
			out = append(out, fmt.Sprintf("%s@%d", name, fset.Position(id.Pos()).Line))
		}
		return true
	})
	return out
}

func TestTransformKeepsLines(t *testing.T) {
	for _, unmark := range []map[int]bool{nil, {1: true}, {0: true, 2: true, 4: true}} {
		tr := transform(t, unmark)
		want := identLines(t, []byte(sample), false)
		got := identLines(t, tr.Src, true)
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("unmark %v: positions moved\nwant %v\ngot  %v\n%s", unmark, want, got, tr.Src)
		}
	}
}

func TestTransformMarks(t *testing.T) {
	tr := transform(t, map[int]bool{2: true})
	src := string(tr.Src)
	var names []string
	for i, f := range tr.Funcs {
		names = append(names, fmt.Sprintf("%s:%v", f.Name, tr.Marked[i]))
	}
	if got, want := strings.Join(names, " "), "T.String:true init:false f:false g:true main:true"; got != want {
		t.Errorf("marks: got %s, want %s", got, want)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "/abs/prog.go", tr.Src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	yields := map[string]int{}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok {
			continue
		}
		directive := fd.Doc != nil && strings.Contains(fd.Doc.Text()+"\n"+commentText(fd.Doc), "//async:func")
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			if s, ok := n.(*ast.SelectorExpr); ok && s.Sel.Name == "YieldNow" {
				yields[fd.Name.Name]++
			}
			return true
		})
		marked := fd.Name.Name == "String" || fd.Name.Name == "g" || fd.Name.Name == MainName
		if directive != marked {
			t.Errorf("%s: directive %v, want %v", fd.Name.Name, directive, marked)
		}
	}
	// String: 1; g: switch, its case's Println, select, its case's
	// Println, h :=, h(); main: label, switch, continue, Println, g.
	want := map[string]int{"String": 1, "g": 6, MainName: 5}
	for k, v := range want {
		if yields[k] != v {
			t.Errorf("%s: %d yields, want %d\n%s", k, yields[k], v, src)
		}
	}
	if yields["f"] != 0 || yields["init"] != 0 {
		t.Errorf("yields in unmarked functions: %v", yields)
	}
	if !strings.Contains(src, "corio_rt.YieldNow(); L:") {
		t.Errorf("the label's statement lost its label:\n%s", src)
	}
	if !strings.Contains(src, "func main() { corio_rt.Run(corioMainAsync()) }") {
		t.Errorf("no new main:\n%s", src)
	}
	if !tr.MainAsync {
		t.Error("MainAsync false")
	}
	tr = transform(t, map[int]bool{4: true})
	if tr.MainAsync || !strings.Contains(string(tr.Src), "func main() { corioMain() }") {
		t.Errorf("unmarked main: MainAsync %v\n%s", tr.MainAsync, tr.Src)
	}
}

func commentText(g *ast.CommentGroup) string {
	var b strings.Builder
	for _, c := range g.List {
		b.WriteString(c.Text + "\n")
	}
	return b.String()
}

func TestTransformErrors(t *testing.T) {
	for _, src := range []string{"package p\nfunc main() {}\n", "package main\nfunc f() {}\n", "package main\nfunc main() {\n"} {
		if _, err := Transform("/x.go", []byte(src), nil); err == nil {
			t.Errorf("no error for %q", src)
		}
	}
}

func TestAttribute(t *testing.T) {
	tr := transform(t, nil)
	out := "prog.go:17:3: bad thing\nprog.go:18:1: another in f\n./prog.go:37:2: in main\n"
	newly, unplaced := attribute(out, "prog.go", tr)
	if len(unplaced) != 0 || len(newly) != 2 || newly[2] != "bad thing" || newly[4] != "in main" {
		t.Errorf("got %v, unplaced %v", newly, unplaced)
	}
	_, unplaced = attribute("prog.go:1:1: at the top\nother.go:17:1: elsewhere\nsomething\n", "prog.go", tr)
	if len(unplaced) != 3 {
		t.Errorf("unplaced %v, want 3", unplaced)
	}
	// Diagnostics in functions already un-marked are not theirs any more.
	tr = transform(t, map[int]bool{2: true})
	if newly, unplaced = attribute(out, "prog.go", tr); len(unplaced) != 2 || len(newly) != 1 {
		t.Errorf("unplaced %v, want the two in f; placed %v", unplaced, newly)
	}
	// A call that may not suspend where it is made un-marks the callee, not
	// the caller; a name that matches no marked function, the caller.
	tr = transform(t, nil)
	out = "prog.go:37:2: f suspends, but it is called inside a func literal, which runs as plain Go\n" +
		"prog.go:38:2: the deferred call of x.String would suspend, but deferred calls run when the function returns\n" +
		"prog.go:26:2: nosuch suspends, but it is called inside a func literal, which runs as plain Go\n"
	newly, unplaced = attribute(out, "prog.go", tr)
	if len(unplaced) != 0 || len(newly) != 3 || !strings.HasPrefix(newly[2], "called from main: f suspends") ||
		!strings.HasPrefix(newly[0], "called from main: the deferred call") || !strings.HasPrefix(newly[3], "nosuch suspends") {
		t.Errorf("got %v, unplaced %v", newly, unplaced)
	}
}

func TestCalleeTargets(t *testing.T) {
	src := "package main\nfunc F() {}\ntype A int\nfunc (A) F() {}\nfunc (*A) G() {}\ntype B int\nfunc (B) G() {}\nfunc main() {}\n"
	tr, err := Transform("/abs/p.go", []byte(src), map[int]bool{3: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		msg  string
		want string
	}{
		{"F suspends, but it is called inside a func literal", "[0]"},
		{"a.F suspends, but it is called inside a func literal", "[1]"},
		{"G suspends inside an async closure that is itself inside a plain func literal", "[2]"}, // B.G is un-marked
		{"the deferred call of main would suspend", "[4]"},
		{"the deferred call of x.main would suspend", "[4]"},
		{"F blocks the runtime thread", "[]"},
	} {
		if got := fmt.Sprint(calleeTargets(c.msg, tr)); got != c.want {
			t.Errorf("%q: %s, want %s", c.msg, got, c.want)
		}
	}
}

func TestIsCrash(t *testing.T) {
	for s, want := range map[string]bool{
		"x.go:1:2: a send blocks; send from a plain goroutine":                      false,
		"panic: interface conversion\n\ngoroutine 1 [running]:\nmain.f()":           true,
		"asyncgen: internal error: the code generated for x.go does not compile":    true,
		"x.go:3:4: suspension point in a go statement's arguments; evaluate it ...": false,
	} {
		if isCrash(s) != want {
			t.Errorf("isCrash(%q) = %v", s, !want)
		}
	}
}

func TestRecipe(t *testing.T) {
	for src, want := range map[string]string{
		"// run\n\npackage main":                          "run",
		"//go:build linux\n\n// run arg1\n\npackage main": "run arg1",
		"// +build !windows\n// runoutput\n":              "runoutput",
		"\n\n":                                            "",
	} {
		if got := recipe(src); got != want {
			t.Errorf("recipe(%q) = %q, want %q", src, got, want)
		}
	}
	if ok, _ := shouldTest("// run\n\n//go:build !gc\n"); ok {
		t.Error("!gc accepted")
	}
	if ok, _ := shouldTest("// run\n\n//go:build gc && go1.1\n"); !ok {
		t.Error("gc && go1.1 rejected")
	}
}

func TestProgramGoMod(t *testing.T) {
	got := string(programGoMod("module m\n\ngo 1.26.0\n\nrequire (\n\ta v1.0.0\n\tb v2.0.0 // indirect\n)\n\nrequire c v0.1.0\n", "/repo"))
	for _, want := range []string{"go 1.26.0\n", "\tgithub.com/corio-go/corio v0.0.0\n", "\ta v1.0.0 // indirect\n", "\tb v2.0.0 // indirect\n", "\tc v0.1.0 // indirect\n", "replace github.com/corio-go/corio => /repo\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("go.mod lacks %q:\n%s", want, got)
		}
	}
}

func BenchmarkTransform(b *testing.B) {
	src := []byte(sample)
	b.ReportAllocs()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := Transform("/abs/prog.go", src, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func ExampleTransform() {
	src := "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(1)\n}\n"
	tr, err := Transform("/tmp/p/x.go", []byte(src), nil)
	if err != nil {
		panic(err)
	}
	fmt.Print(string(tr.Src))
	// Output:
	// package main; import corio_rt "github.com/corio-go/corio/rt"
	//
	// import "fmt"
	//
	// //async:func
	// //line /tmp/p/x.go:5:1
	// func corioMain() {
	// 	corio_rt.YieldNow(); fmt.Println(1)
	// }
	//
	// func main() { corio_rt.Run(corioMainAsync()) }
}
