package gotest

import (
	"bytes"
	"fmt"
	"go/build"
	"go/build/constraint"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
)

// Program is one test program of Go's test directory.
type Program struct {
	Name   string   // path relative to $GOROOT/test, such as "ken/chan.go"
	Path   string   // absolute path
	Root   string   // Go's test directory, where the program runs
	Src    []byte   // the source
	Args   []string // command-line arguments from the // run line
	Golden []byte   // the expected output: the .out file's contents, or empty
	Skip   string   // why the harness does not exercise it; "" if it does
}

// Load reads the program at path and decides, as Go's test driver does from
// the file's first lines, whether it is a single-file run test that the
// harness can exercise on this platform.
func Load(root, name string) (*Program, error) {
	path := filepath.Join(root, filepath.FromSlash(name))
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p := &Program{Name: name, Path: path, Root: root, Src: src}
	if g, err := os.ReadFile(strings.TrimSuffix(path, ".go") + ".out"); err == nil {
		p.Golden = g
	}
	action := recipe(string(src))
	f := strings.Fields(action)
	switch {
	case len(f) == 0:
		p.Skip = "no recipe"
		return p, nil
	case f[0] != "run":
		p.Skip = "recipe " + f[0]
		return p, nil
	}
	for _, a := range f[1:] {
		switch {
		case strings.HasPrefix(a, "-"):
			p.Skip = "run flags"
			return p, nil
		case strings.HasSuffix(a, ".go"):
			p.Skip = "several files"
			return p, nil
		}
		p.Args = append(p.Args, a)
	}
	header, _, _ := strings.Cut(string(src), "\npackage")
	if ok, why := shouldTest(header); !ok {
		p.Skip = "build constraint " + why
		return p, nil
	}
	if bytes.Contains(src, []byte("\n//go:build ignore")) {
		p.Skip = "build ignore"
	}
	return p, nil
}

// recipe is the test driver's execution recipe: the first non-empty line
// that is not a build constraint, without its comment marker.
func recipe(src string) string {
	for src != "" {
		var line string
		line, src, _ = strings.Cut(src, "\n")
		if constraint.IsGoBuild(line) || constraint.IsPlusBuild(line) {
			continue
		}
		if a := strings.TrimSpace(strings.TrimPrefix(line, "//")); a != "" {
			return a
		}
	}
	return ""
}

// shouldTest evaluates the build constraints in a file's header as Go's test
// driver does (plus the unix tag, which the go command applies).
func shouldTest(header string) (bool, string) {
	for _, line := range strings.Split(header, "\n") {
		expr, err := constraint.Parse(line)
		if err != nil {
			continue
		}
		if !expr.Eval(matchTag) {
			return false, line
		}
	}
	return true, ""
}

func matchTag(name string) bool {
	switch {
	case slices.Contains(build.Default.ReleaseTags, name):
		return true
	case strings.HasPrefix(name, "goexperiment."):
		return slices.Contains(build.Default.ToolTags, name)
	case name == "cgo":
		return build.Default.CgoEnabled
	case name == runtime.GOOS, name == runtime.GOARCH, name == "gc", name == "test_run":
		return true
	case name == "unix":
		return unixOS[runtime.GOOS]
	}
	return false
}

var unixOS = map[string]bool{"aix": true, "android": true, "darwin": true, "dragonfly": true, "freebsd": true, "hurd": true, "illumos": true, "ios": true, "linux": true, "netbsd": true, "openbsd": true, "solaris": true}

// Discover lists the programs of the given directories of $GOROOT/test ("."
// for the top level, "ken", "chan", ...), sorted by name.
func Discover(root string, dirs ...string) ([]*Program, error) {
	var out []*Program
	for _, d := range dirs {
		matches, err := filepath.Glob(filepath.Join(root, d, "*.go"))
		if err != nil {
			return nil, err
		}
		for _, m := range matches {
			rel, err := filepath.Rel(root, m)
			if err != nil {
				return nil, err
			}
			p, err := Load(root, filepath.ToSlash(rel))
			if err != nil {
				return nil, fmt.Errorf("%s: %v", rel, err)
			}
			if strings.HasPrefix(p.Skip, "recipe ") || p.Skip == "no recipe" {
				continue // not a run test at all: not counted
			}
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b *Program) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}
