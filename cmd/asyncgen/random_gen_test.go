package main

// The random program generator behind TestRandom.
//
// Each seed gives one file of a package main: a few async functions
// S<seed>F0…Fn and an entry S<seed> that calls each and prints the log. The
// helpers every file uses (randHelpers) log each call into a global slice, so
// the printed log shows the exact order of calls; the async ones also call
// rt.YieldNow, which makes them suspension points.
//
// Programs are valid Go by construction:
//   - every variable is logged ("a sink") at the end of the block that
//     declares it (before the block's terminating statement), and the
//     variables of an if/for/switch header at the start of each body, so
//     none is unused — and the sinks show the values;
//   - divisors are nonzero constants, slices always have length 3 and are
//     indexed through ix, which reduces modulo 3;
//   - loops count with a variable that the body may only increment, or range
//     over a bounded int, a slice, a string or a function iterator (Seq,
//     Seq2, Seq0: bounded, logging how the loop stopped them), so they
//     terminate;
//   - labels are printed only where a break or continue uses them;
//   - constant case values of a switch are distinct;
//   - no maps, so no output depends on iteration order;
//   - suspension points never appear in func literals (only in what asyncgen
//     lowers).
//
// Function values (closures appended to fs) and pointers (appended to ps)
// are called and read only at a return, after every loop of the function
// finished, so they never change control flow.

import (
	"fmt"
	"go/format"
	"math/rand/v2"
	"strings"
)

const (
	// useGlobalOperands lets expressions read the global g while async
	// helpers (SetG) assign it. The order in which Go evaluates a plain
	// operand relative to calls in the same expression is unspecified by
	// the language; asyncgen promises gc's order (doc.go: "plain operands
	// stay in place and are read after the calls"), which this checks.
	useGlobalOperands = true
)

// seedName is a seed as it appears in identifiers and file names.
func seedName(s int64) string {
	if s < 0 {
		return fmt.Sprintf("m%d", -s)
	}
	return fmt.Sprint(s)
}

// randHelpers is the file shared by the seeds of one package.
func randHelpers(seeds []int64) string {
	var b strings.Builder
	b.WriteString(`package main

import (
	"fmt"
	"strings"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

var log []string

// g is a global that SetG assigns after suspending.
var g int

func logf(format string, args ...any) { log = append(log, fmt.Sprintf(format, args...)) }

func flush(label string) {
	fmt.Println(label+":", strings.Join(log, " "))
	log = nil
}

// A is the basic suspension point: it logs before and after yielding.
//
//async:func
func A(tag string, n int) int {
	logf("A%s(%d)", tag, n)
	rt.YieldNow()
	logf("A%s'", tag)
	return n
}

// Bo is a suspending bool.
//
//async:func
func Bo(tag string, b bool) bool {
	logf("B%s(%v)", tag, b)
	rt.YieldNow()
	return b
}

// Y suspends and has no result.
//
//async:func
func Y(tag string) {
	logf("Y%s", tag)
	rt.YieldNow()
}

// Two has two results.
//
//async:func
func Two(tag string, a, b int) (int, int) {
	logf("T%s(%d,%d)", tag, a, b)
	rt.YieldNow()
	return b, a - b
}

// Named has named results, set on both sides of a suspension.
//
//async:func
func Named(tag string, n int) (r int, ok bool) {
	logf("N%s(%d)", tag, n)
	r = n * 2
	rt.YieldNow()
	ok = n%2 == 0
	return
}

// Str suspends and returns a string.
//
//async:func
func Str(tag string, s string) string {
	logf("S%s(%q)", tag, s)
	rt.YieldNow()
	return s
}

// SetG assigns g after suspending.
//
//async:func
func SetG(tag string, v int) int {
	rt.YieldNow()
	logf("G%s(%d)", tag, v)
	g = v
	return v
}

func P(tag string, n int) int {
	logf("P%s(%d)", tag, n)
	return n
}

func Pb(tag string, b bool) bool {
	logf("Q%s(%v)", tag, b)
	return b
}

func Add2(a, b int) int {
	logf("add(%d,%d)", a, b)
	return a + b
}

func Fst(r int, ok bool) int { return r }

func Snd(r int, ok bool) bool { return ok }

func Sel(b bool, x, y int) int {
	if b {
		return x
	}
	return y
}

// Sum is an async function taking two ints, called as Sum(Two(…)): a
// multi-valued async call spread into an async call.
//
//async:func
func Sum(a, b int) int {
	logf("sum(%d,%d)", a, b)
	rt.YieldNow()
	return a + b
}

// Swap is async with two parameters and two results: Swap(Two(…)).
//
//async:func
func Swap(a, b int) (int, int) {
	rt.YieldNow()
	return b, a
}

// Defined types that range statements and conversions use.
type Nm string
type Ints []int

// Seq2 is a function iterator over (i, 10*i) for i in 0…n-1, for ranges
// over functions: it logs when yield returns false, when its loop ends and
// when its deferred call runs, so the log shows how each loop stopped it.
func Seq2(tag string, n int) func(func(int, int) bool) {
	return func(yield func(int, int) bool) {
		defer logf("Sd%s", tag)
		for i := range n {
			if !yield(i, 10*i) {
				logf("Sf%s(%d)", tag, i)
				return
			}
		}
		logf("Se%s", tag)
	}
}

// Seq yields 0…n-1.
func Seq(tag string, n int) func(func(int) bool) {
	return func(yield func(int) bool) { Seq2(tag, n)(func(i, _ int) bool { return yield(i) }) }
}

// Seq0 yields n times, no values.
func Seq0(tag string, n int) func(func() bool) {
	return func(yield func() bool) { Seq2(tag, n)(func(_, _ int) bool { return yield() }) }
}

// ix is an index into a slice of length 3.
func ix(tag string, n int) int {
	logf("I%s(%d)", tag, n)
	return ((n % 3) + 3) % 3
}

// Ctr is a receiver for async methods.
type Ctr struct{ n int }

// Add works on the caller's Ctr.
//
//async:func
func (c *Ctr) Add(tag string, d int) int {
	logf("C%s(%d+%d)", tag, c.n, d)
	rt.YieldNow()
	c.n += d
	return c.n
}

// Get works on a copy: the caller's Ctr does not change.
//
//async:func
func (c Ctr) Get(tag string) int {
	logf("V%s(%d)", tag, c.n)
	c.n += 100
	rt.YieldNow()
	return c.n
}

// Show is a plain method that defer calls with a copy of the receiver.
func (c Ctr) Show(tag string) { logf("Show%s(%d)", tag, c.n) }

// Bump is a plain method that defer calls on the caller's Ctr.
func (c *Ctr) Bump(tag string, d int) {
	c.n += d
	logf("Bump%s(%d)", tag, c.n)
}

// Pan suspends, then panics when n > 5: a child future that panics after
// it was suspended and resumed.
//
//async:func
func Pan(tag string, n int) int {
	logf("Pan%s(%d)", tag, n)
	rt.YieldNow()
	if n > 5 {
		panic("pan" + tag)
	}
	return n
}

// anys are the values type switches look at.
var anys = []any{7, "s", nil, 2.5, Ctr{3}, &Ctr{4}, true, int8(5)}

// Any suspends and returns one of anys: a type switch's suspending guard.
//
//async:func
func Any(tag string, n int) any {
	logf("Y%s(%d)", tag, n)
	rt.YieldNow()
	return anys[((n%len(anys))+len(anys))%len(anys)]
}

// callAll calls the closures and reads the pointers a function collected.
func callAll(fs []func() int, ps []*int) {
	for i, f := range fs {
		logf("f%d=%d", i, f())
	}
	for i, p := range ps {
		logf("p%d=%d", i, *p)
	}
}

//async:func
func Main() {
`)
	for _, s := range seeds {
		fmt.Fprintf(&b, "\tS%s()\n", seedName(s))
	}
	b.WriteString("}\n")
	b.WriteString(randGenericHelpers)
	b.WriteString(randExtHelpers)
	b.WriteString(randMoreHelpers)
	return b.String()
}

// Variables.
type rkind int

const (
	kInt   rkind = iota
	kSlice       // []int of length 3
	kRune        // a rune from ranging over a string, read as int(r)
	kArr         // [3]int
	kCtr         // Ctr
	kAny         // a type switch's variable of a type other than int: only logged
	kMap         // map[int]int (random_more_test.go)
	kLoc         // a variable of a local type (random_more_test.go)
	kConst       // a local constant (random_more_test.go)
)

type rmode int

const (
	mFree rmode = iota // any assignment
	mInc               // may only be incremented (a loop counter)
	mRO                // read only
)

type rvar struct {
	name string
	kind rkind
	mode rmode
	lt   *rltype // kLoc: its type

	hidden bool // out of reach (a local type's variable, in an async closure)
}

type rscope struct {
	vars  []*rvar
	types []*rltype // local types declared in the scope
}

// rtarget is an enclosing statement that break (and, for loops, continue)
// may name.
type rtarget struct {
	label string
	loop  bool
	used  bool
}

type rfunc struct {
	name     string
	nparams  int
	kind     int  // 0: no results, 1: int, 2: (int, int), 3: (res0, res1 int)
	generic  bool // it has a type parameter I ~int (random_generic_test.go)
	recovers bool // its first statement defers a recover: it may panic
	panics   bool // a panic may leave it (random_more_test.go)
}

// rgoto is an enclosing goto region (gotoStmt): its end label, which a
// goto inside it may name.
type rgoto struct {
	label string
	used  bool
}

type rgen struct {
	r      *rand.Rand
	prefix string
	gotos  []*rgoto

	funcs []rfunc // functions of this seed generated so far

	// per function
	fn         *rfunc
	scopes     []*rscope
	targets    []*rtarget
	tag        int
	labels     int
	sinks      int
	budget     int // statements left
	loopDepth  int
	lowerCalls int

	usesRT bool // the file needs corio's rt (random_ext_test.go)

	noMap  int // inside a range over a map: no map may be read or changed
	ltBase int // the first scope whose local types are in reach
	exits  int // statements generated that may leave a loop early
}

var varPool = []string{"a", "b", "c", "d", "e", "h", "i", "j", "k", "m", "n", "q", "x", "y", "z",
	// names the generated code uses or imports: they must not collide
	"Poll", "Cancel", "Trace", "utf8", "reflect", "iter", "fut", "state", "cx", "zero", "ready"}

// randProgram is the program of one seed: a file of package main.
func randProgram(seed int64) string {
	g := &rgen{r: rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15)), prefix: "S" + seedName(seed)}
	var b strings.Builder
	nf := 2 + g.r.IntN(4)
	for i := range nf {
		b.WriteString(g.function(i))
	}
	b.WriteString(g.entry(seed))
	head := "package main\n\nimport \"fmt\"\n\n"
	if g.usesRT {
		head = "package main\n\nimport (\n\"fmt\"\n\n\"github.com/corio-go/corio/rt\"\n)\n\n"
	}
	src, err := format.Source([]byte(head + b.String()))
	if err != nil {
		// A bug in this generator: show the text so it can be fixed.
		panic(fmt.Sprintf("random program for seed %d is not Go: %v\n%s", seed, err, b.String()))
	}
	return string(src)
}

func (g *rgen) n(k int) int           { return g.r.IntN(k) }
func (g *rgen) chance(p float64) bool { return g.r.Float64() < p }

// pick returns an index chosen with the given weights.
func (g *rgen) pick(w ...int) int {
	total := 0
	for _, x := range w {
		total += x
	}
	k := g.n(total)
	for i, x := range w {
		if k < x {
			return i
		}
		k -= x
	}
	panic("unreachable")
}

func (g *rgen) newTag() string {
	g.tag++
	return fmt.Sprintf("%q", fmt.Sprintf("%d.%d", len(g.funcs), g.tag))
}

func (g *rgen) push(vars ...*rvar) { g.scopes = append(g.scopes, &rscope{vars: vars}) }
func (g *rgen) pop()               { g.scopes = g.scopes[:len(g.scopes)-1] }
func (g *rgen) top() *rscope       { return g.scopes[len(g.scopes)-1] }

// visible lists the variables in scope, innermost first, each name once.
func (g *rgen) visible() []*rvar {
	seen := map[string]bool{}
	var out []*rvar
	for i := len(g.scopes) - 1; i >= 0; i-- {
		sc := g.scopes[i]
		for j := len(sc.vars) - 1; j >= 0; j-- {
			v := sc.vars[j]
			if !seen[v.name] {
				seen[v.name] = true
				if !v.hidden {
					out = append(out, v)
				}
			}
		}
	}
	return out
}

func (g *rgen) visibleWhere(ok func(*rvar) bool) []*rvar {
	var out []*rvar
	for _, v := range g.visible() {
		if ok(v) {
			out = append(out, v)
		}
	}
	return out
}

func (g *rgen) oneOf(vs []*rvar) *rvar {
	if len(vs) == 0 {
		return nil
	}
	return vs[g.n(len(vs))]
}

func isInt(v *rvar) bool       { return v.kind == kInt }
func isFreeInt(v *rvar) bool   { return v.kind == kInt && v.mode == mFree }
func isSlice(v *rvar) bool     { return v.kind == kSlice || v.kind == kArr }
func isFreeSlice(v *rvar) bool { return v.kind == kSlice && v.mode == mFree }
func isArr(v *rvar) bool       { return v.kind == kArr }
func isCtr(v *rvar) bool       { return v.kind == kCtr }

// newName picks a name not declared in the innermost scope (it may shadow an
// outer one); "" if there is none left.
func (g *rgen) newName(avoid ...string) string {
	taken := map[string]bool{}
	for _, v := range g.top().vars {
		taken[v.name] = true
	}
	for _, a := range avoid {
		taken[a] = true
	}
	var free []string
	for _, n := range varPool {
		if !taken[n] {
			free = append(free, n)
		}
	}
	if len(free) == 0 {
		return ""
	}
	return free[g.n(len(free))]
}

func (g *rgen) declare(name string, k rkind, m rmode) *rvar {
	v := &rvar{name: name, kind: k, mode: m}
	g.top().vars = append(g.top().vars, v)
	return v
}

// sink logs the values of vs.
func (g *rgen) sink(vs []*rvar) string {
	if len(vs) == 0 {
		return ""
	}
	g.sinks++
	f := fmt.Sprintf("s%d", g.sinks)
	var args []string
	for _, v := range vs {
		verb := "%d"
		if v.kind == kSlice || v.kind == kArr || v.kind == kCtr || v.kind == kAny || v.kind == kMap || v.kind == kLoc {
			verb = "%v"
		}
		f += " " + v.name + "=" + verb
		args = append(args, v.name)
	}
	return fmt.Sprintf("logf(%q, %s)\n", f, strings.Join(args, ", "))
}

// ---- expressions ----

func (g *rgen) lit() string {
	if g.chance(0.15) {
		return fmt.Sprint(-1 - g.n(4))
	}
	return fmt.Sprint(g.n(10))
}

func (g *rgen) intLeaf(ns bool) string {
	switch g.pick(4, 6, 1, 1, 1, 1) {
	case 1:
		if v := g.oneOf(g.visibleWhere(isInt)); v != nil {
			return v.name
		}
	case 2:
		if v := g.oneOf(g.visibleWhere(func(v *rvar) bool { return v.kind == kRune })); v != nil {
			return "int(" + v.name + ")"
		}
	case 3:
		if v := g.oneOf(g.visibleWhere(isSlice)); v != nil {
			return "len(" + v.name + ")"
		}
	case 4:
		if useGlobalOperands && !ns {
			return "g"
		}
	case 5:
		if v := g.oneOf(g.visibleWhere(isCtr)); v != nil {
			return v.name + ".n"
		}
	}
	return g.lit()
}

// intExpr is an int expression of depth at most d; ns: no suspension points
// (inside a func literal).
func (g *rgen) intExpr(d int, ns bool) string {
	if d <= 0 || g.chance(0.25) {
		return g.intLeaf(ns)
	}
	for {
		switch k := g.pick(5, 2, 5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 2); k {
		case 0: // suspension point
			if ns {
				continue
			}
			return g.suspInt(d)
		case 1:
			return fmt.Sprintf("P(%s, %s)", g.newTag(), g.intExpr(d-1, ns))
		case 2:
			op := []string{"+", "-", "*", "+", "-"}[g.n(5)]
			l, r := g.intExpr(d-1, ns), g.intExpr(d-1, ns)
			if g.chance(0.5) {
				return fmt.Sprintf("(%s %s %s)", l, op, r)
			}
			return fmt.Sprintf("%s %s %s", l, op, r)
		case 3:
			return fmt.Sprintf("-(%s)", g.intExpr(d-1, ns))
		case 4:
			op := []string{"/", "%"}[g.n(2)]
			return fmt.Sprintf("(%s) %s %d", g.intExpr(d-1, ns), op, 1+g.n(4))
		case 5: // a multi-valued call spread into a plain call
			if ns {
				continue
			}
			return fmt.Sprintf("Add2(Two(%s, %s, %s))", g.newTag(), g.intExpr(d-1, ns), g.intExpr(d-1, ns))
		case 6:
			if ns {
				continue
			}
			return fmt.Sprintf("Fst(Named(%s, %s))", g.newTag(), g.intExpr(d-1, ns))
		case 7:
			v := g.oneOf(g.visibleWhere(isSlice))
			if v == nil {
				continue
			}
			return fmt.Sprintf("%s[ix(%s, %s)]", v.name, g.newTag(), g.intExpr(d-1, ns))
		case 8: // a function of this seed defined earlier
			if ns || g.loopDepth > 0 || g.lowerCalls >= 2 {
				continue
			}
			var cands []rfunc
			for _, f := range g.funcs {
				if f.kind >= 1 && g.canCall(f) {
					cands = append(cands, f)
				}
			}
			if len(cands) == 0 {
				continue
			}
			f := cands[g.n(len(cands))]
			g.called(f)
			g.lowerCalls++
			if f.kind == 1 {
				return fmt.Sprintf("%s(%s)", f.call(), g.args(f, d-1))
			}
			return fmt.Sprintf("Add2(%s(%s))", f.call(), g.args(f, d-1))
		case 9:
			if ns || !useGlobalOperands {
				continue
			}
			return fmt.Sprintf("SetG(%s, %s)", g.newTag(), g.intExpr(d-1, ns))
		case 10: // a func literal called at once
			return fmt.Sprintf("func() int { return %s }()", g.intExpr(d-1, true))
		case 11:
			return fmt.Sprintf("Sel(%s, %s, %s)", g.boolExpr(d-1, ns), g.intExpr(d-1, ns), g.intExpr(d-1, ns))
		case 13: // multi-valued async calls spread into async calls
			if ns {
				continue
			}
			if g.chance(0.5) {
				return fmt.Sprintf("Sum(Two(%s, %s, %s))", g.newTag(), g.intExpr(d-1, ns), g.intExpr(d-1, ns))
			}
			return fmt.Sprintf("Add2(Swap(Two(%s, %s, %s)))", g.newTag(), g.intExpr(d-1, ns), g.intExpr(d-1, ns))
		case 16:
			if s := g.moreInt(d, ns); s != "" {
				return s
			}
			continue
		case 14, 15: // a call that changes a variable of the expression
			if s := g.sideEffect(k == 15, d, ns); s != "" {
				return s
			}
			continue
		case 12: // async methods: pointer and value receivers
			v := g.oneOf(g.visibleWhere(isCtr))
			if v == nil || ns {
				continue
			}
			if g.chance(0.5) {
				return fmt.Sprintf("%s.Get(%s)", v.name, g.newTag())
			}
			return fmt.Sprintf("%s.Add(%s, %s)", v.name, g.newTag(), g.intExpr(d-1, ns))
		}
	}
}

func (g *rgen) args(f rfunc, d int) string {
	var as []string
	for range f.nparams {
		as = append(as, g.intExpr(d, false))
	}
	return strings.Join(as, ", ")
}

func (g *rgen) cmp(d int, ns bool) string {
	op := []string{"<", "<=", ">", ">=", "==", "!="}[g.n(6)]
	return fmt.Sprintf("%s %s %s", g.intExpr(d, ns), op, g.intExpr(d, ns))
}

func (g *rgen) boolExpr(d int, ns bool) string {
	if d <= 0 {
		return g.cmp(0, ns)
	}
	for {
		switch k := g.pick(4, 3, 3, 1, 4, 1, 1, 1); k {
		case 0:
			return g.cmp(d-1, ns)
		case 1, 2:
			l, r := g.boolExpr(d-1, ns), g.boolExpr(d-1, ns)
			return fmt.Sprintf("(%s %s %s)", l, []string{"", "&&", "||"}[k], r)
		case 3:
			return fmt.Sprintf("!(%s)", g.boolExpr(d-1, ns))
		case 4:
			if ns {
				continue
			}
			return fmt.Sprintf("Bo(%s, %s)", g.newTag(), g.boolExpr(d-1, ns))
		case 5:
			return fmt.Sprintf("Pb(%s, %s)", g.newTag(), g.boolExpr(d-1, ns))
		case 6:
			if ns {
				continue
			}
			return fmt.Sprintf("Snd(Named(%s, %s))", g.newTag(), g.intExpr(d-1, ns))
		case 7:
			return g.moreBool(ns)
		}
	}
}

// nonConstBool is a bool expression that is never constant (tagless switch
// cases must not repeat a constant).
func (g *rgen) nonConstBool(d int) string {
	switch g.n(3) {
	case 0:
		return fmt.Sprintf("Bo(%s, %s)", g.newTag(), g.boolExpr(d-1, false))
	case 1:
		return fmt.Sprintf("Pb(%s, %s)", g.newTag(), g.boolExpr(d-1, false))
	}
	if v := g.oneOf(g.visibleWhere(isInt)); v != nil {
		op := []string{"<", "<=", ">", ">=", "==", "!="}[g.n(6)]
		return fmt.Sprintf("%s %s %s", v.name, op, g.intExpr(d-1, false))
	}
	return fmt.Sprintf("Bo(%s, %s)", g.newTag(), g.boolExpr(d-1, false))
}

func (g *rgen) sliceLit(d int) string {
	return fmt.Sprintf("[]int{%s, %s, %s}", g.intExpr(d, false), g.intExpr(d, false), g.intExpr(d, false))
}

func (g *rgen) arrLit(d int) string {
	return fmt.Sprintf("[3]int{%s, %s, %s}", g.intExpr(d, false), g.intExpr(d, false), g.intExpr(d, false))
}

// ---- functions ----

func (g *rgen) function(i int) string {
	f := rfunc{name: fmt.Sprintf("%sF%d", g.prefix, i), nparams: 1 + g.n(2), kind: g.n(4)}
	g.fn = &f
	g.scopes, g.targets, g.gotos = nil, nil, nil
	g.tag, g.labels, g.sinks, g.loopDepth, g.lowerCalls = 0, 0, 0, 0, 0
	g.budget = 12 + g.n(25)

	var params []string
	g.push()
	for range f.nparams {
		n := g.newName()
		g.declare(n, kInt, mFree)
		params = append(params, n)
	}
	res := ""
	switch f.kind {
	case 1:
		res = " int"
	case 2:
		res = " (int, int)"
	case 3:
		res = " (res0, res1 int)"
		g.declare("res0", kInt, mFree)
		g.declare("res1", kInt, mFree)
	}
	var b strings.Builder
	f.generic = g.chance(0.3)
	if f.generic {
		fmt.Fprintf(&b, "//async:func\nfunc %s[I ~int](%s int)%s {\n", f.name, strings.Join(params, ", "), res)
		fmt.Fprintf(&b, "iv := I(%s)\n", params[0])
	} else {
		fmt.Fprintf(&b, "//async:func\nfunc %s(%s int)%s {\n", f.name, strings.Join(params, ", "), res)
	}
	b.WriteString("var fs []func() int\nvar ps []*int\n")
	// A function that may panic recovers first (last, as defers run): a
	// panic never leaves it, and its statements may panic.
	f.panics = g.chance(0.2)
	if !f.panics && g.chance(0.35) {
		f.recovers = true
		set := ""
		if f.kind == 3 {
			set = "res0 = -7\n"
		}
		fmt.Fprintf(&b, "defer func() {\nif r := recover(); r != nil {\nlogf(\"%s recovered %%v\", r)\n%s}\n}()\n", f.name, set)
	}
	// The parameters and the body share one scope.
	for g.budget > 0 {
		b.WriteString(g.stmt(0))
	}
	b.WriteString(g.ret())
	g.pop()
	b.WriteString("}\n\n")
	g.funcs = append(g.funcs, f)
	if f.panics {
		b.WriteString(g.wrapper(f))
	}
	return b.String()
}

// ret is a return statement, after logging every visible variable and
// running the collected closures.
func (g *rgen) ret() string {
	g.exits++
	s := g.sink(g.visible()) + "callAll(fs, ps)\n"
	if g.fn.generic {
		s += `logf("iv=%v", iv)` + "\n"
	}
	switch g.fn.kind {
	case 0:
		return s + "return\n"
	case 1:
		return s + "return " + g.intExpr(3, false) + "\n"
	case 3:
		if g.chance(0.4) {
			return s + "return\n"
		}
	}
	if g.chance(0.3) {
		return s + fmt.Sprintf("return Two(%s, %s, %s)\n", g.newTag(), g.intExpr(2, false), g.intExpr(2, false))
	}
	if g.loopDepth == 0 && g.lowerCalls < 2 && g.chance(0.3) {
		for _, f := range g.funcs {
			if f.kind >= 2 && g.canCall(f) {
				g.called(f)
				g.lowerCalls++
				return s + fmt.Sprintf("return %s(%s)\n", f.call(), g.args(f, 2))
			}
		}
	}
	return s + "return " + g.intExpr(3, false) + ", " + g.intExpr(3, false) + "\n"
}

// entry is S<seed>: it calls each function and prints what it logged.
func (g *rgen) entry(seed int64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "//async:func\nfunc %s() {\n", g.prefix)
	fmt.Fprintf(&b, "fmt.Println(%q)\ng = 0\n", "== seed "+seedName(seed))
	g.fn = &rfunc{}
	g.scopes = nil
	g.push()
	for i, f := range g.funcs {
		for k := range 1 + g.n(2) {
			var as []string
			for range f.nparams {
				if g.chance(0.3) {
					as = append(as, fmt.Sprintf("A(%q, %d)", fmt.Sprintf("arg%d.%d", i, k), g.n(10)))
				} else {
					as = append(as, fmt.Sprint(g.n(10)-2))
				}
			}
			name := f.call()
			if f.panics {
				name = f.name + "w"
			}
			call := fmt.Sprintf("%s(%s)", name, strings.Join(as, ", "))
			label := fmt.Sprintf("%s#%d", f.name, k)
			switch f.kind {
			case 0:
				fmt.Fprintf(&b, "%s\nflush(fmt.Sprint(%q))\n", call, label)
			case 1:
				fmt.Fprintf(&b, "flush(fmt.Sprint(%q, %s))\n", label+" ", call)
			default:
				fmt.Fprintf(&b, "{\nr0, r1 := %s\nflush(fmt.Sprint(%q, r0, r1))\n}\n", call, label+" ")
			}
		}
	}
	g.pop()
	b.WriteString("}\n")
	return b.String()
}

// ---- statements ----

const maxDepth = 3

// block is a braced statement list in a new scope; head vars (declared by
// the statement's header) are logged first, the block's own variables last,
// then term (a terminating statement), if any.
func (g *rgen) block(depth int, head []*rvar, term func() string) string {
	var b strings.Builder
	b.WriteString("{\n")
	b.WriteString(g.body(depth, head, term))
	b.WriteString("}")
	return b.String()
}

// body is block without the braces (a case clause).
func (g *rgen) body(depth int, head []*rvar, term func() string) string {
	var b strings.Builder
	b.WriteString(g.sink(head))
	g.push()
	n := 1 + g.n(4)
	for i := 0; i < n && g.budget > 0; i++ {
		b.WriteString(g.stmt(depth + 1))
	}
	b.WriteString(g.sink(g.top().vars))
	if term != nil {
		b.WriteString(term())
	}
	g.pop()
	return b.String()
}

func (g *rgen) stmt(depth int) string {
	g.budget--
	nest := depth < maxDepth && g.budget > 0
	for {
		switch g.pick(4, 2, 1, 1, 4, 3, 1, 1, 1, 1, 3, 1, 4, 3, 2, 2, 3, 1, 2, 1, 1, 2, 1, 2, 1, 1, 2, 2, 3, 2, 1, 1, 2, 1, 2, 6) {
		case 0: // x := e
			n := g.newName()
			if n == "" {
				continue
			}
			e := g.intExpr(3, false)
			g.declare(n, kInt, mFree)
			return fmt.Sprintf("%s := %s\n", n, e)
		case 1: // var x int / var x = e
			n := g.newName()
			if n == "" {
				continue
			}
			var s string
			switch g.n(3) {
			case 0:
				s = fmt.Sprintf("var %s int\n", n)
			case 1:
				s = fmt.Sprintf("var %s = %s\n", n, g.intExpr(3, false))
			default:
				s = fmt.Sprintf("var %s int = %s\n", n, g.intExpr(3, false))
			}
			g.declare(n, kInt, mFree)
			return s
		case 2: // xs := []int{…}
			n := g.newName()
			if n == "" {
				continue
			}
			e := g.sliceLit(2)
			g.declare(n, kSlice, mFree)
			return fmt.Sprintf("%s := %s\n", n, e)
		case 3: // x, y := …
			n1 := g.newName()
			n2 := g.newName(n1)
			if n1 == "" || n2 == "" {
				continue
			}
			var rhs string
			switch g.n(6) {
			case 0:
				rhs = fmt.Sprintf("Two(%s, %s, %s)", g.newTag(), g.intExpr(2, false), g.intExpr(2, false))
			case 1:
				rhs = g.intExpr(2, false) + ", " + g.intExpr(2, false)
			case 3: // var with several names and one value
				s := fmt.Sprintf("var %s, %s = Two(%s, %s, %s)\n", n1, n2, g.newTag(), g.intExpr(2, false), g.intExpr(2, false))
				g.declare(n1, kInt, mFree)
				g.declare(n2, kInt, mFree)
				return s
			case 4: // comma-ok map index in a var declaration
				s := fmt.Sprintf("var %s, _ = map[int]int{1: %s, 2: %s}[ix(%s, %s)]\n", n1, g.intExpr(2, false), g.intExpr(1, false), g.newTag(), g.intExpr(2, false))
				g.declare(n1, kInt, mFree)
				return s
			case 5: // comma-ok type assertion in a var declaration
				s := fmt.Sprintf("var %s, _ = any(%s).(int)\n", n1, g.intExpr(2, false))
				g.declare(n1, kInt, mFree)
				return s
			default:
				s := fmt.Sprintf("%s, _ := Named(%s, %s)\n", n1, g.newTag(), g.intExpr(2, false))
				g.declare(n1, kInt, mFree)
				return s
			}
			g.declare(n1, kInt, mFree)
			g.declare(n2, kInt, mFree)
			return fmt.Sprintf("%s, %s := %s\n", n1, n2, rhs)
		case 4: // x = e, x op= e
			v := g.oneOf(g.visibleWhere(isFreeInt))
			if v == nil {
				continue
			}
			switch g.n(5) {
			case 0, 1:
				return fmt.Sprintf("%s = %s\n", v.name, g.intExpr(3, false))
			case 2:
				return fmt.Sprintf("%s %s= %s\n", v.name, []string{"+", "-", "*"}[g.n(3)], g.intExpr(3, false))
			case 3:
				return fmt.Sprintf("%s %s= %d\n", v.name, []string{"/", "%"}[g.n(2)], 1+g.n(5))
			default:
				return fmt.Sprintf("%s%s\n", v.name, []string{"++", "--"}[g.n(2)])
			}
		case 5: // call statements and logged expressions
			switch g.n(6) {
			case 0:
				return fmt.Sprintf("A(%s, %s)\n", g.newTag(), g.intExpr(3, false))
			case 1:
				return fmt.Sprintf("Y(%s)\n", g.newTag())
			case 2:
				return fmt.Sprintf("P(%s, %s)\n", g.newTag(), g.intExpr(3, false))
			case 3:
				return fmt.Sprintf("Two(%s, %s, %s)\n", g.newTag(), g.intExpr(2, false), g.intExpr(2, false))
			case 4:
				return fmt.Sprintf("_ = %s\n", g.intExpr(3, false))
			default:
				g.sinks++
				return fmt.Sprintf("logf(\"e%d=%%d\", %s)\n", g.sinks, g.intExpr(3, false))
			}
		case 6: // parallel assignment
			vs := g.visibleWhere(isFreeInt)
			if len(vs) < 2 {
				continue
			}
			i := g.n(len(vs))
			j := (i + 1 + g.n(len(vs)-1)) % len(vs)
			v, w := vs[i], vs[j]
			switch g.n(3) {
			case 0:
				return fmt.Sprintf("%s, %s = %s, %s\n", v.name, w.name, w.name, v.name)
			case 1:
				return fmt.Sprintf("%s, %s = %s, %s\n", v.name, w.name, g.intExpr(2, false), g.intExpr(2, false))
			default:
				return fmt.Sprintf("%s, %s = Two(%s, %s, %s)\n", v.name, w.name, g.newTag(), g.intExpr(2, false), g.intExpr(2, false))
			}
		case 7: // xs[i] = e, xs[i] += e
			v := g.oneOf(g.visibleWhere(isSlice))
			if v == nil {
				continue
			}
			op := []string{"=", "+=", "-="}[g.n(3)]
			return fmt.Sprintf("%s[ix(%s, %s)] %s %s\n", v.name, g.newTag(), g.intExpr(2, false), op, g.intExpr(3, false))
		case 8: // xs = []int{…}
			v := g.oneOf(g.visibleWhere(isFreeSlice))
			if v == nil {
				continue
			}
			return fmt.Sprintf("%s = %s\n", v.name, g.sliceLit(2))
		case 9: // call of an earlier function of this seed
			if g.loopDepth > 0 || g.lowerCalls >= 2 || len(g.funcs) == 0 {
				continue
			}
			f := g.funcs[g.n(len(g.funcs))]
			if !g.canCall(f) {
				continue
			}
			g.called(f)
			g.lowerCalls++
			call := fmt.Sprintf("%s(%s)", f.call(), g.args(f, 2))
			if f.kind >= 2 {
				n1 := g.newName()
				n2 := g.newName(n1)
				if n1 != "" && n2 != "" && g.chance(0.6) {
					g.declare(n1, kInt, mFree)
					g.declare(n2, kInt, mFree)
					return fmt.Sprintf("%s, %s := %s\n", n1, n2, call)
				}
			}
			return call + "\n"
		case 10:
			if !nest {
				continue
			}
			return g.ifStmt(depth)
		case 11: // if c { …; break/continue/return }
			if !nest {
				continue
			}
			return g.ifTerm(depth)
		case 12:
			if !nest {
				continue
			}
			return g.forStmt(depth)
		case 13:
			if !nest {
				continue
			}
			return g.rangeStmt(depth)
		case 14:
			if !nest {
				continue
			}
			return g.switchTag(depth)
		case 15:
			if !nest {
				continue
			}
			return g.switchBool(depth)
		case 16: // closure capturing variables
			vs := g.visibleWhere(isInt)
			if len(vs) == 0 {
				continue
			}
			v := g.oneOf(vs)
			if v.mode == mFree && g.chance(0.3) {
				// Only free variables: closures may run before the end.
				return fmt.Sprintf("fs = append(fs, func() int { %s += %s; return %s })\n", v.name, g.intExpr(1, true), v.name)
			}
			if c := g.oneOf(g.visibleWhere(isCtr)); c != nil && g.chance(0.2) {
				return fmt.Sprintf("fs = append(fs, func() int { %s.n++; return %s.n*100 + %s })\n", c.name, c.name, g.intExpr(1, true))
			}
			return fmt.Sprintf("fs = append(fs, func() int { return %s*100 + %s })\n", v.name, g.intExpr(2, true))
		case 17: // pointer to a variable, maybe written through
			v := g.oneOf(g.visibleWhere(isInt))
			if v == nil {
				continue
			}
			s := fmt.Sprintf("ps = append(ps, &%s)\n", v.name)
			if v.mode == mFree && g.chance(0.5) {
				s += fmt.Sprintf("*ps[len(ps)-1] %s %s\n", []string{"=", "+="}[g.n(2)], g.intExpr(2, false))
			}
			return s
		case 18: // loop counter increment
			v := g.oneOf(g.visibleWhere(func(v *rvar) bool { return v.kind == kInt && v.mode == mInc }))
			if v == nil {
				continue
			}
			return fmt.Sprintf("%s++\n", v.name)
		case 19: // nested block (shadowing)
			if !nest {
				continue
			}
			return g.block(depth, nil, nil) + "\n"
		case 20: // global
			if !useGlobalOperands {
				continue
			}
			if g.chance(0.5) {
				return fmt.Sprintf("g = %s\n", g.intExpr(2, false))
			}
			return fmt.Sprintf("SetG(%s, %s)\n", g.newTag(), g.intExpr(2, false))
		case 21: // range assigning existing variables
			if !nest {
				continue
			}
			return g.rangeAssign(depth)
		case 22: // arrays
			if v := g.oneOf(g.visibleWhere(isArr)); v != nil && g.chance(0.4) {
				if w := g.oneOf(g.visibleWhere(isArr)); w != v && w != nil {
					return fmt.Sprintf("%s = %s\n", v.name, w.name)
				}
				return fmt.Sprintf("%s = %s\n", v.name, g.arrLit(2))
			}
			n := g.newName()
			if n == "" {
				continue
			}
			var s string
			if g.chance(0.3) {
				s = fmt.Sprintf("var %s [3]int\n", n)
			} else {
				s = fmt.Sprintf("%s := %s\n", n, g.arrLit(2))
			}
			g.declare(n, kArr, mFree)
			return s
		case 23: // a Ctr, its field and its methods
			if v := g.oneOf(g.visibleWhere(isCtr)); v != nil && g.chance(0.6) {
				switch g.n(8) {
				case 5: // method expressions
					if g.chance(0.5) {
						return fmt.Sprintf("(*Ctr).Add(&%s, %s, %s)\n", v.name, g.newTag(), g.intExpr(2, false))
					}
					return fmt.Sprintf("Ctr.Get(%s, %s)\n", v.name, g.newTag())
				case 6, 7: // a method value stored, the receiver changed, then called
					g.labels++
					mv := fmt.Sprintf("mv%d", g.labels)
					g.sinks++
					bind := fmt.Sprintf("%s.Add", v.name)
					call := fmt.Sprintf("%s(%s, %s)", mv, g.newTag(), g.intExpr(1, false))
					if g.chance(0.5) { // Get has a value receiver: bound to a copy
						bind = fmt.Sprintf("%s.Get", v.name)
						call = fmt.Sprintf("%s(%s)", mv, g.newTag())
					}
					return fmt.Sprintf("{\n%s := %s\n%s.n += %d\nlogf(\"mv%d=%%d\", %s)\n}\n", mv, bind, v.name, 1+g.n(5), g.sinks, call)
				}
				switch g.n(5) {
				case 0:
					return fmt.Sprintf("%s.n = %s\n", v.name, g.intExpr(2, false))
				case 1:
					return fmt.Sprintf("%s.n += %s\n", v.name, g.intExpr(2, false))
				case 2:
					return fmt.Sprintf("%s = Ctr{%s}\n", v.name, g.intExpr(2, false))
				case 3:
					return fmt.Sprintf("%s.Get(%s)\n", v.name, g.newTag())
				default:
					return fmt.Sprintf("%s.Add(%s, %s)\n", v.name, g.newTag(), g.intExpr(2, false))
				}
			}
			n := g.newName()
			if n == "" {
				continue
			}
			var s string
			switch g.n(3) {
			case 0:
				s = fmt.Sprintf("var %s Ctr\n", n)
			case 1:
				s = fmt.Sprintf("%s := Ctr{n: %s}\n", n, g.intExpr(2, false))
			default:
				if w := g.oneOf(g.visibleWhere(isCtr)); w != nil {
					s = fmt.Sprintf("%s := %s\n", n, w.name)
				} else {
					s = fmt.Sprintf("%s := Ctr{%s}\n", n, g.intExpr(2, false))
				}
			}
			g.declare(n, kCtr, mFree)
			return s
		case 24: // closures and pointers used before the end
			switch g.n(3) {
			case 0:
				return "callAll(fs, ps)\n"
			case 1:
				g.sinks++
				return fmt.Sprintf("if len(fs) > 0 {\nlogf(\"m%d=%%d\", fs[len(fs)-1]())\n}\n", g.sinks)
			default:
				// += a non-negative constant keeps loop counters increasing
				return fmt.Sprintf("if len(ps) > 0 {\n*ps[0] += %d\n}\n", g.n(3))
			}
		case 25: // parallel assignment to an element and a variable
			v := g.oneOf(g.visibleWhere(isSlice))
			w := g.oneOf(g.visibleWhere(isFreeInt))
			if v == nil || w == nil {
				continue
			}
			if g.chance(0.5) {
				return fmt.Sprintf("%s[ix(%s, %s)], %s = %s, %s\n", v.name, g.newTag(), g.intExpr(1, false), w.name, g.intExpr(2, false), g.intExpr(2, false))
			}
			return fmt.Sprintf("%s, %s[ix(%s, %s)] = %s, %s\n", w.name, v.name, g.newTag(), g.intExpr(1, false), g.intExpr(2, false), g.intExpr(2, false))
		case 26:
			if !nest {
				continue
			}
			return g.typeSwitch(depth)
		case 27:
			if !nest {
				continue
			}
			return g.gotoStmt(depth)
		case 28:
			return g.deferStmt()
		case 29:
			if s := g.panicStmt(); s != "" {
				return s
			}
		case 30:
			return g.ifaceStmt()
		case 31:
			return g.funcVarStmt()
		case 32:
			if !nest {
				continue
			}
			return g.closureStmt(depth)
		case 33:
			if s := g.spawnStmt(); s != "" {
				return s
			}
		case 34:
			if !nest {
				continue
			}
			return g.selectStmt(depth)
		case 35:
			if s := g.moreStmt(depth, nest); s != "" {
				return s
			}
		}
	}
}

// deferStmt is a defer of a logging call (its arguments, which may
// suspend, evaluated here), of a closure that reads variables (or changes
// named results) when it runs, of a method (the receiver evaluated here), or
// in a function that recovers, of a closure that stops or re-raises a
// panic.
func (g *rgen) deferStmt() string {
	g.sinks++
	d := fmt.Sprintf("d%d", g.sinks)
	for {
		switch g.n(7) {
		case 6:
			if !g.fn.recovers && !g.fn.panics {
				continue
			}
			return g.moreDefer()
		case 0:
			return fmt.Sprintf("defer logf(%q, %s)\n", d+" %d", g.intExpr(2, false))
		case 1:
			v := g.oneOf(g.visibleWhere(isInt))
			if v == nil {
				continue
			}
			if g.fn.kind == 3 && g.chance(0.5) {
				return fmt.Sprintf("defer func() {\nres1 += %s\nlogf(%q, res0, res1)\n}()\n", v.name, d+" res %d %d")
			}
			return fmt.Sprintf("defer func() {\nlogf(%q, %s)\n}()\n", d+" "+v.name+"=%d", v.name)
		case 2:
			v := g.oneOf(g.visibleWhere(isCtr))
			if v == nil {
				continue
			}
			if g.chance(0.5) {
				return fmt.Sprintf("defer %s.Show(%s)\n", v.name, g.newTag())
			}
			return fmt.Sprintf("defer %s.Bump(%s, %d)\n", v.name, g.newTag(), g.n(4))
		case 3:
			return fmt.Sprintf("defer func(x int) {\nlogf(%q, x)\n}(%s)\n", d+" x=%d", g.intExpr(2, false))
		case 4:
			if !g.fn.recovers && !g.fn.panics {
				continue
			}
			return fmt.Sprintf("defer func() {\nif r := recover(); r != nil {\nlogf(%q, r)\npanic(fmt.Sprint(\"re-\", r))\n}\n}()\n", d+" re-panics %v")
		default:
			if !g.fn.recovers && !g.fn.panics {
				continue
			}
			return fmt.Sprintf("defer func() {\nif r := recover(); r != nil {\nlogf(%q, r)\n}\n}()\n", d+" stops %v")
		}
	}
}

// panicStmt may panic, in a function that recovers: a conditional panic, a
// child that panics after suspending, or a runtime error.
func (g *rgen) panicStmt() string {
	if !g.fn.recovers && !g.fn.panics {
		return ""
	}
	g.exits++
	g.sinks++
	switch g.n(4) {
	case 3:
		return g.morePanic()
	case 0:
		return fmt.Sprintf("if %s {\npanic(fmt.Sprint(%q, %s))\n}\n", g.nonConstBool(2), fmt.Sprintf("p%d ", g.sinks), g.intExpr(1, false))
	case 1:
		return fmt.Sprintf("logf(%q, Pan(%s, %s))\n", fmt.Sprintf("pan%d %%d", g.sinks), g.newTag(), g.intExpr(2, false))
	default:
		return fmt.Sprintf("if %s {\nvar nm map[int]int\nnm[%s] = 1\n}\n", g.nonConstBool(2), g.intExpr(1, false))
	}
}

// ifHeader is "if [init;] cond" and the init's variables.
func (g *rgen) ifHeader() (string, []*rvar) {
	var head []*rvar
	init := ""
	switch g.pick(13, 5, 2) {
	case 1:
		if n := g.newName(); n != "" {
			e := g.intExpr(2, false)
			head = append(head, g.declare(n, kInt, mFree))
			init = fmt.Sprintf("%s := %s; ", n, e)
		}
	case 2:
		n1 := g.newName()
		n2 := g.newName(n1)
		if n1 != "" && n2 != "" {
			e := fmt.Sprintf("Two(%s, %s, %s)", g.newTag(), g.intExpr(1, false), g.intExpr(1, false))
			head = append(head, g.declare(n1, kInt, mFree), g.declare(n2, kInt, mFree))
			init = fmt.Sprintf("%s, %s := %s; ", n1, n2, e)
		}
	}
	return fmt.Sprintf("if %s%s ", init, g.boolExpr(3, false)), head
}

func (g *rgen) ifStmt(depth int) string {
	g.push()
	h, head := g.ifHeader()
	s := h + g.block(depth, head, nil)
	switch g.n(3) {
	case 1:
		s += " else " + g.block(depth, head, nil)
	case 2:
		// else if, in the scope of the first header
		h2, head2 := g.ifHeader()
		s += " else " + h2 + g.block(depth, append(head2, head...), nil)
		if g.chance(0.5) {
			s += " else " + g.block(depth, append(head2, head...), nil)
		}
	}
	g.pop()
	return s + "\n"
}

// jump is a break, continue or return that is legal here.
func (g *rgen) jump() string {
	var opts []string
	var marks []*rtarget
	add := func(s string, t *rtarget) { opts = append(opts, s); marks = append(marks, t) }
	if len(g.targets) > 0 {
		add("break", nil)
		for i := len(g.targets) - 1; i >= 0; i-- {
			if g.targets[i].loop {
				add("continue", nil)
				break
			}
		}
		for _, t := range g.targets {
			add("break "+t.label, t)
			if t.loop {
				add("continue "+t.label, t)
			}
		}
	}
	var gotoMarks []*rgoto
	for _, r := range g.gotos {
		add("goto "+r.label, nil)
		gotoMarks = append(gotoMarks, r)
	}
	if len(opts) == 0 || g.chance(0.2) {
		return g.ret()
	}
	g.exits++
	k := g.n(len(opts))
	if marks[k] != nil {
		marks[k].used = true
	}
	if i := k - (len(opts) - len(gotoMarks)); i >= 0 {
		gotoMarks[i].used = true
	}
	return opts[k] + "\n"
}

func (g *rgen) ifTerm(depth int) string {
	g.push()
	h, head := g.ifHeader()
	s := h + g.block(depth, head, g.jump)
	g.pop()
	return s + "\n"
}

func (g *rgen) target(loop bool) *rtarget {
	g.labels++
	t := &rtarget{label: fmt.Sprintf("L%d", g.labels), loop: loop}
	g.targets = append(g.targets, t)
	return t
}

func (g *rgen) untarget(t *rtarget, s string) string {
	g.targets = g.targets[:len(g.targets)-1]
	if t.used {
		return t.label + ":\n" + s
	}
	return s
}

// loopBody is the body of a loop with its header variables.
func (g *rgen) loopBody(depth int, head []*rvar) string {
	return g.block(depth, head, nil)
}

func (g *rgen) forStmt(depth int) string {
	g.loopDepth++
	defer func() { g.loopDepth-- }()
	g.push()
	t := g.target(true)
	var s string
	bound := 1 + g.n(3)
	n := g.newName()
	if n == "" {
		n = "i" // cannot happen: the scope is fresh
	}
	// Initial values are generated before the loop variables exist. An
	// initial value in (-3, 3) keeps the loop short.
	jinit := g.intExpr(1, false)
	iinit := "(" + g.intExpr(1, false) + ") % 3"
	i := g.declare(n, kInt, mInc)
	head := []*rvar{i}
	switch g.pick(5, 2, 2) {
	case 0, 1: // for i := 0; cond; post
		var j *rvar
		init := fmt.Sprintf("%s := %s", n, []string{"0", "P(" + g.newTag() + ", 0)", "A(" + g.newTag() + ", 0)", iinit}[g.pick(4, 1, 2, 2)])
		if g.chance(0.25) {
			if m := g.newName(n); m != "" {
				init = fmt.Sprintf("%s, %s := 0, %s", n, m, jinit)
				j = g.declare(m, kInt, mFree)
				head = append(head, j)
			}
		}
		cond := fmt.Sprintf("%s < %d", n, bound)
		switch g.pick(3, 1, 1, 1, 1, 1) {
		case 1:
			cond = fmt.Sprintf("A(%s, %s) < %d", g.newTag(), n, bound)
		case 2:
			cond = fmt.Sprintf("Bo(%s, %s < %d)", g.newTag(), n, bound)
		case 3:
			cond = fmt.Sprintf("%s < %d && %s", n, bound, g.boolExpr(2, false))
		case 4:
			cond = fmt.Sprintf("%s && %s < %d", g.boolExpr(2, false), n, bound)
		case 5:
			cond = fmt.Sprintf("%s < A(%s, %d)", n, g.newTag(), bound)
		}
		post := n + "++"
		switch g.pick(3, 1, 1, 1) {
		case 1:
			post = fmt.Sprintf("%s = A(%s, %s+1)", n, g.newTag(), n)
		case 2:
			post = fmt.Sprintf("%s += A(%s, 1)", n, g.newTag())
		case 3:
			post = fmt.Sprintf("%s += P(%s, 1)", n, g.newTag())
		}
		if j != nil && g.chance(0.7) {
			post = fmt.Sprintf("%s, %s = %s+1, %s", n, j.name, n, g.intExpr(2, false))
		}
		s = fmt.Sprintf("for %s; %s; %s ", init, cond, post) + g.loopBody(depth, head)
	case 2: // for i := 0; ; i++ { if i >= bound { break }; … }
		guard := fmt.Sprintf("%s >= %d", n, bound)
		if g.chance(0.5) {
			guard = fmt.Sprintf("Bo(%s, %s >= %d)", g.newTag(), n, bound)
		}
		post := n + "++"
		if g.chance(0.3) {
			post = fmt.Sprintf("%s = A(%s, %s+1)", n, g.newTag(), n)
		}
		body := g.block(depth, head, nil)
		s = fmt.Sprintf("for %s := 0; ; %s {\nif %s {\nbreak\n}\n%s\n}", n, post, guard, body)
	}
	g.pop()
	return g.untarget(t, s) + "\n"
}

var rangeStrings = []string{`"ab"`, `"héllo"`, `""`, `"€x!"`}

func (g *rgen) rangeStmt(depth int) string {
	g.loopDepth++
	defer func() { g.loopDepth-- }()
	g.push()
	t := g.target(true)
	var s string
	switch g.pick(3, 4, 1, 2) {
	case 0: // range over int
		bound := 1 + g.n(3)
		x := []string{fmt.Sprint(bound), fmt.Sprintf("A(%s, %d)", g.newTag(), bound), fmt.Sprintf("P(%s, %d)", g.newTag(), bound), "(" + g.intExpr(2, false) + ") % 4"}[g.pick(3, 2, 1, 2)]
		if v := g.oneOf(g.visibleWhere(isSlice)); v != nil && g.chance(0.2) {
			x = "len(" + v.name + ")"
		}
		if g.chance(0.2) {
			s = fmt.Sprintf("for range %s ", x) + g.loopBody(depth, nil)
			break
		}
		n := g.newName()
		i := g.declare(n, kInt, mFree)
		s = fmt.Sprintf("for %s := range %s ", n, x) + g.loopBody(depth, []*rvar{i})
	case 1: // range over a slice
		x := g.sliceLit(1)
		isArray := false
		if v := g.oneOf(g.visibleWhere(isSlice)); v != nil && g.chance(0.6) {
			x = v.name
			isArray = v.kind == kArr
			if isArray && g.chance(0.3) {
				x = "&" + v.name // no copy; still an array
			}
		} else if g.chance(0.2) {
			x = g.arrLit(1)
			isArray = true
		}
		if !isArray && g.chance(0.25) {
			x = "Ints(" + x + ")" // a defined slice type
		}
		form := g.n(4)
		switch form {
		case 0:
			n := g.newName()
			i := g.declare(n, kInt, mFree)
			s = fmt.Sprintf("for %s := range %s ", n, x) + g.loopBody(depth, []*rvar{i})
		case 1:
			n := g.newName()
			v := g.declare(n, kInt, mFree)
			s = fmt.Sprintf("for _, %s := range %s ", n, x) + g.loopBody(depth, []*rvar{v})
		case 2:
			s = fmt.Sprintf("for range %s ", x) + g.loopBody(depth, nil)
		default:
			n := g.newName()
			i := g.declare(n, kInt, mFree)
			m := g.newName(n)
			v := g.declare(m, kInt, mFree)
			s = fmt.Sprintf("for %s, %s := range %s ", n, m, x) + g.loopBody(depth, []*rvar{i, v})
		}
	case 2: // range over a string
		x := rangeStrings[g.n(len(rangeStrings))]
		if g.chance(0.5) {
			x = fmt.Sprintf("Str(%s, %s)", g.newTag(), x)
		}
		if g.chance(0.3) {
			x = "Nm(" + x + ")" // a defined string type
		}
		n := g.newName()
		i := g.declare(n, kInt, mFree)
		m := g.newName(n)
		r := g.declare(m, kRune, mRO)
		s = fmt.Sprintf("for %s, %s := range %s ", n, m, x) + g.loopBody(depth, []*rvar{i, r})
	case 3: // range over a function iterator: a coroutine when the body suspends
		bound := fmt.Sprint(g.n(4))
		if g.chance(0.3) {
			bound = fmt.Sprintf("A(%s, %s)", g.newTag(), bound) // the range expression suspends
		}
		switch g.n(3) {
		case 0:
			n := g.newName()
			i := g.declare(n, kInt, mFree)
			s = fmt.Sprintf("for %s := range Seq(%s, %s) ", n, g.newTag(), bound) + g.loopBody(depth, []*rvar{i})
		case 1:
			n := g.newName()
			k := g.declare(n, kInt, mFree)
			m := g.newName(n)
			v := g.declare(m, kInt, mFree)
			s = fmt.Sprintf("for %s, %s := range Seq2(%s, %s) ", n, m, g.newTag(), bound) + g.loopBody(depth, []*rvar{k, v})
		default:
			s = fmt.Sprintf("for range Seq0(%s, %s) ", g.newTag(), bound) + g.loopBody(depth, nil)
		}
	}
	g.pop()
	return g.untarget(t, s) + "\n"
}

// rangeAssign is for k, v = range … with variables declared outside.
func (g *rgen) rangeAssign(depth int) string {
	vs := g.visibleWhere(isFreeInt)
	if len(vs) < 2 {
		return g.rangeStmt(depth)
	}
	i := g.n(len(vs))
	j := (i + 1 + g.n(len(vs)-1)) % len(vs)
	k, v := vs[i], vs[j]
	g.loopDepth++
	defer func() { g.loopDepth-- }()
	t := g.target(true)
	var x string
	if s := g.oneOf(g.visibleWhere(isSlice)); s != nil && g.chance(0.5) {
		x = s.name
	} else {
		x = g.sliceLit(1)
	}
	var s string
	form := g.n(3)
	switch form {
	case 0:
		s = fmt.Sprintf("for %s, %s = range %s ", k.name, v.name, x)
	case 1:
		s = fmt.Sprintf("for %s = range %s ", k.name, x)
	default:
		s = fmt.Sprintf("for %s = range %d ", k.name, 1+g.n(3))
	}
	s += g.loopBody(depth, nil)
	return g.untarget(t, s) + "\n"
}

// caseBodies is the clauses of a switch: n case lists (from caseList) and
// maybe a default, each body maybe ending in fallthrough or a jump.
func (g *rgen) clauses(depth int, head []*rvar, caseList func() string) string {
	n := 1 + g.n(3)
	def := -1
	if g.chance(0.5) {
		def = g.n(n + 1)
	}
	total := n
	if def >= 0 {
		total++
	}
	var b strings.Builder
	for k := range total {
		if k == def {
			b.WriteString("default:\n")
		} else {
			b.WriteString("case " + caseList() + ":\n")
		}
		last := k == total-1
		var term func() string
		switch {
		case !last && g.chance(0.3):
			term = func() string { return "fallthrough\n" }
		case g.chance(0.2):
			term = g.jump
		}
		b.WriteString(g.body(depth, head, term))
	}
	return b.String()
}

func (g *rgen) switchInit() (string, []*rvar) {
	if g.chance(0.4) {
		if n := g.newName(); n != "" {
			e := g.intExpr(2, false)
			v := g.declare(n, kInt, mFree)
			return fmt.Sprintf("%s := %s; ", n, e), []*rvar{v}
		}
	}
	return "", nil
}

func (g *rgen) switchTag(depth int) string {
	g.push()
	t := g.target(false)
	init, head := g.switchInit()
	tag := g.intExpr(2, false)
	if len(head) > 0 && g.chance(0.5) {
		tag = head[0].name
	}
	used := map[int]bool{}
	caseList := func() string {
		var es []string
		for range 1 + g.n(2) {
			switch g.pick(3, 2, 1, 1) {
			case 0: // distinct constant
				for {
					c := g.n(12) - 2
					if !used[c] {
						used[c] = true
						es = append(es, fmt.Sprint(c))
						break
					}
				}
			case 1:
				es = append(es, fmt.Sprintf("A(%s, %d)", g.newTag(), g.n(6)))
			case 2:
				es = append(es, fmt.Sprintf("P(%s, %d)", g.newTag(), g.n(6)))
			default:
				if v := g.oneOf(g.visibleWhere(isInt)); v != nil {
					es = append(es, fmt.Sprintf("%s + %d", v.name, g.n(3)))
				} else {
					es = append(es, fmt.Sprintf("A(%s, %d)", g.newTag(), g.n(6)))
				}
			}
		}
		return strings.Join(es, ", ")
	}
	s := fmt.Sprintf("switch %s%s {\n", init, tag) + g.clauses(depth, head, caseList) + "}"
	g.pop()
	return g.untarget(t, s) + "\n"
}

func (g *rgen) switchBool(depth int) string {
	g.push()
	t := g.target(false)
	init, head := g.switchInit()
	caseList := func() string {
		var es []string
		for range 1 + g.n(2) {
			es = append(es, g.nonConstBool(2))
		}
		return strings.Join(es, ", ")
	}
	s := fmt.Sprintf("switch %s{\n", init) + g.clauses(depth, head, caseList) + "}"
	g.pop()
	return g.untarget(t, s) + "\n"
}

// typeSwitch is a type switch over a value of anys (read in place, or from
// Any, which suspends), with or without a bound variable. The variable has
// type int in a "case int" clause, where expressions may use it; elsewhere
// it is only logged (kAny), which also keeps it used.
func (g *rgen) typeSwitch(depth int) string {
	g.push()
	t := g.target(false)
	init, head := g.switchInit()
	var x string
	switch g.n(3) {
	case 0:
		x = fmt.Sprintf("Any(%s, %s)", g.newTag(), g.intExpr(2, false))
	case 1:
		x = fmt.Sprintf("anys[ix(%s, %s)%%len(anys)]", g.newTag(), g.intExpr(2, false))
	default:
		x = fmt.Sprintf("any(%s)", g.intExpr(2, false))
	}
	bound := ""
	if g.chance(0.7) {
		bound = g.newName()
	}
	guard := x + ".(type)"
	if bound != "" {
		guard = bound + " := " + guard
	}
	sets := [][]string{{"int"}, {"string"}, {"nil"}, {"Ctr"}, {"*Ctr"}, {"bool", "float64"}, {"int8", "int16"}, {"fmt.Stringer"}}
	g.r.Shuffle(len(sets), func(i, j int) { sets[i], sets[j] = sets[j], sets[i] })
	n := 1 + g.n(4)
	def := -1
	if g.chance(0.5) {
		def = g.n(n + 1)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "switch %s%s {\n", init, guard)
	si := 0
	for k := range n + 1 {
		if k == n && def != n {
			break
		}
		var types []string
		if k == def {
			b.WriteString("default:\n")
		} else {
			types = sets[si]
			si++
			b.WriteString("case " + strings.Join(types, ", ") + ":\n")
		}
		// The clause's body, as body writes it, with the bound variable
		// declared in the body's own scope (Go declares it in the
		// clause's block): the final sink logs it, so it is used.
		b.WriteString(g.sink(head))
		g.push()
		if bound != "" {
			if len(types) == 1 && types[0] == "int" {
				g.declare(bound, kInt, mFree)
			} else {
				g.declare(bound, kAny, mRO)
			}
		}
		for i := 0; i < 1+g.n(4) && g.budget > 0; i++ {
			b.WriteString(g.stmt(depth + 1))
		}
		b.WriteString(g.sink(g.top().vars))
		if g.chance(0.2) {
			b.WriteString(g.jump())
		}
		g.pop()
	}
	b.WriteString("}")
	g.pop()
	return g.untarget(t, b.String()) + "\n"
}

// gotoStmt is a region left and re-entered by goto: a block whose label
// starts a body that runs two or three times (a backward goto after it,
// counted by a variable the body cannot see), and whose end label a goto
// inside the body may jump to (forward, out of nested statements). Neither
// jump skips a declaration or enters a block, as Go requires.
func (g *rgen) gotoStmt(depth int) string {
	g.labels++
	top, end := fmt.Sprintf("G%d", g.labels), fmt.Sprintf("E%d", g.labels)
	cnt := fmt.Sprintf("gc%d", g.labels)
	r := &rgoto{label: end}
	g.gotos = append(g.gotos, r)
	g.loopDepth++
	body := g.block(depth, nil, nil)
	g.loopDepth--
	g.gotos = g.gotos[:len(g.gotos)-1]
	var b strings.Builder
	fmt.Fprintf(&b, "{\n%s := 0\n%s:\n%s\n%s++\n", cnt, top, body, cnt)
	if g.chance(0.5) {
		fmt.Fprintf(&b, "if %s < %d {\ngoto %s\n}\n", cnt, 2+g.n(2), top)
	} else {
		// the backward goto after a suspension point
		fmt.Fprintf(&b, "if A(%s, %s) < %d {\ngoto %s\n}\n", g.newTag(), cnt, 2+g.n(2), top)
	}
	if r.used {
		fmt.Fprintf(&b, "%s:\n", end)
	}
	b.WriteString("}\n")
	return b.String()
}
