package main

// More constructs for the random programs (random_gen_test.go): calls
// through an interface that has the twin method, calls through local func
// variables that hold functions with twins, async closures (rt.Async and
// rt.AsyncDo) awaited at once or after more statements, and spawns (of an
// async closure, or of a seed function's future made on the spot) joined at
// once. Each is deterministic in both modes: an awaited closure runs where
// it is awaited, and a spawned task is joined before anything else runs.

import (
	"fmt"
	"strings"
)

// randExtHelpers are the helpers of randHelpers' file for these constructs.
const randExtHelpers = `
// Adder is an interface with the twin method: calls through it suspend.
type Adder interface {
	Add(tag string, d int) int
	AddAsync(tag string, d int) rt.Future[int]
}

// IncP suspends, then adds d to *p: a call that changes a variable of the
// expression it is in, after its other operands were evaluated.
//
//async:func
func IncP(tag string, p *int, d int) int {
	logf("IP%s(%d+%d)", tag, *p, d)
	rt.YieldNow()
	*p += d
	return *p
}

// Chan is a channel of capacity 1, holding v when full: of a receive and
// a send on it, exactly one is ready.
func Chan(tag string, full bool, v int) chan int {
	logf("C%s(%v)", tag, full)
	c := make(chan int, 1)
	if full {
		c <- v
	}
	return c
}

// Ch logs and returns c: a select's channel operand, whose evaluation the
// log shows in order.
func Ch(tag string, c chan int) chan int {
	logf("H%s", tag)
	return c
}

// Dbl is a second Adder: it adds twice what it is given.
type Dbl struct{ n int }

// Add suspends, then adds 2*d.
//
//async:func
func (d *Dbl) Add(tag string, x int) int {
	logf("D%s(%d+2*%d)", tag, d.n, x)
	rt.YieldNow()
	d.n += 2 * x
	return d.n
}
`

// twinFunc is a function value of type func(string, int) int whose every
// form has a twin: a func variable that holds only such values suspends.
func (g *rgen) twinFunc() string {
	switch g.pick(4, 2, 2, 1, 2) {
	case 1:
		return "SetG"
	case 2:
		return "GA[int]"
	case 3:
		return fmt.Sprintf("(&Dbl{%d}).Add", g.n(5))
	case 4:
		if v := g.oneOf(g.visibleWhere(isCtr)); v != nil {
			return v.name + ".Add"
		}
	}
	return "A"
}

// funcVarStmt calls through a local func variable that holds functions
// with twins, assigned again (maybe under a suspending condition) before
// the call.
func (g *rgen) funcVarStmt() string {
	g.sinks++
	fv := fmt.Sprintf("fv%d", g.sinks)
	var b strings.Builder
	if g.chance(0.3) {
		fmt.Fprintf(&b, "{\nvar %s func(string, int) int = %s\n", fv, g.twinFunc())
	} else {
		fmt.Fprintf(&b, "{\n%s := %s\n", fv, g.twinFunc())
	}
	switch g.n(3) {
	case 0:
		fmt.Fprintf(&b, "if %s {\n%s = %s\n}\n", g.boolExpr(1, false), fv, g.twinFunc())
	case 1:
		fmt.Fprintf(&b, "%s = %s\n", fv, g.twinFunc())
	}
	fmt.Fprintf(&b, "logf(\"%s=%%d\", %s(%s, %s))\n", fv, fv, g.newTag(), g.intExpr(2, false))
	if g.chance(0.4) {
		fmt.Fprintf(&b, "logf(\"%s'=%%d\", %s(%s, %s) + %s(%s, 1))\n", fv, fv, g.newTag(), g.intExpr(1, false), fv, g.newTag())
	}
	b.WriteString("}\n")
	return b.String()
}

// ifaceStmt calls Add through an Adder: a Dbl, a fresh Ctr or a Ctr
// variable's address.
func (g *rgen) ifaceStmt() string {
	g.sinks++
	ad := fmt.Sprintf("ad%d", g.sinks)
	val := fmt.Sprintf("&Dbl{%s}", g.intExpr(1, false))
	switch g.n(3) {
	case 0:
		val = fmt.Sprintf("&Ctr{%s}", g.intExpr(1, false))
	case 1:
		if v := g.oneOf(g.visibleWhere(isCtr)); v != nil {
			val = "&" + v.name
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "{\nvar %s Adder = %s\n", ad, val)
	fmt.Fprintf(&b, "logf(\"%s=%%d\", %s.Add(%s, %s))\n", ad, ad, g.newTag(), g.intExpr(2, false))
	if g.chance(0.4) {
		fmt.Fprintf(&b, "%s = &Dbl{%d}\n", ad, g.n(4))
		fmt.Fprintf(&b, "logf(\"%s'=%%d\", %s.Add(%s, %s) + %s)\n", ad, ad, g.newTag(), g.intExpr(1, false), g.intExpr(1, false))
	}
	b.WriteString("}\n")
	return b.String()
}

// asyncClosure is rt.Async(func() int {…}) or rt.AsyncDo(func() {…}):
// a body of random statements (which may suspend, capture and change the
// enclosing function's variables, defer, recover and return) in a function
// of its own, and the type of its output.
func (g *rgen) asyncClosure(depth int) (string, string) {
	g.usesRT = true
	savedFn, savedTargets, savedGotos := g.fn, g.targets, g.gotos
	kind := g.n(2) // 0: AsyncDo, 1: Async returning int
	g.fn = &rfunc{name: savedFn.name + "c", kind: kind, recovers: g.chance(0.3)}
	g.targets, g.gotos = nil, nil
	unhide := g.hideLocals()
	defer func() { g.fn, g.targets, g.gotos = savedFn, savedTargets, savedGotos; unhide() }()

	var b strings.Builder
	typ := "struct{}"
	if kind == 0 {
		b.WriteString("rt.AsyncDo(func() {\n")
	} else {
		typ = "int"
		b.WriteString("rt.Async(func() int {\n")
	}
	if g.fn.recovers {
		g.sinks++
		fmt.Fprintf(&b, "defer func() {\nif r := recover(); r != nil {\nlogf(\"c%d recovered %%v\", r)\n}\n}()\n", g.sinks)
	}
	g.push()
	n := 1 + g.n(4)
	for i := 0; i < n && g.budget > 0; i++ {
		b.WriteString(g.stmt(depth + 1))
	}
	b.WriteString(g.ret())
	g.pop()
	b.WriteString("})")
	return b.String(), typ
}

// closureStmt awaits an async closure at once, or after more statements
// (which see the variables as the closure will change them), or spawns
// it and joins the task.
func (g *rgen) closureStmt(depth int) string {
	g.sinks++
	id := g.sinks
	c, _ := g.asyncClosure(depth)
	switch g.n(3) {
	case 0:
		return fmt.Sprintf("logf(\"ac%d=%%v\", rt.Await(%s))\n", id, c)
	case 1:
		var b strings.Builder
		fmt.Fprintf(&b, "{\naf%d := %s\n", id, c)
		g.push()
		for range g.n(3) {
			if g.budget <= 0 {
				break
			}
			b.WriteString(g.stmt(depth + 1))
		}
		b.WriteString(g.sink(g.top().vars))
		g.pop()
		fmt.Fprintf(&b, "logf(\"ac%d=%%v\", rt.Await(af%d))\n}\n", id, id)
		return b.String()
	default:
		return fmt.Sprintf("{\nv, err := rt.Spawn(%s).Join()\nlogf(\"sp%d=%%v %%v\", v, err)\n}\n", c, id)
	}
}

// spawnStmt spawns the future of a seed function made on the spot (which
// asyncgen puts into its task) and joins it.
func (g *rgen) spawnStmt() string {
	if g.loopDepth > 0 || g.lowerCalls >= 2 || len(g.funcs) == 0 {
		return ""
	}
	f := g.funcs[g.n(len(g.funcs))]
	if f.panics { // a spawned task's panic is Join's error: not this test's
		return ""
	}
	g.usesRT = true
	g.lowerCalls++
	g.sinks++
	name := f.name + "Async"
	if f.generic {
		name += "[int]"
	}
	return fmt.Sprintf("{\nv, err := rt.Spawn(%s(%s)).Join()\nlogf(\"sf%d=%%v %%v\", v, err)\n}\n", name, g.args(f, 1), g.sinks)
}

// sideEffect is a call that changes a free int variable in the middle of
// an expression that may read it too: IncP(tag, &v, e), which suspends
// (closure false), or a func literal called at once that adds to v
// (closure true, also where nothing may suspend); "" if there is no free
// variable.
func (g *rgen) sideEffect(closure bool, d int, ns bool) string {
	v := g.oneOf(g.visibleWhere(isFreeInt))
	if v == nil || (ns && !closure) {
		return ""
	}
	if closure {
		return fmt.Sprintf("func() int { %s += %s; return %s }()", v.name, g.intExpr(d-1, true), v.name)
	}
	return fmt.Sprintf("IncP(%s, &%s, %s)", g.newTag(), v.name, g.intExpr(d-1, ns))
}

// selectStmt is a select with a default case on a channel of capacity 1,
// full or empty, so that the choice is deterministic: a receive, a send,
// or both, in random order. The operands (a channel expression that logs,
// a value that may suspend) are evaluated in order on entering; the chosen
// clause's body suspends; a receive declares variables (v, or v, ok) or
// assigns an existing variable or an element at an index evaluated, and
// maybe suspending, only when its clause is chosen.
func (g *rgen) selectStmt(depth int) string {
	g.labels++
	ch := fmt.Sprintf("sc%d", g.labels)
	var b strings.Builder
	fmt.Fprintf(&b, "{\n%s := Chan(%s, %v, %s)\n", ch, g.newTag(), g.chance(0.5), g.intExpr(1, false))
	operand := func() string {
		if g.chance(0.5) {
			return fmt.Sprintf("Ch(%s, %s)", g.newTag(), ch)
		}
		return ch
	}
	kinds := [][]int{{0, 2}, {1, 2}, {0, 1, 2}}[g.n(3)]
	g.r.Shuffle(len(kinds), func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })
	g.push()
	t := g.target(false)
	var cl strings.Builder
	for _, k := range kinds {
		g.push()
		var head []*rvar
		switch k {
		case 0:
			op := operand()
			switch g.n(4) {
			case 0:
				fmt.Fprintf(&cl, "case <-%s:\n", op)
			case 1, 2:
				n := g.newName()
				if n == "" {
					fmt.Fprintf(&cl, "case <-%s:\n", op)
					break
				}
				head = append(head, g.declare(n, kInt, mFree))
				if ok := g.newName(n); ok != "" && g.chance(0.5) {
					head = append(head, g.declare(ok, kAny, mRO))
					fmt.Fprintf(&cl, "case %s, %s := <-%s:\n", n, ok, op)
				} else {
					fmt.Fprintf(&cl, "case %s := <-%s:\n", n, op)
				}
			default:
				if v := g.oneOf(g.visibleWhere(isFreeInt)); v != nil && g.chance(0.5) {
					fmt.Fprintf(&cl, "case %s = <-%s:\n", v.name, op)
					head = append(head, v)
				} else if v := g.oneOf(g.visibleWhere(isSlice)); v != nil {
					fmt.Fprintf(&cl, "case %s[ix(%s, %s)] = <-%s:\n", v.name, g.newTag(), g.intExpr(2, false), op)
					head = append(head, v)
				} else {
					fmt.Fprintf(&cl, "case <-%s:\n", op)
				}
			}
		case 1:
			op := operand()
			fmt.Fprintf(&cl, "case %s <- %s:\n", op, g.intExpr(2, false))
		default:
			cl.WriteString("default:\n")
		}
		var term func() string
		if g.chance(0.2) {
			term = g.jump
		}
		// The clause's variables are in the scope of its body, which
		// may not declare them again.
		cl.WriteString(g.sink(head))
		before := len(g.top().vars)
		for range 1 + g.n(4) {
			if g.budget <= 0 {
				break
			}
			cl.WriteString(g.stmt(depth + 1))
		}
		cl.WriteString(g.sink(g.top().vars[before:]))
		if term != nil {
			cl.WriteString(term())
		}
		g.pop()
	}
	b.WriteString(g.untarget(t, "select {\n"+cl.String()+"}"))
	g.pop()
	b.WriteString("\n}\n")
	return b.String()
}
