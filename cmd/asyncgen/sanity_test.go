package main

// Every generation in the tests checks the lowering's invariants (sanity.go).
func init() { sanityChecks = true }
