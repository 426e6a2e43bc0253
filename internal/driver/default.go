package driver

import (
	"sync"
	"sync/atomic"
)

// background is the state of a driver driven by a goroutine of its own. The
// goroutine runs only while something can wake: a timer armed or a descriptor
// registered. So a program (or a test checking for leaked goroutines) that
// has no timer and no registration left has no driver goroutine either.
type background struct {
	armed   atomic.Int64 // timers armed and neither fired nor cancelled
	regs    atomic.Int64 // registrations not yet deregistered
	running atomic.Bool  // a background goroutine exists (or is being started)
}

func (b *background) idle() bool { return b.armed.Load() == 0 && b.regs.Load() == 0 }

// ensureRunning starts the goroutine if none runs. Called after the counter
// increment that makes the driver busy. Lost-start argument (sequentially
// consistent atomics): the exiting goroutine stores running=false and then
// reads the counters; the busy-maker increments a counter and then reads
// running. One of them sees the other's write: either the goroutine sees the
// work and takes running back, or the busy-maker sees false and starts one.
func (b *background) ensureRunning(d *Driver) {
	if !b.running.Load() && b.running.CompareAndSwap(false, true) {
		go d.runBackground()
	}
}

// maybeIdle wakes the goroutine when a counter reached zero so that it can
// notice it has nothing left to wait for and exit.
func (b *background) maybeIdle(d *Driver) {
	if b.idle() {
		d.Unpark()
	}
}

func (d *Driver) runBackground() {
	for {
		if !d.TryLock() {
			panic("corio/driver: the default driver was locked by another goroutine")
		}
		for !d.bg.idle() {
			d.Park(-1, false)
		}
		d.Unlock()
		d.bg.running.Store(false)
		if d.bg.idle() || !d.bg.running.CompareAndSwap(false, true) {
			return
		}
	}
}

var defaultDriver struct {
	once sync.Once
	d    *Driver
	err  error
}

// Default returns the process default driver, created at the first call on
// the real clock. It is driven by a background goroutine of its own, which
// runs only while a timer is armed or a descriptor is registered on it, so a
// leaf future polled outside any runtime (direct mode, a Context made by hand)
// has a driver that fires its timers and wakes its I/O. Its wakers run on that
// goroutine. Never TryLock, Park or Close the default driver. Default panics
// if the platform has no poller.
func Default() *Driver {
	dd := &defaultDriver
	dd.once.Do(func() {
		dd.d, dd.err = New(Config{})
		if dd.err == nil {
			dd.d.bg = &background{}
		}
	})
	if dd.err != nil {
		panic("corio/driver: default driver: " + dd.err.Error())
	}
	return dd.d
}
