// Regression: var with several names and one value (comma-ok forms and
// multi-valued calls) in an async function, with and without suspension
// points in the statement. The generator crashed on these.
package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

//async:func
func Key(k string) string {
	rt.YieldNow()
	return k
}

//async:func
func Pair() (int, error) {
	rt.YieldNow()
	return 7, nil
}

func plainPair() (string, bool) { return "p", true }

//async:func
func Main() {
	m := map[string]int{"a": 1, "b": 2}
	var v, ok = m["a"]
	var x any = 3
	var s, isInt = x.(int)
	var str, isStr = x.(string)
	rt.YieldNow()
	fmt.Println(v, ok, s, isInt, str, isStr)
	var w, ok2 = m[Key("b")]
	var miss, ok3 = m[Key("zz")]
	fmt.Println(w, ok2, miss, ok3)
	var n, err = Pair()
	var ps, pb = plainPair()
	rt.YieldNow()
	fmt.Println(n, err, ps, pb)
	var y any = Key("q")
	var q, isQ = y.(string)
	rt.YieldNow()
	fmt.Println(q, isQ)
	for i := 0; i < 2; i++ {
		var got, has = m[Key("a")]
		fmt.Println(i, got, has)
	}
}
