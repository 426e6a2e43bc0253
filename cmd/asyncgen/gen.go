package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/corio-go/corio/internal/asyncrules"
	"github.com/dave/jennifer/jen"
	"golang.org/x/tools/go/packages"
)

// pkgGen holds what the stages share for one package.
type pkgGen struct {
	p       *packages.Package
	fset    *token.FileSet
	info    *types.Info
	pkg     *types.Package
	rt      *types.Package
	errs    []string
	paths   []string        // the packages generated code refers to, in order of first use
	pnames  []string        // their names
	pkgUsed map[string]bool // the paths in paths
	taken   map[string]bool // package-level names, including generated types

	sizes    []*futureSize              // sizes.go
	codeSize int                        // the length of the last function's code (emit.go)
	recovers map[*types.Func]bool       // whether a deferred function's body calls recover (defer.go)
	parsed   map[string]*ast.File       // source files parsed to see it
	takeName string                     // the current file's helper for last uses (print.go)
	asyncOf  map[*types.Func]*asyncFunc // inline.go
	lineDirs map[*token.File]*fileDirs  // print.go: line directives inside statements

	// naming.go
	reserved  map[string]bool            // universe and imported package names
	declared  map[string]bool            // names the package's syntax declares
	pkgNames  map[string]map[string]bool // import name → paths it denotes
	shadowed  map[string]bool            // predeclared names the package redeclares
	missing   map[string]bool            // shadowed predeclared names generated code needed
	genNames  map[string]bool            // names the generator chose for locals and fields
	aliases   map[string]string          // import path → alias in generated files
	aliasUsed map[string]bool

	// closureCall maps each lowered rt.Async call to its closure (closure.go).
	closureCall map[*ast.CallExpr]*asyncFunc
	// inPlaceAt maps the opening parenthesis of each call that is written
	// in place with the poll's Context (inline.go's inPlace: a spawn,
	// rt.Now) to it: by position, so the lowering's copies of the call are
	// found too.
	inPlaceAt map[token.Pos]*inPlaceCall
	byValue   map[types.Object]bool       // variables async closures capture by value (closure.go)
	tpNames   map[string]bool             // type parameter names of async functions: in scope in generated declarations
	tpRename  map[*types.TypeParam]string // blank type parameters' names in generated code (tparamName)

	// localName is the name each local type declared at the top of a
	// Poll has there, localNames the set of them (localtype.go).
	localName  map[*types.TypeName]string
	localNames map[string]bool
	warnings   []string // printed, but not failures
}

// write is one file the plan creates or replaces.
type write struct {
	path    string
	content []byte
}

// plan is what a run decided: nothing is written until every package has
// been generated without error.
type plan struct {
	sizes    []*futureSize // every generated future, for -sizes
	warnings []string      // printed, but not failures
	writes   []write
	deletes  []string
}

// stale lists the files that -check reports.
func (p *plan) stale() []string {
	var out []string
	for _, w := range p.writes {
		old, err := os.ReadFile(w.path)
		switch {
		case err != nil:
			out = append(out, rel(w.path)+": missing")
		case !bytes.Equal(old, w.content):
			out = append(out, rel(w.path)+": stale")
		}
	}
	for _, d := range p.deletes {
		out = append(out, rel(d)+": orphaned (its source has no async functions)")
	}
	return out
}

// apply writes each file atomically: a temporary file in the same directory,
// renamed over the old one, so a failure never leaves a half-written file.
func (p *plan) apply() error {
	for _, w := range p.writes {
		if old, err := os.ReadFile(w.path); err == nil && bytes.Equal(old, w.content) {
			continue
		}
		tmp, err := os.CreateTemp(filepath.Dir(w.path), ".asyncgen-*.tmp")
		if err != nil {
			return err
		}
		if _, err := tmp.Write(w.content); err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
			return err
		}
		if err := tmp.Close(); err != nil {
			os.Remove(tmp.Name())
			return err
		}
		if err := os.Chmod(tmp.Name(), 0o644); err != nil {
			os.Remove(tmp.Name())
			return err
		}
		if err := os.Rename(tmp.Name(), w.path); err != nil {
			os.Remove(tmp.Name())
			return err
		}
	}
	for _, d := range p.deletes {
		if err := os.Remove(d); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return nil
}

// generate runs the pipeline for the packages matching patterns.
func generate(dir string, patterns []string) (*plan, []string) {
	pkgs, plans, errs := load(dir, patterns)
	if len(errs) > 0 {
		return nil, errs
	}
	out := &plan{}
	for _, p := range pkgs {
		pp := plans[p.ID]
		if pp == nil {
			continue
		}
		out.deletes = append(out.deletes, pp.orphans...)
		out.warnings = append(out.warnings, pp.warnings...)
		if len(pp.files) == 0 {
			continue
		}
		g := newPkgGen(p)
		files := g.find(p, pp)
		g.prepare(files)
		for _, of := range files {
			content, err := g.file(of)
			if err != nil {
				g.errs = append(g.errs, err.Error())
				continue
			}
			out.writes = append(out.writes, write{of.src.outPath, content})
		}
		errs = append(errs, g.errs...)
		out.warnings = append(out.warnings, g.warnings...)
		out.sizes = append(out.sizes, g.sizes...)
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		return nil, dedup(errs)
	}
	sort.Slice(out.writes, func(i, j int) bool { return out.writes[i].path < out.writes[j].path })
	sort.Strings(out.deletes)
	return out, nil
}

// newPkgGen starts the generation of one loaded package.
func newPkgGen(p *packages.Package) *pkgGen {
	g := &pkgGen{p: p, fset: p.Fset, info: p.TypesInfo, pkg: p.Types, taken: map[string]bool{}}
	for _, imp := range p.Types.Imports() {
		if imp.Path() == rtPath {
			g.rt = imp
		}
	}
	if p.Types.Path() == rtPath {
		g.rt = p.Types
	}
	for _, n := range p.Types.Scope().Names() {
		g.taken[n] = true
	}
	g.scanNames()
	return g
}

// lowerSafe lowers one function; a panic in the generator (always a bug in
// asyncgen, never in the user's valid Go) becomes an error that names the
// function's position, so the user gets a report to file instead of a crash.
func (g *pkgGen) lowerSafe(of *outFile, fn *asyncFunc) (c code, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			g.errorf(fn.decl.Pos(), "asyncgen internal error lowering %s (a bug in asyncgen; please report it with this function): %v", fn.decl.Name.Name, r)
			c, ok = code{}, false
		}
	}()
	return g.lowerFunc(of, fn)
}

// file generates one <file>_async.go.
func (g *pkgGen) file(of *outFile) ([]byte, error) {
	src, err := os.ReadFile(of.src.path)
	if err != nil {
		return nil, err
	}
	jf := jen.NewFilePathName(g.pkg.Path(), g.pkg.Name())
	jf.HeaderComment(header)
	// The source's hash lets the asynccheck analyzer tell a stale twin
	// without running the generator (asyncrules.SourceLine).
	jf.HeaderComment(asyncrules.SourceLine(src))
	if c := buildConstraint(of.src.path, of.file); c != "" {
		jf.HeaderComment("//go:build " + c)
	}
	var decls []jen.Code
	g.takeName = ""
	for _, fn := range of.funcs {
		c, ok := g.lowerSafe(of, fn)
		if !ok {
			continue
		}
		decls = append(decls, c.jen())
	}
	if len(g.errs) > 0 {
		return nil, nil
	}
	if g.takeName != "" {
		// Constrained by interface{}, not any: the package may redeclare any.
		decls = append(decls, jen.Op(fmt.Sprintf("// %s returns *p and clears it: the last use of a future's field moves the\n// value out, so the future no longer keeps it reachable.\nfunc %s[T interface{}](p *T) T {\nv := *p\nvar z T\n*p = z\nreturn v\n}\n", g.takeName, g.takeName)))
	}
	for i, p := range g.paths {
		if a := g.importAlias(p, g.pnames[i]); a != g.pnames[i] {
			jf.ImportAlias(p, a)
		} else {
			jf.ImportName(p, g.pnames[i])
		}
	}
	for _, d := range decls {
		jf.Add(d)
		jf.Line()
	}
	var b bytes.Buffer
	if err := jf.Render(&b); err != nil {
		return nil, fmt.Errorf("%s:1:1: asyncgen internal error: the code generated for this file does not compile as Go (a bug in asyncgen; please report it with the source): %v", rel(of.src.path), err)
	}
	// The marks stand where statements start, so the file stays gofmt-clean
	// (TestFiles checks it) without formatting it again.
	return resetLines(b.Bytes(), filepath.Base(of.src.outPath)), nil
}

// resetLines replaces each reset mark with a //line directive that names the
// generated file's own line and column.
func resetLines(src []byte, name string) []byte {
	mark := []byte(strings.TrimSpace(resetMark))
	lines := bytes.Split(src, []byte("\n"))
	for i, line := range lines {
		for {
			k := bytes.Index(line, mark)
			if k < 0 {
				break
			}
			col := k + 1
			rest := bytes.TrimLeft(line[k+len(mark):], " ")
			d := fmt.Sprintf("/*line %s:%d:%d*/ ", name, i+1, col)
			if len(rest) == 0 {
				d = d[:len(d)-1] // alone on its line (before a closing brace)
			}
			line = append(append(append([]byte{}, line[:k]...), d...), rest...)
		}
		lines[i] = line
	}
	return bytes.Join(lines, []byte("\n"))
}
