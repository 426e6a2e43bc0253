package main

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/corio-go/corio/rt"
)

// The limit leaves a loaded machine ample room: only the jobs that take an
// hour may time out.
const testLimit = 250 * time.Millisecond

// The pipeline gives the same report as futures on both runtimes and as
// plain Go, and every task ends, in the full run and in the stopped one.
func TestPipelineBothModes(t *testing.T) {
	before := runtime.NumGoroutine()
	direct, err := Run(12, 3, testLimit, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := direct.String()
	if !strings.Contains(want, "12 results (2 timed out), producer: done") ||
		!strings.Contains(want, "job  5: timed out") || !strings.Contains(want, "job 12: 144") {
		t.Fatalf("direct mode report:\n%s", want)
	}
	if direct.Delivered != 12 || direct.Workers != 3 {
		t.Fatalf("direct mode: %d delivered by %d workers", direct.Delivered, direct.Workers)
	}
	for _, r := range []*rt.Runtime{rt.NewCurrentThread(), rt.NewMultiThread(rt.WithWorkers(2))} {
		out := rt.BlockOn(r, RunAsync(12, 3, testLimit, 0))
		if out.V1 != nil {
			t.Fatal(out.V1)
		}
		if got := out.V0.String(); got != want {
			t.Fatalf("%s runtime report:\n%s\ndirect mode:\n%s", r.Name(), got, want)
		}
		stopped := rt.BlockOn(r, RunAsync(40, 3, testLimit, 4))
		if stopped.V1 != nil {
			t.Fatal(stopped.V1)
		}
		directStopped, err := Run(40, 3, testLimit, 4)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := stopped.V0.Stopped(), directStopped.Stopped(); got != want ||
			want != "stopped after 4 results; producer: corio/syncx: channel closed; 3 workers returned\n" {
			t.Fatalf("stopped run: futures %q, direct mode %q", got, want)
		}
		r.Shutdown()
	}
	// Every runtime was shut down and every task returned: no goroutine of
	// the test is left (the process default runtime's goroutine exits once
	// it has no task).
	for i := 0; runtime.NumGoroutine() > before && i < 1000; i++ {
		time.Sleep(time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Fatalf("%d goroutines before, %d after", before, n)
	}
}

func Example() {
	main()
	// Output:
	// futures on a corio runtime:
	// job  1: 1
	// job  2: 4
	// job  3: 9
	// job  4: 16
	// job  5: timed out after 100ms
	// job  6: 36
	// job  7: 49
	// job  8: 64
	// job  9: 81
	// job 10: timed out after 100ms
	// job 11: 121
	// job 12: 144
	// 12 results (2 timed out), producer: done
	// stopped after 4 results; producer: corio/syncx: channel closed; 3 workers returned
	// direct mode:
	// job  1: 1
	// job  2: 4
	// job  3: 9
	// job  4: 16
	// job  5: timed out after 100ms
	// job  6: 36
	// job  7: 49
	// job  8: 64
	// job  9: 81
	// job 10: timed out after 100ms
	// job 11: 121
	// job 12: 144
	// 12 results (2 timed out), producer: done
	// stopped after 4 results; producer: corio/syncx: channel closed; 3 workers returned
}
