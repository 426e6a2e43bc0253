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
func Inc(i int) int {
	logf("p%d", i)
	rt.YieldNow()
	return i + 1
}

//async:func
func Y(s string) {
	logf("%s", s)
	rt.YieldNow()
}

var vals = []any{1, "s", 2.5, nil, 3}

//async:func
func Main() {
	// plain type switch with continue/break inside a suspending loop
	for i := 0; i < len(vals); i = Inc(i) {
		switch v := vals[i].(type) {
		case string:
			continue
		case float64:
			logf("f%v", v)
			break
		case nil:
			logf("nil")
		default:
			logf("d%v", v)
		}
		logf("end%d", i)
	}
	flush("type switch")

	// type switch with break to a label of the suspending loop
outer:
	for i, x := range vals {
		Y(fmt.Sprint("y", i))
		switch x.(type) {
		case float64:
			break outer
		case string:
			continue outer
		}
		logf("end%d", i)
	}
	flush("type switch labels")

	// plain expression switch (no suspension) with continue/break inside a suspending loop
	for i := 0; i < 5; i = Inc(i) {
		switch i {
		case 1:
			continue
		case 3:
			break
		default:
			logf("d%d", i)
		}
		logf("e%d", i)
	}
	flush("plain switch")

	// plain if / plain block with break/continue
	for i := 0; i < 5; i++ {
		Y(fmt.Sprint("y", i))
		{
			if i == 1 {
				continue
			}
			if i == 3 {
				break
			}
		}
		logf("e%d", i)
	}
	flush("plain if")

	// plain inner range loop with labeled continue to suspending outer range loop
	m := [][]int{{1, 2, 3}, {4, -1, 6}, {7, 8, 9}}
rows:
	for r, row := range m {
		Y(fmt.Sprint("r", r))
		for _, v := range row {
			if v < 0 {
				continue rows
			}
			if v > 8 {
				break rows
			}
			logf("%d", v)
		}
		logf("rowend%d", r)
	}
	flush("plain inner range")

	// three levels, the middle one plain
	for a := 0; a < 2; a++ {
	mid:
		for b := 0; b < 3; b++ {
			for c := 0; c < 3; c++ {
				Y(fmt.Sprintf("%d%d%d", a, b, c))
				if c == 1 {
					continue mid
				}
				if b == 2 {
					break mid
				}
			}
		}
	}
	flush("three levels")

	// labeled continue whose target loop has a suspending post, from a plain switch
L:
	for i := 0; i < 4; i = Inc(i) {
		for j := 0; j < 2; j++ {
			switch {
			case i == j:
				continue L
			}
			logf("%d%d", i, j)
		}
	}
	flush("continue L from switch")

	// label on while on a suspending loop, plus break out of a labeled block-level switch
	x := 0
U:
	for x < 3 {
		x = Inc(x)
		if x == 1 {
			continue U
		}
		logf("x%d", x)
	}
	_ = x
	flush("label on while")

	// continue inside a plain func literal's loop is plain and unaffected
	for i := 0; i < 2; i++ {
		Y(fmt.Sprint("f", i))
		func() {
			for j := 0; j < 3; j++ {
				if j == 1 {
					continue
				}
				logf("lit%d%d", i, j)
			}
		}()
	}
	flush("literal loop")
}
