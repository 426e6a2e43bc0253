package rt

import (
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// gateLeaf is a hand-written leaf that waits until opened; it says what it
// waits for, as netx and syncx leaves do.
type gateLeaf struct {
	mu     sync.Mutex
	open   bool
	waker  Waker
	detail string
	polls  *atomic.Int64 // optional: counts pending polls
}

func (l *gateLeaf) Poll(cx *Context) (struct{}, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open {
		return struct{}{}, true
	}
	l.waker = cx.Waker()
	if l.polls != nil {
		l.polls.Add(1)
	}
	return struct{}{}, false
}

func (l *gateLeaf) Trace() Trace {
	l.mu.Lock() // the waking side writes these: the leaf guards them
	defer l.mu.Unlock()
	return Trace{Func: "test.gate", Detail: l.detail}
}

func (l *gateLeaf) release() {
	l.mu.Lock()
	l.open = true
	w := l.waker
	l.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

// handlerFuture stands for a generated future: it awaits its child and says
// at which line.
type handlerFuture struct {
	fn    string
	line  int
	child Future[struct{}]
}

func (h *handlerFuture) Poll(cx *Context) (struct{}, bool) { return h.child.Poll(cx) }

func (h *handlerFuture) Trace() Trace {
	return Trace{Func: h.fn, File: "example.com/srv/server.go", Line: h.line, Awaiting: h.child}
}

// connTask is a handler suspended two awaits deep on its own gate.
func connTask(i int, polls *atomic.Int64) (*handlerFuture, *gateLeaf) {
	leaf := &gateLeaf{detail: fmt.Sprintf("conn %d, waiting readable", i), polls: polls}
	return &handlerFuture{fn: "srv.Handler", line: 41,
		child: &handlerFuture{fn: "srv.readFrame", line: 88, child: leaf}}, leaf
}

// waitFor spins (yielding) until cond holds; the test's own timeout bounds it.
func waitFor(cond func() bool) {
	for !cond() {
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
}

func TestDumpCurrentThread(t *testing.T) {
	r := NewCurrentThreadWith(WithName("ct"))
	defer r.Shutdown()
	const n = 50
	var polls atomic.Int64
	leaves := make([]*gateLeaf, n)
	handles := make([]*JoinHandle[struct{}], n)
	for i := range leaves {
		var f *handlerFuture
		f, leaves[i] = connTask(i, &polls)
		if i == 0 {
			handles[i] = SpawnNamedOn[struct{}](r, "conn 0", f)
		} else {
			handles[i] = SpawnOn[struct{}](r, f)
		}
	}
	// Nobody drives r: the tasks sit unadopted in the inject queue.
	d := r.Dump()
	if len(d.Tasks) != n || d.Tasks[0].State != TaskScheduled || d.Tasks[0].Name != "conn 0" || d.Blocked {
		t.Fatalf("before BlockOn: %d tasks, first %+v, blocked %v", len(d.Tasks), d.Tasks[0], d.Blocked)
	}
	// Dumps while a BlockOn drives r: served by its goroutine.
	main := &gateLeaf{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		BlockOn[struct{}](r, main)
	}()
	waitFor(func() bool { return polls.Load() == n })
	d = r.Dump()
	if len(d.Tasks) != n || d.Flavor != "current-thread" || d.Runtime != "ct" {
		t.Fatalf("dump: %d tasks, %s %q", len(d.Tasks), d.Flavor, d.Runtime)
	}
	for i, ti := range d.Tasks {
		if ti.ID != handles[i].ID() || ti.State != TaskIdle || ti.Polls != 1 || len(ti.Stack) != 3 {
			t.Fatalf("task %d: %+v", i, ti)
		}
		want := fmt.Sprintf("srv.Handler at example.com/srv/server.go:41 srv.readFrame at example.com/srv/server.go:88 test.gate (conn %d, waiting readable)", i)
		if got := ti.Stack[0].String() + " " + ti.Stack[1].String() + " " + ti.Stack[2].String(); got != want {
			t.Fatalf("task %d stack %q, want %q", i, got, want)
		}
	}
	// The ages come from a clock that ticks once a second, so a test slowed
	// down (-race, a loaded machine) may see a tick between the spawns and
	// the dump: any age up to a few seconds reads as "age A" below.
	text := dumpAges.ReplaceAllString(d.String(), "age A,")
	for _, want := range []string{
		"corio runtime ct (current-thread, 1 workers): 50 tasks",
		fmt.Sprintf("\n50 tasks [idle, age A, 1 poll]: ids %d", handles[0].ID()),
		"\tsrv.Handler at example.com/srv/server.go:41\n\tsrv.readFrame at example.com/srv/server.go:88\n\ttest.gate (varies; first: conn 0, waiting readable)\n",
	} {
		// The ids are the process's: compare with the first one as it is
		// (replacing its digits throughout the text turned "50 tasks" into
		// "10 tasks" whenever the first id was 5).
		if !strings.Contains(text, want) {
			t.Errorf("grouped text lacks %q:\n%s", want, text)
		}
	}
	var full strings.Builder
	d.WriteText(&full, 2)
	if want := fmt.Sprintf("\ntask %d \"conn 0\" [idle, age A, 1 poll]:\n\tsrv.Handler at", handles[0].ID()); !strings.Contains(dumpAges.ReplaceAllString(full.String(), "age A,"), want) {
		t.Errorf("debug=2 text lacks %q:\n%s", want, full.String())
	}
	if strings.Count(full.String(), "\ntask ") != n {
		t.Errorf("debug=2 text has %d tasks", strings.Count(full.String(), "\ntask "))
	}
	// Half complete; the dump lists the rest.
	for i := 0; i < n; i += 2 {
		leaves[i].release()
	}
	for i := 0; i < n; i += 2 {
		handles[i].Join()
	}
	if d := r.Dump(); len(d.Tasks) != n/2 || d.Tasks[0].ID != handles[1].ID() {
		t.Fatalf("after completions: %d tasks", len(d.Tasks))
	}
	main.release()
	<-done
	for i := 1; i < n; i += 2 {
		leaves[i].release()
	}
	BlockOn(r, handles[n-1].JoinAsync())
	if d := r.Dump(); len(d.Tasks) != 0 {
		t.Fatalf("after all completed: %d tasks", len(d.Tasks))
	}
}

// spinFuture polls once for as long as spin is set: a poll that blocks its
// worker.
type spinFuture struct {
	in   atomic.Bool
	spin atomic.Bool
}

func (f *spinFuture) Poll(*Context) (struct{}, bool) {
	f.in.Store(true)
	for f.spin.Load() {
		runtime.Gosched()
	}
	return struct{}{}, true
}

func TestDumpMultiThreadRunningTask(t *testing.T) {
	r := NewMultiThread(WithWorkers(2))
	defer r.Shutdown()
	var polls atomic.Int64
	var leaves []*gateLeaf
	for i := 0; i < 20; i++ {
		f, l := connTask(i, &polls)
		leaves = append(leaves, l)
		SpawnOn[struct{}](r, f)
	}
	spin := &spinFuture{}
	spin.spin.Store(true)
	h := SpawnNamedOn[struct{}](r, "spinner", spin)
	waitFor(func() bool { return polls.Load() == 20 && spin.in.Load() })
	d := r.Dump()
	if len(d.Tasks) != 21 || d.Workers != 2 || d.Blocked {
		t.Fatalf("%d tasks, %d workers", len(d.Tasks), d.Workers)
	}
	last := d.Tasks[20]
	if last.ID != h.ID() || last.State != TaskRunning || last.Worker < 0 || last.Worker > 1 || last.Stack != nil || last.Name != "spinner" {
		t.Fatalf("spinning task: %+v", last)
	}
	if !strings.Contains(d.String(), "\n1 task [running on worker ") {
		t.Errorf("text:\n%s", d.String())
	}
	spin.spin.Store(false)
	h.Join()
	for _, l := range leaves {
		l.release()
	}
	if h.Name() != "" {
		t.Errorf("name after completion: %q", h.Name())
	}
	if _, ok := taskNames.Load(h.ID()); ok {
		t.Error("name entry left after completion")
	}
}

// TestDumpBlockedCurrentThread: a poll that never returns keeps the dump
// from the task list; it reports Blocked instead of waiting forever.
func TestDumpBlockedCurrentThread(t *testing.T) {
	old := dumpWaitLimit
	dumpWaitLimit = 20 * time.Millisecond
	defer func() { dumpWaitLimit = old }()
	r := NewCurrentThread()
	defer r.Shutdown()
	spin := &spinFuture{}
	spin.spin.Store(true)
	done := make(chan struct{})
	go func() {
		defer close(done)
		BlockOn[struct{}](r, spin)
	}()
	waitFor(spin.in.Load)
	d := r.Dump()
	spin.spin.Store(false)
	<-done
	if !d.Blocked || len(d.Tasks) != 0 || !strings.Contains(d.String(), "BLOCKED") {
		t.Fatalf("dump of a blocked runtime: %+v", d)
	}
}

// TestDumpConcurrent dumps repeatedly while tasks wake and yield on every
// worker: under -race this checks that no future is read while polled.
func TestDumpConcurrent(t *testing.T) {
	for _, multi := range []bool{false, true} {
		var r *Runtime
		if multi {
			r = NewMultiThread(WithWorkers(3))
		} else {
			r = NewCurrentThread()
		}
		const n = 64
		var stop atomic.Bool
		hs := make([]*JoinHandle[struct{}], n)
		for i := range hs {
			f := &churnFuture{stop: &stop}
			hs[i] = SpawnOn[struct{}](r, f)
		}
		done := make(chan struct{})
		if !multi {
			go func() {
				defer close(done)
				BlockOn(r, hs[n-1].JoinAsync())
			}()
		}
		// Dump at least 50 times, and on until a dump has seen a polled
		// task: with GOMAXPROCS=1 (go test -cpu 1) the workers may not have
		// run yet when the first 50 dumps are done.
		seen := 0
		for i := 0; i < 50 || seen == 0 && i < 1_000_000; i++ {
			if i >= 50 {
				runtime.Gosched()
			}
			d := r.Dump()
			for _, ti := range d.Tasks {
				if ti.State != TaskRunning && (len(ti.Stack) != 1 || ti.Stack[0].Func != "test.churn") {
					t.Fatalf("task %+v", ti)
				}
				if ti.Polls > 0 {
					seen++
				}
			}
		}
		stop.Store(true)
		if !multi {
			<-done
		}
		for _, h := range hs {
			if multi {
				h.Join()
			} else {
				BlockOn(r, h.JoinAsync())
			}
		}
		r.Shutdown()
		if seen == 0 {
			t.Errorf("multi=%v: no dump saw a polled task", multi)
		}
	}
}

// churnFuture yields until stop; its Trace reads the state its Poll writes.
type churnFuture struct {
	stop *atomic.Bool
	n    int
}

func (f *churnFuture) Poll(cx *Context) (struct{}, bool) {
	f.n++
	if f.stop.Load() {
		return struct{}{}, true
	}
	cx.Waker().Wake()
	return struct{}{}, false
}

func (f *churnFuture) Trace() Trace { return Trace{Func: "test.churn", Line: f.n % 2} }

func TestDumpAgeAndClock(t *testing.T) {
	r := NewCurrentThread()
	defer r.Shutdown()
	f, l := connTask(0, nil)
	h := SpawnOn[struct{}](r, f)
	// Pretend it was spawned 90 seconds earlier.
	ht := &h.t.taskHeader
	stamp := ht.flags.Load() >> flagSpawnShift
	if now := coarseNowSec(); stamp == 0 || stamp > now || now-stamp > 2 {
		t.Fatalf("stamp %d, now %d", stamp, now)
	}
	// Ninety seconds later, by the dump's clock.
	d := TaskDump{Tasks: traceTasks([]*taskHeader{ht}, stamp+90)}
	if age := d.Tasks[0].Age; age != 90*time.Second {
		t.Fatalf("age %v", age)
	}
	if !strings.Contains(d.String(), "age 1m30s") {
		t.Errorf("text:\n%s", d.String())
	}
	l.release()
	BlockOn(r, h.JoinAsync())

	// The clock stops after a tick with no spawn, and the next spawn
	// restarts it.
	coarseClock.mu.Lock()
	gen := coarseClock.gen
	coarseClock.mu.Unlock()
	tickCoarseClock(gen)
	tickCoarseClock(gen)
	if s := coarseClock.sec.Load(); s != 0 {
		t.Fatalf("clock still running after idle ticks: %d", s)
	}
	if spawnSec() == 0 || coarseClock.sec.Load() == 0 {
		t.Fatal("spawn did not restart the clock")
	}
	// The stopped timer's generation is over: its tick changes nothing.
	coarseClock.mu.Lock()
	last := coarseClock.lastID
	coarseClock.mu.Unlock()
	nextTaskID.Add(1) // as if a task was spawned
	tickCoarseClock(gen)
	coarseClock.mu.Lock()
	stale := coarseClock.lastID != last
	coarseClock.mu.Unlock()
	if stale {
		t.Fatal("a stale timer ticked the clock")
	}
}

func TestRuntimesRegistry(t *testing.T) {
	r := NewCurrentThreadWith(WithName("registered"))
	found := func() bool {
		for _, x := range Runtimes() {
			if x == r {
				return true
			}
		}
		return false
	}
	if !found() {
		t.Fatal("new runtime not listed")
	}
	r.Shutdown()
	if found() {
		t.Fatal("shut down runtime still listed")
	}
}

func TestSpawnNamedAsync(t *testing.T) {
	r := NewCurrentThread()
	defer r.Shutdown()
	f, l := connTask(0, nil)
	var h *JoinHandle[struct{}]
	BlockOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
		h, _ = SpawnNamedAsync[struct{}]("worker", f).Poll(cx)
		return struct{}{}, true
	}))
	if h.Name() != "worker" {
		t.Fatalf("Name() = %q", h.Name())
	}
	d := r.Dump()
	if len(d.Tasks) != 1 || d.Tasks[0].Name != "worker" {
		t.Fatalf("dump %+v", d.Tasks)
	}
	l.release()
	BlockOn(r, h.JoinAsync())
	// Cancelled before its first poll: nothing spawned, no name recorded.
	g := SpawnNamedAsync[struct{}]("never", &gateLeaf{}).(*namedSpawnFuture[struct{}])
	if _, ok := taskNames.Load(g.t.id); ok {
		t.Fatal("name recorded before the spawn")
	}
}

// TestDumpSeeded: a seeded runtime's driving loop serves dumps too.
func TestDumpSeeded(t *testing.T) {
	r := NewCurrentThreadWith(WithSeed(7))
	defer r.Shutdown()
	var polls atomic.Int64
	var leaves []*gateLeaf
	for i := 0; i < 5; i++ {
		f, l := connTask(i, &polls)
		leaves = append(leaves, l)
		SpawnOn[struct{}](r, f)
	}
	main := &gateLeaf{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		BlockOn[struct{}](r, main)
	}()
	waitFor(func() bool { return polls.Load() == 5 })
	d := r.Dump()
	main.release()
	<-done
	if d.Blocked || len(d.Tasks) != 5 || d.Tasks[4].State != TaskIdle {
		t.Fatalf("seeded dump: blocked %v, %d tasks", d.Blocked, len(d.Tasks))
	}
	for _, l := range leaves {
		l.release()
	}
}

// TestDumpFromInsideTask: a task may dump its own runtime; it sees itself
// running and the others where they wait.
func TestDumpFromInsideTask(t *testing.T) {
	for _, multi := range []bool{false, true} {
		var r *Runtime
		if multi {
			r = NewMultiThread(WithWorkers(2))
		} else {
			r = NewCurrentThread()
		}
		f, l := connTask(0, nil)
		other := SpawnOn[struct{}](r, f)
		var d TaskDump
		var self *JoinHandle[struct{}]
		self = SpawnOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
			d = r.Dump()
			return struct{}{}, true
		}))
		BlockOn(r, self.JoinAsync())
		l.release()
		BlockOn(r, other.JoinAsync())
		r.Shutdown()
		if d.Blocked || len(d.Tasks) != 2 {
			t.Fatalf("multi=%v: blocked %v, %d tasks", multi, d.Blocked, len(d.Tasks))
		}
		if me := d.Tasks[1]; me.ID != self.ID() || me.State != TaskRunning || me.Stack != nil {
			t.Fatalf("multi=%v: the dumping task: %+v", multi, me)
		}
	}
}

// dumpAges matches a dump's age, or age range, of up to 9 seconds.
var dumpAges = regexp.MustCompile(`age (<1s|[1-9]s)( to [1-9]s)?,`)
