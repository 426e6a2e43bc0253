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
func Y(s string) {
	logf("%s", s)
	rt.YieldNow()
}

//async:func
func Inc(i int) int {
	logf("inc%d", i)
	rt.YieldNow()
	return i + 1
}

// Backward goto across a suspension point: a loop.
//
//async:func
func Count(n int) int {
	i := 0
loop:
	Y(fmt.Sprint("it", i))
	i++
	if i < n {
		goto loop
	}
	return i
}

// Forward gotos out of a lowered loop and out of kept code, skipping
// suspension points.
//
//async:func
func Find(xs []int, want int) (idx int) {
	for i, x := range xs {
		Y(fmt.Sprint("look", x))
		if x == want {
			idx = i
			goto found
		}
	}
	idx = -1
	goto done
found:
	Y("found")
done:
	return
}

// A label on a kept statement that is both a goto target from lowered
// code and named by a continue inside it.
//
//async:func
func Mixed(n int) int {
	sum := 0
	round := 0
again:
	for i := 0; i < n; i++ {
		if i == 2 {
			continue again
		}
		sum += i
	}
	round = Inc(round)
	if round < 3 {
		goto again
	}
	// goto inside a kept if whose label is outside it
	k := 0
step:
	k++
	if k < 4 {
		sum += k
		goto step
	}
	Y(fmt.Sprint("k", k))
	return sum
}

// Goto re-runs a declaration: a variable captured by a closure is fresh
// each time, as Go declares it anew.
//
//async:func
func Fresh() []func() int {
	var fs []func() int
	n := 0
top:
	x := n * 10
	fs = append(fs, func() int { return x })
	Y(fmt.Sprint("x", x))
	x++
	n++
	if n < 3 {
		goto top
	}
	return fs
}

// Goto inside switch cases, from a suspension point's block to labels in
// the enclosing block; fallthrough into a case that suspends.
//
//async:func
func Machine(input string) string {
	var out []string
	pos := 0
start:
	if pos >= len(input) {
		goto end
	}
	switch c := input[pos]; {
	case c >= '0' && c <= '9':
		Y("digit")
		out = append(out, "d")
		pos++
		goto start
	case c == ' ':
		pos++
		fallthrough
	case c == '_':
		Y("space")
		if c == '_' {
			pos++
		}
		goto start
	default:
		out = append(out, string(c))
		pos = Inc(pos)
		goto start
	}
end:
	Y("end")
	return strings.Join(out, ",")
}

// Labels on a block, on an empty statement, on a range loop with a
// suspension point, and a goto out of a nested kept loop.
//
//async:func
func Labels() int {
	total := 0
	tries := 0
retry:
	{
		tries++
		Y(fmt.Sprint("try", tries))
	}
	if tries < 2 {
		goto retry
	}
rows:
	for r := range 3 {
		for c := range 3 {
			if c > r {
				continue rows
			}
			if r == 2 && c == 1 {
				goto out
			}
			total += r*10 + c
		}
		Y(fmt.Sprint("row", r))
	}
out:
	;
	Y("out")
	return total
}

//async:func
func Main() {
	logf("n=%d", Count(3))
	flush("count")
	logf("idx=%d", Find([]int{4, 5, 6}, 5))
	logf("idx=%d", Find([]int{4, 5, 6}, 9))
	flush("find")
	logf("sum=%d", Mixed(4))
	flush("mixed")
	for _, f := range Fresh() {
		logf("f%d", f())
	}
	flush("fresh")
	logf("%s", Machine("a1 b_2 c"))
	flush("machine")
	logf("total=%d", Labels())
	flush("labels")
}
