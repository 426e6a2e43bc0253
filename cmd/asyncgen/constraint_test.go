package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestBuildConstraints: a generated file builds exactly where its source
// does, whether the source is constrained by a //go:build line or by its name.
func TestBuildConstraints(t *testing.T) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("the expectations are written for a linux/amd64 host")
	}
	dir, err := os.MkdirTemp("testdata", "tmp-build-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	src := func(tag, name string) string {
		return tag + `package p

import "github.com/corio-go/corio/rt"

//async:func
func ` + name + `() int {
	rt.YieldNow()
	return 1
}
`
	}
	files := map[string]string{
		"a_linux.go":       src("", "F"),
		"a_darwin.go":      src("", "F"),
		"b_linux_amd64.go": src("", "G"),
		"b_other.go":       src("//go:build !(linux && amd64)\n\n", "G"),
		"c.go":             src("// A comment first.\n\n//go:build !windows\n\n", "H"),
	}
	for name, s := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p, errs := generate(dir, []string{"."})
	if len(errs) > 0 {
		t.Fatalf("generate: %v", errs)
	}
	if err := p.apply(); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"a_linux_async.go":       "//go:build linux\n",
		"b_linux_amd64_async.go": "//go:build linux && amd64\n",
		"c_async.go":             "//go:build !windows\n",
	}
	for name, line := range want {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), line) {
			t.Errorf("%s lacks %q:\n%s", name, line, b)
		}
	}
	// Files the build excludes are another platform's run: no twin is made
	// for them here, and a twin made there is neither removed nor reported.
	if _, err := os.Stat(filepath.Join(dir, "a_darwin_async.go")); err == nil {
		t.Error("generated a twin for a file this build excludes")
	}
	other := filepath.Join(dir, "b_other_async.go")
	if err := os.WriteFile(other, []byte(header+"\n\n//go:build !(linux && amd64)\n\npackage p\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, errs = generate(dir, []string{"."})
	if len(errs) > 0 || len(p.stale()) != 0 {
		t.Fatalf("after adding another platform's twin: errors %v, stale %v", errs, p.stale())
	}
	// The generated files build exactly where their sources do. (Not under
	// -race: cross-platform type checking is slow and the race detector
	// adds nothing to it.)
	if raceEnabled {
		return
	}
	for _, goos := range []string{"linux", "darwin", "windows"} {
		cmd := exec.Command("go", "vet", ".")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("GOOS=%s go vet: %v\n%s", goos, err, out)
		}
	}
}
