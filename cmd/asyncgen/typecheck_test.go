package main

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// generateBothWays runs the generator on patterns with typecheck.go's own
// type checking and with go/packages', which must agree byte for byte: in
// the files written, the futures' sizes and the diagnostics.
func generateBothWays(t *testing.T, dir string, patterns []string) {
	t.Helper()
	fast, fastErrs := generate(dir, patterns)
	viaGoPackages = true
	slow, slowErrs := generate(dir, patterns)
	viaGoPackages = false
	if len(fastErrs) == 0 && len(slowErrs) == 0 && (fast == nil || len(fast.writes) == 0) {
		t.Fatalf("nothing generated for %v", patterns)
	}
	if !slices.Equal(fastErrs, slowErrs) {
		t.Fatalf("diagnostics differ\nown type checking:\n%s\ngo/packages:\n%s", strings.Join(fastErrs, "\n"), strings.Join(slowErrs, "\n"))
	}
	if (fast == nil) != (slow == nil) {
		t.Fatalf("one way produced a plan, the other did not")
	}
	if fast == nil {
		return
	}
	if len(fast.writes) != len(slow.writes) {
		t.Fatalf("%d files written against %d", len(fast.writes), len(slow.writes))
	}
	for i, w := range fast.writes {
		if w.path != slow.writes[i].path || !bytes.Equal(w.content, slow.writes[i].content) {
			t.Errorf("%s: generated code differs\n%s", rel(w.path), firstDiff(string(slow.writes[i].content), string(w.content)))
		}
	}
	if len(fast.sizes) != len(slow.sizes) {
		t.Errorf("%d futures against %d", len(fast.sizes), len(slow.sizes))
	}
}

// TestTypecheckAgrees: the test programs and the error cases give the same
// output and the same diagnostics whichever way the packages are checked.
func TestTypecheckAgrees(t *testing.T) {
	t.Chdir("../..")
	t.Run("programs", func(t *testing.T) {
		if raceEnabled {
			t.Skip("generates every program twice (not under -race, which adds nothing: the checking is single-threaded)")
		}
		var patterns []string
		for _, c := range programs(t) {
			patterns = append(patterns, "./testdata/"+c)
		}
		generateBothWays(t, "", append(patterns, "./examples/..."))
	})
	t.Run("broken imports", func(t *testing.T) {
		dir, err := os.MkdirTemp("cmd/asyncgen/testdata", "tmp-typecheck-")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(dir)
		mod := "github.com/corio-go/corio/" + filepath.ToSlash(dir)
		async := "//async:func\nfunc F() {\n\trt.YieldNow()\n}\n"
		files := map[string]string{
			"missing/m.go": "package missing\n\nimport (\n\t\"" + mod + "/nope\"\n\t\"github.com/corio-go/corio/rt\"\n)\n\nvar _ = nope.X\n\n" + async,
			"cycle/a/a.go": "package a\n\nimport (\n\t\"" + mod + "/cycle/b\"\n\t\"github.com/corio-go/corio/rt\"\n)\n\nvar _ = b.X\n\n" + async,
			"cycle/b/b.go": "package b\n\nimport \"" + mod + "/cycle/a\"\n\nvar X = a.F\n",
		}
		writeTree(t, dir, files)
		for _, pattern := range []string{"./missing", "./cycle/..."} {
			generateBothWays(t, dir, []string{pattern})
		}
	})
	t.Run("errors", func(t *testing.T) {
		// Together, as TestErrors's first round runs them: the
		// diagnostics of the load stage, or else of the later ones.
		entries, err := os.ReadDir("testdata/errors")
		if err != nil {
			t.Fatal(err)
		}
		var patterns []string
		for _, e := range entries {
			patterns = append(patterns, "./testdata/errors/"+e.Name())
		}
		generateBothWays(t, "", patterns)
	})
}

// TestTypecheckGraphs: where checking the packages here could differ from
// go/packages, checkFromSource declines and load uses go/packages: a
// dependency outside the listed packages that imports one of them (r1
// imports x, which imports r2) would otherwise see r2's types twice. A
// listed package that imports another listed one directly (r3 imports r2)
// is checked here, after it.
func TestTypecheckGraphs(t *testing.T) {
	if raceEnabled {
		t.Skip("builds and checks five packages (not under -race, which adds nothing: the checking is single-threaded)")
	}
	dir, err := os.MkdirTemp("testdata", "tmp-typecheck-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	mod := "github.com/corio-go/corio/cmd/asyncgen/" + filepath.ToSlash(dir)
	files := map[string]string{
		"r2/r2.go": "package r2\n\nimport \"github.com/corio-go/corio/rt\"\n\n// T is a type that x and r1 both see.\ntype T struct{ N int }\n\n// Get yields once.\n//\n//async:func\nfunc Get() T {\n\trt.YieldNow()\n\treturn T{1}\n}\n",
		"x/x.go":   "package x\n\nimport \"" + mod + "/r2\"\n\n// Zero is r2's T.\nvar Zero r2.T\n",
		"r3/r3.go": "package r3\n\nimport \"" + mod + "/r2\"\n\n// Twice awaits r2's Get twice.\n//\n//async:func\nfunc Twice() int {\n\treturn r2.Get().N + r2.Get().N\n}\n",
		"r1/r1.go": "package r1\n\nimport (\n\t\"" + mod + "/r2\"\n\t\"" + mod + "/x\"\n\t\"github.com/corio-go/corio/rt\"\n)\n\n// Same compiles only if x's r2.T is r2's.\n//\n//async:func\nfunc Same() r2.T {\n\trt.YieldNow()\n\tv := x.Zero\n\tv = r2.Get()\n\treturn v\n}\n",
	}
	writeTree(t, dir, files)
	patterns := []string{"./r1", "./r2"}
	list, err := packages.Load(&packages.Config{Mode: listMode, Dir: dir}, patterns...)
	if err != nil || len(list) != 2 {
		t.Fatalf("list: %v, %d packages", err, len(list))
	}
	if _, ok := checkFromSource(dir, list, nil, nil, token.NewFileSet()); ok {
		t.Errorf("checkFromSource accepted packages one of whose dependencies imports another")
	}
	p, errs := generate(dir, patterns)
	if len(errs) > 0 || p == nil || len(p.writes) != 2 {
		t.Fatalf("generate: %v", errs)
	}
	// A listed package that imports another directly is checked after it,
	// against its source-checked types.
	generateBothWays(t, dir, []string{"./r3", "./r2"})
	// ... here, not by go/packages: r3's stub imports rt, which r3's own
	// files do not.
	list, err = packages.Load(&packages.Config{Mode: listMode, Dir: dir}, "./r3", "./r2")
	if err != nil || len(list) != 2 {
		t.Fatalf("list: %v", err)
	}
	fset := token.NewFileSet()
	overlay, parsed := map[string][]byte{}, map[string]parsedFile{}
	for _, p := range list {
		for _, f := range p.GoFiles {
			af, err := parser.ParseFile(fset, f, nil, parseMode)
			if err != nil {
				t.Fatal(err)
			}
			parsed[f] = parsedFile{f: af}
			var funcs []*ast.FuncDecl
			for _, d := range af.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && hasDirective(fd.Doc) {
					funcs = append(funcs, fd)
				}
			}
			overlay[strings.TrimSuffix(f, ".go")+"_async.go"] = stub(fset, af, funcs)
		}
	}
	pkgs, ok := checkFromSource(dir, list, overlay, parsed, fset)
	if !ok {
		t.Fatalf("checkFromSource declined a package that imports another listed one")
	}
	for _, p := range pkgs {
		for _, e := range p.Errors {
			if !strings.Contains(e.Msg, "imported and not used") {
				t.Errorf("%s: %s", p.ID, e)
			}
		}
	}
	// Without r2 among the listed packages, r1 is checked here.
	list, err = packages.Load(&packages.Config{Mode: listMode, Dir: dir}, "./r1")
	if err != nil || len(list) != 1 {
		t.Fatalf("list: %v", err)
	}
	pkgs, ok = checkFromSource(dir, list, map[string][]byte{}, map[string]parsedFile{}, token.NewFileSet())
	if !ok {
		t.Fatalf("checkFromSource declined a package whose dependencies import none of the listed")
	}
	// Here r2 is a dependency like x, both from export data: one r2.T.
	for _, e := range pkgs[0].Errors {
		t.Errorf("r1 checked with r2 as a dependency: %s", e)
	}
}

// writeTree writes files (path in dir → content), making their folders.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
