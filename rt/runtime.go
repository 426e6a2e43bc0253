package rt

import (
	"math"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/corio-go/corio/internal/driver"
	"github.com/corio-go/corio/timewheel"
)

// debug enables internal consistency checks that cost time on hot paths.
const debug = false

// Default scheduler intervals (Tokio's defaults, primes so that they do not
// resonate with periodic workloads).
const (
	// defaultGlobalQueueInterval: every this many ticks a worker takes from
	// the inject queue before its local queue, so that remote wakes and
	// spawns are not starved by tasks that keep waking each other locally.
	defaultGlobalQueueInterval = 61
	// defaultEventInterval: a worker runs at most this many tasks between
	// maintenance steps (publishing metrics, a non-blocking driver poll on
	// the multi-thread runtime, BlockOn's main future on the current-thread
	// runtime).
	defaultEventInterval = 61
	// defaultLocalQueueCapacity: a multi-thread worker's ring (Tokio's 256).
	defaultLocalQueueCapacity = 256
	// maxLIFOPolls caps consecutive LIFO-slot polls per tick (Tokio's 3), so
	// two tasks that keep waking each other cannot monopolise a worker.
	maxLIFOPolls = 3
)

// Runtime is a handle on a scheduler and a driver. Two flavours share it:
//
//   - current-thread (NewCurrentThread): tasks are polled by whichever
//     goroutine is inside BlockOn, one at a time, and only while that call
//     lasts. rt.Run uses this flavour.
//   - multi-thread (NewMultiThread): a fixed set of worker goroutines run
//     tasks in parallel, stealing from each other; BlockOn only waits for its
//     main future. rt.RunMulti uses this flavour.
//
// Tasks, wakers, JoinHandles, SpawnOn, BlockOn, Shutdown and Metrics work the
// same on both. The zero value is not usable.
type Runtime struct {
	sched  scheduler   // immutable: the flavour
	inject injectQueue // work from outside the workers

	// drv is the runtime's own driver (timers, readiness), closed by
	// Shutdown; nil for the process default runtime, whose leaves use the
	// process default driver. Immutable.
	drv      *driver.Driver
	blocking *blockingPool // SpawnBlocking's pool; nil means the process default pool
	name     string        // immutable

	closed atomic.Bool // Shutdown started: spawns are refused (cancelled)
	stats  runtimeStats
	obs    *observer // immutable: hooks, poll timing, slow-poll reports; nil when none is set
}

// scheduler is the contract between the runtime handle and a flavour.
type scheduler interface {
	// unparkOne is called after a push onto the inject queue: make sure some
	// worker will take it (unpark one, or start the background driver).
	unparkOne()
	// bind lists a new task for Shutdown; false means the runtime is shut
	// down (the spawner cancels the task). w is the spawning worker or nil.
	// h is being spawned: no other goroutine can see it yet.
	bind(w *worker, h *taskHeader) bool
	// unbind removes a completed task; w is the completing worker or nil.
	unbind(w *worker, h *taskHeader)
	// blockOn polls main (with the Context it is given) until it reports
	// ready, running tasks meanwhile as the flavour does.
	blockOn(main func(cx *Context) bool)
	// shutdown stops the workers and cancels every task; see Runtime.Shutdown.
	shutdown(timeout time.Duration) bool
	// drivenHere reports whether the calling goroutine drives this runtime
	// (it may be expensive; called only before a goroutine would block).
	drivenHere() bool
	// localDepth and liveTasks are Metrics' snapshots.
	localDepth() int
	liveTasks() int
}

// Option configures a runtime (NewMultiThread, NewCurrentThreadWith).
type Option func(*config)

type config struct {
	workers             int
	globalQueueInterval uint32
	eventInterval       int
	localQueueCapacity  int
	name                string
	maxBlocking         int
	blockingKeepAlive   time.Duration
	clock               timewheel.Clock
	seeded              bool              // WithSeed (seed.go)
	seed                uint64            // WithSeed
	scheduleTrace       func(task uint64) // WithScheduleTrace
	observe             observeConfig     // metrics.go, hooks.go
}

func newConfig(opts []Option) config {
	c := config{
		workers:             runtime.GOMAXPROCS(0),
		globalQueueInterval: 0, // adaptive (multi-thread); 61 on current-thread
		eventInterval:       defaultEventInterval,
		localQueueCapacity:  defaultLocalQueueCapacity,
	}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// WithWorkers sets the number of worker goroutines of a multi-thread runtime
// (default GOMAXPROCS; at least 1).
func WithWorkers(n int) Option {
	return func(c *config) { c.workers = max(n, 1) }
}

// WithGlobalQueueInterval sets how many ticks a worker runs between two
// looks at the inject queue ahead of its local queue. n <= 0 (the default)
// asks a multi-thread runtime for Tokio's adaptive interval: each worker
// keeps a moving average of its poll time and looks at the inject queue about
// every 200µs of work (every 2 to 127 ticks); the current-thread runtime
// then uses 61.
func WithGlobalQueueInterval(n int) Option {
	return func(c *config) { c.globalQueueInterval = uint32(max(n, 0)) }
}

// WithEventInterval sets how many tasks a worker runs between maintenance
// steps: publishing metrics, polling the driver without blocking (multi-thread),
// re-polling BlockOn's main future (current-thread). Default 61; at least 1.
func WithEventInterval(n int) Option {
	return func(c *config) { c.eventInterval = max(n, 1) }
}

// WithLocalQueueCapacity sets a multi-thread worker's ring capacity (default
// 256; a power of two, at least 2). Tests shrink it to exercise overflow and
// stealing.
func WithLocalQueueCapacity(n int) Option {
	return func(c *config) { c.localQueueCapacity = n }
}

// WithName names the runtime (Runtime.Name; shown in panics and dumps).
func WithName(name string) Option {
	return func(c *config) { c.name = name }
}

// WithMaxBlocking caps the goroutines of the runtime's blocking pool
// (default DefaultMaxBlocking).
func WithMaxBlocking(n int) Option {
	return func(c *config) { c.maxBlocking = n }
}

// WithBlockingKeepAlive sets how long an idle blocking-pool goroutine waits
// for work before it exits (default DefaultBlockingKeepAlive).
func WithBlockingKeepAlive(d time.Duration) Option {
	return func(c *config) { c.blockingKeepAlive = d }
}

// WithPausedClock builds the runtime on a paused clock starting at start:
// time moves only when every task is idle, and then jumps straight to the
// next timer (Tokio's start_paused). A test of an hour-long timeout runs in
// microseconds and in a deterministic order.
//
// On a multi-thread runtime the clock also jumps whenever every worker is
// idle and the inject queue is empty, even while a goroutine outside the
// runtime is between two spawns: tasks spawned one by one from outside may
// start at different virtual times (Tokio allows start_paused only on its
// current-thread runtime). Spawn them with SpawnAsync from inside a task
// running on the runtime (not from BlockOn's main future, which runs outside
// the workers), or use NewCurrentThreadWith, so they start together.
func WithPausedClock(start time.Time) Option {
	return func(c *config) { c.clock = timewheel.NewManualClock(start) }
}

func newHandle(c config, background bool) *Runtime {
	r := &Runtime{name: c.name, obs: newObserver(c.name, c.observe)}
	if !background {
		d, err := driver.New(driver.Config{Clock: c.clock, TimerShards: c.workers})
		if err != nil {
			panic("corio/rt: creating the runtime's driver: " + err.Error())
		}
		r.drv = d
		r.blocking = newBlockingPool(c.maxBlocking, c.blockingKeepAlive) // <= 0: the defaults
	}
	return r
}

// NewCurrentThread returns a current-thread runtime with default options. It
// starts no goroutine: its tasks run only inside BlockOn. Call Shutdown when
// done with it.
func NewCurrentThread() *Runtime { return NewCurrentThreadWith() }

// NewCurrentThreadWith returns a current-thread runtime configured by opts
// (WithName, WithPausedClock, WithEventInterval, WithGlobalQueueInterval,
// the blocking-pool options and the metrics and hook options apply;
// WithWorkers and WithLocalQueueCapacity do not).
func NewCurrentThreadWith(opts ...Option) *Runtime {
	c := newConfig(opts)
	c.workers = 1
	checkSeedOptions(&c, false)
	r := newHandle(c, false)
	r.sched = newCurrentThread(r, c, false)
	registerRuntime(r) // for task dumps (registry.go)
	return r
}

// NewMultiThread returns a multi-thread runtime configured by opts and starts
// its worker goroutines (WithWorkers, default GOMAXPROCS). Idle workers sleep;
// call Shutdown to stop them.
func NewMultiThread(opts ...Option) *Runtime {
	c := newConfig(opts)
	checkSeedOptions(&c, true)
	r := newHandle(c, false)
	r.sched = newMultiThread(r, c)
	registerRuntime(r)
	return r
}

// Name returns the name given with WithName ("" by default).
func (r *Runtime) Name() string { return r.name }

// scheduleRemote queues a task from a goroutine that is not polling on one of
// r's workers (or does not know it is): the inject queue, then unpark one
// worker. Once r is shut down the push is dropped: Shutdown cancels every task
// that did not complete.
func (r *Runtime) scheduleRemote(h *taskHeader) {
	if r.inject.push(h) {
		r.sched.unparkOne()
	}
}

// spawnRemote starts a task from any goroutine. If r was shut down, the task
// is cancelled at once on the calling goroutine (it was never polled).
func (r *Runtime) spawnRemote(h *taskHeader) {
	if r.obs != nil {
		r.obs.spawned(h)
	}
	h.rt = r
	h.state.start()
	r.stats.spawned.Add(1)
	if !r.sched.bind(nil, h) || !r.inject.push(h) {
		r.cancelUnstarted(h)
		return
	}
	r.sched.unparkOne()
}

// cancelUnstarted cancels a task that a shut-down runtime refused.
func (r *Runtime) cancelUnstarted(h *taskHeader) {
	if h.state.shutdown() {
		h.self().cancelTask(nil)
		r.stats.completed.Add(1)
	}
}

func (r *Runtime) unbind(w *worker, h *taskHeader) { r.sched.unbind(w, h) }

// BlockOn runs f to completion as r's main future and returns its output.
//
// On a current-thread runtime the calling goroutine also polls r's tasks while
// f is pending, and sleeps (in r's driver, so timers and I/O fire) when
// nothing is runnable; calls of BlockOn on one such runtime are serialized. On
// a multi-thread runtime the workers run the tasks and the caller only polls
// f, sleeping between wake-ups; any number of goroutines may BlockOn at once.
//
// BlockOn must not be called from a goroutine that is driving a runtime
// (inside a task, or a current-thread BlockOn): it panics. It panics if r was
// shut down. A panic in f propagates out of BlockOn unchanged; r stays usable.
func BlockOn[T any](r *Runtime, f Future[T]) T {
	checkNotOnDriver("BlockOn", "AwaitAsync")
	if r.closed.Load() {
		panic("corio/rt: BlockOn on a runtime that was shut down")
	}
	// One variable for the closure to capture (one allocation): the output
	// and the main future's frame stack.
	var st struct {
		out    T
		frames *frameStack
	}
	r.sched.blockOn(func(cx *Context) bool {
		v, ok := drive(cx, &st.frames, f)
		if ok {
			st.out = v
		}
		return ok
	})
	return st.out
}

// Run runs f to completion on a fresh current-thread runtime, shuts the
// runtime down (cancelling tasks still pending) and returns f's output. If f
// panics, Run panics with the same value, after the shutdown; the goroutine's
// stack trace still shows where the panic happened. RunMulti is the same on
// a multi-thread runtime.
func Run[T any](f Future[T]) T {
	r := NewCurrentThread()
	defer r.Shutdown()
	return BlockOn(r, f)
}

// RunMulti runs f to completion on a fresh multi-thread runtime configured by
// opts, shuts it down and returns f's output (see Run).
func RunMulti[T any](f Future[T], opts ...Option) T {
	r := NewMultiThread(opts...)
	defer r.Shutdown()
	return BlockOn(r, f)
}

// Shutdown shuts r down without a bound on the wait for its blocking pool;
// see ShutdownTimeout.
func (r *Runtime) Shutdown() { r.ShutdownTimeout(-1) }

// ShutdownTimeout stops r: it refuses new work (spawns onto r are cancelled at
// once, BlockOn panics), stops the workers (each finishes the poll it is in),
// cancels every task that has not completed — calling Cancel on its future,
// on the calling goroutine — shuts the blocking pool down, waiting up to
// timeout (negative: no limit) for jobs that are running, and closes r's
// driver. It reports whether everything stopped within the timeout. On a
// current-thread runtime it first waits for a BlockOn in progress on another
// goroutine to return.
//
// Afterwards r holds no goroutine and no file descriptor. Shutdown is
// idempotent. It must not be called from inside one of r's tasks (it
// panics): the calling worker could never stop.
func (r *Runtime) ShutdownTimeout(timeout time.Duration) bool {
	if r.sched.drivenHere() {
		panic("corio/rt: Shutdown called from inside a task of the runtime being shut down")
	}
	if r.closed.Swap(true) {
		return true
	}
	unregisterRuntime(r)
	ok := r.sched.shutdown(timeout)
	if r.blocking != nil {
		poolTimeout := timeout
		if poolTimeout < 0 {
			poolTimeout = math.MaxInt64 // the pool's shutdown has no "no limit"
		}
		if !r.blocking.shutdown(poolTimeout) {
			ok = false
		}
	}
	if r.drv != nil {
		r.drv.Close()
	}
	return ok
}

// Metrics is a snapshot of a runtime's counters, summed over its workers
// (Runtime.Snapshot has them per worker). Counters kept by workers are
// published every batch of at most 61 polls and when a worker parks, so a
// snapshot taken while a runtime runs may lag by one batch. See "Metrics" in
// the package documentation for what each field counts; the fields are
// stable: they keep their names and meanings, and new ones may be added.
type Metrics struct {
	Spawned      uint64 // tasks spawned
	Completed    uint64 // tasks completed: returned, panicked or cancelled
	Polls        uint64 // task polls (not counting main futures)
	MainPolls    uint64 // polls of BlockOn main futures
	BudgetYields uint64 // task polls in which a leaf refused for lack of budget
	Parks        uint64 // times a worker went to sleep waiting for work
	Steals       uint64 // successful steal operations (multi-thread)
	LIFOHits     uint64 // tasks run from a LIFO slot (multi-thread)
	Overflows    uint64 // local-queue overflows into the inject queue (multi-thread)
	QueueDepth   int    // runnable tasks queued: local (as of the last publish) + inject
	LiveTasks    int    // tasks spawned and not completed

	Unparks     uint64 // times a worker woke from a sleep
	StolenTasks uint64 // tasks moved by steal operations (multi-thread)
	InjectTakes uint64 // tasks workers took from the inject queue
	DriverTurns uint64 // times a worker ran the driver (parked in it, or polled it without blocking)
	IOEvents    uint64 // readiness events those turns dispatched
	TimersFired uint64 // timers those turns fired
	SlowPolls   uint64 // task polls longer than WithSlowPollThreshold (0 when off)

	InjectDepth        int // tasks in the inject queue
	BlockingThreads    int // goroutines of the runtime's blocking pool, running or idle
	BlockingIdle       int // of which idle
	BlockingQueueDepth int // blocking jobs waiting for a goroutine
}

// Metrics returns a snapshot of r's counters. It is cheap and allocates
// nothing: a few atomic loads per worker (and, on a multi-thread runtime, one
// lock per owned-task shard and the blocking pool's lock).
func (r *Runtime) Metrics() Metrics {
	s := &r.stats
	m := Metrics{
		Spawned:     s.spawned.Load(),
		Completed:   s.completed.Load(),
		MainPolls:   s.mainPolls.Load(),
		InjectDepth: int(r.inject.len()),
		LiveTasks:   r.sched.liveTasks(),
	}
	m.QueueDepth = r.sched.localDepth() + m.InjectDepth
	for _, w := range r.workerList() {
		c := w.pub.load()
		m.Spawned += c.spawned
		m.Completed += c.completed
		m.Polls += c.polls
		m.MainPolls += c.mainPolls
		m.BudgetYields += c.budgetYields
		m.Parks += c.parks
		m.Steals += c.steals
		m.LIFOHits += c.lifoHits
		m.Overflows += c.overflows
		m.Unparks += c.unparks
		m.StolenTasks += c.stolen
		m.InjectTakes += c.injectTakes
		m.DriverTurns += c.driverTurns
		m.IOEvents += c.ioEvents
		m.TimersFired += c.timersFired
		m.SlowPolls += c.slowPolls
	}
	m.BlockingThreads, m.BlockingIdle, m.BlockingQueueDepth = r.blockingPool().load()
	return m
}

// runtimeStats are the counters kept outside the workers: spawns and
// completions by goroutines that are not workers (SpawnOn from plain Go,
// Shutdown's cancellations), main-future polls of a multi-thread BlockOn.
// The workers' own counters are published per worker (workerCounters).
type runtimeStats struct {
	spawned, completed, mainPolls atomic.Uint64
	// notifies: parked workers woken to share work (multi-thread). Not in
	// Metrics; tests read it (and dispatchedTotal).
	notifies             atomic.Uint64
	localDepthCT, liveCT atomic.Int64 // current-thread: published by the core holder
}

// coreStats are one worker's unpublished deltas, owner-only: counting is a
// plain increment, and flush publishes them into the worker's own
// workerCounters (a cache line no other worker writes) once per batch.
type coreStats struct {
	coreCounts
	// timed: pollTimes holds counts (the histogram is on); the array is
	// published and cleared only then.
	timed     bool
	pollTimes [pollTimeBuckets]uint64

	pub *workerCounters // immutable: where flush publishes; set by newWorker
}

// coreCounts are coreStats' counters, cleared by every flush.
type coreCounts struct {
	spawned, completed, polls, mainPolls, budgetYields uint64
	steals, lifoHits, overflows                        uint64
	dispatched                                         uint64
	stolen, injectTakes, parks, unparks                uint64
	driverTurns, ioEvents, timersFired, slowPolls      uint64
}

func (d *coreStats) flush(s *runtimeStats) {
	add := func(a *atomic.Uint64, v uint64) {
		if v != 0 {
			a.Add(v)
		}
	}
	p := d.pub
	add(&p.spawned, d.spawned)
	add(&p.completed, d.completed)
	add(&p.polls, d.polls)
	add(&p.mainPolls, d.mainPolls)
	add(&p.budgetYields, d.budgetYields)
	add(&p.steals, d.steals)
	add(&p.lifoHits, d.lifoHits)
	add(&p.overflows, d.overflows)
	add(&p.stolen, d.stolen)
	add(&p.injectTakes, d.injectTakes)
	add(&p.parks, d.parks)
	add(&p.unparks, d.unparks)
	add(&p.driverTurns, d.driverTurns)
	add(&p.ioEvents, d.ioEvents)
	add(&p.timersFired, d.timersFired)
	add(&p.slowPolls, d.slowPolls)
	add(&p.dispatched, d.dispatched)
	d.coreCounts = coreCounts{}
	if d.timed {
		for i, v := range d.pollTimes {
			add(&p.pollTimes[i], v)
		}
		d.pollTimes = [pollTimeBuckets]uint64{}
		d.timed = false
	}
}
