package rt

import (
	"sync"
	"sync/atomic"
	"time"
)

// Blocking work.
//
// Code that blocks a goroutine — a syscall with no readiness API, cgo, a
// library that only has a blocking form, a long computation — must not run on
// a goroutine that drives a runtime: it would stall every task of that
// runtime. SpawnBlocking runs such code on a bounded pool of ordinary
// goroutines and hands back a JoinHandle, so async code awaits it like any
// task.
//
// The pool starts goroutines on demand up to its cap (DefaultMaxBlocking),
// queues jobs in FIFO order beyond the cap, reuses idle goroutines most
// recently idle first, and lets a goroutine exit after it was idle for the
// keep-alive (DefaultBlockingKeepAlive), so an idle pool holds no goroutine.
//
// Each runtime owns one pool (Runtime.blocking), created by its constructor
// with newBlockingPool from the WithMaxBlocking and WithBlockingKeepAlive
// options; Runtime.Shutdown, after cancelling every task, calls its shutdown
// with the caller's timeout: the pool refuses new jobs, drops queued jobs that
// have not started, and waits for the running ones (whose tasks are already
// cancelled). SpawnBlockingAsync submits to the pool of the runtime polling
// it (blockingPoolOf). The process default runtime has no pool of its own: it
// and direct-mode SpawnBlocking use the process default pool (defaultPool),
// which is never shut down; its goroutines exit when idle.

// DefaultMaxBlocking is the default cap on the goroutines of a blocking pool
// (Tokio's max_blocking_threads).
const DefaultMaxBlocking = 512

// DefaultBlockingKeepAlive is how long an idle goroutine of a blocking pool
// waits for a new job before it exits (Tokio's thread_keep_alive).
const DefaultBlockingKeepAlive = 10 * time.Second

// blockingPool is a bounded pool of goroutines for blocking jobs.
type blockingPool struct {
	max       int           // immutable: at most this many goroutines
	keepAlive time.Duration // immutable

	mu      sync.Mutex
	queue   []func()         // protected by mu: jobs waiting for a goroutine, FIFO from qhead
	qhead   int              // protected by mu
	idle    []*blockingIdler // protected by mu: idle goroutines, most recently idle last
	workers int              // protected by mu: goroutines alive (running a job or idle)
	shut    bool             // protected by mu: shutdown started; submit refuses
	done    chan struct{}    // protected by mu: created by shutdown, closed when workers reaches 0
}

// blockingIdler is an idle goroutine's mailbox. Whoever takes the idler off
// pool.idle (under mu) owns the one send on ch: a job, or nil for "exit".
type blockingIdler struct {
	ch chan func() // capacity 1: the single send never blocks
}

// newBlockingPool returns a pool of at most max goroutines (max <= 0 means
// DefaultMaxBlocking) that exit after keepAlive idle (keepAlive <= 0 means
// DefaultBlockingKeepAlive). It starts no goroutine.
func newBlockingPool(max int, keepAlive time.Duration) *blockingPool {
	if max <= 0 {
		max = DefaultMaxBlocking
	}
	if keepAlive <= 0 {
		keepAlive = DefaultBlockingKeepAlive
	}
	return &blockingPool{max: max, keepAlive: keepAlive}
}

// submit runs job on a goroutine of the pool: an idle one if there is one, a
// new one if the pool is below its cap, else the first to finish its current
// job (FIFO). It never blocks and reports false, without running job, once
// shutdown has started.
func (p *blockingPool) submit(job func()) bool {
	p.mu.Lock()
	if p.shut {
		p.mu.Unlock()
		return false
	}
	if n := len(p.idle); n > 0 {
		w := p.idle[n-1]
		p.idle[n-1] = nil
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		w.ch <- job
		return true
	}
	if p.workers < p.max {
		p.workers++
		p.mu.Unlock()
		go p.work(job)
		return true
	}
	p.queue = append(p.queue, job)
	p.mu.Unlock()
	return true
}

// work is a pool goroutine: it runs job, then queued jobs, then waits idle
// for up to keepAlive for another.
func (p *blockingPool) work(job func()) {
	// The accounting is deferred so that a job calling runtime.Goexit still
	// leaves the pool consistent.
	defer p.exit()
	w := &blockingIdler{ch: make(chan func(), 1)}
	var timer *time.Timer
	for job != nil {
		job()
		var idle bool
		if job, idle = p.next(w); !idle {
			continue // a queued job, or nil: exit
		}
		// Idle: wait for a job handed to w, or the keep-alive.
		if timer == nil {
			timer = time.NewTimer(p.keepAlive)
		} else {
			timer.Reset(p.keepAlive)
		}
		select {
		case job = <-w.ch: // nil means shutdown: exit
		case <-timer.C:
			if p.retire(w) {
				return
			}
			// A submitter took w off the idle list before we could: its send
			// is on its way (or shutdown's nil).
			job = <-w.ch
		}
		timer.Stop()
	}
}

// next returns the next queued job; otherwise it puts w on the idle list and
// returns (nil, true), or, once shutdown has started, returns (nil, false):
// the goroutine exits.
func (p *blockingPool) next(w *blockingIdler) (job func(), idle bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.qhead < len(p.queue) {
		job = p.queue[p.qhead]
		p.queue[p.qhead] = nil
		p.qhead++
		if p.qhead == len(p.queue) {
			p.queue, p.qhead = p.queue[:0], 0
		}
		return job, false
	}
	if p.shut {
		return nil, false
	}
	p.idle = append(p.idle, w)
	return nil, true
}

// retire takes w off the idle list after its keep-alive expired. It reports
// false if w was already taken (a job or shutdown's nil is being sent to it).
func (p *blockingPool) retire(w *blockingIdler) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, x := range p.idle {
		if x == w {
			copy(p.idle[i:], p.idle[i+1:])
			p.idle[len(p.idle)-1] = nil
			p.idle = p.idle[:len(p.idle)-1]
			return true
		}
	}
	return false
}

// exit is a pool goroutine's last act: it leaves the count and, if it was the
// last one after shutdown began, releases the shutdown waiters.
func (p *blockingPool) exit() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.workers--
	if p.workers == 0 && p.done != nil {
		close(p.done)
	}
}

// shutdown stops the pool: submit refuses from now on, queued jobs that have
// not started are dropped, idle goroutines exit, and shutdown waits up to
// timeout (timeout <= 0: does not wait) for the running jobs to return. It
// reports whether every goroutine of the pool has exited; when it returns
// true, none is left but for the instant each needs to return from its
// function after its last bookkeeping. A running job cannot be interrupted:
// after a false result its goroutine exits when the job returns. shutdown is
// idempotent; a later call waits again.
func (p *blockingPool) shutdown(timeout time.Duration) bool {
	p.mu.Lock()
	if !p.shut {
		p.shut = true
		for i := p.qhead; i < len(p.queue); i++ {
			p.queue[i] = nil
		}
		p.queue, p.qhead = nil, 0
		for i, w := range p.idle {
			w.ch <- nil
			p.idle[i] = nil
		}
		p.idle = nil
		p.done = make(chan struct{})
		if p.workers == 0 {
			close(p.done)
		}
	}
	done := p.done
	p.mu.Unlock()
	select {
	case <-done:
		return true
	default:
	}
	if timeout <= 0 {
		return false
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
		return false
	}
}

// defaultPool is the process default blocking pool, used by direct-mode
// SpawnBlocking and by the process default runtime. It is
// created on first use and never shut down: its goroutines exit after
// defaultPoolKeepAlive idle. (Tests replace it; see resetDefaultPool.)
var defaultPool struct {
	mu sync.Mutex
	p  *blockingPool // protected by mu
}

// defaultPoolKeepAlive is the default pool's keep-alive. A variable only so
// that the package's tests, whose final goroutine-leak check runs right after
// the examples, can shorten it.
var defaultPoolKeepAlive = DefaultBlockingKeepAlive

func defaultBlockingPool() *blockingPool {
	defaultPool.mu.Lock()
	defer defaultPool.mu.Unlock()
	if defaultPool.p == nil {
		defaultPool.p = newBlockingPool(DefaultMaxBlocking, defaultPoolKeepAlive)
	}
	return defaultPool.p
}

// blockingPoolOf returns the pool that blocking work submitted from a poll
// with cx goes to: the polling runtime's, or the process default pool outside
// a runtime (and on the process default runtime).
func blockingPoolOf(cx *Context) *blockingPool {
	if cx.rt != nil && cx.rt.blocking != nil {
		return cx.rt.blocking
	}
	return defaultBlockingPool()
}

// SpawnBlocking runs f on a goroutine of the process default blocking pool and
// returns a handle on its result, joinable like any task's (Join in plain Go,
// JoinAsync in async code). It is the direct mode of SpawnBlockingAsync and
// never blocks.
//
// Use it for code that blocks its goroutine: it must never run inside a task.
// A panic in f completes the handle with a *JoinError holding the panic value
// (its Stack is that of the task that reports it, not of the pool goroutine).
//
// Abort cannot stop f once it started (Go cannot interrupt a goroutine): the
// handle completes as cancelled at once and f's result is discarded when it
// returns; an f that had not started yet (the pool was at its cap) never runs.
func SpawnBlocking[T any](f func() T) *JoinHandle[T] {
	c := &blockingCell[T]{f: f}
	h := Spawn[T](c)
	if !defaultBlockingPool().submit(c.run) {
		h.Abort()
	}
	return h
}

// SpawnBlockingAsync returns a future that, on its first poll, submits f to
// the blocking pool of the runtime polling it and spawns, on that runtime, a
// task that completes with f's result; it is ready at once with the task's
// handle. Inside an async function `h := rt.SpawnBlocking(f)` compiles to it.
// Cancelling the future before its first poll runs nothing. See SpawnBlocking
// for panics and Abort.
func SpawnBlockingAsync[T any](f func() T) Future[*JoinHandle[T]] {
	c := &blockingCell[T]{f: f}
	return &spawnBlockingFuture[T]{cell: c, spawn: SpawnAsync[T](c)}
}

type spawnBlockingFuture[T any] struct {
	cell  *blockingCell[T]       // immutable
	spawn Future[*JoinHandle[T]] // immutable
	h     *JoinHandle[T]         // owned by the poller; set by the first poll
}

func (s *spawnBlockingFuture[T]) Poll(cx *Context) (*JoinHandle[T], bool) {
	if s.h == nil {
		s.h, _ = s.spawn.Poll(cx) // SpawnAsync is ready at its first poll
		if !blockingPoolOf(cx).submit(s.cell.run) {
			s.h.Abort()
		}
	}
	return s.h, true
}

// Blocking cell states.
const (
	cellWaiting   = iota // f not started
	cellRunning          // a pool goroutine runs f
	cellDone             // out (or panicVal) stored
	cellCancelled        // the task was cancelled: f must not start; its result is dropped
)

// blockingCell is a one-shot cell that a pool goroutine fills with f's result,
// and the future of the task that waits for it.
type blockingCell[T any] struct {
	f     func() T // immutable until run takes it
	state atomic.Uint32

	out      T    // written by run before cellDone, read-only after
	panicked bool // as out
	panicVal any  // as out

	waker wakerSlot // the waiting task's waker
}

// run is the pool job: it runs f unless the task was cancelled first, stores
// the result and wakes the task.
func (c *blockingCell[T]) run() {
	if !c.state.CompareAndSwap(cellWaiting, cellRunning) {
		return // cancelled before it started
	}
	f := c.f
	c.f = nil
	normal := false
	defer func() {
		if !normal {
			c.panicked = true
			c.panicVal = recover()
			if c.panicVal == nil {
				// recover returns nil only under runtime.Goexit (panic(nil)
				// panics with a *runtime.PanicNilError): the goroutine is
				// exiting, but the task must still complete.
				c.panicVal = "corio/rt: runtime.Goexit called in a SpawnBlocking function"
			}
		}
		if c.state.CompareAndSwap(cellRunning, cellDone) {
			c.waker.wake()
		}
	}()
	c.out = f()
	normal = true
}

// Poll waits for run to fill the cell. It spends no budget: it never finds
// work ready repeatedly (one pending poll, one ready poll).
func (c *blockingCell[T]) Poll(cx *Context) (T, bool) {
	if c.state.Load() != cellDone {
		c.waker.set(cx.Waker())
		// Register, then check: run stores cellDone before reading the waker.
		if c.state.Load() != cellDone {
			var zero T
			return zero, false
		}
	}
	if c.panicked {
		panic(c.panicVal)
	}
	return c.out, true
}

// Cancel keeps f from starting if it has not, and drops the waker; a running
// f cannot be stopped, and its result is discarded.
func (c *blockingCell[T]) Cancel() {
	if !c.state.CompareAndSwap(cellWaiting, cellCancelled) {
		c.state.CompareAndSwap(cellRunning, cellCancelled)
	}
	c.waker.set(nil)
}

// wakerSlot holds the waker of one waiting future, written by its poller and
// taken by whoever completes the wait on another goroutine.
type wakerSlot struct {
	mu sync.Mutex
	w  Waker // protected by mu
}

// set stores w (nil: forget the waiter).
func (s *wakerSlot) set(w Waker) {
	s.mu.Lock()
	s.w = w
	s.mu.Unlock()
}

// wake takes the stored waker, if any, and wakes it (outside the lock).
func (s *wakerSlot) wake() {
	s.mu.Lock()
	w := s.w
	s.w = nil
	s.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}
