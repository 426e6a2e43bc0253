package main

// The generator never panics and never reports an internal error on valid
// Go. TestGenerateProperty runs it (generation only, no build) over many
// random programs at once; FuzzGenerate lets go test -fuzz search seeds:
//
//	go test ./cmd/asyncgen -run '^$' -fuzz FuzzGenerate -fuzztime 60s
//
// Each program is valid Go by construction (random_gen_test.go), so every
// diagnostic is a generator bug: a recovered panic or an internal error
// arrives as an error naming the function's position.

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var propN = flag.Int("prop.n", 40, "TestGenerateProperty: number of random programs to generate")

// generateSeeds writes the programs of seeds into one package under dir and
// runs the generator on it; it returns the diagnostics.
func generateSeeds(t testing.TB, seeds []int64) []string {
	dir, err := os.MkdirTemp("testdata", "tmp-prop-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("helpers.go", randHelpers(seeds))
	for _, s := range seeds {
		write("s"+seedName(s)+".go", randProgram(s))
	}
	p, errs := generate(dir, []string{"."})
	if len(errs) == 0 && len(p.writes) != len(seeds)+1 {
		errs = append(errs, fmt.Sprintf("generated %d files for %d programs", len(p.writes), len(seeds)+1))
	}
	return errs
}

func TestGenerateProperty(t *testing.T) {
	if testing.Short() {
		t.Skip("generates many random programs")
	}
	n := *propN
	if raceEnabled {
		// The generator is single-threaded: the race detector adds
		// nothing here but several times the cost.
		t.Skip("runs without -race")
	}
	var seeds []int64
	for i := range n {
		seeds = append(seeds, 100000+int64(i))
	}
	if errs := generateSeeds(t, seeds); len(errs) > 0 {
		t.Fatalf("asyncgen failed on valid programs:\n%s", strings.Join(errs, "\n"))
	}
}

func FuzzGenerate(f *testing.F) {
	for _, s := range []int64{1, 2, 3} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seed int64) {
		if testing.Short() || raceEnabled {
			t.Skip("loads a package per input; run it without -short and -race, or with -fuzz")
		}
		if errs := generateSeeds(t, []int64{seed}); len(errs) > 0 {
			t.Fatalf("asyncgen failed on the valid program of seed %d:\n%s", seed, strings.Join(errs, "\n"))
		}
	})
}
