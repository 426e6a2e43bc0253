package driver

import (
	"strings"
	"testing"
	"time"

	"github.com/corio-go/corio/timewheel"
)

// TestDeferredStartsAtFlush: a deferred timer's clock starts at the flush,
// not at ArmDeferred: time that passes in between does not count, so it
// never fires early, measured from either point.
func TestDeferredStartsAtFlush(t *testing.T) {
	d, clk := newPaused(t)
	var b Batch
	var tm Timer
	var w countWaker
	d.ArmDeferred(&b, &tm, 10*time.Millisecond, &w)
	if !tm.Pending() || tm.Fired() || !tm.Deferred() || !tm.Armed() {
		t.Fatalf("deferred: Pending %v Fired %v Deferred %v Armed %v, want true false true true",
			tm.Pending(), tm.Fired(), tm.Deferred(), tm.Armed())
	}
	if n := d.Timers(); n != 0 {
		t.Fatalf("Timers() = %d before the flush, want 0", n)
	}
	// Deadline on demand: from the clock as it reads now.
	if got, want := d.DeadlineOf(&tm), d.DeadlineAfter(10*time.Millisecond); got != want {
		t.Fatalf("DeadlineOf deferred = %d, want %d", got, want)
	}
	clk.Advance(7 * time.Millisecond) // the rest of the poll
	d.Flush(&b, -1)
	if !b.Empty() || tm.Deferred() || !tm.Pending() || d.Timers() != 1 {
		t.Fatalf("after flush: empty %v deferred %v pending %v timers %d", b.Empty(), tm.Deferred(), tm.Pending(), d.Timers())
	}
	if got, want := tm.Deadline(), timewheel.Tick(17); got != want {
		t.Fatalf("deadline %d, want %d (the flush's reading + 10 ms)", got, want)
	}
	d.TryLock()
	defer d.Unlock()
	clk.Advance(9 * time.Millisecond) // 16 ms: 9 after the flush
	d.Park(0, false)
	if w.n.Load() != 0 {
		t.Fatal("fired before its duration measured from the flush")
	}
	clk.Advance(time.Millisecond)
	d.Park(0, false)
	if w.n.Load() != 1 || !tm.Fired() {
		t.Fatalf("wakes %d fired %v at its deadline, want 1 true", w.n.Load(), tm.Fired())
	}
}

// TestDeferredCancelNeverReachesWheel: a timer cancelled (or re-armed, or
// re-waked) while still deferred takes no lock and reaches the wheel at most
// once, with its last waker; a cancelled one not at all.
func TestDeferredCancelNeverReachesWheel(t *testing.T) {
	d, clk := newPaused(t)
	var b Batch
	var a, c, e Timer
	var wa, wc, we, other countWaker
	d.ArmDeferred(&b, &a, time.Millisecond, &wa)
	d.ArmDeferred(&b, &c, time.Millisecond, &wc)
	d.ArmDeferred(&b, &e, time.Millisecond, &we)
	if !d.Cancel(&a) || a.Pending() || a.Fired() || a.Deferred() {
		t.Fatal("Cancel of a deferred timer: want true, then neither pending nor fired")
	}
	if d.Cancel(&a) {
		t.Fatal("second Cancel returned true")
	}
	// Re-arm c after cancelling it within the same poll: once in the batch.
	d.Cancel(&c)
	d.ArmDeferred(&b, &c, 2*time.Millisecond, &wc)
	// SetWaker on a deferred timer changes whom the flush's timer wakes.
	if !d.SetWaker(&e, &other) || !e.Pending() {
		t.Fatal("SetWaker of a deferred timer returned false")
	}
	if !d.SetWaker(&e, &other) {
		t.Fatal("SetWaker with the same waker returned false")
	}
	mustPanicDriver(t, "pending", func() { d.Arm(&e, 5, &we, -1) })
	mustPanicDriver(t, "pending", func() { d.ArmDeferred(&b, &e, time.Second, &we) })
	d.Flush(&b, -1)
	if n := d.Timers(); n != 2 {
		t.Fatalf("Timers() = %d after the flush, want 2 (c, e)", n)
	}
	d.TryLock()
	defer d.Unlock()
	clk.Advance(time.Hour)
	d.Park(0, false)
	if wa.n.Load() != 0 || wc.n.Load() != 1 || we.n.Load() != 0 || other.n.Load() != 1 {
		t.Fatalf("wakes a=%d c=%d e=%d other=%d, want 0 1 0 1", wa.n.Load(), wc.n.Load(), we.n.Load(), other.n.Load())
	}
	// Re-arming a fired timer deferred: not Fired while deferred.
	d.ArmDeferred(&b, &c, time.Millisecond, &wc)
	if c.Fired() || !c.Pending() {
		t.Fatal("a fired timer deferred again still reports Fired")
	}
	d.Cancel(&c)
}

// TestDeferredCancelAllTouchesNothing: arming and cancelling in one poll
// reads no clock and leaves every shard idle (busy false): the holder's
// park does not even look at the wheels.
func TestDeferredCancelAllTouchesNothing(t *testing.T) {
	clk := &countingClock{Clock: timewheel.NewRealClock()}
	d, err := New(Config{Clock: clk, TimerShards: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	clk.nows.Store(0)
	var b Batch
	ts := make([]Timer, 100)
	var w countWaker
	for i := range ts {
		d.ArmDeferred(&b, &ts[i], time.Second, &w)
	}
	for i := range ts {
		d.Cancel(&ts[i])
	}
	d.Flush(&b, 0)
	for i := range d.shards {
		if d.shards[i].busy.Load() {
			t.Fatalf("shard %d busy after arming and cancelling in one batch", i)
		}
	}
	if n := clk.nows.Load(); n != 0 || d.Timers() != 0 {
		t.Fatalf("clock reads %d, timers %d; want 0 0", n, d.Timers())
	}
}

// TestFlushShardsAndUnparks: one flush puts new timers on the hint's shard,
// re-armed ones back on their first shard, and unparks a holder parked past
// the earliest deadline (else this test parks for an hour).
func TestFlushShardsAndUnparks(t *testing.T) {
	d, err := New(Config{TimerShards: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var late, old Timer
	var lw, ow countWaker
	d.Arm(&late, d.DeadlineAfter(time.Hour), &lw, 0)
	d.Arm(&old, d.DeadlineAfter(time.Hour), &ow, 3)
	d.Cancel(&old)
	d.TryLock()
	defer d.Unlock()
	var b Batch
	news := make([]Timer, 5)
	var nw countWaker
	done := make(chan struct{})
	go func() {
		defer close(done)
		time.Sleep(5 * time.Millisecond) // usually lands while parked
		for i := range news {
			d.ArmDeferred(&b, &news[i], time.Duration(i+1)*time.Millisecond, &nw)
		}
		d.ArmDeferred(&b, &old, time.Millisecond, &ow)
		d.Flush(&b, 1)
	}()
	parkUntil(t, d, func() bool { return nw.n.Load() == int32(len(news)) && ow.n.Load() == 1 })
	<-done
	for i := range news {
		if s := news[i].shardOf(); s != &d.shards[1] {
			t.Fatalf("new timer %d on shard %p, want the hint's (1)", i, s)
		}
	}
	if old.shardOf() != &d.shards[3] {
		t.Fatal("a re-armed timer left its first shard")
	}
	if lw.n.Load() != 0 {
		t.Fatal("the 1h timer fired")
	}
	d.Cancel(&late)
}

func mustPanicDriver(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		msg, _ := recover().(string)
		if !strings.HasPrefix(msg, "corio/driver: ") || !strings.Contains(msg, want) {
			t.Fatalf("panic %q, want a corio/driver panic containing %q", msg, want)
		}
	}()
	f()
}

func TestDeferredZeroAllocations(t *testing.T) {
	d, _ := newPaused(t)
	var b Batch
	ts := make([]Timer, 64)
	var w countWaker
	allocs := testing.AllocsPerRun(100, func() {
		for i := range ts {
			d.ArmDeferred(&b, &ts[i], time.Second, &w)
		}
		for i := 0; i < len(ts); i += 2 {
			d.Cancel(&ts[i])
		}
		d.Flush(&b, 0)
		for i := range ts {
			d.Cancel(&ts[i])
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per run, want 0", allocs)
	}
}

// TestTimerRearmedOnAnotherDriver: a timer armed on one driver, cancelled
// and armed again on another (a future reused on another runtime), by Arm
// or by a Batch, goes into the second driver's wheel: left on its first
// shard it would be inserted where the first driver's clock fires it.
func TestTimerRearmedOnAnotherDriver(t *testing.T) {
	d1, err := New(Config{TimerShards: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer d1.Close()
	d2, err := New(Config{TimerShards: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	var tm Timer
	var w countWaker
	d1.Arm(&tm, d1.DeadlineAfter(time.Hour), &w, 1)
	d1.Cancel(&tm)
	d2.Arm(&tm, d2.DeadlineAfter(time.Hour), &w, 0)
	if n1, n2 := d1.Timers(), d2.Timers(); n1 != 0 || n2 != 1 || tm.shardOf() != &d2.shards[0] {
		t.Fatalf("Arm on the second driver: timers %d and %d, want 0 and 1, on its hint's shard", n1, n2)
	}
	d2.Cancel(&tm)
	var b Batch
	d1.ArmDeferred(&b, &tm, time.Hour, &w)
	d1.Flush(&b, 1)
	if n1, n2 := d1.Timers(), d2.Timers(); n1 != 1 || n2 != 0 || tm.shardOf() != &d1.shards[1] {
		t.Fatalf("Flush on the first driver: timers %d and %d, want 1 and 0, on its hint's shard", n1, n2)
	}
	d1.Cancel(&tm)
	d1.Arm(&tm, d1.DeadlineAfter(time.Hour), &w, 0)
	if tm.shardOf() != &d1.shards[1] {
		t.Fatal("a timer armed again on the same driver left its shard")
	}
	d1.Cancel(&tm)
}
