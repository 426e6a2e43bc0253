package syncx

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/corio-go/corio/rt"
)

func pollBarrier(f *BarrierFuture, w *explWaker) (leader, ok bool) {
	return f.Poll(rt.NewContext(w))
}

func TestBarrierGoroutines(t *testing.T) {
	const parties, rounds = 4, 50
	b := NewBarrier(parties)
	var leaders, passed atomic.Int32
	var wg sync.WaitGroup
	for range parties {
		wg.Go(func() {
			for r := range rounds {
				if b.Wait() {
					leaders.Add(1)
				}
				// Nobody passes generation r before all arrived in it.
				if p := passed.Add(1); int(p) <= r*parties {
					t.Errorf("passed %d by round %d", p, r)
				}
			}
		})
	}
	wg.Wait()
	if leaders.Load() != rounds {
		t.Fatalf("%d leaders, want one per round (%d)", leaders.Load(), rounds)
	}
}

func TestBarrierTasks(t *testing.T) {
	chModes(t, func(t *testing.T, multi bool) {
		const parties, rounds = 5, 40
		b := NewBarrier(parties)
		var leaders atomic.Int32
		fs := make([]rt.Future[struct{}], parties)
		for i := range fs {
			r := 0
			var f *BarrierFuture
			fs[i] = rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
				for r < rounds {
					if f == nil {
						f = b.WaitAsync()
					}
					leader, ok := f.Poll(cx)
					if !ok {
						return struct{}{}, false
					}
					if leader {
						leaders.Add(1)
					}
					f = nil
					r++
				}
				return struct{}{}, true
			})
		}
		chRunTasks(t, multi, fs...)
		if leaders.Load() != rounds {
			t.Fatalf("%d leaders, want %d", leaders.Load(), rounds)
		}
	})
}

// TestBarrierCancelWithdraws: a cancelled wait no longer counts towards the
// generation, and a wait cancelled after the release withdraws nothing.
func TestBarrierCancelWithdraws(t *testing.T) {
	b := NewBarrier(2)
	w1 := &explWaker{}
	f1 := b.WaitAsync()
	if _, ok := pollBarrier(f1, w1); ok {
		t.Fatal("first of two ready")
	}
	f1.Cancel()
	f1.Cancel()
	w2, w3 := &explWaker{}, &explWaker{}
	f2, f3 := b.WaitAsync(), b.WaitAsync()
	if _, ok := pollBarrier(f2, w2); ok {
		t.Fatal("a withdrawn arrival still counted")
	}
	if leader, ok := pollBarrier(f3, w3); !ok || !leader {
		t.Fatal("the second live arrival is not the leader")
	}
	if !w2.woken {
		t.Fatal("the release did not wake the waiter")
	}
	f2.Cancel() // released, not polled: nothing to withdraw from the next generation
	f4, f5 := b.WaitAsync(), b.WaitAsync()
	pollBarrier(f4, &explWaker{})
	if leader, ok := pollBarrier(f5, &explWaker{}); !ok || !leader {
		t.Fatal("next generation broken by a cancel after release")
	}
	if leader, ok := pollBarrier(NewBarrier(1).WaitAsync(), &explWaker{}); !ok || !leader {
		t.Fatal("a barrier of one must release at once")
	}
}

// TestBarrierManyWaiters releases more waiters than a wake batch holds while
// the next generation is already arriving.
func TestBarrierManyWaiters(t *testing.T) {
	const parties = 100
	b := NewBarrier(parties)
	fs := make([]*BarrierFuture, parties)
	ws := make([]*explWaker, parties)
	for i := range parties - 1 {
		fs[i], ws[i] = b.WaitAsync(), &explWaker{}
		pollBarrier(fs[i], ws[i])
	}
	if leader, ok := pollBarrier(b.WaitAsync(), &explWaker{}); !ok || !leader {
		t.Fatal("last arrival not the leader")
	}
	for i := range parties - 1 {
		if _, ok := pollBarrier(fs[i], ws[i]); !ws[i].woken || !ok {
			t.Fatalf("waiter %d not released", i)
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.arrived != 0 || !b.waiters.empty() {
		t.Fatalf("after release: arrived %d, queue %d", b.arrived, b.waiters.len)
	}
}

func TestBarrierRefusedOnRuntime(t *testing.T) {
	b := NewBarrier(2)
	if msg := refusedInTask(t, func() { b.Wait() }); msg != "corio/syncx: Barrier.Wait called from inside a task on a runtime goroutine; use WaitAsync in an async function" {
		t.Fatalf("panic %q", msg)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.arrived != 0 {
		t.Fatal("the refused Wait left its arrival counted")
	}
}

// TestBarrierGenerationInsideRelease: a whole next generation that arrives
// while the previous one's wakers run (more than a wake batch, so the lock
// is dropped) is released too.
func TestBarrierGenerationInsideRelease(t *testing.T) {
	const parties = 40
	b := NewBarrier(parties)
	arrive := func(gen string) ([]*BarrierFuture, []*hookWaker) {
		fs := make([]*BarrierFuture, parties-1)
		ws := make([]*hookWaker, parties-1)
		for i := range fs {
			fs[i], ws[i] = b.WaitAsync(), &hookWaker{}
			if _, ok := fs[i].Poll(rt.NewContext(ws[i])); ok {
				t.Fatalf("%s: waiter %d ready early", gen, i)
			}
		}
		return fs, ws
	}
	first, firstW := arrive("first")
	var second []*BarrierFuture
	var secondW []*hookWaker
	firstW[0].hook = func() {
		second, secondW = arrive("second")
		if leader, ok := b.WaitAsync().Poll(rt.NewContext(&hookWaker{})); !ok || !leader {
			t.Error("second generation's last arrival not the leader")
		}
	}
	if leader, ok := b.WaitAsync().Poll(rt.NewContext(&hookWaker{})); !ok || !leader {
		t.Fatal("first generation's last arrival not the leader")
	}
	for gen, fs := range [][]*BarrierFuture{first, second} {
		ws := [][]*hookWaker{firstW, secondW}[gen]
		for i := range fs {
			if leader, ok := fs[i].Poll(rt.NewContext(ws[i])); !ok || leader || !ws[i].woken {
				t.Fatalf("generation %d waiter %d: ready %v leader %v woken %v", gen, i, ok, leader, ws[i].woken)
			}
		}
	}
}

// TestExploreBarrier drives a barrier of 3 by hand with 5 actors on a
// seeded schedule of arrivals, repolls and cancels, against a model: the
// third live arrival leads and releases (and wakes) exactly the waiting
// two; a cancelled wait withdraws its arrival unless its generation was
// released already.
func TestExploreBarrier(t *testing.T) {
	const parties, actors, steps = 3, 5, 300
	for seed := uint64(0); seed < 300; seed++ {
		rng := rand.New(rand.NewPCG(seed, 3))
		b := NewBarrier(parties)
		fs := make([]*BarrierFuture, actors)
		ws := make([]*explWaker, actors)
		released := make([]bool, actors)
		var queue []int
		fail := func(step int, format string, args ...any) {
			t.Helper()
			t.Fatalf("seed %d step %d: "+format, append([]any{seed, step}, args...)...)
		}
		for step := range steps {
			i := rng.IntN(actors)
			switch {
			case fs[i] == nil:
				fs[i], ws[i] = b.WaitAsync(), &explWaker{}
				leader, ok := fs[i].Poll(rt.NewContext(ws[i]))
				if len(queue)+1 == parties {
					if !ok || !leader {
						fail(step, "last arrival %d: ready %v leader %v", i, ok, leader)
					}
					for _, q := range queue {
						released[q] = true
						if !ws[q].woken {
							fail(step, "released waiter %d not woken", q)
						}
					}
					queue = nil
					fs[i] = nil
				} else {
					if ok {
						fail(step, "arrival %d of %d ready", len(queue)+1, parties)
					}
					queue = append(queue, i)
				}
			case rng.IntN(3) == 0:
				fs[i].Cancel()
				fs[i].Cancel()
				if !released[i] {
					for k, q := range queue {
						if q == i {
							queue = append(queue[:k:k], queue[k+1:]...)
						}
					}
				}
				fs[i], released[i] = nil, false
			default:
				ws[i].woken = false
				leader, ok := fs[i].Poll(rt.NewContext(ws[i]))
				if ok != released[i] || leader {
					fail(step, "poll of %d: ready %v leader %v, model released %v", i, ok, leader, released[i])
				}
				if ok {
					fs[i], released[i] = nil, false
				}
			}
			b.mu.Lock()
			arrived := b.arrived
			b.mu.Unlock()
			if arrived != len(queue) {
				fail(step, "arrived %d, model %d", arrived, len(queue))
			}
		}
	}
}
