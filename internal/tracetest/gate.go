// Package tracetest holds async functions that suspend at known lines, for
// the test of the Trace methods asyncgen generates (rt.Tracer): a task
// suspended through a plain function, a method, a generic function, an
// async closure and the body of a range over a function, down to a leaf.
package tracetest

import "github.com/corio-go/corio/rt"

// Gate is a leaf future a task waits on until the test opens it. It is
// polled and opened by tasks of one current-thread runtime only.
type Gate struct {
	name    string
	open    bool
	waiting bool
	w       rt.Waker
}

// NewGate returns a closed gate.
func NewGate(name string) *Gate { return &Gate{name: name} }

// Waiting reports whether a task is suspended on the gate.
func (g *Gate) Waiting() bool { return g.waiting }

// Open lets the waiting task through.
func (g *Gate) Open() {
	g.open = true
	if g.w != nil {
		g.w.Wake()
	}
}

// Wait is the direct mode of WaitAsync; a gate is opened by tasks only, so
// in direct mode it returns at once.
func (g *Gate) Wait() {}

// WaitAsync returns a future that is ready once the gate is open.
func (g *Gate) WaitAsync() rt.Future[struct{}] { return (*gateFuture)(g) }

type gateFuture Gate

func (f *gateFuture) Poll(cx *rt.Context) (struct{}, bool) {
	if f.open {
		f.waiting = false
		return struct{}{}, true
	}
	f.waiting, f.w = true, cx.Waker()
	return struct{}{}, false
}

// Trace implements rt.Tracer.
func (f *gateFuture) Trace() rt.Trace {
	return rt.Trace{Func: "tracetest.(*Gate).Wait", Detail: "gate " + f.name}
}
