package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"

	"github.com/corio-go/corio/rt"
)

// BenchmarkGenerate1000 generates a package of 1000 async functions (the
// target: under 2 s), loading and type checking included.
func BenchmarkGenerate1000(b *testing.B) {
	dir, err := os.MkdirTemp("testdata", "tmp-bench-")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(dir)
	var src strings.Builder
	src.WriteString("package p\n\nimport \"github.com/corio-go/corio/rt\"\n\n")
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&src, `//async:func
func F%d(n int, s []string) (int, error) {
	total := 0
	for i, x := range s {
		if len(x) > n {
			rt.YieldNow()
			continue
		}
		total += i + len(x)
	}
	switch {
	case total > 10:
		rt.YieldNow()
	}
	return total, nil
}

`, i)
	}
	if err := os.WriteFile(filepath.Join(dir, "p.go"), []byte(src.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		p, errs := generate(dir, []string{"."})
		if len(errs) > 0 {
			b.Fatal(errs[0])
		}
		if len(p.writes) != 1 {
			b.Fatal("no output")
		}
	}
}

// The await field's cost at a resume (layout.go): a future that awaits
// futures of two types either keeps one typed field per type
// (resumeTyped) or shares one empty-interface field and asserts it back to
// the future type at each resume (resumeShared), as generated code does.
// Each op is two awaits, each ready at its first poll, so the difference
// per op is two assertions.

type readyInt struct{}

func (*readyInt) Poll(*rt.Context) (int, bool) { return 1, true }

type readyStr struct{}

func (*readyStr) Poll(*rt.Context) (string, bool) { return "x", true }

// Package-level interface values, so the compiler cannot devirtualize the
// calls through the fields.
var (
	benchInt rt.Future[int]    = &readyInt{}
	benchStr rt.Future[string] = &readyStr{}
)

type resumeTyped struct {
	aw0 rt.Future[int]
	aw1 rt.Future[string]
	sum int
}

func (f *resumeTyped) step(cx *rt.Context) {
	f.aw0 = benchInt
	n, ready := f.aw0.Poll(cx)
	if !ready {
		return
	}
	f.aw0 = nil
	f.aw1 = benchStr
	s, ready := f.aw1.Poll(cx)
	if !ready {
		return
	}
	f.aw1 = nil
	f.sum += n + len(s)
}

type resumeShared struct {
	aw0 any
	sum int
}

func (f *resumeShared) step(cx *rt.Context) {
	f.aw0 = benchInt
	n, ready := f.aw0.(rt.Future[int]).Poll(cx)
	if !ready {
		return
	}
	f.aw0 = nil
	f.aw0 = benchStr
	s, ready := f.aw0.(rt.Future[string]).Poll(cx)
	if !ready {
		return
	}
	f.aw0 = nil
	f.sum += n + len(s)
}

func (f *resumeTyped) total() int  { return f.sum }
func (f *resumeShared) total() int { return f.sum }

func BenchmarkResume(b *testing.B) {
	for _, c := range []struct {
		name string
		f    interface {
			step(*rt.Context)
			total() int
		}
	}{{"typed", &resumeTyped{}}, {"shared", &resumeShared{}}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				c.f.step(nil)
			}
			if c.f.total() == 0 {
				b.Fatal("no resumes")
			}
		})
	}
}

// The cost of a field whose type names a local type (localtype.go): a
// variable of a struct type that lives across two suspension points, held
// in a field of its own type (typed: what a package-level type gets) or,
// as generated code holds a local type's variable, in an empty-interface
// field holding a cell allocated at the declaration, asserted back at each
// use (boxed: a type with pointers), or as its bytes in a [n]uint64 field
// (raw: a type without pointers). ltSuspend stands for the suspension
// points.

type ltPoint struct{ X, Y int }

type ltTyped struct{ p ltPoint }

type ltBoxed struct{ p any }

type ltRaw struct{ p [2]uint64 }

//go:noinline
func ltSuspend(any) {}

var ltSum int

func BenchmarkLocalTypeField(b *testing.B) {
	b.Run("typed", func(b *testing.B) {
		f := &ltTyped{}
		for b.Loop() {
			f.p = ltPoint{1, 2}
			ltSuspend(f)
			f.p.X += f.p.Y
			ltSuspend(f)
			ltSum += f.p.X
		}
	})
	b.Run("boxed", func(b *testing.B) {
		type pT = *ltPoint
		f := &ltBoxed{}
		for b.Loop() {
			f.p = new(ltPoint)
			*f.p.(pT) = ltPoint{1, 2}
			ltSuspend(f)
			(*f.p.(pT)).X += (*f.p.(pT)).Y
			ltSuspend(f)
			ltSum += (*f.p.(pT)).X
		}
	})
	b.Run("raw", func(b *testing.B) {
		type pT = ltPoint
		f := &ltRaw{}
		for b.Loop() {
			(*(*pT)(unsafe.Pointer(&f.p))) = ltPoint{1, 2}
			ltSuspend(f)
			(*(*pT)(unsafe.Pointer(&f.p))).X += (*(*pT)(unsafe.Pointer(&f.p))).Y
			ltSuspend(f)
			ltSum += (*(*pT)(unsafe.Pointer(&f.p))).X
		}
	})
}
