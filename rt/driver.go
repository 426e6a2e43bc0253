package rt

import (
	"sync/atomic"

	"github.com/corio-go/corio/internal/driver"
)

// Which driver a leaf uses.
//
// A leaf future (Sleep, a readiness wait) needs a driver to arm its timer or
// register its descriptor. Inside a runtime that is the runtime's driver,
// reached through the polling Context. A leaf polled with no runtime — under
// direct-mode Await, or with a Context from NewContext — uses the process
// default driver (driver.Default), created at first use and driven by a
// background goroutine of its own that runs only while a timer is armed or a
// descriptor registered. So rt.Sleep in plain Go just sleeps, and there is no
// "no reactor running" panic (Tokio's behaviour) anywhere in corio.

// driverOf returns the driver leaves polled with cx arm timers and register
// descriptors on: cx's runtime driver, or the default driver.
func driverOf(cx *Context) *driver.Driver {
	if cx.drv != nil {
		return cx.drv
	}
	if d := testDriver.Load(); d != nil {
		return d
	}
	return driver.Default()
}

// testDriver, when set by a test, replaces the default driver for Contexts
// without a runtime driver; it lets the time tests drive a paused driver by
// hand, without a scheduler in between. Never set outside tests.
// (Atomic because goroutines left over from earlier tests may poll leaves
// while a test sets it.)
var testDriver atomic.Pointer[driver.Driver]

// timerShardHint returns the timer-shard hint for timers armed under cx: the
// polling worker's index, so that each worker arms and cancels on its own
// shard of the driver's timers; -1 outside a worker (spread by address).
func timerShardHint(cx *Context) int {
	if cx.w != nil {
		return cx.w.index
	}
	return -1
}
