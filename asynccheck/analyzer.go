package asynccheck

import (
	"fmt"
	"go/ast"
	"go/token"
	"os"
	"path/filepath"
	"strings"

	"github.com/corio-go/corio/internal/asyncrules"
	"golang.org/x/tools/go/analysis"
)

// Analyzer reports stale or missing generated twins, blocking calls and
// dropped futures in async functions, sync locks held across suspension
// points, and constructs asyncgen cannot lower yet (see the package
// documentation).
var Analyzer = &analysis.Analyzer{
	Name: "asynccheck",
	Doc: `check corio async functions and their generated twins

Reports an //async:func function whose generated twin file is missing,
orphaned or generated from another version of the source; blocking calls
and Go channel operations inside async functions, naming the async
replacement; futures made and dropped (FAsync(x) as a statement) in any
function outside tests; a sync.Mutex or RWMutex held across a suspension
point; and constructs asyncgen does not lower yet. The messages are
asyncgen's own.`,
	URL: "https://pkg.go.dev/github.com/corio-go/corio/asynccheck",
	Run: run,
}

// Category of the findings about generated files; the others are the
// asyncrules categories (blocking, dropped, mutex, twin, unsupported).
const generatedCategory = "generated"

// srcFile is one file of the package being analyzed.
type srcFile struct {
	name      string // as the driver names it (Fset)
	syntax    *ast.File
	generated bool // carries asyncgen's header
	funcs     []*ast.FuncDecl
}

func run(pass *analysis.Pass) (any, error) {
	files := map[string]*srcFile{}
	var order []*srcFile
	for _, f := range pass.Files {
		name := pass.Fset.File(f.FileStart).Name()
		sf := &srcFile{name: name, syntax: f}
		if strings.HasSuffix(name, "_async.go") {
			content, err := readFile(pass, name)
			if err != nil {
				return nil, err
			}
			sf.generated, _ = asyncrules.ParseHeader(content)
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && asyncrules.HasDirective(fd.Doc) {
				sf.funcs = append(sf.funcs, fd)
			}
		}
		files[name] = sf
		order = append(order, sf)
	}
	dropped := map[token.Pos]bool{}
	c := &asyncrules.Checker{
		Info: pass.TypesInfo,
		Pkg:  pass.Pkg,
		RT:   asyncrules.FindRT(pass.Pkg),
		Report: func(pos token.Pos, cat asyncrules.Category, msg string) {
			if cat == asyncrules.Dropped {
				dropped[pos] = true
			}
			pass.Report(analysis.Diagnostic{Pos: pos, Category: string(cat), Message: msg})
		},
		Where: func(pos token.Pos) string {
			p := pass.Fset.Position(pos)
			return fmt.Sprintf("%s:%d:%d", filepath.Base(p.Filename), p.Line, p.Column)
		},
	}
	for _, sf := range order {
		if sf.generated {
			checkOrphan(pass, sf, files)
			continue
		}
		if ast.IsGenerated(sf.syntax) {
			continue // another generator's output: not the user's code
		}
		if err := checkTwinFile(pass, sf, files); err != nil {
			return nil, err
		}
		for _, fd := range sf.funcs {
			if fd.Body != nil && fd.Name.Name != "_" {
				c.Check(fd.Name.Name, fd.Body)
			}
		}
		// Tests make futures for their side effects on purpose (that a
		// constructor panics, what it allocates); there only async
		// functions are held to the rule, by Check.
		if !strings.HasSuffix(sf.name, "_test.go") {
			c.CheckDropped(sf.syntax, dropped)
		}
	}
	return nil, nil
}

// checkTwinFile reports a source file whose generated file is missing,
// hand-written, or generated from other bytes than the source has now.
func checkTwinFile(pass *analysis.Pass, sf *srcFile, files map[string]*srcFile) error {
	if len(sf.funcs) == 0 || strings.HasSuffix(sf.name, "_test.go") {
		return nil // asyncgen generates nothing for it (test files: it refuses)
	}
	var first *ast.FuncDecl
	for _, fd := range sf.funcs {
		if fd.Name.Name != "_" && fd.Body != nil {
			first = fd
			break
		}
	}
	if first == nil {
		return nil
	}
	src := filepath.Base(sf.name)
	twinPath := strings.TrimSuffix(sf.name, ".go") + "_async.go"
	twinName := filepath.Base(twinPath)
	report := func(format string, args ...any) {
		pass.Report(analysis.Diagnostic{Pos: first.Name.Pos(), Category: generatedCategory, Message: fmt.Sprintf(format, args...)})
	}
	twin := files[twinPath]
	if twin == nil {
		report("%s: missing: the twins of %s's async functions (%sAsync…) are not generated; run go generate (asyncgen)", twinName, src, first.Name.Name)
		return nil
	}
	if !twin.generated {
		report("%s exists but was not written by asyncgen (it lacks the %q header); rename it or remove it so asyncgen can generate the twins of %s", twinName, asyncrules.Header, src)
		return nil
	}
	content, err := readFile(pass, twin.name)
	if err != nil {
		return err
	}
	_, recorded := asyncrules.ParseHeader(content)
	source, err := readFile(pass, sf.name)
	if err != nil {
		return err
	}
	switch {
	case recorded == "":
		report("%s: stale: it records no hash of %s (an older asyncgen wrote it), so it may not match the source; run go generate (asyncgen) to regenerate it", twinName, src)
	case recorded != asyncrules.SourceLine(source):
		report("%s: stale: it was generated from another version of %s, so %sAsync and its siblings run the old code; run go generate (asyncgen) to regenerate it", twinName, src, first.Name.Name)
	}
	return nil
}

// checkOrphan reports a generated file whose source has no async function
// (or no longer exists): asyncgen would remove it.
func checkOrphan(pass *analysis.Pass, gen *srcFile, files map[string]*srcFile) {
	src := files[strings.TrimSuffix(gen.name, "_async.go")+".go"]
	if src != nil && len(src.funcs) > 0 {
		return
	}
	pass.Report(analysis.Diagnostic{
		Pos:      gen.syntax.Package,
		Category: generatedCategory,
		Message:  fmt.Sprintf("%s: orphaned (its source has no async functions); run go generate (asyncgen), which removes it", filepath.Base(gen.name)),
	})
}

// readFile reads a file of the package through the driver, which may serve
// an editor's unsaved buffer.
func readFile(pass *analysis.Pass, name string) ([]byte, error) {
	if pass.ReadFile != nil {
		return pass.ReadFile(name)
	}
	return os.ReadFile(name)
}
