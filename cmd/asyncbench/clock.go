package main

import (
	"flag"
	"fmt"
	"time"
)

// The clock of the timed regions. By default it is the wall clock (what the
// targets are stated in). With -clock cpu a region's figure is the CPU time
// the whole process spent in it instead (user + system, getrusage
// RUSAGE_SELF: every thread, the garbage collector's included), which on a
// machine shared with other work stays put where the wall clock does not: a
// region that waits for a core it shares is charged for the wait on the wall
// clock and not on this one. On the current-thread rows (GOMAXPROCS 1) the
// two agree on a quiet machine, up to what the collector's background work
// and the runtime's other threads add; on the multi-thread rows CPU time also
// counts what an idle worker or an idle P spends looking for work, on both
// sides. The Tokio column stays on the wall clock. The kernel brings other
// threads' CPU time up to date at its scheduler tick (a few milliseconds), so
// keep the regions long (the default -size makes them tens of milliseconds).
var clockFlag = flag.String("clock", "wall", "what the timed regions measure: wall (elapsed time) or cpu (the process's CPU time in them, user + system)")

// clockStart returns a reading of the chosen clock; clockSince the time
// since such a reading.
func clockStart() time.Duration {
	if *clockFlag == "cpu" {
		return processCPU()
	}
	return time.Since(clockBase)
}

func clockSince(start time.Duration) time.Duration { return clockStart() - start }

var clockBase = time.Now()

// checkClock rejects an unknown -clock.
func checkClock() error {
	switch *clockFlag {
	case "wall":
		return nil
	case "cpu":
		if haveProcessCPU {
			return nil
		}
		return fmt.Errorf("asyncbench: -clock cpu needs getrusage (a Unix)")
	}
	return fmt.Errorf("asyncbench: -clock %q: want wall or cpu", *clockFlag)
}
