package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkEmit1000 times what follows loading and type checking for a
// package of 1000 async functions whose bodies keep much source syntax
// (closures, composite literals, struct types, loops, switches, qualified
// names): checking, lowering, the printers and the file's rendering.
func BenchmarkEmit1000(b *testing.B) {
	dir, err := os.MkdirTemp("testdata", "tmp-emit-")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(dir)
	var src strings.Builder
	src.WriteString("package p\n\nimport (\n\t\"fmt\"\n\t\"strings\"\n\n\t\"github.com/corio-go/corio/rt\"\n)\n\ntype pair struct {\n\tkey   string\n\tcount int\n}\n\n")
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&src, `//async:func
func E%d(words []string, limit int) (string, error) {
	var acc struct{ n, total int }
	seen := map[string]*pair{}
	var out []pair
	for _, w := range words {
		w = strings.TrimSpace(strings.ToLower(w))
		if p, ok := seen[w]; ok {
			p.count++
			continue
		}
		seen[w] = &pair{key: w, count: 1}
	}
	rt.YieldNow()
	keep := func(p *pair) bool { return p.count > 1 && len(p.key) < limit }
	for _, p := range seen {
		switch {
		case keep(p):
			out = append(out, *p)
		case p.count == 0:
			return "", fmt.Errorf("empty %%q", p.key)
		}
	}
	rt.YieldNow()
	parts := make([]string, 0, len(out))
	for i := range out {
		acc.n++
		acc.total += out[i].count
		parts = append(parts, fmt.Sprintf("%%s=%%d", out[i].key, out[i].count))
	}
	return strings.Join(parts, ",") + fmt.Sprint(acc), nil
}

`, i)
	}
	if err := os.WriteFile(filepath.Join(dir, "p.go"), []byte(src.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	pkgs, plans, errs := load(dir, []string{"."})
	if len(errs) > 0 {
		b.Fatal(errs[0])
	}
	b.ResetTimer()
	for b.Loop() {
		n := 0
		for _, p := range pkgs {
			pp := plans[p.ID]
			if pp == nil || len(pp.files) == 0 {
				continue
			}
			g := newPkgGen(p)
			files := g.find(p, pp)
			g.prepare(files)
			for _, of := range files {
				if _, err := g.file(of); err != nil {
					b.Fatal(err)
				}
				if len(g.errs) > 0 {
					b.Fatal(g.errs[0])
				}
				n++
			}
		}
		if n != 1 {
			b.Fatalf("generated %d files", n)
		}
	}
}
