package main

// Sanity: invariants of the lowered control-flow graph and of the variable
// placement, checked after liveness when sanityChecks is set (the tests set
// it, so every test program and random program is checked). A violation is
// a generator bug, reported as an internal error at the function.

import (
	"fmt"
	"go/types"
)

// sanityChecks turns the checks on; the tests set it.
var sanityChecks = false

// sanity returns the first violated invariant, or "".
func (l *lowerer) sanity(reach []*block) string {
	if len(reach) == 0 || reach[0] != l.entry || l.entry.state != 0 || l.entry.resume != nil {
		return "the entry block is not state 0, or it resumes an await"
	}
	inReach := map[*block]bool{}
	for i, b := range reach {
		if b.state != i {
			return fmt.Sprintf("block %d has state %d: states must be dense, in order", i, b.state)
		}
		inReach[b] = true
	}
	resumedBy := map[*block]int{}
	for _, b := range reach {
		if b.term == nil {
			return fmt.Sprintf("state %d has no terminator", b.state)
		}
		for _, s := range successors(b) {
			if s == nil || !inReach[s] {
				return fmt.Sprintf("state %d jumps to a block that is not numbered", b.state)
			}
			if s == l.entry {
				return fmt.Sprintf("state %d jumps back to the entry", b.state)
			}
		}
		if t, ok := b.term.(*awaitTerm); ok {
			if t.next.resume != t {
				return fmt.Sprintf("state %d awaits, but its next block does not resume that await", b.state)
			}
			resumedBy[t.next]++
			if t.dst != nil && !t.dst.machine {
				return fmt.Sprintf("state %d awaits into a variable that is not the machine's", b.state)
			}
		}
	}
	for _, b := range reach {
		if (b.resume != nil) != (resumedBy[b] == 1) {
			return fmt.Sprintf("state %d resumes an await that is not exactly one block's terminator", b.state)
		}
	}
	// Variables sharing a field have identical types and cell-ness; a
	// parameter or named result is a field.
	byName := map[string]*variable{}
	for _, v := range l.vars {
		if (v.param || isResult(l, v)) && !v.field {
			return fmt.Sprintf("parameter or result %s is not a field", v.name)
		}
		if !v.field || v.typ == nil {
			continue
		}
		if o := byName[v.name]; o != nil && (o.cell != v.cell || !types.Identical(o.typ, v.typ)) {
			return fmt.Sprintf("field %s is shared by variables of different types", v.name)
		}
		byName[v.name] = v
	}
	return ""
}
