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
func Less(i, n int) bool {
	logf("c%d", i)
	rt.YieldNow()
	return i < n
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

//async:func
func FindPair(target int) (int, int) {
	for i := 0; i < 5; i++ {
		for j := 0; j < 5; j++ {
			Y(fmt.Sprintf("f%d%d", i, j))
			if i*j == target {
				return i, j
			}
		}
	}
	return -1, -1
}

//async:func
func FirstNeg(xs []int) int {
	for i, x := range xs {
		if x < 0 {
			Y("neg")
			return i
		}
	}
	Y("none")
	return -1
}

//async:func
func Main() {
	// suspending cond
	for i := 0; Less(i, 3); i++ {
		logf("b%d", i)
	}
	flush("cond")

	// suspending post
	for i := 0; i < 3; i = Inc(i) {
		logf("b%d", i)
	}
	flush("post")

	// suspending body
	for i := 0; i < 3; i++ {
		Y(fmt.Sprint("b", i))
	}
	flush("body")

	// all three
	for i := 0; Less(i, 4); i = Inc(i) {
		Y(fmt.Sprint("b", i))
	}
	flush("all")

	// continue runs suspending post
	for i := 0; i < 6; i = Inc(i) {
		if i%2 == 0 {
			continue
		}
		logf("odd%d", i)
	}
	flush("continue+post")

	// continue after a suspension in body
	for i := 0; Less(i, 4); i++ {
		Y(fmt.Sprint("y", i))
		if i == 1 {
			continue
		}
		logf("after%d", i)
	}
	flush("continue after susp")

	// while-style
	n := 0
	for n < 3 {
		Y(fmt.Sprint("w", n))
		n++
	}
	flush("while")

	// while-style with suspending cond
	n = 0
	for Less(n, 2) {
		n++
	}
	flush("while cond")

	// infinite with break
	n = 0
	for {
		Y(fmt.Sprint("inf", n))
		n++
		if n == 3 {
			break
		}
	}
	flush("infinite")

	// infinite with break before suspension
	n = 0
	for {
		if n == 2 {
			break
		}
		n++
		Y(fmt.Sprint("inf2-", n))
	}
	flush("infinite2")

	// labels across nested suspending loops
outer:
	for i := 0; i < 4; i++ {
		for j := 0; j < 4; j++ {
			Y(fmt.Sprintf("%d%d", i, j))
			if j == 2 {
				continue outer
			}
			if i == 2 {
				break outer
			}
		}
		logf("never")
	}
	flush("labels")

	// labeled continue with suspending post on outer
outer2:
	for i := 0; i < 3; i = Inc(i) {
		for j := 0; ; j++ {
			if j > i {
				continue outer2
			}
			logf("%d%d", i, j)
		}
	}
	flush("labeled continue post")

	// plain inner loop with break/continue to a suspending outer label
outer3:
	for i := 0; i < 4; i++ {
		Y(fmt.Sprint("o", i))
		for j := 0; j < 4; j++ {
			if j == 1 && i == 1 {
				continue outer3
			}
			if i == 3 {
				break outer3
			}
			if j == 2 {
				break
			}
			logf("in%d%d", i, j)
		}
		logf("end%d", i)
	}
	flush("plain inner")

	// unlabeled break in inner suspending loop, outer continues
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			if j == i {
				break
			}
			Y(fmt.Sprintf("x%d%d", i, j))
		}
	}
	flush("inner break")

	// labeled break out of a switch-less block level
	k := 0
lbl:
	for {
		for {
			k++
			Y(fmt.Sprint("k", k))
			if k > 2 {
				break lbl
			}
		}
	}
	flush("break lbl")

	a, b := FindPair(6)
	flush(fmt.Sprint("FindPair ", a, b))
	a, b = FindPair(100)
	flush(fmt.Sprint("FindPair none ", a, b))
	fmt.Println("FirstNeg", FirstNeg([]int{1, 2, -3, 4}), FirstNeg(nil))
	flush("FirstNeg")

	// loop vars declared and changed: i modified in body
	for i := 0; i < 10; i++ {
		Y(fmt.Sprint("m", i))
		i += 2
	}
	flush("modify i")

	// nested loops where only inner suspends, shared counters
	total := 0
	for i := 0; i < 3; i++ {
		for j := i; j < 3; j = Inc(j) {
			total += i * j
		}
	}
	flush(fmt.Sprint("total ", total))
}
