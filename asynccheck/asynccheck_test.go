package asynccheck_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corio-go/corio/asynccheck"
	"github.com/corio-go/corio/internal/asyncrules"
	"golang.org/x/tools/go/analysis/analysistest"
)

// root is the module's root: analysistest loads the testdata packages in
// module mode from there, so they import the real corio runtime.
func root(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestRules: every rule of asyncgen's check stage, reported where the want
// comments of testdata/rules say, and nowhere else.
func TestRules(t *testing.T) {
	analysistest.Run(t, root(t), asynccheck.Analyzer, "./asynccheck/testdata/rules")
}

// build compiles one of the module's commands into dir.
func build(t *testing.T, dir, pkg string) string {
	t.Helper()
	bin := filepath.Join(dir, filepath.Base(pkg))
	out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput()
	if err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

// TestStaleTwins generates a twin with the real asyncgen, then edits the
// source, the twin and the file set the ways a user does, and checks what
// the analyzer says after each, without running the generator again.
func TestStaleTwins(t *testing.T) {
	asyncgen := build(t, t.TempDir(), "github.com/corio-go/corio/cmd/asyncgen")
	dir, err := os.MkdirTemp("testdata", "tmp-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	pattern := "./asynccheck/" + filepath.ToSlash(dir)
	write := func(name, src string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	generate := func() {
		t.Helper()
		cmd := exec.Command(asyncgen)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("asyncgen: %v\n%s", err, out)
		}
	}
	const src = `package p

import "github.com/corio-go/corio/rt"

// Work yields once and returns x+1.
//
//async:func
func Work(x int) int {%s
	rt.YieldNow()
	return x + 1
}
`
	const b = "package p\n\n// Use calls the twin, which only the generated file declares.\nfunc Use() int { return rt.Run(WorkAsync(1)) }\n"
	write("a.go", strings.Replace(src, "%s", "", 1))
	write("b.go", strings.Replace(b, "package p\n", "package p\n\nimport \"github.com/corio-go/corio/rt\"\n", 1))
	generate()
	twin, err := os.ReadFile(filepath.Join(dir, "a_async.go"))
	if err != nil {
		t.Fatal(err)
	}

	t.Run("fresh", func(t *testing.T) {
		analysistest.Run(t, root(t), asynccheck.Analyzer, pattern) // no want comment: nothing reported
	})

	t.Run("stale", func(t *testing.T) {
		// The body changed after go generate; the want comment is part of
		// the edit.
		edited := strings.Replace(src, "%s", " // want `a_async.go: stale: it was generated from another version of a.go, so WorkAsync and its siblings run the old code; run go generate \\(asyncgen\\) to regenerate it`", 1)
		write("a.go", strings.Replace(edited, "x + 1", "x + 2", 1))
		analysistest.Run(t, root(t), asynccheck.Analyzer, pattern)
	})

	t.Run("old header", func(t *testing.T) {
		// A twin written before asyncgen recorded the source's hash.
		write("a.go", strings.Replace(src, "%s", " // want `a_async.go: stale: it records no hash of a.go \\(an older asyncgen wrote it\\)`", 1))
		generate()
		gen, err := os.ReadFile(filepath.Join(dir, "a_async.go"))
		if err != nil {
			t.Fatal(err)
		}
		_, line := asyncrules.ParseHeader(gen)
		old := strings.Replace(string(gen), line+"\n", "", 1)
		if old == string(gen) || !strings.HasPrefix(old, asyncrules.Header+"\n\n") {
			t.Fatalf("could not strip the source line from\n%s", gen)
		}
		write("a_async.go", old)
		analysistest.Run(t, root(t), asynccheck.Analyzer, pattern)
		// asyncgen still owns such a file: it overwrites it.
		generate()
		gen, err = os.ReadFile(filepath.Join(dir, "a_async.go"))
		if err != nil {
			t.Fatal(err)
		}
		if _, line := asyncrules.ParseHeader(gen); line == "" {
			t.Fatalf("asyncgen did not regenerate the old-format twin:\n%s", gen)
		}
	})

	t.Run("hand-written", func(t *testing.T) {
		write("a.go", strings.Replace(src, "%s", " // want `a_async.go exists but was not written by asyncgen`", 1))
		write("a_async.go", "package p\n\nimport \"github.com/corio-go/corio/rt\"\n\nfunc WorkAsync(x int) rt.Future[int] { return nil }\n")
		analysistest.Run(t, root(t), asynccheck.Analyzer, pattern)
	})

	t.Run("missing", func(t *testing.T) {
		write("a.go", strings.Replace(src, "%s", " // want `a_async.go: missing: the twins of a.go's async functions \\(WorkAsync…\\) are not generated`", 1))
		write("b.go", "package p\n")
		if err := os.Remove(filepath.Join(dir, "a_async.go")); err != nil {
			t.Fatal(err)
		}
		analysistest.Run(t, root(t), asynccheck.Analyzer, pattern)
	})

	t.Run("orphaned", func(t *testing.T) {
		write("a.go", "package p\n\nfunc Work(x int) int { return x + 1 }\n")
		orphan := strings.Replace(string(twin), "\npackage p\n", "\npackage p // want `a_async.go: orphaned \\(its source has no async functions\\); run go generate \\(asyncgen\\), which removes it`\n", 1)
		write("a_async.go", orphan)
		analysistest.Run(t, root(t), asynccheck.Analyzer, pattern)
	})
}

// TestVetTool runs the analyzer the two ways a user does, as go vet's
// -vettool and as a standalone command, on a module of its own.
func TestVetTool(t *testing.T) {
	tmp := t.TempDir()
	asyncvet := build(t, tmp, "github.com/corio-go/corio/cmd/asyncvet")
	mod := filepath.Join(tmp, "m")
	if err := os.Mkdir(mod, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, src string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(mod, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/m\n\ngo 1.26\n")
	write("nap.go", `package m

import "time"

// Nap sleeps where it should suspend.
//
//async:func
func Nap() {
	time.Sleep(time.Millisecond)
}
`)
	run := func(name string, args ...string) (string, error) {
		cmd := exec.Command(name, args...)
		cmd.Dir = mod
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOPROXY=off", "GOFLAGS=")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	wants := []string{
		"nap.go:8:6: nap_async.go: missing: the twins of nap.go's async functions (NapAsync…) are not generated; run go generate (asyncgen)",
		"nap.go:9:2: time.Sleep blocks the runtime thread inside async function Nap; use rt.Sleep(d), which suspends only this task",
	}
	for _, c := range []struct {
		name string
		args []string
		code int // the exit status: go vet's 1, a go/analysis command's 3
	}{
		{"go", []string{"vet", "-vettool=" + asyncvet, "./..."}, 1},
		{asyncvet, []string{"./..."}, 3},
	} {
		out, err := run(c.name, c.args...)
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != c.code {
			t.Errorf("%s %s: %v, want exit status %d; output:\n%s", filepath.Base(c.name), strings.Join(c.args, " "), err, c.code, out)
		}
		for _, w := range wants {
			if !strings.Contains(out, w) {
				t.Errorf("%s %s: output lacks %q:\n%s", filepath.Base(c.name), strings.Join(c.args, " "), w, out)
			}
		}
	}
	// A package with nothing to report passes both ways.
	write("nap.go", "package m\n\nimport \"time\"\n\n// Nap sleeps; it is not async.\nfunc Nap() { time.Sleep(time.Millisecond) }\n")
	if out, err := run("go", "vet", "-vettool="+asyncvet, "./..."); err != nil {
		t.Errorf("go vet -vettool on a clean module: %v\n%s", err, out)
	}
	if out, err := run(asyncvet, "./..."); err != nil {
		t.Errorf("asyncvet on a clean module: %v\n%s", err, out)
	}
}
