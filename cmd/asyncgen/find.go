package main

// Stage 2: find. Locate the //async:func declarations in the type-checked
// syntax and reject the declarations that cannot be lowered (yet).

import (
	"go/ast"
	"go/types"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
)

// asyncFunc is one function or method to lower.
type asyncFunc struct {
	decl *ast.FuncDecl
	obj  *types.Func
	sig  *types.Signature

	// Set by prepare (inline.go), before any function is lowered.
	susp     map[*ast.CallExpr]*twin
	inPlace  []*ast.CallExpr           // calls written in place with the poll's Context (inline.go's inPlace), by position
	values   map[*types.Var]*funcValue // func variables whose calls suspend (check.go)
	failed   bool                      // check reported errors
	futName  string                    // the future type
	callees  []*asyncFunc              // async functions of the package it awaits
	initName string                    // the by-value constructor, when a caller inlines it
	frame    bool                      // an async function of the package awaits it: its future is an rt.Frame
	futType  types.Type                // futName as a go/types type (layout.go), made on demand
	// A caller of the package holds its future by pointer (recursion): the
	// constructor that takes it from the rt.FramePool named poolName.
	newName, poolName string

	closure  *closureInfo // an async closure (closure.go), nil for a declared function
	closures []*asyncFunc // the async closures directly in its body (check)
}

// outFile is the generated file for one source file.
type outFile struct {
	src   *srcFile
	file  *ast.File
	funcs []*asyncFunc
}

func (g *pkgGen) find(p *packages.Package, plan *pkgPlan) []*outFile {
	byPath := map[string]*srcFile{}
	for _, sf := range plan.files {
		byPath[sf.path] = sf
	}
	var out []*outFile
	for _, f := range p.Syntax {
		path := p.Fset.Position(f.Package).Filename
		sf := byPath[path]
		if sf == nil {
			continue
		}
		of := &outFile{src: sf, file: f}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || !hasDirective(fd.Doc) {
				continue
			}
			obj, _ := p.TypesInfo.Defs[fd.Name].(*types.Func)
			if obj == nil {
				continue
			}
			sig := obj.Type().(*types.Signature)
			switch {
			case fd.Name.Name == "_":
				g.errorf(fd.Pos(), "blank function %s marked //async:func: a blank function cannot be called, so it has no twin; remove the directive", types.ExprString(fd.Name))
				continue
			case fd.Body == nil:
				g.errorf(fd.Pos(), "async function %s has no body; //async:func needs Go source to lower", fd.Name.Name)
				continue
			case sig.Results().Len() > 8:
				g.errorf(fd.Pos(), "async function %s has %d results; a future's output holds at most 8 (rt.Tuple8): return a struct instead", fd.Name.Name, sig.Results().Len())
				continue
			case hasCompilerDirective(fd.Doc, "//go:uintptrescapes"):
				g.errorf(fd.Pos(), "async function %s is marked //go:uintptrescapes, which keeps the objects its uintptr arguments point to alive only while a call runs; its future would hold them without keeping the objects alive; remove //async:func or pass pointers", fd.Name.Name)
				continue
			case strings.HasSuffix(fd.Name.Name, "Async"):
				g.errorf(fd.Name.Pos(), "async function %s already ends in Async; its twin would be %sAsync (rename it)", fd.Name.Name, fd.Name.Name)
				continue
			}
			of.funcs = append(of.funcs, &asyncFunc{decl: fd, obj: obj, sig: sig})
		}
		if len(of.funcs) > 0 {
			out = append(out, of)
		}
	}
	sort.Slice(out, func(i, j int) bool { return filepath.Base(out[i].src.path) < filepath.Base(out[j].src.path) })
	return out
}

// hasCompilerDirective reports whether doc holds the compiler directive d
// (a //go: line) that changes what a call of the function means.
func hasCompilerDirective(doc *ast.CommentGroup, d string) bool {
	if doc == nil {
		return false
	}
	for _, c := range doc.List {
		if c.Text == d || strings.HasPrefix(c.Text, d+" ") {
			return true
		}
	}
	return false
}
