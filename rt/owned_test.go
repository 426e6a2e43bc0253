package rt

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Tests of the owned lists' contract with Shutdown, dumps and the live-task
// gauge, for tasks spawned from polls: such a task is listed only from its
// first suspension on (see "Owned tasks" in doc.go), so before that the
// runtime must find it in a LIFO slot, firstPoll or the local queue.

// ownedChild is a task spawned from a poll. Its outcome counts 1 when it
// completes and 1 when it is cancelled: every child must end at exactly 1.
type ownedChild struct {
	outcome atomic.Int32
	mode    int // 0: completes in its first poll; 1: pending for ever; 2: yields once, then completes
	polls   int
	late    bool // spawned after Shutdown began: must never be polled
}

func (c *ownedChild) Poll(cx *Context) (struct{}, bool) {
	c.polls++
	switch {
	case c.mode == 1:
		return struct{}{}, false // nobody will wake it: only Shutdown ends it
	case c.mode == 2 && c.polls == 1:
		cx.Waker().Wake()
		return struct{}{}, false
	}
	c.outcome.Add(1)
	return struct{}{}, true
}

func (c *ownedChild) Cancel() { c.outcome.Add(1) }

// ownedSpawner spawns children from its polls, yielding between rounds, until
// the runtime is shut down (it is then cancelled like any pending task).
type ownedSpawner struct {
	mu       *sync.Mutex
	children *[]*ownedChild
	handles  *[]*JoinHandle[struct{}]
	spawned  *atomic.Int64
	seq      int
	// stuck: the first poll waits for release before it spawns, so that its
	// spawns happen after Shutdown gave up waiting for this worker.
	stuck   bool
	entered chan struct{}
	release *atomic.Bool
	// late is closed when the stuck poll has spawned its round (after
	// Shutdown) and recorded every child and handle.
	late chan struct{}
}

func (s *ownedSpawner) Poll(cx *Context) (struct{}, bool) {
	if s.stuck {
		s.stuck = false
		close(s.entered)
		for !s.release.Load() {
			time.Sleep(time.Millisecond)
		}
	}
	for i := 0; i < 4; i++ {
		c := &ownedChild{mode: s.seq % 3, late: s.late != nil}
		s.seq++
		h := SpawnIn[struct{}](cx, c)
		s.mu.Lock()
		*s.children = append(*s.children, c)
		*s.handles = append(*s.handles, h)
		s.mu.Unlock()
		s.spawned.Add(1)
	}
	if s.late != nil {
		close(s.late)
		s.late = nil
	}
	cx.Waker().Wake() // yield: the next round after the others have run
	return struct{}{}, false
}

// TestShutdownCancelsUnlistedSpawns: spawners on every worker spawn children
// from their polls (some complete in their first poll, some never, some after
// a yield) while the runtime is shut down. Every child ends exactly once,
// completed or cancelled, and its handle is finished; nothing stays live. On
// the multi-thread runtime one spawner's poll outlasts ShutdownTimeout and
// spawns into its LIFO slot after Shutdown emptied the slots: those children
// are cancelled too, by the worker, when the poll returns.
func TestShutdownCancelsUnlistedSpawns(t *testing.T) {
	for _, fl := range []struct {
		name  string
		new   func() *Runtime
		stuck bool
	}{
		{"current", NewCurrentThread, false},
		{"multi4", func() *Runtime { return NewMultiThread(WithWorkers(4)) }, true},
		{"multi2-ring4", func() *Runtime { return NewMultiThread(WithWorkers(2), WithLocalQueueCapacity(4)) }, false},
	} {
		for round := 0; round < 5; round++ {
			t.Run(fmt.Sprintf("%s/%d", fl.name, round), func(t *testing.T) {
				r := fl.new()
				var mu sync.Mutex
				var children []*ownedChild
				var handles []*JoinHandle[struct{}]
				var spawned atomic.Int64
				release := &atomic.Bool{}
				newSpawner := func() *ownedSpawner {
					return &ownedSpawner{mu: &mu, children: &children, handles: &handles, spawned: &spawned, release: release}
				}
				var late chan struct{}
				if fl.stuck {
					stuck := newSpawner()
					late = make(chan struct{})
					stuck.stuck, stuck.entered, stuck.late = true, make(chan struct{}), late
					SpawnOn[struct{}](r, stuck)
					<-stuck.entered
				}
				for i := 0; i < 8; i++ {
					SpawnOn[struct{}](r, newSpawner())
				}
				if fl.name == "current" {
					// A current-thread runtime runs its tasks while driven:
					// drive it until the spawners are busy.
					BlockOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
						if spawned.Load() < int64(400+100*round) {
							cx.Waker().Wake()
							return struct{}{}, false
						}
						return struct{}{}, true
					}))
				} else {
					waitFor(func() bool { return spawned.Load() >= int64(400+100*round) })
				}
				if fl.stuck {
					if r.ShutdownTimeout(0) {
						t.Fatal("Shutdown stopped a worker whose poll never returns")
					}
					release.Store(true)
					// The stuck poll spawns its round now, into a shut
					// runtime, and returns; its worker cancels what it
					// spawned, and exits. Not holding mu: the poll takes it.
					<-late
					<-r.sched.(*multiThread).exited
				} else {
					r.Shutdown()
				}
				mu.Lock()
				defer mu.Unlock()
				if len(children) < 400 {
					t.Fatalf("only %d children spawned", len(children))
				}
				for i, c := range children {
					if n := c.outcome.Load(); n != 1 {
						t.Fatalf("child %d (mode %d, %d polls): completed or cancelled %d times", i, c.mode, c.polls, n)
					}
					if !handles[i].IsFinished() {
						t.Fatalf("child %d: handle not finished", i)
					}
					if c.late && c.polls != 0 {
						t.Fatalf("child %d, spawned into a shut runtime, was polled", i)
					}
				}
				if m := r.Metrics(); m.LiveTasks != 0 || m.Completed != m.Spawned {
					t.Fatalf("after shutdown: live %d, spawned %d, completed %d", m.LiveTasks, m.Spawned, m.Completed)
				}
			})
		}
	}
}

// TestDumpSeesUnlistedSpawns: a dump and the live-task gauge taken inside
// polls see the tasks spawned from polls that no owned list holds yet: a
// never-polled spawn in the LIFO slot (multi-thread) or the local queue
// (current-thread), and a spawn in its first poll, which dumps itself.
func TestDumpSeesUnlistedSpawns(t *testing.T) {
	// One worker: the parent's spawns stay in its slot and ring.
	oneWorker := func() *Runtime { return NewMultiThread(WithWorkers(1)) }
	for i, newRT := range []func() *Runtime{NewCurrentThread, oneWorker} {
		multi, r := i == 1, newRT()
		var parentD, childD TaskDump
		var parentLive, childLive int
		var a, b *JoinHandle[struct{}]
		gate := make(chan struct{})
		pending := PollFunc(func(cx *Context) (struct{}, bool) { return struct{}{}, false })
		parent := SpawnOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
			// a: the LIFO slot (current-thread: the local queue), unbound.
			a = SpawnIn(cx, PollFunc(func(cx *Context) (struct{}, bool) {
				childD = r.Dump() // in its first poll: unbound, running
				childLive = r.Metrics().LiveTasks
				close(gate)
				return struct{}{}, true
			}))
			// b: the ring (bound at spawn), or the local queue (unbound).
			b = SpawnIn[struct{}](cx, pending)
			parentD = r.Dump()
			parentLive = r.Metrics().LiveTasks
			return struct{}{}, true
		}))
		BlockOn(r, parent.JoinAsync())
		if !multi {
			BlockOn(r, a.JoinAsync())
		}
		<-gate
		BlockOn(r, a.JoinAsync())
		ids := func(d TaskDump) map[uint64]TaskState {
			m := map[uint64]TaskState{}
			for _, ti := range d.Tasks {
				if _, dup := m[ti.ID]; dup {
					t.Fatalf("multi=%v: task %d dumped twice", multi, ti.ID)
				}
				m[ti.ID] = ti.State
			}
			return m
		}
		pd, cd := ids(parentD), ids(childD)
		if len(pd) != 3 || pd[parent.ID()] != TaskRunning || pd[a.ID()] != TaskScheduled || pd[b.ID()] != TaskScheduled {
			t.Errorf("multi=%v: the parent's dump (parent %d, a %d, b %d): %v", multi, parent.ID(), a.ID(), b.ID(), pd)
		}
		// A current-thread runtime publishes its gauge after each batch,
		// not within one: only the multi-thread gauge is exact in a poll.
		if multi && parentLive != 3 {
			t.Errorf("multi=%v: the parent's gauge: %d live tasks, want 3", multi, parentLive)
		}
		// The parent has completed; b is pending or queued.
		if len(cd) != 2 || cd[a.ID()] != TaskRunning || cd[b.ID()] == TaskRunning {
			t.Errorf("multi=%v: the child's dump (a %d, b %d): %v", multi, a.ID(), b.ID(), cd)
		}
		if multi && childLive != 2 {
			t.Errorf("multi=%v: the child's gauge: %d live tasks, want 2", multi, childLive)
		}
		if m := r.Metrics(); m.LiveTasks != 1 {
			t.Errorf("multi=%v: %d live tasks after the children ran, want 1 (b)", multi, m.LiveTasks)
		}
		r.Shutdown()
		if !b.IsFinished() {
			t.Errorf("multi=%v: b not cancelled by Shutdown", multi)
		}
	}
}
