package rt

import "time"

// TaskMeta describes the task a hook is called for.
type TaskMeta struct {
	ID uint64 // the task's id (JoinHandle.ID)
}

// TaskHooks are functions a runtime calls at points of every task's life
// (Tokio's task hooks). Each may be nil. They run on the goroutine that does
// the work — the spawner, the polling worker, the completing goroutine —
// synchronously, so they must be quick, must not block and must not panic (a
// panic in BeforePoll or AfterPoll fails the task being polled, as if its
// poll had panicked; one in OnSpawn propagates to the spawner, and one in
// OnComplete may end the program). A runtime without hooks pays a nil check
// before and after each poll.
type TaskHooks struct {
	// OnSpawn is called when a task is spawned onto the runtime, before it
	// can be polled (on the spawning goroutine).
	OnSpawn func(TaskMeta)
	// BeforePoll and AfterPoll are called around each poll of a task, on the
	// worker polling it. AfterPoll is not called when the poll panics; a
	// task cancelled without being polled gets neither.
	BeforePoll func(TaskMeta)
	AfterPoll  func(TaskMeta)
	// OnComplete is called once when the task completes — returned,
	// panicked or cancelled — before its joiners are released.
	OnComplete func(TaskMeta)
}

// WithTaskHooks installs hooks on the runtime; see TaskHooks.
func WithTaskHooks(h TaskHooks) Option {
	return func(c *config) { c.observe.hooks = h }
}

// spawned runs the OnSpawn hook for h, which is not started yet.
func (o *observer) spawned(h *taskHeader) {
	if o.hooks.OnSpawn != nil {
		o.hooks.OnSpawn(TaskMeta{ID: h.id})
	}
}

// beforePoll runs the BeforePoll hook for h and returns the clock reading
// that starts the poll's timing (0 when polls are not timed).
func (o *observer) beforePoll(h *taskHeader) int64 {
	if o.hooks.BeforePoll != nil {
		o.hooks.BeforePoll(TaskMeta{ID: h.id})
	}
	if o.timed {
		return int64(time.Since(clockBase))
	}
	return 0
}

// completing runs the OnComplete hook for h, which its completer is
// finishing.
func (o *observer) completing(h *taskHeader) {
	if o.hooks.OnComplete != nil {
		o.hooks.OnComplete(TaskMeta{ID: h.id})
	}
}
