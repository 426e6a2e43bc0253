package main

// TestRandom is a seeded random-program differential test: it writes random
// but valid, deterministic async programs (random_gen_test.go), runs asyncgen
// on them in-process, builds them, runs each in direct mode (the oracle) and
// as a future, and compares the outputs byte for byte, seed by seed.
//
// By default it uses a fixed range of seeds so CI is reproducible. To explore
// further:
//
//	go test ./cmd/asyncgen -run Random -rand.seed=1000 -rand.n=400
//
// and to look at one program:
//
//	go test ./cmd/asyncgen -run Random -rand.seed=17 -rand.n=1 -rand.keep
//
// A failure names the seed and the file holding its program; the scratch
// directory is kept when the test fails.

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/corio-go/corio/internal/difftest"
)

var (
	randN    = flag.Int("rand.n", 0, "TestRandom: number of random programs (seeds) to try; 0 means the default fixed set")
	randSeed = flag.Int64("rand.seed", 1, "TestRandom: first seed; seeds are rand.seed … rand.seed+rand.n-1")
	randKeep = flag.Bool("rand.keep", false, "TestRandom: keep the generated programs even when the test passes")
)

const (
	// randDefaultN seeds run by default: about 20 s on a 2-core machine.
	randDefaultN = 80
	// randBatch seeds share one package (one file each), so one link covers them.
	randBatch = 8
	// randRunTimeout bounds one run of one binary (a hang is a failure).
	randRunTimeout = 60 * time.Second
)

func TestRandom(t *testing.T) {
	if testing.Short() {
		t.Skip("generates, builds and runs random programs")
	}
	n := *randN
	if n <= 0 {
		n = randDefaultN
		if raceEnabled {
			// The race detector finds nothing in generated programs that
			// the plain run does not, at several times the cost: CI's
			// -race run leaves them to the plain run.
			t.Skip("the random programs run without -race (give -rand.n to run them anyway)")
		}
	}
	var seeds []int64
	for i := range n {
		seeds = append(seeds, *randSeed+int64(i))
	}
	t.Logf("seeds %d … %d", seeds[0], seeds[len(seeds)-1])

	dir, err := os.MkdirTemp("testdata", "tmp-rand-")
	if err != nil {
		t.Fatal(err)
	}
	absDir, _ := filepath.Abs(dir)
	t.Cleanup(func() {
		if t.Failed() || *randKeep {
			t.Logf("generated programs kept in %s (remove it by hand)", absDir)
			return
		}
		os.RemoveAll(dir)
	})

	// Write the programs: batch b holds seeds[b*randBatch:…] as one package.
	type batch struct {
		name  string
		seeds []int64
	}
	var batches []batch
	seedFile := map[int64]string{} // seed → path of its program, relative to dir
	for i := 0; i < len(seeds); i += randBatch {
		b := batch{name: fmt.Sprintf("b%d", len(batches)), seeds: seeds[i:min(i+randBatch, len(seeds))]}
		batches = append(batches, b)
		bdir := filepath.Join(dir, b.name)
		if err := os.Mkdir(bdir, 0o755); err != nil {
			t.Fatal(err)
		}
		write := func(name, src string) {
			if err := os.WriteFile(filepath.Join(bdir, name), []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		write("helpers.go", randHelpers(b.seeds))
		for _, s := range b.seeds {
			name := "s" + seedName(s) + ".go"
			write(name, randProgram(s))
			seedFile[s] = filepath.Join(b.name, name)
		}
	}
	// showSources logs the programs of the seeds whose files text mentions.
	showSources := func(text string) {
		var shown []int64
		for s, f := range seedFile {
			base := strings.TrimSuffix(f, ".go")
			if strings.Contains(text, base+".go") || strings.Contains(text, base+"_async.go") {
				shown = append(shown, s)
			}
		}
		sort.Slice(shown, func(i, j int) bool { return shown[i] < shown[j] })
		for _, s := range shown {
			src, _ := os.ReadFile(filepath.Join(dir, seedFile[s]))
			t.Logf("seed %d: program %s:\n%s", s, filepath.Join(absDir, seedFile[s]), numbered(string(src)))
		}
		if len(shown) == 0 {
			t.Logf("programs are in %s", absDir)
		}
	}

	// Generate in-process, like TestFiles.
	start := time.Now()
	var patterns []string
	for _, b := range batches {
		patterns = append(patterns, "./"+b.name)
	}
	p, errs := generate(dir, patterns)
	if len(errs) > 0 {
		for i, e := range errs {
			// An internal error quotes all the generated text: keep the start.
			if k := strings.Index(e, " while formatting source:"); k >= 0 {
				errs[i] = e[:k] + " (generated text left out)"
			}
		}
		msg := strings.Join(errs, "\n")
		showSources(msg)
		t.Fatalf("asyncgen failed on random programs:\n%s", msg)
	}
	if err := p.apply(); err != nil {
		t.Fatal(err)
	}
	genTime := time.Since(start)

	// Build every batch with one go build.
	start = time.Now()
	bin := filepath.Join(absDir, "bin")
	args := []string{"build", "-o", bin + string(filepath.Separator)}
	if raceEnabled {
		args = append(args, "-race")
	}
	args = append(args, patterns...)
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		showSources(string(out))
		t.Fatalf("go build of the random programs: %v\n%s", err, out)
	}
	buildTime := time.Since(start)

	// Run each binary in both modes, a few at a time.
	start = time.Now()
	type result struct{ direct, async string }
	results := make([]result, len(batches))
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))
	for i, b := range batches {
		for _, mode := range []string{"direct", "async"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				out := runRandom(filepath.Join(bin, b.name), mode)
				if mode == "direct" {
					results[i].direct = out
				} else {
					results[i].async = out
				}
			}()
		}
	}
	wg.Wait()
	runTime := time.Since(start)
	t.Logf("%d programs in %d packages: generate %v, build %v, run %v", len(seeds), len(batches), genTime.Round(time.Millisecond), buildTime.Round(time.Millisecond), runTime.Round(time.Millisecond))

	for i, b := range batches {
		direct, async := splitSeeds(results[i].direct), splitSeeds(results[i].async)
		for _, s := range b.seeds {
			d, a := direct[s], async[s]
			if d == "" {
				t.Errorf("seed %d: direct mode printed nothing for this seed (program %s)\n%s", s, filepath.Join(absDir, seedFile[s]), tail(results[i].direct))
				continue
			}
			if d != a {
				t.Errorf("seed %d: direct and async modes differ\nprogram: %s\nrerun:   go test ./cmd/asyncgen -run Random -rand.seed=%d -rand.n=1\n%s", s, filepath.Join(absDir, seedFile[s]), s, randDiff(d, a))
				if a == "" {
					t.Logf("async output of %s ends:\n%s", b.name, tail(results[i].async))
				}
			}
		}
	}
}

// runRandom runs one random-program binary in one mode and returns what it
// printed, with a line saying how it failed if it did.
func runRandom(exe, mode string) string {
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	ctx, cancel := context.WithTimeout(context.Background(), randRunTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), difftest.ModeEnv+"="+mode)
	out, err := cmd.CombinedOutput()
	if err != nil {
		out = append(out, fmt.Sprintf("\n!! %s mode: %v\n", mode, err)...)
	}
	return string(out)
}

var seedHeader = regexp.MustCompile(`(?m)^== seed (m?\d+)$`)

// splitSeeds splits a program's output into its seeds' sections, each with
// everything up to the next seed's header (so a crash shows in the section of
// the seed that crashed).
func splitSeeds(out string) map[int64]string {
	m := map[int64]string{}
	locs := seedHeader.FindAllStringSubmatchIndex(out, -1)
	for i, l := range locs {
		name := out[l[2]:l[3]]
		var s int64
		if strings.HasPrefix(name, "m") {
			fmt.Sscan(name[1:], &s)
			s = -s
		} else {
			fmt.Sscan(name, &s)
		}
		end := len(out)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		m[s] = out[l[0]:end]
	}
	return m
}

func tail(s string) string {
	const n = 4000
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

func numbered(src string) string {
	var b strings.Builder
	for i, l := range strings.Split(strings.TrimSuffix(src, "\n"), "\n") {
		fmt.Fprintf(&b, "%4d  %s\n", i+1, l)
	}
	return b.String()
}

// randDiff shows where two outputs first differ: the line's label and
// some context on both sides of the first differing byte.
func randDiff(direct, async string) string {
	dl, al := strings.Split(direct, "\n"), strings.Split(async, "\n")
	for i := 0; i < len(dl) || i < len(al); i++ {
		var x, y string
		if i < len(dl) {
			x = dl[i]
		}
		if i < len(al) {
			y = al[i]
		}
		if x == y {
			continue
		}
		k := 0
		for k < len(x) && k < len(y) && x[k] == y[k] {
			k++
		}
		label, _, _ := strings.Cut(x, ":")
		window := func(s string) string {
			lo, hi := max(0, k-300), min(len(s), k+300)
			out := s[lo:hi]
			if lo > 0 {
				out = "…" + out
			}
			if hi < len(s) {
				out += "…"
			}
			return out
		}
		return fmt.Sprintf("output line %d (%s), first difference at byte %d:\n  direct: %s\n  async:  %s", i+1, label, k, window(x), window(y))
	}
	return ""
}
