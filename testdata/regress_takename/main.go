// Regression: the helper through which a field's last use moves its value
// out of the future (take) is named unlike every name the package uses: a
// package-level take, a local take2 and a parameter take3 below.
package main

import (
	"fmt"
	"strings"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

func take(s string) string { return strings.ToUpper(s) }

//async:func
func Join(take3 []string) string {
	take2 := strings.Join(take3, "+")
	rt.YieldNow()
	fmt.Println(take(take2), len(take3)) // the last uses of take2 and take3
	return "done"
}

//async:func
func Main() {
	words := []string{"a", "b"}
	fmt.Println(Join(words))
	rt.YieldNow()
	fmt.Println(len(words)) // the last use of words
}
