package rt

import (
	"testing"

	"golang.org/x/sys/unix"
)

// A task waiting for a socket to be readable is woken by an I/O event of a
// driver turn of the runtime's worker; the event is counted there.
func TestMetricsIOEvents(t *testing.T) {
	a, b := socketPair(t)
	r := NewCurrentThread()
	defer r.Shutdown()
	var reg Tuple2[*Registration, error]
	var ev ReadyEvent
	h := SpawnOn(r, seq(
		await(RegisterAsync(a), &reg),
		func(cx *Context) bool {
			if reg.V1 != nil {
				t.Error(reg.V1)
				return true
			}
			return await(reg.V0.ReadableAsync(), &ev)(cx)
		},
	))
	if _, err := unix.Write(b, []byte("x")); err != nil {
		t.Fatal(err)
	}
	BlockOn(r, h.JoinAsync())
	if reg.V0 != nil {
		reg.V0.Deregister()
	}
	s := r.MetricsSnapshot()
	if s.IOEvents == 0 || s.DriverTurns == 0 {
		t.Fatalf("IOEvents %d, DriverTurns %d: the readable socket woke the task through the driver", s.IOEvents, s.DriverTurns)
	}
	if w := s.Workers[0]; w.IOEvents != s.IOEvents || w.DriverTurns != s.DriverTurns || w.TimersFired != 0 {
		t.Errorf("worker %+v, totals %+v", w, s.Metrics)
	}
}
