// Package rttest runs async code under seeded schedules, to find and replay
// ordering bugs.
//
// A bug that depends on the order in which tasks run — a check-then-act
// across a suspension point, a message that overtakes another, a timer that
// fires "at the same time" as a wake-up — passes most runs and fails some.
// rttest makes the order a function of a seed:
//
//	rttest.Explore(t, 100, func(t *testing.T, r *rt.Runtime) {
//		bal := rt.BlockOn(r, TransferAsync(acct))
//		if bal < 0 {
//			t.Fatalf("balance %d", bal)
//		}
//	})
//
// runs the body under seeds 1 … 100, each on a fresh runtime, stops at the
// first seed that fails and prints it with the command that replays it:
//
//	CORIO_SEED=37 go test -run '^TestTransfer$' ./bank
//
// # The seeded runtime
//
// New(seed) is a current-thread runtime built with rt.WithSeed(seed) on a
// paused clock (rt.WithPausedClock) starting at Epoch. One goroutine, the one
// in BlockOn, polls everything; at each step it draws, from a generator
// seeded with seed, which of the runnable tasks (or BlockOn's main future, if
// it was woken) it polls next, and each Select draws its first branch from
// the same seeded source. Time is virtual: it stands still while anything is
// runnable and jumps to the next timer when nothing is, and timers that fire
// at the same instant wake their tasks in a drawn order too. So:
//
//   - the same seed replays the same interleaving, poll for poll (PollOrder
//     records the order; two runs give equal traces), and
//   - different seeds explore different interleavings: every order in which
//     tasks can be polled has a nonzero chance under some seed, where a plain
//     current-thread runtime always picks the same one.
//
// What is drawn: the next task to poll among all runnable ones, and a
// select's first branch. What is deterministic without a draw: the order in
// which a JoinSet hands out results (completion order, which the schedule
// fixes), syncx's waiter queues (first come, first served), and the virtual
// clock.
//
// # What a seed cannot replay
//
// Determinism holds for programs whose goroutines are all tasks of the
// runtime: everything that wakes a task must happen on the goroutine in
// BlockOn. Three things break it, and a test that uses them explores
// orders but does not replay them exactly:
//
//   - rt.SpawnBlocking, and anything else that runs on a goroutine of its
//     own (an rt.Async future built in plain Go rather than lowered inside
//     an async function runs its func on one): its result arrives
//     from another goroutine whenever the Go scheduler finishes the job, and
//     which draw sees it depends on that timing;
//   - real I/O: a socket becomes readable when the kernel says so;
//   - goroutines the test starts itself that wake tasks, and the process
//     default runtime (plain rt.Spawn outside a task), which is not seeded.
//
// A seeded schedule also interleaves at poll granularity: one poll runs to
// its end before the next begins. That is where async code suspends, so it is
// where ordering bugs between tasks live; two polls overlapping in time, as on
// a multi-thread runtime, are not simulated (there are no virtual workers: a
// draw over every runnable task already reaches every poll order that a
// placement on workers could produce). Data races inside a poll are for
// go test -race.
//
// # Replaying
//
// Explore names each run "seed=S" (a subtest). With CORIO_SEED=S set in the
// environment it runs that seed alone; the replay command it prints sets it
// and selects the test with -run. CORIO_EXPLORE=N explores N seeds instead of
// the test's n, and CORIO_FIRST_SEED=F starts at F instead of 1, so a long
// search can run apart from the test suite. FindFailure is Explore for code
// that expects a failure, and Run and PollOrder run one future under one seed.
//
// A program that deadlocks under some seed (every task waits for another,
// no timer is armed) hangs as any deadlocked test does, until go test's
// -timeout ends it; the panic's list of running tests names the subtest, and
// so the seed: "TestTransfer/seed=37".
//
// A replay is exact for one build of the program: the draws are tied to the
// order in which tasks are spawned and woken, so a change to the code under
// test (or to corio's scheduler) may send the same seed down another path.
// A seed that found a bug belongs in a regression test only together with an
// Explore over many seeds.
package rttest
