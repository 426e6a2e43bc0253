//go:build !unix

package main

import "time"

const haveProcessCPU = false

// processCPU is not available here; checkClock refuses -clock cpu first.
func processCPU() time.Duration { panic("asyncbench: no process CPU clock on this system") }
