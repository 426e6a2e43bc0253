package syncx

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/corio-go/corio/rt"
)

// Seeded schedule exploration of the permit logic shared by Mutex, RwLock
// and Semaphore. A deterministic driver polls futures by hand, each with a
// recording waker, and at every step picks with a seeded PRNG what happens
// next: a new acquisition, a poll (spurious or after a grant), a cancel at
// any point of a wait, a release, a TryAcquire, or a Close. It checks the
// primitive against a model after every step:
//   - a poll is ready exactly when the model granted (or refused) it, and a
//     grant or refusal woke the waiter's waker;
//   - permits are conserved: the primitive's available count equals the
//     model's, and available + held + granted-but-unpolled == total;
//   - grants follow arrival order (the model grants only its queue's head),
//     and nothing barges ahead of a queued waiter;
//   - after cancelling every wait and releasing every hold, all permits are
//     back;
//   - an acquisition gets the primitive's embedded future exactly when no
//     pending acquisition holds it (so every seed runs many generations of
//     the one embedded future), and a late Cancel through the pointer of a
//     future that completed or was cancelled — a misuse — either does
//     nothing or, if that future was handed out again to a pending
//     acquisition, acts as that acquisition's Cancel (permits conserved),
//     wakes it, and makes its next poll panic with the reuse message.
// A failure prints the seed and step; rerun one seed with -run and a
// narrowed loop to debug it.

// explWaker records that it was woken.
type explWaker struct{ woken bool }

func (w *explWaker) Wake() { w.woken = true }

// explProbe is one acquisition under exploration.
type explProbe interface {
	poll(cx *rt.Context) (ready, granted bool)
	cancel()
}

// semaOps adapts a primitive to the explorer.
type semaOps struct {
	total   int
	sizes   []int // request sizes to pick from
	acquire func(n int) explProbe
	release func(n int)
	try     func(n int) bool
	avail   func() int
	close   func() // nil: the primitive cannot be closed
	// embedded is the probe of the primitive's embedded future: acquire
	// returns it when it is free.
	embedded explProbe
}

type actorState uint8

const (
	actorIdle actorState = iota
	actorPending
	actorHolding
)

type semaActor struct {
	state actorState
	n     int
	f     explProbe
	w     *explWaker
}

type semaModel struct {
	avail   int
	queue   []int // actor ids waiting, in arrival order
	granted map[int]bool
	refused map[int]bool // closed while queued
	closed  bool
}

// grant hands permits to the queue's head while it fits; it returns the ids
// granted.
func (m *semaModel) grant(actors []*semaActor) []int {
	var ids []int
	for len(m.queue) > 0 && actors[m.queue[0]].n <= m.avail {
		id := m.queue[0]
		m.queue = m.queue[1:]
		m.avail -= actors[id].n
		m.granted[id] = true
		ids = append(ids, id)
	}
	return ids
}

func (m *semaModel) dequeue(id int) (wasHead bool) {
	for i, q := range m.queue {
		if q == id {
			m.queue = append(m.queue[:i:i], m.queue[i+1:]...)
			return i == 0
		}
	}
	return false
}

func exploreSema(t *testing.T, ops func() semaOps, seeds, steps, nActors int) {
	t.Helper()
	var reuses, stale int
	for seed := uint64(0); seed < uint64(seeds); seed++ {
		r, st := exploreSemaSeed(t, ops(), seed, steps, nActors)
		if t.Failed() {
			return
		}
		reuses += r
		stale += st
	}
	// Every seed reuses the embedded future; a late Cancel hits a reused,
	// pending future in some of them.
	if reuses < 2*seeds || stale == 0 {
		t.Fatalf("exploration too thin: %d reuses of the embedded future, %d late Cancels that hit a pending reuse, over %d seeds", reuses, stale, seeds)
	}
	t.Logf("%d reuses of the embedded future, %d late Cancels detected", reuses, stale)
}

// exploreSemaSeed explores one seed; it returns how many acquisitions got
// the embedded future and how many late Cancels hit it while pending.
func exploreSemaSeed(t *testing.T, ops semaOps, seed uint64, steps, nActors int) (reuses, stale int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	actors := make([]*semaActor, nActors)
	for i := range actors {
		actors[i] = &semaActor{}
	}
	m := &semaModel{avail: ops.total, granted: map[int]bool{}, refused: map[int]bool{}}
	fail := func(step int, format string, args ...any) {
		t.Helper()
		t.Fatalf("seed %d step %d: "+format, append([]any{seed, step}, args...)...)
	}
	expectWoken := func(step int, ids []int, why string) {
		t.Helper()
		for _, id := range ids {
			if !actors[id].w.woken {
				fail(step, "actor %d was %s but not woken", id, why)
			}
		}
	}
	// cancelModel applies the Cancel of pending actor id to the model.
	cancelModel := func(step, id int) {
		t.Helper()
		var ids []int
		switch {
		case m.granted[id]:
			delete(m.granted, id)
			m.avail += actors[id].n
			ids = m.grant(actors)
		case m.refused[id]:
			delete(m.refused, id)
		default:
			if m.dequeue(id) {
				ids = m.grant(actors)
			}
		}
		expectWoken(step, ids, "granted after a cancel")
		actors[id].state = actorIdle
	}
	// embeddedHeld reports whether a pending actor holds the embedded future.
	embeddedHeld := func() int {
		for i, a := range actors {
			if a.state == actorPending && a.f == ops.embedded {
				return i
			}
		}
		return -1
	}
	for step := 0; step < steps; step++ {
		if rng.IntN(16) == 0 { // a late Cancel through a finished future's pointer
			id := rng.IntN(nActors)
			if a := actors[id]; a.state != actorPending && a.f != nil {
				victim := -1
				for i, b := range actors {
					if b.state == actorPending && b.f == a.f {
						victim = i
					}
				}
				a.f.cancel()
				if victim >= 0 {
					stale++
					b := actors[victim]
					cancelModel(step, victim)
					if !b.w.woken {
						fail(step, "a late Cancel withdrew actor %d's reused future without waking it", victim)
					}
					msg := panicMessage(func() { b.f.poll(rt.NewContext(b.w)) })
					if !strings.Contains(msg, "polled after it completed or was cancelled") {
						fail(step, "poll of actor %d's future after a late Cancel through a stale pointer: panic %q", victim, msg)
					}
				}
			}
		}
		if ops.close != nil && !m.closed && rng.IntN(steps) == 0 {
			ops.close()
			m.closed = true
			ids := m.queue
			m.queue = nil
			for _, id := range ids {
				m.refused[id] = true
			}
			expectWoken(step, ids, "refused by Close")
		}
		if rng.IntN(8) == 0 {
			n := ops.sizes[rng.IntN(len(ops.sizes))]
			want := !m.closed && len(m.queue) == 0 && n <= m.avail
			if got := ops.try(n); got != want {
				fail(step, "try(%d) = %v, model says %v (avail %d, queue %v)", n, got, want, m.avail, m.queue)
			}
			if want {
				ops.release(n)
				expectWoken(step, m.grant(actors), "granted after a try+release")
			}
		}
		id := rng.IntN(nActors)
		a := actors[id]
		switch a.state {
		case actorIdle:
			a.n = ops.sizes[rng.IntN(len(ops.sizes))]
			free := embeddedHeld() < 0
			a.f = ops.acquire(a.n)
			if got := a.f == ops.embedded; got != free {
				fail(step, "actor %d got the embedded future: %v; it was free: %v", id, got, free)
			}
			if free {
				reuses++
			}
			a.w = &explWaker{}
			ready, granted := a.f.poll(rt.NewContext(a.w))
			switch {
			case m.closed:
				if !ready || granted {
					fail(step, "acquire on closed: ready %v granted %v", ready, granted)
				}
			case len(m.queue) == 0 && a.n <= m.avail:
				if !ready || !granted {
					fail(step, "actor %d acquire(%d) with %d free and nobody queued: ready %v granted %v", id, a.n, m.avail, ready, granted)
				}
				m.avail -= a.n
				a.state = actorHolding
			default:
				if ready {
					fail(step, "actor %d acquire(%d) barged: avail %d queue %v", id, a.n, m.avail, m.queue)
				}
				m.queue = append(m.queue, id)
				a.state = actorPending
			}
		case actorPending:
			switch rng.IntN(3) {
			case 0, 1: // poll: after a grant, or a spurious one
				a.w.woken = false
				ready, granted := a.f.poll(rt.NewContext(a.w))
				switch {
				case m.granted[id]:
					if !ready || !granted {
						fail(step, "actor %d granted but poll = %v,%v", id, ready, granted)
					}
					delete(m.granted, id)
					a.state = actorHolding
				case m.refused[id]:
					if !ready || granted {
						fail(step, "actor %d refused but poll = %v,%v", id, ready, granted)
					}
					delete(m.refused, id)
					a.state = actorIdle
				default:
					if ready {
						fail(step, "actor %d ready while queued at %v", id, m.queue)
					}
				}
			case 2: // cancel at this await
				a.f.cancel()
				a.f.cancel() // idempotent (nobody took the future meanwhile)
				cancelModel(step, id)
			}
		case actorHolding:
			if rng.IntN(2) == 0 {
				ops.release(a.n)
				m.avail += a.n
				expectWoken(step, m.grant(actors), "granted after a release")
				a.state = actorIdle
			}
		}
		if got := ops.avail(); got != m.avail {
			fail(step, "available = %d, model %d", got, m.avail)
		}
		held := 0
		for i, a := range actors {
			if a.state == actorHolding || m.granted[i] {
				held += a.n
			}
		}
		if m.avail+held != ops.total {
			fail(step, "permits not conserved: avail %d + held %d != %d", m.avail, held, ops.total)
		}
	}
	// Wind down: cancel every wait, release every hold.
	for _, a := range actors {
		switch a.state {
		case actorPending:
			a.f.cancel()
		case actorHolding:
			ops.release(a.n)
		}
	}
	if got := ops.avail(); got != ops.total {
		t.Fatalf("seed %d: %d permits available after winding down, want %d", seed, got, ops.total)
	}
	return reuses, stale
}

// Probes for each primitive.

type lockProbe struct{ f *LockFuture }

func (p lockProbe) poll(cx *rt.Context) (bool, bool) { _, ok := p.f.Poll(cx); return ok, ok }
func (p lockProbe) cancel()                          { p.f.Cancel() }

type acquireProbe struct{ f *AcquireFuture }

func (p acquireProbe) poll(cx *rt.Context) (bool, bool) {
	err, ok := p.f.Poll(cx)
	return ok, ok && err == nil
}
func (p acquireProbe) cancel() { p.f.Cancel() }

type rwProbe struct{ f *RwLockFuture }

func (p rwProbe) poll(cx *rt.Context) (bool, bool) { _, ok := p.f.Poll(cx); return ok, ok }
func (p rwProbe) cancel()                          { p.f.Cancel() }

// TestExploreMutex explores the Mutex in hand-off mode, the strict FIFO
// the model describes (TestMutexBarging and TestMutexStarvationBound cover
// the barging mode).
func TestExploreMutex(t *testing.T) {
	mutexAlwaysHandOff = true
	defer func() { mutexAlwaysHandOff = false }()
	exploreSema(t, func() semaOps {
		m := new(Mutex)
		return semaOps{
			total:    1,
			sizes:    []int{1},
			acquire:  func(int) explProbe { return lockProbe{m.LockAsync()} },
			release:  func(int) { m.Unlock() },
			try:      func(int) bool { return m.TryLock() },
			avail:    func() int { return 1 - int(m.state.Load()&mutexLocked) },
			embedded: lockProbe{&m.lock},
		}
	}, 400, 300, 5)
}

func TestExploreSemaphore(t *testing.T) {
	exploreSema(t, func() semaOps {
		s := NewSemaphore(4)
		return semaOps{
			total:    4,
			sizes:    []int{0, 1, 1, 2, 3, 4},
			acquire:  func(n int) explProbe { return acquireProbe{s.AcquireAsync(n)} },
			release:  s.Release,
			try:      s.TryAcquire,
			avail:    s.Available,
			close:    s.Close,
			embedded: acquireProbe{&s.acq},
		}
	}, 400, 300, 6)
}

func TestExploreRwLock(t *testing.T) {
	exploreSema(t, func() semaOps {
		rw := new(RwLock)
		return semaOps{
			total: rwMaxReaders,
			sizes: []int{1, 1, rwMaxReaders},
			acquire: func(n int) explProbe {
				if n == 1 {
					return rwProbe{rw.RLockAsync()}
				}
				return rwProbe{rw.LockAsync()}
			},
			release: func(n int) {
				if n == 1 {
					rw.RUnlock()
				} else {
					rw.Unlock()
				}
			},
			try: func(n int) bool {
				if n == 1 {
					return rw.TryRLock()
				}
				return rw.TryLock()
			},
			avail: func() int {
				rw.s.mu.Lock()
				defer rw.s.mu.Unlock()
				return rw.s.permits + rwMaxReaders
			},
			embedded: rwProbe{&rw.fut},
		}
	}, 400, 300, 6)
}
