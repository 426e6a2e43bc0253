package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A dependency go list cannot load (here: go.sum lacks golang.org/x/sys,
// which rt imports) must be reported as go list's error, not as the type
// errors it causes downstream ("undefined: unix", "imported and not used").
func TestMissingGoSumEntryReportedAsCause(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/m\n\ngo 1.26\n\nrequire github.com/corio-go/corio v0.0.0\n\nreplace github.com/corio-go/corio => " + root + "\n",
		// The package itself imports the missing module, as a program
		// doing its own syscalls beside corio does.
		"sys.go": "package main\n\nimport \"golang.org/x/sys/unix\"\n\nvar pid = unix.Getpid\n",
		"main.go": `package main

import "github.com/corio-go/corio/rt"

// Main yields once.
//
//async:func
func Main() { rt.YieldNow() }

func main() { rt.Run(MainAsync()) }
`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// go mod tidy from the module cache (the test's own build put corio's
	// dependencies there), then drop x/sys's module hash: go list can
	// resolve the build list but not load the package.
	tidy := exec.Command("go", "mod", "tidy")
	tidy.Dir = dir
	tidy.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=mod")
	if out, err := tidy.CombinedOutput(); err != nil {
		t.Skipf("go mod tidy offline failed (module cache incomplete?): %v\n%s", err, out)
	}
	sum, err := os.ReadFile(filepath.Join(dir, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, l := range strings.SplitAfter(string(sum), "\n") {
		if !strings.HasPrefix(l, "golang.org/x/sys ") || strings.Contains(l, "/go.mod ") {
			kept = append(kept, l)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), []byte(strings.Join(kept, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errs := generate(dir, []string{"."})
	all := strings.Join(errs, "\n")
	if !strings.Contains(all, "missing go.sum entry") {
		t.Fatalf("want go list's missing go.sum entry error, got:\n%s", all)
	}
	for _, bad := range []string{"undefined:", "imported and not used"} {
		if strings.Contains(all, bad) {
			t.Errorf("consequence %q reported beside the cause:\n%s", bad, all)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "main_async.go")); err == nil {
		t.Errorf("a failed run wrote main_async.go")
	}
}
