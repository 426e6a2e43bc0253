package main

// Build constraints. x_async.go must build exactly when x.go does, but the
// name asyncgen gives it drops x.go's implicit constraints: foo_linux.go only
// builds on Linux, foo_linux_async.go everywhere. So the generated file (and
// the stub that stands for it while loading) carries one //go:build line that
// combines x.go's own //go:build line with its file-name constraints.

import (
	"go/ast"
	"path/filepath"
	"strings"
)

// knownOS and knownArch are the GOOS and GOARCH values that, as a file name
// suffix, constrain a build (go/build's lists, as of Go 1.26).
var knownOS = strings.Fields("aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd openbsd plan9 solaris wasip1 windows zos")
var knownArch = strings.Fields("386 amd64 amd64p32 arm armbe arm64 arm64be loong64 mips mipsle mips64 mips64le mips64p32 mips64p32le ppc ppc64 ppc64le riscv riscv64 s390 s390x sparc sparc64 wasm")

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// buildConstraint returns the expression of the //go:build line that the
// generated twin of the file at path, parsed as f, needs; "" for none.
func buildConstraint(path string, f *ast.File) string {
	var terms []string
	for _, cg := range f.Comments {
		if cg.Pos() >= f.Package {
			break
		}
		for _, c := range cg.List {
			if expr, ok := strings.CutPrefix(c.Text, "//go:build "); ok {
				terms = append(terms, "("+strings.TrimSpace(expr)+")")
			}
		}
	}
	// Name constraints: *_GOOS, *_GOARCH, *_GOOS_GOARCH (after the first
	// element, as go/build reads them).
	name := strings.TrimSuffix(filepath.Base(path), ".go")
	parts := strings.Split(name, "_")
	if i := len(parts) - 1; i >= 1 {
		last := parts[i]
		switch {
		case i >= 2 && contains(knownOS, parts[i-1]) && contains(knownArch, last):
			terms = append(terms, parts[i-1], last)
		case contains(knownOS, last), contains(knownArch, last):
			terms = append(terms, last)
		}
	}
	if len(terms) == 1 {
		return strings.TrimSuffix(strings.TrimPrefix(terms[0], "("), ")")
	}
	return strings.Join(terms, " && ")
}
