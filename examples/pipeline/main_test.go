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
const testLimit = time.Second

// The pipeline gives the same report as futures on both runtimes and as
// plain Go, in a full run and in runs stopped early (after enough results,
// and with stuck workers aborted), and every task ends.
func TestPipelineBothModes(t *testing.T) {
	before := runtime.NumGoroutine()
	type run struct {
		n            int
		limit, idle  time.Duration
		stopAfter    int
		format       func(Report) string
		wantContains []string
	}
	runs := []run{
		{12, testLimit, 2 * time.Second, 0, Report.String, []string{
			"job  5: timed out", "job 12: 144", "12 results (2 timed out), producer: done\n"}},
		{40, testLimit, 2 * time.Second, 4, func(r Report) string { return r.Summary(3) }, []string{
			"stopped: 4 results are enough; 4 results; producer: corio/syncx: channel closed; all 3 workers ended: true\n"}},
		{40, time.Hour, stuckIdle, 0, Report.String, []string{
			"job 14: 196\n12 results (0 timed out), producer: corio/syncx: channel closed\n",
			"stopped: no result for 1s; workers: 0 returned, 3 aborted\n"}},
	}
	for i, c := range runs {
		direct, err := Run(c.n, 3, c.limit, c.idle, c.stopAfter)
		if err != nil {
			t.Fatal(err)
		}
		want := c.format(direct)
		for _, s := range c.wantContains {
			if !strings.Contains(want, s) {
				t.Fatalf("run %d, direct mode report lacks %q:\n%s", i, s, want)
			}
		}
		for _, r := range []*rt.Runtime{rt.NewCurrentThread(), rt.NewMultiThread(rt.WithWorkers(2))} {
			out := rt.BlockOn(r, RunAsync(c.n, 3, c.limit, c.idle, c.stopAfter))
			r.Shutdown()
			if out.V1 != nil {
				t.Fatal(out.V1)
			}
			if got := c.format(out.V0); got != want {
				t.Fatalf("run %d on the %s runtime:\n%s\ndirect mode:\n%s", i, r.Name(), got, want)
			}
		}
	}
	// Every runtime was shut down and every task ended: no goroutine of the
	// test is left (the process default runtime's goroutine exits once it
	// has no task).
	for i := 0; runtime.NumGoroutine() > before && i < 1000; i++ {
		time.Sleep(time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines before, %d after\n%s", before, n, buf[:runtime.Stack(buf, true)])
	}
}

func Example() {
	main()
	// Output:
	// futures on a corio runtime:
	// - every job
	// job  1: 1
	// job  2: 4
	// job  3: 9
	// job  4: 16
	// job  5: timed out after 500ms
	// job  6: 36
	// job  7: 49
	// job  8: 64
	// job  9: 81
	// job 10: timed out after 500ms
	// job 11: 121
	// job 12: 144
	// 12 results (2 timed out), producer: done
	// - stop after 4 results
	// stopped: 4 results are enough; 4 results; producer: corio/syncx: channel closed; all 3 workers ended: true
	// - jobs that never end
	// job  1: 1
	// job  2: 4
	// job  3: 9
	// job  4: 16
	// job  6: 36
	// job  7: 49
	// job  8: 64
	// job  9: 81
	// job 11: 121
	// job 12: 144
	// job 13: 169
	// job 14: 196
	// 12 results (0 timed out), producer: corio/syncx: channel closed
	// stopped: no result for 1s; workers: 0 returned, 3 aborted
	// direct mode:
	// - every job
	// job  1: 1
	// job  2: 4
	// job  3: 9
	// job  4: 16
	// job  5: timed out after 500ms
	// job  6: 36
	// job  7: 49
	// job  8: 64
	// job  9: 81
	// job 10: timed out after 500ms
	// job 11: 121
	// job 12: 144
	// 12 results (2 timed out), producer: done
	// - stop after 4 results
	// stopped: 4 results are enough; 4 results; producer: corio/syncx: channel closed; all 3 workers ended: true
	// - jobs that never end
	// job  1: 1
	// job  2: 4
	// job  3: 9
	// job  4: 16
	// job  6: 36
	// job  7: 49
	// job  8: 64
	// job  9: 81
	// job 11: 121
	// job 12: 144
	// job 13: 169
	// job 14: 196
	// 12 results (0 timed out), producer: corio/syncx: channel closed
	// stopped: no result for 1s; workers: 0 returned, 3 aborted
}
