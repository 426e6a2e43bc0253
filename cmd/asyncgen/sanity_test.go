package main

import (
	"go/types"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every generation in the tests checks the lowering's invariants (sanity.go).
func init() { sanityChecks = true }

// TestSanityCatches breaks the IR of a sample function in each way sanity.go
// looks for, after the pass whose invariant it is, and expects the check to
// report it: a checker that cannot fail would prove nothing about the
// programs it passes.
func TestSanityCatches(t *testing.T) {
	dir, err := os.MkdirTemp("testdata", "tmp-sanity-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	src := `package p

import (
	"fmt"

	"github.com/corio-go/corio/rt"
)

//async:func
func F(n int) int {
	s := []int{1, 2}
	p := new(int)
	for i := 0; i < n; i++ {
		rt.Await(rt.YieldNowAsync())
		*p += i
	}
	rt.Await(rt.YieldNowAsync())
	fmt.Println(s, G())
	return *p
}

//async:func
func G() int {
	rt.Await(rt.YieldNowAsync())
	return 1
}

// H holds its futures by value (MakeYieldNow, MakeSleep) besides G's.
//
//async:func
func H() int {
	rt.YieldNow()
	rt.Sleep(0)
	rt.YieldNow()
	return G()
}
`
	if err := os.WriteFile(filepath.Join(dir, "p.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	pkgs, plans, errs := load(dir, []string{"."})
	if len(errs) > 0 || len(pkgs) != 1 {
		t.Fatalf("load: %v", errs)
	}
	g := newPkgGen(pkgs[0])
	files := g.find(pkgs[0], plans[pkgs[0].ID])
	g.prepare(files)
	if len(g.errs) > 0 || len(files) != 1 || len(files[0].funcs) != 3 {
		t.Fatalf("find: %v", g.errs)
	}
	build := func(fn int) *irFunc {
		ir := g.newIR(files[0], files[0].funcs[fn])
		ir.escapes()
		if !g.lower(ir) {
			t.Fatalf("lower: %v", g.errs)
		}
		ir.thread()
		ir.number()
		ir.liveness()
		if !ir.layout() {
			t.Fatalf("layout: %v", g.errs)
		}
		return ir
	}
	awaitWith := func(ir *irFunc, live int) *awaitTerm {
		for _, b := range ir.reach {
			if a, ok := b.term.(*awaitTerm); ok && len(ir.suspLive[a]) >= live {
				return a
			}
		}
		t.Fatalf("no await with %d variables live", live)
		return nil
	}
	byValue := func(ir *irFunc) (ts []*awaitTerm) {
		for _, b := range ir.reach {
			if a, ok := b.term.(*awaitTerm); ok && a.byValue != nil {
				ts = append(ts, a)
			}
		}
		if len(ts) != 3 {
			t.Fatalf("H has %d by-value awaits, want 3", len(ts))
		}
		return ts
	}
	cases := []struct {
		name, pass, want string
		corrupt          func(ir *irFunc)
		fn               int // the sample function: 0 F, 2 H
	}{
		{"unterminated", "lower", "has no terminator", func(ir *irFunc) { ir.blocks[len(ir.blocks)-1].term = nil }, 0},
		{"foreign target", "lower", "not the function's", func(ir *irFunc) {
			for _, b := range ir.blocks {
				if j, ok := b.term.(*jumpTerm); ok {
					j.to = &block{}
					return
				}
			}
		}, 0},
		{"await not resumed", "lower", "does not resume", func(ir *irFunc) { awaitWith(ir, 0).next.resume = nil }, 0},
		{"states not dense", "number", "dense", func(ir *irFunc) { ir.reach[1].state, ir.reach[2].state = ir.reach[2].state, ir.reach[1].state }, 0},
		{"shared live field", "liveness", "share the field", func(ir *irFunc) {
			live := ir.suspLive[awaitWith(ir, 2)]
			live[1].name = live[0].name
			live[1].typ = live[0].typ
			live[1].cell = live[0].cell
		}, 0},
		{"live field cleared", "liveness", "clears", func(ir *irFunc) {
			a := awaitWith(ir, 1)
			a.clear = append(a.clear, ir.suspLive[a][0])
		}, 0},
		{"live variable not a field", "liveness", "has no field", func(ir *irFunc) {
			for _, v := range ir.suspLive[awaitWith(ir, 2)] {
				if !v.param {
					v.field = false
					return
				}
			}
		}, 0},
		{"move of an unmentioned field", "liveness", "mentions it 0 times", func(ir *irFunc) {
			var moved *variable
			for _, vs := range ir.moves {
				moved = vs[0]
			}
			if moved == nil {
				t.Fatal("the sample has no last use to move")
			}
			ir.moves[&exprInstr{x: &varRef{v: ir.vars[0]}}] = []*variable{moved}
		}, 0},
		{"await without a field", "layout", "has no field", func(ir *irFunc) { awaitWith(ir, 0).field = "" }, 0},
		{"a second await field", "layout", "one await field", func(ir *irFunc) {
			a := awaitWith(ir, 0)
			a.field = "aw_other"
			ir.awaits = append(ir.awaits, awField{name: a.field, t: ir.awaits[0].t})
		}, 0},
		{"shared field not asserted", "layout", "does not assert", func(ir *irFunc) { awaitWith(ir, 0).assert = nil }, 0},
		{"typed field of another type", "layout", "of another type", func(ir *irFunc) {
			aw := &ir.awaits[0]
			aw.shared, aw.t = false, g.futureOf(types.Typ[types.Int])
			for _, b := range ir.reach {
				if a, ok := b.term.(*awaitTerm); ok {
					a.assert = nil
				}
			}
		}, 0},
		{"shared field of one type", "layout", "holds a future of one type", func(ir *irFunc) {
			for _, b := range ir.reach {
				if a, ok := b.term.(*awaitTerm); ok {
					a.out, a.assert, a.frame = types.Typ[types.Int], g.futureOf(types.Typ[types.Int]), nil
				}
			}
		}, 0},
		{"by-value await in the interface field", "layout", "not in a field of its type", func(ir *irFunc) {
			a := byValue(ir)[0]
			a.field = ir.awaits[len(ir.awaits)-1].name
		}, 2},
		{"by-value field of another type", "layout", "not in a field of its type", func(ir *irFunc) {
			byValue(ir)[1].byValue = types.Typ[types.Int]
		}, 2},
		{"by-value await not cancellable in its state", "layout", "does not list state", func(ir *irFunc) {
			for i := range ir.awaits {
				ir.awaits[i].states = nil
			}
		}, 2},
		{"by-value value not a future of the output", "layout", "not a future of its output", func(ir *irFunc) {
			byValue(ir)[2].out = types.Typ[types.Int]
		}, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ir := build(c.fn)
			if msg := ir.sanity("layout"); msg != "" {
				t.Fatalf("the sample's IR is reported before it is broken: %s", msg)
			}
			c.corrupt(ir)
			if msg := ir.sanity(c.pass); !strings.Contains(msg, c.want) {
				t.Errorf("sanity after %s = %q, want a report containing %q", c.pass, msg, c.want)
			}
		})
	}
}
