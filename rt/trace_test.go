package rt

import (
	"reflect"
	"testing"
)

type traceNode struct {
	name string
	next any
}

func (n *traceNode) Poll(*Context) (int, bool) { return 0, false }
func (n *traceNode) Trace() Trace {
	return Trace{Func: n.name, File: "example.com/p/f.go", Line: len(n.name), Awaiting: n.next}
}

type opaqueLeaf struct{}

func (opaqueLeaf) Poll(*Context) (int, bool) { return 0, false }

func TestTraceChain(t *testing.T) {
	leaf := &traceNode{name: "leaf"}
	root := &traceNode{name: "root", next: &traceNode{name: "mid", next: opaqueLeaf{}}}
	got := TraceChain(root)
	want := []Trace{
		{Func: "root", File: "example.com/p/f.go", Line: 4},
		{Func: "mid", File: "example.com/p/f.go", Line: 3},
		{Func: "rt.opaqueLeaf"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("TraceChain = %+v, want %+v", got, want)
	}
	if s := got[0].String(); s != "root at example.com/p/f.go:4" {
		t.Errorf("String = %q", s)
	}
	if s := (Trace{Func: "rt.Sleep", Detail: "deadline in 1s"}).String(); s != "rt.Sleep (deadline in 1s)" {
		t.Errorf("String = %q", s)
	}
	// A cycle is cut at maxTraceDepth instead of hanging.
	leaf.next = leaf
	if n := len(TraceChain(leaf)); n != maxTraceDepth {
		t.Errorf("cycle: %d traces, want %d", n, maxTraceDepth)
	}
	if TraceChain(nil) != nil {
		t.Error("TraceChain(nil) != nil")
	}
}
