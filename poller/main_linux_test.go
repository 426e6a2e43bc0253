package poller

import (
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// The tests' own word type, as a runtime registers its tasks': most
	// tests and the benchmarks wait with *countWaker, kept in one word;
	// the other waker types go through the boxes (waiter_linux_test.go).
	SetWordWaker(new(countWaker))
	goleak.VerifyTestMain(m)
}
