// Package rt is corio's runtime: futures, tasks, the schedulers that poll
// them, time, readiness, blocking work and cancellation. Async functions
// (marked //async:func and compiled by asyncgen into FAsync futures) and
// hand-written futures run on it.
//
// # How do I run async code?
//
// From main or a test, hand the root future to Run:
//
//	out := rt.Run(MainAsync(args))         // a fresh current-thread runtime
//	out := rt.RunMulti(MainAsync(args))    // a fresh multi-thread runtime
//
// To keep a runtime across calls, build one and BlockOn it:
//
//	r := rt.NewMultiThread(rt.WithWorkers(4))
//	defer r.Shutdown()
//	out := rt.BlockOn(r, MainAsync(args))
//
// # How do I spawn a task?
//
// Inside an async function, `h := rt.Spawn(WorkAsync(x))` compiles to
// SpawnIn(cx, …) with the Context of the poll (SpawnInlineIn for a
// future made on the spot): the task starts on the runtime running the
// caller, and the spawn is no suspension point. SpawnAsync is the same
// spawn as a future, for code that only awaits. In plain Go,
// Spawn starts it on the process default runtime, and SpawnOn(r, f) on r.
// Every spawn returns a *JoinHandle: Join (or JoinAsync) waits for the
// output, Abort cancels the task, IsFinished polls. A task that panics
// completes with a *JoinError (errors.As) holding the task's ID, the panic
// value and the stack; the runtime keeps running its other tasks. Dropping a
// handle detaches the task.
//
// To spawn code that uses the caller's variables without naming a function,
// make it an async closure: Async(func() T { … }) (AsyncDo for no result)
// is a Future[T], so `h := rt.Spawn(rt.Async(func() int { … }))` spawns it
// and rt.Await(rt.Async(…)) awaits it in place. Inside an async function
// asyncgen lowers the literal into a future whose body suspends and which
// captures the function's variables by reference, as the func literal does;
// in plain Go, Await runs the func in place, and anything else that polls
// Async's own future starts the func on a goroutine of its own and waits for
// it as for a suspended task (so a direct-mode Spawn of it behaves like a go
// statement with a joinable result, and Timeout or Select can stop waiting). One small form instead of a closure twin of Spawn,
// Select, Join and Timeout each: it composes with all of them.
//
// # Which runtime flavour?
//
//   - Current-thread (NewCurrentThread, Run): tasks run one at a time on the
//     goroutine inside BlockOn, and only while it is inside. No locks between
//     tasks, no parallelism; the cheapest per task. Good for tests, tools, and
//     programs sharded by hand.
//   - Multi-thread (NewMultiThread, RunMulti): WithWorkers goroutines
//     (default GOMAXPROCS) run tasks in parallel and steal work from each
//     other. The choice for servers.
//
// Run uses the current-thread flavour (deterministic order, nothing to tune);
// RunMulti and NewMultiThread give the other. Both take the same tasks,
// wakers and handles. Options (With…) set every knob: worker count, queue
// capacity, fairness intervals, a paused clock, a scheduling seed for tests,
// the blocking pool's size.
// Direct-mode Spawn uses the process default runtime, a current-thread
// runtime driven by a goroutine of its own that exists while it has tasks.
//
// # How do I sleep or time out?
//
// Sleep(d) and SleepUntil(t) in plain Go, SleepAsync/SleepUntilAsync in async
// code; Timeout(d, f) runs f with a deadline and cancels it on expiry;
// NewInterval ticks. Time comes from the runtime's driver: the real clock, or
// with WithPausedClock a clock that jumps to the next timer whenever every
// task is idle, so a test of an hour-long timeout takes microseconds. On a
// multi-thread runtime "idle" means every worker is parked and the inject
// queue is empty, which can happen between two spawns made one by one from
// another goroutine: those tasks may start at different virtual times (Tokio
// allows start_paused only on its current-thread runtime). Spawn the tasks of
// such a test from inside a task running on the runtime (SpawnOn one task
// that spawns the others with SpawnAsync; BlockOn's main future is not such a
// task, it runs outside the workers), or use the current-thread runtime, to
// start them at the same instant.
//
// Inside a runtime a Sleep or Timeout arms its timer when the task's poll
// returns, not where it is first polled: its duration counts from the end of
// that poll (never early, possibly later by the rest of the poll), and one
// cancelled within the same poll costs no lock and no clock reading (see
// "Deferred arming" in time.go).
//
//	rt.Sleep(100 * time.Millisecond)             // plain Go: just sleeps
//	v, err := rt.Timeout(time.Second, FetchAsync(url))
//
// # How do I run blocking code?
//
// Never block a runtime goroutine: a blocked worker stalls its queue. Code
// that blocks (a syscall without readiness, cgo, a library with only a
// blocking API) goes to SpawnBlocking(f), which runs f on a bounded pool of
// goroutines and returns an awaitable JoinHandle. Direct-mode blocking calls
// (Await, Join, BlockOn, Sleep) made from inside a task are detected and
// panic with a message naming the async twin, rather than stalling silently.
//
// # Metrics
//
// Runtime.Metrics returns a runtime's counters summed over its workers, with
// no allocation; Runtime.MetricsSnapshot adds each worker's own counters
// (WorkerMetrics) and the poll-time histogram; Runtime.MetricsVar serves the
// snapshot as JSON through expvar (expvar.Publish("corio", r.MetricsVar())).
// The counters, cumulative since the runtime was built:
//
//   - Polls: task polls (MainPolls: polls of BlockOn main futures).
//     BudgetYields: polls in which a leaf refused for lack of budget (the
//     task was made to yield). SlowPolls: polls longer than the slow-poll
//     threshold.
//   - Spawned, Completed (returned, panicked or cancelled); LiveTasks is the
//     difference as a gauge (tasks on the owned lists plus those spawned
//     from polls and not yet listed: see "Owned tasks" below).
//   - Parks, Unparks: times a worker went to sleep for lack of work, and
//     woke up; they differ by one while it sleeps.
//   - Steals: steal operations that found work; StolenTasks: the tasks they
//     moved (half a victim's queue, or its LIFO slot). LIFOHits: tasks run
//     from the LIFO slot. Overflows: local queues spilled into the inject
//     queue. All multi-thread only.
//   - InjectTakes: tasks workers took from the inject queue (spawned or woken
//     from outside the runtime's polls).
//   - DriverTurns: times a worker ran the driver (parked in it, or polled it
//     without blocking while busy); IOEvents and TimersFired: the readiness
//     events and the timers those turns delivered.
//
// and the gauges: QueueDepth (runnable tasks: local queues plus InjectDepth,
// the inject queue), LiveTasks, and the blocking pool's BlockingThreads
// (goroutines alive), BlockingIdle (of which idle) and BlockingQueueDepth
// (jobs waiting for a goroutine). The process default runtime reports the
// process default pool.
//
// When it is published: a worker counts with plain increments in memory only
// it touches, and adds its counts to its published counters (a cache line
// that no other worker writes) after each batch of at most 61 polls and
// before it sleeps, so counting costs no shared cache line per poll and a
// reading taken while a runtime runs lags by at most a batch. After Shutdown
// (or once BlockOn of a current-thread runtime has returned) the counts are
// final. Each counter is read atomically, the set is not one instant.
//
// What is stable: the names and meanings of the fields of Metrics,
// WorkerMetrics, MetricsSnapshot and PollTimeHistogram, and the JSON they
// encode to (field names as in Go, durations in nanoseconds). Fields may be
// added. The histogram's buckets are fixed: under 1024ns, one per power of
// two up to 2^24ns (about 16.8ms), and the rest.
//
// Opt-in instrumentation, off by default because it costs two clock
// readings or a few calls per poll (a runtime without any of it pays a nil
// check before and after each poll, always predicted right):
//
//   - WithPollTimeHistogram: count every poll's duration in the histogram.
//   - WithSlowPollThreshold(d): a poll that takes d or longer blocked its
//     worker's other tasks for that long; it is counted in SlowPolls, and the
//     first such poll of each task is reported, once, with the task's await
//     chain right after the poll (TraceChain: the source position the task
//     suspended at and what it awaits) — through log/slog by default, or to
//     WithSlowPollHandler's function.
//   - WithTaskHooks: functions called when a task is spawned, before and
//     after each of its polls, and when it completes (TaskHooks).
//
// # Cancellation and context.Context
//
// Go has no destructors, so abandoning a pending future is explicit: a future
// that holds anything implements Canceler, and whoever abandons it (Abort,
// Timeout, select, Shutdown) calls Cancel exactly once; it is never polled
// afterwards. An rt.Context is not a context.Context: it is what one Poll
// call receives (waker, budget, the polling worker and driver) and is valid
// only during that call. The two meet through bridges: ContextDoneAsync(ctx)
// is a future that completes when a context.Context is done, and
// TaskContextAsync gives a task a context.Context that is cancelled as soon as
// the task is aborted — hand it to blocking work the task starts.
//
// # Select and Join
//
// Select2, Select3, Select4 and SelectN wait for the first of several
// futures; Join2, Join3, Join4 and JoinAll for all of them; TryJoin2 and
// TryJoinAll for all of them or the first error; a JoinSet for spawned tasks
// as they finish. Each is a twin (SelectNAsync, JoinAllAsync, …), so in an
// async function they are suspension points:
//
//	s := rt.Select2(q.RecvAsync(), rt.SleepAsync(time.Second))
//	switch s.Index {
//	case 0: // s.V0 is the message
//	case 1: // timed out; the receive was cancelled and took nothing
//	}
//	a, b := rt.Join2(FetchAsync(x), FetchAsync(y))
//
// The contract:
//
//   - A select polls its branches one after the other, starting at a random
//     branch at every poll (drawn from the polling worker's own generator —
//     started from the seed on a runtime built WithSeed — or math/rand/v2's
//     per-thread one outside a worker: no lock), and stops at
//     the first branch that is ready: that branch wins. No branch is polled
//     after the winner, in that poll or later. Every other branch is then
//     cancelled, exactly once, before the select returns.
//   - So a select loses nothing that its losers do not: a loser was either
//     polled and pending, or not polled at all, and its Cancel hands back
//     what it held. With cancel-safe branches (JoinNextAsync, the time
//     futures, syncx receives) a value that arrives "at the same time" as
//     the winner stays where it was — in the channel, in the set — for the
//     next receive. A loop of selects over a receive and a timeout loses no
//     message.
//   - The random start is what keeps an always-ready branch from starving
//     the others (Go's select is random for the same reason). Select2Biased
//     … SelectNBiased poll in argument order instead (Tokio's `biased;`):
//     the first ready branch in argument order always wins. Use it to give
//     one branch priority (a shutdown signal before work), knowing that an
//     always-ready early branch starves the later ones.
//   - Cancelling a pending select cancels every branch exactly once;
//     cancelling a completed one does nothing. A select, like any future, is
//     polled no more after it completed or was cancelled (it panics).
//   - A select consumes its branches: the losers are cancelled, and a
//     cancelled future is done. Build fresh branch futures for every select;
//     to keep one deadline across the iterations of a loop, pass
//     SleepUntilAsync(deadline), a new sleep to the same instant, each time.
//   - A join polls, at every poll, each child that is not done (a child that
//     completed is never polled again), starting one child further along each
//     time, so that a child that spends the whole budget at every poll cannot
//     starve its siblings (Tokio's join! rotates the same way). Outputs are
//     kept in argument (or slice) order. Cancelling a pending join cancels
//     the children not done, exactly once each.
//   - TryJoin2 and TryJoinAll take futures of (value, error) — what an async
//     function returning (T, error) compiles to — and end at the first error
//     they observe (in polling order): every child not done is cancelled
//     exactly once and never polled again, and the output is zero values
//     with that error. That is errgroup's contract, with Cancel in place of
//     a context.
//   - Select and join children run concurrently inside the calling task, not
//     in parallel. The children of a select, of Join2…Join4 and of a JoinAll
//     of fewer than 32 share the task's waker: a wake-up of any child
//     re-polls every child still pending, one poll each, which for a handful
//     of children is cheaper than telling them apart. From 32 children on,
//     JoinAll and TryJoinAll give each child a waker of its own (as Tokio's
//     join_all does beyond 30): a wake-up re-polls only the children woken
//     since the last poll, so n children waking one by one cost about 2n
//     polls, not n²/2. Such a child's waker is not the task, so a wake
//     aimed at it takes the runtime's inject queue rather than the waking
//     worker's LIFO slot. Each select or join allocates its future once when
//     built — JoinAll three times (the future, its copy of the slice, the
//     output; three more from 32 children on) — and nothing per poll.
//   - A JoinSet hands out results in completion order. JoinNextAsync is
//     cancel-safe: a result leaves the set only in the poll that returns it,
//     so a JoinNext that loses a select or times out loses no task. AbortAll
//     cancels every task (their results still come out, as cancelled
//     JoinErrors); Shutdown aborts them all and waits until every one has
//     ended. Go has no destructors: a set that is merely dropped leaves its
//     tasks running detached, like dropped JoinHandles, until they finish or
//     their runtime shuts down. The owner ends them: `defer set.Shutdown()` in
//     plain Go, an explicit set.Shutdown() before returning in an async
//     function, or JoinNext until the set reports empty. A finalizer could
//     not help: running tasks refer to their set, so it stays reachable.
//   - All of them compose with Timeout: Timeout(d, SelectXAsync(…)) cancels
//     the select and so every branch; a TimeoutAsync used as a branch is
//     cancelled like any loser (its timer disarmed, the future it wraps
//     cancelled once); Timeout(d, set.JoinNextAsync()) loses no task.
//
// # Writing futures and leaves
//
// A Future[T] has one method, Poll(cx) (T, bool): it never blocks; it returns
// (v, true) when ready or (zero, false) after arranging for cx.Waker() to be
// woken. Output types follow one rule: no results → struct{}, one → T,
// several → TupleN. A leaf (an operation that can complete without waiting)
// calls cx.ConsumeBudget() first and yields when it returns false, so a task
// that always finds work ready still lets others run (128 units per poll,
// Tokio's number; Unconstrained lifts it). A leaf that wakes another task
// during its poll (a channel send) calls cx.Wake(w), which puts the woken task
// on the polling worker without a lock. PollFunc, Ready, YieldNowAsync, the
// readiness API (Register, Readable/Writable) and the time API are the
// building blocks. A socket type closes its descriptor with CloseAfterPolls
// if its syscalls inside polls skip their reference count where
// cx.PollFenced() (see "Poll fence" below; netx does).
//
// # Deep awaits resume at the innermost frame
//
// A task suspended d awaits deep (a recursive-descent parser waiting for
// input, a tree walk, a retry wrapper around a retry wrapper) resumes where
// it stopped: a wake-up polls the innermost future it waits in, not the
// outermost one, which would poll its child, which would poll its child…
// (d calls per wake-up, the model Rust's futures have). This holds for the
// futures asyncgen generates, awaiting async functions of their own package;
// Frame and the Context's EnterFrame and ExitFrame are their protocol and
// are not for hand-written code. Hand-written futures and combinators (Select,
// Join, Timeout) poll their children as they always did, and generated futures
// below them resume from there: such a combinator starts a region polled from
// its own level. "Frames" below has the design.
//
// # Seeded scheduling
//
// A test of concurrent tasks passes in the one order a plain current-thread
// runtime runs them, and a bug that needs another order (two tasks that
// check a balance, suspend, then debit) waits for production. A runtime
// built with WithSeed(seed) makes the order a function of the seed:
//
//	r := rt.NewCurrentThreadWith(rt.WithPausedClock(start), rt.WithSeed(seed))
//
// At every step it draws, from a generator started from seed, what it polls
// next among everything runnable — every queued task, and BlockOn's main
// future when it was woken — and each Select on it draws its first branch
// from the seed too. On the paused clock, timers that fire at the same
// instant wake their tasks into that draw. So one seed replays one
// interleaving, poll for poll, and other seeds explore others; package
// rt/rttest runs a test under many seeds (Explore), prints the failing
// seed with a command that replays it, and records the order of polls
// (WithScheduleTrace). Only the current-thread runtime takes a seed: on a
// multi-thread one the Go scheduler decides which worker polls when.
//
// The replay is exact when everything that wakes a task happens on the
// goroutine in BlockOn: the tasks themselves, their leaves, timers on the
// paused clock. A SpawnBlocking job, real I/O, a goroutine that wakes a task,
// and the process default runtime (which is not seeded) bring timing from
// outside: such a test still explores orders but may not replay them. JoinSet
// hands out results in completion order and syncx queues its waiters first
// come, first served, so both follow the seeded schedule without draws of
// their own. A plain runtime pays nothing for this: it checks for a seed once
// per BlockOn, and Select's draw is the same few instructions either way; a
// seeded runtime costs about 40 ns more per poll (BenchmarkSeededYield).
//
// # Task dump
//
// A suspended task is a struct in a queue, invisible to a goroutine dump;
// Runtime.Dump shows it instead. It returns a TaskDump: every live task with
// its id, its name (SpawnNamed, SpawnNamedOn, and SpawnNamedAsync, to which
// asyncgen lowers rt.SpawnNamed inside an async function), its state (idle,
// scheduled, or running on worker N), its age, its number of polls, and its
// await chain: one Trace per future from the task's own down to the leaf it
// waits on, as each future's Tracer reports it (generated futures give the
// function and the source line of the await, leaves what they wait for).
// TaskDump.WriteText prints it like a goroutine dump — with debug 1 grouped
// by identical chains with counts, so 100,000 idle connections read as one
// entry; with debug 2 every task — and package rt/rtdebug serves it at
// /debug/corio/tasks next to net/http/pprof. Runtimes lists the live
// runtimes of the process.
//
// Dump does not stop the runtime. It copies the list of live tasks — a
// multi-thread runtime's one shard at a time under that shard's mutex, which
// only holds off spawns and completions of the tasks in it; a current-thread
// runtime's from the goroutine driving it, between two batches of polls (if
// nobody drives it, under its core lock) — and then reads each task's chain
// while holding that one task: a bit in its state word that a worker about
// to poll it waits on, for the microseconds a Trace takes. A task that is
// being polled is reported as running, with the worker polling it, and its
// future is not read. TaskDump.Pause says how long the copy held things up
// (the benchmark BenchmarkDump100k measures it with 100,000 tasks). A
// current-thread runtime whose driving goroutine is stuck in one poll cannot
// hand its list over: after a second, Dump reports it Blocked.
//
// What a task pays for it: no memory, no atomic operation of its own and no
// check on the poll path. The worker index and a poll count (saturating at
// MaxTaskPolls) ride in the state word, set by the compare-and-swaps that
// start and end a poll anyway; the spawn time (seconds, read from a clock
// that a timer refreshes once a second while tasks are being spawned: one
// load of a word that changes once a second) sits in spare bits of the
// task's flags word; a name lives in a side table only for tasks that have
// one, and completion looks for it only when a flag bit says so. The task
// header stays 64 bytes; spawn and poll benchmarks (BenchmarkSpawn,
// BenchmarkSchedSpawnMany, BenchmarkSchedChainedSpawn, BenchmarkYield,
// BenchmarkSchedPingPong) showed no difference beyond their noise. A
// current-thread runtime's driving goroutine looks for a dump request once
// per batch of polls (one atomic load).
//
// # Internals
//
// The rest of this comment is for people changing rt.
//
// # Runtime, scheduler, driver
//
// A Runtime is a handle: the inject queue (work from outside), the driver, the
// blocking pool, counters, and a scheduler behind a small internal interface
// (scheduler: unparkOne, bind/unbind for the shutdown list, blockOn, shutdown,
// drivenHere, and two metrics snapshots). The process default runtime has no
// driver and no pool of its own: its leaves use the process default driver and
// its blocking work the process default pool. Two schedulers implement it:
// currentThread and multiThread. Both poll tasks through one worker type,
// which owns a Context reused for every poll; tasks hold only the *Runtime.
// The driver (internal/driver) is one engine for readiness and time: a poller,
// timer wheels and a clock behind TryLock/Park(timeout, autoAdvance)/Unpark,
// and ParkTo, which hands the wakers it would wake to a sink (the worker).
//
// Context carries what Tokio keeps in thread-local storage: the runtime, the
// polling worker (nil for a multi-thread BlockOn main future, which is polled
// on the caller's goroutine), the driver and the task being polled. Go's
// explicit cx makes that free: SpawnAsync spawns onto cx's worker, leaves arm
// timers on cx's driver (through cx's batch, which the scheduler flushes when
// the poll returns: one clock reading and one lock pair for every timer a
// poll arms), Context.Wake reaches the worker's LIFO slot.
//
// # A leaf with no runtime
//
// A leaf polled with no runtime — under direct-mode Await, or with a Context
// from NewContext — has no driver in cx. It uses the process default driver,
// created at first use and driven by a goroutine of its own that runs only
// while a timer is armed or a descriptor registered. So Sleep in plain Go
// just sleeps; there is no "no reactor running" panic anywhere in corio.
//
// # Task state
//
// A task's state is one atomic word (state.go, after Tokio's
// runtime/task/state.rs) with four bits: RUNNING (a goroutine owns the future
// and is polling, cancelling or completing it), NOTIFIED (a wake-up is
// pending), COMPLETE (terminal) and CANCELLED (cancellation requested):
//
//	Idle            = 0                    not queued, not running
//	Scheduled       = NOTIFIED             in exactly one run queue
//	Running         = RUNNING              being polled
//	RunningNotified = RUNNING|NOTIFIED     woken during its poll: re-queued after it
//	Complete        = COMPLETE(|CANCELLED) output or JoinError stored
//
//	spawn                           -> Scheduled            spawner pushes
//	wake   Idle                     -> Scheduled            waker pushes
//	wake   Running                  -> RunningNotified
//	wake   anything else            -> unchanged
//	abort  Idle                     -> Scheduled|CANCELLED  aborter pushes
//	abort  Scheduled, Running(Notified) -> same|CANCELLED
//	abort  Complete, already CANCELLED  -> unchanged
//	startRun Scheduled(|CANCELLED)  -> Running(|CANCELLED)  popper polls (cancels if CANCELLED)
//	startRun RUNNING or COMPLETE set -> unchanged           stale entry: popper drops it
//	endPoll Running                 -> Idle
//	endPoll RunningNotified         -> Scheduled            runner pushes (back of its queue)
//	endPoll with CANCELLED          -> unchanged            runner cancels
//	complete Running*               -> Complete(|CANCELLED)
//	shutdown Idle or Scheduled      -> Running|CANCELLED    Shutdown cancels; a queued entry goes stale
//	shutdown Running*               -> same|CANCELLED       its runner cancels after the poll
//	lockTrace Idle or Scheduled(|CANCELLED) -> same|TRACING  a task dump reads the future
//	wakeHeld Idle (not TRACING)     -> Running              waker queues a held entry
//	startHeld Running(Notified)     -> Running              popper of a held entry polls
//	startHeld with CANCELLED        -> unchanged            popper cancels
//	releaseHeld Running*            -> Scheduled(|CANCELLED) the entry becomes ordinary
//
// TRACING (a fifth bit) keeps startRun and shutdown from taking RUNNING while
// a dump reads the future; they wait for it to clear. Above the five bits the
// word carries the task dump's diagnostics: while RUNNING, which worker
// polls (written by startRun's CAS, cleared by endPoll's), and a saturating
// count of pending polls (endPoll's CAS adds one). Every test of the state
// masks the bits it means, so the diagnostics never change a transition.
//
// Each transition is one CAS loop, so any number of goroutines — wakers,
// aborters, workers popping and stealing, Shutdown — share the word without a
// lock. Under parallelism the one subtle case is Shutdown meeting a task that
// sits in another worker's queue (Scheduled): like Tokio's
// transition_to_shutdown it takes RUNNING anyway and cancels the task, and the
// queue entry becomes stale; whoever pops it later finds RUNNING or COMPLETE
// and drops it. No other transition leaves a stale entry, so apart from it a
// task is in at most one queue and never polled by two goroutines at once.
//
// Held entries. A queue entry may carry its task's RUNNING bit: the worker
// that pops it is to poll the task next and nobody else may, so the bit is
// taken (or kept) when the task is queued instead of when it is popped, and
// the pop costs no compare-and-swap. The current-thread core's local queue
// holds two kinds, tagged in the low bits of the entry's pointer
// (localQueue): a task woken through Context.Wake from a poll on the core
// (wakeHeld takes Idle to Running in the wake's one CAS, where wake and
// startRun took two), and a task whose poll ended in a yield
// (Context.yield), which keeps RUNNING and goes to the back of the queue
// with no atomic operation at all (endPoll's CAS and the next startRun's
// are both gone). The popper then only loads the word (startHeld): CANCELLED
// means an abort or Shutdown came meanwhile, and the task is cancelled;
// NOTIFIED, set by a wake that landed while the task waited (it saw
// RUNNING, so it queued nothing), is cleared, since the poll about to start
// covers it. What changes for the rest of the runtime: such a task reads
// as running (to an aborter, who sets CANCELLED and leaves the cancel to
// the popper; to Shutdown, which holds the core and cancels the held
// entries' tasks itself, including joiners that its own cancellations wake
// through the core's Context; to a task dump, so the core hands the bits
// back before a dump copies its lists, releaseHeld, and queues no held
// entries until the dump has read the futures), and a run of polls that
// each end in a yield counts as one pending poll in the dump's count.
// Measured with cmd/asyncbench (-clock cpu, 5 rounds alternated with the
// binary before, medians): current-thread yield_many 31.2 to 27.0 ns per
// yield, ping_pong 150.7 to 140.8 ns per round trip.
//
// A multi-thread worker's LIFO slot holds held entries too (the low bit of
// the slot's pointer): a Context.Wake that puts the task in the slot takes
// RUNNING for that worker with wakeHeld, and whoever takes the entry out of
// the slot with its compare-and-swap — the owner after the poll, or a
// parking stealer — owns the bit and polls with startHeld. Rings and the
// inject queue hold ordinary entries only: a held entry that leaves the
// slot for the ring (displaced by the next wake, or taken when the budget
// is spent) is released first, and Shutdown, which empties the slots,
// cancels a held entry's task itself. Spawns into the slot stay ordinary
// (the task is unbound; see "Owned tasks"). A task dump reads a task in a
// held slot entry as running on the slot's worker (the dump cannot make a
// worker hand the bit back), and so does it for the moment a stealer takes
// it over. Measured the same way (7 rounds): multi-thread(2) ping_pong
// 163.5 to 157.9 ns per round trip; the public slot's own swap and
// compare-and-swap remained, two locked instructions per wake-up that the
// current-thread runtime does without, which the private slot (see "LIFO
// slot") removes where no worker searches. A task in the private slot is
// held the same way, and Shutdown meets it running on the owned list: its
// worker cancels it when it takes it (startHeld sees CANCELLED), or as it
// stops.
//
// # Waker rules
//
//  1. Wake may be called from any goroutine, at any time, any number of times:
//     before the first poll, during a poll, after completion. Extra wakes
//     cost at most one spurious poll; a wake after completion does nothing.
//  2. A wake-up is never lost: a wake that lands while the task is being
//     polled sets NOTIFIED, and the runner reads NOTIFIED in the same CAS that
//     clears RUNNING (endPoll), so the task is polled again.
//  3. Only the goroutine whose CAS moved the task into Scheduled pushes it
//     (wake or abort from Idle, endPoll from RunningNotified, spawn).
//  4. Waking allocates nothing: the waker is the *task.
//  5. A future registers cx.Waker() before it re-checks the condition it
//     waits for (register, then check).
//  6. A task that wakes itself during its own poll (a yield, a leaf out of
//     budget) costs no queue operation until the poll ends; the runner then
//     puts it at the back of its queue, so yielding tasks run round-robin and
//     a task that wakes itself forever cannot starve the others. A yield
//     (YieldNowFuture) whose Context still holds the waker its driver
//     installed — a task's, or a current-thread BlockOn main future's —
//     does not even call Wake: it sets a flag in the Context, which the
//     runner reads after the poll (Context.yield). The task then goes from
//     Running to Scheduled in endPoll's one CAS (two CASes through Wake;
//     none on the current-thread runtime, where it stays Running in a held
//     entry, see "Held entries" above); a
//     main future is polled again without the two atomic swaps of its
//     waker's flag. Under a combinator that installs its own waker (Join's
//     per-child wakers), and with NewContext, the yield wakes cx's waker.
//  7. Context.Wake(w) from inside a poll puts a task of the same runtime on
//     the polling worker: its LIFO slot (multi-thread; the back of its ring
//     during the last of 3 LIFO polls in a row, see "LIFO slot" below) or
//     local queue (current-thread), no lock; a poll with no worker (a
//     multi-thread BlockOn main future) falls back to plain Wake. Plain Wake
//     cannot know which goroutine calls it — Go has no goroutine-local
//     storage, and reading the goroutine id (runtime.Stack, about 1µs, or
//     assembly reaching into the runtime's g) costs more than the lock or is
//     unsupported — so it always goes through the inject queue and unparks one
//     worker. JoinHandle completion wakes its joiners through the completing
//     worker's Context.
//  8. The wakers that a worker's driver park wakes (ready descriptors, fired
//     timers) reach that worker's Dispatch, not Wake: a task of the same
//     runtime goes on the parking worker's own queue (see "Wakes during a
//     park" below); any other waker is woken as usual.
//
// # The current-thread scheduler
//
// One worker, driven by whichever goroutine holds the scheduler's core mutex:
// BlockOn's caller, the default runtime's background goroutine, or Shutdown.
// Its queue is a growable ring, owner-only, no atomics, that shrinks back to
// 256 slots when it drains after growing past 1024. The driving loop polls
// the main future when it was woken, then runs a batch of at most 61 tasks
// (event interval) and starts over; every 61 polls since the driver last ran
// (a main future's poll with its in-place re-polls counting one) it polls
// the driver without blocking, so that a main future or tasks that keep
// yielding, and so never let the loop park, cannot starve timers and I/O. Every 61st pick looks at the inject queue first (global
// queue interval); when the local queue is empty up to 64 tasks move from the
// inject queue at once, in order, under one lock.
//
// When nothing is runnable the core first gives other goroutines a few
// scheduler rounds (8 Gosched calls, each about 100ns when nothing else is
// runnable), so that a reply about to come from a partner goroutine is not
// delayed by a blocking syscall: sleeping in the driver is an epoll wait, and
// waking it is an eventfd write plus winning a P back, which on a loaded
// machine measured 20–30µs per remote wake against 2–3µs with the spin. The
// rounds are skipped when the core's last driver turn dispatched readiness
// events and woke only tasks of this runtime: its next work is then most
// likely I/O, which only the epoll wait brings; a turn that woke a goroutine
// outside the runtime (a BlockOn caller) keeps them (worker.parkSpins). Then
// the core parks in the runtime's driver (so timers
// fire and I/O completes while it sleeps; on a paused clock it lets the driver
// jump to the next timer, since its one worker is idle). The default runtime
// has no driver of its own and parks on a 1-buffered channel. The no-lost-
// wake-up ordering (all atomics sequentially consistent):
//
//	core                                  waker
//	1. parked.Store(true)                 a. publish work (inject push, mainWoken)
//	2. re-check inject size, mainWoken    b. CAS parked true→false
//	3. sleep (driver Park / channel)      c. if b succeeded: driver Unpark / send a token
//
// Either 1 precedes b, and the waker wakes the sleep of 3, or b precedes 1, so
// a precedes 2 and the core sees the work. If the core finds work but loses
// its own CAS, a waker is waking it: on the channel it takes the token before
// going on (at most one token is ever outstanding); on the driver the pending
// Unpark makes the next Park return at once (one spurious loop). Tasks that
// the driver wakes while the core parks in it (rule 8) go straight on the
// local queue: the core is the goroutine parking, so they take no lock and
// need no wake-up, and no eventfd is written for them.
//
// # The multi-thread scheduler
//
// Workers are goroutines, one per WithWorkers, each running inside
// driverFrame (which is how direct-mode blocking on them is detected). Each
// has a ring (fixed capacity, 256 by default) that only it pushes and pops,
// and that others steal from; types separate the owner's handle (ringOwner:
// pushBack, pop) from a stealer's (ringStealer: stealInto). The ring's head
// packs two indices, the owner's next pop and the start of a steal in
// progress, so a steal is claim (CAS), copy, release (CAS), and the owner
// never overwrites slots a stealer is copying (Tokio's queue.rs). A push onto
// a full ring moves half of it plus the new task to the inject queue in one
// linked batch under one lock. The inject queue is a linked list through the
// task header, behind a mutex, with an atomic length read without it.
//
// Where a worker looks for its next task: every global-queue-interval
// ticks the inject queue first; then its LIFO slot, its ring, a fair batch
// from the inject queue (its length over the worker count, at most half a
// ring); finally, as a searcher, it steals half of another worker's ring,
// starting at a random victim.
//
// The global queue interval is adaptive by default (Tokio's): a busy worker
// keeps an exponentially weighted moving average of its poll time (alpha 0.1
// per poll, one clock read per full batch of 61, none for the short batches
// of a worker that parks in between, since a worker whose queue runs dry
// looks at the inject queue anyway) and sets the interval so that it looks
// at the inject queue about every 200µs of work, clamped to 2..127 ticks;
// WithGlobalQueueInterval(n > 0) fixes it. Measured on a shared 2-core
// machine (BenchmarkSchedInjectLatency: one worker busy with 64 self-waking
// tasks, time from a remote spawn to its first poll, -count 6): with trivial
// polls 143µs either way; with 4µs polls 297µs fixed (61) against 246µs
// adaptive; with 40µs polls 2.6ms against 229µs. spawn_many and yield_many
// did not change measurably (BenchmarkSchedInterval), so adaptive is the
// default.
//
// LIFO slot. A task woken through Context.Wake, or spawned from a poll on a
// worker (SpawnAsync, as Tokio's spawn from a worker), goes to that worker's
// LIFO slot and runs right after the current poll, on the same worker, with
// what is left of the current task's budget — so a message-passing pair runs
// back to back with hot caches, and a task that spawns the next one and
// returns hands it over without waking another worker. A task a wake
// displaces from the slot goes to the back of the ring; a spawn that finds
// the slot taken goes there itself (a burst of spawns runs in spawn order
// after the first, with no atomic swap each), and either way a parked worker
// is notified. At most 3 LIFO polls run in a row: during the third the slot
// is off, so what it wakes or spawns waits its turn in the ring, and two tasks waking each other
// cannot starve the rest (except a spawn or a wake into an empty ring: a
// spawn takes the public slot, and a wake while nobody searches the private
// one; the run of LIFO polls ends after that poll and the worker's next
// pick is the slot, as it would have been the ring's head, so a chain of
// spawns binds no task and a ping-pong pair alone on a worker skips the
// ring's push, pop and startRun every fourth wake: multi-thread(2)
// ping_pong 138.2 to 129.7 ns per round trip); the slot is on again for the
// next task taken from a queue. A woken task goes into the slot as a held entry (see "Held
// entries"): the wake's compare-and-swap took its RUNNING bit. Such a
// capped wake notifies a parked worker only if the ring then holds more
// than that task (which this worker runs next anyway). The slot is
// two words. The public one is an atomic pointer: a searching worker that
// found nothing in the rings and the inject queue takes a task left in
// another worker's public slot (after one Gosched, to let the owner run it
// first), so a worker stuck in a long poll does not strand the task it
// just woke. The private one (worker.next) is a plain field only its
// owner touches: a wake puts its task there when no worker is searching
// at that moment (one load of the idle word) and the public slot is
// empty, and the owner takes it after the poll with no atomic operation
// (a task spawned from a poll, and a wake while a worker searches, still
// go to the public slot). Nobody else sees the private slot (QueueDepth
// does not count it either), so a task in it waits for the current poll
// even if another worker goes idle during that poll: Tokio's LIFO slot,
// which is never stolen from. Before, a worker that went idle during a
// long poll could take it (a lone slot task never woke a parked worker,
// so it waited for the poll anyway when every other worker stayed
// parked). The private slot saves the public slot's swap and
// compare-and-swap, two locked instructions per wake-up: multi-thread(2)
// ping_pong went from 157.9 to 141.4 ns per
// round trip (asyncbench -clock cpu, 7 rounds alternated, medians), where
// the current-thread runtime, which has no slot atomics, takes 141. A task
// left in the private slot by a poll that panicked is the worker's next
// pick; a worker that stops (Shutdown) cancels one left there, since it
// holds the task's RUNNING bit.
//
// Searching and parking (Tokio's Idle, Go's spinning Ms). One atomic word
// counts searching and unparked workers. A worker with no local work becomes a
// searcher only while fewer than half the workers search. A searcher that
// finds work stops searching, and if it was the last searcher it wakes a
// parked worker to take its place (finding work suggests there is more). A
// push from outside a worker (inject queue), a task displaced from the LIFO
// slot, or a ring push that leaves more than one task queued wakes one parked
// worker if no worker is
// searching. A worker that parks lists itself as a sleeper; if it was the last
// searcher it re-checks every queue first and wakes a worker if it finds work,
// which closes the race with a push that saw a searcher and so woke nobody.
// Its sleep: the first idle worker to TryLock the driver parks in it (no
// timeout: the driver bounds its sleep by the next timer itself), the others
// sleep on their own channel. Unparking a worker is one atomic swap on its
// parker, plus a channel send if it sleeps on the channel or a driver Unpark
// if it holds the driver (an eventfd write only if the holder is blocked in
// epoll_wait, coalesced; see internal/driver). A notify prefers the
// most recently parked worker that is not the driver's holder (a goroutine
// hand-off rather than a syscall return), and the holder spins a few Gosched
// rounds before it blocks, as the current-thread core does (none after a
// turn that found I/O and woke only this runtime's tasks). Every event
// interval (61 tasks) a busy worker polls the driver without blocking, so
// timers and I/O are not starved by CPU-bound tasks. On a paused clock the
// parking driver holder lets the clock jump only when every worker is parked
// and the inject queue is empty. It cannot see a goroutine outside the runtime
// that is about to spawn, so the clock may jump between two such spawns (see
// "How do I sleep or time out?" above).
//
// Wakes during a park (Tokio's driver wakes onto the parked core). The worker
// that holds the driver parks with itself as the driver's sink
// (driver.ParkTo), and the same on its Park(0) every event interval. A task of
// this runtime that a ready descriptor or a fired timer wakes goes on the
// back of this worker's ring (overflowing into the inject queue like any
// push), pushed by the ring's owner, since the dispatch runs on the parking
// worker's goroutine. A turn collects no more readiness events than the ring
// has room for (driver.ParkToN); the rest stay queued in the kernel for the
// next turn, this worker's or another's, instead of overflowing half the
// ring into the inject queue, which a busy echo server did for a quarter of
// its requests. When the park returns with such tasks the worker takes
// itself off the sleepers and counts as unparked (idleState.unparkSelf) and
// runs them; it notifies one parked worker only if more than one task was
// queued (and, as every notify, only if no worker searches). One readiness
// wake thus costs no inject-queue lock and no wake-up of another goroutine,
// where through Wake it cost the lock and a notify: a channel send to another
// worker, or an eventfd write to the holder itself when it was the only
// sleeper (measured before: 0.84 futex calls and 2 context switches per echo
// request, see cmd/asyncbench/echobench).
// No wake-up is lost: the tasks sit in the ring of a worker that is awake and
// about to run its ring (it returns from parkMT to runMT, whose next pick pops
// the ring before any search). If a notifier took the worker off the sleepers
// while it parked, unparkSelf leaves the notifier's count (unparked and
// searching) in place and the worker goes on as the searcher it was counted
// as, exactly as after transitionFromParked. Other workers may steal the
// tasks meanwhile, as from any ring. A busy worker's Park(0) queues them the
// same way and notifies a parked worker if its ring then holds more than one
// task.
//
// The tasks a turn's Dispatch queues are published to stealers with one
// atomic store of the ring's tail after the turn (ringOwner.pushBackQuiet),
// not one per task: an atomic store is an exchange on amd64. And while a
// worker runs a task it prefetches the first three cache lines of the next
// one in its ring (the header and the start of an inline future): with many
// connections every task is cold when its turn comes, and those loads were
// an echo server's largest stalls (internal/prefetch; a hint, harmless past
// a small task's end).
//
// Poll fence (fence.go). CloseAfterPolls closes a descriptor once no worker
// is still in a batch of polls that began before the call, so a socket's
// read or write inside a poll on a multi-thread worker (Context.PollFenced)
// checks the socket's closed mark instead of holding a reference count
// around the syscall. Each worker publishes the global epoch it read at the
// start of each batch (no store when it has not moved, so nothing per batch
// while nothing closes), or 0 while parked; CloseAfterPolls advances the
// epoch after the caller set its closed mark, and the descriptor waits in a
// queue until every worker publishes 0 or a newer epoch; the next worker to
// start a batch or park closes it. A worker that published the new epoch
// loaded it after the mark was set, so it sees the mark.
//
// BlockOn on a multi-thread runtime polls the main future on the calling
// goroutine, which sleeps between wake-ups on a pooled parker; any number of
// goroutines may do it at once.
//
// # Shutdown
//
// Shutdown closes the inject queue and the owned-task lists (later spawns are
// cancelled on the spot), stops the workers (each finishes its current poll,
// gives the driver back and exits; ShutdownTimeout bounds the wait), then on
// the calling goroutine cancels every task that has not completed: Cancel
// runs exactly once per task, joiners get a cancelled JoinError. A task stuck
// in a poll on a worker that did not stop is marked CANCELLED and cancelled by
// that worker when the poll returns. Then the blocking pool is shut down and
// the driver closed: no goroutine and no descriptor of the runtime is left.
// Live tasks are listed for this in shards by task id, each behind its own
// mutex (Tokio's OwnedTasks); the current-thread runtime keeps one
// owner-only list.
//
// Owned tasks. Which tasks are on a list, and when: a task spawned from
// outside the runtime's polls is bound at spawn (on the current-thread
// runtime, when the core takes it off the inject queue); a task spawned
// from a poll on a worker (SpawnIn, SpawnAsync) is bound only when its
// first poll returns pending — by the worker that polled it, which still
// holds its RUNNING bit, so no other worker can complete it first — or
// when it goes to a ring without being polled (displaced from the LIFO
// slot, left there for lack of budget, or spawned while the slot was
// taken: rings hold bound tasks only, because a steal moves entries where
// no dump can see them). A spawned task that completes in its first poll
// (a chain of spawns, spawn_many's children) never takes a shard lock and
// writes no list links. Every task unbinds at completion, on any worker.
// Until it is bound, the runtime still finds such a task in exactly one
// place. Multi-thread: its worker's LIFO slot, while never polled; then
// the firstPoll word of the worker that takes it out of a slot (its own,
// or a parking stealer taking another's), stored before the take (and
// cleared again if another worker took the task first) and not cleared
// after the poll, so it is read as "unbound and not complete";
// or, displaced from the slot by a wake and on its way to the ring, the
// worker's displaced word, stored the same way before the swap.
// Current-thread: the core's local queue, or, during its first poll, the
// core's Context (a counter of unbound tasks keeps the live-task gauge
// exact).
//
// What Shutdown sees: it closes the shards and then sets the shut flag;
// after waiting for the workers it empties every LIFO slot and cancels
// the never-polled tasks it finds there. A worker still in a poll past
// ShutdownTimeout that spawns into its slot afterwards reads the flag
// after its store, and whichever of the two comes second finds the task
// (sequentially consistent atomics) and cancels it unpolled: a task
// spawned after Shutdown began is never polled. A first poll that
// suspends after the shards closed cannot bind, and its worker cancels
// the task; so does a worker moving an unbound task from a slot to a
// ring. The current-thread Shutdown holds the core, drains the local queue
// and cancels the unbound tasks in it and the tasks of its held entries
// (see "Held entries"). What dumps see: a multi-thread
// Dump reads the LIFO slots, then the firstPoll and displaced words, then
// the shards, and lists each task once; in that order a task is missed
// only if it was spawned after the dump began (one taken from a slot after
// the slot was read was in one of the two words first; one bound after
// that word was read is on its shard when the shard is read). The LiveTasks gauge adds the
// same reads to the shards' counts; a task bound between them counts
// twice, so the gauge is exact while nothing is being spawned. A
// current-thread dump, taken by the core holder, adds the unbound tasks of
// the local queue and the one in its first poll to the owned list.
//
// Locked instructions per spawn. On this machine each atomic
// read-modify-write (and each atomic store, an XCHG on amd64) costs as much
// as a dozen ordinary instructions, so the spawn path keeps only those that
// order something. What nobody else can see yet is written plainly: the new
// task's first state word (taskState.start) and its bound flag (set when it
// goes on an owned list at spawn, the push that publishes the task orders
// both; a task bound later gets it with an atomic OR, under the shard's
// mutex). A task's id comes from a block of 64 that the polling Context takes
// from the process-wide counter (Context.newTaskID), so a spawn from a poll
// adds nothing to a cache line that every worker's spawns share; ids stay
// unique, and follow spawn order per worker. Leaving the owned list does not
// clear the bound flag (an atomic AND, since joiners take the join lock in
// the same word): the list tells from its links whether a task is on it.
// What remains on the current-thread runtime is the compare-and-swap that
// starts the poll and the one that completes the task; a multi-thread spawn
// from a poll adds the LIFO slot's store and the compare-and-swap that
// takes the task out, the firstPoll store and a load of the shut flag (on
// a cache line of its own), and the owned
// shard's lock pair at bind and at unbind only if it is bound (see "Owned
// tasks" above); a spawn from outside always takes both lock pairs.
//
// A panic in a task's Poll is recovered by one deferred recover per batch,
// not per poll; the worker's Context holds the task it is polling, and that task
// completes with a JoinError carrying the value and debug.Stack(). A panic in
// BlockOn's main future propagates out of BlockOn with its original value.
//
// # Frames
//
// A frame is a generated future awaited by a generated future of its package
// (an rt.Frame: PollFrame besides Poll). The driver of a poll — a task,
// BlockOn's main future, direct-mode Await — owns a root future and, from the
// first time it suspends deep, a frame stack (frame.go): the frames its root
// is suspended in, outermost first, the root not included. A task holds the
// stack through a word of its header that holds its JoinError once it
// completes (so frames cost a task no extra bytes), allocated the first time it is
// needed and given back to the polling Context (which keeps a few empty
// ones) when the task unwinds to its root, so a task going deep and back
// allocates nothing in steady state; BlockOn and Await hold theirs in the
// call. The frames themselves are owned by their parents as before (held
// by value in the parent's future, or behind a pointer for recursion): the
// stack only lists them, as integers (each frame's interface words, a
// frameRef). Every frame on a stack is the pending child of its parent,
// which holds it until it has taken the output (after the driver popped
// it), and the parents are reachable from the root, which the driver
// holds; heap objects do not move. So the stack keeps nothing alive and
// needs no pointers: the collector does not scan it (at every collection
// during a deep recursion it would reach every frame a second time) and
// its pushes and pops cost no write barrier. A stack is read only while
// its driver polls; a dropped driver's stack is never read again.
//
// Who is driven. The Context carries the identity (interface type and
// pointer words, held as integers: an identity keeps nothing alive and costs
// no write barrier) of the future the driver polls directly, cx.top. A
// generated future about to poll the frame it awaits calls
// cx.EnterFrame(self, child): if self is cx.top, child becomes cx.top (it
// is driven too) and the call returns true. After the poll, ExitFrame either
// makes self cx.top again (the child completed; self goes on and may await
// another child) or records the pending child. Frames are recorded
// innermost first as the poll unwinds: straight onto the stack when the
// driver is polling a stacked frame (the new segment is reversed in place
// after the poll), into the Context's scratch list when it polls its root
// (the driver then takes a stack and pushes them in reverse). Either way the
// stack's top is the innermost frame. Anything
// that is not a generated await — Select, Join, Timeout, a hand-written
// future, NewContext — leaves cx.top alone, so the futures it polls never
// match it: below a combinator, generated futures poll their children inline,
// exactly as without frames, and nothing there is pushed.
//
// Resuming. At a wake-up the driver polls the top frame (PollFrame). If it is
// pending, any frames it recorded are pushed and the poll ends: one frame
// polled, whatever the depth. If it completed, PollFrame kept its output in
// the frame (a field of the generated future) and marked it completed; the
// driver pops it and at once, in the same poll, polls the frame below it (or
// the root), whose resume code polls its child as always and gets the kept
// output from that poll. So results travel by the ordinary Poll call of the
// parent, named results and evaluation order included, and the generated
// code of a parent is the same whether its child ran on the stack or inline.
// A frame is pushed only at its second suspension (ExitFrame's fresh: the
// child was made in this call of its parent's Poll): a child that completes
// in its first poll (a call that finds its data ready) costs one inline call,
// and a chain that suspends once and unwinds (a call waiting for one reply)
// is re-polled once through its callers — what building it cost — with no
// push and no pop. A frame that suspends again is pushed then; so each frame
// is polled through its callers at most once, and a wake-up's cost does not
// depend on the depth. Frames need not be adjacent on the stack:
// the frames between two entries are re-polled by the lower one on its way
// to the completed one.
//
// Polling again in place. A future that yields (YieldNowFuture) under a
// driver that handles self-wakes sets a flag in the Context instead of
// waking the waker ("Task state"). The current-thread runtime's main
// future, when the runtime has no seed, goes further: the frame driver
// (drive, frameStack.run) asks the Context (Context.repoll) whether it
// may poll the pending top frame — or the root — again at once, and it
// may when the poll ended in such a self-wake and no task waits in the
// worker's queue or the inject queue. That is what the driver's loop
// would do next (poll the main future again, the same frame first),
// without the trip out of the frames, the driver and the loop and back:
// each re-poll counts as a main poll and starts with a full budget, and
// after 64 the loop takes its turn again (so whatever it does between
// two polls of the main future still happens at least that often). A
// program that yields before every statement (the Go-suite harness's)
// spends 93 instructions of the runtime's per yield, where it spent 217
// (counted with valgrind's cachegrind on test/peano.go). Tasks are
// not re-polled in place (their yield lets the other queued tasks run,
// and the multi-thread runtime's other workers may steal), nor is a
// seeded runtime's main future (it draws its next poll at every yield).
//
// Depth threshold. The outermost minPushDepth-1 recorded frames (the root's
// child) are not pushed: the root re-polls them at each wake-up, which is
// cheaper than a push, a pop and the parent's extra poll for the output, and
// a task that never suspends deeper than its root's child allocates no
// stack. So a wake-up costs at most one extra level, at any depth.
//
// Cancellation. The stack is a list, not an owner: Cancel of the root still
// reaches every pending frame through its parent's await field, innermost
// first (a generated Cancel cancels its child before itself), exactly once;
// the driver then drops the stack without cancelling anything on it. The
// recursion is as deep as the await chain, as direct mode's call stack was.
//
// Panics. A panic in the top frame unwinds out of its PollFrame into the
// driver with its original value, and only the frames that were on the Go
// stack — the top frame and the leaves it polls — are between: a task
// completes with a JoinError holding the value and the stack at the panic,
// which shows where it was raised; out of BlockOn and Await the panic
// propagates unchanged. The parents' Poll methods are not on the Go stack, so
// a stack trace shows the innermost frame, not the whole chain of callers
// (direct mode shows them; root-polling showed their Poll methods).
// The futures between the root and the panicking frame are cancelled as the
// panic leaves (see "Defer and recover" below), and after it the driver is
// dropped (the task completes), so its stack is never resumed; the
// Context's scratch list is emptied at the next poll.
//
// Defer and recover. Go runs a callee's deferred calls, then its caller's,
// while a panic climbs the call stack, and a deferred recover in a caller
// stops it; with frames the caller's Poll is not on the Go stack when its
// child panics. Two cases follow. A future with a pending deferred call
// that may recover (a func literal or a function whose body calls recover,
// or a function value or interface method, whose body asyncgen cannot see)
// does not call EnterFrame, so the frame it awaits, and everything below,
// is polled inline from its Poll, which defers the method that runs its
// defers and recovers as Go would (asyncgen's documentation, "Defer, panic
// and recover"): frames are driven only below the innermost such future.
// A future whose pending defers cannot recover (`defer mu.Unlock()`,
// `defer f(&err)`) lets the driver bypass it like any other: when a panic
// or runtime.Goexit leaves a frame the driver polled directly, the driver
// (runStack) cancels the root before the panic goes on, and Cancel reaches
// every bypassed future through its parent's await field and runs its
// pending defers, innermost first, once, while the panic is in flight,
// which is where Go runs a caller's defers as the panic leaves its callee.
// The driver's panic handling is otherwise unchanged (BlockOn propagates
// the original value, a task keeps it in its JoinError); a stack without
// defers pays one deferred call per frame-stack run. The price left is
// the depth-dependent resume for a recursion with a recovering defer
// pending at every level. Cancellation with no panic: each generated
// Cancel cancels its child, then runs its own pending defers (in a
// deferred call, so a defer that panics does not skip the outer ones),
// innermost first, once; the driver drops its stack without cancelling
// anything on it, as before.
//
// Rejected: keeping a child's panic in its frame and raising it again in
// the parent's Poll (the design written before defer was built): the driver
// would need a deferred recover around the top frame whenever a frame has
// defers, and every panic that crossed a frame would be recovered and
// raised again, its trace showing the place of the second raise and Go
// 1.25's "[recovered, repanicked]"; a future with defers pending would gain
// the depth-independent resume only where its children suspend often.
//
// Recycled futures. A frame held behind a pointer (a recursive call: the
// callee can reach its caller, so its future cannot be a field of the
// caller's) would cost an allocation per call, and a recursion that goes d
// deep again and again would allocate d futures each time and leave them to
// the GC. The generated caller instead takes the callee's future from the
// callee's FramePool (framepool.go) and gives it back, zeroed, once the
// await has its output; a future that was cancelled or panicked is never
// given back (nothing else can reach a completed child: the driver popped
// it before its parent took the output, and the identities in the Context
// are integers). The futures live in the polling Context, a list per future
// type indexed by a number each FramePool takes at its first Put, so a
// worker reuses them for any task it polls, without a lock. A Context keeps
// at most what completed since the last garbage collection: at its first
// Put or frame-stack use after a collection (a finalizer counts them) it
// drops its pools and the frame stacks grown past maxKeptPushed, so what a
// deep recursion needed is kept for the next one until the GC runs, as a
// goroutine keeps its grown stack until the GC shrinks it. A pool with
// nothing kept (a recursion's first descent, or the first after a
// collection) allocates futures in blocks of about 1 KB (FramePool.refill)
// and keeps the rest of the block: one allocation, and one object for the
// collector to mark and sweep, per block instead of per call; a block is
// freed once none of its futures is referenced, so at most a block's worth
// is kept by one long-lived future or held unused by a Context. Frame
// stacks and pools grow by doubling: append grows a large slice by a quarter at a time,
// which copies a stack that grows a frame at a time about five times its
// final size. Methods and generic functions are still awaited through their
// twins, which allocate a future per call.
//
// Cost. Per await of a frame: EnterFrame and ExitFrame (a few compares and
// stores, inlined). Per frame that suspends twice: one append to the stack
// (16 bytes a frame, amortized), and when it completes one pop, one
// PollFrame and one more Poll of the frame by its parent. Per recursive
// call: a FramePool Get and Put (12 ns together, BenchmarkFramePool, where
// new costs 60-100 ns plus its share of GC) instead of an allocation.
// Memory: the frame stack's 16 bytes a frame plus the output a frame keeps
// (its result type's size; nothing for no results). Measured with
// internal/genbench's Deep (a recursion, then yields at the bottom; go test
// -bench ResumeDepth -count 8, alternating with the binary before the
// recycling and self-wake change, medians on a 2-core machine at load 18-28):
// one suspension at depth 1, 10, 100, 1000, 10,000 costs 84, 89, 70, 63, 67
// ns (before: 141, 122, 122, 118, 179; polling from the root cost 129, 239,
// 1269, 13778, 150817 ns in an earlier measurement). A task suspended 10,000
// deep holds 112 bytes a level (BenchmarkDeepFrameBytes). Chain10 (a
// ten-deep recursion that suspends at the bottom, per op) went from 13
// allocations and 944 B to 3 and 144 B, 3.9 to 2.1 µs.
//
// Go's test/peano.go made async by internal/gotest (every function async, a
// yield before every statement: 4,874,867 polls of the main future, a
// recursion 362,880 deep), built as a program in a module replacing corio
// by the checkout, 11 runs alternated with plain Go and with the program
// generated and run by the revision before (medians; 2 cores shared with
// other work). Before the in-place re-poll, the integer stack and the
// block-allocated pools: at load 3.5, 0.44 s of wall and 0.54 s of CPU
// (user+sys) against plain Go's 0.04 and 0.05 s, about 11x. After, at load
// 5: 0.46 s wall and 0.42 s CPU against 0.70 and 0.57 s before and 0.10
// and 0.08 s for plain Go (4.6x wall, 5.4x CPU; before 7.0x and 7.4x); at
// load 11: 1.08 and 0.43 s against 1.46 and 0.56 s before and 0.15 and
// 0.07 s plain (7.3x and 6.4x; before 9.9x and 8.4x). A quarter less CPU
// and a quarter to a third less wall time, which puts a quiet machine's 11x
// at about 8x. Counted by valgrind's cachegrind, which no load disturbs:
// plain Go runs 0.49 billion instructions, the program before 3.56
// billion (2.20 with GOGC=off), after 2.37 (1.55 with GOGC=off). It
// allocates 85 MB in 515,000 objects (before: 911,000) with 6 or 7
// collections (a program that runs the generated main under BlockOn and
// reads runtime.MemStats). What remains, by cachegrind: the generated
// Poll methods and the numbers' allocation (about 40%), the collector
// marking the 362,880 live futures of count's recursion and the numbers,
// all alive at once, and the write barriers of the futures' pointer
// stores while it marks (about a third: plain Go's frames are on its
// goroutine stack, which never triggers a collection, and it runs none),
// and the runtime's share of a yield (about 20%: the frame driver's loop
// and re-poll check, PollFrame, the yield's budget and self-wake). Packing
// the futures tighter (an int32 state beside the 1-byte yields: count's
// future 112 to 80 bytes, add's 160 to 128), tried by hand on the
// generated file before this change, changed nothing measurable here (0.50
// against 0.51 s of CPU); asyncgen packs them so since, for the memory of
// suspended tasks (an idle connection's handler is one).
//
// Rejected: pushing every child before its first poll (a child that completes
// at once would cost a push, a pop and three calls instead of one); cancelling
// the frames from the stack's top down (each parent's Cancel would reach its
// cancelled child again); identifying frames by their pointer alone (a
// hand-written future whose first field is a generated future would pass for
// it and let it push frames from inside a combinator); a stack per worker
// instead of per driver (a task suspended deep must keep its frames while
// other tasks run).
//
// # Promises and behaviour at the time of writing
//
// Promises: the API above; the waker rules; Abort and Shutdown call Cancel
// exactly once; a panicking task yields a JoinError and never stops the
// runtime; so does a task that calls runtime.Goexit (t.FailNow included),
// which cannot be stopped and ends the goroutine polling it: a multi-thread
// worker and the default runtime's driver go on on a new goroutine, and a
// goroutine in BlockOn of a current-thread runtime ends, as in plain Go; direct-mode blocking on a runtime goroutine panics rather than
// deadlocks; a wake-up is never lost and a task is never polled concurrently;
// the budget is enforced per task poll.
//
// Behaviour at the time of writing, which may change: the budget is 128; the
// event interval is 61; the global-queue interval is adaptive (2..127) on the
// multi-thread runtime and 61 on the current-thread one; the ring holds 256;
// LIFO polls are capped at 3; a current-thread inject refill takes 64; plain
// Wake goes through the inject queue; the default runtime is a single
// current-thread runtime whose driving goroutine exits when the runtime has no
// task left (not merely when its tasks wait: it then sleeps on its channel);
// YieldNowAsync allocates one tiny object per call; a spawn allocates the task
// (one allocation) beside the future the caller built, except that
// SpawnInlineIn, SpawnInlineAsync and their kin (asyncgen uses the first
// for a generated future made on the spot) copy the future into the task: one allocation for both; metrics are published
// once per batch and when a worker parks (see "Metrics"); concurrent BlockOn calls on one
// current-thread runtime are serialized.
//
// # Alternatives rejected
//
//   - A goroutine per task: the stack (2–8 KiB) per suspended task is what
//     corio avoids; a goroutine per direct-mode spawn was rejected for the same
//     reason.
//   - A mutex per task instead of the state word: a lock held across a
//     wake-vs-poll race serializes wakers behind the poll.
//   - Separate allocations for handle, spawn future and join future: they are
//     the task seen through other method sets (type conversions of *task[T]).
//   - A deferred recover per poll: measurable on a 30 ns poll path; one per
//     batch does the same job.
//   - Cancelling an idle task inline on the aborting goroutine: it would run
//     the future's Cancel on an arbitrary goroutine concurrently with the
//     runtime; like Tokio, Abort queues the task and its runtime cancels it.
//   - A zero-allocation YieldNowAsync: the future must remember that it
//     already yielded. A value type converted to Future[struct{}] is an
//     immutable copy, and keeping the flag in the task misbehaves when two
//     yields are pending in one task or one is cancelled by a select. So
//     YieldNowAsync allocates a 1-byte object (Go's tiny allocator); the yield
//     itself is allocation-free. The flag lives in the caller's state instead
//     when the caller holds MakeYieldNow's YieldNowFuture by value, as
//     generated code does.
//   - A shutdown distributed over the workers (Tokio's, where each worker
//     cancels what its queues hold): stopping the workers first and then
//     cancelling on one goroutine needs no cross-worker protocol beyond the
//     stale-entry rule, and Cancel runs on the caller of Shutdown, as on the
//     current-thread runtime.
//   - Notifying a parked worker for every LIFO placement: it would wake a
//     worker for each message of a ping-pong pair that the current worker runs
//     next anyway (Tokio does not either); a lone LIFO task in the public
//     slot is instead stealable by a worker about to park.
//
// # Sources
//
//   - Tokio: runtime/task/state.rs, task/mod.rs (the state word, waker
//     rules), runtime/task/join.rs, runtime/coop.rs (budget),
//     runtime/scheduler/current_thread/mod.rs, multi_thread/{worker,queue,
//     idle,park}.rs (rings, LIFO slot, searching, parking on the driver),
//     runtime/task/list.rs (OwnedTasks).
//   - Go: src/runtime/proc.go (spinning Ms, wakep, runnext, netpoll with a
//     pollUntil) and src/runtime/chan.go.
package rt
