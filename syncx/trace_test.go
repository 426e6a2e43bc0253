package syncx

import (
	"runtime"
	"testing"

	"github.com/corio-go/corio/rt"
)

// pendingTrace polls f once (it must stay pending) and returns its Trace.
func pendingTrace[T any](t *testing.T, f rt.Future[T]) rt.Trace {
	t.Helper()
	if _, ok := chPoll(f, &chWaker{}); ok {
		t.Fatalf("%T ready at its first poll", f)
	}
	return f.(rt.Tracer).Trace()
}

func checkTrace(t *testing.T, got rt.Trace, fn, detail string) {
	t.Helper()
	if got.Func != fn || got.Detail != detail || got.Line != 0 || got.Awaiting != nil {
		t.Errorf("Trace = %+v, want Func %q, Detail %q", got, fn, detail)
	}
}

func TestTraceLocks(t *testing.T) {
	var m Mutex
	m.Lock()
	lf := m.LockAsync()
	checkTrace(t, pendingTrace[struct{}](t, lf), "syncx.(*Mutex).Lock", "locked, 1 queued")
	lf.Cancel()
	m.Unlock()

	var rw RwLock
	rw.Lock()
	rf := rw.RLockAsync()
	checkTrace(t, pendingTrace[struct{}](t, rf), "syncx.(*RwLock).RLock", "1 queued")
	rf.Cancel()
	rw.Unlock()

	s := NewSemaphore(1)
	if _, ok := chPoll[error](s.AcquireAsync(1), &chWaker{}); !ok {
		t.Fatal("first permit not granted")
	}
	af := s.AcquireAsync(2)
	checkTrace(t, pendingTrace[error](t, af), "syncx.(*Semaphore).Acquire", "2 permits, 0 available, 1 queued")
	af.Cancel()
}

func TestTraceChannels(t *testing.T) {
	tx, rx := NewChannel[int](2)
	rf := rx.RecvAsync()
	checkTrace(t, pendingTrace[rt.Tuple2[int, bool]](t, rf), "syncx.(*Receiver[...]).Recv", "mpsc recv, 0 of 2 queued")
	rf.Cancel()
	if tx.TrySend(1) != nil || tx.TrySend(2) != nil {
		t.Fatal("TrySend into an empty channel of 2 failed")
	}
	sf := tx.SendAsync(3)
	checkTrace(t, pendingTrace[error](t, sf), "syncx.(*Sender[...]).Send", "mpsc send, 2 of 2 queued, 1 senders waiting")
	sf.Cancel()

	_, orx := NewOneshot[int]()
	checkTrace(t, pendingTrace[rt.Tuple2[int, error]](t, orx.RecvAsync()), "syncx.(*OneshotReceiver[...]).Recv", "oneshot recv, nothing sent")

	b := NewBroadcast[int](4)
	br := b.Subscribe()
	checkTrace(t, pendingTrace[rt.Tuple2[int, error]](t, br.RecvAsync()), "syncx.(*BroadcastReceiver[...]).Recv", "broadcast recv, 0 unread")

	w := NewWatch(0)
	wr := w.Subscribe()
	checkTrace(t, pendingTrace[error](t, wr.ChangedAsync()), "syncx.(*WatchReceiver[...]).Changed", "watch changed, seen version 0 of 0")
}

func TestTraceWaiters(t *testing.T) {
	checkTrace(t, pendingTrace[bool](t, NewBarrier(3).WaitAsync()), "syncx.(*Barrier).Wait", "1 of 3 arrived")
	var wg WaitGroup
	wg.Add(2)
	checkTrace(t, pendingTrace[struct{}](t, wg.WaitAsync()), "syncx.(*WaitGroup).Wait", "counter 2")
	var n Notify
	checkTrace(t, pendingTrace[struct{}](t, n.NotifiedAsync()), "syncx.(*Notify).Notified", "1 waiting")
	checkTrace(t, pendingTrace[struct{}](t, NewCancelToken().CancelledAsync()), "syncx.(*CancelToken).Cancelled", "not cancelled")

	var c OnceCell[int]
	inner := rt.PollFunc(func(*rt.Context) (int, bool) { return 0, false })
	got := pendingTrace[int](t, c.GetOrInitAsync(func() rt.Future[int] { return inner }))
	if got.Func != "syncx.(*OnceCell[...]).GetOrInit" || got.Detail != "initializing" || got.Awaiting == nil {
		t.Errorf("OnceCell Trace = %+v, want the initializer awaited", got)
	}
}

// TestTraceRace reads a queued lock waiter's Trace while another goroutine
// unlocks, which frees the lock and wakes it (run with -race: Trace must
// read the queue under the mutex's lock).
func TestTraceRace(t *testing.T) {
	var m Mutex
	m.Lock()
	f := m.LockAsync()
	pendingTrace[struct{}](t, f)
	go m.Unlock()
	for f.Trace().Detail != "0 queued" { // until the unlock freed it and woke f
		runtime.Gosched()
	}
	if _, ok := chPoll[struct{}](f, &chWaker{}); !ok {
		t.Fatal("the lock was freed for the woken waiter but the future is pending")
	}
	m.Unlock()
}
