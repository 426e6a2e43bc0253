package gotest

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestHarnessClasses runs the harness end to end on programs written for
// it, one per outcome, so that its classification is tested without Go's
// test directory.
func TestHarnessClasses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs Go programs")
	}
	root := t.TempDir()
	write := func(name, src string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(root, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("agree.go", "// run\n\npackage main\n\nimport \"fmt\"\n\nfunc double(x int) int { return x * 2 }\n\nfunc main() {\n\tfor i := range 3 {\n\t\tfmt.Println(double(i))\n\t}\n}\n")
	write("agree.out", "0\n2\n4\n")
	// The program looks up its own frame by name: main is renamed, so the
	// transformed program differs (an inherent difference).
	write("differ.go", "// run\n\npackage main\n\nimport (\n\t\"fmt\"\n\t\"runtime\"\n)\n\nfunc main() {\n\tpc, _, _, _ := runtime.Caller(0)\n\tfmt.Println(runtime.FuncForPC(pc).Name())\n}\n")
	write("differ.out", "main.main\n")
	write("rejected.go", "// run\n\npackage main\n\nfunc main() {\n\tc := make(chan int, 1)\n\tc <- 1\n}\n")
	write("fails.go", "// run\n\npackage main\n\nfunc main() { panic(\"original fails\") }\n")
	write("flags.go", "// run -gcflags=-l\n\npackage main\n\nfunc main() {}\n")
	write("other.go", "//go:build !"+runtime.GOOS+"\n\n// run\n\npackage main\n\nfunc main() {}\n")

	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(repo, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	progs, err := Discover(root, ".")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Class{"agree.go": Agree, "differ.go": Differ, "rejected.go": Rejected, "fails.go": Skipped, "flags.go": Skipped, "other.go": Skipped}
	if len(progs) != len(want) {
		t.Fatalf("discovered %d programs, want %d", len(progs), len(want))
	}
	var results []*Result
	for _, p := range progs {
		r := h.Run(context.Background(), p)
		results = append(results, r)
		if r.Class != want[p.Name] {
			t.Errorf("%s: %s (%s), want %s", p.Name, r.Class, r.Detail, want[p.Name])
		}
	}
	table := Table(results)
	if !strings.HasPrefix(table, "agree 1 of 2 exercised (6 programs: agree 1, differ 1,") {
		t.Errorf("table:\n%s", table)
	}
}
