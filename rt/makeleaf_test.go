package rt

import (
	"testing"
	"time"
)

// sleepHolder holds two sleeps by value, as generated code holds MakeX's
// futures: the second is copied into place (before its first poll) only
// once the first completed.
type sleepHolder struct {
	s    SleepFuture
	step int
}

func (h *sleepHolder) Poll(cx *Context) (int, bool) {
	for {
		if _, ok := (&h.s).Poll(cx); !ok {
			return 0, false
		}
		h.step++
		if h.step == 2 {
			return h.step, true
		}
		h.s = MakeSleep(time.Minute)
	}
}

func TestMakeSleepByValue(t *testing.T) {
	n, took := runPaused(t, Future[int](&sleepHolder{s: MakeSleep(time.Second)}))
	if n != 2 || took != time.Second+time.Minute {
		t.Fatalf("got %d sleeps in %v, want 2 in 1m1s", n, took)
	}
	until := MakeSleepUntil(pausedStart.Add(5 * time.Second))
	if _, took := runPaused(t, Future[struct{}](&until)); took != 5*time.Second {
		t.Fatalf("MakeSleepUntil took %v, want 5s", took)
	}
}

func TestMakeSleepCancelPendingDisarms(t *testing.T) {
	s := MakeSleep(time.Hour)
	polled := false
	_, took := runPaused(t, PollFunc(func(cx *Context) (struct{}, bool) {
		if !polled {
			polled = true
			if _, ok := s.Poll(cx); ok {
				t.Error("an hour's sleep was ready at once")
			}
			if n := testDriver.Load().Timers(); n != 1 {
				t.Errorf("timers armed = %d, want 1", n)
			}
			s.Cancel()
			if n := testDriver.Load().Timers(); n != 0 {
				t.Errorf("timers after Cancel = %d, want 0", n)
			}
		}
		return struct{}{}, true
	}))
	if took != 0 {
		t.Fatalf("a cancelled sleep still advanced the clock by %v", took)
	}
}

func TestMakeYieldNowPendingOnce(t *testing.T) {
	w := &countWaker{}
	cx := NewContext(w)
	y := MakeYieldNow()
	if _, ok := y.Poll(cx); ok || w.n.Load() != 1 {
		t.Fatalf("first poll: ready=%v, wakes %d; want pending, 1 wake", ok, w.n.Load())
	}
	if _, ok := y.Poll(cx); !ok || w.n.Load() != 1 {
		t.Fatalf("second poll: ready=%v, wakes %d; want ready, no new wake", ok, w.n.Load())
	}
	allocs := testing.AllocsPerRun(100, func() {
		y := MakeYieldNow()
		y.Poll(cx)
		y.Poll(cx)
	})
	if allocs != 0 {
		t.Fatalf("a by-value yield allocated %v times", allocs)
	}
}

// BenchmarkYieldNowByValue compares a by-value yield (MakeYieldNow) with
// YieldNowAsync's allocated one, polled to completion.
func BenchmarkYieldNowByValue(b *testing.B) {
	cx := NewContext(&countWaker{})
	b.Run("by-value", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			y := MakeYieldNow()
			y.Poll(cx)
			y.Poll(cx)
		}
	})
	b.Run("async", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			y := YieldNowAsync()
			y.Poll(cx)
			y.Poll(cx)
		}
	})
}
