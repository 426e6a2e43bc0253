package main

// Type checking the packages asyncgen generates for, without compiling them.
//
// go/packages, asked for the types of the listed packages, has go list build
// export data for every package of the graph, the listed ones included, and
// then type-checks the listed ones from source anyway. For a package of many
// functions that compile of the package itself was half a run (a 1000-function
// package: about 0.8 s of BenchmarkGenerate1000's 2 s), and nothing reads its
// result. checkFromSource instead asks go list for the export data of the
// packages' dependencies only (which the build cache holds after the first
// run) and type-checks the packages themselves here, as go/packages would:
// the same files (the stubs and orphans from the overlay), the same
// types.Config and types.Info, in dependency order so that a package that
// imports another being generated sees its source-checked types.
//
// Where this could differ from go/packages, load uses go/packages instead:
// files that go list must preprocess (cgo), a dependency outside the listed
// packages that imports one of them (its export data would name a second
// copy of the listed package's types), and an import graph with errors (a
// missing package, a cycle), whose diagnostics go/packages places.

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"
)

// viaGoPackages makes load type-check with go/packages always; a test sets
// it to compare the two ways.
var viaGoPackages = false

// listMode is what load's first go list asks for: the files, and the import
// graph (go list -deps, which compiles nothing) that checkFromSource needs.
const listMode = packages.NeedName | packages.NeedFiles | packages.NeedImports | packages.NeedDeps | packages.NeedModule

// checkFromSource type-checks the listed packages (roots, from load's first
// go list) with their generated files replaced as overlay says; the files in
// parsed are taken as parsed. It returns false, having done nothing that
// matters, where load must use go/packages instead (see above).
func checkFromSource(dir string, roots []*packages.Package, overlay map[string][]byte, parsed map[string]parsedFile, fset *token.FileSet) ([]*packages.Package, bool) {
	isRoot := map[string]*packages.Package{}
	for _, p := range roots {
		isRoot[p.ID] = p
	}
	// Each root's files as go list would list them with the overlay (a
	// generated file that does not exist yet is added by its stub), and
	// its imports: its own files' (go list's), and the stubs', which
	// import rt where the source may not.
	files := map[string][]*ast.File{}
	errs := map[string][]packages.Error{}
	imports := map[string]map[string]*packages.Package{}
	needRT := false
	for _, p := range roots {
		names := slices.Clone(p.GoFiles)
		if len(names) > 0 {
			pkgDir := filepath.Dir(names[0])
			for f := range overlay {
				if filepath.Dir(f) == pkgDir && !slices.Contains(names, f) {
					names = append(names, f)
				}
			}
		}
		sort.Strings(names)
		imports[p.ID] = maps.Clone(p.Imports)
		for _, name := range names {
			var af *ast.File
			var err error
			if src, ok := overlay[name]; ok {
				af, err = parser.ParseFile(fset, name, src, parseMode)
			} else if pf, ok := parsed[name]; ok {
				af = pf.f
			} else {
				af, err = parser.ParseFile(fset, name, nil, parseMode)
			}
			if err != nil {
				errs[p.ID] = append(errs[p.ID], parseErrors(name, err)...)
			}
			if af == nil {
				continue
			}
			if importsC(af) {
				return nil, false // go list's cgo output is what go/packages checks
			}
			files[p.ID] = append(files[p.ID], af)
			for _, imp := range af.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				if imports[p.ID][path] != nil || path == "unsafe" {
					continue
				}
				if path != rtPath {
					return nil, false // only the stubs add imports, and only rt
				}
				needRT = true
				if imports[p.ID][path] = isRoot[rtPath]; isRoot[rtPath] == nil {
					imports[p.ID][path] = &packages.Package{ID: rtPath, PkgPath: rtPath}
				}
			}
		}
	}
	// The dependencies the roots import directly, outside the roots; none
	// of their own dependencies may import a root.
	var deps []string
	for _, p := range roots {
		for _, imp := range imports[p.ID] {
			if isRoot[imp.ID] == nil && imp.ID != "unsafe" && !slices.Contains(deps, imp.ID) {
				deps = append(deps, imp.ID)
			}
		}
	}
	if len(deps) == 0 {
		return nil, false // go/packages knows the target's sizes without one
	}
	reachesRoot, rtListed := false, false
	packages.Visit(roots, nil, func(p *packages.Package) {
		rtListed = rtListed || p.ID == rtPath
		if isRoot[p.ID] != nil {
			return
		}
		for _, imp := range p.Imports {
			if isRoot[imp.ID] != nil {
				reachesRoot = true
			}
		}
	})
	// rt imports packages of its own module only (and the standard
	// library's and x/sys's): where the first go list did not see it, it
	// can reach a root only if a root is in corio's module.
	if needRT && !rtListed {
		for _, p := range roots {
			if p.Module != nil && strings.HasPrefix(rtPath, p.Module.Path+"/") {
				reachesRoot = true
			}
		}
	}
	if reachesRoot {
		return nil, false
	}
	sort.Strings(deps)
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedTypes | packages.NeedTypesSizes, Dir: dir, Fset: fset}
	loaded, err := packages.Load(cfg, deps...)
	if err != nil {
		return nil, false
	}
	byID := map[string]*packages.Package{}
	var sizes types.Sizes
	for _, p := range loaded {
		if len(p.Errors) > 0 {
			return nil, false // go/packages reports them where they belong
		}
		byID[p.ID] = p
		if sizes == nil {
			sizes = p.TypesSizes
		}
	}
	for _, id := range deps {
		if byID[id] == nil {
			return nil, false
		}
	}
	if sizes == nil {
		return nil, false
	}

	// The roots, each after the roots it imports.
	var order []*packages.Package
	state := map[string]int{} // 1: visiting, 2: done
	var visit func(p *packages.Package)
	visit = func(p *packages.Package) {
		if state[p.ID] != 0 {
			return // an import cycle is reported by the type checker
		}
		state[p.ID] = 1
		for _, path := range slices.Sorted(maps.Keys(imports[p.ID])) {
			if imp := isRoot[imports[p.ID][path].ID]; imp != nil {
				visit(imp)
			}
		}
		state[p.ID] = 2
		order = append(order, p)
	}
	for _, p := range roots {
		visit(p)
	}
	checked := map[string]*packages.Package{}
	for _, p := range order {
		checked[p.ID] = checkOne(p, files[p.ID], errs[p.ID], imports[p.ID], fset, sizes, func(id string) *packages.Package {
			if isRoot[id] != nil {
				return checked[id]
			}
			return byID[id]
		})
	}
	out := make([]*packages.Package, len(roots))
	for i, p := range roots {
		out[i] = checked[p.ID]
	}
	return out, true
}

// checkOne type-checks one listed package as go/packages does for a package
// it loads from source; pkgOf finds an import by its ID (nil while a root
// in an import cycle is unfinished).
func checkOne(p *packages.Package, files []*ast.File, errs []packages.Error, imports map[string]*packages.Package, fset *token.FileSet, sizes types.Sizes, pkgOf func(id string) *packages.Package) *packages.Package {
	np := &packages.Package{
		ID: p.ID, Name: p.Name, PkgPath: p.PkgPath, Module: p.Module,
		Errors: append(slices.Clone(p.Errors), errs...), Fset: fset, TypesSizes: sizes,
		Imports: map[string]*packages.Package{}, Syntax: files,
	}
	for _, f := range files {
		np.GoFiles = append(np.GoFiles, fset.Position(f.Package).Filename)
	}
	np.CompiledGoFiles = np.GoFiles
	np.Types = types.NewPackage(p.PkgPath, p.Name)
	np.TypesInfo = &types.Info{
		Types:        map[ast.Expr]types.TypeAndValue{},
		Defs:         map[*ast.Ident]types.Object{},
		Uses:         map[*ast.Ident]types.Object{},
		Implicits:    map[ast.Node]types.Object{},
		Instances:    map[*ast.Ident]types.Instance{},
		Scopes:       map[ast.Node]*types.Scope{},
		Selections:   map[*ast.SelectorExpr]*types.Selection{},
		FileVersions: map[*ast.File]string{},
	}
	for path, imp := range imports {
		if q := pkgOf(imp.ID); q != nil {
			np.Imports[path] = q
		} else {
			np.Imports[path] = imp
		}
	}
	tc := &types.Config{
		Importer: importerFunc(func(path string) (*types.Package, error) {
			if path == "unsafe" {
				return types.Unsafe, nil
			}
			imp := imports[path]
			if imp == nil {
				return nil, fmt.Errorf("no metadata for %s", path)
			}
			q := pkgOf(imp.ID)
			if q == nil || q.Types == nil || !q.Types.Complete() {
				return nil, fmt.Errorf("could not import %s", path)
			}
			return q.Types, nil
		}),
		Error: func(err error) {
			if te, ok := err.(types.Error); ok {
				np.Errors = append(np.Errors, packages.Error{Pos: te.Fset.Position(te.Pos).String(), Msg: te.Msg, Kind: packages.TypeError})
				return
			}
			np.Errors = append(np.Errors, packages.Error{Pos: "-", Msg: err.Error(), Kind: packages.UnknownError})
		},
		Sizes: sizes,
	}
	if p.Module != nil && p.Module.GoVersion != "" {
		tc.GoVersion = "go" + p.Module.GoVersion
	}
	typErr := types.NewChecker(tc, fset, np.Types, np.TypesInfo).Files(np.Syntax)
	if typErr != nil && len(np.Errors) == 0 && len(np.Syntax) > 0 && strings.HasPrefix(typErr.Error(), "package requires newer Go version") {
		np.Errors = append(np.Errors, packages.Error{Pos: fset.Position(np.Syntax[0].Package).String(), Msg: typErr.Error(), Kind: packages.TypeError})
	}
	return np
}

// graphErrors reports whether any package of the graph has errors.
func graphErrors(roots []*packages.Package) bool {
	found := false
	packages.Visit(roots, nil, func(p *packages.Package) {
		found = found || len(p.Errors) > 0
	})
	return found
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// parseErrors converts a parser's error as go/packages does.
func parseErrors(file string, err error) []packages.Error {
	list, ok := err.(scanner.ErrorList)
	if !ok {
		return []packages.Error{{Pos: file + ":1", Msg: err.Error(), Kind: packages.ParseError}}
	}
	var out []packages.Error
	for _, e := range list {
		out = append(out, packages.Error{Pos: e.Pos.String(), Msg: e.Msg, Kind: packages.ParseError})
	}
	return out
}

// importsC reports whether the file uses cgo.
func importsC(f *ast.File) bool {
	for _, imp := range f.Imports {
		if imp.Path.Value == `"C"` {
			return true
		}
	}
	return false
}
