package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
