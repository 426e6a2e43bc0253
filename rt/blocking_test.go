package rt

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// The examples use the process default pool, and the package's goroutine-leak
// check runs right after them: let its idle goroutines exit at once.
func init() { defaultPoolKeepAlive = time.Millisecond }

// resetDefaultPool shuts the process default blocking pool down and forgets
// it, so the package's goroutine-leak check passes; the next SpawnBlocking
// creates a new one.
func resetDefaultPool(t testing.TB) {
	t.Helper()
	defaultPool.mu.Lock()
	p := defaultPool.p
	defaultPool.p = nil
	defaultPool.mu.Unlock()
	if p != nil && !p.shutdown(time.Minute) {
		t.Fatal("default blocking pool: a job is still running")
	}
}

func (p *blockingPool) counts() (workers, idle, queued int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.workers, len(p.idle), len(p.queue) - p.qhead
}

// waitUntil spins (yielding) until cond holds. No deadline: a test that
// never gets there hangs and is reported by go test's own timeout.
func waitUntil(cond func() bool) {
	for !cond() {
		time.Sleep(100 * time.Microsecond)
	}
}

func TestBlockingPoolRunsEveryJob(t *testing.T) {
	defer goleak.VerifyNone(t)
	p := newBlockingPool(4, time.Hour)
	const n = 1000
	var ran atomic.Int64
	var wg sync.WaitGroup
	wg.Add(n)
	for i := 0; i < n; i++ {
		if !p.submit(func() { ran.Add(1); wg.Done() }) {
			t.Fatal("submit refused before shutdown")
		}
	}
	wg.Wait()
	if got := ran.Load(); got != n {
		t.Fatalf("ran %d jobs, want %d", got, n)
	}
	if w, _, _ := p.counts(); w > 4 {
		t.Fatalf("%d goroutines, cap 4", w)
	}
	if !p.shutdown(time.Minute) {
		t.Fatal("shutdown of an idle pool reported running jobs")
	}
	if w, idle, q := p.counts(); w != 0 || idle != 0 || q != 0 {
		t.Fatalf("after shutdown: workers %d idle %d queued %d", w, idle, q)
	}
}

func TestBlockingPoolCap(t *testing.T) {
	defer goleak.VerifyNone(t)
	const max = 3
	p := newBlockingPool(max, time.Hour)
	gate := make(chan struct{})
	var cur, peak atomic.Int64
	var mu sync.Mutex
	var order []int
	var wg sync.WaitGroup
	const n = 30
	wg.Add(n)
	for i := 0; i < n; i++ {
		p.submit(func() {
			defer wg.Done()
			c := cur.Add(1)
			for {
				old := peak.Load()
				if c <= old || peak.CompareAndSwap(old, c) {
					break
				}
			}
			if i < max {
				<-gate // the first max jobs hold every goroutine
			} else {
				mu.Lock()
				order = append(order, i)
				mu.Unlock()
			}
			cur.Add(-1)
		})
	}
	waitUntil(func() bool { return cur.Load() == max })
	if w, _, q := p.counts(); w != max || q != n-max {
		t.Fatalf("at cap: %d goroutines, %d queued; want %d, %d", w, q, max, n-max)
	}
	close(gate)
	wg.Wait()
	if got := peak.Load(); got != max {
		t.Fatalf("peak concurrency %d, want %d", got, max)
	}
	if !p.shutdown(time.Minute) {
		t.Fatal("shutdown reported running jobs")
	}
	if len(order) != n-max {
		t.Fatalf("%d queued jobs ran, want %d", len(order), n-max)
	}
}

func TestBlockingPoolQueueIsFIFO(t *testing.T) {
	defer goleak.VerifyNone(t)
	p := newBlockingPool(1, time.Hour)
	gate := make(chan struct{})
	var order []int // written by the single pool goroutine only
	var wg sync.WaitGroup
	wg.Add(21)
	p.submit(func() { <-gate; wg.Done() })
	for i := 0; i < 20; i++ {
		p.submit(func() { order = append(order, i); wg.Done() })
	}
	close(gate)
	wg.Wait()
	for i, v := range order {
		if v != i {
			t.Fatalf("queued jobs ran in order %v", order)
		}
	}
	if !p.shutdown(time.Minute) {
		t.Fatal("shutdown reported running jobs")
	}
}

func TestBlockingPoolReusesIdleGoroutine(t *testing.T) {
	defer goleak.VerifyNone(t)
	p := newBlockingPool(8, time.Hour)
	for i := 0; i < 100; i++ {
		done := make(chan struct{})
		p.submit(func() { close(done) })
		<-done
		// The goroutine that ran the job goes idle after closing done;
		// wait for it so the next submit finds it.
		waitUntil(func() bool { _, idle, _ := p.counts(); return idle == 1 })
	}
	if w, _, _ := p.counts(); w != 1 {
		t.Fatalf("sequential jobs used %d goroutines, want 1", w)
	}
	p.shutdown(time.Minute)
}

func TestBlockingPoolKeepAliveExpires(t *testing.T) {
	defer goleak.VerifyNone(t)
	p := newBlockingPool(8, time.Millisecond)
	var wg sync.WaitGroup
	wg.Add(8)
	for i := 0; i < 8; i++ {
		p.submit(func() { time.Sleep(time.Millisecond); wg.Done() })
	}
	wg.Wait()
	// Every goroutine exits on its own after its keep-alive: no shutdown.
	waitUntil(func() bool { w, _, _ := p.counts(); return w == 0 })
	if _, idle, _ := p.counts(); idle != 0 {
		t.Fatalf("%d idle entries left after every goroutine retired", idle)
	}
	// The pool still works afterwards.
	done := make(chan struct{})
	p.submit(func() { close(done) })
	<-done
	if !p.shutdown(time.Minute) {
		t.Fatal("shutdown reported running jobs")
	}
}

func TestBlockingPoolShutdownTimeoutAndDrop(t *testing.T) {
	defer goleak.VerifyNone(t)
	p := newBlockingPool(1, time.Hour)
	gate := make(chan struct{})
	started := make(chan struct{})
	var queuedRan atomic.Bool
	p.submit(func() { close(started); <-gate })
	p.submit(func() { queuedRan.Store(true) })
	<-started
	if p.shutdown(0) {
		t.Fatal("shutdown(0) reported done while a job runs")
	}
	if p.shutdown(time.Millisecond) {
		t.Fatal("shutdown(1ms) reported done while a job runs")
	}
	if p.submit(func() { t.Error("job accepted after shutdown ran") }) {
		t.Fatal("submit accepted a job after shutdown")
	}
	close(gate)
	if !p.shutdown(time.Minute) {
		t.Fatal("shutdown did not see the last job end")
	}
	if queuedRan.Load() {
		t.Fatal("a job queued at shutdown ran")
	}
}

func TestBlockingPoolShutdownWakesIdle(t *testing.T) {
	defer goleak.VerifyNone(t)
	p := newBlockingPool(4, time.Hour)
	var wg sync.WaitGroup
	wg.Add(4)
	gate := make(chan struct{})
	for i := 0; i < 4; i++ {
		p.submit(func() { wg.Done(); <-gate })
	}
	wg.Wait()
	close(gate)
	waitUntil(func() bool { _, idle, _ := p.counts(); return idle == 4 })
	if !p.shutdown(time.Minute) {
		t.Fatal("idle goroutines did not exit at shutdown")
	}
}

// Submitters race with goroutines whose keep-alive expires all the time
// (retire against submit taking the idler), and with shutdown at the end.
func TestBlockingPoolStress(t *testing.T) {
	defer goleak.VerifyNone(t)
	p := newBlockingPool(4, time.Microsecond)
	const submitters, per = 8, 2000
	var ran atomic.Int64
	var wg sync.WaitGroup
	wg.Add(submitters * per)
	var sub sync.WaitGroup
	for s := 0; s < submitters; s++ {
		sub.Add(1)
		go func() {
			defer sub.Done()
			for i := 0; i < per; i++ {
				p.submit(func() { ran.Add(1); wg.Done() })
				if i%64 == 0 {
					runtime.Gosched()
				}
			}
		}()
	}
	sub.Wait()
	wg.Wait()
	if got := ran.Load(); got != submitters*per {
		t.Fatalf("ran %d, want %d", got, submitters*per)
	}
	if !p.shutdown(time.Minute) {
		t.Fatal("shutdown reported running jobs")
	}
}

func TestSpawnBlockingDirect(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer resetDefaultPool(t)
	h := SpawnBlocking(func() int { time.Sleep(time.Millisecond); return 42 })
	if v, err := h.Join(); v != 42 || err != nil {
		t.Fatalf("Join = %d, %v; want 42, nil", v, err)
	}
	boom := errors.New("boom")
	hp := SpawnBlocking(func() string { panic(boom) })
	_, err := hp.Join()
	var je *JoinError
	if !errors.As(err, &je) || !je.IsPanic() || !errors.Is(err, boom) {
		t.Fatalf("panicking job: Join error %v, want a panic JoinError wrapping boom", err)
	}
	hg := SpawnBlocking(func() int { runtime.Goexit(); return 0 })
	if _, err := hg.Join(); !errors.As(err, &je) || !je.IsPanic() {
		t.Fatalf("Goexit job: Join error %v, want a panic JoinError", err)
	}
}

func TestSpawnBlockingAbortWhileRunning(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer resetDefaultPool(t)
	started, gate, returned := make(chan struct{}), make(chan struct{}), make(chan struct{})
	h := SpawnBlocking(func() int { close(started); <-gate; close(returned); return 1 })
	<-started
	h.Abort()
	_, err := h.Join()
	var je *JoinError
	if !errors.As(err, &je) || !je.IsCancelled() {
		t.Fatalf("aborted blocking task: Join error %v, want cancelled", err)
	}
	close(gate) // the function still runs to its end; its result is dropped
	<-returned
}

type cellWaker struct{ n atomic.Int64 }

func (w *cellWaker) Wake() { w.n.Add(1) }

func TestBlockingCellCancelBeforeStart(t *testing.T) {
	ran := false
	c := &blockingCell[int]{f: func() int { ran = true; return 1 }}
	c.Cancel()
	c.run()
	if ran {
		t.Fatal("a cancelled cell ran its function")
	}
	var w cellWaker
	if _, ok := c.Poll(NewContext(&w)); ok {
		t.Fatal("a cancelled cell became ready")
	}
}

func TestBlockingCellWakesOnce(t *testing.T) {
	c := &blockingCell[int]{f: func() int { return 5 }}
	var w cellWaker
	cx := NewContext(&w)
	if _, ok := c.Poll(cx); ok {
		t.Fatal("ready before run")
	}
	c.run()
	if w.n.Load() != 1 {
		t.Fatalf("%d wakes, want 1", w.n.Load())
	}
	if v, ok := c.Poll(cx); !ok || v != 5 {
		t.Fatalf("Poll = %d, %v; want 5, true", v, ok)
	}
}

// blockingMain spawns one blocking job that waits until a channel is closed,
// and a task on the same runtime that closes it; then it joins the job. It
// completes only if the job runs off the runtime's goroutine while the
// runtime keeps polling its tasks.
type blockingMain struct {
	spawnB Future[*JoinHandle[int]]
	hb     *JoinHandle[int]
	spawnT Future[*JoinHandle[struct{}]]
}

func (m *blockingMain) Poll(cx *Context) (int, bool) {
	if m.hb == nil {
		m.hb, _ = m.spawnB.Poll(cx)
		m.spawnT.Poll(cx)
	}
	r, ok := m.hb.JoinAsync().Poll(cx)
	if !ok {
		return 0, false
	}
	if r.V1 != nil {
		panic(r.V1)
	}
	return r.V0, true
}

func TestSpawnBlockingAsyncDoesNotStallRuntime(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer resetDefaultPool(t)
	gate := make(chan struct{})
	m := &blockingMain{
		spawnB: SpawnBlockingAsync(func() int { <-gate; return 42 }),
		spawnT: SpawnAsync(PollFunc(func(*Context) (struct{}, bool) {
			close(gate)
			return struct{}{}, true
		})),
	}
	if got := Run[int](m); got != 42 {
		t.Fatalf("got %d, want 42", got)
	}
}

func TestSpawnBlockingAsyncCancelledBeforePoll(t *testing.T) {
	defer goleak.VerifyNone(t)
	resetDefaultPool(t)
	f := SpawnBlockingAsync(func() int { t.Error("ran although never polled"); return 0 })
	Cancel(f)
	// Nothing was submitted anywhere: not even the default pool exists.
	defaultPool.mu.Lock()
	created := defaultPool.p != nil
	defaultPool.mu.Unlock()
	if created {
		t.Fatal("SpawnBlockingAsync submitted work before its first poll")
	}
}

func BenchmarkSpawnBlockingJoin(b *testing.B) {
	defer resetDefaultPool(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if v, _ := SpawnBlocking(func() int { return 1 }).Join(); v != 1 {
			b.Fatal("wrong result")
		}
	}
}

// BenchmarkSpawnBlockingAsync measures a blocking job started and joined
// from a task, one after another: spawn, hand-off to a pool goroutine, the
// wake back onto the runtime (parked in its driver meanwhile), join.
func BenchmarkSpawnBlockingAsync(b *testing.B) {
	for _, fl := range []struct {
		name string
		new  func() *Runtime
	}{
		{"current-thread", NewCurrentThread},
		{"multi-thread", func() *Runtime { return NewMultiThread(WithWorkers(2)) }},
	} {
		b.Run(fl.name, func(b *testing.B) {
			r := fl.new()
			defer r.Shutdown()
			b.ReportAllocs()
			i := 0
			var h *JoinHandle[int]
			BlockOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
				for ; i < b.N; i++ {
					if h == nil {
						h, _ = SpawnBlockingAsync(func() int { return 1 }).Poll(cx)
					}
					res, ok := h.JoinAsync().Poll(cx)
					if !ok {
						return struct{}{}, false
					}
					if res.V0 != 1 {
						b.Fatal("wrong result")
					}
					h = nil
				}
				return struct{}{}, true
			}))
		})
	}
}

func BenchmarkBlockingPoolSubmit(b *testing.B) {
	p := newBlockingPool(DefaultMaxBlocking, DefaultBlockingKeepAlive)
	defer p.shutdown(time.Minute)
	b.ReportAllocs()
	var wg sync.WaitGroup
	job := func() { wg.Done() }
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			wg.Add(1)
			p.submit(job)
		}
	})
	wg.Wait()
}

// spawnJoinBlocking is a main future that starts f with SpawnBlockingAsync
// and joins it.
func spawnJoinBlocking[T any](f func() T) Future[Tuple2[T, error]] {
	var h *JoinHandle[T]
	sp := SpawnBlockingAsync(f)
	return PollFunc(func(cx *Context) (Tuple2[T, error], bool) {
		if h == nil {
			h, _ = sp.Poll(cx)
		}
		return h.JoinAsync().Poll(cx)
	})
}

func TestSpawnBlockingAsyncUsesTheRuntimesPool(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer resetDefaultPool(t)
	resetDefaultPool(t)
	r := NewCurrentThreadWith(WithMaxBlocking(1))
	var workers int
	out := BlockOn(r, spawnJoinBlocking(func() int {
		workers, _, _ = r.blocking.counts()
		return 7
	}))
	if out.V0 != 7 || out.V1 != nil {
		t.Fatalf("join = %v, %v", out.V0, out.V1)
	}
	if workers != 1 {
		t.Fatalf("the runtime's pool had %d goroutines while the job ran, want 1", workers)
	}
	defaultPool.mu.Lock()
	used := defaultPool.p != nil
	defaultPool.mu.Unlock()
	if used {
		t.Fatal("SpawnBlockingAsync on a runtime used the process default pool")
	}
	r.Shutdown()
	if w, idle, _ := r.blocking.counts(); w != 0 || idle != 0 {
		t.Fatalf("after Shutdown the pool has %d goroutines (%d idle)", w, idle)
	}
}

func TestShutdownTimeoutWaitsForBlockingJob(t *testing.T) {
	defer goleak.VerifyNone(t)
	r := NewCurrentThread()
	started, gate := make(chan struct{}), make(chan struct{})
	var h *JoinHandle[int]
	BlockOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
		h, _ = SpawnBlockingAsync(func() int { close(started); <-gate; return 1 }).Poll(cx)
		return struct{}{}, true
	}))
	<-started
	if r.ShutdownTimeout(time.Millisecond) {
		t.Fatal("ShutdownTimeout reported done while a blocking job runs")
	}
	var je *JoinError
	if _, err := h.Join(); !errors.As(err, &je) || !je.IsCancelled() {
		t.Fatalf("blocking task after shutdown: %v, want cancelled", err)
	}
	if r.blocking.submit(func() { t.Error("a job submitted after Shutdown ran") }) {
		t.Fatal("the pool accepted a job after Shutdown")
	}
	close(gate)
	if !r.blocking.shutdown(time.Minute) {
		t.Fatal("the pool did not drain after the job returned")
	}
}

func TestSpawnBlockingAsyncMultiThread(t *testing.T) {
	defer goleak.VerifyNone(t)
	r := NewMultiThread(WithWorkers(2), WithMaxBlocking(4))
	defer r.Shutdown()
	const n = 64
	var peak, cur atomic.Int64
	hs := make([]*JoinHandle[int], n)
	BlockOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
		for i := range hs {
			hs[i], _ = SpawnBlockingAsync(func() int {
				c := cur.Add(1)
				for {
					p := peak.Load()
					if c <= p || peak.CompareAndSwap(p, c) {
						break
					}
				}
				time.Sleep(100 * time.Microsecond)
				cur.Add(-1)
				return i
			}).Poll(cx)
		}
		return struct{}{}, true
	}))
	for i, h := range hs {
		if v, err := h.Join(); v != i || err != nil {
			t.Fatalf("job %d: %d, %v", i, v, err)
		}
	}
	if p := peak.Load(); p > 4 {
		t.Fatalf("%d jobs ran at once on a pool capped at 4", p)
	}
}
