package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// slotTupleSelf turns testdata/regress_tupleslot's statements
//
//	k := m
//	zero, m = Num(1), k
//	rt.YieldNow()
//
// into the shape of TestRandom's seed 352, zero, m = Num(1), m: zero and m
// both live across a suspension point, never at the same time, so they may
// share a field of the future; but the write to zero is dead and m's is a
// self-assignment, which the printer leaves out. If zero took m's field,
// its write would clobber m (async printed 1 where direct printed 4). That
// shape is not a testdata/ case of its own because go vet (TestVet)
// reports the self-assignment.
var slotTupleSelf = strings.NewReplacer("\t\tk := m\n\t\tzero, m = Num(1), k\n\t\trt.YieldNow()\n", "\t\tzero, m = Num(1), m\n")

// TestSlotTupleSelfAssign checks that the targets of one assignment
// interfere with everything live after it when fields are shared: it
// generates, builds and runs the seed-352 shape in both modes.
func TestSlotTupleSelfAssign(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	dir, err := os.MkdirTemp("testdata", "tmp-slots-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	orig, err := os.ReadFile("../../testdata/regress_tupleslot/main.go")
	if err != nil {
		t.Fatal(err)
	}
	src := slotTupleSelf.Replace(string(orig))
	if src == string(orig) {
		t.Fatal("testdata/regress_tupleslot/main.go no longer has the statements to rewrite")
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	p, errs := generate(dir, []string{"."})
	if len(errs) > 0 {
		t.Fatalf("generate: %v", errs)
	}
	if err := p.apply(); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(t.TempDir(), "prog")
	if out, err := exec.Command("go", "build", "-o", exe, "./"+filepath.ToSlash(dir)).CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	direct, async := runInMode(t, exe, "direct"), runInMode(t, exe, "async")
	if direct != "4\n" {
		t.Errorf("direct mode printed %q, want \"4\\n\"", direct)
	}
	if direct != async {
		t.Errorf("direct and async modes differ\n%s", firstDiff(direct, async))
	}
}
