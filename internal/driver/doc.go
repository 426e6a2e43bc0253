// Package driver is corio's engine for readiness and time: one poller.Poller
// and the runtime's timer wheels behind one park/unpark contract, which the
// schedulers of package rt park their idle workers on.
//
// (Design essay in progress; see the end of this comment for the contract.)
//
// # Contract
//
// One goroutine at a time holds the drive lock (TryLock, never waiting) and
// calls Park, which blocks in the poller until readiness, the earliest timer
// deadline, an Unpark, or the caller's timeout; then fires due timers and
// wakes ready descriptors. Wakers only schedule. Unpark, Arm, Cancel,
// Register and Deregister may be called from any goroutine.
package driver
