package main

// Still more constructs for the random programs (random_gen_test.go):
//   - maps: literals whose values suspend, index reads and writes with
//     suspending keys and values, comma-ok reads, delete, and ranges whose
//     body suspends. Output stays independent of Go's random iteration
//     order: a range body sees neither its key nor its value nor any map
//     (rgen.noMap), and only when the body cannot leave the loop early
//     (rgen.exits unchanged by it) does the loop also fold the keys and
//     values into a sum (commutative) and change or delete the current
//     entry; sinks print maps with %v, which sorts keys;
//   - local types (rltype): a struct of ints and an array (no pointers, held
//     as raw bytes), a struct with a slice (held in a cell), a named array
//     and a named int, declared in any block, with variables copied,
//     assigned, compared, addressed and captured across suspension points;
//   - panics that leave functions: a seed function may panic out
//     (rfunc.panics), through its defers, into a caller that recovers or
//     panics on (several async frames); the entry calls it through a
//     recovering wrapper. Recover in a nested func literal (nil), in a named
//     function deferred directly or through a func variable, defer recover(),
//     panic(nil), error values and run-time errors;
//   - builtins min and max, string concatenation and comparison, slicing with
//     suspending bounds, composite literals indexed or selected at once, and
//     two results through an interface (Pairer).

import (
	"fmt"
	"strings"
)

// randMoreHelpers are the helpers of randHelpers' file for these constructs.
const randMoreHelpers = `
// Mp suspends and returns m: a range's suspending map operand.
//
//async:func
func Mp(tag string, m map[int]int) map[int]int {
	logf("M%s(%d)", tag, len(m))
	rt.YieldNow()
	return m
}

// Pairer has a method with two results and its twin.
type Pairer interface {
	Pair(tag string, d int) (int, int)
	PairAsync(tag string, d int) rt.Future[rt.Tuple2[int, int]]
}

// Pair suspends, adds d and returns the new count and d.
//
//async:func
func (c *Ctr) Pair(tag string, d int) (int, int) {
	logf("CP%s(%d,%d)", tag, c.n, d)
	rt.YieldNow()
	c.n += d
	return c.n, d
}

// Pair suspends, doubles d and returns both.
//
//async:func
func (d *Dbl) Pair(tag string, x int) (int, int) {
	logf("DP%s(%d,%d)", tag, d.n, x)
	rt.YieldNow()
	d.n += 2 * x
	return x, d.n
}

// Pr is a Pairer chosen by n.
func Pr(n int) Pairer {
	logf("Pr(%d)", n)
	if n%2 == 0 {
		return &Ctr{n}
	}
	return &Dbl{n}
}

// Rec recovers when deferred directly.
func Rec(tag string) {
	if r := recover(); r != nil {
		logf("Rec%s %v", tag, r)
	}
}

// RecF holds Rec: deferring it defers a function value.
var RecF = Rec

// Id suspends and returns x.
//
//async:func
func Id(tag string, x any) any {
	logf("Id%s", tag)
	rt.YieldNow()
	return x
}

// Deep suspends and recurses depth times, then panics when n > 4: a panic
// raised several async frames below, each frame's defer logging it pass.
//
//async:func
func Deep(tag string, n, depth int) int {
	defer logf("Dd%s(%d)", tag, depth)
	rt.YieldNow()
	if depth > 0 {
		return Deep(tag, n, depth-1) + 1
	}
	if n > 4 {
		panic(fmt.Sprintf("deep%s(%d)", tag, n))
	}
	return n
}
`

// rltype is a local type declared by the function being generated.
type rltype struct {
	name  string
	shape int // 0: struct{X int; A [2]int}; 1: struct{N int; S []int}; 2: [3]int; 3: int
}

var ltShapes = []string{"struct {\nX int\nA [2]int\n}", "struct {\nN int\nS []int\n}", "[3]int", "int"}

// visibleTypes lists the local types in scope.
func (g *rgen) visibleTypes() []*rltype {
	var out []*rltype
	for _, sc := range g.scopes[g.ltBase:] {
		out = append(out, sc.types...)
	}
	return out
}

// hideLocals puts the local types and their variables out of reach, for an
// async closure's body (the closure may not name them), and returns what
// undoes it.
func (g *rgen) hideLocals() func() {
	var hidden []*rvar
	for _, sc := range g.scopes {
		for _, v := range sc.vars {
			if v.kind == kLoc && !v.hidden {
				v.hidden = true
				hidden = append(hidden, v)
			}
		}
	}
	base := g.ltBase
	g.ltBase = len(g.scopes)
	return func() {
		for _, v := range hidden {
			v.hidden = false
		}
		g.ltBase = base
	}
}

func isMap(v *rvar) bool { return v.kind == kMap && v.mode == mFree }
func isLoc(v *rvar) bool { return v.kind == kLoc }

// canCall reports whether the function being generated may call f: one
// that panics out only from a function that recovers or panics out too.
func (g *rgen) canCall(f rfunc) bool {
	return !f.panics || g.fn.recovers || g.fn.panics
}

// called notes a call of f: a panic may leave the statement there.
func (g *rgen) called(f rfunc) {
	if f.panics {
		g.exits++
	}
}

// ltValue is a value of local type t.
func (g *rgen) ltValue(t *rltype) string {
	switch t.shape {
	case 0:
		switch g.n(4) {
		case 0:
			return fmt.Sprintf("%s{X: %s}", t.name, g.intExpr(1, false))
		case 1: // keyed out of order: evaluated in source order
			return fmt.Sprintf("%s{A: [2]int{1: %s}, X: %s}", t.name, g.intExpr(2, false), g.intExpr(2, false))
		}
		return fmt.Sprintf("%s{%s, [2]int{%s, %s}}", t.name, g.intExpr(1, false), g.intExpr(1, false), g.intExpr(1, false))
	case 1:
		if g.chance(0.3) {
			return fmt.Sprintf("%s{S: %s, N: %s}", t.name, g.sliceLit(1), g.intExpr(2, false))
		}
		return fmt.Sprintf("%s{%s, %s}", t.name, g.intExpr(1, false), g.sliceLit(1))
	case 2:
		return fmt.Sprintf("%s{%s, %s, %s}", t.name, g.intExpr(1, false), g.intExpr(1, false), g.intExpr(1, false))
	}
	return fmt.Sprintf("%s(%s)", t.name, g.intExpr(2, false))
}

// ltInt is an int read from v, of local type.
func (g *rgen) ltInt(v *rvar, ns bool) string {
	switch v.lt.shape {
	case 0:
		if g.chance(0.5) {
			return v.name + ".X"
		}
		return fmt.Sprintf("%s.A[%d]", v.name, g.n(2))
	case 1:
		if g.chance(0.5) {
			return v.name + ".N"
		}
		return fmt.Sprintf("%s.S[ix(%s, %s)]", v.name, g.newTag(), g.intExpr(1, ns))
	case 2:
		return fmt.Sprintf("%s[ix(%s, %s)]", v.name, g.newTag(), g.intExpr(1, ns))
	}
	return "int(" + v.name + ")"
}

// ltStmt declares a local type and a variable of it, or declares, changes,
// copies, compares, addresses or captures a variable of a local type.
func (g *rgen) ltStmt(depth int, nest bool) string {
	if v := g.oneOf(g.visibleWhere(isLoc)); v != nil && g.chance(0.7) {
		g.sinks++
		switch g.n(11) {
		case 8: // a range over (a part of) it, which copies an array
			if !nest || v.lt.shape == 3 {
				break
			}
			x := v.name
			switch v.lt.shape {
			case 0:
				x += ".A"
			case 1:
				x += ".S"
			default:
				if g.chance(0.3) {
					x = "&" + x
				}
			}
			g.loopDepth++
			g.push()
			t := g.target(true)
			n1 := g.newName()
			n2 := g.newName(n1)
			head := []*rvar{g.declare(n1, kInt, mFree), g.declare(n2, kInt, mFree)}
			loop := fmt.Sprintf("for %s, %s := range %s ", n1, n2, x) + g.loopBody(depth, head)
			g.pop()
			g.loopDepth--
			return g.untarget(t, loop) + "\n"
		case 9: // a type switch over it, its variable of a local type
			if !nest {
				break
			}
			return g.ltSwitch(depth, v)
		case 10: // compared through interfaces, or assigned in parallel
			if v.lt.shape == 1 {
				break
			}
			if w := g.oneOf(g.visibleWhere(func(w *rvar) bool { return isLoc(w) && w != v })); w != nil && g.chance(0.5) {
				return fmt.Sprintf("logf(\"li%d %%v %%v\", any(%s) == any(%s), any(%s) == any(%s{}))\n", g.sinks, v.name, w.name, w.name, v.lt.name)
			}
			if u := g.oneOf(g.visibleWhere(isFreeInt)); u != nil && v.lt.shape == 0 {
				return fmt.Sprintf("%s.X, %s, %s.A[ix(%s, %s)%%2] = %s, %s, %s\n", v.name, u.name, v.name, g.newTag(), g.intExpr(1, false), g.intExpr(2, false), g.intExpr(2, false), g.intExpr(2, false))
			}
		case 0: // a copy, changed, compared, across a suspension
			if n := g.newName(); n != "" {
				w := g.declare(n, kLoc, mFree)
				w.lt = v.lt
				s := fmt.Sprintf("%s := %s\n", n, v.name)
				switch v.lt.shape {
				case 0:
					s += fmt.Sprintf("%s.A[1] += %s\n", n, g.intExpr(2, false))
				case 1:
					s += fmt.Sprintf("%s.S[ix(%s, %s)] += %s\n", n, g.newTag(), g.intExpr(1, false), g.intExpr(2, false)) // shared backing array
				case 2:
					s += fmt.Sprintf("%s[ix(%s, %s)] = %s\n", n, g.newTag(), g.intExpr(1, false), g.intExpr(2, false))
				default:
					s += fmt.Sprintf("%s += %s(%s)\n", n, v.lt.name, g.intExpr(2, false))
				}
				if v.lt.shape != 1 {
					s += fmt.Sprintf("logf(\"lq%d %%v\", %s == %s)\n", g.sinks, n, v.name)
				}
				return s
			}
		case 1: // whole assignment
			if w := g.oneOf(g.visibleWhere(func(w *rvar) bool { return isLoc(w) && w.lt == v.lt && w != v })); w != nil && g.chance(0.5) {
				return fmt.Sprintf("%s = %s\n", v.name, w.name)
			}
			return fmt.Sprintf("%s = %s\n", v.name, g.ltValue(v.lt))
		case 2: // through a pointer, across a suspension
			p := fmt.Sprintf("lp%d", g.sinks)
			switch v.lt.shape {
			case 0:
				return fmt.Sprintf("{\n%s := &%s\n%s.X = %s\n%s.A[0] -= %s\n}\n", p, v.name, p, g.intExpr(2, false), p, g.intExpr(2, false))
			case 1:
				return fmt.Sprintf("{\n%s := &%s.N\n*%s += %s\n}\n", p, v.name, p, g.intExpr(2, false))
			case 2:
				return fmt.Sprintf("{\n%s := &%s\n%s[ix(%s, %s)] += %s\n}\n", p, v.name, p, g.newTag(), g.intExpr(1, false), g.intExpr(2, false))
			}
			return fmt.Sprintf("{\n%s := &%s\n*%s = %s(%s)\n}\n", p, v.name, p, v.lt.name, g.intExpr(2, false))
		case 3: // captured by a closure that runs at the return
			return fmt.Sprintf("fs = append(fs, func() int { return %s })\n", g.ltInt(v, true))
		case 4:
			return fmt.Sprintf("logf(\"lt%d %%T %%v\", %s, %s)\n", g.sinks, v.name, v.name)
		default: // a part assigned, maybe suspending
			switch v.lt.shape {
			case 0:
				if g.chance(0.5) {
					return fmt.Sprintf("%s.X %s= %s\n", v.name, []string{"", "+", "-"}[g.n(3)], g.intExpr(3, false))
				}
				return fmt.Sprintf("%s.A[%s] = %s\n", v.name, fmt.Sprintf("ix(%s, %s)%%2", g.newTag(), g.intExpr(1, false)), g.intExpr(2, false))
			case 1:
				if g.chance(0.5) {
					return fmt.Sprintf("%s.N += %s\n", v.name, g.intExpr(3, false))
				}
				return fmt.Sprintf("%s.S = %s\n", v.name, g.sliceLit(1))
			case 2:
				return fmt.Sprintf("%s[ix(%s, %s)] = %s\n", v.name, g.newTag(), g.intExpr(1, false), g.intExpr(2, false))
			}
			return fmt.Sprintf("%s *= %s(%s)\n", v.name, v.lt.name, g.intExpr(2, false))
		}
	}
	if g.ltBase >= len(g.scopes) && len(g.scopes) > 0 && g.chance(0.5) {
		// In an async closure: its own types only.
		return ""
	}
	var t *rltype
	if ts := g.visibleTypes(); len(ts) > 0 && g.chance(0.4) {
		t = ts[g.n(len(ts))]
	}
	n := g.newName()
	if n == "" {
		return ""
	}
	var s string
	if t == nil {
		g.labels++
		t = &rltype{name: fmt.Sprintf("lt%d", g.labels), shape: g.n(len(ltShapes))}
		sc := g.top()
		sc.types = append(sc.types, t)
		s = fmt.Sprintf("type %s %s\n", t.name, ltShapes[t.shape])
	}
	if t.shape == 1 || g.chance(0.7) {
		s += fmt.Sprintf("%s := %s\n", n, g.ltValue(t))
	} else {
		s += fmt.Sprintf("var %s %s\n", n, t.name)
	}
	v := g.declare(n, kLoc, mFree)
	v.lt = t
	return s
}

// ltSwitch is a type switch over any(v), v of a local type, with cases of
// the local types in reach: the bound variable has the case's local type in
// its clause, across the clause's suspension points.
func (g *rgen) ltSwitch(depth int, v *rvar) string {
	g.push()
	t := g.target(false)
	x := fmt.Sprintf("any(%s)", v.name)
	if g.chance(0.3) {
		x = fmt.Sprintf("Id(%s, %s)", g.newTag(), x) // the guard suspends
	}
	bound := g.newName()
	seen := map[*rltype]bool{}
	var cases []*rltype
	for _, lt := range g.visibleTypes() {
		if !seen[lt] && g.chance(0.6) {
			seen[lt] = true
			cases = append(cases, lt)
		}
	}
	if !seen[v.lt] && g.chance(0.7) {
		cases = append(cases, v.lt)
	}
	g.r.Shuffle(len(cases), func(i, j int) { cases[i], cases[j] = cases[j], cases[i] })
	var b strings.Builder
	guard := x + ".(type)"
	if bound != "" {
		guard = bound + " := " + guard
	}
	fmt.Fprintf(&b, "switch %s {\n", guard)
	clause := func(lt *rltype) {
		g.push()
		if bound != "" {
			if lt != nil {
				w := g.declare(bound, kLoc, mFree)
				w.lt = lt
			} else {
				g.declare(bound, kAny, mRO)
			}
		}
		for i := 0; i < 1+g.n(3) && g.budget > 0; i++ {
			b.WriteString(g.stmt(depth + 1))
		}
		b.WriteString(g.sink(g.top().vars))
		g.pop()
	}
	for _, lt := range cases {
		fmt.Fprintf(&b, "case %s:\n", lt.name)
		clause(lt)
	}
	if g.chance(0.5) || bound != "" && len(cases) == 0 {
		b.WriteString("default:\n")
		clause(nil)
	}
	b.WriteString("}")
	g.pop()
	return g.untarget(t, b.String()) + "\n"
}

// mapLit is a map literal with distinct constant keys and suspending
// values.
func (g *rgen) mapLit() string {
	var es []string
	for k := range g.n(4) {
		es = append(es, fmt.Sprintf("%d: %s", k*2-1, g.intExpr(2, false)))
	}
	return "map[int]int{" + strings.Join(es, ", ") + "}"
}

// mapStmt declares, changes, reads or ranges over a map.
func (g *rgen) mapStmt(depth int, nest bool) string {
	if g.noMap > 0 {
		return ""
	}
	v := g.oneOf(g.visibleWhere(isMap))
	if v == nil || g.chance(0.15) {
		n := g.newName()
		if n == "" {
			return ""
		}
		s := fmt.Sprintf("%s := %s\n", n, g.mapLit())
		if g.chance(0.2) {
			s = fmt.Sprintf("%s := make(map[int]int)\n", n)
		}
		g.declare(n, kMap, mFree)
		return s
	}
	key := func() string {
		if g.chance(0.5) {
			return fmt.Sprintf("ix(%s, %s)", g.newTag(), g.intExpr(1, false))
		}
		return g.intExpr(2, false)
	}
	g.sinks++
	switch g.n(10) {
	case 0:
		return fmt.Sprintf("%s[%s] = %s\n", v.name, key(), g.intExpr(2, false))
	case 1:
		return fmt.Sprintf("%s[%s] %s= %s\n", v.name, key(), []string{"+", "-", "*"}[g.n(3)], g.intExpr(2, false))
	case 2:
		return fmt.Sprintf("delete(%s, %s)\n", v.name, key())
	case 3: // comma-ok read
		n1 := g.newName()
		n2 := g.newName(n1)
		if n1 == "" || n2 == "" {
			return ""
		}
		s := fmt.Sprintf("%s, %s := %s[%s]\n", n1, n2, v.name, key())
		g.declare(n1, kInt, mFree)
		g.declare(n2, kAny, mRO)
		return s
	case 4:
		if g.chance(0.3) {
			return fmt.Sprintf("clear(%s)\n", v.name)
		}
		return fmt.Sprintf("%s[%s]++\n", v.name, key())
	case 5: // parallel assignment: index operands first, then values, left to right
		if u := g.oneOf(g.visibleWhere(isFreeInt)); u != nil && g.chance(0.6) {
			return fmt.Sprintf("%s[%s], %s = %s, %s\n", v.name, key(), u.name, g.intExpr(2, false), g.intExpr(2, false))
		}
		return fmt.Sprintf("%s[%s], %s[%s] = %s[%s], %s\n", v.name, key(), v.name, key(), v.name, key(), g.intExpr(2, false))
	default:
		if !nest {
			return ""
		}
		return g.mapRange(depth, v)
	}
}

// mapRange ranges over m with a body that may suspend: see the file's
// comment for how its output stays independent of the iteration order.
func (g *rgen) mapRange(depth int, m *rvar) string {
	id := g.sinks
	x := m.name
	if g.chance(0.3) {
		x = fmt.Sprintf("Mp(%s, %s)", g.newTag(), m.name)
	}
	form := g.n(3)
	k, val := fmt.Sprintf("mk%d", id), fmt.Sprintf("mv%d", id)
	g.loopDepth++
	g.noMap++
	g.push()
	t := g.target(true)
	exits := g.exits
	body := g.block(depth, nil, nil)
	early := g.exits != exits
	g.pop()
	g.noMap--
	g.loopDepth--
	head := ""
	switch form {
	case 0:
		head = fmt.Sprintf("for %s, %s := range %s", k, val, x)
	case 1:
		head = fmt.Sprintf("for %s := range %s", k, x)
	default:
		head = fmt.Sprintf("for range %s", x)
	}
	// What the body does with the entry, first: none of it when the
	// loop may stop early, since which entries it saw depends on order.
	var pre strings.Builder
	fmt.Fprintf(&pre, "mc%d++\n", id)
	if form == 1 {
		fmt.Fprintf(&pre, "_ = %s\n", k)
	}
	if form == 0 {
		fmt.Fprintf(&pre, "_, _ = %s, %s\n", k, val)
	}
	if !early && form < 2 {
		if form == 0 {
			fmt.Fprintf(&pre, "ms%d += %s*3 + %s\n", id, k, val)
		} else {
			fmt.Fprintf(&pre, "ms%d += %s\n", id, k)
		}
		switch g.n(3) {
		case 0:
			fmt.Fprintf(&pre, "%s[%s] = %s*2 + %d\n", m.name, k, k, g.n(5)) // an existing key: no new entry; nothing order-dependent
		case 1:
			fmt.Fprintf(&pre, "delete(%s, %s)\n", m.name, k) // the current entry
		}
	}
	loop := g.untarget(t, head+" {\n"+pre.String()+strings.TrimPrefix(body, "{\n"))
	return fmt.Sprintf("{\nmc%d, ms%d := 0, 0\n%s\nlogf(\"mr%d %%d %%d\", mc%d, ms%d)\n}\n", id, id, loop, id, id, id)
}

// moreStmt is one of the statements of this file, "" where none fits.
func (g *rgen) moreStmt(depth int, nest bool) string {
	switch g.pick(7, 3, 2, 1, 1) {
	case 4: // a local constant, typed or not, maybe shadowing
		n := g.newName()
		if n == "" {
			return ""
		}
		g.declare(n, kConst, mRO)
		if g.chance(0.5) {
			return fmt.Sprintf("const %s = %d\n", n, g.n(9)-2)
		}
		return fmt.Sprintf("const %s, _ int = %d * 2, 0\n", n, g.n(5))
	case 0:
		return g.mapStmt(depth, nest)
	case 1:
		return g.ltStmt(depth, nest)
	case 2: // two results through an interface
		n1 := g.newName()
		n2 := g.newName(n1)
		if n1 == "" || n2 == "" {
			return ""
		}
		s := fmt.Sprintf("%s, %s := Pr(%s).Pair(%s, %s)\n", n1, n2, g.intExpr(1, false), g.newTag(), g.intExpr(2, false))
		g.declare(n1, kInt, mFree)
		g.declare(n2, kInt, mFree)
		return s
	default:
		if v := g.oneOf(g.visibleWhere(isFreeInt)); v != nil {
			return fmt.Sprintf("%s = %s(%s, %s)\n", v.name, []string{"min", "max"}[g.n(2)], g.intExpr(2, false), g.intExpr(2, false))
		}
	}
	return ""
}

// moreInt is an int expression of this file, "" where none fits.
func (g *rgen) moreInt(d int, ns bool) string {
	switch g.pick(2, 1, 1, 1, 1, 1, 2, 2, 1, 1) {
	case 8: // shifts by a suspending count, and conversions that wrap
		if g.chance(0.5) {
			return fmt.Sprintf("(%s %s (uint(P(%s, %s)) %% 4))", g.intExpr(d-1, ns), []string{"<<", ">>"}[g.n(2)], g.newTag(), g.intExpr(d-1, ns))
		}
		return fmt.Sprintf("int(%s(P(%s, %s) * 40))", []string{"int8", "uint8", "int16"}[g.n(3)], g.newTag(), g.intExpr(d-1, ns))
	case 9: // bit operations, maybe with a local constant
		if v := g.oneOf(g.visibleWhere(func(v *rvar) bool { return v.kind == kConst })); v != nil && g.chance(0.5) {
			return fmt.Sprintf("(%s %s %s)", g.intExpr(d-1, ns), []string{"&", "|", "^", "&^", "+"}[g.n(5)], v.name)
		}
		return fmt.Sprintf("(%s %s %s)", g.intExpr(d-1, ns), []string{"&", "|", "^", "&^"}[g.n(4)], g.intExpr(d-1, ns))
	case 0:
		f := []string{"min", "max"}[g.n(2)]
		if g.chance(0.3) {
			return fmt.Sprintf("%s(%s, %s, %s)", f, g.intExpr(d-1, ns), g.intExpr(d-1, ns), g.intExpr(d-1, ns))
		}
		return fmt.Sprintf("%s(%s, %s)", f, g.intExpr(d-1, ns), g.intExpr(d-1, ns))
	case 1:
		s1, s2 := rangeStrings[g.n(len(rangeStrings))], rangeStrings[g.n(len(rangeStrings))]
		if !ns {
			s1 = fmt.Sprintf("Str(%s, %s)", g.newTag(), s1)
			if g.chance(0.5) {
				s2 = fmt.Sprintf("Str(%s, %s)", g.newTag(), s2)
			}
		}
		return fmt.Sprintf("len(%s + %s)", s1, s2)
	case 2: // slicing with suspending bounds
		v := g.oneOf(g.visibleWhere(isSlice))
		if v == nil {
			return ""
		}
		if g.chance(0.5) {
			return fmt.Sprintf("len(%s[ix(%s, %s):])", v.name, g.newTag(), g.intExpr(d-1, ns))
		}
		return fmt.Sprintf("cap(%s[:ix(%s, %s)])", v.name, g.newTag(), g.intExpr(d-1, ns))
	case 3: // a map literal indexed at once
		return fmt.Sprintf("(map[int]int{0: %s, 1: %s, 2: %s})[ix(%s, %s)]", g.intExpr(d-1, ns), g.intExpr(d-1, ns), g.intExpr(d-1, ns), g.newTag(), g.intExpr(d-1, ns))
	case 4: // composite literals selected or indexed at once
		if g.chance(0.5) {
			return fmt.Sprintf("(Ctr{%s}).n", g.intExpr(d-1, ns))
		}
		return fmt.Sprintf("([3]int{%s, %s, %s})[ix(%s, %s)]", g.intExpr(d-1, ns), g.intExpr(d-1, ns), g.intExpr(d-1, ns), g.newTag(), g.intExpr(d-1, ns))
	case 5: // two results through an interface, spread
		if ns {
			return ""
		}
		f := []string{"Add2", "Sum"}[g.n(2)]
		return fmt.Sprintf("%s(Pr(%s).Pair(%s, %s))", f, g.intExpr(d-1, ns), g.newTag(), g.intExpr(d-1, ns))
	case 6: // a map
		if g.noMap > 0 {
			return ""
		}
		v := g.oneOf(g.visibleWhere(func(v *rvar) bool { return v.kind == kMap }))
		if v == nil {
			return ""
		}
		if g.chance(0.3) {
			return "len(" + v.name + ")"
		}
		return fmt.Sprintf("%s[%s]", v.name, g.intExpr(d-1, ns))
	default: // a local type
		if v := g.oneOf(g.visibleWhere(isLoc)); v != nil {
			return g.ltInt(v, ns)
		}
	}
	return ""
}

// moreBool is a bool expression of this file: strings compared.
func (g *rgen) moreBool(ns bool) string {
	s1, s2 := rangeStrings[g.n(len(rangeStrings))], rangeStrings[g.n(len(rangeStrings))]
	if !ns {
		s1 = fmt.Sprintf("Str(%s, %s)", g.newTag(), s1)
	}
	return fmt.Sprintf("%s %s %s", s1, []string{"<", "==", "!=", ">="}[g.n(4)], s2)
}

// moreDefer is a deferred call that recovers, or tries to, in a function
// that may panic: a named function deferred directly (it stops the panic)
// or through a func variable, defer recover() in a deferred literal, or a
// recover one call too deep (nil: the panic goes on).
func (g *rgen) moreDefer() string {
	switch g.n(4) {
	case 0:
		return fmt.Sprintf("defer Rec(%s)\n", g.newTag())
	case 1:
		return fmt.Sprintf("defer RecF(%s)\n", g.newTag())
	case 2:
		return "defer func() {\ndefer recover()\n}()\n"
	}
	g.sinks++
	return fmt.Sprintf("defer func() {\nfunc() {\nif r := recover(); r != nil {\nlogf(\"nested%d %%v\", r)\n}\n}()\n}()\n", g.sinks)
}

// morePanic is a panic of another kind: panic(nil), an error value, a
// run-time error, or a panic several async frames down.
func (g *rgen) morePanic() string {
	g.sinks++
	cond := g.nonConstBool(2)
	switch g.n(6) {
	case 0:
		return fmt.Sprintf("if %s {\npanic(nil)\n}\n", cond)
	case 1:
		return fmt.Sprintf("if %s {\npanic(fmt.Errorf(\"err%d %%d\", %s))\n}\n", cond, g.sinks, g.intExpr(1, false))
	case 2:
		return fmt.Sprintf("if %s {\n_ = any(P(%s, %d)).(string)\n}\n", cond, g.newTag(), g.n(5))
	case 3:
		return fmt.Sprintf("if %s {\nlogf(\"dz%%d\", %s / P(%s, 0))\n}\n", cond, g.intExpr(1, false), g.newTag())
	case 4:
		if v := g.oneOf(g.visibleWhere(isSlice)); v != nil {
			return fmt.Sprintf("if %s {\nlogf(\"oob%%d\", %s[len(%s)+P(%s, 0)])\n}\n", cond, v.name, v.name, g.newTag())
		}
	}
	return fmt.Sprintf("logf(%q, Deep(%s, %s, %d))\n", fmt.Sprintf("deep%d %%d", g.sinks), g.newTag(), g.intExpr(2, false), g.n(3))
}

// wrapper is the recovering async function through which the entry calls
// f, which may panic out.
func (g *rgen) wrapper(f rfunc) string {
	var params, args []string
	for i := range f.nparams {
		params = append(params, fmt.Sprintf("a%d", i))
		args = append(args, fmt.Sprintf("a%d", i))
	}
	res, body := "", fmt.Sprintf("%s(%s)\nreturn\n", f.call(), strings.Join(args, ", "))
	switch f.kind {
	case 1:
		res = " int"
		body = "return " + body[:len(body)-len("\nreturn\n")] + "\n"
	case 2, 3:
		res = " (int, int)"
		body = "return " + body[:len(body)-len("\nreturn\n")] + "\n"
	}
	return fmt.Sprintf("//async:func\nfunc %sw(%s int)%s {\ndefer func() {\nif r := recover(); r != nil {\nlogf(\"%sw recovered %%v\", r)\n}\n}()\n%s}\n\n", f.name, strings.Join(params, ", "), res, f.name, body)
}
