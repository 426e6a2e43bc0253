package asynccheck_test

import (
	"fmt"
	"log"
	"path/filepath"
	"testing"

	"github.com/corio-go/corio/asynccheck"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"
)

// Example runs the analyzer the way any go/analysis driver does (go vet
// -vettool, asyncvet, or a program of your own like this one) over a
// package whose async function sleeps, has no generated twin yet, and
// whose plain function drops a future.
//
// The analyzer uses no facts, so only the analyzed packages need syntax:
// their dependencies' types come from the compiler's export data, as under
// go vet, instead of being parsed and type-checked from source (without
// packages.NeedDeps, this package's load is a small fraction of the work).
func Example() {
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
		packages.NeedImports | packages.NeedSyntax | packages.NeedTypes |
		packages.NeedTypesInfo | packages.NeedTypesSizes | packages.NeedModule}
	pkgs, err := packages.Load(cfg, "./testdata/example")
	if err != nil {
		log.Fatal(err)
	}
	graph, err := checker.Analyze([]*analysis.Analyzer{asynccheck.Analyzer}, pkgs, nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, act := range graph.Roots {
		for _, d := range act.Diagnostics {
			p := act.Package.Fset.Position(d.Pos)
			fmt.Printf("%s:%d: [%s] %s\n", filepath.Base(p.Filename), p.Line, d.Category, d.Message)
		}
	}
	// Output:
	// nap.go:13: [generated] nap_async.go: missing: the twins of nap.go's async functions (NapAsync…) are not generated; run go generate (asyncgen)
	// nap.go:14: [blocking] time.Sleep blocks the runtime thread inside async function Nap; use rt.Sleep(d), which suspends only this task
	// nap.go:19: [dropped] the future returned by rt.SleepAsync is dropped, so it never runs; run it with rt.Run(f) or rt.Spawn(f), or call the function without Async
}

// BenchmarkAnalyzer measures one run of the analyzer over a loaded package
// (testdata/rules: 9 async functions, every rule firing), what an editor's
// lint hook or gopls-like driver pays per package beyond type checking:
// hashing the source, scanning the syntax, the twin lookups.
func BenchmarkAnalyzer(b *testing.B) {
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
		packages.NeedImports | packages.NeedDeps | packages.NeedSyntax | packages.NeedTypes |
		packages.NeedTypesInfo | packages.NeedTypesSizes | packages.NeedModule}
	pkgs, err := packages.Load(cfg, "./testdata/rules")
	if err != nil || packages.PrintErrors(pkgs) > 0 {
		b.Fatal("load failed", err)
	}
	b.ReportAllocs()
	for b.Loop() {
		graph, err := checker.Analyze([]*analysis.Analyzer{asynccheck.Analyzer}, pkgs, nil)
		if err != nil {
			b.Fatal(err)
		}
		if n := len(graph.Roots[0].Diagnostics); n == 0 {
			b.Fatal("no diagnostics")
		}
	}
}
