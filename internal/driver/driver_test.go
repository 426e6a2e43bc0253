package driver

import (
	"errors"
	"os"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/corio-go/corio/timewheel"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// countWaker counts its wake-ups.
type countWaker struct{ n atomic.Int32 }

func (w *countWaker) Wake() { w.n.Add(1) }

// atomicInt hands out 0, 1, 2, … to concurrent callers.
type atomicInt struct{ n atomic.Int32 }

func (a *atomicInt) add() int { return int(a.n.Add(1) - 1) }

func newPaused(t testing.TB) (*Driver, *timewheel.ManualClock) {
	t.Helper()
	clk := timewheel.NewManualClock(time.Unix(1_700_000_000, 0))
	d, err := New(Config{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d, clk
}

func TestParkFiresDueTimerPaused(t *testing.T) {
	d, _ := newPaused(t)
	var w countWaker
	var tm Timer
	d.Arm(&tm, d.DeadlineAfter(time.Second), &w, -1)
	if !d.TryLock() {
		t.Fatal("TryLock failed on a fresh driver")
	}
	defer d.Unlock()
	if d.TryLock() {
		t.Fatal("second TryLock succeeded")
	}
	d.Park(0, false)
	if w.n.Load() != 0 || !tm.Pending() {
		t.Fatal("timer fired before its deadline")
	}
	d.Advance(time.Second)
	d.Park(-1, false) // the Unpark in Advance makes this return
	if w.n.Load() != 1 || !tm.Fired() {
		t.Fatalf("wakes=%d fired=%v, want 1 true", w.n.Load(), tm.Fired())
	}
}

func TestAutoAdvance(t *testing.T) {
	d, clk := newPaused(t)
	var w countWaker
	var tm Timer
	d.Arm(&tm, d.DeadlineAfter(time.Hour), &w, -1)
	d.TryLock()
	defer d.Unlock()
	d.Park(-1, true)
	if !tm.Fired() || w.n.Load() != 1 {
		t.Fatal("auto-advance did not fire the timer")
	}
	if got := clk.Elapsed(); got != time.Hour {
		t.Fatalf("clock at %v, want 1h", got)
	}
	// ParkTo hands the fired timer's waker to the sink instead of waking it.
	d.Arm(&tm, d.DeadlineAfter(time.Second), &w, -1)
	var s sinkWakers
	d.ParkTo(-1, true, &s)
	if len(s.got) != 1 || s.got[0] != Waker(&w) || w.n.Load() != 1 {
		t.Fatalf("sink got %d wakers (woken %d); want the timer's, not woken", len(s.got), w.n.Load()-1)
	}
}

func newReal(t testing.TB) *Driver {
	t.Helper()
	d, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// parkUntil parks d (whose lock the caller holds) until cond holds, failing
// the test after a generous 10 s instead of hanging.
func parkUntil(t *testing.T, d *Driver, cond func() bool) {
	t.Helper()
	limit := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(limit) {
			t.Fatal("condition not reached after 10s of parking")
		}
		d.Park(-1, false)
	}
}

// An earlier timer armed by another goroutine while the holder is parked
// until a later one must unpark it: otherwise this test parks for an hour and
// fails at its 10 s limit.
func TestArmEarlierUnparks(t *testing.T) {
	d := newReal(t)
	var late, early Timer
	var lw, ew countWaker
	d.Arm(&late, d.DeadlineAfter(time.Hour), &lw, -1)
	d.TryLock()
	defer d.Unlock()
	go func() {
		time.Sleep(5 * time.Millisecond) // usually lands while parked
		d.Arm(&early, d.DeadlineAfter(time.Millisecond), &ew, -1)
	}()
	parkUntil(t, d, func() bool { return ew.n.Load() == 1 })
	if lw.n.Load() != 0 {
		t.Fatal("the 1h timer fired")
	}
	if !d.Cancel(&late) {
		t.Fatal("Cancel of the pending 1h timer returned false")
	}
}

// On a paused clock the holder blocks without a timer bound, so any arming
// (which may be due at once) unparks it.
func TestArmDueUnparksPaused(t *testing.T) {
	d, _ := newPaused(t)
	var tm Timer
	var w countWaker
	d.TryLock()
	defer d.Unlock()
	go func() {
		time.Sleep(5 * time.Millisecond)
		d.Arm(&tm, d.DeadlineAfter(0), &w, -1)
	}()
	parkUntil(t, d, func() bool { return w.n.Load() == 1 })
}

func TestCancelBeforeArmAndAfterFire(t *testing.T) {
	d, _ := newPaused(t)
	var tm Timer
	if d.Cancel(&tm) || tm.Armed() {
		t.Fatal("Cancel of a never-armed timer reported a cancellation")
	}
	var w countWaker
	d.Arm(&tm, d.DeadlineAfter(time.Millisecond), &w, 3)
	d.TryLock()
	defer d.Unlock()
	d.Advance(time.Millisecond)
	d.Park(0, false)
	if !tm.Fired() || w.n.Load() != 1 {
		t.Fatal("timer did not fire")
	}
	if d.Cancel(&tm) || d.Cancel(&tm) {
		t.Fatal("Cancel after fire reported a cancellation")
	}
	// Re-arm after fire, with another waker, and cancel while pending.
	var w2 countWaker
	d.Arm(&tm, d.DeadlineAfter(time.Second), &w2, -1)
	if !d.Cancel(&tm) || d.Timers() != 0 {
		t.Fatal("Cancel of a pending re-armed timer failed")
	}
	d.Advance(time.Hour)
	d.Park(0, false)
	if w.n.Load() != 1 || w2.n.Load() != 0 {
		t.Fatalf("wakes after cancel: %d %d", w.n.Load(), w2.n.Load())
	}
}

func TestSetWaker(t *testing.T) {
	d, _ := newPaused(t)
	var tm Timer
	var w1, w2 countWaker
	d.Arm(&tm, d.DeadlineAfter(time.Second), &w1, -1)
	if !d.SetWaker(&tm, &w1) || !d.SetWaker(&tm, &w2) {
		t.Fatal("SetWaker on a pending timer returned false")
	}
	d.TryLock()
	defer d.Unlock()
	d.Park(-1, true)
	if w1.n.Load() != 0 || w2.n.Load() != 1 {
		t.Fatalf("wakes %d %d, want 0 1", w1.n.Load(), w2.n.Load())
	}
	if d.SetWaker(&tm, &w1) {
		t.Fatal("SetWaker on a fired timer returned true")
	}
}

func TestShardsSpread(t *testing.T) {
	d, err := New(Config{TimerShards: 3, Clock: timewheel.NewManualClock(time.Time{})})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if len(d.shards) != 4 {
		t.Fatalf("%d shards for 3 asked, want 4 (rounded up to a power of two)", len(d.shards))
	}
	timers := make([]Timer, 256)
	var w countWaker
	for i := range timers {
		d.Arm(&timers[i], 10, &w, -1)
	}
	for i := range d.shards {
		if n := d.shards[i].len(); n < 16 {
			t.Errorf("shard %d holds %d of 256 address-hashed timers", i, n)
		}
	}
	for i := range timers {
		d.Cancel(&timers[i])
	}
	var h Timer
	d.Arm(&h, 10, &w, 6)
	if h.shardOf() != &d.shards[2] {
		t.Fatal("hint 6 of 4 shards did not pick shard 2")
	}
	d.Cancel(&h)
}

// TestParkUnparkStress runs holders that contend for the lock and park, next
// to goroutines that Unpark and arm and cancel short timers. Checks: never two
// holders at once; every arming ends exactly one way (fired once or cancelled);
// nothing hangs. Run with -race.
func TestParkUnparkStress(t *testing.T) {
	d := newReal(t)
	const (
		holders  = 3
		armers   = 3
		perArmer = 120
	)
	var inPark atomic.Int32
	var stop atomic.Bool
	done := make(chan struct{})
	for range holders {
		go func() {
			defer func() { done <- struct{}{} }()
			for !stop.Load() {
				if !d.TryLock() {
					d.Unpark()
					continue
				}
				if inPark.Add(1) != 1 {
					t.Error("two goroutines hold the drive lock")
				}
				d.Park(time.Millisecond, false)
				inPark.Add(-1)
				d.Unlock()
			}
		}()
	}
	armersDone := make(chan struct{})
	for a := range armers {
		go func() {
			defer func() { armersDone <- struct{}{} }()
			for i := range perArmer {
				var tm Timer
				var w countWaker
				d.Arm(&tm, d.DeadlineAfter(time.Duration(i%3)*time.Millisecond), &w, a)
				cancelled := i%2 == 0 && d.Cancel(&tm)
				if !cancelled {
					for limit := time.Now().Add(10 * time.Second); w.n.Load() == 0; {
						if time.Now().After(limit) {
							t.Error("timer never fired")
							return
						}
						d.Unpark()
						time.Sleep(50 * time.Microsecond)
					}
				}
				if got, want := w.n.Load(), map[bool]int32{true: 0, false: 1}[cancelled]; got != want {
					t.Errorf("wakes %d, want %d (cancelled %v)", got, want, cancelled)
				}
			}
		}()
	}
	for range armers {
		<-armersDone
	}
	stop.Store(true)
	for range holders {
		<-done
	}
	if n := d.Timers(); n != 0 {
		t.Fatalf("%d timers left", n)
	}
}

// openFDs counts the process's open descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd:", err)
	}
	return len(ents)
}

func TestCloseLeaksNothing(t *testing.T) {
	defer goleak.VerifyNone(t)
	before := openFDs(t)
	for range 50 {
		d, err := New(Config{})
		if err != nil {
			t.Fatal(err)
		}
		var tm Timer
		var w countWaker
		d.Arm(&tm, d.DeadlineAfter(time.Hour), &w, -1)
		parked := make(chan struct{})
		go func() {
			d.TryLock()
			close(parked)
			d.Park(-1, false) // returns when Close runs
			d.Park(-1, false) // after Close: at once
			d.Unlock()
		}()
		<-parked
		if err := d.Close(); err != nil {
			t.Fatal(err)
		}
		if err := d.Close(); err != nil {
			t.Fatal("second Close:", err)
		}
		if _, err := d.Register(0); err != ErrClosed {
			t.Fatalf("Register after Close: %v", err)
		}
	}
	if after := openFDs(t); after != before {
		t.Fatalf("open descriptors %d before, %d after 50 New/Close", before, after)
	}
}

// The default driver's goroutine runs while something is armed or registered,
// and goes away after that.
func TestDefaultGoroutineComesAndGoes(t *testing.T) {
	d := Default()
	if Default() != d {
		t.Fatal("Default returned two drivers")
	}
	var tm Timer
	var w countWaker
	d.Arm(&tm, d.DeadlineAfter(2*time.Millisecond), &w, -1)
	for limit := time.Now().Add(10 * time.Second); w.n.Load() == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(limit) {
			t.Fatal("default driver did not fire a 2ms timer in 10s")
		}
	}
	var long Timer
	d.Arm(&long, d.DeadlineAfter(time.Hour), &w, -1)
	time.Sleep(2 * bgLinger) // past the linger: parked until the 1h timer
	d.Cancel(&long)
	goleak.VerifyNone(t) // gone within goleak's retries, not after an hour
	if err := func() (err error) {
		defer func() {
			if recover() == nil {
				err = errors.New("no panic")
			}
		}()
		d.Close()
		return nil
	}(); err != nil {
		t.Fatal("Close of the default driver:", err)
	}
}

// sliceWaker is a non-comparable waker type: == on two of them panics.
type sliceWaker struct {
	n    *atomic.Int32
	tags []int
}

func (w sliceWaker) Wake() { w.n.Add(1) }

func TestSetWakerNonComparable(t *testing.T) {
	d, _ := newPaused(t)
	var n atomic.Int32
	var tm Timer
	d.Arm(&tm, d.DeadlineAfter(time.Second), sliceWaker{n: &n}, -1)
	if !d.SetWaker(&tm, sliceWaker{n: &n}) { // must not panic
		t.Fatal("SetWaker on a pending timer returned false")
	}
	d.TryLock()
	defer d.Unlock()
	d.Park(-1, true)
	if n.Load() != 1 {
		t.Fatalf("woken %d times, want 1", n.Load())
	}
}

// A shard that Park skipped while it was empty has a stale position; a timer
// armed on it later must still fire at exactly its deadline.
func TestSkippedShardFiresOnTime(t *testing.T) {
	clk := timewheel.NewManualClock(time.Time{})
	d, err := New(Config{Clock: clk, TimerShards: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	d.TryLock()
	defer d.Unlock()
	var a, b Timer
	var w countWaker
	d.Arm(&a, d.DeadlineAfter(3*time.Hour), &w, 0)
	d.Park(-1, true) // shard 1 is empty and skipped throughout
	if clk.Elapsed() != 3*time.Hour || w.n.Load() != 1 {
		t.Fatalf("first timer: clock %v wakes %d", clk.Elapsed(), w.n.Load())
	}
	d.Arm(&b, d.DeadlineAfter(1500*time.Millisecond), &w, 1)
	for w.n.Load() != 2 {
		d.Park(-1, true)
	}
	if want := 3*time.Hour + 1500*time.Millisecond; clk.Elapsed() != want {
		t.Fatalf("timer on the skipped shard fired at %v, want %v", clk.Elapsed(), want)
	}
}

// TestRearmOnFiredRacesFire has owners that re-arm their timer the moment
// they see it Fired — on other goroutines, while the holder may still be
// firing the rest of that shard — with a new hint each time. The race
// detector checks that the re-arm (which writes the timer's waker) never
// overlaps the fire that reads it: a re-armed timer stays on its first shard,
// whose lock orders the two. Every arming fires exactly once.
func TestRearmOnFiredRacesFire(t *testing.T) {
	d, clk := newPaused(t)
	const owners, rounds = 4, 200
	timers := make([]Timer, owners)
	wakers := make([]countWaker, owners)
	first := make([]*shard, owners)
	for i := range timers {
		d.Arm(&timers[i], d.clock.Now()+1, &wakers[i], i)
		first[i] = timers[i].shardOf()
	}
	done := make(chan struct{})
	for i := range owners {
		go func() {
			defer func() { done <- struct{}{} }()
			for r := 1; r < rounds; r++ {
				for !timers[i].Fired() {
					runtime.Gosched()
				}
				d.Arm(&timers[i], d.clock.Now()+1, &wakers[i], i+r)
				if timers[i].shardOf() != first[i] {
					t.Errorf("timer %d moved from its first shard on re-arm", i)
					return
				}
			}
		}()
	}
	if !d.TryLock() {
		t.Fatal("TryLock of a new driver failed")
	}
	defer d.Unlock()
	finished := 0
	for finished < owners {
		select {
		case <-done:
			finished++
		default:
			clk.Advance(time.Millisecond)
			d.Park(0, false)
		}
	}
	for range 2 { // the last armings
		clk.Advance(time.Millisecond)
		d.Park(0, false)
	}
	for i := range wakers {
		if n := wakers[i].n.Load(); n != rounds {
			t.Errorf("owner %d woken %d times for %d armings", i, n, rounds)
		}
	}
	if d.Timers() != 0 {
		t.Errorf("%d timers left", d.Timers())
	}
}

// TestBusyFlagSkipsEmptyShards checks the bookkeeping that lets Park skip
// shards: a shard is busy after an arming, stays busy after its last cancel
// (cancel writes nothing but the wheel), and the holder's next Park clears it.
func TestBusyFlagSkipsEmptyShards(t *testing.T) {
	d, _ := newPaused(t)
	var tm Timer
	var w countWaker
	d.Arm(&tm, d.clock.Now()+100, &w, 1)
	s := tm.shardOf()
	if !s.busy.Load() {
		t.Fatal("shard not busy after Arm")
	}
	if !d.Cancel(&tm) {
		t.Fatal("Cancel of a pending timer failed")
	}
	if !s.busy.Load() {
		t.Fatal("Cancel cleared busy: the cancel path should write nothing but the wheel")
	}
	if !d.TryLock() {
		t.Fatal("TryLock failed")
	}
	d.Park(0, false)
	d.Unlock()
	if s.busy.Load() {
		t.Fatal("Park left an empty shard busy")
	}
	d.Arm(&tm, d.clock.Now()+100, &w, 1)
	if !s.busy.Load() {
		t.Fatal("shard not busy after re-arming")
	}
	d.Cancel(&tm)
}

// Unpark writes the poller's eventfd only while the holder may block in Poll:
// Unparks with no blocking Park in progress only set the flag, and the next
// Park returns at once without blocking; an Unpark of a blocked holder wakes
// it through the poller, once.
func TestUnparkWakesPollerOnlyWhenBlocked(t *testing.T) {
	d := newReal(t)
	d.TryLock()
	defer d.Unlock()
	for range 3 {
		d.Unpark()
	}
	d.Park(-1, false) // returns: notified, so it does not block
	if n := d.wakeups.Load(); n != 0 {
		t.Fatalf("%d poller wake-ups for Unparks with no blocked holder; want 0", n)
	}
	go func() {
		for !d.blocking.Load() {
			runtime.Gosched()
		}
		d.Unpark()
		d.Unpark() // coalesced
	}()
	d.Park(-1, false) // returns only through the Unpark's eventfd write
	if n := d.wakeups.Load(); n != 1 {
		t.Fatalf("%d poller wake-ups for a blocked holder; want 1", n)
	}
}

// sinkWakers collects what ParkTo hands to a sink.
type sinkWakers struct{ got []Waker }

func (s *sinkWakers) Dispatch(w Waker) { s.got = append(s.got, w) }
