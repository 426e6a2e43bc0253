package asyncrules

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
)

// RTPath is the import path of corio's runtime.
const RTPath = "github.com/corio-go/corio/rt"

// Category classifies a finding. Asyncgen reports every category as an
// error; the analyzer reports them all too (see package asynccheck).
type Category string

const (
	Blocking    Category = "blocking"    // a call that blocks the runtime thread
	Dropped     Category = "dropped"     // a future made and never run
	Mutex       Category = "mutex"       // a sync lock held across a suspension point
	TwinShape   Category = "twin"        // an XAsync that returns a future of the wrong shape
	Unsupported Category = "unsupported" // a construct not lowered yet
)

// Checker applies the rules to the syntax of one type-checked package.
type Checker struct {
	Info *types.Info
	Pkg  *types.Package // the package checked: its own names print unqualified
	RT   *types.Package // corio's rt as the package sees it (FindRT); nil if absent

	// Report receives each finding: a message that names the construct,
	// the cause and the fix.
	Report func(pos token.Pos, cat Category, msg string)
	// Where prints a position inside a message (file:line:col).
	Where func(pos token.Pos) string

	// Closures receives, from Check, the suspension points of each async
	// closure (AsyncClosure) met in the bodies it checked, nested ones
	// included; Check's own result leaves them out.
	Closures map[*ast.FuncLit]map[*ast.CallExpr]*Twin
}

// FindRT returns the rt package that pkg is, or imports directly, or nil.
// Without rt a package has no suspension points: nothing it calls can have
// a twin that the generated code could await.
func FindRT(pkg *types.Package) *types.Package {
	if pkg.Path() == RTPath {
		return pkg
	}
	for _, imp := range pkg.Imports() {
		if imp.Path() == RTPath {
			return imp
		}
	}
	return nil
}

func (c *Checker) errorf(pos token.Pos, cat Category, format string, args ...any) {
	c.Report(pos, cat, fmt.Sprintf(format, args...))
}

// Twin is a suspension point: a call of X whose twin XAsync exists.
type Twin struct {
	Call *ast.CallExpr
	Fn   *types.Func // the twin XAsync
	Out  types.Type  // the twin future's output (the result rule)
}

// OutputType applies the result rule: () → struct{}, (T) → T,
// (T0, …, Tn-1) → rt.TupleN[T0, …, Tn-1]. It returns nil when no output
// can hold the results (more than 8, or no rt).
func (c *Checker) OutputType(results *types.Tuple) types.Type {
	switch results.Len() {
	case 0:
		return types.NewStruct(nil, nil)
	case 1:
		return results.At(0).Type()
	}
	if c.RT == nil || results.Len() > 8 {
		return nil
	}
	tn, _ := c.RT.Scope().Lookup(fmt.Sprintf("Tuple%d", results.Len())).(*types.TypeName)
	if tn == nil {
		return nil
	}
	args := make([]types.Type, results.Len())
	for i := range args {
		args[i] = results.At(i).Type()
	}
	t, err := types.Instantiate(nil, tn.Type(), args, true)
	if err != nil {
		return nil
	}
	return t
}

// Callee returns the function a call names (nil for conversions, builtins
// and calls of func values) and the identifier naming it.
func (c *Checker) Callee(call *ast.CallExpr) (*types.Func, *ast.Ident) {
	fun := ast.Unparen(call.Fun)
	switch x := fun.(type) {
	case *ast.IndexExpr:
		fun = x.X
	case *ast.IndexListExpr:
		fun = x.X
	}
	var id *ast.Ident
	switch x := fun.(type) {
	case *ast.Ident:
		id = x
	case *ast.SelectorExpr:
		id = x.Sel
		if sel := c.Info.Selections[x]; sel != nil && sel.Kind() == types.FieldVal {
			return nil, nil // a field holding a func value
		}
	default:
		return nil, nil
	}
	fn, _ := c.Info.Uses[id].(*types.Func)
	return fn, id
}

// TwinOf reports whether call is a suspension point. An XAsync that
// returns a future but does not match X is reported (category TwinShape):
// it is surely meant as X's twin.
func (c *Checker) TwinOf(call *ast.CallExpr) *Twin {
	if c.RT == nil {
		return nil
	}
	fn, id := c.Callee(call)
	if fn == nil || fn.Pkg() == nil {
		return nil
	}
	callSig, ok := c.Info.TypeOf(call.Fun).(*types.Signature)
	if !ok {
		return nil
	}
	tfn := c.sibling(call, fn, fn.Name()+"Async")
	if tfn == nil {
		return nil
	}
	tsig := tfn.Type().(*types.Signature)
	// XAsync is X's twin only if it returns a future; an unrelated XAsync
	// (one returning a channel, say) leaves X an ordinary call.
	if tsig.Results().Len() != 1 || PollOutput(tsig.Results().At(0).Type()) == nil {
		return nil
	}
	tsig, ok = c.instantiateAs(id, tsig)
	if !ok {
		c.errorf(call.Pos(), TwinShape, "%s has a twin %sAsync with different type parameters; a twin must have the same signature and return a future of %s's results", fn.Name(), fn.Name(), fn.Name())
		return nil
	}
	if tsig == nil {
		return nil
	}
	want := c.OutputType(callSig.Results())
	if want == nil {
		return nil // more results than a future's output holds; find reports an async X
	}
	mismatch := func(why string) *Twin {
		c.errorf(call.Pos(), TwinShape, "%s has a twin %sAsync, but %s; a twin must take the same parameters and return rt.Future[%s]", fn.Name(), fn.Name(), why, c.TypeString(want))
		return nil
	}
	if se, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && c.Info.Selections[se] != nil && c.Info.Selections[se].Kind() == types.MethodExpr {
		// A method expression T.M takes the receiver first; so does its
		// twin's, T.MAsync.
		if sel := c.Info.Selections[se]; tsig.Recv() != nil {
			params := []*types.Var{types.NewParam(token.NoPos, nil, "", sel.Recv())}
			for i := range tsig.Params().Len() {
				params = append(params, tsig.Params().At(i))
			}
			tsig = types.NewSignatureType(nil, nil, nil, types.NewTuple(params...), tsig.Results(), tsig.Variadic())
		}
	}
	if !types.Identical(callSig.Params(), tsig.Params()) || callSig.Variadic() != tsig.Variadic() {
		return mismatch("its parameters differ")
	}
	out := PollOutput(tsig.Results().At(0).Type())
	if !types.Identical(out, want) {
		return mismatch(fmt.Sprintf("its future's output is %s", c.TypeString(out)))
	}
	return &Twin{Call: call, Fn: tfn, Out: out}
}

// sibling returns the function name next to fn as call names fn: a method
// of the same receiver, or a function of fn's package; nil if none. A
// method is a sibling only when it is reached through the same embedded
// fields as fn: where an embedded type's String is shadowed by a shallower
// one, the deeper StringAsync is not the twin of the String called.
func (c *Checker) sibling(call *ast.CallExpr, fn *types.Func, name string) *types.Func {
	var obj types.Object
	if fn.Type().(*types.Signature).Recv() != nil {
		sel := c.Info.Selections[ast.Unparen(call.Fun).(*ast.SelectorExpr)]
		var index []int
		obj, index, _ = types.LookupFieldOrMethod(sel.Recv(), true, fn.Pkg(), name)
		if path := sel.Index(); obj != nil && !slices.Equal(index[:len(index)-1], path[:len(path)-1]) {
			return nil
		}
	} else {
		obj = fn.Pkg().Scope().Lookup(name)
	}
	f, _ := obj.(*types.Func)
	return f
}

// instantiateAs instantiates a sibling's signature with the type arguments
// the call gives the function id names. ok is false where the type
// parameters do not match; sig is nil where instantiation fails.
func (c *Checker) instantiateAs(id *ast.Ident, sig *types.Signature) (_ *types.Signature, ok bool) {
	if sig.TypeParams().Len() == 0 {
		return sig, true
	}
	inst, ok := c.Info.Instances[id]
	if !ok || inst.TypeArgs.Len() != sig.TypeParams().Len() {
		return nil, false
	}
	args := make([]types.Type, inst.TypeArgs.Len())
	for i := range args {
		args[i] = inst.TypeArgs.At(i)
	}
	t, err := types.Instantiate(nil, sig, args, true)
	if err != nil {
		return nil, true
	}
	return t.(*types.Signature), true
}

// PollOutput returns T if t has the method Poll(*rt.Context) (T, bool): if
// t is a future of T. It returns nil for any other type.
func PollOutput(t types.Type) types.Type {
	if t == nil {
		return nil
	}
	if _, ok := t.(*types.Tuple); ok {
		return nil
	}
	obj, _, _ := types.LookupFieldOrMethod(t, true, nil, "Poll")
	m, ok := obj.(*types.Func)
	if !ok {
		return nil
	}
	sig := m.Type().(*types.Signature)
	if sig.Params().Len() != 1 || sig.Results().Len() != 2 {
		return nil
	}
	ptr, ok := sig.Params().At(0).Type().(*types.Pointer)
	if !ok {
		return nil
	}
	named, ok := ptr.Elem().(*types.Named)
	if !ok || named.Obj().Pkg() == nil || named.Obj().Pkg().Path() != RTPath || named.Obj().Name() != "Context" {
		return nil
	}
	if b, ok := sig.Results().At(1).Type().(*types.Basic); !ok || b.Kind() != types.Bool {
		return nil
	}
	return sig.Results().At(0).Type()
}

// TypeString prints t for a message: the checked package's own names bare,
// others qualified by their package's name.
func (c *Checker) TypeString(t types.Type) string {
	if t == nil {
		return "?"
	}
	return types.TypeString(t, func(p *types.Package) string {
		if p == c.Pkg {
			return ""
		}
		return p.Name()
	})
}

// MakeOf applies the by-value rule to a suspension point tw: where X's twin
// XAsync has a sibling MakeX that takes the same parameters and returns a
// non-pointer, non-interface type F whose pointer *F is a future of the
// twin's output, the caller may hold F by value in its own state and poll
// it in place instead of awaiting XAsync's future. MakeOf returns MakeX and
// F (instantiated as the call is), or nil, nil where the rule does not
// apply; it never reports: a MakeX of another shape just leaves the twin.
func (c *Checker) MakeOf(tw *Twin) (*types.Func, types.Type) {
	call := tw.Call
	fn, id := c.Callee(call)
	if fn == nil || fn.Pkg() == nil {
		return nil, nil
	}
	callSig, ok := c.Info.TypeOf(call.Fun).(*types.Signature)
	if !ok {
		return nil, nil
	}
	mfn := c.sibling(call, fn, "Make"+fn.Name())
	if mfn == nil {
		return nil, nil
	}
	msig, _ := c.instantiateAs(id, mfn.Type().(*types.Signature))
	if msig == nil || msig.Results().Len() != 1 {
		return nil, nil
	}
	if !types.Identical(callSig.Params(), msig.Params()) || callSig.Variadic() != msig.Variadic() {
		return nil, nil
	}
	f := msig.Results().At(0).Type()
	switch f.Underlying().(type) {
	case *types.Pointer, *types.Interface:
		return nil, nil
	}
	if out := PollOutput(types.NewPointer(f)); out == nil || !types.Identical(out, tw.Out) {
		return nil, nil
	}
	return mfn, f
}
