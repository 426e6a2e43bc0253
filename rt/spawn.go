package rt

import (
	"sync"
	"unsafe"
)

// defaultRT is the process default runtime that direct-mode Spawn (and
// SpawnAsync polled outside any runtime) uses: a current-thread runtime driven
// by a background goroutine that exists only while the runtime has tasks.
var defaultRT struct {
	once sync.Once
	r    *Runtime // written once under once
}

func defaultRuntime() *Runtime {
	defaultRT.once.Do(func() {
		c := newConfig(nil)
		c.workers = 1
		r := newHandle(c, true)
		r.sched = newCurrentThread(r, c, true)
		registerRuntime(r)
		defaultRT.r = r
	})
	return defaultRT.r
}

// Spawn starts f as a task on the process default runtime and returns its
// handle. It is the direct mode of SpawnAsync: it never blocks.
//
// The default runtime is a current-thread runtime driven by one background
// goroutine, started by the first Spawn and ending when the runtime has no
// task left (the next Spawn starts a new one). All direct-mode tasks therefore
// run one at a time, interleaved at their suspension points, and tasks they
// spawn with SpawnAsync join them there.
func Spawn[T any](f Future[T]) *JoinHandle[T] {
	t := newTask(f)
	defaultRuntime().spawnRemote(&t.taskHeader)
	return t.handle()
}

// SpawnOn starts f as a task on r from any goroutine. The task runs when r is
// driven (inside BlockOn); if r was shut down it is cancelled at once.
func SpawnOn[T any](r *Runtime, f Future[T]) *JoinHandle[T] {
	t := newTask(f)
	r.spawnRemote(&t.taskHeader)
	return t.handle()
}

// SpawnAsync returns a future that, on its first poll, starts f as a task on
// the runtime that is polling it, and is ready at once with the task's handle.
// Inside an async function `h := rt.Spawn(WorkerAsync(i))` therefore spawns
// onto the runtime running the caller. Polled with a Context from NewContext
// (no runtime), it spawns onto the process default runtime, like Spawn.
//
// The task is allocated by SpawnAsync itself, together with the returned
// future and the handle: one allocation per spawn. Cancelling the future
// before its first poll spawns nothing.
func SpawnAsync[T any](f Future[T]) Future[*JoinHandle[T]] {
	return (*spawnFuture[T])(newTaskNoID(f))
}

// spawnFuture is the SpawnAsync future: the task itself under another method set.
type spawnFuture[T any] task[T]

func (s *spawnFuture[T]) Poll(cx *Context) (*JoinHandle[T], bool) {
	t := (*task[T])(s)
	if !t.spawned() {
		cx.spawn(&t.taskHeader)
	}
	return t.handle(), true
}

// spawn starts h, a new task that nothing else has seen yet, as a spawn
// future polled with cx does: it takes an id from cx's block if h has none
// and hands h to cx's worker, else to cx's runtime, else (a Context from
// NewContext) to the process default runtime.
func (cx *Context) spawn(h *taskHeader) {
	if h.id == 0 {
		h.id = cx.newTaskID()
	}
	// Nothing else sees the task before it is spawned: a plain store
	// (as stampSpawn's) instead of an atomic read-modify-write.
	f := (*uint32)(unsafe.Pointer(&h.flags))
	*f |= flagSpawned
	switch {
	case cx.w != nil:
		cx.w.spawnLocal(h)
	case cx.rt != nil:
		cx.rt.spawnRemote(h)
	default:
		defaultRuntime().spawnRemote(h)
	}
}

// SpawnIn starts f as a task on the runtime polling cx and returns its
// handle: what the SpawnAsync future does at its first poll, as one call.
// With a Context from NewContext (no runtime) the task goes to the process
// default runtime, as with Spawn. It is for code that holds the Context of
// a poll: a hand-written Poll, and the lowering of rt.Spawn(f) inside an
// async function, which asyncgen writes as SpawnIn(cx, f) instead of
// awaiting SpawnAsync(f), so that the caller's future keeps no field for
// a future that is ready at once.
func SpawnIn[T any](cx *Context, f Future[T]) *JoinHandle[T] {
	t := newTaskNoID(f)
	cx.spawn(&t.taskHeader)
	return t.handle()
}

// inlineTask is a task whose future F is stored in the same allocation,
// after the output (see task): no interface value for it, whose data word
// would only point back into the task.
type inlineTask[T, F any, PF interface {
	*F
	Future[T]
}] struct {
	taskHeader
	out T
	f   F // owned like boxedTask.fut
}

// newInlineTask copies f into a new task: one allocation for the task and
// its future. The task has no id yet: the future that spawns it takes one
// from its Context's block (Context.newTaskID) when it is polled, and a
// direct spawn from nextTaskID.
func newInlineTask[T, F any, PF interface {
	*F
	Future[T]
}](f F) *task[T] {
	it := &inlineTask[T, F, PF]{f: f}
	it.init(it)
	return it.view()
}

// view is it as the task its fields begin.
func (it *inlineTask[T, F, PF]) view() *task[T] { return (*task[T])(unsafe.Pointer(it)) }

func (it *inlineTask[T, F, PF]) run(w *worker, held uintptr) {
	if t := it.view(); t.begin(w, held) {
		t.poll(w, it, PF(&it.f), held)
	}
}

func (it *inlineTask[T, F, PF]) cancelTask(w *worker) { it.view().cancel(w, PF(&it.f)) }

func (it *inlineTask[T, F, PF]) panicked(w *worker, p any, stack []byte) {
	it.view().panicked(w, p, stack)
}

func (it *inlineTask[T, F, PF]) future() any { return PF(&it.f) }

// dropFuture drops the future in the task: a completed task keeps its
// memory while its JoinHandle lives, but nothing the future referred to.
func (it *inlineTask[T, F, PF]) dropFuture() {
	var zero F
	it.f = zero
}

// SpawnInlineAsync is SpawnAsync for a future given by value: the future is
// copied into the task, so the spawn is one allocation in all, where
// SpawnAsync(&fut) costs the future's allocation plus the task's. F is the
// future's struct type and *F must implement Future[T]; name T and let the
// rest be inferred:
//
//	h := rt.SpawnInlineAsync[int](workFuture{n: 10})
//
// Use it for hand-written futures built on the spot; a generated FAsync
// constructor returns a pointer that is already allocated. Inside an async
// function asyncgen spawns the future of an async function of the same
// package this way: rt.Spawn(FAsync(x)) allocates once.
func SpawnInlineAsync[T, F any, PF interface {
	*F
	Future[T]
}](f F) Future[*JoinHandle[T]] {
	return (*spawnFuture[T])(newInlineTask[T, F, PF](f))
}

// SpawnInlineIn is SpawnIn for a future given by value, as
// SpawnInlineAsync is SpawnAsync's: one allocation for the task and the
// future. Inside an async function asyncgen lowers rt.Spawn(FAsync(x)), for
// an async function F of the same package, to
// SpawnInlineIn[T, fFuture](cx, initFFuture(x)).
func SpawnInlineIn[T, F any, PF interface {
	*F
	Future[T]
}](cx *Context, f F) *JoinHandle[T] {
	t := newInlineTask[T, F, PF](f)
	cx.spawn(&t.taskHeader)
	return t.handle()
}

// SpawnInline is the direct mode of SpawnInlineAsync: it starts the future
// on the process default runtime, like Spawn.
func SpawnInline[T, F any, PF interface {
	*F
	Future[T]
}](f F) *JoinHandle[T] {
	t := newInlineTask[T, F, PF](f)
	t.id = nextTaskID.Add(1)
	defaultRuntime().spawnRemote(&t.taskHeader)
	return t.handle()
}

// taskIDBlock is how many task ids a Context takes from nextTaskID at a
// time. Spawning from a poll then costs no atomic read-modify-write of the
// process-wide counter, which every worker's spawns would otherwise share
// (a locked instruction, and its cache line moving between the workers).
const taskIDBlock = 64

// newTaskID returns an id for a task spawned from the poll cx was passed
// to: the next of cx's block, taking a new block when it is used up. Ids
// stay unique process-wide; those of one worker increase in its spawn order,
// while across workers (and between a worker and direct spawns) they follow
// spawn order only block by block.
func (cx *Context) newTaskID() uint64 {
	if cx.idNext == cx.idEnd {
		cx.idEnd = nextTaskID.Add(taskIDBlock) + 1
		cx.idNext = cx.idEnd - taskIDBlock
	}
	id := cx.idNext
	cx.idNext++
	return id
}
