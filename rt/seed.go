package rt

// Seeded scheduling: a current-thread runtime whose every scheduling choice
// is drawn from one seeded generator, so that a test replays an interleaving
// bit for bit and other seeds explore others. The user-facing contract is in
// doc.go, "Seeded scheduling"; rt/rttest builds Explore on it.
//
// How. A seeded runtime keeps the current-thread scheduler's queues, wakers
// and park protocol and replaces only its loop (driveSeeded): at every step
// it moves whatever waits in the inject queue to the local queue and draws
// the next thing to poll uniformly among all that is runnable — every queued
// task, plus BlockOn's main future when it was woken. A step polls one task
// once. Select's first branch comes from the worker's own generator (see
// randIndex), which a seeded runtime starts from the seed, so the non-seeded
// path is untouched: no branch, no load on any poll. Timers that fire at the
// same instant wake their tasks into the local queue in the wheel's order,
// and the next draw picks among them, so their order is seeded too.
//
// Why no simulated workers. One goroutine polls everything, so the only
// choice a scheduler makes is which runnable thing it polls next. A uniform
// draw over everything runnable can produce every order of polls that any
// placement of tasks on workers (LIFO slots, stealing half a ring, the
// inject queue's interval) can produce; simulating workers would only make
// some of those orders likelier, and would cost a second set of queues to
// keep in step with the real ones. What neither can produce is two polls
// that overlap in time, as they do on a multi-thread runtime: a seed
// explores interleavings at poll granularity, which is where async code
// suspends and where its ordering bugs live; data races inside one poll are
// the race detector's job.
//
// Determinism holds while everything that wakes a task runs on the goroutine
// in BlockOn: tasks, their leaves, the paused clock. A wake from another
// goroutine (a SpawnBlocking job finishing, a goroutine the test started, a
// socket becoming readable) lands in the inject queue whenever the Go
// scheduler lets it, and the draw that sees it depends on that timing.

// WithSeed makes a current-thread runtime draw its scheduling choices from
// seed: which runnable task (or BlockOn's main future) it polls next, and
// which branch a Select polls first. With a paused clock (WithPausedClock)
// and a program whose wake-ups all come from its own tasks and timers, one
// seed always gives the same order of polls; other seeds give other orders.
// See doc.go, "Seeded scheduling", and rt/rttest, which builds such runtimes
// and explores seeds.
//
// Only NewCurrentThreadWith takes it; NewMultiThread panics, since the order
// of a multi-thread runtime's polls is the Go scheduler's to choose.
func WithSeed(seed uint64) Option {
	return func(c *config) { c.seeded, c.seed = true, seed }
}

// WithScheduleTrace calls f with the task ID (JoinHandle.ID) of every task a
// seeded runtime polls, in order, and with 0 for every poll of BlockOn's main
// future. f runs on the polling goroutine, between polls; it must not block
// or call into the runtime. It needs WithSeed (NewCurrentThreadWith panics
// without it). Task IDs are process-wide, so two runs number the same tasks
// differently; rt/rttest's PollOrder renumbers them by first appearance.
func WithScheduleTrace(f func(task uint64)) Option {
	return func(c *config) { c.scheduleTrace = f }
}

// checkSeedOptions panics on seeding options that the runtime being built
// cannot honour.
func checkSeedOptions(c *config, multi bool) {
	if multi && c.seeded {
		panic("corio/rt: WithSeed needs a current-thread runtime (NewCurrentThreadWith)")
	}
	if c.scheduleTrace != nil && !c.seeded {
		panic("corio/rt: WithScheduleTrace needs WithSeed")
	}
}

// seedState is a seeded runtime's generator and trace hook (core holder only).
type seedState struct {
	x     uint64            // splitmix64 state
	trace func(task uint64) // nil: no trace
	steps int               // task polls since the driver was last polled
}

// newSeedState returns the state for c, or nil if c is not seeded. It also
// seeds the core's Select generator.
func newSeedState(c config, core *worker) *seedState {
	if !c.seeded {
		return nil
	}
	sd := &seedState{x: c.seed, trace: c.scheduleTrace}
	// xorshift32 (randIndex) must not start at 0: it would stay there.
	core.rand = uint32(sd.next()) | 1
	return sd
}

// next steps splitmix64 (Steele, Lea, Flood 2014): every seed, 0 included,
// starts a full-period sequence, and it is the same on every Go version.
func (sd *seedState) next() uint64 {
	sd.x += 0x9e3779b97f4a7c15
	z := sd.x
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// intN returns a draw in [0, n) (Lemire's multiply-shift; the bias for n
// far below 2^32 is negligible for a test scheduler).
func (sd *seedState) intN(n int) int {
	return int((sd.next() >> 32) * uint64(n) >> 32)
}

// driveSeeded is drive for a seeded runtime (see the top of this file): one
// poll per step, of a task or of main, drawn from everything runnable.
func (s *currentThread) driveSeeded(c *worker, main func(cx *Context) bool) {
	sd := s.seed
	// again: main woke itself through a yield during its last poll (see
	// drive); it stays runnable until it is drawn.
	again := false
	for {
		if s.dumpReq.Load() != nil {
			s.serveDump(c) // no draw: the schedule stays the seed's
		}
		if c.noHold {
			c.noHold = s.tracing.Load() != 0
		}
		for h := c.popInjectCT(); h != nil; h = c.popInjectCT() {
			c.local.push(h)
		}
		n := c.local.len()
		mainReady := main != nil && (again || s.mainWoken.Load())
		choices := n
		if mainReady {
			choices++
		}
		if choices == 0 {
			// Nothing runnable: sleep in the driver, which on a paused
			// clock jumps to the next timer and queues what it wakes here.
			s.park(c, main != nil)
			continue
		}
		k := sd.intN(choices)
		if k == n {
			s.mainWoken.Store(false)
			if sd.trace != nil {
				sd.trace(0)
			}
			var done bool
			if done, again = s.pollMain(c, main); done {
				return
			}
			continue
		}
		c.local.swapFront(k)
		c.runBatch(1, (*worker).popSeeded)
		if sd.steps++; sd.steps >= s.eventInterval {
			sd.steps = 0
			s.flush(c)
			s.pollDriver(c)
		}
	}
}

// popSeeded takes the task driveSeeded drew (swapped to the front) and
// reports it to the trace.
func (c *worker) popSeeded() *taskHeader {
	h, tag := c.local.pop()
	c.held = tag
	if f := c.rt.sched.(*currentThread).seed.trace; f != nil && h != nil {
		f(h.id)
	}
	return h
}

// swapFront exchanges the oldest queued task with the k-th oldest.
func (q *localQueue) swapFront(k int) {
	m := len(q.buf) - 1
	i, j := q.head, (q.head+k)&m
	q.buf[i], q.buf[j] = q.buf[j], q.buf[i]
}
