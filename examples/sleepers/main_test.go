package main

import (
	"testing"
	"time"

	"github.com/corio-go/corio/rt"
)

func TestSleepersAllWakeNeverEarly(t *testing.T) {
	durs := make([]time.Duration, 500)
	for i := range durs {
		durs[i] = time.Duration(1+i%20) * time.Millisecond
	}
	r := rt.NewMultiThread()
	defer r.Shutdown()
	out := rt.BlockOn(r, MainAsync(durs, heapInUse()))
	if out.V1 != nil {
		t.Fatal(out.V1)
	}
	s := out.V0
	if s.Woke != len(durs) {
		t.Fatalf("%d of %d tasks woke", s.Woke, len(durs))
	}
	if s.MinLate < 0 {
		t.Fatalf("a timer fired %v early", -s.MinLate)
	}
	if s.Asleep < 1 {
		t.Fatalf("heap weighed with %d tasks asleep", s.Asleep)
	}
}

func TestMainDirectMode(t *testing.T) {
	// Called as plain Go, Main runs on this goroutine and its tasks on the
	// process default runtime.
	s, err := Main([]time.Duration{time.Millisecond, 2 * time.Millisecond}, heapInUse())
	if err != nil || s.Woke != 2 || s.MinLate < 0 {
		t.Fatalf("direct mode: %+v, %v", s, err)
	}
}
