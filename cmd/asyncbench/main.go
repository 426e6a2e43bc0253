// Command asyncbench prints corio's benchmark table: each workload on a corio
// runtime beside the same workload on goroutines, measured in the same run,
// as medians of several interleaved runs and as ratios against the targets
// corio's design sets.
//
//	cd cmd/asyncbench && go run .            # the table (2 workers vs GOMAXPROCS=2, current-thread vs GOMAXPROCS=1)
//	go run . -n 9                            # medians of 9 runs
//	go run . -scale                          # multi-thread runtime at 1, 2, 4, … workers up to NumCPU
//
// See README.md for what each row measures.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

var (
	runs    = flag.Int("n", 5, "runs; each figure is the median of this many")
	size    = flag.Int("size", 1_000_000, "tasks, spawns, round trips, yields and timers per timed workload")
	idleN   = flag.Int("idle", 200_000, "tasks (and goroutines) held suspended by the idle rows")
	scale   = flag.Bool("scale", false, "scaling run: the multi-thread runtime at 1, 2, 4, … workers up to NumCPU against goroutines at the same GOMAXPROCS")
	only    = flag.String("only", "", "comma-separated rows to run (default: all)")
	workers = flag.Int("workers", 2, "workers of the multi-thread runtime in the table (GOMAXPROCS for both sides)")
	cpuprof = flag.String("cpuprofile", "", "write a CPU profile of the measured runs (both sides; combine with -only)")
	child   = flag.String("child", "", "internal: measure one goroutine idle row in this fresh process and print it")
	tokio   = flag.String("tokio", "", "path of the built Tokio anchor (shared/anchors/tokio): adds a Tokio column measured in the same runs")
)

// row is one workload: how to measure each side and what ratio corio must reach.
type row struct {
	name   string
	unit   string
	target float64 // corio/goroutines must be at most this
	note   string
	corio  func(fl flavor) float64
	gor    func() float64
	memory bool // a memory row: measured the same, not timed
}

func perOp(d time.Duration, n int) float64 { return float64(d.Nanoseconds()) / float64(n) }

func rows() []row {
	n := *size
	yieldTasks := 1000
	yieldEach := max(1, n/yieldTasks)
	return []row{
		{name: "spawn_many", unit: "ns/task", target: 0.5,
			corio: func(fl flavor) float64 { return perOp(corioTime(fl, spawnManyAsync(n)), n) },
			gor:   func() float64 { return perOp(goSpawnMany(n), n) }},
		{name: "chained_spawn", unit: "ns/spawn", target: 0.7,
			corio: func(fl flavor) float64 { return perOp(corioTime(fl, chainedSpawnAsync(n)), n) },
			gor:   func() float64 { return perOp(goChainedSpawn(n), n) }},
		{name: "yield_many", unit: "ns/yield", target: 0.25,
			note: fmt.Sprintf("%d tasks x %d yields; goroutines: runtime.Gosched", yieldTasks, yieldEach),
			corio: func(fl flavor) float64 {
				return perOp(corioTime(fl, yieldManyAsync(yieldTasks, yieldEach)), yieldTasks*yieldEach)
			},
			gor: func() float64 { return perOp(goYieldMany(yieldTasks, yieldEach), yieldTasks*yieldEach) }},
		{name: "ping_pong", unit: "ns/round trip", target: 0.5,
			note:  "corio: hand-written mailbox futures (no syncx yet), send wakes via cx.Wake; goroutines: unbuffered channels",
			corio: func(fl flavor) float64 { return perOp(corioTime(fl, pingPongAsync(n)), n) },
			gor:   func() float64 { return perOp(goPingPong(n), n) }},
		{name: "idle_notify", unit: "B/task", target: 0.1, memory: true,
			note:  "task suspended on a notify vs goroutine parked on a channel (heap+stack in use)",
			corio: func(fl flavor) float64 { return corioIdle(fl, *idleN, false) },
			gor:   func() float64 { return goIdleChild("notify") }},
		{name: "idle_sleep", unit: "B/task", target: 0.1, memory: true,
			note:  "task in rt.Sleep(1h) vs goroutine in time.Sleep(1h) (heap+stack in use)",
			corio: func(fl flavor) float64 { return corioIdle(fl, *idleN, true) },
			gor:   func() float64 { return goIdleChild("sleep") }},
		{name: "timers", unit: "ns/arm+cancel", target: 0.25,
			note:  "rt.SleepAsync polled once then Cancel vs time.AfterFunc+Stop",
			corio: func(fl flavor) float64 { return perOp(corioTimers(fl, n), n) },
			gor:   func() float64 { return perOp(goTimers(n), n) }},
	}
}

func selected(rs []row) []row {
	if *only == "" {
		return rs
	}
	want := strings.Split(*only, ",")
	var out []row
	for _, r := range rs {
		if slices.Contains(want, r.name) {
			out = append(out, r)
		}
	}
	return out
}

// sample is the measurements of one row on one flavour.
type sample struct {
	corio, gor, tokio []float64
}

// measure runs every row on every flavour n times, interleaved (each run
// measures every row once, alternating which side goes first), and returns
// the samples keyed by flavour index and row index. With a tokioPath, each
// run also runs the Tokio anchor for each flavour.
func measure(label string, n int, tokioPath string, fls []flavor, rs []row) [][]sample {
	out := make([][]sample, len(fls))
	for i := range out {
		out[i] = make([]sample, len(rs))
	}
	for run := 0; run < n; run++ {
		fmt.Fprintf(os.Stderr, "%s run %d/%d\n", label, run+1, n)
		for fi, fl := range fls {
			prev := runtime.GOMAXPROCS(fl.procs)
			for ri, r := range rs {
				s := &out[fi][ri]
				if run%2 == 0 {
					s.corio = append(s.corio, r.corio(fl))
					s.gor = append(s.gor, r.gor())
				} else {
					s.gor = append(s.gor, r.gor())
					s.corio = append(s.corio, r.corio(fl))
				}
			}
			runtime.GOMAXPROCS(prev)
			if tokioPath != "" {
				tk, err := runTokio(tokioPath, fl, rs)
				if err != nil {
					fmt.Fprintln(os.Stderr, "asyncbench:", err)
					os.Exit(1)
				}
				for ri, r := range rs {
					out[fi][ri].tokio = append(out[fi][ri].tokio, tk[r.name])
				}
			}
		}
	}
	return out
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func printTable(fls []flavor, rs []row, res [][]sample) (misses int) {
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	withTokio := *tokio != ""
	head := "workload\truntime\tcorio\tgoroutines\tunit\tratio\ttarget\t\t"
	if withTokio {
		head += "tokio\tvs tokio\t"
	}
	fmt.Fprintln(tw, head)
	for fi, fl := range fls {
		for ri, r := range rs {
			s := res[fi][ri]
			c, g := median(s.corio), median(s.gor)
			ratio := c / g
			verdict := "PASS"
			if ratio > r.target {
				verdict = "MISS"
				misses++
			}
			fmt.Fprintf(tw, "%s\t%s\t%.1f\t%.1f\t%s\t%.2fx\t<=%.2fx\t%s\t",
				r.name, fl.name, c, g, r.unit, ratio, r.target, verdict)
			if withTokio {
				tk := median(s.tokio)
				fmt.Fprintf(tw, "%.1f\t%.2fx\t", tk, c/tk)
			}
			fmt.Fprintln(tw)
		}
	}
	tw.Flush()
	return misses
}

func main() {
	flag.Parse()
	if *child != "" {
		fmt.Println(goIdle(*idleN, *child == "sleep"))
		return
	}
	if *runs < 1 {
		fmt.Fprintln(os.Stderr, "asyncbench: -n must be at least 1")
		os.Exit(2)
	}
	rs := selected(rows())
	if len(rs) == 0 {
		fmt.Fprintln(os.Stderr, "asyncbench: -only selects no row")
		os.Exit(2)
	}
	fmt.Printf("corio asyncbench: %s %s/%s, NumCPU=%d, medians of %d runs, size %d, idle %d\n",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), *runs, *size, *idleN)
	if *scale {
		runScale(rs)
		return
	}
	fls := []flavor{multiThread(*workers), currentThread()}
	// One unrecorded warm-up pass: first-touch costs (heap growth, goroutine
	// and stack caches) land on neither side's figures.
	measure("warm-up", 1, "", fls, rs)
	stop := startProfile()
	res := measure("measured", *runs, *tokio, fls, rs)
	stop()
	fmt.Println()
	printTable(fls, rs, res)
	fmt.Println()
	for _, r := range rs {
		if r.note != "" {
			fmt.Printf("  %-13s %s\n", r.name+":", r.note)
		}
	}
	fmt.Printf("  ratio = corio / goroutines (lower is better); both sides at the runtime's GOMAXPROCS (multi-thread: workers; current-thread: 1)\n")
	if *tokio != "" {
		fmt.Printf("  tokio: %s, same runs (fixed 1M size; idle rows are RSS growth in a fresh process)\n", *tokio)
	}
}

// runScale measures the time rows on the multi-thread runtime with 1, 2, 4, …
// workers (up to NumCPU), each against goroutines at the same GOMAXPROCS.
func runScale(rs []row) {
	var timed []row
	for _, r := range rs {
		if !r.memory {
			timed = append(timed, r)
		}
	}
	var fls []flavor
	for w := 1; ; w *= 2 {
		if w > runtime.NumCPU() {
			w = runtime.NumCPU()
		}
		fl := multiThread(w)
		fl.name = fmt.Sprintf("%d workers", w)
		fls = append(fls, fl)
		if w == runtime.NumCPU() {
			break
		}
	}
	res := measure("scale", *runs, *tokio, fls, timed)
	fmt.Println()
	printTable(fls, timed, res)
}

// startProfile starts the CPU profile asked for with -cpuprofile and returns
// the function that stops it.
func startProfile() func() {
	if *cpuprof == "" {
		return func() {}
	}
	f, err := os.Create(*cpuprof)
	if err != nil {
		fmt.Fprintln(os.Stderr, "asyncbench:", err)
		os.Exit(1)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintln(os.Stderr, "asyncbench:", err)
		os.Exit(1)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
