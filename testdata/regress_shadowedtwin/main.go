// A method whose twin is shadowed: s.String() calls the shallower
// (*bytes.Buffer).String, which has no twin, so it is no suspension point,
// although the deeper, shadowed mystruct.String has StringAsync (Go's
// test/fixedbugs/issue24547.go).
package main

import (
	"bytes"
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

type mystruct struct {
	f int
}

//async:func
func (t mystruct) String() string {
	rt.YieldNow()
	return "FAIL"
}

//async:func
func Main() {
	type deep struct {
		mystruct
	}
	s := struct {
		deep
		*bytes.Buffer
	}{
		deep{},
		bytes.NewBufferString("ok"),
	}
	rt.YieldNow()
	fmt.Println(s.String())
	var i fmt.Stringer = s
	rt.YieldNow()
	fmt.Println(i.String())
	// Not shadowed: promoted through deep, a suspension point.
	d := deep{}
	fmt.Println(d.String(), d.mystruct.String())
}
