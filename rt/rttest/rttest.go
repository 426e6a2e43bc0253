package rttest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/corio-go/corio/rt"
)

// Epoch is where a seeded runtime's paused clock starts, the same instant for
// every seed, so that times a program computes replay too.
var Epoch = time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)

// Environment variables read by Explore.
const (
	// EnvSeed names one seed for Explore to run instead of its n: the
	// replay command sets it.
	EnvSeed = "CORIO_SEED"
	// EnvExplore overrides Explore's n, to explore more seeds than a test
	// runs by default (CORIO_EXPLORE=100000 for a night's run).
	EnvExplore = "CORIO_EXPLORE"
	// EnvFirstSeed moves the range Explore covers: seeds EnvFirstSeed …
	// EnvFirstSeed+n-1 instead of 1 … n.
	EnvFirstSeed = "CORIO_FIRST_SEED"
)

// New returns a current-thread runtime that draws its scheduling choices from
// seed, on a paused clock starting at Epoch. opts come after those two, so
// they may add options (WithName, rt.WithScheduleTrace) or override the
// clock's start. Call Shutdown when done with it.
func New(seed uint64, opts ...rt.Option) *rt.Runtime {
	all := append([]rt.Option{rt.WithPausedClock(Epoch), rt.WithSeed(seed)}, opts...)
	return rt.NewCurrentThreadWith(all...)
}

// Run runs f to completion on New(seed), shuts the runtime down and returns
// f's output: rt.Run with a seed.
func Run[T any](seed uint64, f rt.Future[T]) T {
	r := New(seed)
	defer r.Shutdown()
	return rt.BlockOn(r, f)
}

// PollOrder is Run that also returns the order in which the runtime polled: one
// entry per poll, 0 for BlockOn's main future and k for the k-th distinct
// task polled. Numbering tasks by first appearance makes two runs comparable
// (task IDs are process-wide): one seed gives equal traces, run after run.
func PollOrder[T any](seed uint64, f rt.Future[T]) (T, []int) {
	var trace []int
	rank := map[uint64]int{0: 0}
	r := New(seed, rt.WithScheduleTrace(func(id uint64) {
		k, ok := rank[id]
		if !ok {
			k = len(rank)
			rank[id] = k
		}
		trace = append(trace, k)
	}))
	defer r.Shutdown()
	return rt.BlockOn(r, f), trace
}

// Failure is a seed under which a check failed, with the check's error.
type Failure struct {
	Seed uint64
	Err  error
}

func (f Failure) Error() string {
	return fmt.Sprintf("seed %d: %v", f.Seed, f.Err)
}

// FindFailure runs check on a fresh New(seed) runtime for the seeds 1 … n, in
// that order (Explore's seeds), shutting each runtime down after its check,
// and returns the first seed whose check returned an error. ok is false if
// every check returned nil. It is the programmatic form of Explore, for a
// test that expects a failure (a planted bug) or a tool that hunts for one.
func FindFailure(n int, check func(r *rt.Runtime) error) (f Failure, ok bool) {
	for seed := uint64(1); seed <= uint64(n); seed++ {
		if err := runCheck(seed, check); err != nil {
			return Failure{Seed: seed, Err: err}, true
		}
	}
	return Failure{}, false
}

func runCheck(seed uint64, check func(r *rt.Runtime) error) error {
	r := New(seed)
	defer r.Shutdown()
	return check(r)
}

// Explore runs body as a subtest named "seed=S" once for each of n seeds
// (1 … n), each time with a fresh New(S) runtime that it shuts down
// afterwards. It stops at the first seed whose subtest fails and reports that
// seed with a command that replays it, such as
//
//	CORIO_SEED=37 go test -run '^TestTransfer$' ./bank
//
// run from the module's root: with CORIO_SEED set, Explore runs that one seed
// (and body sees the same interleaving, bit for bit, as long as everything
// that wakes its tasks runs on the runtime; see the package doc). A panic in
// body fails the subtest like t.Fatal, so that the seed is still reported.
// CORIO_EXPLORE overrides n and CORIO_FIRST_SEED moves the first seed.
//
// body typically runs the code under test with rt.BlockOn(r, …) and checks
// an invariant afterwards, with t.Error or t.Fatal. It must not call
// t.Parallel: the seeds run one after the other, each on its runtime.
func Explore(t *testing.T, n int, body func(t *testing.T, r *rt.Runtime)) {
	t.Helper()
	first, count, replay, err := seedsFromEnv(n)
	if err != nil {
		t.Fatalf("rttest: %v", err)
	}
	for seed := first; seed < first+uint64(count); seed++ {
		ok := t.Run("seed="+strconv.FormatUint(seed, 10), func(t *testing.T) {
			r := New(seed)
			defer r.Shutdown()
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("panic: %v\n%s", p, debug.Stack())
				}
			}()
			body(t, r)
		})
		if !ok {
			if !replay {
				t.Errorf("rttest: seed %d fails; replay it with:\n\t%s", seed, ReplayCommand(t, seed))
			}
			return
		}
	}
	if !replay {
		t.Logf("rttest: %d seeds from %d passed", count, first)
	}
}

// seedsFromEnv returns the seeds Explore runs: first and count, and whether
// this is a replay of one seed.
func seedsFromEnv(n int) (first uint64, count int, replay bool, err error) {
	first, count = 1, n
	if s := os.Getenv(EnvSeed); s != "" {
		seed, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return 0, 0, false, fmt.Errorf("%s=%q: %v", EnvSeed, s, err)
		}
		return seed, 1, true, nil
	}
	if s := os.Getenv(EnvExplore); s != "" {
		if count, err = strconv.Atoi(s); err != nil {
			return 0, 0, false, fmt.Errorf("%s=%q: %v", EnvExplore, s, err)
		}
	}
	if s := os.Getenv(EnvFirstSeed); s != "" {
		if first, err = strconv.ParseUint(s, 10, 64); err != nil {
			return 0, 0, false, fmt.Errorf("%s=%q: %v", EnvFirstSeed, s, err)
		}
	}
	return first, count, false, nil
}

// ReplayCommand returns the shell command that reruns t (the test calling
// Explore) under seed alone: CORIO_SEED=seed go test -run '<t's name, each
// level anchored>' ./<package directory relative to the module root>. It is
// meant to be run from the module's root; outside a module the package is
// named by its absolute directory.
func ReplayCommand(t testing.TB, seed uint64) string {
	parts := strings.Split(t.Name(), "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return fmt.Sprintf("%s=%d go test -run %s %s", EnvSeed, seed, shellQuote(strings.Join(parts, "/")), packageArg())
}

// packageArg names the package under test as go test wants it from the
// module's root. go test runs a test binary in its package's directory.
func packageArg() string {
	dir, err := os.Getwd()
	if err != nil {
		return "."
	}
	for root := dir; ; {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			rel, err := filepath.Rel(root, dir)
			if err != nil {
				break
			}
			if rel == "." {
				return "."
			}
			return "./" + filepath.ToSlash(rel)
		}
		parent := filepath.Dir(root)
		if parent == root {
			break
		}
		root = parent
	}
	return dir
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
