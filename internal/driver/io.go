package driver

import "github.com/corio-go/corio/poller"

// Register starts watching fd for readiness on the driver's poller. The
// preconditions are poller.Poller.Register's: fd is non-blocking, not owned by
// the Go runtime (made with unix.Socket, unix.Pipe2, …), and stays open until
// Deregister returns. Wait on the registration with its PollReady and
// ClearReadiness; deregister it with d.Deregister, not directly (the default
// driver counts registrations to know when its goroutine may stop).
func (d *Driver) Register(fd int) (poller.Registration, error) {
	if d.closed.Load() {
		return poller.Registration{}, ErrClosed
	}
	if d.bg != nil {
		d.bg.regs.Add(1)
	}
	r, err := d.poller.Register(fd)
	if err != nil {
		if d.bg != nil && d.bg.regs.Add(-1) == 0 {
			d.bg.maybeIdle(d, nil)
		}
		return poller.Registration{}, err
	}
	if d.bg != nil {
		d.bg.ensureRunning(d)
	}
	return r, nil
}

// Deregister stops watching r's descriptor and shuts r down (its waiters are
// woken and see Shutdown). Call it before closing the descriptor. It is
// idempotent per registration only through poller's own guard: call it once.
//
// The driver of a registration is r.Poller().Owner() (New records it).
func (d *Driver) Deregister(r poller.Registration) error {
	err := d.poller.Deregister(r)
	if d.bg != nil && d.bg.regs.Add(-1) == 0 {
		d.bg.maybeIdle(d, nil)
	}
	return err
}

// Of returns the driver r is registered with.
func Of(r poller.Registration) *Driver { return r.Poller().Owner().(*Driver) }
