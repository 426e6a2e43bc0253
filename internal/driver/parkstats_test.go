package driver

import (
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// ParkTo's counts are what the runtime's per-worker metrics add up: a wrong
// count here is a wrong TimersFired or IOEvents there.
func TestParkToCounts(t *testing.T) {
	d, _ := newPaused(t)
	d.TryLock()
	defer d.Unlock()
	var w countWaker
	var tms [3]Timer
	for i := range tms {
		d.Arm(&tms[i], d.DeadlineAfter(time.Second), &w, -1)
	}
	if ev, fired := d.ParkTo(0, false, nil); ev != 0 || fired != 0 {
		t.Fatalf("nothing due: ParkTo = %d events, %d fired; want 0, 0", ev, fired)
	}
	d.Advance(time.Second)
	if ev, fired := d.ParkTo(-1, false, nil); ev != 0 || fired != 3 {
		t.Fatalf("three due: ParkTo = %d events, %d fired; want 0, 3", ev, fired)
	}
	// Auto-advance's jump counts what it fires too.
	d.Arm(&tms[0], d.DeadlineAfter(time.Hour), &w, -1)
	if _, fired := d.ParkTo(-1, true, nil); fired != 1 {
		t.Fatalf("auto-advance: fired = %d, want 1", fired)
	}

	// One readable pipe: one event.
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	reg, err := d.Register(p[0])
	if err != nil {
		t.Fatal(err)
	}
	defer d.Deregister(reg)
	if _, err := unix.Write(p[1], []byte{1}); err != nil {
		t.Fatal(err)
	}
	events := 0
	for deadline := time.Now().Add(10 * time.Second); events == 0 && time.Now().Before(deadline); {
		ev, _ := d.ParkTo(100*time.Millisecond, false, nil)
		events += ev
	}
	if events != 1 {
		t.Fatalf("readable pipe: %d events, want 1", events)
	}

	d.Close()
	if ev, fired := d.ParkTo(0, false, nil); ev != 0 || fired != 0 {
		t.Fatalf("after Close: ParkTo = %d, %d; want 0, 0", ev, fired)
	}
}
