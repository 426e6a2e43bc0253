// Package example is the package the asynccheck example analyzes.
package example

import (
	"time"

	"github.com/corio-go/corio/rt"
)

// Nap sleeps where it should suspend.
//
//async:func
func Nap(d time.Duration) {
	time.Sleep(d)
}

// Start makes a future and forgets to run it.
func Start() {
	rt.SleepAsync(time.Second)
}
