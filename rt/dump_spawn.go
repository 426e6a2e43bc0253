package rt

import (
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// What a spawn records for the task dump, at no cost to a task nobody names:
// the spawn time, coarse (seconds), in the upper bits of taskHeader.flags,
// from a clock that a timer keeps while tasks are being spawned; and for a
// named task, flagNamed and an entry in taskNames.

// taskNames maps the id of a live named task to its name. Only named spawns
// write it; finish deletes the entry (flagNamed says there is one).
var taskNames sync.Map // uint64 -> string

// coarseClock is the spawn-time clock: seconds since clockBase, plus one,
// refreshed every coarseTick by a timer that runs only while tasks are
// spawned. Zero means the timer is stopped: the next spawn reads the real
// clock and starts it. A spawn thus costs one load of a word that changes
// once a second, and a stamp is at most about one tick old.
var coarseClock struct {
	sec    atomic.Uint32
	mu     sync.Mutex // serializes starting and stopping the timer
	lastID uint64     // protected by mu: nextTaskID at the last tick
	gen    uint64     // protected by mu: the running timer's generation
}

const coarseTick = time.Second

// maxSpawnSec is the largest stamp the flags hold (about 4 years).
const maxSpawnSec = 1<<(32-flagSpawnShift) - 1

func coarseNowSec() uint32 {
	return uint32(min(int64(time.Since(clockBase)/time.Second)+1, maxSpawnSec))
}

// spawnSec returns the coarse clock, starting it if it is stopped.
func spawnSec() uint32 {
	if s := coarseClock.sec.Load(); s != 0 {
		return s
	}
	return startCoarseClock()
}

func startCoarseClock() uint32 {
	c := &coarseClock
	c.mu.Lock()
	defer c.mu.Unlock()
	s := coarseNowSec()
	if c.sec.Load() == 0 {
		c.lastID = nextTaskID.Load()
		c.gen++
		armCoarseClock(c.gen)
	}
	c.sec.Store(s)
	return s
}

func armCoarseClock(gen uint64) {
	time.AfterFunc(coarseTick, func() { tickCoarseClock(gen) })
}

// tickCoarseClock refreshes the clock, or stops it when no task was spawned
// since the last tick. A spawn that read the clock just before it stopped
// got a stamp at most one tick old; the next spawn starts it again. A timer
// of an earlier generation (stopped, then started anew meanwhile) just
// ends.
func tickCoarseClock(gen uint64) {
	c := &coarseClock
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if id := nextTaskID.Load(); id != c.lastID {
		c.lastID = id
		c.sec.Store(coarseNowSec())
		armCoarseClock(gen)
		return
	}
	c.sec.Store(0)
	c.gen++
}

// stampSpawn writes the spawn time into a new task's flags. Nothing else can
// see the task yet, so a plain store does.
func (h *taskHeader) stampSpawn() {
	*(*uint32)(unsafe.Pointer(&h.flags)) = spawnSec() << flagSpawnShift
}

// spawnAge returns how long ago, at coarse clock now, the task was spawned
// (whole seconds; a stamp may be up to a second early, see coarseClock).
func (h *taskHeader) spawnAge(now uint32) time.Duration {
	s := h.flags.Load() >> flagSpawnShift
	if s == 0 || now < s {
		return 0
	}
	return time.Duration(now-s) * time.Second
}

// name returns the task's name, "" if it has none.
func (h *taskHeader) name() string {
	if h.flags.Load()&flagNamed == 0 {
		return ""
	}
	n, _ := taskNames.Load(h.id)
	s, _ := n.(string)
	return s
}

// setName names a task that has not been spawned yet.
func (h *taskHeader) setName(name string) {
	if name == "" {
		return
	}
	taskNames.Store(h.id, name)
	h.flags.Or(flagNamed)
}

// SpawnNamed is Spawn for a task that the task dump shows under name: a
// server's acceptor, a connection's handler with the peer's address. The
// name costs a map entry for as long as the task lives; tasks spawned
// without one pay nothing for the feature. It is the direct mode of
// SpawnNamedAsync.
func SpawnNamed[T any](name string, f Future[T]) *JoinHandle[T] {
	t := newTask(f)
	t.setName(name)
	defaultRuntime().spawnRemote(&t.taskHeader)
	return t.handle()
}

// SpawnNamedOn is SpawnOn for a named task (see SpawnNamed).
func SpawnNamedOn[T any](r *Runtime, name string, f Future[T]) *JoinHandle[T] {
	t := newTask(f)
	t.setName(name)
	r.spawnRemote(&t.taskHeader)
	return t.handle()
}

// SpawnNamedAsync is SpawnAsync for a named task (see SpawnNamed): inside an
// async function `rt.SpawnNamed("conn "+addr, HandleAsync(c))` compiles to
// it and spawns onto the runtime running the caller. The name is recorded
// when the future is first polled; cancelling it before spawns nothing.
func SpawnNamedAsync[T any](name string, f Future[T]) Future[*JoinHandle[T]] {
	return &namedSpawnFuture[T]{t: newTaskNoID(f), name: name}
}

// SpawnNamedInlineAsync is SpawnNamedAsync for a future given by value, as
// SpawnInlineAsync is SpawnAsync's: the future is copied into the task, one
// allocation for both. asyncgen spawns the future of an async function of
// the same package named this way.
func SpawnNamedInlineAsync[T, F any, PF interface {
	*F
	Future[T]
}](name string, f F) Future[*JoinHandle[T]] {
	return &namedSpawnFuture[T]{t: newInlineTask[T, F, PF](f), name: name}
}

// SpawnNamedIn is SpawnIn for a named task (see SpawnNamed): the task gets
// its id from cx's block and its name before it is handed to a runtime.
// Inside an async function asyncgen lowers rt.SpawnNamed(name, f) to it.
func SpawnNamedIn[T any](cx *Context, name string, f Future[T]) *JoinHandle[T] {
	return spawnNamedIn(cx, name, newTaskNoID(f))
}

// SpawnNamedInlineIn is SpawnNamedIn for a future given by value (see
// SpawnInlineIn): asyncgen's lowering of rt.SpawnNamed(name, FAsync(x)).
func SpawnNamedInlineIn[T, F any, PF interface {
	*F
	Future[T]
}](cx *Context, name string, f F) *JoinHandle[T] {
	return spawnNamedIn(cx, name, newInlineTask[T, F, PF](f))
}

func spawnNamedIn[T any](cx *Context, name string, t *task[T]) *JoinHandle[T] {
	t.id = cx.newTaskID() // setName keys the name by the id
	t.setName(name)
	cx.spawn(&t.taskHeader)
	return t.handle()
}

type namedSpawnFuture[T any] struct {
	t    *task[T]
	name string
}

func (s *namedSpawnFuture[T]) Poll(cx *Context) (*JoinHandle[T], bool) {
	if !s.t.spawned() {
		if s.t.id == 0 { // its id is taken at the spawn (newTaskNoID)
			s.t.id = cx.newTaskID()
		}
		s.t.setName(s.name)
	}
	return (*spawnFuture[T])(s.t).Poll(cx)
}

// Name returns the name the task was spawned with (SpawnNamed), "" if none;
// once the task has completed it returns "".
func (h *JoinHandle[T]) Name() string { return h.t.name() }
