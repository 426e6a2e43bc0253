package gotest

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// subset is the fixed set of quick programs that go test runs by default,
// each building and running in about a second: programs of test/ and
// test/ken that exercise calls, methods, closures, loops, switches, maps,
// strings, arguments, evaluation order and recovered panics, and one known
// failure that keeps the expectations mechanism honest (noinit.go, whose
// difference is inherent: it requires package main to have no init function,
// which the inserted yields make impossible by defeating inlining).
var subset = []string{
	"args.go",
	"closure1.go",
	"escape.go",
	"helloworld.go",
	"map.go",
	"noinit.go",
	"range3.go",
	"recover1.go",
	"reorder.go",
	"string_lit.go",
	"turing.go",
	"typeswitch1.go",
	"ken/embed.go",
	"ken/range.go",
	"ken/rob2.go",
	"ken/string.go",
}

// allDirs are the subdirectories of Go's test directory, beyond test/ and
// test/ken, that hold single-file run programs (dwarf's one needs the
// linker's DWARF tables and is left out).
var allDirs = []string{"chan", "interface", "fixedbugs", "typeparam", "abi"}

// TestGoSuite runs the subset (or, with CORIO_GOTEST=all, every run program
// of test/, test/ken and allDirs; a list of directories such as
// "chan,fixedbugs" runs test/, test/ken and those; CORIO_GOTEST_ONLY=a.go,fixedbugs/b.go runs just the programs named;
// CORIO_GOTEST_KEEP=1 keeps their directories) and fails if a program that expectations.txt does not list as a
// known failure stops agreeing, or a known failure fails in another class.
func TestGoSuite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs Go programs")
	}
	root := filepath.Join(runtime.GOROOT(), "test")
	if out, err := exec.Command("go", "env", "GOROOT").Output(); err == nil {
		root = filepath.Join(strings.TrimSpace(string(out)), "test")
	}
	if _, err := os.Stat(root); err != nil {
		t.Skipf("Go's test directory is not installed: %v", err)
	}
	expect := readExpectations(t)

	var progs []*Program
	mode := os.Getenv("CORIO_GOTEST")
	names := subset
	if only := os.Getenv("CORIO_GOTEST_ONLY"); only != "" {
		names, mode = strings.Split(only, ","), "only"
	}
	if mode == "" || mode == "only" {
		for _, name := range names {
			p, err := Load(root, name)
			if err != nil {
				t.Fatal(err)
			}
			progs = append(progs, p)
		}
	} else {
		dirs := []string{".", "ken"}
		if mode == "all" {
			dirs = append(dirs, allDirs...)
		} else {
			dirs = append(dirs, strings.Split(mode, ",")...)
		}
		var err error
		progs, err = Discover(root, dirs...)
		if err != nil {
			t.Fatal(err)
		}
	}

	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	if os.Getenv("CORIO_GOTEST_KEEP") != "" {
		// Each program's directory stays, for a look at the transformed
		// source and the generated code.
		if work, err = os.MkdirTemp("", "corio-gotest-"); err != nil {
			t.Fatal(err)
		}
		t.Logf("programs kept in %s", work)
	}
	if rev := os.Getenv("CORIO_GOTEST_REV"); rev != "" {
		// Test a committed revision, not the working tree that others
		// may be editing meanwhile.
		repo = filepath.Join(work, "corio")
		if err := os.Mkdir(repo, 0o755); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("sh", "-c", "git -C ../.. archive "+rev+" | tar -x -C "+repo)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("exporting %s: %v\n%s", rev, err, out)
		}
	}
	h, err := New(repo, work)
	if err != nil {
		t.Fatal(err)
	}
	if d := os.Getenv("CORIO_GOTEST_TIMEOUT"); d != "" {
		if h.Timeout, err = time.ParseDuration(d); err != nil {
			t.Fatal(err)
		}
	}
	h.Keep = os.Getenv("CORIO_GOTEST_KEEP") != ""
	// The subset's programs are known to pass as written here: their golden
	// output is the oracle, which saves building and running each twice.
	h.TrustGolden = mode == ""

	results := make([]*Result, len(progs))
	sem := make(chan struct{}, 2) // at most two programs at a time
	t.Run("prog", func(t *testing.T) {
		for i, p := range progs {
			t.Run(p.Name, func(t *testing.T) {
				t.Parallel()
				sem <- struct{}{}
				r := h.Run(context.Background(), p)
				<-sem
				results[i] = r
				check(t, r, expect[p.Name])
			})
		}
	})
	t.Log("\n" + Table(results))
	if out := os.Getenv("CORIO_GOTEST_REPORT"); out != "" {
		if err := os.WriteFile(out, []byte(Report(results)), 0o644); err != nil {
			t.Error(err)
		}
	}
}

// check compares a result with its expectation: a program not listed must
// agree (or be skipped); a listed one must fail in its listed class.
func check(t *testing.T, r *Result, want Class) {
	t.Helper()
	got := r.Class
	switch {
	case got == Skipped:
		t.Skip(r.Detail)
	case want == "" && got != Agree:
		t.Errorf("%s: %s, want agree\n%s%s", r.Program.Name, got, r.Detail, unmarked(r))
	case want != "" && got == Agree:
		t.Logf("%s: known failure (%s) now agrees: remove it from expectations.txt", r.Program.Name, want)
	case want != "" && got != want:
		t.Errorf("%s: %s, expected known failure %s\n%s%s", r.Program.Name, got, want, r.Detail, unmarked(r))
	default:
		t.Logf("%s: %s%s", got, r.Detail, unmarked(r))
	}
}

func unmarked(r *Result) string {
	if len(r.Unmarked) == 0 {
		return ""
	}
	return "\nun-marked: " + strings.Join(r.Unmarked, "\n  ")
}

// readExpectations reads expectations.txt: "program class" per line, # comments.
func readExpectations(t *testing.T) map[string]Class {
	f, err := os.Open("expectations.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	known := map[Class]bool{}
	for _, c := range Classes {
		known[c] = true
	}
	m := map[string]Class{}
	s := bufio.NewScanner(f)
	for n := 1; s.Scan(); n++ {
		line, _, _ := strings.Cut(s.Text(), "#")
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 2 || !known[Class(fields[1])] || fields[1] == string(Agree) || fields[1] == string(Skipped) {
			t.Fatalf("expectations.txt:%d: want \"program class\" with a failure class, got %q", n, s.Text())
		}
		m[fields[0]] = Class(fields[1])
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return m
}
