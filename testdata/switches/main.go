package main

import (
	"fmt"
	"strings"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

var log []string

func logf(format string, args ...any) { log = append(log, fmt.Sprintf(format, args...)) }

func flush(label string) {
	fmt.Println(label+":", strings.Join(log, " "))
	log = nil
}

//async:func
func V(n int) int {
	logf("v%d", n)
	rt.YieldNow()
	return n
}

//async:func
func B(name string, b bool) bool {
	logf("%s", name)
	rt.YieldNow()
	return b
}

func pv(n int) int { logf("pv%d", n); return n }

//async:func
func Classify(x int) string {
	switch {
	case x < 0:
		return "neg"
	case B("zero?", x == 0):
		return "zero"
	case x < V(10):
		return "small"
	}
	return "big"
}

//async:func
func Main() {
	// tag switch, cases suspend, lazy in order
	for _, x := range []int{1, 2, 3, 4} {
		switch V(x) {
		case V(1):
			logf("one")
		case pv(2), V(3):
			logf("two-or-three")
		default:
			logf("default")
		}
		flush(fmt.Sprint("tag ", x))
	}

	// default in the middle
	for _, x := range []int{1, 5, 3} {
		switch x {
		case V(1):
			logf("one")
		default:
			logf("default")
			V(0)
		case V(3):
			logf("three")
		}
		flush(fmt.Sprint("default middle ", x))
	}

	// switch with init, tagless
	for i := 0; i < 4; i++ {
		switch y := V(i) * 2; {
		case y == 0:
			logf("zero")
		case B("b1", y == 2):
			logf("two")
			fallthrough
		case B("b2", false):
			logf("fell")
		case y > 100:
			logf("never")
		default:
			logf("dflt %d", y)
		}
		flush(fmt.Sprint("init tagless ", i))
	}

	// switch with init and tag
	switch z := V(7); z + V(1) {
	case 8:
		logf("eight %d", z)
	}
	flush("init tag")

	// fallthrough chain with suspension in bodies
	switch V(1) {
	case 1:
		V(100)
		fallthrough
	case 2:
		V(200)
		fallthrough
	default:
		V(300)
	case 4:
		logf("never")
	}
	flush("fallthrough")

	// fallthrough into default in the middle
	switch 5 {
	case 5:
		logf("five")
		fallthrough
	default:
		logf("dflt")
		fallthrough
	case V(6):
		logf("six body")
	}
	flush("fallthrough default")

	// break inside switch inside loop: breaks switch only
	n := 0
	for i := 0; i < 4; i++ {
		switch i {
		case 1:
			V(i)
			break
		case 2:
			if B("c", true) {
				break
			}
			logf("never")
		}
		n++
		logf("after%d", i)
	}
	flush(fmt.Sprint("break in switch ", n))

	// labeled break/continue of the loop from a switch
loop:
	for i := 0; i < 5; i++ {
		switch {
		case i == 1:
			V(i)
			continue loop
		case B(fmt.Sprint("t", i), i == 3):
			break loop
		}
		logf("end%d", i)
	}
	flush("labeled from switch")

	// labeled switch and break label
sw:
	switch V(2) {
	case 2:
		for j := 0; j < 3; j++ {
			V(j + 10)
			if j == 1 {
				break sw
			}
		}
		logf("never")
	}
	flush("labeled switch")

	// switch on string, no match, no default
	switch s := "x"; s {
	case "a", "b":
		V(1)
	}
	flush("nomatch")

	for _, x := range []int{-1, 0, 5, 50} {
		logf("%s", Classify(x))
		flush(fmt.Sprint("classify ", x))
	}

	// switch shadowing variable in init
	x := 1
	switch x := V(2); x {
	case 2:
		x := V(3)
		logf("inner %d", x)
	}
	flush(fmt.Sprint("shadow ", x))

	// switch on bool-returning async call, result unused cases evaluate
	switch B("tag", true) {
	case B("c1", false), B("c2", true), B("c3", true):
		logf("matched")
	}
	flush("bool tag")

	// empty switch with suspension in init
	switch V(9); {
	}
	flush("empty")
}
