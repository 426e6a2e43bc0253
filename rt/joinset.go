package rt

import (
	"sync"
	"unsafe"
)

// JoinSet is a set of spawned tasks of one output type whose outputs are
// taken as the tasks finish, in completion order: Tokio's JoinSet, or an
// errgroup that hands back every result. Spawn adds a task, JoinNext waits
// for the next one to finish, AbortAll cancels them all, Shutdown cancels
// them all and waits until every one has ended.
//
// The zero JoinSet is empty and ready to use; it must not be copied after
// first use. A JoinSet belongs to one task or goroutine at a time: its
// methods must not be called concurrently. Its tasks run on any worker and
// finish on any goroutine; that side is synchronized inside the set.
//
// Go has no destructors, so ending the tasks is the owner's job: a JoinSet
// that is simply dropped leaves its tasks running detached, exactly like
// dropped JoinHandles (they still end with their runtime's Shutdown). Call
// Shutdown — `defer set.Shutdown()` in plain Go, set.Shutdown() before each
// return in an async function — or drain the set with JoinNext until it
// reports empty. A finalizer could not do it behind the owner's back: each
// running task refers to the set (to report its completion), so the set
// stays reachable until its last task finished.
//
// Cost: a spawn allocates the task (one allocation, as SpawnAsync) and the
// set's per-task record, which the set reuses once JoinNext returned its
// task's result, so a set that spawns and joins in a steady state allocates
// only the tasks. A finishing task wakes the owner with a plain Wake (the
// inject queue), not through the finishing worker's Context.
type JoinSet[T any] struct {
	mu    sync.Mutex
	ready joinSetList[T] // finished tasks not yet returned, in completion order; protected by mu
	waker Waker          // protected by mu: the pending JoinNextAsync's waker

	// Owned by the set's owner.
	taken    joinSetList[T]  // finished tasks moved off ready in one batch, not yet returned (through rnext)
	members  joinSetList[T]  // every task in the set, finished or not (through node.prev/next)
	n        int             // len(members)
	free     *joinSetNode[T] // recycled nodes, through next
	aborting bool            // a ShutdownAsync in progress aborted every member
}

// joinSetNode is the set's record of one task. It is the Waker the set
// registers as the task's joiner, so the task's completion calls Wake, which
// moves it to the set's ready list.
type joinSetNode[T any] struct {
	set *JoinSet[T] // immutable while the node is in use
	t   *task[T]    // the task; nil on the free list

	prev, next *joinSetNode[T] // members list (or free list): owned by the set's owner
	rnext      *joinSetNode[T] // ready list (protected by set.mu), then the owner's taken list
	woken      bool            // the task finished: protected by set.mu

	box Waker // the node itself: the box it lends its task's join word (joinBoxer)
}

// joinBox lends the node's box: the set registers it as its task's joiner.
func (n *joinSetNode[T]) joinBox() *Waker { return &n.box }

// joinSetList is a list of nodes linked through the given fields.
type joinSetList[T any] struct{ head, tail *joinSetNode[T] }

// Wake is called once, by the task's completion (notifyJoiners).
func (n *joinSetNode[T]) Wake() {
	s := n.set
	s.mu.Lock()
	if n.woken {
		s.mu.Unlock()
		return
	}
	n.woken = true
	if s.ready.tail == nil {
		s.ready.head = n
	} else {
		s.ready.tail.rnext = n
	}
	s.ready.tail = n
	w := s.waker
	s.waker = nil
	s.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

// AbortHandle cancels one task of a JoinSet without taking its result: the
// result (a cancelled *JoinError, unless the task finished first) still comes
// out of JoinNext. It is a small value; copy it freely.
type AbortHandle struct {
	h interface {
		ID() uint64
		Abort()
		IsFinished() bool
	}
}

// ID returns the task's id (see JoinHandle.ID).
func (a AbortHandle) ID() uint64 { return a.h.ID() }

// Abort requests cancellation of the task (see JoinHandle.Abort).
func (a AbortHandle) Abort() { a.h.Abort() }

// IsFinished reports whether the task has completed.
func (a AbortHandle) IsFinished() bool { return a.h.IsFinished() }

// Spawn starts f as a task on the process default runtime, as rt.Spawn does,
// and adds it to the set. It is the direct mode of SpawnAsync; it never
// blocks.
func (s *JoinSet[T]) Spawn(f Future[T]) AbortHandle {
	t := newTask(f)
	s.add(s.node(t))
	defaultRuntime().spawnRemote(&t.taskHeader)
	return AbortHandle{t.handle()}
}

// SpawnOn starts f as a task on r, as rt.SpawnOn does, and adds it to the
// set.
func (s *JoinSet[T]) SpawnOn(r *Runtime, f Future[T]) AbortHandle {
	t := newTask(f)
	s.add(s.node(t))
	r.spawnRemote(&t.taskHeader)
	return AbortHandle{t.handle()}
}

// SpawnAsync returns a future that, at its first poll, adds f to the set as
// a task on the runtime polling it (as rt.SpawnAsync) and is ready at once.
// Inside an async function `set.Spawn(WorkAsync(i))` is that future. A
// future that is never polled spawns nothing and leaves the set unchanged.
func (s *JoinSet[T]) SpawnAsync(f Future[T]) Future[AbortHandle] {
	return (*joinSetSpawn[T])(s.node(newTaskNoID(f)))
}

// JoinSetSpawnInlineAsync is s.SpawnAsync for a future given by value, as
// SpawnInlineAsync is SpawnAsync's: the future is copied into the task, one
// allocation for both (a method cannot take the future's type as a type
// parameter, hence a function). Inside an async function asyncgen lowers
// set.Spawn(FAsync(x)), for an async function F of the same package, to it.
func JoinSetSpawnInlineAsync[T, F any, PF interface {
	*F
	Future[T]
}](s *JoinSet[T], f F) Future[AbortHandle] {
	return (*joinSetSpawn[T])(s.node(newInlineTask[T, F, PF](f)))
}

// SpawnIn adds f to the set as a task on the runtime polling cx, as
// rt.SpawnIn does: what the SpawnAsync future does at its first poll, as
// one call. Inside an async function asyncgen lowers set.Spawn(f) to it.
func (s *JoinSet[T]) SpawnIn(cx *Context, f Future[T]) AbortHandle {
	return s.spawnIn(cx, newTaskNoID(f))
}

// JoinSetSpawnInlineIn is s.SpawnIn for a future given by value (see
// SpawnInlineIn): asyncgen's lowering of set.Spawn(FAsync(x)).
func JoinSetSpawnInlineIn[T, F any, PF interface {
	*F
	Future[T]
}](cx *Context, s *JoinSet[T], f F) AbortHandle {
	return s.spawnIn(cx, newInlineTask[T, F, PF](f))
}

func (s *JoinSet[T]) spawnIn(cx *Context, t *task[T]) AbortHandle {
	s.add(s.node(t))
	cx.spawn(&t.taskHeader)
	return AbortHandle{t.handle()}
}

// joinSetSpawn is the SpawnAsync future: the task's node under another
// method set.
type joinSetSpawn[T any] joinSetNode[T]

func (sp *joinSetSpawn[T]) Poll(cx *Context) (AbortHandle, bool) {
	n := (*joinSetNode[T])(sp)
	t := n.t
	if !t.spawned() {
		n.set.add(n)
		(*spawnFuture[T])(t).Poll(cx)
	}
	return AbortHandle{t.handle()}, true
}

// node returns a node for t, recycled if possible.
func (s *JoinSet[T]) node(t *task[T]) *joinSetNode[T] {
	n := s.free
	if n != nil {
		s.free = n.next
		n.next = nil
	} else {
		n = &joinSetNode[T]{set: s}
	}
	n.t = t
	return n
}

// add makes n's task a member, registering n as its joiner (as a pending
// JoinAsync would). The task has not been handed to a runtime yet: no other
// goroutine can see it, so its join slot is written without its lock.
func (s *JoinSet[T]) add(n *joinSetNode[T]) {
	n.box = n
	n.t.storeExt(unsafe.Pointer(&n.box), extBox)
	n.prev = s.members.tail
	if s.members.tail == nil {
		s.members.head = n
	} else {
		s.members.tail.next = n
	}
	s.members.tail = n
	s.n++
}

// take removes n, a finished member popped from the ready list, from the
// set, recycles it and returns its task's result.
func (s *JoinSet[T]) take(n *joinSetNode[T]) Tuple3[T, bool, error] {
	if n.prev == nil {
		s.members.head = n.next
	} else {
		n.prev.next = n.next
	}
	if n.next == nil {
		s.members.tail = n.prev
	} else {
		n.next.prev = n.prev
	}
	s.n--
	v, err := n.t.result()
	*n = joinSetNode[T]{set: s, next: s.free}
	s.free = n
	return Tuple3[T, bool, error]{V0: v, V1: true, V2: err}
}

// popReady pops the first finished task; if there is none it registers w
// (when not nil) to be woken by the next finish. It takes the whole ready
// list under one lock and hands it out from the owner's taken list, so that
// draining k finished tasks locks the set once, not k times.
func (s *JoinSet[T]) popReady(w Waker) *joinSetNode[T] {
	if s.taken.head == nil {
		s.mu.Lock()
		s.taken, s.ready = s.ready, joinSetList[T]{}
		if s.taken.head == nil && w != nil {
			s.waker = w
		}
		s.mu.Unlock()
	}
	n := s.taken.head
	if n != nil {
		s.taken.head = n.rnext
		n.rnext = nil
	}
	return n
}

// Len returns the number of tasks in the set: spawned and not yet returned by
// JoinNext or TryJoinNext, whether still running or finished.
func (s *JoinSet[T]) Len() int { return s.n }

// JoinNext waits for the next task of the set to finish and returns its
// output, true and its error (nil, or a *JoinError if it panicked or was
// cancelled), removing it from the set. On an empty set it returns at once
// with ok false. It is the direct mode of JoinNextAsync.
func (s *JoinSet[T]) JoinNext() (v T, ok bool, err error) {
	out := Await(s.JoinNextAsync())
	return out.V0, out.V1, out.V2
}

// JoinNextAsync returns a future of the next task to finish: Tuple3{output,
// true, error} — or Tuple3{zero, false, nil} at once if the set is empty.
// Tasks come out in the order they finished. It is a leaf (one budget unit
// per poll) and allocates nothing: the future is the set itself, so at most
// one may be pending at a time. It is cancel-safe: a result is taken out of
// the set only by the poll that returns it, so a cancelled JoinNextAsync
// (a losing select branch, a timeout) loses no task.
func (s *JoinSet[T]) JoinNextAsync() Future[Tuple3[T, bool, error]] {
	return (*joinSetNext[T])(s)
}

// joinSetNext is the JoinNextAsync future: the set under another method set.
type joinSetNext[T any] JoinSet[T]

func (j *joinSetNext[T]) Poll(cx *Context) (Tuple3[T, bool, error], bool) {
	s := (*JoinSet[T])(j)
	if !cx.ConsumeBudget() {
		cx.Waker().Wake()
		return Tuple3[T, bool, error]{}, false
	}
	if s.n == 0 {
		return Tuple3[T, bool, error]{}, true
	}
	n := s.popReady(cx.Waker())
	if n == nil {
		return Tuple3[T, bool, error]{}, false
	}
	return s.take(n), true
}

// Cancel forgets the pending waiter. No task is lost.
func (j *joinSetNext[T]) Cancel() {
	s := (*JoinSet[T])(j)
	s.mu.Lock()
	s.waker = nil
	s.mu.Unlock()
}

// TryJoinNext returns the result of a task that has already finished, as
// JoinNext does, without waiting: ok is false when no task of the set has
// finished yet (or the set is empty). It never blocks and may be called
// from anywhere the set's owner runs, a Poll included.
func (s *JoinSet[T]) TryJoinNext() (v T, ok bool, err error) {
	if s.n == 0 {
		return v, false, nil
	}
	n := s.popReady(nil)
	if n == nil {
		return v, false, nil
	}
	out := s.take(n)
	return out.V0, out.V1, out.V2
}

// AbortAll requests cancellation of every task in the set (see
// JoinHandle.Abort). The tasks stay in the set: JoinNext returns each one's
// result — a cancelled *JoinError, or its output if it finished first. It
// never blocks.
func (s *JoinSet[T]) AbortAll() {
	for n := s.members.head; n != nil; n = n.next {
		n.t.handle().Abort()
	}
}

// Shutdown aborts every task in the set and waits until all have ended,
// discarding their results; the set is then empty and may be used again. It
// is the direct mode of ShutdownAsync.
func (s *JoinSet[T]) Shutdown() { Await(s.ShutdownAsync()) }

// ShutdownAsync returns a future that aborts every task in the set at its
// first poll and is ready once every task has ended and been removed from
// the set (results discarded). Like JoinNextAsync it is the set itself: no
// allocation, one pending at a time. Cancelling it stops the waiting; the
// abort requests stand and the unjoined tasks stay in the set.
func (s *JoinSet[T]) ShutdownAsync() Future[struct{}] {
	return (*joinSetShutdown[T])(s)
}

// joinSetShutdown is the ShutdownAsync future: the set under another method
// set.
type joinSetShutdown[T any] JoinSet[T]

func (j *joinSetShutdown[T]) Poll(cx *Context) (struct{}, bool) {
	s := (*JoinSet[T])(j)
	if !s.aborting {
		s.aborting = true
		s.AbortAll()
	}
	for {
		out, ok := (*joinSetNext[T])(s).Poll(cx)
		if !ok {
			return struct{}{}, false
		}
		if !out.V1 {
			s.aborting = false
			return struct{}{}, true
		}
	}
}

// Cancel stops waiting (see ShutdownAsync).
func (j *joinSetShutdown[T]) Cancel() {
	(*joinSetNext[T])(j).Cancel()
	j.aborting = false
}
