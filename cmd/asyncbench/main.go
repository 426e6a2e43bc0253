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
	"math"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/corio-go/corio/rt"
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
	target float64 // corio/goroutines must be at most this; 0: no target (reported only)
	note   string
	corio  func(fl flavor) float64
	gor    func() float64
	memory bool // a memory row: measured the same, not timed

	// ops is the number of operations one measurement makes (the divisor of
	// the allocs/op columns); 0 for the memory rows, whose allocations are
	// not counted.
	ops int
	// allocs is the most heap allocations per operation corio's side may
	// make (with 0.01 of slack for the runtime's own start-up, spread over
	// ops); negative: no allocation target.
	allocs float64
}

func perOp(d time.Duration, n int) float64 { return float64(d.Nanoseconds()) / float64(n) }

// mpscProducers are the producer counts of the mpsc rows.
var mpscProducers = []int{1, 2, 8}

// lockTasks is the number of tasks (goroutines) sharing the lock in the
// contended Mutex and Semaphore rows.
const lockTasks = 8

func rows() []row {
	n := *size
	yieldTasks := 1000
	yieldEach := max(1, n/yieldTasks)
	rs := []row{
		{name: "spawn_many", unit: "ns/task", target: 0.5, ops: n, allocs: -1,
			corio: func(fl flavor) float64 { return perOp(corioTime(fl, spawnManyAsync(n)), n) },
			gor:   func() float64 { return perOp(goSpawnMany(n), n) }},
		{name: "chained_spawn", unit: "ns/spawn", target: 0.7, ops: n, allocs: -1,
			corio: func(fl flavor) float64 { return perOp(corioTime(fl, chainedSpawnAsync(n)), n) },
			gor:   func() float64 { return perOp(goChainedSpawn(n), n) }},
		{name: "yield_many", unit: "ns/yield", target: 0.25, ops: yieldTasks * yieldEach, allocs: -1,
			note: fmt.Sprintf("%d tasks x %d yields; goroutines: runtime.Gosched", yieldTasks, yieldEach),
			corio: func(fl flavor) float64 {
				return perOp(corioTime(fl, yieldManyAsync(yieldTasks, yieldEach)), yieldTasks*yieldEach)
			},
			gor: func() float64 { return perOp(goYieldMany(yieldTasks, yieldEach), yieldTasks*yieldEach) }},
		{name: "ping_pong", unit: "ns/round trip", target: 0.5, ops: n, allocs: 0,
			note:  "two syncx channels of capacity 1 vs two unbuffered Go channels",
			corio: func(fl flavor) float64 { return perOp(corioTime(fl, pingPongAsync(n)), n) },
			gor:   func() float64 { return perOp(goPingPongBuf(n, 0), n) }},
		{name: "ping_pong_buf1", unit: "ns/round trip", target: 0.5, ops: n, allocs: 0,
			note:  "the same corio side vs two Go channels of capacity 1",
			corio: func(fl flavor) float64 { return perOp(corioTime(fl, pingPongAsync(n)), n) },
			gor:   func() float64 { return perOp(goPingPongBuf(n, 1), n) }},
	}
	for _, p := range mpscProducers {
		each := n / p
		rs = append(rs, row{name: fmt.Sprintf("mpsc_%d", p), unit: "ns/msg", ops: each * p, allocs: 0,
			note: fmt.Sprintf("%d producer task(s), each with its own Sender, into a syncx channel of %d vs a Go channel of %d",
				p, chanCap, chanCap),
			corio: func(fl flavor) float64 { return perOp(corioTime(fl, mpscAsync(p, n)), each*p) },
			gor:   func() float64 { return perOp(goMPSC(p, n), each*p) }})
	}
	rs = append(rs,
		row{name: "oneshot", unit: "ns/op", ops: n, allocs: 1,
			note:  "NewOneshot+Send+Recv in one task vs make(chan int, 1)+send+receive (1 alloc: the channel)",
			corio: func(fl flavor) float64 { return perOp(corioTime(fl, oneshotsAsync(n)), n) },
			gor:   func() float64 { return perOp(goOneshots(n), n) }},
		lockRow("mutex", "ns/lock", "syncx.Mutex Lock+Unlock", "sync.Mutex", 2, n, 1, mutexRunAsync, goMutex),
		lockRow("mutex", "ns/lock", "syncx.Mutex Lock+Unlock", "sync.Mutex", 0, n, lockTasks, mutexRunAsync, goMutex),
		lockRow("sem", "ns/acquire", "syncx.Semaphore(1) Acquire(1)+Release(1)", "x/sync semaphore.Weighted(1)",
			0, n, 1, semaphoreRunAsync, goSemaphore),
		lockRow("sem", "ns/acquire", "syncx.Semaphore(1) Acquire(1)+Release(1)", "x/sync semaphore.Weighted(1)",
			0, n, lockTasks, semaphoreRunAsync, goSemaphore),
	)
	rs = append(rs, row{name: "select2", unit: "ns/msg", ops: n / 2 * 2, allocs: 0,
		note: fmt.Sprintf("rt.Select2 over two syncx channels' RecvAsync vs select over two Go channels (capacity %d, a producer each)",
			chanCap),
		corio: func(fl flavor) float64 { return perOp(corioTime(fl, selectTwoAsync(n)), n/2*2) },
		gor:   func() float64 { return perOp(goSelect(n), n/2*2) }})
	rs = append(rs,
		row{name: "idle_notify", unit: "B/task", target: 0.1, memory: true, allocs: -1,
			note:  "task suspended on a notify vs goroutine parked on a channel (heap+stack in use)",
			corio: func(fl flavor) float64 { return corioIdle(fl, *idleN, false) },
			gor:   func() float64 { return goIdleChild("notify") }},
		row{name: "idle_sleep", unit: "B/task", target: 0.1, memory: true, allocs: -1,
			note:  "task in rt.Sleep(1h) vs goroutine in time.Sleep(1h) (heap+stack in use)",
			corio: func(fl flavor) float64 { return corioIdle(fl, *idleN, true) },
			gor:   func() float64 { return goIdleChild("sleep") }},
		row{name: "timers", unit: "ns/arm+cancel", target: 0.25, ops: n, allocs: 0,
			note:  "rt.SleepFuture (held by value) polled once then Cancel vs time.AfterFunc+Stop",
			corio: func(fl flavor) float64 { return perOp(corioTimers(fl, n), n) },
			gor:   func() float64 { return perOp(goTimers(n), n) }},
		row{name: "timers_polls", unit: "ns/arm+cancel", ops: n, allocs: 0,
			note:  "the timers row with the cancels in the task poll after the arms' (every timer goes through a wheel) vs time.AfterFunc+Stop",
			corio: func(fl flavor) float64 { return perOp(corioTimersPolls(fl, n), n) },
			gor:   func() float64 { return perOp(goTimers(n), n) }},
	)
	return rs
}

// lockRow is the row of kind ("mutex", "sem") with t tasks (goroutines)
// sharing one lock for n acquisitions in all: _uncontended for t == 1, else
// _contended.
func lockRow(kind, unit, what, gowhat string, target float64, n, t int,
	corio func(t, n int) rt.Future[time.Duration], gor func(t, n int) time.Duration) row {
	name, note := kind+"_uncontended", fmt.Sprintf("one task: %s vs %s", what, gowhat)
	if t > 1 {
		name = kind + "_contended"
		note = fmt.Sprintf("%d tasks incrementing one counter under %s vs %d goroutines under %s", t, what, t, gowhat)
	}
	ops := n / t * t
	return row{name: name, unit: unit, target: target, ops: ops, allocs: 0, note: note,
		corio: func(fl flavor) float64 { return perOp(corioTime(fl, corio(t, n)), ops) },
		gor:   func() float64 { return perOp(gor(t, n), ops) }}
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

// sample is the measurements of one row on one flavour: the figures, and the
// heap allocations per operation of each side.
type sample struct {
	corio, gor, tokio      []float64
	corioAllocs, gorAllocs []float64
}

// mallocs is the number of heap allocations made so far by this process.
func mallocs() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.Mallocs
}

// counted runs f and returns its figure and, if ops > 0, the heap allocations
// per operation it made (counted outside f's timed region, so the count's
// stop-the-world costs neither side).
func counted(ops int, f func() float64) (v, allocs float64) {
	if ops == 0 {
		return f(), math.NaN()
	}
	before := mallocs()
	v = f()
	return v, float64(mallocs()-before) / float64(ops)
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
				sides := []func(){
					func() {
						v, a := counted(r.ops, func() float64 { return r.corio(fl) })
						s.corio, s.corioAllocs = append(s.corio, v), append(s.corioAllocs, a)
					},
					func() {
						v, a := counted(r.ops, r.gor)
						s.gor, s.gorAllocs = append(s.gor, v), append(s.gorAllocs, a)
					},
				}
				if run%2 == 1 {
					sides[0], sides[1] = sides[1], sides[0]
				}
				sides[0]()
				sides[1]()
			}
			runtime.GOMAXPROCS(prev)
			if tokioPath != "" {
				tk, err := runTokio(tokioPath, fl, rs)
				if err != nil {
					fmt.Fprintln(os.Stderr, "asyncbench:", err)
					os.Exit(1)
				}
				for ri, r := range rs {
					v, ok := tk[r.name]
					if !ok {
						v = math.NaN() // no such row in the anchor
					}
					out[fi][ri].tokio = append(out[fi][ri].tokio, v)
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

// allocSlack is how far above its allocation target a row's corio side may
// be and still pass: the runtime's own start-up and shutdown allocations,
// spread over the row's operations.
const allocSlack = 0.01

func printTable(fls []flavor, rs []row, res [][]sample) (misses int) {
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	withTokio := *tokio != ""
	head := "workload\truntime\tcorio\tgoroutines\tunit\tratio\ttarget\t\tallocs/op corio\tgoroutines\ttarget\t\t"
	if withTokio {
		head += "tokio\tvs tokio\t"
	}
	fmt.Fprintln(tw, head)
	for fi, fl := range fls {
		for ri, r := range rs {
			s := res[fi][ri]
			c, g := median(s.corio), median(s.gor)
			ratio := c / g
			target, verdict := "-", "-"
			if r.target > 0 {
				target, verdict = fmt.Sprintf("<=%.2fx", r.target), "PASS"
				if ratio > r.target {
					verdict = "MISS"
					misses++
				}
			}
			ca, ga := median(s.corioAllocs), median(s.gorAllocs)
			atarget, averdict := "-", "-"
			if r.allocs >= 0 {
				atarget, averdict = fmt.Sprintf("<=%g", r.allocs), "PASS"
				if ca > r.allocs+allocSlack {
					averdict = "MISS"
					misses++
				}
			}
			fmt.Fprintf(tw, "%s\t%s\t%.1f\t%.1f\t%s\t%.2fx\t%s\t%s\t%s\t%s\t%s\t%s\t",
				r.name, fl.name, c, g, r.unit, ratio, target, verdict,
				fmtAllocs(ca), fmtAllocs(ga), atarget, averdict)
			if withTokio {
				if tk := median(s.tokio); math.IsNaN(tk) {
					fmt.Fprintf(tw, "-\t-\t")
				} else {
					fmt.Fprintf(tw, "%.1f\t%.2fx\t", tk, c/tk)
				}
			}
			fmt.Fprintln(tw)
		}
	}
	tw.Flush()
	return misses
}

func fmtAllocs(a float64) string {
	if math.IsNaN(a) {
		return "-"
	}
	return fmt.Sprintf("%.2f", a)
}

func main() {
	flag.Parse()
	if *child != "" {
		fmt.Println(goIdle(*idleN, *child == "sleep"))
		return
	}
	if err := checkClock(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
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
	fmt.Printf("  allocs/op = heap allocations (runtime.MemStats.Mallocs) per operation over a whole measurement, runtime start-up included; target: corio's side\n")
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
