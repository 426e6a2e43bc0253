package main

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"reflect"
	"strings"
	"testing"

	"github.com/dave/jennifer/jen"
	"golang.org/x/tools/go/packages"
)

// printerSrc holds every kind of syntax a function body may hold, except a
// local const declaration (written by value, not as the source spells it).
const printerSrc = `package p

import (
	"fmt"
	"strings"
	. "unicode/utf8"
)

type S struct{ a, b int }

type G[T any] struct{ v T }

func (g G[T]) Get() T { return g.v }

func Gen[T any, U comparable](t T, u ...U) T { return t }

func Body(xs []int, m map[string]int, ch chan int, p *S, v any) (n int, err error) {
	var (
		a    int
		b, c = 1, "x"
	)
	var d [3]int
	type local struct {
		x, y int
		z    string ` + "`json:\"z\"`" + `
		S
	}
	type iface interface {
		M(int) (string, error)
		fmt.Stringer
	}
	type small interface{ M() }
	type un interface{ ~int | string }
	a, b = b, a
	a += len(xs[1:2]) + cap(xs[:]) + len(xs[1:2:3])
	a++
	b--
	d[0] = -a ^ +b &^ *&a
	_ = !true || 1 < 2 && 3 >= 4
	_ = a<<2 | a>>1 & 0x0F % 3
	_ = - -a + - +a - ^-a/ *&a &^ ^a
	_ = !!true == !false
	var chch chan chan int
	_ = <-<-chch
	_ = 1. + .5e1 + 0x1p-2 + 1_000 + 'x' + 2i
	_ = local{x: 1, y: 2}
	_ = []S{{1, 2}, {a: 3}}
	_ = map[string][]int{"k": {1}}
	_ = [...]string{2: "c"}
	_ = struct{}{}
	_ = G[int]{v: 1}.Get()
	_ = Gen[string, int]("s", 1, 2)
	_ = Gen("s", xs...)
	_ = strings.ToUpper(c) + string(RuneError)
	_ = func(x int, ys ...string) (int, error) { return x, nil }
	_ = func() {}
	_ = (*S).String
	var f func(int) func() int
	var sb strings.Builder
	var st fmt.Stringer = &sb
	var sp = [2]*strings.Reader{}
	_, _ = st, sp
	var rc <-chan int
	var sc chan<- int
	var cc chan (<-chan int)
	_, _, _, _ = f, rc, sc, cc
	ch <- a
	a = <-ch
	if x, ok := v.(int); ok {
		a = x
	} else if s, ok := v.(string); ok {
		c = s
	} else {
		a = 0
	}
	switch y := v.(type) {
	case int, string:
		_ = y
	case nil:
	default:
	}
	switch a := a * 2; {
	case a > 1:
		fallthrough
	case a > 2:
	}
	switch a {
	}
	select {
	case x := <-ch:
		_ = x
	case ch <- 1:
	case <-ch:
	default:
	}
	select {}
outer:
	for i := 0; i < 10; i++ {
		for j := range 3 {
			if j == 1 {
				continue outer
			}
			break outer
		}
	}
	for a < 10 {
		a++
	}
	for {
		break
	}
	for k, v := range m {
		_, _ = k, v
	}
	for range xs {
	}
empty:
	;
	goto empty
	{
		defer func() { recover() }()
		go fmt.Println(p.a, p.b)
	}
	return a, err
}

func (S) String() string { return "" }
`

// printerFixture type checks printerSrc and makes an irFunc whose printer
// substitutes nothing: no variable of the machine, no directives.
func printerFixture(t *testing.T) (*ast.File, *irFunc) {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", printerSrc, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{}, Implicits: map[ast.Node]types.Object{}}
	pkg, err := (&types.Config{Importer: importer.Default()}).Check("example.com/p", fset, []*ast.File{f}, info)
	if err != nil {
		t.Fatal(err)
	}
	g := &pkgGen{p: &packages.Package{Syntax: []*ast.File{f}}, fset: fset, info: info, pkg: pkg}
	return f, &irFunc{g: g, objVar: map[types.Object]*variable{}}
}

// TestPrintSyntaxRoundTrip prints each body of printerSrc and parses the
// output back: the syntax must be the source's, token for token, but for
// the names of another package, qualified (a dot import's too).
func TestPrintSyntaxRoundTrip(t *testing.T) {
	f, ir := printerFixture(t)
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok {
			continue
		}
		p := ir.printer(nil)
		p.lit = 1 // returns as written, as inside a func literal
		p.stmt(fd.Body)
		var text strings.Builder
		last := 0
		for _, r := range p.w.refs {
			text.Write(p.w.buf[last:r.at])
			text.WriteString(r.path[strings.LastIndex(r.path, "/")+1:] + "." + r.name)
			last = r.at
		}
		text.Write(p.w.buf[last:])
		src := "package p\nfunc _() " + text.String()
		got, err := parser.ParseFile(token.NewFileSet(), "out.go", src, parser.SkipObjectResolution)
		if err != nil {
			t.Fatalf("%s: printed body does not parse: %v\n%s", fd.Name.Name, err, src)
		}
		want := fd.Body
		if fd.Name.Name == "Body" {
			// RuneError came through the dot import: now qualified.
			ast.Inspect(want, func(n ast.Node) bool {
				if c, ok := n.(*ast.CallExpr); ok && len(c.Args) == 1 {
					if id, ok := c.Args[0].(*ast.Ident); ok && id.Name == "RuneError" {
						c.Args[0] = &ast.SelectorExpr{X: ast.NewIdent("utf8"), Sel: id}
					}
				}
				return true
			})
		}
		if diff := astDiff(reflect.ValueOf(want), reflect.ValueOf(got.Decls[0].(*ast.FuncDecl).Body), ""); diff != "" {
			t.Errorf("%s: printed body differs from the source at %s\n%s", fd.Name.Name, diff, src)
		}
	}
}

// astDiff compares two syntax trees, ignoring positions, objects and
// comments; it returns the path of the first difference, "" for none.
func astDiff(a, b reflect.Value, path string) string {
	if a.Kind() != b.Kind() {
		return path + ": kind"
	}
	switch a.Kind() {
	case reflect.Interface, reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return path + ": nil"
			}
			return ""
		}
		if a.Kind() == reflect.Interface && a.Elem().Type() != b.Elem().Type() {
			return path + ": " + a.Elem().Type().String() + " vs " + b.Elem().Type().String()
		}
		return astDiff(a.Elem(), b.Elem(), path)
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			ft := a.Type().Field(i)
			switch ft.Type {
			case reflect.TypeOf(token.NoPos), reflect.TypeOf((*ast.Object)(nil)), reflect.TypeOf((*ast.Scope)(nil)), reflect.TypeOf((*ast.CommentGroup)(nil)):
				continue
			}
			if d := astDiff(a.Field(i), b.Field(i), path+"."+ft.Name); d != "" {
				return d
			}
		}
	case reflect.Slice:
		if a.Len() != b.Len() {
			return path + ": length"
		}
		for i := 0; i < a.Len(); i++ {
			if d := astDiff(a.Index(i), b.Index(i), path+"["+itoa(i)+"]"); d != "" {
				return d
			}
		}
	default:
		if a.Interface() != b.Interface() {
			return path + ": value"
		}
	}
	return ""
}

// TestTypeWriter checks the printer of types against types.TypeString, with
// the qualified references spelled path.Name.
func TestTypeWriter(t *testing.T) {
	f, ir := printerFixture(t)
	n := 0
	for id, obj := range ir.g.info.Defs {
		if obj == nil || id.Name == "_" {
			continue
		}
		typ := obj.Type()
		w := newWriter(ir.g)
		w.typ(typ)
		var got strings.Builder
		last := 0
		for _, r := range w.refs {
			got.Write(w.buf[last:r.at])
			got.WriteString(r.path + "." + r.name)
			last = r.at
		}
		got.Write(w.buf[last:])
		want := types.TypeString(typ, func(p *types.Package) string {
			if p == ir.g.pkg {
				return ""
			}
			return p.Path()
		})
		if got.String() != want {
			t.Errorf("%s: got %q, want %q", id.Name, got.String(), want)
		}
		n++
	}
	if n < 40 {
		t.Fatalf("only %d types checked", n)
	}
	_ = f
	if len(ir.g.paths) == 0 {
		t.Error("no package recorded for the file's imports")
	}
}

// TestCodeJen checks that code becomes jennifer code with its references
// qualified, so that the file imports their packages.
func TestCodeJen(t *testing.T) {
	var c code
	c.text("var x = ")
	c.ref("strings", "ToUpper")
	c.text(`("a") + `)
	c.ref("example.com/q/strings", "X")
	jf := jen.NewFilePathName("example.com/p", "p")
	jf.ImportName("strings", "strings")
	jf.ImportAlias("example.com/q/strings", "strings_2")
	jf.Add(c.jen())
	got := jf.GoString()
	for _, want := range []string{`"strings"`, `strings_2 "example.com/q/strings"`, `var x = strings.ToUpper("a") + strings_2.X`} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	var d code
	d.add(c)
	if !d.equal(c) || d.equal(code{buf: c.buf}) {
		t.Error("equal: code with the same pieces differs, or without references equals")
	}
}
