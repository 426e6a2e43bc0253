package main

// Generics. A generic async function, or an async method of a generic
// type, gets a generic future: the future type declares the function's (or
// the receiver type's) type parameters, with the same names and
// constraints, so the lowered body's types read as in the source; the twin
// and the by-value constructor declare them too, and Poll, PollFrame and
// Cancel name them in their receivers. An await of a generic callee of the
// package uses the callee's future instantiated with the call's type
// arguments (written or inferred): the frame's pointer type (*fFuture[int])
// and the inlined child's field, one per callee and instance.

import (
	"go/ast"
	"go/types"

	"github.com/corio-go/corio/internal/asyncrules"
)

// tparams is the type parameter list of the future: a generic function's,
// or the receiver type's for a method of a generic type (a method has no
// type parameters of its own).
func (fn *asyncFunc) tparams() *types.TypeParamList {
	if fn.closure != nil {
		return fn.closure.tparams // an async closure's: its enclosing function's
	}
	if l := fn.sig.RecvTypeParams(); l.Len() > 0 {
		return l
	}
	return fn.sig.TypeParams()
}

// typeParams is l as a slice.
func typeParams(l *types.TypeParamList) []*types.TypeParam {
	var out []*types.TypeParam
	for i := 0; i < l.Len(); i++ {
		out = append(out, l.At(i))
	}
	return out
}

// coreType is t's underlying type or, for a type parameter, its core type
// (S ~[]E ranges as a slice); nil where there is none.
func coreType(t types.Type) types.Type { return asyncrules.CoreType(t) }

// nameTypeParams records the names of fn's type parameters, which are in
// scope in its future's generated declarations, so that an import's alias
// avoids them (naming.go's importAlias), and renames those the generated
// code cannot write as they are: a blank one (func F[_ any]), which the
// future's methods and twin must name, and one named like the function
// (func F[F any]: the guard names F[F]) or like the method's receiver type
// (func (b *Box[Box]): the future's fields write *Box[Box]). The printer
// writes the new name wherever the body names the type parameter.
func (g *pkgGen) nameTypeParams(fn *asyncFunc) {
	if g.tpNames == nil {
		g.tpNames = map[string]bool{}
		g.tpRename = map[*types.TypeParam]string{}
	}
	for _, tp := range typeParams(fn.tparams()) {
		if _, done := g.tpRename[tp]; done {
			continue // an async closure's, which its enclosing function named
		}
		if n := tp.Obj().Name(); n == "_" || n == fn.decl.Name.Name || fn.decl.Recv != nil && n == recvTypeName(fn) {
			g.tpRename[tp] = g.helperName("T")
		}
		g.tpNames[g.tparamName(tp)] = true
	}
}

// asyncCallee is the async function of the package that call awaits, nil
// for none. A method of an instantiated generic type (s.Pop() on a
// *Stack[int]) is its generic method's instance: the origin is the one
// declared.
func (g *pkgGen) asyncCallee(call *ast.CallExpr) *asyncFunc {
	f, _ := g.callee(call)
	if f == nil {
		return nil
	}
	return g.asyncOf[f.Origin()]
}

// calleeTypeArgs is the type arguments of the generic function or generic
// type's method that call names, as the call instantiates it (written or
// inferred); nil for a callee that is not generic.
func (g *pkgGen) calleeTypeArgs(call *ast.CallExpr) []types.Type {
	f, id := g.callee(call)
	if f == nil {
		return nil
	}
	var l *types.TypeList
	if recv := f.Type().(*types.Signature).Recv(); recv != nil {
		t := recv.Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := types.Unalias(t).(*types.Named); ok {
			l = n.TypeArgs()
		}
	} else if inst, ok := g.info.Instances[id]; ok {
		l = inst.TypeArgs
	}
	var out []types.Type
	for i := 0; i < l.Len(); i++ {
		out = append(out, l.At(i))
	}
	return out
}

// spellableAll reports whether every type of ts can be written in the
// generated code.
func (g *pkgGen) spellableAll(ts []types.Type) bool {
	for _, t := range ts {
		if _, ok := g.spellable(t); !ok {
			return false
		}
	}
	return true
}

// instanceOf instantiates sig, the signature of a sibling of the generic
// function id names (its twin), with the type arguments id's use gives the
// function; nil where they do not fit.
func (g *pkgGen) instanceOf(id *ast.Ident, sig *types.Signature) *types.Signature {
	inst, ok := g.info.Instances[id]
	if !ok || inst.TypeArgs.Len() != sig.TypeParams().Len() {
		return nil
	}
	var args []types.Type
	for i := 0; i < inst.TypeArgs.Len(); i++ {
		args = append(args, inst.TypeArgs.At(i))
	}
	t, err := types.Instantiate(nil, sig, args, true)
	if err != nil {
		return nil
	}
	return t.(*types.Signature)
}
