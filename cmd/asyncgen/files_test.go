package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFiles drives the output contract on a scratch package: missing, stale
// and orphaned generated files, -check, a hand-written *_async.go, and
// nothing written after an error.
func TestFiles(t *testing.T) {
	dir, err := os.MkdirTemp("testdata", "tmp-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	write := func(name, src string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return "<missing>"
		}
		return string(b)
	}
	gen := func() (*plan, []string) { return generate(dir, []string{"."}) }
	const a1 = `package p

import "github.com/corio-go/corio/rt"

// F yields once and returns x+1.
//
//async:func
func F(x int) int {
	rt.YieldNow()
	return x + 1
}
`
	write("a.go", a1)
	// b.go uses the twin, which only the generated file declares: loading
	// must work while a_async.go is missing.
	write("b.go", "package p\n\nvar _ = FAsync\n")

	p, errs := gen()
	if len(errs) > 0 {
		t.Fatalf("generate: %v", errs)
	}
	if st := p.stale(); len(st) != 1 || !strings.Contains(st[0], "a_async.go: missing") {
		t.Fatalf("stale() = %q, want a_async.go missing", st)
	}
	if err := p.apply(); err != nil {
		t.Fatal(err)
	}
	gen1 := read("a_async.go")
	if !strings.HasPrefix(gen1, header+"\n") {
		t.Fatalf("a_async.go lacks the header:\n%s", gen1)
	}
	if p, _ := gen(); len(p.stale()) != 0 {
		t.Fatalf("fresh output reported stale: %q", p.stale())
	}

	// A stale generated file that no longer compiles must not stop asyncgen.
	write("a_async.go", header+"\n\npackage p\n\nfunc FAsync() { undefined() }\n")
	p, errs = gen()
	if len(errs) > 0 {
		t.Fatalf("generate with a broken stale file: %v", errs)
	}
	if st := p.stale(); len(st) != 1 || !strings.Contains(st[0], "stale") {
		t.Fatalf("stale() = %q, want a_async.go stale", st)
	}
	if err := p.apply(); err != nil {
		t.Fatal(err)
	}
	if read("a_async.go") != gen1 {
		t.Fatal("regenerating over a stale file gave different output")
	}

	// An error anywhere: nothing is written or changed.
	write("a.go", strings.Replace(a1, "return x + 1", "return x + undefinedName", 1))
	if _, errs := gen(); len(errs) == 0 || !strings.Contains(strings.Join(errs, "\n"), "undefinedName") {
		t.Fatalf("errors = %q, want the type error", errs)
	}
	if read("a_async.go") != gen1 {
		t.Fatal("a failed run changed a_async.go")
	}
	write("a.go", a1)

	// A hand-written *_async.go is never overwritten.
	write("c.go", strings.Replace(strings.Replace(a1, "func F(", "func G(", 1), "// F yields", "// G yields", 1))
	write("c_async.go", "package p\n\n// hand-written\n")
	_, errs = gen()
	if len(errs) != 1 || !strings.Contains(errs[0], "c_async.go:1:1: c_async.go exists but was not written by asyncgen") {
		t.Fatalf("errors = %q, want the hand-written file reported", errs)
	}
	if read("c_async.go") != "package p\n\n// hand-written\n" {
		t.Fatal("hand-written c_async.go was changed")
	}
	os.Remove(filepath.Join(dir, "c.go"))
	os.Remove(filepath.Join(dir, "c_async.go"))

	// The source loses its async function: the generated file is orphaned
	// and removed.
	write("a.go", "package p\n\nfunc F(x int) int { return x + 1 }\n")
	write("b.go", "package p\n")
	p, errs = gen()
	if len(errs) > 0 {
		t.Fatalf("generate: %v", errs)
	}
	if st := p.stale(); len(st) != 1 || !strings.Contains(st[0], "orphaned") {
		t.Fatalf("stale() = %q, want a_async.go orphaned", st)
	}
	if err := p.apply(); err != nil {
		t.Fatal(err)
	}
	if read("a_async.go") != "<missing>" {
		t.Fatal("orphaned a_async.go was not removed")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Fatalf("directory holds %d entries, want a.go and b.go (no temporary files)", len(entries))
	}
}
