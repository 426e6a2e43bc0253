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
func T(name string) bool {
	logf("T%s", name)
	rt.YieldNow()
	return true
}

//async:func
func F(name string) bool {
	logf("F%s", name)
	rt.YieldNow()
	return false
}

func pt(name string) bool { logf("pt%s", name); return true }
func pf(name string) bool { logf("pf%s", name); return false }

//async:func
func Main() {
	if pf("1") && T("1") {
		logf("then")
	} else {
		logf("else")
	}
	flush("pf && T")

	if pt("2") || T("2") {
		logf("then")
	}
	flush("pt || T")

	if pt("3") && T("3") {
		logf("then")
	}
	flush("pt && T")

	if pf("4") || F("4") {
		logf("then")
	} else {
		logf("else")
	}
	flush("pf || F")

	if F("5") && pt("5") {
		logf("then")
	} else {
		logf("else")
	}
	flush("F && pt")

	if T("6") || pt("6") {
		logf("then")
	}
	flush("T || pt")

	b := F("7") && T("7")
	flush(fmt.Sprint("assign F && T ", b))

	b = T("8") && F("8") || T("9")
	flush(fmt.Sprint("T && F || T ", b))

	b = F("10") || T("11") && F("12")
	flush(fmt.Sprint("F || T && F ", b))

	b = pf("13") && (T("13") || T("14"))
	flush(fmt.Sprint("pf && (T||T) ", b))

	b = !(T("15") && !F("16"))
	flush(fmt.Sprint("!(T && !F) ", b))

	n := 0
	for n < 5 && T(fmt.Sprint("loop", n)) {
		n++
	}
	flush(fmt.Sprint("for cond ", n))

	for i := 0; i < 3; i++ {
		if i%2 == 0 || F(fmt.Sprint("odd", i)) {
			logf("even%d", i)
		}
	}
	flush("in loop")

	var s []int
	ok := len(s) > 0 && s[0] == 1 && T("never")
	flush(fmt.Sprint("guard ", ok))

	fmt.Println("args", T("a") && F("b"), F("c") && T("d"), pt("e") || T("f"))
	flush("args")

	v := 0
	set := func() bool { v++; return true }
	b = set() && T("x") && set() && F("y") && set()
	flush(fmt.Sprint("side effects ", b, v))
}
