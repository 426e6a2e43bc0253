package main

//go:generate go run github.com/corio-go/corio/cmd/asyncgen

import (
	"time"

	"github.com/corio-go/corio/rt"
	"github.com/corio-go/corio/syncx"
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
	start := clockStart()
	for i := 0; i < n; i++ {
		rt.Spawn(trivialAsync(c))
	}
	c.done.Wait()
	return clockSince(start)
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
	start := clockStart()
	rt.Spawn(chainAsync(n, done))
	done.Wait()
	return clockSince(start)
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
	start := clockStart()
	for i := 0; i < tasks; i++ {
		rt.Spawn(yielderAsync(k, c))
	}
	c.done.Wait()
	return clockSince(start)
}

// echo sends back every value it receives until its input is closed.
//
//async:func
func echo(in *syncx.Receiver[int], out *syncx.Sender[int]) {
	for {
		v, ok := in.Recv()
		if !ok {
			break
		}
		if err := out.Send(v); err != nil {
			panic(err)
		}
	}
	out.Close()
}

// pingPong measures n round trips between this task and an echo task over
// two syncx channels of capacity 1 (the Tokio anchor's mpsc::channel(1)).
//
//async:func
func pingPong(n int) time.Duration {
	atx, arx := syncx.NewChannel[int](1)
	btx, brx := syncx.NewChannel[int](1)
	h := rt.Spawn(echoAsync(arx, btx))
	start := clockStart()
	for i := 0; i < n; i++ {
		if err := atx.Send(i); err != nil {
			panic(err)
		}
		if v, ok := brx.Recv(); !ok || v != i {
			panic("asyncbench: ping_pong echoed the wrong value")
		}
	}
	elapsed := clockSince(start)
	atx.Close()
	if _, err := h.Join(); err != nil {
		panic(err)
	}
	return elapsed
}

// produce sends 0, 1, …, k-1 on tx. It leaves the channel open: the
// receiving side counts what it expects (as the goroutine side does).
//
//async:func
func produce(tx *syncx.Sender[int], k int) {
	for i := 0; i < k; i++ {
		if err := tx.Send(i); err != nil {
			panic(err)
		}
	}
}

// mpsc measures n messages sent by p producer tasks (n/p each, every one on
// its own Sender handle) through one bounded channel to this task.
//
//async:func
func mpsc(p, n int) time.Duration {
	tx, rx := syncx.NewChannel[int](chanCap)
	each := n / p
	start := clockStart()
	for i := 0; i < p; i++ {
		rt.Spawn(produceAsync(tx.Clone(), each))
	}
	got, sum := 0, 0
	for got < each*p {
		v, ok := rx.Recv()
		if !ok {
			panic("asyncbench: mpsc channel closed early")
		}
		got++
		sum += v
	}
	elapsed := clockSince(start)
	checkMPSC(p, each, got, sum)
	return elapsed
}

// oneshots measures n oneshot channels, each created, sent on and received
// from by this task.
//
//async:func
func oneshots(n int) time.Duration {
	sum := 0
	start := clockStart()
	for i := 0; i < n; i++ {
		tx, rx := syncx.NewOneshot[int]()
		if err := tx.Send(i); err != nil {
			panic(err)
		}
		v, err := rx.Recv()
		if err != nil {
			panic(err)
		}
		sum += v
	}
	elapsed := clockSince(start)
	if sum != n*(n-1)/2 {
		panic("asyncbench: oneshot lost a value")
	}
	return elapsed
}

// lockLoop increments *x k times, each under m.
//
//async:func
func lockLoop(m *syncx.Mutex, k int, x *int, c *counter) {
	for i := 0; i < k; i++ {
		m.Lock()
		*x++
		m.Unlock()
	}
	c.dec()
}

// mutexRun measures n lock+unlock pairs made by t tasks (n/t each) on one
// mutex; with t == 1 the loop runs in this task, uncontended.
//
//async:func
func mutexRun(t, n int) time.Duration {
	m := &syncx.Mutex{}
	x := 0
	each := n / t
	c := newCounter(t)
	start := clockStart()
	if t == 1 {
		lockLoop(m, each, &x, c)
	} else {
		for i := 0; i < t; i++ {
			rt.Spawn(lockLoopAsync(m, each, &x, c))
		}
		c.done.Wait()
	}
	elapsed := clockSince(start)
	if x != each*t {
		panic("asyncbench: the mutex let two tasks in")
	}
	return elapsed
}

// semLoop increments *x k times, each holding one permit of s.
//
//async:func
func semLoop(s *syncx.Semaphore, k int, x *int, c *counter) {
	for i := 0; i < k; i++ {
		if err := s.Acquire(1); err != nil {
			panic(err)
		}
		*x++
		s.Release(1)
	}
	c.dec()
}

// semaphoreRun measures n acquire+release pairs on a one-permit semaphore
// made by t tasks (n/t each); with t == 1 the loop runs in this task.
//
//async:func
func semaphoreRun(t, n int) time.Duration {
	s := syncx.NewSemaphore(1)
	x := 0
	each := n / t
	c := newCounter(t)
	start := clockStart()
	if t == 1 {
		semLoop(s, each, &x, c)
	} else {
		for i := 0; i < t; i++ {
			rt.Spawn(semLoopAsync(s, each, &x, c))
		}
		c.done.Wait()
	}
	elapsed := clockSince(start)
	if x != each*t {
		panic("asyncbench: the semaphore let two tasks in")
	}
	return elapsed
}

// selectTwo measures n messages received by rt.Select2 over the receives of
// two channels, each fed n/2 messages by its own producer task. The losing
// receive of every select is cancelled, which loses nothing.
//
//async:func
func selectTwo(n int) time.Duration {
	tx0, rx0 := syncx.NewChannel[int](chanCap)
	tx1, rx1 := syncx.NewChannel[int](chanCap)
	each := n / 2
	start := clockStart()
	rt.Spawn(produceAsync(tx0, each))
	rt.Spawn(produceAsync(tx1, each))
	var got, sum [2]int
	for i := 0; i < 2*each; i++ {
		s := rt.Select2(rx0.RecvAsync(), rx1.RecvAsync())
		v := s.V0
		if s.Index == 1 {
			v = s.V1
		}
		if !v.V1 {
			panic("asyncbench: select saw a channel closed")
		}
		got[s.Index]++
		sum[s.Index] += v.V0
	}
	elapsed := clockSince(start)
	checkMPSC(1, each, got[0], sum[0])
	checkMPSC(1, each, got[1], sum[1])
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
