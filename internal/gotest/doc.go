// Package gotest runs the single-file "// run" programs of Go's own test
// directory ($GOROOT/test and its ken subdirectory; chan, interface,
// fixedbugs, typeparam and abi on demand) through asyncgen with every
// function made async, and compares each with the program as written.
//
// For each program the harness marks every function and method with a body
// //async:func (init excepted), inserts rt.YieldNow() before every statement
// of their bodies (select clauses' included; not inside func literals,
// where asyncgen rejects suspension points), renames main and adds a plain main
// that runs it with rt.Run. Line numbers stay those of the original: the
// import goes on the package clause's line, yields on the line of their
// statement, and each added directive line is followed by a //line directive.
// The program is written into a scratch module that replaces corio by the
// checkout, asyncgen runs on it, and each function asyncgen rejects with a
// positioned diagnostic is un-marked and the generator run again, a bounded
// number of times. A diagnostic about a call of an async function where it
// may not suspend (inside a func literal, or deferred) un-marks the callee,
// which then runs as plain Go, rather than the caller; one about an
// operation that blocks the thread (a Go channel operation, time.Sleep)
// un-marks the function that performs it, which cannot be async. The original (which must pass as Go's test driver
// requires: exit status 0 and the .out golden output, or none) and the
// transformed program are built from the same path and run; their combined
// stdout and stderr and exit statuses must be equal.
//
// Each program ends in one Class. The test TestGoSuite runs a small fixed
// subset by default and everything with CORIO_GOTEST=all; expectations.txt
// lists the known failures with their class, so that a program that stops
// agreeing fails the test while known generator bugs do not.
package gotest
