package main

import (
	"fmt"
	"runtime"

	"github.com/corio-go/corio/rt"
)

var runtimeName = fmt.Sprintf("a multi-thread runtime (%d workers)", runtime.GOMAXPROCS(0))

// newRuntime returns the runtime the sleepers run on: the multi-thread
// flavour, one worker per GOMAXPROCS. Its parked workers drive the timers.
func newRuntime() *rt.Runtime { return rt.NewMultiThread() }
