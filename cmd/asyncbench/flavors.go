package main

import (
	"fmt"

	"github.com/corio-go/corio/rt"
)

// flavor is one runtime configuration and the GOMAXPROCS both sides of a
// comparison run at.
type flavor struct {
	name       string
	procs      int // GOMAXPROCS for the corio side and the goroutine side
	workers    int // multi-thread workers; 0 for the current-thread runtime
	newRuntime func() *rt.Runtime
}

func currentThread() flavor {
	return flavor{name: "current-thread", procs: 1, newRuntime: rt.NewCurrentThread}
}

// multiThread returns the multi-thread flavour with w workers (and
// GOMAXPROCS w on both sides).
func multiThread(w int) flavor {
	return flavor{
		name:       fmt.Sprintf("multi-thread(%d)", w),
		procs:      w,
		workers:    w,
		newRuntime: func() *rt.Runtime { return rt.NewMultiThread(rt.WithWorkers(w)) },
	}
}
