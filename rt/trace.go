package rt

import (
	"fmt"
	"strconv"
)

// Tracer is implemented by futures that can say where they are suspended.
// Every future asyncgen generates implements it from a table the generator
// writes (suspension point → source position), so nothing is recorded on the
// poll path: Trace reads the future's state when asked. Hand-written leaves
// (timers, readiness, channel and lock waiters) implement it to say what they
// wait for.
//
// Trace is called only while nobody polls the future: by the goroutine that
// just polled it, or by a task dump while the task is not running (the dump
// holds the task, so that no worker starts polling it, while it reads the
// chain). It must not block, must not allocate more than the Trace it
// returns, and must read only state that the poller owns, or state it
// guards itself (a leaf whose wake-up path writes fields concurrently reads
// them under its own lock or atomically).
type Tracer interface {
	Trace() Trace
}

// Trace describes one future of a task's await chain.
type Trace struct {
	// Func names the async function ("main.Handler", "pkg.(*Conn).ReadFrame")
	// or the leaf ("rt.Sleep", "netx.(*TCPStream).Read").
	Func string
	// File and Line are the source position the future is suspended at:
	// the package's import path and the file's base name, and the line of
	// the await. Line is 0 when there is none: not started yet, done, or a
	// leaf.
	File string
	Line int
	// Detail says what a leaf waits for ("fd 12, waiting readable",
	// "deadline in 1.5s"); empty for generated futures.
	Detail string
	// Awaiting is the future this one is suspended on, if any (a
	// Future[T] of some T), so that the chain can be followed to the leaf.
	Awaiting any
}

// String formats t as one step of a chain: "main.Handler at
// example.com/srv/server.go:41", "netx.ReadAsync (fd 12, waiting readable)".
func (t Trace) String() string {
	s := t.Func
	if t.Line > 0 {
		s += " at " + t.File + ":" + strconv.Itoa(t.Line)
	}
	if t.Detail != "" {
		s += " (" + t.Detail + ")"
	}
	return s
}

// maxTraceDepth bounds a chain walk, so that a cycle through a badly written
// leaf (a future whose Awaiting leads back to itself) cannot hang a dump.
const maxTraceDepth = 1 << 12

// TraceChain follows f's await chain from f down to the leaf: one Trace per
// future, outermost first, each with Awaiting cleared (the chain keeps no
// future alive). A future that does not implement Tracer ends the
// chain with a Trace that names its type. It reads the futures' state, so
// the same rule as Tracer's applies: call it only while nobody polls f.
func TraceChain(f any) []Trace { return appendTraceChain(nil, f) }

// appendTraceChain appends f's chain to out (TraceChain); a task dump
// appends every task's chain to one buffer.
func appendTraceChain(out []Trace, f any) []Trace {
	for n := 0; f != nil && n < maxTraceDepth; n++ {
		tr, ok := f.(Tracer)
		if !ok {
			out = append(out, Trace{Func: fmt.Sprintf("%T", f)})
			break
		}
		t := tr.Trace()
		f, t.Awaiting = t.Awaiting, nil // the chain keeps no future alive
		out = append(out, t)
	}
	return out
}
