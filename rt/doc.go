// Package rt is corio's runtime core: futures, tasks, join handles,
// cancellation, the cooperative budget, and the current-thread scheduler that
// polls tasks. It is the part of corio every other package builds on; see
// DESIGN.md §2–3 for the contract with the code generator.
//
// # Concepts
//
// A Future[T] is a value that becomes ready later. Poll(cx) never blocks: it
// returns (v, true) when the output is ready, or (zero, false) after arranging
// for cx.Waker() to be woken when polling again can make progress. Async
// functions marked //async:func are compiled by asyncgen into state-machine
// futures (the FAsync twin of F); hand-written futures follow the same rules.
// A future's output type follows one rule for generated and hand-written
// futures alike: no results → struct{}, one result → T, several → TupleN
// (fields V0…).
//
// A Context is what Poll receives: the waker, the remaining cooperative
// budget, and, inside a runtime, the scheduler core that is polling (which is
// how SpawnAsync finds "the runtime running the caller"). It is valid only for
// the duration of one Poll; the runtime reuses one Context for all its polls.
//
// A Waker is a one-method interface, Wake(). The waker the runtime hands out
// is the task itself (*task[T]): storing it and waking it allocate nothing.
// Leaves that live outside rt (poller, timewheel) wake through the same
// interface and never import rt.
//
// A task is a spawned future plus its output, one allocation: task[T] holds
// the header the scheduler sees (state word, runtime, list links, join
// waiter), the future, the output and the JoinHandle. SpawnAsync's future and
// JoinAsync's future are the same allocation seen through other method sets.
//
// A JoinHandle[T] waits for the output (Join blocks a goroutine; JoinAsync is
// its twin for async code), cancels the task (Abort) or tests completion
// (IsFinished). A task that panics completes with a *JoinError holding the
// panic value and the stack at recovery; the runtime keeps running its other
// tasks. Dropping a handle detaches the task.
//
// # Cancellation protocol
//
// Go has no destructors, so abandoning a pending future is explicit: a future
// that holds anything implements Canceler, and whoever abandons it calls
// Cancel exactly once, after which it is never polled. For tasks:
//
//  1. Abort sets CANCELLED in the task's state word (see below). A task that is
//     idle is queued so that its runtime cancels it; a queued task is
//     cancelled instead of polled when popped; a running task is cancelled
//     right after the current poll, unless that poll completed it.
//  2. "Cancelled" means: the runtime's goroutine calls Cancel on the task's
//     future (if it implements Canceler) exactly once, stores a JoinError with
//     Cancelled set, and wakes the joiners. A panic in Cancel is recorded in
//     the same JoinError (Value and Stack).
//  3. Runtime.Shutdown cancels every incomplete task the same way, on the
//     goroutine calling Shutdown, and closes the inject queue: later spawns
//     onto the runtime are cancelled at once, later wakes are dropped.
//
// # The cooperative budget
//
// Each task poll starts with 128 units (Tokio's number). Leaf futures — an
// operation that may complete without waiting — call cx.ConsumeBudget() first;
// when it returns false they wake their task and return pending, so a task
// that finds everything ready (a busy channel, a socket that always has data)
// still goes to the back of the queue after 128 operations instead of
// starving its neighbours. Unconstrained(f) polls f with the budget disabled.
// Metrics.BudgetYields counts task polls in which a leaf refused.
//
// # Direct mode and async mode
//
// Every operation that can wait comes as a pair: X blocks the calling
// goroutine ("direct mode", what an async function's source does when called
// as ordinary Go), XAsync returns a future ("async mode", what the generated
// twin calls). In this package: Await/AwaitAsync, JoinHandle.Join/JoinAsync,
// Spawn/SpawnAsync, YieldNow/YieldNowAsync.
//
// Direct mode must never block a goroutine that is driving a runtime: that
// would stall every task of the runtime, silently. Go has no goroutine-local
// storage, so the mark is on the stack: a goroutine drives a runtime inside
// driverFrame, a function never inlined, and Await and Join (when they are
// about to block), BlockOn and Shutdown look for that frame on their own stack
// and panic with "corio/rt: <op> called from inside a task on a runtime
// goroutine; use <op>Async in an async function". The check costs one atomic
// load when no runtime is being driven anywhere and a stack walk (about 1µs)
// when one is — paid only on paths that are about to park a goroutine anyway;
// driving a runtime costs nothing for it. Await of a future that is ready at
// once does not block and is allowed anywhere.
//
// Direct-mode Spawn runs the task on the process default runtime: a
// current-thread runtime driven by one background goroutine that the first
// Spawn starts and that exits when the runtime has no task left. Direct-mode
// tasks thus run one at a time, interleaved at their suspension points, like
// tasks of any current-thread runtime, and tasks they spawn with SpawnAsync
// join them there. SpawnAsync polled outside any runtime (a Context from
// NewContext, as inside Await) spawns there too, so Await(SpawnAsync(f)) and
// Spawn(f) agree. We chose one shared runtime over one goroutine per spawn
// because the latter would make every direct-mode task a goroutine — the cost
// corio exists to avoid — and would put SpawnAsync children on a different
// runtime from their parent.
//
// # Task state
//
// A task's state is one atomic word (state.go, after Tokio's
// runtime/task/state.rs) with four bits: RUNNING (a goroutine owns the future
// and is polling, cancelling or completing it), NOTIFIED (a wake-up is
// pending), COMPLETE (terminal) and CANCELLED (cancellation requested). The
// named states and every legal transition:
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
//	startRun Scheduled(|CANCELLED)  -> Running(|CANCELLED)  runner polls (cancels if CANCELLED)
//	endPoll Running                 -> Idle
//	endPoll RunningNotified         -> Scheduled            runner pushes (local queue)
//	endPoll with CANCELLED          -> unchanged            runner cancels
//	complete Running*               -> Complete(|CANCELLED)
//	shutdown Idle or Scheduled      -> Running|CANCELLED    shutdown cancels
//	shutdown Running*               -> same|CANCELLED       its runner cancels
//
// Each transition is one CAS loop; the word needs no lock and nothing in it
// assumes a single worker, so the multi-thread scheduler reuses it as is.
//
// # Waker rules
//
//  1. Wake may be called from any goroutine, at any time, any number of times:
//     before the first poll, during a poll (from the task itself or from
//     elsewhere), after the task completed. Extra wakes cost at most one
//     spurious poll; a wake after completion does nothing.
//  2. A wake-up is never lost: a wake that lands while the task is being
//     polled sets NOTIFIED, and the runner reads NOTIFIED in the same CAS that
//     clears RUNNING (endPoll), so the task is polled again.
//  3. A task is never polled by two goroutines at once and is never in two run
//     queues: only the goroutine whose CAS moved the task into Scheduled
//     (wake or abort from Idle, endPoll from RunningNotified, spawn) pushes it.
//  4. Waking a task allocates nothing: the waker is the *task.
//  5. A future registers cx.Waker() before it re-checks the condition it waits
//     for (register, then check), because a wake can race with its Poll; a
//     future that returns pending must have arranged a wake-up, or its task
//     waits forever (it costs memory, not a goroutine).
//  6. A task that wakes itself during its own poll (YieldNowAsync, a leaf out
//     of budget) costs no queue operation until the poll ends; the runner
//     then puts it at the back of the local queue, so yielding tasks run
//     round-robin in FIFO order.
//  7. Any other wake goes through the runtime's inject queue: one uncontended
//     mutex, plus one channel send if the driving goroutine is parked. This
//     includes a wake from the driving goroutine itself outside the task's
//     own poll (task A waking task B), because without goroutine-local
//     storage the waker cannot tell who calls it cheaply.
//
// # The current-thread scheduler
//
// A Runtime is driven by whichever goroutine is inside BlockOn (or, for the
// default runtime, the background driver); that goroutine holds coreMu and
// with it the core: the local run queue (a ring buffer, owner-only, no
// locks), the list of owned tasks, and the Context. Other goroutines reach
// the runtime only through the inject queue (a mutex-protected FIFO) and the
// park channel.
//
// The driving loop polls the main future when it was woken, then runs a
// batch of at most 61 tasks (Tokio's event_interval), then starts over. Tasks
// come from the local queue, except that every 61st pick (Tokio's
// global_queue_interval) looks at the inject queue first, so remote wakes
// cannot be starved by tasks that keep waking themselves; when the local
// queue is empty, up to 64 tasks move from the inject queue at once, in
// order, under one lock. A task spawned from another goroutine becomes owned
// by the runtime (listed for Shutdown) when the driver first takes it.
//
// When nothing is runnable the driver parks on a 1-buffered channel. The
// ordering that guarantees no lost wake-up (all atomics sequentially
// consistent):
//
//	driver                                waker
//	1. parked.Store(true)                 a. publish work (inject size, mainWoken)
//	2. re-check inject size, mainWoken    b. CAS parked true→false
//	3. receive on the channel             c. if b succeeded, send one token
//
// Either 1 precedes b, and the waker sends the token that 3 receives, or b
// precedes 1, so a precedes 2 and the driver sees the work. If the driver
// finds work but its own CAS parked true→false fails, a waker is sending a
// token and the driver receives it before going on, so at most one token is
// ever outstanding and a later park never returns early for an old wake.
//
// A panic in a task's Poll is recovered by one deferred recover per batch
// (runBatch), not per poll; the core remembers which task it is polling, and
// that task completes with a JoinError carrying the value and debug.Stack()
// taken inside the deferred function, where the panicking frames are still
// on the stack. A panic in BlockOn's main future is not recovered: it
// propagates out of BlockOn (and Run) with its original value and stack.
//
// # Promises and behaviour at the time of writing
//
// Promises: the API above; the waker rules; Abort/Shutdown call Cancel
// exactly once; a panicking task yields a JoinError and never stops the
// runtime; direct-mode blocking on a runtime goroutine panics rather than
// deadlocks; a wake-up is never lost and a task is never polled concurrently;
// the budget is enforced per task poll and Unconstrained disables it.
//
// Behaviour at the time of writing, which may change: the budget is 128;
// tasks that yield run in FIFO order; the batch and inject intervals are 61
// and the inject refill is 64; wakes from outside a task's own poll go through
// the inject queue; the default runtime is a single current-thread runtime
// whose driver goroutine exits when idle; YieldNowAsync allocates one tiny
// object per call; Metrics counters kept by the driver are published once per
// batch and when it parks or returns; concurrent BlockOn calls on one runtime
// are serialized.
//
// # Alternatives rejected
//
//   - A goroutine per task: the stack (2–8 KiB) per suspended task is what
//     corio avoids; a goroutine per direct-mode spawn was rejected for the same
//     reason (see Direct mode).
//   - A mutex per task instead of the state word: a lock held across a
//     wake-vs-poll race serializes wakers behind the poll; the CAS protocol
//     never waits and is what the multi-thread scheduler needs anyway.
//   - Separate allocations for handle, spawn future and join future: they are
//     the task seen through other method sets (type conversions of *task[T]).
//   - A deferred recover per poll: measurable on a 30 ns poll path; one per
//     batch of 61 polls does the same job.
//   - Cancelling an idle task inline on the aborting goroutine: it would run
//     the future's Cancel on an arbitrary goroutine concurrently with the
//     runtime's own bookkeeping; like Tokio, Abort queues the task and its
//     runtime cancels it (Shutdown, which owns the core, cancels inline).
//   - A zero-allocation YieldNowAsync: the future must remember that it
//     already yielded. A value type converted to Future[struct{}] is an
//     immutable copy (a pointer receiver is impossible), and keeping the flag
//     in the task (a per-poll epoch) misbehaves when two yields are pending in
//     one task or one is cancelled by a select, because the flag is not tied
//     to the future's identity. So YieldNowAsync allocates a 1-byte object
//     (Go's tiny allocator); the yield itself — wake, requeue, poll — is
//     allocation-free, and a hand-written future that keeps its own flag
//     yields with zero allocations (see BenchmarkYield/reused).
//   - Telling local from remote wakes by goroutine id on every Wake:
//     runtime.Stack costs about 1µs, far more than the inject queue's mutex.
//
// # Sources
//
//   - Tokio, tokio/src/runtime/task/state.rs and task/mod.rs (the state word
//     and the numbered waker rules), runtime/task/join.rs, runtime/coop.rs (the
//     budget), runtime/scheduler/current_thread/mod.rs (the driving loop,
//     event_interval, global_queue_interval, block_on).
//   - Go, src/runtime/proc.go (the design-essay form; park/unpark ordering in
//     the spirit of its spinning-M protocol) and src/runtime/chan.go.
package rt
