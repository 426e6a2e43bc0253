package syncx

import (
	"testing"

	"github.com/corio-go/corio/rt"
)

func TestWatchLatestOnly(t *testing.T) {
	w := NewWatch("v0")
	r := w.Subscribe()
	if r.HasChanged() {
		t.Fatal("a new receiver has not seen the current value")
	}
	var wk chWaker
	f := r.ChangedAsync()
	if _, ok := chPoll[error](f, &wk); ok {
		t.Fatal("Changed completed with no change")
	}
	for _, v := range []string{"v1", "v2", "v3"} {
		if err := w.Send(v); err != nil {
			t.Fatal(err)
		}
	}
	if !wk.woken() {
		t.Fatal("Send did not wake the waiting receiver")
	}
	if err, ok := chPoll[error](f, &wk); !ok || err != nil {
		t.Fatalf("Changed = %v, %v", err, ok)
	}
	if v := r.Load(); v != "v3" {
		t.Fatalf("Load = %q, want the latest", v)
	}
	if r.HasChanged() {
		t.Fatal("HasChanged after Load")
	}
	// A cancelled wait marks nothing seen.
	g := r.ChangedAsync()
	chPoll[error](g, &wk)
	g.Cancel()
	g.Cancel()
	w.Send("v4")
	if !r.HasChanged() {
		t.Fatal("change lost after a cancelled wait")
	}
	w.Close()
	if err := w.Send("v5"); err != ErrClosed {
		t.Fatalf("Send after Close: %v", err)
	}
	if err := r.Changed(); err != nil { // v4 was not seen yet
		t.Fatalf("Changed after Close with an unseen value: %v", err)
	}
	if err := r.Changed(); err != ErrClosed {
		t.Fatalf("Changed after Close: %v", err)
	}
	if w.Load() != "v4" {
		t.Fatal("Load after Close")
	}
}

// A receiver task sees an increasing sequence of values that ends with the
// last one sent, on both runtimes.
func TestWatchTasks(t *testing.T) {
	chModes(t, func(t *testing.T, multi bool) {
		const n = 500
		w := NewWatch(0)
		r := w.Subscribe()
		var seen []int
		receiver := chAwaitLoop(func() rt.Future[error] { return r.ChangedAsync() },
			func(err error) bool {
				if err == nil {
					seen = append(seen, r.Load())
				}
				return err == nil
			})
		i := 0
		var yield rt.Future[struct{}]
		sender := rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
			for i < n {
				if yield != nil {
					if _, ok := yield.Poll(cx); !ok {
						return struct{}{}, false
					}
					yield = nil
				}
				i++
				w.Send(i)
				if i%3 == 0 {
					yield = rt.YieldNowAsync()
				}
			}
			w.Close()
			return struct{}{}, true
		})
		chRunTasks(t, multi, receiver, sender)
		if len(seen) == 0 || seen[len(seen)-1] != n {
			t.Fatalf("receiver saw %v; want it to end at %d", seen, n)
		}
		for k := 1; k < len(seen); k++ {
			if seen[k] <= seen[k-1] {
				t.Fatalf("values went back: %v", seen)
			}
		}
	})
}
