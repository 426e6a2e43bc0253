package driver

import (
	"sync"
	"sync/atomic"
	"time"
)

// background is the state of a driver driven by a goroutine of its own. The
// goroutine runs only while something can wake: a timer armed or a descriptor
// registered. So a program (or a test checking for leaked goroutines) that
// has no timer and no registration left has no driver goroutine either.
type background struct {
	// Whether timers are armed is read from the shards (shard.busy, then
	// the wheel under its lock), so that arming on different shards
	// touches no common cache line.
	regs    atomic.Int64 // registrations not yet deregistered
	running atomic.Bool  // a background goroutine exists (or is being started)
	// lingering is true while the goroutine parks for bgLinger with the
	// driver idle; written by the goroutine only.
	lingering atomic.Bool
}

// idle reports whether nothing is armed or registered on d (a background
// driver). It locks the busy shards to check them (clearing busy on the empty
// ones); except is a shard the caller just found empty, or nil.
func (d *Driver) idle(except *shard) bool {
	if d.bg.regs.Load() != 0 {
		return false
	}
	for i := range d.shards {
		s := &d.shards[i]
		if s != except && s.busy.Load() && !s.empty() {
			return false
		}
	}
	return true
}

// ensureRunning starts the goroutine if none runs. Called after the insert
// or registration that makes the driver busy. Lost-start argument
// (sequentially consistent atomics; the shard mutex orders the rest): the
// exiting goroutine stores running=false and then checks idle (the
// registration count; each shard's busy flag, and a busy shard's wheel under
// its lock); the busy-maker increments the registration count, or inserts
// under the shard's lock (setting busy if it was clear), and then reads
// running. One of them sees the other's write: either the goroutine sees the
// work and takes running back, or the busy-maker sees false and starts one.
func (b *background) ensureRunning(d *Driver) {
	if !b.running.Load() && b.running.CompareAndSwap(false, true) {
		go d.runBackground()
	}
}

// bgLinger is how long the background goroutine stays after the driver
// became idle before it exits: 20 ms. It keeps a program that arms and
// cancels timers one at a time (a request with a timeout, in a loop) from
// starting a goroutine and writing the eventfd per timer, and it is short
// enough that a test checking for leaked goroutines (goleak retries for about
// a second) sees the goroutine gone.
const bgLinger = 20 * time.Millisecond

// maybeIdle wakes the goroutine when the cancel of a timer left shard s
// empty while the goroutine is parked on something other than its linger (on
// the cancelled timer's deadline, say), so that it lingers and exits instead
// of sleeping until a deadline nobody waits for. A goroutine that already
// lingers, or runs, notices the idleness by itself: this keeps arm/cancel
// churn free of eventfd writes and of clock reads, and the cheap loads come
// first so that churn locks no other shard.
func (b *background) maybeIdle(d *Driver, s *shard) {
	if !b.lingering.Load() && d.parkedUntil.Load() != notParked && d.idle(s) {
		d.Unpark()
	}
}

func (d *Driver) runBackground() {
	for {
		if !d.TryLock() {
			panic("corio/driver: the default driver was locked by another goroutine")
		}
		for {
			if !d.idle(nil) {
				d.Park(-1, false)
				continue
			}
			d.bg.lingering.Store(true)
			d.Park(bgLinger, false)
			d.bg.lingering.Store(false)
			if d.idle(nil) {
				break
			}
		}
		d.Unlock()
		d.bg.running.Store(false)
		if d.idle(nil) || !d.bg.running.CompareAndSwap(false, true) {
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
