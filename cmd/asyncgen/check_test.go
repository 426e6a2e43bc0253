package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corio-go/corio/internal/asyncrules"
)

// TestCheckHeaderSourceLine: every generated file carries the header the
// analyzer recognizes and, on the next line, the hash of the source it was
// generated from, so asynccheck can tell a stale twin without generating.
func TestCheckHeaderSourceLine(t *testing.T) {
	if header != asyncrules.Header {
		t.Fatalf("asyncgen's header %q differs from asyncrules.Header %q", header, asyncrules.Header)
	}
	t.Chdir("../..")
	p, errs := generate("", []string{"./testdata/basic", "./examples/hello"})
	if len(errs) > 0 {
		t.Fatalf("asyncgen failed:\n%s", strings.Join(errs, "\n"))
	}
	if len(p.writes) != 2 {
		t.Fatalf("generated %d files, want 2", len(p.writes))
	}
	for _, w := range p.writes {
		src, err := os.ReadFile(strings.TrimSuffix(w.path, "_async.go") + ".go")
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitN(string(w.content), "\n", 3)
		if lines[0] != header || lines[1] != asyncrules.SourceLine(src) {
			t.Errorf("%s starts\n%s\n%s\nwant\n%s\n%s", filepath.Base(w.path), lines[0], lines[1], header, asyncrules.SourceLine(src))
		}
		gen, source := asyncrules.ParseHeader(w.content)
		if !gen || source != asyncrules.SourceLine(src) {
			t.Errorf("ParseHeader(%s) = %v, %q", filepath.Base(w.path), gen, source)
		}
	}
}
