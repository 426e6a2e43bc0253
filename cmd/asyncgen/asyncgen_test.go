package main

import (
	"bytes"
	"flag"
	"go/format"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/corio-go/corio/internal/difftest"
)

var update = flag.Bool("update", false, "rewrite the golden generated files in testdata/")

// programs lists the differential test programs: testdata/<case> at the
// repository root, except testdata/errors and testdata/warnings.
func programs(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && e.Name() != "errors" && e.Name() != "warnings" {
			out = append(out, e.Name())
		}
	}
	if len(out) == 0 {
		t.Fatal("no test programs in testdata/")
	}
	return out
}

// TestGolden regenerates every test program and compares the result with the
// committed <file>_async.go, which reviewers read as the golden output.
// go test ./cmd/asyncgen -update rewrites them.
func TestGolden(t *testing.T) {
	t.Chdir("../..")
	cases := programs(t)
	var patterns []string
	for _, c := range cases {
		// With its packages (testdata/generics/lib): ./... skips testdata.
		patterns = append(patterns, "./testdata/"+c+"/...")
	}
	p, errs := generate("", patterns)
	if len(errs) > 0 {
		t.Fatalf("asyncgen failed:\n%s", strings.Join(errs, "\n"))
	}
	if len(p.writes) < len(cases) {
		t.Errorf("generated %d files for %d programs", len(p.writes), len(cases))
	}
	for _, w := range p.writes {
		if f, err := format.Source(w.content); err != nil || !bytes.Equal(f, w.content) {
			t.Errorf("%s: generated code is not gofmt-clean (%v)\n%s", rel(w.path), err, firstDiff(string(w.content), string(f)))
		}
		if *update {
			if err := os.WriteFile(w.path, w.content, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		old, err := os.ReadFile(w.path)
		if err != nil {
			t.Errorf("%s: missing golden file (run go test ./cmd/asyncgen -update)", rel(w.path))
			continue
		}
		if !bytes.Equal(old, w.content) {
			t.Errorf("%s: generated code differs from the golden file (review, then run go test ./cmd/asyncgen -update)\n%s", rel(w.path), firstDiff(string(old), string(w.content)))
		}
	}
	// The futures' sizes (for a 64-bit target) are pinned too: a future is
	// a suspended task's whole memory, so growth is a reviewed change.
	var sizes bytes.Buffer
	writeSizes(&sizes, p.sizes, types.SizesFor("gc", "amd64"))
	const sizesGolden = "cmd/asyncgen/testdata/sizes.golden"
	if *update {
		if err := os.WriteFile(sizesGolden, sizes.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	} else if old, err := os.ReadFile(sizesGolden); err != nil || !bytes.Equal(old, sizes.Bytes()) {
		t.Errorf("%s: the futures' sizes changed (review, then run go test ./cmd/asyncgen -update)\n%s", sizesGolden, firstDiff(string(old), sizes.String()))
	}
	// Determinism: a second run produces the same bytes. (Not under
	// -race: the generator is single-threaded, the run would only be slow.)
	if raceEnabled {
		return
	}
	p2, _ := generate("", patterns)
	for i := range p.writes {
		if !bytes.Equal(p.writes[i].content, p2.writes[i].content) {
			t.Errorf("%s: two runs generated different code", rel(p.writes[i].path))
		}
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return "line " + itoa(i+1) + ":\n  golden:    " + x + "\n  generated: " + y
		}
	}
	return ""
}

// TestDifferential runs every test program in direct mode (the source as
// plain Go, the oracle) and as a future on the runtime; the outputs must be
// identical.
func TestDifferential(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every test program")
	}
	t.Chdir("../..")
	cases := programs(t)
	if raceEnabled {
		// Under -race only the programs that run code concurrently (tasks
		// on a multi-thread runtime, goroutines) can show a race; the
		// plain run covers the others.
		var concurrent []string
		for _, c := range cases {
			src, _ := os.ReadFile(filepath.Join("testdata", c, "main.go"))
			if strings.Contains(string(src), "rt.Spawn") || strings.Contains(string(src), "\tgo ") || strings.Contains(string(src), "RunMulti") {
				concurrent = append(concurrent, c)
			}
		}
		cases = concurrent
	}
	bin := t.TempDir()
	args := []string{"build", "-o", bin + string(filepath.Separator)}
	if raceEnabled {
		args = append(args, "-race")
	}
	for _, c := range cases {
		args = append(args, "./testdata/"+c)
	}
	cmd := exec.Command("go", args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, c := range cases {
		t.Run(c, func(t *testing.T) {
			exe := filepath.Join(bin, c)
			if runtime.GOOS == "windows" {
				exe += ".exe"
			}
			direct, async := runInMode(t, exe, "direct"), runInMode(t, exe, "async")
			if direct == "" {
				t.Errorf("direct mode printed nothing")
			}
			if direct != async {
				t.Errorf("direct and async modes differ\n%s", firstDiff(direct, async))
			}
		})
	}
}

// TestErrors runs asyncgen on each testdata/errors/<case>: it must fail with
// exactly the diagnostics in want.txt and write nothing. The cases are
// loaded together (one go list), and a case whose diagnostics an earlier
// stage's errors in another case hid is run again on its own.
func TestErrors(t *testing.T) {
	t.Chdir("../..")
	entries, err := os.ReadDir("testdata/errors")
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	before := map[string]string{}
	for _, e := range entries {
		if e.IsDir() {
			dir := "testdata/errors/" + e.Name()
			dirs = append(dirs, dir)
			before[dir] = listDir(t, dir)
		}
	}
	// Rounds: a load-stage error in one case stops the later stages for
	// all, so the cases that got no diagnostics run again together.
	got := map[string][]string{}
	for remaining := dirs; len(remaining) > 0; {
		var pats, next []string
		for _, d := range remaining {
			pats = append(pats, "./"+d)
		}
		_, all := generate("", pats)
		for _, l := range all {
			for _, d := range remaining {
				if strings.HasPrefix(l, d+"/") {
					got[d] = append(got[d], l)
				}
			}
		}
		for _, d := range remaining {
			if len(got[d]) == 0 {
				next = append(next, d)
			}
		}
		if len(next) == len(remaining) {
			break // these succeed (or fail without positions): reported below
		}
		remaining = next
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join(dir, "want.txt"))
			if err != nil {
				t.Fatal(err)
			}
			errs := got[dir]
			if len(errs) == 0 {
				var p *plan
				p, errs = generate("", []string{"./" + dir})
				if p != nil || len(errs) == 0 {
					t.Fatalf("asyncgen succeeded; want errors:\n%s", want)
				}
			}
			got := strings.Join(errs, "\n") + "\n"
			if got != string(want) {
				t.Errorf("diagnostics differ\ngot:\n%swant:\n%s", got, want)
			}
			for _, l := range errs {
				if !strings.HasPrefix(l, dir+"/") {
					t.Errorf("diagnostic lacks a file:line:col position: %s", l)
				}
			}
			if after := listDir(t, dir); after != before[dir] {
				t.Errorf("asyncgen changed the directory: before %s, after %s", before[dir], after)
			}
		})
	}
}

func listDir(t *testing.T, dir string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return strings.Join(names, ",")
}

// TestWarnings runs asyncgen on testdata/warnings/<case>: it must succeed
// and print exactly the warnings in want.txt (near-miss directives).
func TestWarnings(t *testing.T) {
	t.Chdir("../..")
	entries, err := os.ReadDir("testdata/warnings")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Run(e.Name(), func(t *testing.T) {
			dir := "testdata/warnings/" + e.Name()
			want, err := os.ReadFile(filepath.Join(dir, "want.txt"))
			if err != nil {
				t.Fatal(err)
			}
			p, errs := generate("", []string{"./" + dir})
			if len(errs) > 0 {
				t.Fatalf("asyncgen failed: %s", strings.Join(errs, "\n"))
			}
			got := strings.Join(p.warnings, "\n") + "\n"
			if got != string(want) {
				t.Errorf("warnings differ\ngot:\n%swant:\n%s", got, want)
			}
		})
	}
}

// TestVet runs go vet's default analyzers over every test program, the
// committed generated files included: generated code must not make vet fail
// on a user's correct code (a self-assignment of a named result, code after
// a panic or an endless loop).
func TestVet(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("runs go vet (not under -race, which adds nothing to it)")
	}
	t.Chdir("../..")
	args := []string{"vet"}
	for _, c := range programs(t) {
		args = append(args, "./testdata/"+c)
	}
	if out, err := exec.Command("go", args...).CombinedOutput(); err != nil {
		t.Errorf("go vet: %v\n%s", err, out)
	}
}

// runInMode runs a differential program's binary in mode ("direct" or
// "async") and returns what it printed; a failed run is an error of t.
func runInMode(t *testing.T, exe, mode string) string {
	t.Helper()
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), difftest.ModeEnv+"="+mode)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("%s mode: %v\n%s", mode, err, out)
	}
	return string(out)
}
