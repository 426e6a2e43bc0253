package main

import (
	"testing"

	"github.com/corio-go/corio/rt"
)

// Helper is marked async inside a test file, which asyncgen does not load.
//
//async:func
func Helper() int {
	rt.YieldNow()
	return 1
}

func TestHelper(t *testing.T) { _ = Helper() }
