package main

// Block optimisation: jump threading, then the numbering of the reachable
// blocks as the states of Poll.

import "sort"

// thread forwards jumps past empty blocks (the joins and loop heads that
// structured code leaves behind), so no state only jumps elsewhere.
func (ir *irFunc) thread() {
	var final func(b *block, depth int) *block
	final = func(b *block, depth int) *block {
		if t, ok := b.term.(*jumpTerm); ok && b != ir.entry && len(b.stmts) == 0 && b.resume == nil && len(b.extra) == 0 && depth < len(ir.blocks) {
			return final(t.to, depth+1)
		}
		return b
	}
	for _, b := range ir.blocks {
		switch t := b.term.(type) {
		case *jumpTerm:
			t.to = final(t.to, 0)
		case *ifTerm:
			t.then, t.els = final(t.then, 0), final(t.els, 0)
		}
		for i, x := range b.extra {
			b.extra[i] = final(x, 0)
		}
		for _, s := range b.stmts {
			if k, ok := s.(*keptInstr); ok {
				for br, to := range k.jumps {
					k.jumps[br] = final(to, 0)
				}
			}
		}
	}
}

// number keeps the blocks reachable from the entry, numbered in the order
// they were filled, which is source order: each becomes a case of Poll.
func (ir *irFunc) number() {
	ir.reach = nil
	var visit func(b *block)
	visit = func(b *block) {
		if b == nil || b.reach {
			return
		}
		b.reach = true
		ir.reach = append(ir.reach, b)
		for _, s := range successors(b) {
			visit(s)
		}
	}
	visit(ir.entry)
	sort.Slice(ir.reach, func(i, j int) bool { return ir.reach[i].order < ir.reach[j].order })
	for i, b := range ir.reach {
		b.state = i
		// A jump out of a kept statement continues Poll's loop by its label.
		if len(b.extra) > 0 {
			ir.labelUsed = true
		}
	}
}
