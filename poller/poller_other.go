//go:build !linux

package poller

// No backend yet off Linux: New returns ErrUnsupported, and these methods
// exist only so the portable code compiles. kqueue (darwin, *bsd) is the
// planned next backend; it fits the contract in poller.go unchanged
// (EV_CLEAR is kqueue's edge trigger, udata carries the token, and
// EVFILT_USER replaces the eventfd).

type backend struct{}

func newBackend() (*backend, error) { return nil, ErrUnsupported }

func (*backend) add(fd int, token uint64) error { return ErrUnsupported }

func (*backend) del(fd int) error { return ErrUnsupported }

func (*backend) wait(evs []polledEvent, timeout int) (int, bool, error) {
	return 0, false, ErrUnsupported
}

func (*backend) wakeup() {}

func (*backend) close() error { return nil }
