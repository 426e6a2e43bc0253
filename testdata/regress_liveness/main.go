// Regression: liveness is dataflow over the control-flow graph. A large
// buffer used for the last time after the first suspension point must not
// stay reachable from the suspended future through the loop of suspensions
// that follows (a goroutine's precise stack maps would not keep it either):
// the generated code clears the field at the next suspension point.
package main

import (
	"fmt"
	"runtime"
	"weak"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

// Field holds buf across a suspension point, then drops it.
//
//async:func
func Field() string {
	buf := make([]byte, 64<<20)
	buf[1] = 7
	w := weak.Make(&buf[0])
	rt.YieldNow() // buf is live here: it is used below
	sum := int(buf[1]) + len(buf)>>20
	collected := false
	for i := 0; i < 20 && !collected; i++ {
		rt.YieldNow() // buf is dead here
		runtime.GC()
		collected = w.Value() == nil
	}
	return fmt.Sprint("field: ", sum, " collected while suspended: ", collected)
}

// Local never holds buf across a suspension point.
//
//async:func
func Local() string {
	buf := make([]byte, 64<<20)
	buf[2] = 9
	w := weak.Make(&buf[0])
	sum := int(buf[2])
	collected := false
	for i := 0; i < 20 && !collected; i++ {
		rt.YieldNow()
		runtime.GC()
		collected = w.Value() == nil
	}
	return fmt.Sprint("local: ", sum, " collected while suspended: ", collected)
}

// Param's pointer parameter is dead after its first use.
//
//async:func
func Param(p *[16 << 20]byte) string {
	w := weak.Make(p)
	first := p[0]
	p = nil // the caller's own reference is gone too
	collected := false
	for i := 0; i < 20 && !collected; i++ {
		rt.YieldNow()
		runtime.GC()
		collected = w.Value() == nil
	}
	return fmt.Sprint("param: ", first, " collected while suspended: ", collected)
}

//async:func
func Main() {
	fmt.Println(Field())
	fmt.Println(Local())
	fmt.Println(Param(new([16 << 20]byte)))
}
