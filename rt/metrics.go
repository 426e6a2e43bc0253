package rt

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"math/bits"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Metrics per worker, the poll-time histogram, slow-poll reports and their
// expvar publication. See "Metrics" in doc.go for the contract.

// workerCounters are one worker's published counters: the owner adds its
// coreStats deltas here once per batch (coreStats.flush); any goroutine reads
// them (Runtime.Metrics, MetricsSnapshot). Only the owner writes, so the
// line stays in the owner's cache between readers.
type workerCounters struct {
	spawned, completed, polls, mainPolls, budgetYields atomic.Uint64
	steals, lifoHits, overflows                        atomic.Uint64
	stolen, injectTakes, parks, unparks                atomic.Uint64
	driverTurns, ioEvents, timersFired, slowPolls      atomic.Uint64
	pollTimes                                          [pollTimeBuckets]atomic.Uint64
	// dispatched: tasks the worker's driver woke onto its own queue. Not
	// in Metrics; tests read it through dispatchedTotal. Per worker like
	// the rest: a runtime-wide counter would be a line both workers write
	// at every flush.
	dispatched atomic.Uint64
}

// dispatchedTotal sums the workers' dispatched counters.
func (r *Runtime) dispatchedTotal() uint64 {
	var n uint64
	for _, w := range r.workerList() {
		n += w.pub.dispatched.Load()
	}
	return n
}

// load reads the counters (each atomically; the set is not one instant).
func (p *workerCounters) load() coreStats {
	c := coreStats{coreCounts: coreCounts{
		spawned: p.spawned.Load(), completed: p.completed.Load(), polls: p.polls.Load(),
		mainPolls: p.mainPolls.Load(), budgetYields: p.budgetYields.Load(),
		steals: p.steals.Load(), lifoHits: p.lifoHits.Load(), overflows: p.overflows.Load(),
		stolen: p.stolen.Load(), injectTakes: p.injectTakes.Load(),
		parks: p.parks.Load(), unparks: p.unparks.Load(),
		driverTurns: p.driverTurns.Load(), ioEvents: p.ioEvents.Load(),
		timersFired: p.timersFired.Load(), slowPolls: p.slowPolls.Load(),
	}}
	for i := range p.pollTimes {
		c.pollTimes[i] = p.pollTimes[i].Load()
	}
	return c
}

// noteTurn counts one driver turn of the worker and what it did (the results
// of driver.ParkToN), and records for parkSpins whether the turn found I/O
// and woke only this runtime's tasks (turnIO).
func (w *worker) noteTurn(events, fired int) {
	w.turnIO = events > 0 && !w.turnWokeOther
	w.turnWokeOther = false
	w.stats.driverTurns++
	w.stats.ioEvents += uint64(events)
	w.stats.timersFired += uint64(fired)
}

// workerList returns r's workers: the current-thread runtime's core (its
// pointer never changes), or the multi-thread runtime's workers.
func (r *Runtime) workerList() []*worker {
	switch s := r.sched.(type) {
	case *multiThread:
		return s.workers
	case *currentThread:
		return []*worker{s.core}
	}
	return nil
}

// blockingPool returns the pool r's blocking work goes to, or nil when that
// is the process default pool and it was never created.
func (r *Runtime) blockingPool() *blockingPool {
	if r.blocking != nil {
		return r.blocking
	}
	defaultPool.mu.Lock()
	defer defaultPool.mu.Unlock()
	return defaultPool.p
}

// load reads the pool's gauges: goroutines alive, of which idle, and jobs
// queued. A nil pool has none.
func (p *blockingPool) load() (threads, idle, queued int) {
	if p == nil {
		return 0, 0, 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.workers, len(p.idle), len(p.queue) - p.qhead
}

// WorkerMetrics are one worker's counters (see Metrics for their meaning;
// on a current-thread runtime the one worker is the goroutine that drives it).
type WorkerMetrics struct {
	Polls        uint64
	MainPolls    uint64 // current-thread only: BlockOn main futures polled by the core
	Spawned      uint64 // tasks spawned from polls on this worker
	Completed    uint64 // tasks this worker completed
	BudgetYields uint64
	Parks        uint64
	Unparks      uint64
	Steals       uint64 // steal operations by this worker
	StolenTasks  uint64 // tasks those operations moved here
	LIFOHits     uint64
	InjectTakes  uint64
	Overflows    uint64
	DriverTurns  uint64
	IOEvents     uint64
	TimersFired  uint64
	SlowPolls    uint64
	QueueDepth   int // tasks in this worker's local queue (and LIFO slot)
	// PollTimes counts this worker's polls by duration, one count per
	// bucket of PollTimeBounds; nil unless WithPollTimeHistogram.
	PollTimes []uint64 `json:",omitempty"`
}

// MetricsSnapshot is everything Runtime.MetricsSnapshot reports: the
// runtime's totals (Metrics, embedded), each worker's counters, and the
// poll-time histogram summed over the workers. Its JSON encoding is what
// MetricsVar publishes; durations encode as nanoseconds.
type MetricsSnapshot struct {
	Name string // the runtime's name (WithName)
	Metrics
	Workers []WorkerMetrics
	// PollTimes is the histogram of task poll durations over all workers;
	// nil unless WithPollTimeHistogram.
	PollTimes *PollTimeHistogram `json:",omitempty"`
}

// PollTimeHistogram counts polls by duration: Counts[i] polls took less than
// Bounds[i] and at least Bounds[i-1] (0 for i == 0); the last count has no
// upper bound (Counts has one element more than Bounds). The buckets are
// fixed: under 1024ns, then one per power of two up to 2^24ns (about 16.8ms),
// then the rest.
type PollTimeHistogram struct {
	Bounds []time.Duration
	Counts []uint64
}

// pollTimeBuckets is the number of buckets of the poll-time histogram.
const pollTimeBuckets = 16

// pollTimeBucket returns the bucket of a poll that took ns nanoseconds:
// 0 below 2^10, i for [2^(9+i), 2^(10+i)), the last from 2^24 up.
func pollTimeBucket(ns int64) int {
	return min(bits.Len64(uint64(max(ns, 0))>>10), pollTimeBuckets-1)
}

// PollTimeBounds returns the upper bounds of the poll-time histogram's
// buckets (all but the last, which has none).
func PollTimeBounds() []time.Duration {
	b := make([]time.Duration, pollTimeBuckets-1)
	for i := range b {
		b[i] = time.Duration(1) << (10 + i)
	}
	return b
}

// MetricsSnapshot returns r's totals and each worker's counters. It
// allocates the worker slice (and histogram); Metrics is the cheap form.
func (r *Runtime) MetricsSnapshot() MetricsSnapshot {
	s := MetricsSnapshot{Name: r.name, Metrics: r.Metrics()}
	hist := r.obs != nil && r.obs.hist
	var total []uint64
	if hist {
		total = make([]uint64, pollTimeBuckets)
		s.PollTimes = &PollTimeHistogram{Bounds: PollTimeBounds(), Counts: total}
	}
	ws := r.workerList()
	s.Workers = make([]WorkerMetrics, len(ws))
	for i, w := range ws {
		c := w.pub.load()
		wm := WorkerMetrics{
			Polls: c.polls, MainPolls: c.mainPolls, Spawned: c.spawned, Completed: c.completed,
			BudgetYields: c.budgetYields, Parks: c.parks, Unparks: c.unparks,
			Steals: c.steals, StolenTasks: c.stolen, LIFOHits: c.lifoHits,
			InjectTakes: c.injectTakes, Overflows: c.overflows,
			DriverTurns: c.driverTurns, IOEvents: c.ioEvents, TimersFired: c.timersFired,
			SlowPolls: c.slowPolls,
		}
		if w.mt != nil {
			wm.QueueDepth = max(w.ring.len(), 0)
			if w.lifo.Load() != nil {
				wm.QueueDepth++
			}
		} else {
			wm.QueueDepth = int(r.stats.localDepthCT.Load())
		}
		if hist {
			wm.PollTimes = make([]uint64, pollTimeBuckets)
			for b, v := range c.pollTimes {
				wm.PollTimes[b] = v
				total[b] += v
			}
		}
		s.Workers[i] = wm
	}
	return s
}

// MetricsVar is a live view of a runtime's metrics for the expvar registry:
// it implements expvar.Var, and its String is a fresh MetricsSnapshot as
// JSON each time the registry is read. Publish it with
//
//	expvar.Publish("corio", r.MetricsVar())
//
// and it is served at /debug/vars with the rest. (Package rt does not call
// expvar itself: importing expvar links net/http into every program and
// mounts /debug/vars on http.DefaultServeMux.) After Shutdown it keeps
// showing the final counts.
type MetricsVar struct{ r *Runtime }

// MetricsVar returns r's metrics as an expvar.Var; see the type.
func (r *Runtime) MetricsVar() MetricsVar { return MetricsVar{r} }

// String returns a MetricsSnapshot of the runtime as JSON.
func (v MetricsVar) String() string {
	b, err := json.Marshal(v.r.MetricsSnapshot())
	if err != nil {
		return strconv.Quote(err.Error()) // not reached: the snapshot is plain data
	}
	return string(b)
}

// observeConfig is what the metrics and hook options set.
type observeConfig struct {
	pollTimes   bool
	slowPoll    time.Duration
	slowHandler func(SlowPoll)
	hooks       TaskHooks
}

// observer is a runtime's instrumentation beyond the counters, nil when no
// option asked for any: the poll path then pays one nil check before and one
// after each poll.
type observer struct {
	name   string // the runtime's name
	hist   bool   // count poll durations
	timed  bool   // read the clock around each poll (hist or slow)
	slow   int64  // slow-poll threshold in ns; 0: off
	onSlow func(SlowPoll)
	hooks  TaskHooks
}

func newObserver(name string, c observeConfig) *observer {
	h := c.hooks
	if !c.pollTimes && c.slowPoll <= 0 && h.OnSpawn == nil && h.BeforePoll == nil && h.AfterPoll == nil && h.OnComplete == nil {
		return nil
	}
	o := &observer{name: name, hist: c.pollTimes, hooks: h, onSlow: c.slowHandler}
	if c.slowPoll > 0 {
		o.slow = int64(c.slowPoll)
	}
	o.timed = o.hist || o.slow > 0
	if o.onSlow == nil {
		o.onSlow = logSlowPoll
	}
	return o
}

// WithPollTimeHistogram makes the workers time every task poll and count the
// durations in a histogram (MetricsSnapshot's PollTimes). It costs two clock
// readings per poll, which is why it is off by default (as in Tokio).
func WithPollTimeHistogram() Option {
	return func(c *config) { c.observe.pollTimes = true }
}

// WithSlowPollThreshold makes the runtime report task polls that take at
// least d (default 0: off): each is counted in Metrics.SlowPolls, and the
// first slow poll of each task is reported once, with the task's await chain
// as it stands right after that poll (TraceChain), to the handler set by
// WithSlowPollHandler (by default a warning through log/slog's default
// logger). A poll that long blocked every other task of its worker: the
// report says where. It costs two clock readings per poll.
func WithSlowPollThreshold(d time.Duration) Option {
	return func(c *config) { c.observe.slowPoll = d }
}

// WithSlowPollHandler routes slow-poll reports (see WithSlowPollThreshold) to
// f instead of log/slog. f runs on the worker right after the slow poll,
// before the worker goes on: it should be quick (log and return). A panic in
// f fails the task that was polled, as if its poll had panicked.
func WithSlowPollHandler(f func(SlowPoll)) Option {
	return func(c *config) { c.observe.slowHandler = f }
}

// SlowPoll is a report of a task poll that took longer than the runtime's
// slow-poll threshold.
type SlowPoll struct {
	Runtime  string        // the runtime's name
	TaskID   uint64        // the task (JoinHandle.ID)
	Worker   int           // index of the worker that polled it (0 on current-thread)
	Duration time.Duration // how long the poll took
	// Trace is the task's await chain right after the poll, outermost
	// first (TraceChain of the task's future): where it suspended, or its
	// function if the poll completed it.
	Trace []Trace
}

// String formats the report on one line: "task 7 polled for 12ms on worker
// 0: main.Handler at example.com/srv/server.go:41 → …".
func (s SlowPoll) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "task %d polled for %v on worker %d", s.TaskID, s.Duration, s.Worker)
	if s.Runtime != "" {
		fmt.Fprintf(&b, " of runtime %q", s.Runtime)
	}
	if len(s.Trace) > 0 {
		b.WriteString(": ")
		b.WriteString(traceLine(s.Trace))
	}
	return b.String()
}

// traceLine joins a chain's steps with arrows.
func traceLine(tr []Trace) string {
	parts := make([]string, len(tr))
	for i, t := range tr {
		parts[i] = t.String()
	}
	return strings.Join(parts, " → ")
}

// logSlowPoll is the default slow-poll handler: a warning on log/slog's
// default logger.
func logSlowPoll(s SlowPoll) {
	slog.Warn("corio/rt: slow task poll blocked its worker",
		"runtime", s.Runtime, "task", s.TaskID, "worker", s.Worker,
		"duration", s.Duration, "at", traceLine(s.Trace))
}

// afterPoll ends an instrumented poll of h, whose future is f and which
// began at t0 (beforePoll's clock reading): the histogram, the slow-poll
// check, then the AfterPoll hook. The caller still holds h's RUNNING bit and
// nobody else polls f, so tracing it is safe.
func (w *worker) afterPoll(h *taskHeader, f any, t0 int64) {
	o := w.obs
	if o.timed {
		d := int64(time.Since(clockBase)) - t0
		if o.hist {
			w.stats.timed = true
			w.stats.pollTimes[pollTimeBucket(d)]++
		}
		if o.slow > 0 && d >= o.slow {
			w.stats.slowPolls++
			if h.flags.Load()&flagSlowReported == 0 {
				h.flags.Or(flagSlowReported)
				o.onSlow(SlowPoll{Runtime: o.name, TaskID: h.id, Worker: w.index, Duration: time.Duration(d), Trace: TraceChain(f)})
			}
		}
	}
	if o.hooks.AfterPoll != nil {
		o.hooks.AfterPoll(TaskMeta{ID: h.id})
	}
}
