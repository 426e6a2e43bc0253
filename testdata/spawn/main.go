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

// Tree spawns a task per subtree: a function that spawns its own future
// (the spawned future lives in its task, not in the caller's).
//
//async:func
func Tree(depth int) int {
	if depth == 0 {
		return 1
	}
	l := rt.Spawn(TreeAsync(depth - 1))
	r := rt.Spawn(TreeAsync(depth - 1))
	lv, _ := l.Join()
	rv, _ := r.Join()
	return lv + rv + 1
}

// Sets spawns into JoinSets held by value and by pointer, and by name.
//
//async:func
func Sets() {
	var set rt.JoinSet[int]
	for i := range 3 {
		set.Spawn(WorkerAsync(i, 2))
	}
	ps := &rt.JoinSet[int]{}
	ps.Spawn(WorkerAsync(5, 3))
	sum := 0
	for {
		v, ok, err := set.JoinNext()
		if !ok {
			break
		}
		if err == nil {
			sum += v
		}
	}
	v, ok, err := ps.JoinNext()
	fmt.Println("sets", sum, v, ok, err)
	hn := rt.SpawnNamed(fmt.Sprint("worker-", 4), WorkerAsync(4, 2))
	nv, err := hn.Join()
	fmt.Println("named", nv, err)
	// The future's argument suspends: the spawn still takes it by value.
	ht := rt.Spawn(WorkerAsync(rt.Await(WorkerAsync(1, 3)), 2))
	tv, err := ht.Join()
	fmt.Println("spilled", tv, err)
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

	ht := rt.Spawn(TreeAsync(4))
	tv, err := ht.Join()
	fmt.Println("tree", tv, err)
	Sets()
}
