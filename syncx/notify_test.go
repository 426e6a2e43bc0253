package syncx

import (
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/corio-go/corio/rt"
)

func pollNotified(f *NotifiedFuture, w *explWaker) bool {
	_, ok := f.Poll(rt.NewContext(w))
	return ok
}

func TestNotifyPermit(t *testing.T) {
	var n Notify
	n.NotifyOne()
	n.NotifyOne() // absorbed: one permit at most
	n.Notified()  // consumes it at once
	f := n.NotifiedAsync()
	w := &explWaker{}
	if pollNotified(f, w) {
		t.Fatal("a second permit was stored")
	}
	n.NotifyWaiters() // wakes f, stores nothing
	if !w.woken || !pollNotified(f, w) {
		t.Fatal("NotifyWaiters did not release the waiter")
	}
	if pollNotified(n.NotifiedAsync(), &explWaker{}) {
		t.Fatal("NotifyWaiters stored a permit")
	}
}

// TestNotifyWaitersSeesCreatedFutures: a future created before
// NotifyWaiters completes at its first poll; one created after does not.
func TestNotifyWaitersSeesCreatedFutures(t *testing.T) {
	var n Notify
	before := n.NotifiedAsync()
	n.NotifyWaiters()
	after := n.NotifiedAsync()
	if !pollNotified(before, &explWaker{}) {
		t.Fatal("future created before NotifyWaiters missed it")
	}
	if pollNotified(after, &explWaker{}) {
		t.Fatal("future created after NotifyWaiters completed")
	}
	after.Cancel()
}

// TestNotifyCancelHandsBack: a NotifyOne that picked a waiter which is then
// cancelled passes to the next waiter, or is stored if nobody waits.
func TestNotifyCancelHandsBack(t *testing.T) {
	var n Notify
	w1, w2 := &explWaker{}, &explWaker{}
	f1, f2 := n.NotifiedAsync(), n.NotifiedAsync()
	pollNotified(f1, w1)
	pollNotified(f2, w2)
	n.NotifyOne()
	if !w1.woken || w2.woken {
		t.Fatal("NotifyOne did not pick the first waiter only")
	}
	f1.Cancel()
	if !w2.woken || !pollNotified(f2, w2) {
		t.Fatal("the cancelled waiter's notification did not pass on")
	}
	f3 := n.NotifiedAsync()
	pollNotified(f3, &explWaker{})
	n.NotifyOne()
	f3.Cancel()
	if !pollNotified(n.NotifiedAsync(), &explWaker{}) {
		t.Fatal("the cancelled waiter's notification was not stored as the permit")
	}
	// A NotifyWaiters notification is not handed back.
	f4 := n.NotifiedAsync()
	pollNotified(f4, &explWaker{})
	n.NotifyWaiters()
	f4.Cancel()
	if pollNotified(n.NotifiedAsync(), &explWaker{}) {
		t.Fatal("cancelling a NotifyWaiters wake stored a permit")
	}
}

// TestExploreNotify drives Notify by hand with a seeded schedule of
// creations, first polls, repolls, cancels, NotifyOne and NotifyWaiters,
// checking every poll and the stored permit against a model: no
// notification is lost or duplicated.
func TestExploreNotify(t *testing.T) {
	const actors, steps = 5, 300
	type actor struct {
		state   int // 0 idle, 1 created (not polled), 2 queued
		f       *NotifiedFuture
		w       *explWaker
		calls   int // NotifyWaiters calls when created
		byOne   bool
		byAll   bool
		granted bool
	}
	reuses := 0
	for seed := uint64(0); seed < 400; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		var n Notify
		as := make([]*actor, actors)
		for i := range as {
			as[i] = &actor{}
		}
		permit, calls := false, 0
		var queue []int
		fail := func(step int, format string, args ...any) {
			t.Helper()
			t.Fatalf("seed %d step %d: "+format, append([]any{seed, step}, args...)...)
		}
		notifyOne := func(step int) {
			if len(queue) == 0 {
				permit = true
				return
			}
			a := as[queue[0]]
			queue = queue[1:]
			a.granted, a.byOne = true, true
			if !a.w.woken {
				fail(step, "NotifyOne did not wake the first waiter")
			}
		}
		for step := range steps {
			switch rng.IntN(6) {
			case 0:
				n.NotifyOne()
				notifyOne(step)
			case 1:
				if rng.IntN(3) == 0 {
					n.NotifyWaiters()
					calls++
					for _, id := range queue {
						as[id].granted, as[id].byAll = true, true
						if !as[id].w.woken {
							fail(step, "NotifyWaiters did not wake waiter %d", id)
						}
					}
					queue = nil
				}
			default:
				id := rng.IntN(actors)
				a := as[id]
				switch a.state {
				case 0:
					free := true // no live future holds the embedded one
					for _, b := range as {
						if b.state != 0 && b.f == &n.fut {
							free = false
						}
					}
					a.f, a.w, a.calls = n.NotifiedAsync(), &explWaker{}, calls
					if got := a.f == &n.fut; got != free {
						fail(step, "actor %d got the embedded future: %v; it was free: %v", id, got, free)
					}
					if free {
						reuses++
					}
					a.state = 1
					if rng.IntN(2) == 0 {
						break // poll it later: NotifyWaiters may come first
					}
					fallthrough
				case 1:
					if rng.IntN(4) == 0 {
						a.f.Cancel() // never polled: holds nothing
						a.state = 0
						break
					}
					ready := pollNotified(a.f, a.w)
					want := permit || calls != a.calls
					if ready != want {
						fail(step, "first poll of %d = %v, model %v", id, ready, want)
					}
					if ready {
						if calls == a.calls {
							permit = false
						}
						a.state = 0
					} else {
						queue = append(queue, id)
						a.state = 2
					}
				case 2:
					if rng.IntN(3) == 0 {
						a.f.Cancel()
						a.f.Cancel()
						if a.granted && a.byOne {
							a.w = &explWaker{} // not woken again
							notifyOne(step)
						}
						for i, q := range queue {
							if q == id {
								queue = append(queue[:i:i], queue[i+1:]...)
								break
							}
						}
					} else {
						a.w.woken = false
						if ready := pollNotified(a.f, a.w); ready != a.granted {
							fail(step, "poll of queued %d = %v, model %v", id, ready, a.granted)
						}
						if !a.granted {
							break
						}
					}
					a.state, a.granted, a.byOne, a.byAll = 0, false, false, false
				}
			}
			n.mu.Lock()
			got := n.permit
			n.mu.Unlock()
			if got != permit {
				fail(step, "permit %v, model %v", got, permit)
			}
		}
	}
	if reuses < 2*400 {
		t.Fatalf("only %d NotifiedAsync calls reused the embedded future over 400 seeds", reuses)
	}
}

// TestNotifyPingPong bounces a turn between two tasks with two Notifys.
func TestNotifyPingPong(t *testing.T) {
	chModes(t, func(t *testing.T, multi bool) {
		before := runtime.NumGoroutine()
		var ping, pong Notify
		const rounds = 1000
		bounce := func(wait, signal *Notify, first bool) rt.Future[struct{}] {
			i := 0
			var f *NotifiedFuture
			return rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
				for i < rounds {
					if first && i == 0 && f == nil {
						signal.NotifyOne()
					}
					if f == nil {
						f = wait.NotifiedAsync()
					}
					if _, ok := f.Poll(cx); !ok {
						return struct{}{}, false
					}
					f = nil
					i++
					if !first || i < rounds {
						signal.NotifyOne()
					}
				}
				return struct{}{}, true
			})
		}
		chRunTasks(t, multi, bounce(&pong, &ping, true), bounce(&ping, &pong, false))
		chCheckGoroutines(t, before)
	})
}

func TestNotifyRefusedOnRuntime(t *testing.T) {
	var n Notify
	if msg := refusedInTask(t, n.Notified); msg != "corio/syncx: Notify.Notified called from inside a task on a runtime goroutine; use NotifiedAsync in an async function" {
		t.Fatalf("panic %q", msg)
	}
	n.NotifyOne()
	if !pollNotified(n.NotifiedAsync(), &explWaker{}) {
		t.Fatal("the refused Notified left a waiter that took the notification")
	}
}
