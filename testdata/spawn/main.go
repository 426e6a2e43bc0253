package main

import (
	"errors"
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

//async:func
func Worker(id, n int) int {
	sum := 0
	for i := range n {
		rt.YieldNow()
		sum += id * i
	}
	return sum
}

//async:func
func Pair(id int) (int, string) {
	rt.YieldNow()
	return id, fmt.Sprint("w", id)
}

//async:func
func Boom(id int) int {
	rt.YieldNow()
	if id > 0 {
		panic(fmt.Sprint("boom ", id))
	}
	return id
}

//async:func
func Fanout(n int) int {
	var hs []*rt.JoinHandle[int]
	for i := range n {
		hs = append(hs, rt.Spawn(WorkerAsync(i, 3)))
	}
	total := 0
	for _, h := range hs {
		v, err := h.Join()
		if err != nil {
			return -1
		}
		total += v
	}
	return total
}

//async:func
func Main() {
	h := rt.Spawn(WorkerAsync(2, 5))
	v, err := h.Join()
	fmt.Println("join", v, err)

	var hs []*rt.JoinHandle[int]
	for i := 1; i <= 4; i++ {
		hs = append(hs, rt.Spawn(WorkerAsync(i, i)))
	}
	for i, h := range hs {
		v, err := h.Join()
		fmt.Println("worker", i+1, v, err)
	}

	hp := rt.Spawn(PairAsync(7))
	tup, err := hp.Join()
	fmt.Println("tuple", tup.V0, tup.V1, err)

	// nested spawning
	hf := rt.Spawn(FanoutAsync(5))
	fv, err := hf.Join()
	fmt.Println("fanout", fv, err)

	// panicking task becomes a JoinError
	hb := rt.Spawn(BoomAsync(3))
	bv, err := hb.Join()
	var je *rt.JoinError
	fmt.Println("panic join", bv, errors.As(err, &je), je != nil && je.IsPanic(), je != nil && fmt.Sprint(je.Value) == "boom 3")

	// await a future directly
	av := rt.Await(WorkerAsync(3, 3))
	fmt.Println("await", av)
	ap := rt.Await(PairAsync(9))
	fmt.Println("await tuple", ap.V0, ap.V1)
	r := rt.Await(rt.Ready(42))
	fmt.Println("ready", r)

	// spawn and join in one expression
	v2, _ := rt.Spawn(WorkerAsync(1, 4)).Join()
	fmt.Println("inline", v2)

	// abort a task that is still running; join reports cancellation
	ha := rt.Spawn(WorkerAsync(1, 1000000))
	ha.Abort()
	_, err = ha.Join()
	var je2 *rt.JoinError
	fmt.Println("abort", errors.As(err, &je2) && je2.IsCancelled())
}
