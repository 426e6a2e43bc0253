//go:build linux

package rt

import (
	"syscall"
	"testing"
)

func TestSignalsRecvBothModes(t *testing.T) {
	s := NotifySignals(syscall.SIGUSR1)
	defer s.Stop()
	syscall.Kill(syscall.Getpid(), syscall.SIGUSR1)
	if sig, ok := s.Recv(); !ok || sig != syscall.SIGUSR1 {
		t.Fatalf("direct Recv: %v, %v", sig, ok)
	}
	// Async: the task waits, then the signal comes.
	out := Run(PollFunc(func(cx *Context) (Tuple2[bool, bool], bool) {
		f := s.RecvAsync()
		v, ok := f.Poll(cx)
		if !ok {
			syscall.Kill(syscall.Getpid(), syscall.SIGUSR1)
			return Tuple2[bool, bool]{}, false
		}
		return Tuple2[bool, bool]{V0: v.V0 == syscall.SIGUSR1, V1: v.V1}, true
	}))
	if !out.V0 || !out.V1 {
		t.Fatalf("async Recv: %+v", out)
	}
}

func TestSignalsStopWakesRecv(t *testing.T) {
	s := NotifySignals(syscall.SIGUSR2)
	done := make(chan bool)
	go func() {
		_, ok := s.Recv()
		done <- ok
	}()
	s.Stop()
	if <-done {
		t.Fatal("Recv after Stop returned a signal")
	}
	s.Stop() // idempotent
}
