//go:build race

package asynccheck_test

const raceEnabled = true
