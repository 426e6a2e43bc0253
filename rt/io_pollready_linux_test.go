package rt

import (
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestRegistrationPollReadySpendsNoBudget: ClearAndPollReady records the waker
// like a poll of ReadableAsync, which spends a budget unit and, with the
// budget spent, refuses; ClearAndPollReady records the waiter anyway, and the
// next event wakes it.
func TestRegistrationPollReadySpendsNoBudget(t *testing.T) {
	d, r, _, b := driverPair(t)
	w := &countingWaker{}
	cx := NewContext(w)
	cx.budget = 0 // spent, as at the end of a task's poll
	if _, ok := r.ReadableAsync().Poll(cx); ok {
		t.Fatal("ReadableAsync ready with no data")
	}
	if w.n.Load() != 1 || !cx.exhausted {
		t.Fatalf("ReadableAsync with no budget: woken %d times (want 1, the yield), exhausted %v", w.n.Load(), cx.exhausted)
	}
	w.n.Store(0)
	cx.exhausted = false
	if _, ok := r.ClearAndPollReady(cx, DirRead, ReadyEvent{}); ok {
		t.Fatal("ClearAndPollReady ready with no data")
	}
	if w.n.Load() != 0 || cx.exhausted || cx.budget != 0 {
		t.Fatalf("ClearAndPollReady: woken %d times, exhausted %v, budget %d; want 0, false, 0", w.n.Load(), cx.exhausted, cx.budget)
	}
	unix.Write(b, []byte("x"))
	for w.n.Load() == 0 {
		d.Park(time.Millisecond, false)
	}
	if ev, ok := r.ClearAndPollReady(cx, DirRead, ReadyEvent{}); !ok || ev.Ready&Readable == 0 {
		t.Fatalf("ClearAndPollReady after the event: %+v, %v", ev, ok)
	}
}
