package main

// Liveness: a backward dataflow analysis over the control-flow graph decides
// which machine variables must be fields of the future and where each
// pointer-holding field is read for the last time (moved out there), and a
// forward one decides which such fields to clear at each suspension point.
//
// A Poll call runs from one suspension point to the next, and Poll's locals
// do not survive its return. So a variable must be a field exactly when it is
// live at some suspension point: live on entry to the block that resumes
// there (the awaited output, which that block assigns first, excepted).
// Everything else is a local of Poll, zeroed at each call, which no path
// reads before writing. Parameters and named results are always fields (the
// constructor stores the first, bare returns in kept statements read the
// second).
//
// A field that holds pointers and is dead at a suspension point would keep
// what it points to reachable while the task sleeps, which a goroutine's
// precise stack maps would not. So at each suspension point the fields that
// may hold a value there (assigned on some path since they were last
// cleared) but are dead are set to their zero value.
//
// Statements kept as written (no suspension point inside) are one unit: every
// variable they mention is a use, none a definition, which is conservative.

import (
	"go/ast"
	"go/token"
	"go/types"
)

// varSet is a set of variables, as a bit set over lowerer.vars indexes.
type varSet []uint64

func newVarSet(n int) varSet { return make(varSet, (n+63)/64) }

func (s varSet) has(i int) bool { return s[i/64]&(1<<(i%64)) != 0 }
func (s varSet) add(i int)      { s[i/64] |= 1 << (i % 64) }
func (s varSet) del(i int)      { s[i/64] &^= 1 << (i % 64) }
func (s varSet) copy() varSet   { return append(varSet(nil), s...) }

// union adds o to s and reports whether s changed.
func (s varSet) union(o varSet) bool {
	changed := false
	for i := range s {
		if n := s[i] | o[i]; n != s[i] {
			s[i], changed = n, true
		}
	}
	return changed
}

// mention is one reference to a variable in a block, in execution order.
type mention struct {
	v       *variable
	def     bool // a whole assignment; else a read (or a partial write)
	at      int  // the instruction: an index of b.stmts, -1 the resume, len(b.stmts) the terminator
	movable bool // a read whose value the instruction may take by moving it out (lastUse)
}

type blockFacts struct {
	refs    []mention // in order; the resume's output first, the terminator's last
	liveIn  varSet
	liveOut varSet
	defs    varSet // assigned, and not moved out afterwards, in the block
	moved   varSet // moved out at a last use, and not assigned afterwards
	dirtyIn varSet
}

// liveness decides which machine variables are fields, and records the
// variables that reachable code references (used) and reads (read), and
// those live at each suspension point (for sanity.go).
func (ir *irFunc) liveness() {
	reach := ir.reach
	index := map[*variable]int{}
	for i, v := range ir.vars {
		index[v] = i
	}
	n := len(ir.vars)
	facts := map[*block]*blockFacts{}
	used, read := map[*variable]bool{}, map[*variable]bool{}
	ir.used, ir.read = used, read
	for _, b := range reach {
		f := &blockFacts{liveIn: newVarSet(n), liveOut: newVarSet(n), defs: newVarSet(n), moved: newVarSet(n), dirtyIn: newVarSet(n)}
		facts[b] = f
		at, movable := -1, false
		note := func(v *variable, def bool) {
			if v == nil || !v.machine {
				return
			}
			used[v] = true
			if !def {
				read[v] = true
			}
			f.refs = append(f.refs, mention{v, def, at, movable && !def})
		}
		var uses func(n ast.Node)
		uses = func(n ast.Node) {
			if n == nil {
				return
			}
			inspect(n, func(m ast.Node) bool {
				switch m := m.(type) {
				case *ast.Ident:
					note(ir.varOf(m), false)
				case *varRef:
					note(m.v, false)
				case *ast.BinaryExpr:
					// The right operand of && and || may not run: a read
					// there cannot move the value out (the clearing at
					// suspension points would count it as moved).
					if m.Op == token.LAND || m.Op == token.LOR {
						uses(m.X)
						saved := movable
						movable = false
						uses(m.Y)
						movable = saved
						return false
					}
				}
				return true
			})
		}
		if b.resume != nil && b.resume.dst != nil {
			note(b.resume.dst, true)
		}
		for k, s := range b.stmts {
			at, movable = k, false
			switch s := s.(type) {
			case *assignInstr:
				for _, e := range s.lhs {
					if s.tok != token.ASSIGN {
						uses(e)
					}
				}
				movable = true
				for _, r := range s.rhs {
					uses(r)
				}
				movable = false
				if s.tok != token.ASSIGN {
					continue
				}
				// x = … defines x; a cell's pointer p = new(T) defines
				// the cell variable; *p = … is a use.
				var defs []*variable
				for _, e := range s.lhs {
					if v := assigned(ir, e); v != nil {
						defs = append(defs, v)
					} else {
						uses(e)
					}
				}
				for _, v := range defs {
					note(v, true)
				}
			case *cellInstr:
				if s.fresh {
					note(s.v, false) // the new cell copies the old one
				}
				note(s.v, true)
			case *zeroInstr:
				note(s.v, true)
			case *exprInstr:
				movable = true
				uses(s.x)
			case *incDecInstr:
				uses(s.x)
			case *goInstr:
				movable = true
				uses(s.call)
			case *deferInstr:
				for _, v := range s.site.vals {
					uses(v.x)
				}
			case *keptInstr:
				uses(s.s)
			case *selectInstr:
				// Each temporary is read only in its clause's body, after
				// the select has written it: a definition on every path
				// that reads it.
				for _, x := range s.operands {
					uses(x)
				}
				for _, v := range s.defs {
					note(v, true)
				}
			case *touchInstr:
				uses(s.x)
			}
		}
		at, movable = len(b.stmts), false
		switch t := b.term.(type) {
		case *ifTerm:
			movable = true
			uses(t.cond)
		case *awaitTerm:
			uses(t.fut)
		case *returnTerm:
			for _, r := range t.results {
				uses(r)
			}
			if t.results == nil {
				for _, v := range ir.results {
					note(v, false)
				}
			}
		}
	}

	// Backward: live-in = uses before any definition, plus live-out minus
	// definitions; to a fixed point.
	transfer := func(b *block) varSet {
		f := facts[b]
		live := f.liveOut.copy()
		for i := len(f.refs) - 1; i >= 0; i-- {
			r := f.refs[i]
			if r.def {
				live.del(index[r.v])
			} else {
				live.add(index[r.v])
			}
		}
		return live
	}
	for changed := true; changed; {
		changed = false
		for i := len(reach) - 1; i >= 0; i-- {
			b := reach[i]
			f := facts[b]
			for _, s := range successors(b) {
				if sf := facts[s]; sf != nil && f.liveOut.union(sf.liveIn) {
					changed = true
				}
			}
			if f.liveIn.union(transfer(b)) {
				changed = true
			}
		}
	}

	for _, v := range ir.vars {
		v.field = false
	}
	ir.suspLive = map[*awaitTerm][]*variable{}
	for _, b := range reach {
		if t, ok := b.term.(*awaitTerm); ok {
			in := facts[t.next].liveIn
			for i, v := range ir.vars {
				if in.has(i) {
					v.field = true
					ir.suspLive[t] = append(ir.suspLive[t], v)
				}
			}
		}
	}
	for _, v := range ir.vars {
		if v.param || v.pinned {
			v.field = true
		}
	}
	// Named results are read by bare returns, also inside kept statements.
	for _, v := range ir.results {
		used[v], v.field = true, true
	}
	// A field whose type names a local type is held as an interface
	// (localtype.go).
	for _, v := range ir.vars {
		local := v.field && v.typ != nil && ir.g.localIn(v.typ) != nil
		v.raw = local && !v.cell && rawable(v.typ)
		v.boxed = local && !v.raw
	}

	ir.shareSlots(reach, facts, index)
	ir.lastUses(reach, facts, index)

	// Forward: which pointer-holding fields may hold a value at each
	// suspension point. Parameters hold theirs from the start.
	clearable := newVarSet(n)
	for i, v := range ir.vars {
		if v.field && !v.pinned && !ir.isResult(v) && used[v] && (v.cell || v.boxed || hasPointers(v.typ)) {
			clearable.add(i)
		}
	}
	entry := facts[reach[0]]
	for i, v := range ir.vars {
		if v.param && clearable.has(i) {
			entry.dirtyIn.add(i)
		}
	}
	for changed := true; changed; {
		changed = false
		for _, b := range reach {
			f := facts[b]
			out := f.dirtyOut()
			for _, s := range successors(b) {
				sf := facts[s]
				if sf == nil {
					continue
				}
				edge := out
				if t, ok := b.term.(*awaitTerm); ok && s == t.next {
					edge = out.copy()
					for i := range ir.vars {
						if clearable.has(i) && !sf.liveIn.has(i) {
							edge.del(i)
						}
					}
				}
				if sf.dirtyIn.union(edge) {
					changed = true
				}
			}
		}
	}
	for _, b := range reach {
		t, ok := b.term.(*awaitTerm)
		if !ok {
			continue
		}
		out := facts[b].dirtyOut()
		next := facts[t.next].liveIn
		// A shared field is cleared only when every variable in it is dead.
		liveSlot := map[string]bool{}
		for i, v := range ir.vars {
			if v.field && next.has(i) {
				liveSlot[v.name] = true
			}
		}
		cleared := map[string]bool{}
		for i, v := range ir.vars {
			if clearable.has(i) && out.has(i) && !next.has(i) && (t.dst == nil || t.dst != v) && !liveSlot[v.name] && !cleared[v.name] {
				cleared[v.name] = true
				t.clear = append(t.clear, v)
			}
		}
	}
}

// dirtyOut is what may hold a value where the block ends: what did where it
// began and was not moved out, and what it assigned.
func (f *blockFacts) dirtyOut() varSet {
	out := f.dirtyIn.copy()
	for i := range out {
		out[i] &^= f.moved[i]
	}
	out.union(f.defs)
	return out
}

// lastUses finds, in each instruction that evaluates its operands once (an
// assignment's right side, an expression or go statement, a branch
// condition), the pointer-holding fields it reads for the last time: no
// later read before an assignment, and no other mention in the
// instruction. The instruction moves such a value out of the future (reads
// it and clears the field) where it reads it, so a large object dies with
// its last use, as in a goroutine, also when a plain call made before the
// next suspension point runs for long or collects garbage. It also sets
// each block's defs and moved, for the clearing at suspension points.
func (ir *irFunc) lastUses(reach []*block, facts map[*block]*blockFacts, index map[*variable]int) {
	ir.moves = map[any][]*variable{}
	for _, b := range reach {
		f := facts[b]
		type key struct{ at, v int }
		count, last, ok := map[key]int{}, map[key]bool{}, map[key]bool{}
		live := f.liveOut.copy()
		for i := len(f.refs) - 1; i >= 0; i-- {
			r := f.refs[i]
			vi := index[r.v]
			if r.def {
				live.del(vi)
				continue
			}
			k := key{r.at, vi}
			count[k]++
			ok[k] = r.movable && (count[k] == 1 || ok[k])
			if !live.has(vi) {
				last[k] = true
			}
			live.add(vi)
		}
		moved := map[key]bool{}
		for _, r := range f.refs {
			vi := index[r.v]
			k := key{r.at, vi}
			v := r.v
			if r.def {
				f.defs.add(vi)
				f.moved.del(vi)
				continue
			}
			if moved[k] || count[k] != 1 || !ok[k] || !last[k] || !v.field || v.cell || v.boxed || v.pinned || ir.isResult(v) || !hasPointers(v.typ) {
				continue
			}
			moved[k] = true
			f.defs.del(vi)
			f.moved.add(vi)
			var in any = b.term
			if r.at < len(b.stmts) {
				in = b.stmts[r.at]
			}
			ir.moves[in] = append(ir.moves[in], v)
		}
	}
}

// shareSlots lets field variables of identical types that are never live at
// the same time share one field, as a register allocator shares a stack slot:
// the future shrinks towards the most that is live at any suspension point.
// Two variables interfere when one is assigned while the other is live after
// the assigning statement (for a tuple assignment, after all of its targets
// are written), or both are live where a block starts.
func (ir *irFunc) shareSlots(reach []*block, facts map[*block]*blockFacts, index map[*variable]int) {
	var cand []*variable
	for _, v := range ir.vars {
		if v.field && !v.param && !v.pinned && !ir.isResult(v) && v.typ != nil {
			cand = append(cand, v)
		}
	}
	if len(cand) < 2 {
		return
	}
	isCand := map[int]bool{}
	for _, v := range cand {
		isCand[index[v]] = true
	}
	interfere := map[[2]int]bool{}
	pair := func(a, b int) {
		if a != b && isCand[a] && isCand[b] {
			if a > b {
				a, b = b, a
			}
			interfere[[2]int{a, b}] = true
		}
	}
	liveList := func(s varSet) []int {
		var out []int
		for i := range ir.vars {
			if isCand[i] && s.has(i) {
				out = append(out, i)
			}
		}
		return out
	}
	for _, b := range reach {
		f := facts[b]
		in := liveList(f.liveIn)
		for x := range in {
			for y := x + 1; y < len(in); y++ {
				pair(in[x], in[y])
			}
		}
		live := f.liveOut.copy()
		for i := len(f.refs) - 1; i >= 0; i-- {
			r := f.refs[i]
			if !r.def {
				live.add(index[r.v])
				continue
			}
			// The targets of one assignment (zero, m = F(), m) are all
			// written after its operands are read: each interferes with
			// what is live after the whole statement, m included, even
			// when m's own write is a self-assignment the printer drops.
			j := i
			for j > 0 && f.refs[j-1].def && f.refs[j-1].at == r.at {
				j--
			}
			after := liveList(live)
			for _, d := range f.refs[j : i+1] {
				for _, u := range after {
					pair(index[d.v], u)
				}
			}
			for _, d := range f.refs[j : i+1] {
				live.del(index[d.v])
			}
			i = j
		}
	}
	type slot struct {
		name    string
		members []int
		v       *variable
	}
	var slots []*slot
	for _, v := range cand {
		vi := index[v]
		var home *slot
		for _, s := range slots {
			if s.v.cell != v.cell || !types.Identical(s.v.typ, v.typ) {
				continue
			}
			ok := true
			for _, m := range s.members {
				a, b := m, vi
				if a > b {
					a, b = b, a
				}
				if interfere[[2]int{a, b}] {
					ok = false
					break
				}
			}
			if ok {
				home = s
				break
			}
		}
		if home == nil {
			slots = append(slots, &slot{name: v.name, members: []int{vi}, v: v})
			continue
		}
		home.members = append(home.members, vi)
		v.name = home.name
	}
}

func (ir *irFunc) isResult(v *variable) bool {
	for _, r := range ir.results {
		if r == v {
			return true
		}
	}
	return false
}

// hasPointers reports whether values of t can hold pointers.
func hasPointers(t types.Type) bool {
	if t == nil {
		return true
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Kind() == types.String || u.Kind() == types.UnsafePointer || u.Kind() == types.UntypedNil
	case *types.Array:
		return u.Len() > 0 && hasPointers(u.Elem())
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if hasPointers(u.Field(i).Type()) {
				return true
			}
		}
		return false
	}
	return true
}

// assigned is the variable an assignment to e defines as a whole: a
// variable that is not a cell, or a cell variable's pointer; nil when the
// assignment writes through e (a cell's value, an element, a field).
func assigned(ir *irFunc, e ast.Expr) *variable {
	switch e := e.(type) {
	case *varRef:
		if e.ptr || !e.v.cell {
			return e.v
		}
	case *ast.Ident:
		if v := ir.varOf(e); v != nil && !v.cell {
			return v
		}
	}
	return nil
}
