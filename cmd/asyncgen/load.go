package main

// Stage 1: load. Find the packages, decide which files asyncgen owns, and
// type-check the user's source with the generated files replaced by stubs.
//
// The generated files cannot be trusted while generating: they may be missing
// (first run), stale (the source changed), or orphaned (the source lost its
// async functions). Yet the rest of the package may call FAsync twins that only
// the generated files declare. So before type checking, every file asyncgen
// owns is replaced, through the go/packages overlay, by a stub holding just
// the twins' signatures (FAsync(params) (f rt.Future[R]) { return f }), written
// from the source's syntax. The stub copies its source file's imports so the
// parameter types resolve; the "imported and not used" errors that this
// causes in the stub are the only errors ignored.

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/scanner"
	"go/token"
	"os"
	pathpkg "path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/corio-go/corio/internal/asyncrules"
	"golang.org/x/tools/go/packages"
)

const rtPath = "github.com/corio-go/corio/rt"

// stubRT is the name under which stubs import rt; chosen so as not to collide
// with the user's own import names.
const stubRT = "asyncgen_rt"

// parseMode parses as go/packages does, without the deprecated object
// resolution (ast.Object), which nothing here reads and go/types does not
// need.
const parseMode = parser.ParseComments | parser.AllErrors | parser.SkipObjectResolution

// parsedFile is a source file as read and parsed by load.
type parsedFile struct {
	src []byte
	f   *ast.File
}

// srcFile is one user source file with async functions.
type srcFile struct {
	path    string // absolute path of the source file
	outPath string // absolute path of its <file>_async.go
	funcs   []*ast.FuncDecl
}

// pkgPlan is what asyncgen found in one package before type checking.
type pkgPlan struct {
	warnings  []string // near-miss directives
	id        string
	name      string
	files     []*srcFile
	orphans   []string // generated files whose source has no async functions
	generated map[string]bool
}

// isGeneratedContent reports whether a file carries asyncgen's header
// before its package clause.
func isGeneratedContent(b []byte) bool {
	generated, _ := asyncrules.ParseHeader(b)
	return generated
}

// hasDirective reports whether a doc comment holds the //async:func line.
func hasDirective(doc *ast.CommentGroup) bool { return asyncrules.HasDirective(doc) }

// load lists the packages, builds the stub overlay and type-checks them.
func load(dir string, patterns []string) ([]*packages.Package, map[string]*pkgPlan, []string) {
	var errs []string
	cfg := &packages.Config{Mode: listMode, Dir: dir}
	list, err := packages.Load(cfg, patterns...)
	// Where the import graph has errors (a missing package, a cycle), list
	// and check as go/packages would, for its diagnostics: go list -deps
	// reports them differently (typecheck.go).
	ownCheck := err == nil && !viaGoPackages && !graphErrors(list)
	if err == nil && !ownCheck {
		cfg.Mode = packages.NeedName | packages.NeedFiles
		list, err = packages.Load(cfg, patterns...)
	}
	if err != nil {
		return nil, nil, []string{"asyncgen: " + err.Error()}
	}
	overlay := map[string][]byte{}
	parsed := map[string]parsedFile{}
	plans := map[string]*pkgPlan{}
	fset := token.NewFileSet()
	for _, p := range list {
		for _, e := range p.Errors {
			if e.Kind == packages.ListError {
				errs = append(errs, e.Error())
			}
		}
		plan := &pkgPlan{id: p.ID, name: p.Name, generated: map[string]bool{}}
		plans[p.ID] = plan
		files := append(append([]string{}, p.GoFiles...), p.IgnoredFiles...)
		sort.Strings(files)
		contents := map[string][]byte{}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				errs = append(errs, fmt.Sprintf("asyncgen: %v", err))
				continue
			}
			contents[f] = b
			if isGeneratedContent(b) && strings.HasSuffix(f, "_async.go") {
				plan.generated[f] = true
			}
		}
		for _, f := range p.GoFiles {
			if plan.generated[f] || strings.HasSuffix(f, "_test.go") {
				continue
			}
			af, err := parser.ParseFile(fset, f, contents[f], parseMode)
			if err != nil {
				errs = append(errs, scanErrors(err)...)
				continue
			}
			parsed[f] = parsedFile{contents[f], af}
			sf := &srcFile{path: f, outPath: strings.TrimSuffix(f, ".go") + "_async.go"}
			for _, d := range af.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && hasDirective(fd.Doc) {
					sf.funcs = append(sf.funcs, fd)
				}
			}
			checkMisplacedDirectives(fset, af, &errs)
			plan.warnings = append(plan.warnings, nearMissDirectives(fset, af)...)
			if len(sf.funcs) == 0 {
				continue
			}
			if b, err := os.ReadFile(sf.outPath); err == nil && !isGeneratedContent(b) {
				errs = append(errs, fmt.Sprintf("%s:1:1: %s exists but was not written by asyncgen (it lacks the %q header); rename it or remove it so asyncgen can generate the twins of %s",
					rel(sf.outPath), filepath.Base(sf.outPath), header, filepath.Base(f)))
				continue
			}
			plan.files = append(plan.files, sf)
			overlay[sf.outPath] = stub(fset, af, sf.funcs)
		}
		// Test files are not loaded; say so rather than leave their twins
		// undefined.
		if len(p.GoFiles) > 0 {
			tests, _ := filepath.Glob(filepath.Join(filepath.Dir(p.GoFiles[0]), "*_test.go"))
			for _, f := range tests {
				af, err := parser.ParseFile(fset, f, nil, parser.ParseComments)
				if err != nil {
					continue // go test reports it
				}
				for _, d := range af.Decls {
					if fd, ok := d.(*ast.FuncDecl); ok && hasDirective(fd.Doc) {
						errs = append(errs, fmt.Sprintf("%s: //async:func in a test file is not supported yet; move %s to a non-test file of the package", posString(fset, fd.Pos()), fd.Name.Name))
					}
				}
			}
		}
		owned := map[string]bool{}
		for _, sf := range plan.files {
			owned[sf.outPath] = true
		}
		// Only files of this build can be orphans: a generated file that
		// the build excludes belongs to another platform's run.
		inBuild := map[string]bool{}
		for _, f := range p.GoFiles {
			inBuild[f] = true
		}
		for f := range plan.generated {
			if !owned[f] && inBuild[f] {
				plan.orphans = append(plan.orphans, f)
				overlay[f] = []byte("package " + p.Name + "\n")
			}
		}
		sort.Strings(plan.orphans)
	}
	if len(errs) > 0 {
		return nil, nil, errs
	}
	var pkgs []*packages.Package
	ok := false
	if ownCheck {
		pkgs, ok = checkFromSource(dir, list, overlay, parsed, fset)
	}
	if !ok {
		if pkgs, err = loadTypes(dir, patterns, overlay, parsed, fset); err != nil {
			return nil, nil, []string{"asyncgen: " + err.Error()}
		}
	}
	return pkgs, plans, loadErrors(pkgs, overlay)
}

// loadTypes loads the packages with go/packages, which has go list compile
// them for export data too (typecheck.go says when that is needed).
func loadTypes(dir string, patterns []string, overlay map[string][]byte, parsed map[string]parsedFile, fset *token.FileSet) ([]*packages.Package, error) {
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax | packages.NeedTypes |
			packages.NeedTypesInfo | packages.NeedImports,
		Dir:     dir,
		Overlay: overlay,
		Fset:    fset,
		// The source files were parsed above, into the same file set: the
		// loader takes those syntax trees instead of parsing them again
		// (for a package of many async functions, parsing is a good part
		// of the run). It calls ParseFile concurrently; parsed is only
		// read now.
		ParseFile: func(fset *token.FileSet, filename string, src []byte) (*ast.File, error) {
			if pf, ok := parsed[filename]; ok && bytes.Equal(pf.src, src) {
				return pf.f, nil
			}
			return parser.ParseFile(fset, filename, src, parseMode)
		},
	}
	return packages.Load(cfg, patterns...)
}

// loadErrors are the errors of loading and type checking the packages.
func loadErrors(pkgs []*packages.Package, overlay map[string][]byte) []string {
	// A dependency that go list cannot load (a missing go.sum entry, a
	// module not downloaded) surfaces in the packages that import it as
	// type errors ("undefined: unix", "imported and not used") that hide the
	// cause. Report go list's own errors, from any package in the graph,
	// instead of their consequences.
	var listErrs []string
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			// "# pkg" entries are the compiler's report of what the type
			// checker reports too (the stubs' unused imports among them).
			if e.Kind == packages.ListError && !strings.HasPrefix(e.Msg, "# ") {
				listErrs = append(listErrs, "asyncgen: "+e.Error())
			}
		}
	})
	if len(listErrs) > 0 {
		sort.Strings(listErrs)
		return dedup(listErrs)
	}
	var errs []string
	for _, p := range pkgs {
		for _, e := range p.Errors {
			if e.Pos == "" && strings.HasPrefix(e.Msg, "# ") {
				continue // the compiler's report of what the type checker reports too
			}
			file := e.Pos
			if i := strings.Index(file, ":"); i >= 0 {
				file = file[:i]
			}
			// go list reports overlay files under temporary names.
			_, isStub := overlay[file]
			if (isStub || strings.Contains(file, "gocommand-")) && strings.Contains(e.Msg, "imported and not used") {
				continue
			}
			errs = append(errs, relPos(e.Pos)+": "+e.Msg)
		}
	}
	sort.Strings(errs)
	return dedup(errs)
}

func dedup(s []string) []string {
	var out []string
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// checkMisplacedDirectives reports //async:func on anything but a function.
func checkMisplacedDirectives(fset *token.FileSet, f *ast.File, errs *[]string) {
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		groups := []*ast.CommentGroup{gd.Doc}
		for _, s := range gd.Specs {
			switch s := s.(type) {
			case *ast.TypeSpec:
				groups = append(groups, s.Doc)
			case *ast.ValueSpec:
				groups = append(groups, s.Doc)
			}
		}
		for _, g := range groups {
			if !hasDirective(g) {
				continue
			}
			for _, c := range g.List {
				if strings.TrimSpace(c.Text) == "//async:func" {
					*errs = append(*errs, fmt.Sprintf("%s: //async:func marks a %s declaration; it applies only to functions and methods (move it to a func's doc comment)",
						posString(fset, c.Pos()), gd.Tok))
				}
			}
		}
	}
}

// nearMiss matches comments that look meant as //async:func but are not it.
var nearMiss = regexp.MustCompile(`^//\s*(?i:async)\s*:|^//go:async`)

// nearMissDirectives warns about directives that asyncgen would otherwise
// ignore silently: a misspelt //async:func, or a correct one that is not in
// a declaration's doc comment (a blank line between it and the func).
func nearMissDirectives(fset *token.FileSet, f *ast.File) []string {
	docs := map[*ast.CommentGroup]bool{}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			docs[d.Doc] = true
		case *ast.GenDecl:
			docs[d.Doc] = true
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					docs[s.Doc] = true
				case *ast.ValueSpec:
					docs[s.Doc] = true
				}
			}
		}
	}
	var out []string
	for _, g := range f.Comments {
		for _, c := range g.List {
			text := strings.TrimRight(c.Text, " \t")
			switch {
			case text == "//async:func":
				if !docs[g] {
					out = append(out, fmt.Sprintf("%s: warning: //async:func is not in a func's doc comment, so it marks nothing; remove the blank line between it and the func declaration", posString(fset, c.Pos())))
				}
			case nearMiss.MatchString(text):
				out = append(out, fmt.Sprintf("%s: warning: %q is not the //async:func directive, which asyncgen would ignore; write exactly //async:func (no space after //)", posString(fset, c.Pos()), text))
			}
		}
	}
	return out
}

func scanErrors(err error) []string {
	var out []string
	if list, ok := err.(scanner.ErrorList); ok {
		list.RemoveMultiples() // one error per line, as the compiler reports
		for _, e := range list {
			out = append(out, fmt.Sprintf("%s:%d:%d: %s", rel(e.Pos.Filename), e.Pos.Line, e.Pos.Column, e.Msg))
		}
		return out
	}
	return []string{relPos(err.Error())}
}

// stub writes the overlay for one source file: its package clause, its
// imports, and the signature of every twin.
func stub(fset *token.FileSet, f *ast.File, funcs []*ast.FuncDecl) []byte {
	var b bytes.Buffer
	if c := buildConstraint(fset.Position(f.Package).Filename, f); c != "" {
		fmt.Fprintf(&b, "//go:build %s\n\n", c)
	}
	fmt.Fprintf(&b, "package %s\n\n", f.Name.Name)
	// Import only what the signatures use: go list compiles the stub, and an
	// unused import is an error there.
	usedNames := map[string]bool{}
	collect := func(n ast.Node) bool {
		if se, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := se.X.(*ast.Ident); ok {
				usedNames[id.Name] = true
			}
		}
		return true
	}
	for _, fd := range funcs {
		if fd.Recv != nil {
			ast.Inspect(fd.Recv, collect)
		}
		ast.Inspect(fd.Type, collect)
	}
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		name := pathpkg.Base(path)
		if imp.Name != nil {
			name = imp.Name.Name
		}
		if name == "_" || (name != "." && !usedNames[name] && !usedNames[guessName(path)]) {
			continue
		}
		prefix := ""
		if imp.Name != nil {
			prefix = imp.Name.Name + " "
		}
		fmt.Fprintf(&b, "import %s%s\n", prefix, imp.Path.Value)
	}
	for _, fd := range funcs {
		if fd.Name.Name != "_" {
			fmt.Fprintf(&b, "import %s %q\n\n", stubRT, rtPath)
			break
		}
	}
	src := func(n ast.Node) string {
		var sb strings.Builder
		printer.Fprint(&sb, fset, n)
		return sb.String()
	}
	for _, fd := range funcs {
		if fd.Name.Name == "_" {
			continue // reported by find; a blank function has no twin
		}
		b.WriteString("func ")
		if fd.Recv != nil {
			b.WriteString("(" + fieldList(src, fd.Recv) + ") ")
		}
		b.WriteString(fd.Name.Name + "Async")
		if fd.Type.TypeParams != nil {
			b.WriteString("[" + fieldList(src, fd.Type.TypeParams) + "]")
		}
		b.WriteString("(" + fieldList(src, fd.Type.Params) + ") ")
		var results []string
		if fd.Type.Results != nil {
			for _, r := range fd.Type.Results.List {
				n := len(r.Names)
				if n == 0 {
					n = 1
				}
				for i := 0; i < n; i++ {
					results = append(results, src(r.Type))
				}
			}
		}
		out := "struct{}"
		switch {
		case len(results) == 1:
			out = results[0]
		case len(results) > 8:
			// No tuple holds them; find reports the function. The stub
			// only has to type-check.
			out = "struct{}"
		case len(results) > 1:
			out = fmt.Sprintf("%s.Tuple%d[%s]", stubRT, len(results), strings.Join(results, ", "))
		}
		// No predeclared name: the package may redeclare panic or nil.
		fmt.Fprintf(&b, "(asyncgen_future %s.Future[%s]) { return asyncgen_future }\n", stubRT, out)
	}
	return b.Bytes()
}

func fieldList(src func(ast.Node) string, fl *ast.FieldList) string {
	var parts []string
	for _, f := range fl.List {
		var names []string
		for _, n := range f.Names {
			names = append(names, n.Name)
		}
		s := src(f.Type)
		if len(names) > 0 {
			s = strings.Join(names, ", ") + " " + s
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// rel shortens an absolute path to one relative to the working directory,
// as the compiler prints them.
func rel(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	if r, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return path
}

// relPos rewrites the file part of a "file:line:col: msg" string.
func relPos(s string) string {
	if i := strings.Index(s, ".go:"); i >= 0 {
		return rel(s[:i+3]) + s[i+3:]
	}
	return s
}

func posString(fset *token.FileSet, pos token.Pos) string {
	p := fset.Position(pos)
	return fmt.Sprintf("%s:%d:%d", rel(p.Filename), p.Line, p.Column)
}

// guessName guesses a package's name from its import path, as goimports
// does: the last element, without a major-version suffix or a "go-" prefix.
func guessName(path string) string {
	base := pathpkg.Base(path)
	if len(base) > 1 && base[0] == 'v' && strings.Trim(base[1:], "0123456789") == "" {
		base = pathpkg.Base(pathpkg.Dir(path))
	}
	base = strings.TrimPrefix(base, "go-")
	if i := strings.IndexAny(base, ".-"); i >= 0 {
		base = base[:i]
	}
	return base
}
