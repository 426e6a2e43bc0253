package rt

import (
	"encoding/json"
	"expvar"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// sumWorkers adds up f over a snapshot's workers.
func sumWorkers(s MetricsSnapshot, f func(WorkerMetrics) uint64) uint64 {
	var n uint64
	for _, w := range s.Workers {
		n += f(w)
	}
	return n
}

// N tasks spawned from outside, each yielding k times, on a current-thread
// runtime: every counter that the workload determines is exact.
func TestMetricsExactCurrentThread(t *testing.T) {
	const n, k = 7, 5
	r := NewCurrentThreadWith(WithPollTimeHistogram())
	defer r.Shutdown()
	var hs []*JoinHandle[int]
	for range n {
		hs = append(hs, SpawnOn[int](r, &counterFuture{t: t, k: k}))
	}
	// A task spawned from inside a poll counts on the worker.
	inner := 0
	BlockOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
		if inner == 0 {
			inner++
			h, _ := SpawnAsync[int](&counterFuture{t: t, k: k}).Poll(cx)
			hs = append(hs, h)
		}
		for _, h := range hs {
			if !h.IsFinished() {
				YieldNowAsync().Poll(cx)
				return struct{}{}, false
			}
		}
		return struct{}{}, true
	}))
	s := r.MetricsSnapshot()
	m := s.Metrics
	if m.Polls != (n+1)*(k+1) || m.Spawned != n+1 || m.Completed != n+1 || m.LiveTasks != 0 || m.QueueDepth != 0 {
		t.Fatalf("polls %d spawned %d completed %d live %d depth %d; want %d %d %d 0 0",
			m.Polls, m.Spawned, m.Completed, m.LiveTasks, m.QueueDepth, (n+1)*(k+1), n+1, n+1)
	}
	if m.InjectTakes != n {
		t.Errorf("InjectTakes = %d, want %d (the tasks spawned from outside)", m.InjectTakes, n)
	}
	if m.Steals != 0 || m.StolenTasks != 0 || m.LIFOHits != 0 || m.SlowPolls != 0 {
		t.Errorf("multi-thread or slow-poll counters moved on current-thread: %+v", m)
	}
	if m.Parks != m.Unparks {
		t.Errorf("Parks %d != Unparks %d with nobody parked", m.Parks, m.Unparks)
	}
	if len(s.Workers) != 1 {
		t.Fatalf("%d workers, want 1", len(s.Workers))
	}
	w := s.Workers[0]
	if w.Polls != m.Polls || w.Spawned != 1 || w.Completed != n+1 || w.InjectTakes != n || w.MainPolls != m.MainPolls {
		t.Errorf("worker %+v disagrees with totals %+v", w, m)
	}
	if s.PollTimes == nil || len(s.PollTimes.Counts) != pollTimeBuckets || len(s.PollTimes.Bounds) != pollTimeBuckets-1 {
		t.Fatalf("histogram %+v", s.PollTimes)
	}
	var hist uint64
	for _, c := range s.PollTimes.Counts {
		hist += c
	}
	if hist != m.Polls || !slices.Equal(w.PollTimes, s.PollTimes.Counts) {
		t.Errorf("histogram counts %v (sum %d), worker's %v; want sum %d = Polls", s.PollTimes.Counts, hist, w.PollTimes, m.Polls)
	}
}

// Timers fired and driver turns on a paused clock: each sleeping task's
// timer fires exactly once, in a driver turn of the one worker.
func TestMetricsTimersFired(t *testing.T) {
	const n = 5
	r := NewCurrentThreadWith(WithPausedClock(time.Unix(1e9, 0)))
	defer r.Shutdown()
	for i := range n {
		SpawnOn(r, SleepAsync(time.Duration(i+1)*time.Second))
	}
	BlockOn(r, SleepAsync(time.Hour))
	m := r.Metrics()
	if m.TimersFired != n+1 { // and the main future's
		t.Errorf("TimersFired = %d, want %d", m.TimersFired, n+1)
	}
	if m.DriverTurns < m.Parks || m.Parks == 0 {
		t.Errorf("DriverTurns %d, Parks %d: every park is a turn, and the sleeps needed some", m.DriverTurns, m.Parks)
	}
	if m.IOEvents != 0 {
		t.Errorf("IOEvents = %d with no descriptor", m.IOEvents)
	}
}

// An imbalanced multi-thread load: one task spawns many onto its own worker
// and then blocks that worker until a task of the batch ran on another one,
// which can only have got it by stealing.
func TestMetricsStealsMultiThread(t *testing.T) {
	const n = 64
	r := NewMultiThread(WithWorkers(2))
	var ranOn [2]atomic.Int32
	spawner := SpawnOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
		home := cx.w.index
		for range n {
			SpawnAsync(PollFunc(func(cx *Context) (struct{}, bool) {
				ranOn[cx.w.index].Add(1)
				return struct{}{}, true
			})).Poll(cx)
		}
		for ranOn[1-home].Load() == 0 {
			runtime.Gosched() // hold this worker: the batch must be stolen
		}
		return struct{}{}, true
	}))
	if _, err := spawner.Join(); err != nil {
		t.Fatal(err)
	}
	for ranOn[0].Load()+ranOn[1].Load() < n {
		runtime.Gosched()
	}
	r.Shutdown() // the workers flush their last counts as they exit
	s := r.MetricsSnapshot()
	m := s.Metrics
	if m.Steals == 0 || m.StolenTasks < m.Steals {
		t.Fatalf("Steals %d, StolenTasks %d: want at least one steal moving at least one task each", m.Steals, m.StolenTasks)
	}
	if m.Polls != n+1 || m.Completed != n+1 || m.Spawned != n+1 {
		t.Errorf("polls %d completed %d spawned %d, want %d each", m.Polls, m.Completed, m.Spawned, n+1)
	}
	if len(s.Workers) != 2 {
		t.Fatalf("%d workers", len(s.Workers))
	}
	for i, w := range s.Workers {
		if w.Parks != w.Unparks {
			t.Errorf("worker %d: Parks %d != Unparks %d after shutdown", i, w.Parks, w.Unparks)
		}
	}
	checks := []struct {
		name  string
		total uint64
		f     func(WorkerMetrics) uint64
	}{
		{"Polls", m.Polls, func(w WorkerMetrics) uint64 { return w.Polls }},
		{"Steals", m.Steals, func(w WorkerMetrics) uint64 { return w.Steals }},
		{"StolenTasks", m.StolenTasks, func(w WorkerMetrics) uint64 { return w.StolenTasks }},
		{"Parks", m.Parks, func(w WorkerMetrics) uint64 { return w.Parks }},
		{"DriverTurns", m.DriverTurns, func(w WorkerMetrics) uint64 { return w.DriverTurns }},
	}
	for _, c := range checks {
		if got := sumWorkers(s, c.f); got != c.total {
			t.Errorf("%s: workers sum to %d, total %d", c.name, got, c.total)
		}
	}
	// The spawner's worker stole nothing while it was held; the other
	// worker ran what it stole.
	if got := uint64(ranOn[0].Load() + ranOn[1].Load()); got != n {
		t.Errorf("%d tasks ran, want %d", got, n)
	}
}

// tracedBlocker is a hand-written future that says where it is: Line is its
// poll count. Its first `blocking` polls block the worker for d each.
type tracedBlocker struct {
	polls, blocking int
	d               time.Duration
}

func (f *tracedBlocker) Poll(cx *Context) (struct{}, bool) {
	f.polls++
	if f.polls <= f.blocking {
		time.Sleep(f.d) // the bug slow-poll detection is for
	}
	if f.polls > f.blocking {
		return struct{}{}, true
	}
	cx.Waker().Wake()
	return struct{}{}, false
}

func (f *tracedBlocker) Trace() Trace {
	return Trace{Func: "test.blocker", File: "example.com/x/blocker.go", Line: f.polls, Awaiting: &leafTracer{}}
}

type leafTracer struct{}

func (*leafTracer) Poll(*Context) (struct{}, bool) { return struct{}{}, false }
func (*leafTracer) Trace() Trace                   { return Trace{Func: "test.leaf", Detail: "waiting"} }

// A task whose polls block twice is reported once, with its trace as it
// stood after the first slow poll; both polls are counted.
func TestSlowPollReportedOncePerTask(t *testing.T) {
	const threshold = 20 * time.Millisecond
	var mu sync.Mutex
	var reports []SlowPoll
	r := NewCurrentThreadWith(WithName("slowrt"), WithSlowPollThreshold(threshold), WithSlowPollHandler(func(s SlowPoll) {
		mu.Lock()
		reports = append(reports, s)
		mu.Unlock()
	}))
	defer r.Shutdown()
	h := SpawnOn[struct{}](r, &tracedBlocker{blocking: 2, d: threshold + 5*time.Millisecond})
	BlockOn(r, h.JoinAsync())
	mu.Lock()
	defer mu.Unlock()
	var mine []SlowPoll
	for _, s := range reports {
		if s.TaskID == h.ID() {
			mine = append(mine, s)
		}
	}
	if len(mine) != 1 {
		t.Fatalf("%d reports for the blocking task, want 1: %v", len(mine), mine)
	}
	s := mine[0]
	if s.Duration < threshold || s.Runtime != "slowrt" || s.Worker != 0 {
		t.Errorf("report %+v", s)
	}
	want := []Trace{
		{Func: "test.blocker", File: "example.com/x/blocker.go", Line: 1},
		{Func: "test.leaf", Detail: "waiting"},
	}
	if !slices.Equal(s.Trace, want) {
		t.Errorf("trace %v, want %v (taken right after the first slow poll)", s.Trace, want)
	}
	if got, wantS := s.String(), `task `+fmt.Sprint(h.ID())+` polled for `+s.Duration.String()+` on worker 0 of runtime "slowrt": test.blocker at example.com/x/blocker.go:1 → test.leaf (waiting)`; got != wantS {
		t.Errorf("String() = %q\nwant        %q", got, wantS)
	}
	if m := r.Metrics(); m.SlowPolls < 2 {
		t.Errorf("SlowPolls = %d, want at least the blocking task's 2", m.SlowPolls)
	}
}

// Without a threshold nothing is timed or reported.
func TestSlowPollOffByDefault(t *testing.T) {
	r := NewCurrentThread()
	defer r.Shutdown()
	if r.obs != nil {
		t.Fatal("a runtime without options has an observer: every poll pays for it")
	}
	BlockOn(r, SpawnOn[struct{}](r, &tracedBlocker{blocking: 1, d: time.Millisecond}).JoinAsync())
	if s := r.MetricsSnapshot(); s.SlowPolls != 0 || s.PollTimes != nil || s.Workers[0].PollTimes != nil {
		t.Fatalf("slow polls %d, histogram %v", s.SlowPolls, s.PollTimes)
	}
}

// hookLog records hook calls as "event id".
type hookLog struct {
	mu  sync.Mutex
	evs []string
}

func (l *hookLog) add(ev string) func(TaskMeta) {
	return func(m TaskMeta) {
		l.mu.Lock()
		l.evs = append(l.evs, fmt.Sprintf("%s %d", ev, m.ID))
		l.mu.Unlock()
	}
}

func (l *hookLog) hooks() TaskHooks {
	return TaskHooks{OnSpawn: l.add("spawn"), BeforePoll: l.add("before"), AfterPoll: l.add("after"), OnComplete: l.add("complete")}
}

// Hooks fire in order with the right ids, on the current-thread runtime,
// where the order of everything is fixed: a task yielding once, a task
// aborted before its first poll, a task that panics.
func TestHooksOrderCurrentThread(t *testing.T) {
	var l hookLog
	r := NewCurrentThreadWith(WithTaskHooks(l.hooks()))
	defer r.Shutdown()
	a := SpawnOn[int](r, &counterFuture{t: t, k: 1})
	b := SpawnOn[int](r, &counterFuture{t: t, k: 1})
	b.Abort()
	c := SpawnOn(r, panicky("boom"))
	BlockOn(r, c.JoinAsync())
	BlockOn(r, a.JoinAsync())
	want := []string{
		fmt.Sprint("spawn ", a.ID()), fmt.Sprint("spawn ", b.ID()), fmt.Sprint("spawn ", c.ID()),
		fmt.Sprint("before ", a.ID()), fmt.Sprint("after ", a.ID()),
		fmt.Sprint("complete ", b.ID()),                                // cancelled without a poll
		fmt.Sprint("before ", c.ID()), fmt.Sprint("complete ", c.ID()), // no AfterPoll for a panic
		fmt.Sprint("before ", a.ID()), fmt.Sprint("after ", a.ID()), fmt.Sprint("complete ", a.ID()),
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !slices.Equal(l.evs, want) {
		t.Fatalf("hooks\n got %v\nwant %v", l.evs, want)
	}
}

// On a multi-thread runtime each task's own events are in order: spawn,
// then before/after pairs, then complete, whichever workers ran it.
func TestHooksOrderMultiThread(t *testing.T) {
	const n, k = 50, 3
	var l hookLog
	r := NewMultiThread(WithWorkers(2), WithTaskHooks(l.hooks()))
	hs := make([]*JoinHandle[int], n)
	for i := range hs {
		hs[i] = SpawnOn[int](r, &counterFuture{t: t, k: k})
	}
	for _, h := range hs {
		if _, err := h.Join(); err != nil {
			t.Fatal(err)
		}
	}
	r.Shutdown()
	per := map[string][]string{}
	l.mu.Lock()
	for _, e := range l.evs {
		var ev, id string
		fmt.Sscan(e, &ev, &id)
		per[id] = append(per[id], ev)
	}
	l.mu.Unlock()
	want := []string{"spawn"}
	for range k + 1 {
		want = append(want, "before", "after")
	}
	want = append(want, "complete")
	for _, h := range hs {
		if got := per[fmt.Sprint(h.ID())]; !slices.Equal(got, want) {
			t.Errorf("task %d: %v, want %v", h.ID(), got, want)
		}
	}
	if len(per) != n {
		t.Errorf("hooks saw %d tasks, want %d", len(per), n)
	}
}

// The expvar variable is the snapshot as JSON.
func TestPublishExpvar(t *testing.T) {
	r := NewCurrentThreadWith(WithName("expvar-test"), WithPollTimeHistogram())
	defer r.Shutdown()
	name := fmt.Sprintf("corio_test_%p", r)
	expvar.Publish(name, r.MetricsVar())
	BlockOn(r, SpawnOn[int](r, &counterFuture{t: t, k: 3}).JoinAsync())
	v := expvar.Get(name)
	if v == nil {
		t.Fatal("not published")
	}
	var got MetricsSnapshot
	if err := json.Unmarshal([]byte(v.String()), &got); err != nil {
		t.Fatalf("expvar output is not JSON: %v\n%s", err, v.String())
	}
	if got.Name != "expvar-test" || got.Polls != 4 || got.Spawned != 1 || len(got.Workers) != 1 || got.Workers[0].Polls != 4 {
		t.Fatalf("decoded %+v", got)
	}
	if got.PollTimes == nil || got.PollTimes.Bounds[0] != 1024*time.Nanosecond {
		t.Fatalf("histogram %+v", got.PollTimes)
	}
	// Every field of Metrics appears in the JSON under its Go name.
	var raw map[string]any
	json.Unmarshal([]byte(v.String()), &raw)
	for _, k := range []string{"Polls", "Steals", "StolenTasks", "Parks", "Unparks", "LIFOHits", "InjectTakes", "BudgetYields", "QueueDepth", "DriverTurns", "IOEvents", "TimersFired", "LiveTasks", "Spawned", "BlockingThreads", "BlockingQueueDepth", "Workers"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("expvar JSON lacks %s", k)
		}
	}
}

// The blocking pool's gauges: one goroutine allowed, three jobs held.
func TestMetricsBlockingPool(t *testing.T) {
	r := NewCurrentThreadWith(WithMaxBlocking(1))
	defer r.Shutdown()
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	var hs []*JoinHandle[int]
	BlockOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
		for i := range 3 {
			h, _ := SpawnBlockingAsync(func() int { started <- struct{}{}; <-release; return i }).Poll(cx)
			hs = append(hs, h)
		}
		return struct{}{}, true
	}))
	<-started
	m := r.Metrics()
	if m.BlockingThreads != 1 || m.BlockingIdle != 0 || m.BlockingQueueDepth != 2 {
		t.Errorf("threads %d idle %d queued %d; want 1 0 2", m.BlockingThreads, m.BlockingIdle, m.BlockingQueueDepth)
	}
	close(release)
	for range 2 {
		<-started
	}
	for _, h := range hs {
		BlockOn(r, h.JoinAsync()) // the handles complete on r
	}
	if m := r.Metrics(); m.BlockingThreads != 1 || m.BlockingQueueDepth != 0 {
		t.Errorf("after: threads %d queued %d; want 1 0", m.BlockingThreads, m.BlockingQueueDepth)
	}
}

func TestPollTimeBucket(t *testing.T) {
	bounds := PollTimeBounds()
	for _, c := range []struct {
		ns   int64
		want int
	}{{-1, 0}, {0, 0}, {1023, 0}, {1024, 1}, {2047, 1}, {2048, 2}, {1<<24 - 1, 14}, {1 << 24, 15}, {1 << 40, 15}} {
		b := pollTimeBucket(c.ns)
		if b != c.want {
			t.Errorf("bucket(%d) = %d, want %d", c.ns, b, c.want)
		}
		// The bucket agrees with the published bounds.
		if b < len(bounds) && time.Duration(c.ns) >= bounds[b] || b > 0 && time.Duration(c.ns) < bounds[b-1] {
			t.Errorf("%dns in bucket %d outside its bounds %v", c.ns, b, bounds)
		}
	}
}

// The slow-poll bit is a flag of its own: below the spawn-time stamp the
// task dump keeps in the same word, and none of the other flags.
func TestFlagSlowReportedIsFree(t *testing.T) {
	if flagSlowReported >= 1<<flagSpawnShift {
		t.Fatalf("flagSlowReported %#x overlaps the spawn stamp (bits %d and up)", flagSlowReported, flagSpawnShift)
	}
	for _, f := range []uint32{flagBound, flagSpawned, flagJoinLock, flagNamed} {
		if f&flagSlowReported != 0 {
			t.Fatalf("flagSlowReported %#x shares a bit with %#x", flagSlowReported, f)
		}
	}
	// A reported task keeps its spawn age.
	var reported *JoinHandle[struct{}]
	r := NewCurrentThreadWith(WithSlowPollThreshold(time.Nanosecond), WithSlowPollHandler(func(SlowPoll) {}))
	defer r.Shutdown()
	reported = SpawnOn[struct{}](r, &tracedBlocker{blocking: 1, d: time.Microsecond})
	stamp := reported.task().flags.Load() >> flagSpawnShift
	BlockOn(r, reported.JoinAsync())
	h := &reported.task().taskHeader
	if h.flags.Load()&flagSlowReported == 0 || h.flags.Load()>>flagSpawnShift != stamp {
		t.Fatalf("flags %#x after a report; spawn stamp was %d", h.flags.Load(), stamp)
	}
}
