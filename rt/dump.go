package rt

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// TaskState is what a task was doing when a dump saw it.
type TaskState uint8

const (
	// TaskIdle: suspended, waiting for a wake-up.
	TaskIdle TaskState = iota
	// TaskScheduled: woken (or just spawned), waiting in a run queue.
	TaskScheduled
	// TaskRunning: being polled (or cancelled) on a worker; its future
	// belongs to that worker, so the dump does not read it.
	TaskRunning
)

func (s TaskState) String() string {
	switch s {
	case TaskIdle:
		return "idle"
	case TaskScheduled:
		return "scheduled"
	case TaskRunning:
		return "running"
	}
	return "TaskState(" + strconv.Itoa(int(s)) + ")"
}

// MarshalText makes a TaskState read as its name in JSON.
func (s TaskState) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// MaxTaskPolls is where TaskInfo.Polls saturates.
const MaxTaskPolls = pollCountMax

// TaskInfo is one live task in a TaskDump.
type TaskInfo struct {
	ID   uint64 // JoinHandle.ID
	Name string // SpawnNamed's name, "" if none
	// State, and for a running task the index of the worker polling it (-1
	// when unknown: Shutdown is cancelling it, or the index is past 125).
	State TaskState
	// Cancelled: cancellation was requested (Abort, Shutdown); the runtime
	// cancels the task at its next turn.
	Cancelled bool
	Worker    int32
	// Age is the time since the task was spawned, in whole seconds (it may
	// read up to a second long: spawns stamp it from a clock refreshed
	// once a second).
	Age time.Duration
	// Polls counts the task's polls that returned pending, saturating at
	// MaxTaskPolls. On the current-thread runtime a run of polls that
	// each end in a yield (YieldNow) counts as one.
	Polls uint32
	// Stack is the task's await chain, outermost future first, down to the
	// leaf it is suspended on (see Tracer); nil for a running task.
	Stack []Trace
}

// TaskDump is a snapshot of a runtime's live tasks: Runtime.Dump.
type TaskDump struct {
	Runtime string // Runtime.Name
	Flavor  string // "current-thread" or "multi-thread"
	Workers int
	Time    time.Time // when the dump started
	// Tasks are the live tasks, by ID (roughly spawn order; see JoinHandle.ID). A task that completes
	// while the dump runs may be missing or listed; one spawned meanwhile
	// may be missing.
	Tasks []TaskInfo
	// Took is how long Dump took in all. Pause is the longest time it kept
	// the runtime from something: a multi-thread runtime's spawns and
	// completions of one shard of its task list while Dump copied that
	// shard's pointers; a current-thread runtime's whole progress while its
	// driving goroutine copied the task list at a poll boundary. Workers
	// are never stopped otherwise: each task is held (from being polled)
	// only while its own chain is read.
	Took, Pause time.Duration
	// Blocked reports a current-thread runtime whose driving goroutine did
	// not reach a poll boundary within a second: one poll is blocking
	// the runtime. Tasks is then empty.
	Blocked bool
}

// dumpWaitLimit bounds how long Dump waits for a current-thread runtime's
// driving goroutine to finish the poll it is in (a variable for tests).
var dumpWaitLimit = time.Second

// dumpMu serializes dumps: one pending request per current-thread runtime.
var dumpMu sync.Mutex

// taskLister is implemented by the schedulers: it returns every live task
// (possibly some that complete meanwhile) and the longest pause it imposed.
type taskLister interface {
	listTasks(out []*taskHeader) ([]*taskHeader, time.Duration, bool)
}

// Dump returns a snapshot of r's live tasks: for each, its id, name, state,
// age, poll count and where it is suspended (the chain of awaited futures
// down to the leaf). It may be called from any goroutine, also while r runs
// and from inside r's own tasks (the calling task is listed as running). See
// "Task dump" in the package documentation for what it costs the runtime.
func (r *Runtime) Dump() TaskDump {
	dumpMu.Lock()
	defer dumpMu.Unlock()
	start := time.Now()
	d := TaskDump{Runtime: r.name, Time: start, Flavor: "current-thread", Workers: 1}
	if m, ok := r.sched.(*multiThread); ok {
		d.Flavor, d.Workers = "multi-thread", len(m.workers)
	}
	if ct, ok := r.sched.(*currentThread); ok {
		// No held entries until the futures are read (copyTasks).
		ct.tracing.Add(1)
		defer ct.tracing.Add(-1)
	}
	var hs []*taskHeader
	if l, ok := r.sched.(taskLister); ok && !r.closed.Load() {
		var ok bool
		hs, d.Pause, ok = l.listTasks(nil)
		d.Blocked = !ok
	}
	d.Tasks = traceTasks(hs, coarseNowSec())
	d.Took = time.Since(start)
	return d
}

// listTasks copies the tasks in no shard (multiThread.unlisted), then each
// shard of the owned list under its mutex, leaving out what it copied first.
func (m *multiThread) listTasks(out []*taskHeader) ([]*taskHeader, time.Duration, bool) {
	var pause time.Duration
	extra := m.unlisted(nil)
	for i := range m.owned {
		s := &m.owned[i]
		// Make room before holding the shard (no allocation under it).
		s.mu.Lock()
		n := s.list.n
		s.mu.Unlock()
		out = slices.Grow(out, n+n/8)
		s.mu.Lock()
		t0 := time.Now()
		for h := s.list.head; h != nil; h = h.next {
			if len(extra) == 0 || !slices.Contains(extra, h) {
				out = append(out, h)
			}
		}
		pause = max(pause, time.Since(t0))
		s.mu.Unlock()
	}
	return append(out, extra...), pause, true
}

// ctDumpReq is a dump's request to a current-thread runtime's core holder.
type ctDumpReq struct {
	tasks []*taskHeader
	pause time.Duration
	done  chan struct{}
}

// listTasks copies the owned list (and the tasks spawned from other
// goroutines that the core has not adopted yet): directly if nobody drives
// the runtime, else through the goroutine that does, at its next poll
// boundary.
func (s *currentThread) listTasks(out []*taskHeader) ([]*taskHeader, time.Duration, bool) {
	if s.drivenHere() {
		// Called from one of the runtime's own polls: this goroutine holds
		// the core, and its lists are between two changes.
		t0 := time.Now()
		out = s.copyTasks(out)
		return out, time.Since(t0), true
	}
	deadline := time.Now().Add(dumpWaitLimit)
	wait := 100 * time.Microsecond
	for {
		if s.coreMu.TryLock() {
			t0 := time.Now()
			out = s.copyTasks(out)
			pause := time.Since(t0)
			s.coreMu.Unlock()
			return out, pause, true
		}
		q := &ctDumpReq{tasks: out, done: make(chan struct{})}
		s.dumpReq.Store(q)
		s.wakeParked()
		t := time.NewTimer(wait)
		select {
		case <-q.done:
			t.Stop()
			return q.tasks, q.pause, true
		case <-t.C:
		}
		if !s.dumpReq.CompareAndSwap(q, nil) {
			<-q.done // the core holder took it: it is copying
			return q.tasks, q.pause, true
		}
		// Withdrawn: the holder may have let go of the core (BlockOn
		// returned) without seeing the request; try the lock again. A
		// Shutdown holding the core lists no tasks worth waiting for.
		if s.r.closed.Load() {
			return out, 0, true
		}
		if time.Now().After(deadline) {
			return out, 0, false
		}
		wait = min(2*wait, 10*time.Millisecond)
	}
}

// serveDump answers a pending dump request; the caller holds the core.
func (s *currentThread) serveDump(c *worker) {
	q := s.dumpReq.Swap(nil)
	if q == nil {
		return
	}
	t0 := time.Now()
	q.tasks = s.copyTasks(q.tasks)
	q.pause = time.Since(t0)
	close(q.done)
}

// copyTasks appends the owned list, the unbound tasks (in the local queue,
// and the one being polled if the dump comes from its first poll) and the
// unadopted tasks of the inject queue; the caller holds the core.
func (s *currentThread) copyTasks(out []*taskHeader) []*taskHeader {
	c := s.core
	out = slices.Grow(out, c.owned.n+c.unbound) // a current-thread runtime has no shards to split the pause
	for h := c.owned.head; h != nil; h = h.next {
		out = append(out, h)
	}
	// The core holds the RUNNING bit of a held entry's task: it hands
	// them back, so that the dump reads those tasks' futures as queued,
	// and holds none until the dump has read them (tracing).
	c.local.release()
	c.noHold = true
	if c.unbound > 0 {
		if h := c.cx.task; h != nil && h.flags.Load()&flagBound == 0 {
			out = append(out, h)
		}
		for i := range c.local.len() {
			if h, _ := c.local.at(i); h.flags.Load()&flagBound == 0 && h.state.load()&stateComplete == 0 {
				out = append(out, h)
			}
		}
	}
	iq := &s.r.inject
	iq.mu.Lock()
	for h := iq.head; h != nil; h = h.qnext {
		if !h.bound() {
			out = append(out, h)
		}
	}
	iq.mu.Unlock()
	return out
}

// traceTasks builds the TaskInfo of each task still live, by id. The chains
// are appended to chunks of traceChunk Traces, a new chunk whenever fewer
// than maxInlineChain entries are left, so the buffer is not copied as it
// grows (a chain deeper than that reallocates the chunk: the earlier chains
// keep the old array, which stays valid).
func traceTasks(hs []*taskHeader, now uint32) []TaskInfo {
	slices.SortFunc(hs, func(a, b *taskHeader) int { return cmp.Compare(a.id, b.id) })
	infos := make([]TaskInfo, 0, len(hs))
	var chunk []Trace
	for _, h := range hs {
		if cap(chunk)-len(chunk) < maxInlineChain {
			chunk = make([]Trace, 0, traceChunk)
		}
		start := len(chunk)
		info, ok := h.dumpInfo(now, &chunk)
		if !ok {
			continue
		}
		if info.State != TaskRunning {
			info.Stack = chunk[start:len(chunk):len(chunk)]
		}
		infos = append(infos, info)
	}
	return infos
}

const (
	traceChunk     = 4096
	maxInlineChain = 64
)

// dumpInfo describes h, appending its chain to buf unless it is running;
// false means h has completed.
func (h *taskHeader) dumpInfo(now uint32, buf *[]Trace) (TaskInfo, bool) {
	st, locked := h.state.lockTrace()
	if st&stateComplete != 0 {
		return TaskInfo{}, false
	}
	info := TaskInfo{
		ID:        h.id,
		Worker:    -1,
		Cancelled: st&stateCancelled != 0,
		Age:       h.spawnAge(now),
		Polls:     statePolls(st),
	}
	switch {
	case !locked:
		info.State, info.Worker = TaskRunning, int32(stateWorker(st))
	case st&stateNotified != 0:
		info.State = TaskScheduled
	}
	if locked {
		func() {
			// A panicking Trace must not leave the task locked.
			defer h.state.unlockTrace()
			*buf = appendTraceChain(*buf, h.self().future())
		}()
	}
	info.Name = h.name()
	return info, true
}

// String formats d as WriteText(debug 1) does.
func (d *TaskDump) String() string {
	var b strings.Builder
	d.WriteText(&b, 1)
	return b.String()
}

// WriteText writes d like a goroutine dump. With debug <= 1, tasks suspended
// at the same chain of source positions (and in the same state) are one
// group, printed once with their count, age and poll ranges and the first
// few ids (with names) — 100,000 connections waiting in one handler read as one entry.
// With debug >= 2 every task is printed with its own chain.
func (d *TaskDump) WriteText(w io.Writer, debug int) error {
	bw := bufio.NewWriter(w)
	name := d.Runtime
	if name == "" {
		name = "(unnamed)"
	}
	tasks := "tasks"
	if len(d.Tasks) == 1 {
		tasks = "task"
	}
	fmt.Fprintf(bw, "corio runtime %s (%s, %d workers): %d %s; dumped in %v, longest pause %v\n",
		name, d.Flavor, d.Workers, len(d.Tasks), tasks, d.Took.Round(time.Microsecond), d.Pause.Round(10*time.Nanosecond))
	if d.Blocked {
		fmt.Fprintf(bw, "BLOCKED: its driving goroutine did not finish the poll it is in within %v\n", dumpWaitLimit)
	}
	if debug >= 2 {
		for i := range d.Tasks {
			t := &d.Tasks[i]
			bw.WriteString("\ntask " + strconv.FormatUint(t.ID, 10))
			if t.Name != "" {
				bw.WriteString(" " + strconv.Quote(t.Name))
			}
			fmt.Fprintf(bw, " [%s, %s, %s]:\n", stateText(t), ageText(t.Age, t.Age), pollsText(t.Polls, t.Polls))
			writeStack(bw, t.Stack, nil)
		}
		return bw.Flush()
	}
	for _, g := range groupTasks(d.Tasks) {
		t := g.first
		noun := "tasks"
		if g.n == 1 {
			noun = "task"
		}
		fmt.Fprintf(bw, "\n%d %s [%s, %s, %s]:", g.n, noun, stateText(t), ageText(g.minAge, g.maxAge),
			pollsText(g.minPolls, g.maxPolls))
		for i, m := range g.members {
			switch {
			case i > 0:
				bw.WriteString(" ")
			case g.n == 1:
				bw.WriteString(" id ")
			default:
				bw.WriteString(" ids ")
			}
			bw.WriteString(strconv.FormatUint(m.ID, 10))
			if m.Name != "" {
				bw.WriteString(" " + strconv.Quote(m.Name))
			}
		}
		if g.n > len(g.members) {
			bw.WriteString(" …")
		}
		bw.WriteString("\n")
		writeStack(bw, t.Stack, g.vary)
	}
	return bw.Flush()
}

func writeStack(w *bufio.Writer, stack []Trace, vary []bool) {
	for i, tr := range stack {
		if i < len(vary) && vary[i] {
			tr.Detail = "varies; first: " + tr.Detail
		}
		w.WriteString("\t" + tr.String() + "\n")
	}
}

func stateText(t *TaskInfo) string {
	s := t.State.String()
	if t.State == TaskRunning && t.Worker >= 0 {
		s += " on worker " + strconv.Itoa(int(t.Worker))
	}
	if t.Cancelled {
		s += ", cancelling"
	}
	return s
}

// ageText is "age 3m0s" for one task, "age 1s to 5s" for a group.
func ageText(lo, hi time.Duration) string {
	v := func(d time.Duration) string {
		if d < time.Second {
			return "<1s"
		}
		return d.String()
	}
	if lo == hi {
		return "age " + v(lo)
	}
	return "age " + v(lo) + " to " + v(hi)
}

// pollsText is "1 poll" or "7 polls" for one task, "1 to 2 polls" for a
// group; a saturated count reads "1048575+".
func pollsText(lo, hi uint32) string {
	v := func(n uint32) string {
		s := strconv.FormatUint(uint64(n), 10)
		if n == MaxTaskPolls {
			s += "+"
		}
		return s
	}
	if lo != hi {
		return v(lo) + " to " + v(hi) + " polls"
	}
	if lo == 1 {
		return "1 poll"
	}
	return v(lo) + " polls"
}

// taskGroup is the tasks of a dump that share state and source positions.
type taskGroup struct {
	first              *TaskInfo
	n                  int
	members            []*TaskInfo // the first maxGroupIDs
	minAge, maxAge     time.Duration
	minPolls, maxPolls uint32
	vary               []bool // by frame: details differ between the tasks
}

const maxGroupIDs = 5

// groupTasks groups tasks by state and chain of positions, largest first.
func groupTasks(tasks []TaskInfo) []*taskGroup {
	byKey := map[string]*taskGroup{}
	var groups []*taskGroup
	var key []byte // reused: a lookup of string(key) does not allocate
	for i := range tasks {
		t := &tasks[i]
		key = append(key[:0], byte(t.State))
		key = strconv.AppendInt(key, int64(t.Worker), 10)
		if t.Cancelled {
			key = append(key, 'c')
		}
		for _, tr := range t.Stack {
			key = append(key, 0)
			key = append(key, tr.Func...)
			key = append(key, 0)
			key = append(key, tr.File...)
			key = strconv.AppendInt(append(key, 0), int64(tr.Line), 10)
		}
		g := byKey[string(key)]
		if g == nil {
			g = &taskGroup{first: t, minAge: t.Age, maxAge: t.Age, minPolls: t.Polls, maxPolls: t.Polls,
				vary: make([]bool, len(t.Stack))}
			byKey[string(key)] = g
			groups = append(groups, g)
		}
		g.n++
		if len(g.members) < maxGroupIDs {
			g.members = append(g.members, t)
		}
		g.minAge, g.maxAge = min(g.minAge, t.Age), max(g.maxAge, t.Age)
		g.minPolls, g.maxPolls = min(g.minPolls, t.Polls), max(g.maxPolls, t.Polls)
		for j := range g.vary {
			if t.Stack[j].Detail != g.first.Stack[j].Detail {
				g.vary[j] = true
			}
		}
	}
	slices.SortStableFunc(groups, func(a, b *taskGroup) int { return cmp.Compare(b.n, a.n) })
	return groups
}
