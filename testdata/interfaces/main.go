package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

// Source yields numbers; Next has an async twin, so a call through the
// interface is a suspension point too.
type Source interface {
	Next() (int, bool)
	NextAsync() rt.Future[rt.Tuple2[int, bool]]
}

// Counter is a Source whose Next is an async method.
type Counter struct{ n, max int }

//async:func
func (c *Counter) Next() (int, bool) {
	rt.YieldNow()
	if c.n >= c.max {
		return 0, false
	}
	c.n++
	return c.n, true
}

// Named embeds *Counter: NextAsync is promoted with Next.
type Named struct {
	*Counter
	name string
}

// later is a hand-written future: pending until polled k times.
type later struct{ k, v int }

func (l *later) Poll(cx *rt.Context) (int, bool) {
	if l.k > 0 {
		l.k--
		cx.Waker().Wake()
		return 0, false
	}
	return l.v, true
}

// Sum drains a Source through the interface.
//
//async:func
func Sum(s Source) int {
	total := 0
	for {
		v, ok := s.Next()
		if !ok {
			return total
		}
		total += v
	}
}

//async:func
func Main() {
	fmt.Println("sum", Sum(&Counter{max: 4}))
	n := Named{&Counter{max: 3}, "embedded"}
	v, ok := n.Next()
	fmt.Println(n.name, v, ok, Sum(n))
	fmt.Println("await", rt.Await[int](&later{k: 3, v: 42}), rt.Await(rt.Future[int](&later{k: 1, v: 7})))
	h := rt.Spawn(SumAsync(&Counter{max: 5}))
	r, err := h.Join()
	fmt.Println("joined", r, err, h.IsFinished())
}
