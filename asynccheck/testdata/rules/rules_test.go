package rules

import (
	"testing"

	"github.com/corio-go/corio/rt"
)

// TestConstruct makes a future for its side effect, on purpose: in a test
// file only async functions are held to the dropped-future rule.
func TestConstruct(t *testing.T) {
	if got := testing.AllocsPerRun(10, func() { rt.YieldNowAsync() }); got > 1 {
		t.Errorf("YieldNowAsync: %v allocations", got)
	}
}
