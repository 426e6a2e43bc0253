package main

//go:generate go run github.com/corio-go/corio/cmd/asyncgen

import (
	"time"

	"github.com/corio-go/corio/rt"
)

// The corio side of each workload, written as async functions: asyncgen
// lowers them into the futures (workloads_async.go) that the benchmark runs,
// so the numbers include what generated code costs, not a hand-tuned future.
// Each mirrors the goroutine version in goroutines.go and the anchors'.

// inside runs f as a task on the runtime polling it and returns its output.
// The workloads run inside a task, like the Tokio anchor's, so that their
// spawns are spawns from a worker, not from the BlockOn goroutine.
//
//async:func
func inside(f rt.Future[time.Duration]) time.Duration {
	h := rt.Spawn(f)
	d, err := h.Join()
	if err != nil {
		panic(err)
	}
	return d
}

// trivial is spawn_many's task: it only counts itself done.
//
//async:func
func trivial(c *counter) {
	c.dec()
}

// spawnMany spawns n trivial tasks and waits until all have run.
//
//async:func
func spawnMany(n int) time.Duration {
	c := newCounter(n)
	start := time.Now()
	for i := 0; i < n; i++ {
		rt.Spawn(trivialAsync(c))
	}
	c.done.Wait()
	return time.Since(start)
}

// chain spawns the next link until n reaches zero, then fires done.
//
//async:func
func chain(n int, done *signal) {
	if n == 0 {
		done.Fire()
		return
	}
	rt.Spawn(chainAsync(n-1, done))
}

// chainedSpawn measures n spawns, each made by the previous task.
//
//async:func
func chainedSpawn(n int) time.Duration {
	done := &signal{}
	start := time.Now()
	rt.Spawn(chainAsync(n, done))
	done.Wait()
	return time.Since(start)
}

// yielder yields k times, then counts itself done.
//
//async:func
func yielder(k int, c *counter) {
	for i := 0; i < k; i++ {
		rt.YieldNow()
	}
	c.dec()
}

// yieldMany runs tasks tasks that each yield k times.
//
//async:func
func yieldMany(tasks, k int) time.Duration {
	c := newCounter(tasks)
	start := time.Now()
	for i := 0; i < tasks; i++ {
		rt.Spawn(yielderAsync(k, c))
	}
	c.done.Wait()
	return time.Since(start)
}

// echo sends back every value it receives until it receives a negative one.
//
//async:func
func echo(in, out *mailbox) {
	for {
		v := in.Recv()
		if v < 0 {
			return
		}
		out.Send(v)
	}
}

// pingPong measures n round trips between this task and an echo task.
//
//async:func
func pingPong(n int) time.Duration {
	a, b := &mailbox{}, &mailbox{}
	h := rt.Spawn(echoAsync(a, b))
	start := time.Now()
	for i := 0; i < n; i++ {
		a.Send(i)
		b.Recv()
	}
	elapsed := time.Since(start)
	a.Send(-1)
	h.Join()
	return elapsed
}

// idleOnNotify counts itself started, then waits on n.
//
//async:func
func idleOnNotify(n *notify, started *counter) {
	started.dec()
	n.Wait()
}

// idleOnSleep counts itself started, then sleeps for an hour.
//
//async:func
func idleOnSleep(started *counter) {
	started.dec()
	rt.Sleep(time.Hour)
}

// spawnIdle spawns k tasks that suspend on n (on a one-hour sleep if n is
// nil) and returns once every one of them has started.
//
//async:func
func spawnIdle(k int, n *notify) {
	started := newCounter(k)
	for i := 0; i < k; i++ {
		if n != nil {
			rt.Spawn(idleOnNotifyAsync(n, started))
		} else {
			rt.Spawn(idleOnSleepAsync(started))
		}
	}
	started.done.Wait()
}
