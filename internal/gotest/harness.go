package gotest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Class is the outcome of one program.
type Class string

// The classes, from best to worst. Every exercised program ends in exactly
// one; a skipped program is not exercised.
const (
	Agree     Class = "agree"     // same output and exit status as the original
	Differ    Class = "differ"    // output or exit status differs
	Timeout   Class = "timeout"   // the transformed program ran past the limit
	NoCompile Class = "nocompile" // the generated code does not build
	Crash     Class = "crash"     // asyncgen panicked, reported an internal error or an error outside any function
	Rejected  Class = "rejected"  // asyncgen rejected main (or every function): nothing runs as a future
	Skipped   Class = "skip"      // not exercised; Detail says why
)

// Classes lists every class in report order.
var Classes = []Class{Agree, Differ, Timeout, NoCompile, Crash, Rejected, Skipped}

// Result is what the harness found for one program.
type Result struct {
	Program     *Program
	Class       Class
	Detail      string   // skip reason, asyncgen or compiler errors, or the difference
	Unmarked    []string // functions asyncgen rejected: "name: message"
	Marked      int      // functions lowered in the final round
	Funcs       int      // functions with a body
	Rounds      int      // asyncgen runs
	Transformed []byte   // the transformed source of the final round
	Generated   []byte   // the generated file of the final round, if any
}

// Harness runs programs of Go's test directory both as written and with
// every function made async. Its methods may be called concurrently.
type Harness struct {
	Repo      string        // corio's repository root (the module that provides rt)
	Work      string        // a scratch directory; one subdirectory per program
	Asyncgen  string        // the asyncgen binary
	Timeout   time.Duration // limit for each run of a program (original or transformed)
	MaxRounds int           // asyncgen runs per program (each un-marks rejected functions)
	Keep      bool          // keep each program's directory after the run
	// TrustGolden skips building and running the original: the expected
	// result is exit status 0 and the golden output, as Go's test driver
	// requires of the original.
	TrustGolden bool

	gomod, gosum []byte

	cfgOnce sync.Once
	cfgPath string
	cfgErr  error
}

// stdlibImportcfg writes, once, the importcfg for the standard library that
// Go's test driver hands to programs which run the compiler themselves.
func (h *Harness) stdlibImportcfg() (string, error) {
	h.cfgOnce.Do(func() {
		cmd := exec.Command("go", "list", "-export", "-f", "{{if .Export}}packagefile {{.ImportPath}}={{.Export}}{{end}}", "std")
		cmd.Env = goEnv()
		out, err := cmd.Output()
		if err != nil {
			h.cfgErr = fmt.Errorf("go list -export std: %v", err)
			return
		}
		h.cfgPath = filepath.Join(h.Work, "stdlib.importcfg")
		h.cfgErr = os.WriteFile(h.cfgPath, out, 0o644)
	})
	return h.cfgPath, h.cfgErr
}

// New prepares a harness in work: it builds asyncgen from repo once and
// prepares the go.mod that every program module uses, requiring corio by a
// replace directive and reusing repo's go.sum so that nothing needs the
// network beyond the module cache.
func New(repo, work string) (*Harness, error) {
	h := &Harness{Repo: repo, Work: work, Timeout: 60 * time.Second, MaxRounds: 8}
	if err := statSources(repo); err != nil {
		return nil, err
	}
	h.Asyncgen = filepath.Join(work, "asyncgen")
	cmd := exec.Command("go", "build", "-o", h.Asyncgen, "./cmd/asyncgen")
	cmd.Dir = repo
	cmd.Env = goEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building asyncgen: %v\n%s", err, out)
	}
	mod, err := os.ReadFile(filepath.Join(repo, "go.mod"))
	if err != nil {
		return nil, err
	}
	h.gosum, err = os.ReadFile(filepath.Join(repo, "go.sum"))
	if err != nil {
		return nil, err
	}
	h.gomod = programGoMod(string(mod), repo)
	return h, nil
}

// statSources stats every Go file of the module at repo. The harness builds
// asyncgen and the programs in child processes, whose reads go test's result
// cache does not see; a stat in the test process makes the cached result of a
// test that uses the harness depend on the generator's and runtime's sources.
func statSources(repo string) error {
	return filepath.WalkDir(repo, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != repo && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, ".go") || d.Name() == "go.mod" || d.Name() == "go.sum" {
			_, err = os.Stat(path)
		}
		return err
	})
}

// programGoMod derives a program module's go.mod from corio's: the same go
// version and requirements, plus corio itself replaced by the checkout.
func programGoMod(corioMod, repo string) []byte {
	var b strings.Builder
	b.WriteString("module gotestprog\n\n")
	var reqs []string
	inReq := false
	for _, line := range strings.Split(corioMod, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(t, "go "):
			b.WriteString(t + "\n")
		case t == "require (":
			inReq = true
		case inReq && t == ")":
			inReq = false
		case inReq && t != "":
			reqs = append(reqs, strings.TrimSuffix(t, " // indirect"))
		case strings.HasPrefix(t, "require "):
			reqs = append(reqs, strings.TrimSuffix(strings.TrimPrefix(t, "require "), " // indirect"))
		}
	}
	b.WriteString("\nrequire (\n\tgithub.com/corio-go/corio v0.0.0\n")
	for _, r := range reqs {
		b.WriteString("\t" + r + " // indirect\n")
	}
	b.WriteString(")\n\nreplace github.com/corio-go/corio => " + repo + "\n")
	return []byte(b.String())
}

// goEnv is the environment for go commands: no toolchain switches, no
// network, and no flags inherited from the caller's GOFLAGS.
func goEnv() []string {
	return append(os.Environ(), "GOTOOLCHAIN=local", "GOPROXY=off", "GOFLAGS=", "GOWORK=off")
}

// Run exercises one program. Errors of the harness itself (a scratch file
// that cannot be written) are reported as Crash with the error, which never
// happens to a working setup.
func (h *Harness) Run(ctx context.Context, p *Program) *Result {
	r := &Result{Program: p}
	if p.Skip != "" {
		r.Class, r.Detail = Skipped, p.Skip
		return r
	}
	dir := filepath.Join(h.Work, strings.NewReplacer("/", "_", ".go", "").Replace(p.Name))
	if err := h.run(ctx, p, dir, r); err != nil {
		r.Class, r.Detail = Crash, "harness: "+err.Error()
	}
	if !h.Keep {
		os.RemoveAll(dir)
	}
	return r
}

func (h *Harness) run(ctx context.Context, p *Program, dir string, r *Result) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), h.gomod, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), h.gosum, 0o644); err != nil {
		return err
	}
	// The original and the transformed program are compiled from the same
	// path, so that file names in their stack traces and runtime.Caller
	// results can agree.
	base := filepath.Base(p.Path)
	file := filepath.Join(dir, base)
	genFile := filepath.Join(dir, strings.TrimSuffix(base, ".go")+"_async.go")
	if err := os.WriteFile(file, p.Src, 0o644); err != nil {
		return err
	}
	want := runResult{out: p.Golden}
	if !h.TrustGolden {
		if out, err := h.goBuild(ctx, dir, "orig.exe"); err != nil {
			r.Class, r.Detail = Skipped, "original does not build: "+firstLines(out, 3)
			return nil
		}
		want = h.exec(ctx, p, filepath.Join(dir, "orig.exe"))
	}
	switch {
	case want.timedOut:
		r.Class, r.Detail = Skipped, "original times out"
		return nil
	case want.err != nil || want.code != 0:
		r.Class, r.Detail = Skipped, fmt.Sprintf("original fails here (exit %d): %s", want.code, firstLines(want.out, 3))
		return nil
	case !bytes.Equal(normalize(want.out), normalize(p.Golden)):
		r.Class, r.Detail = Skipped, "original's output differs from the golden file: "+firstDiff(string(p.Golden), string(want.out))
		return nil
	}

	unmark := map[int]bool{}
	for {
		r.Rounds++
		t, err := Transform(file, p.Src, unmark)
		if err != nil {
			r.Class, r.Detail = Skipped, "cannot transform: "+err.Error()
			return nil
		}
		r.Transformed = t.Src
		r.Funcs = len(t.Funcs)
		r.Marked = 0
		for _, m := range t.Marked {
			if m {
				r.Marked++
			}
		}
		if !t.MainAsync {
			r.Class = Rejected
			r.Detail = "main is not lowered"
			for _, u := range r.Unmarked {
				if strings.HasPrefix(u, "main: ") {
					r.Detail = "main rejected: " + strings.TrimPrefix(u, "main: ")
				}
			}
			return nil
		}
		if err := os.WriteFile(file, t.Src, 0o644); err != nil {
			return err
		}
		os.Remove(genFile)
		out, err := h.cmd(ctx, dir, 2*time.Minute, h.Asyncgen, ".")
		if err == nil {
			break
		}
		text := string(out)
		if isCrash(text) {
			r.Class, r.Detail = Crash, firstLines(out, 12)
			return nil
		}
		newly, unplaced := attribute(text, base, t)
		if len(unplaced) > 0 || len(newly) == 0 {
			r.Class = Crash
			r.Detail = "asyncgen error outside any function: " + firstLines([]byte(strings.Join(unplaced, "\n")+"\n"+text), 6)
			return nil
		}
		for i, msg := range newly {
			unmark[i] = true
			r.Unmarked = append(r.Unmarked, t.Funcs[i].Name+": "+msg)
		}
		if r.Rounds >= h.MaxRounds {
			r.Class, r.Detail = Rejected, fmt.Sprintf("still rejected after %d rounds", r.Rounds)
			return nil
		}
	}
	r.Generated, _ = os.ReadFile(genFile)
	if out, err := h.goBuild(ctx, dir, "async.exe"); err != nil {
		r.Class, r.Detail = NoCompile, firstLines(out, 12)
		return nil
	}
	got := h.exec(ctx, p, filepath.Join(dir, "async.exe"))
	switch {
	case got.timedOut:
		r.Class, r.Detail = Timeout, fmt.Sprintf("no exit within %v; output so far: %s", h.Timeout, firstLines(got.out, 3))
	case got.code != want.code || !bytes.Equal(normalize(got.out), normalize(want.out)):
		r.Class = Differ
		r.Detail = fmt.Sprintf("exit %d, want %d; %s", got.code, want.code, firstDiff(string(want.out), string(got.out)))
	default:
		r.Class = Agree
	}
	return nil
}

// isCrash reports whether asyncgen's output shows a panic or an internal
// error rather than diagnostics.
func isCrash(out string) bool {
	return crashRE.MatchString(out)
}

var crashRE = regexp.MustCompile(`(?m)^panic: |^goroutine \d+ \[|^fatal error: |internal error`)

var diagRE = regexp.MustCompile(`(?m)^(\S+?\.go):(\d+):(\d+): (.*)$`)

// attribute maps asyncgen's diagnostics (file:line:col: message, lines in the
// original numbering thanks to the //line directives) to the marked functions
// to un-mark: the one whose declaration contains a diagnostic, except that a
// diagnostic about a call of a marked function that may not suspend where it
// is called (inside a func literal, or deferred) names that callee, which
// then runs as plain Go while its caller stays async. It returns the first
// message for each function and the diagnostics it could not place.
func attribute(out, base string, t *Transformed) (map[int]string, []string) {
	newly := map[int]string{}
	var unplaced []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		m := diagRE.FindStringSubmatch(line)
		if m == nil {
			if strings.TrimSpace(line) != "" {
				unplaced = append(unplaced, line)
			}
			continue
		}
		ln, _ := strconv.Atoi(m[2])
		placed := false
		if filepath.Base(m[1]) == base {
			for i, f := range t.Funcs {
				if t.Marked[i] && f.StartLine <= ln && ln <= f.EndLine {
					targets := calleeTargets(m[4], t)
					msg := m[4]
					if len(targets) == 0 {
						targets = []int{i}
					} else {
						msg = "called from " + f.Name + ": " + msg
					}
					for _, j := range targets {
						if _, ok := newly[j]; !ok {
							newly[j] = msg
						}
					}
					placed = true
				}
			}
		}
		if !placed {
			unplaced = append(unplaced, line)
		}
	}
	return newly, unplaced
}

// calleeRE matches the diagnostics that name a called async function which
// cannot suspend at the call: the fix is to make the callee plain.
var calleeRE = regexp.MustCompile(`^(?:(\S+) suspends, but it is called inside a func literal|(\S+) suspends inside an async closure that is itself inside a plain func literal|the deferred call of (\S+) would suspend)`)

// calleeTargets returns the marked functions that a callee diagnostic's
// message names, none for another message. The name is the call's as
// written: f, x.M (x a variable or package), or M for a longer selector; a
// method is matched by its name alone, so every marked method of that name
// is un-marked, which can only leave more of the program plain.
func calleeTargets(msg string, t *Transformed) []int {
	m := calleeRE.FindStringSubmatch(msg)
	if m == nil {
		return nil
	}
	name := m[1] + m[2] + m[3]
	qualified := strings.Contains(name, ".")
	if qualified {
		name = name[strings.LastIndex(name, ".")+1:]
	}
	var funcs, methods []int
	for i, f := range t.Funcs {
		if !t.Marked[i] {
			continue
		}
		if f.Name == name {
			funcs = append(funcs, i)
		} else if strings.HasSuffix(f.Name, "."+name) {
			methods = append(methods, i)
		}
	}
	switch {
	case qualified && len(methods) > 0:
		return methods
	case !qualified && len(funcs) > 0:
		return funcs
	}
	return append(funcs, methods...)
}

func (h *Harness) goBuild(ctx context.Context, dir, exe string) ([]byte, error) {
	// -p 1: the harness runs at most a few programs at a time on shared
	// machines; each build uses one compiler process.
	return h.cmd(ctx, dir, 5*time.Minute, "go", "build", "-p", "1", "-o", exe, ".")
}

func (h *Harness) cmd(ctx context.Context, dir string, limit time.Duration, name string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	c := exec.CommandContext(ctx, name, args...)
	c.Dir = dir
	c.Env = goEnv()
	c.WaitDelay = 5 * time.Second
	return c.CombinedOutput()
}

type runResult struct {
	out      []byte
	code     int
	timedOut bool
	err      error // a failure to start or wait other than a nonzero exit
}

// exec runs a built program as Go's test driver does: stdout and stderr into
// one buffer, in Go's test directory, with its environment.
func (h *Harness) exec(ctx context.Context, p *Program, exe string) runResult {
	ctx, cancel := context.WithTimeout(ctx, h.Timeout)
	defer cancel()
	c := exec.CommandContext(ctx, exe, p.Args...)
	c.Dir = p.Root
	c.Env = append(os.Environ(), "GOENV=off", "GOFLAGS=", "PWD="+p.Root)
	if bytes.Contains(p.Src, []byte("STDLIB_IMPORTCFG")) {
		cfg, err := h.stdlibImportcfg()
		if err != nil {
			return runResult{err: err, code: -1, out: []byte(err.Error())}
		}
		c.Env = append(c.Env, "STDLIB_IMPORTCFG="+cfg)
	}
	var buf bytes.Buffer
	c.Stdout, c.Stderr = &buf, &buf
	c.WaitDelay = 5 * time.Second
	err := c.Run()
	r := runResult{out: buf.Bytes()}
	if ctx.Err() == context.DeadlineExceeded {
		r.timedOut = true
		return r
	}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		r.err, r.code = err, -1
	}
	return r
}

func normalize(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")) }

// firstLines is the first n lines of b, trimmed.
func firstLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = append(lines[:n], fmt.Sprintf("... (%d more lines)", len(lines)-n))
	}
	return strings.Join(lines, "\n")
}

// firstDiff describes the first line where got differs from want.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("output line %d: want %q, got %q", i+1, trunc(w), trunc(g))
		}
	}
	return "same output"
}

func trunc(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}
