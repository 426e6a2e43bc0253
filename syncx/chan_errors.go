package syncx

import (
	"errors"
	"strconv"
)

// Errors of the channels (mpsc, oneshot, broadcast, watch).
var (
	// ErrClosed is returned by a send on a closed channel, and by a receive
	// on a closed channel that has nothing left to deliver (where the
	// receive reports errors rather than an ok flag).
	ErrClosed = errors.New("corio/syncx: channel closed")
	// ErrFull is returned by TrySend when the channel has no free slot.
	ErrFull = errors.New("corio/syncx: channel full")
	// ErrEmpty is returned by TryRecv when no value is ready yet and the
	// channel is still open.
	ErrEmpty = errors.New("corio/syncx: channel empty")
	// ErrLagged is matched (errors.Is) by every *LaggedError.
	ErrLagged = errors.New("corio/syncx: broadcast receiver lagged")
)

// LaggedError is what a broadcast receive returns when the receiver fell so
// far behind that values it had not read yet were overwritten. Missed says
// how many; the receiver continues from the oldest value still kept.
type LaggedError struct {
	Missed uint64
}

func (e *LaggedError) Error() string {
	return "corio/syncx: broadcast receiver lagged, missed " + strconv.FormatUint(e.Missed, 10) + " values"
}

// Is makes errors.Is(err, ErrLagged) hold.
func (e *LaggedError) Is(target error) bool { return target == ErrLagged }
