package main

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"
)

// The goroutine side of the syncx rows: Go channels, select, sync.Mutex and
// golang.org/x/sync/semaphore doing what the async functions in workloads.go
// do with syncx and rt.Select2.

// chanCap is the capacity of the bounded channels of the mpsc and select rows
// on both sides.
const chanCap = 128

// goPingPongBuf is goPingPong over channels of capacity buf (0: unbuffered).
func goPingPongBuf(n, buf int) time.Duration {
	a, b := make(chan int, buf), make(chan int, buf)
	go func() {
		for v := range a {
			b <- v
		}
		close(b)
	}()
	start := clockStart()
	for i := 0; i < n; i++ {
		a <- i
		if <-b != i {
			panic("asyncbench: ping_pong echoed the wrong value")
		}
	}
	elapsed := clockSince(start)
	close(a)
	<-b
	return elapsed
}

// goFeed sends 0, 1, …, k-1 on c.
func goFeed(c chan<- int, k int) {
	for i := 0; i < k; i++ {
		c <- i
	}
}

// goMPSC measures n messages sent by p goroutines (n/p each) through one
// buffered channel to this goroutine.
func goMPSC(p, n int) time.Duration {
	ch := make(chan int, chanCap)
	each := n / p
	start := clockStart()
	for range p {
		go goFeed(ch, each)
	}
	got, sum := 0, 0
	for got < each*p {
		got++
		sum += <-ch
	}
	elapsed := clockSince(start)
	checkMPSC(p, each, got, sum)
	return elapsed
}

// checkMPSC panics unless p producers that each sent 0…each-1 delivered
// got messages summing to sum: nothing lost, nothing duplicated.
func checkMPSC(p, each, got, sum int) {
	if got != each*p || sum != p*each*(each-1)/2 {
		panic("asyncbench: mpsc lost or duplicated messages")
	}
}

// goOneshots measures n channels of capacity 1, each made, sent on and
// received from by this goroutine.
func goOneshots(n int) time.Duration {
	sum := 0
	start := clockStart()
	for i := 0; i < n; i++ {
		c := make(chan int, 1)
		c <- i
		sum += <-c
	}
	elapsed := clockSince(start)
	if sum != n*(n-1)/2 {
		panic("asyncbench: oneshot lost a value")
	}
	return elapsed
}

// goShared runs loop on t goroutines at once (on this one if t == 1) and
// returns how long they took.
func goShared(t int, loop func()) time.Duration {
	start := clockStart()
	if t == 1 {
		loop()
		return clockSince(start)
	}
	var wg sync.WaitGroup
	wg.Add(t)
	for range t {
		go func() { loop(); wg.Done() }()
	}
	wg.Wait()
	return clockSince(start)
}

// goMutex measures n Lock+Unlock pairs of one sync.Mutex made by t
// goroutines (n/t each); with t == 1 the loop runs on this goroutine.
func goMutex(t, n int) time.Duration {
	var m sync.Mutex
	x := 0
	each := n / t
	elapsed := goShared(t, func() {
		for i := 0; i < each; i++ {
			m.Lock()
			x++
			m.Unlock()
		}
	})
	if x != each*t {
		panic("asyncbench: the mutex let two goroutines in")
	}
	return elapsed
}

// goSemaphore measures n Acquire+Release pairs on a one-permit
// semaphore.Weighted made by t goroutines (n/t each).
func goSemaphore(t, n int) time.Duration {
	s := semaphore.NewWeighted(1)
	ctx := context.Background()
	x := 0
	each := n / t
	elapsed := goShared(t, func() {
		for i := 0; i < each; i++ {
			if err := s.Acquire(ctx, 1); err != nil {
				panic(err)
			}
			x++
			s.Release(1)
		}
	})
	if x != each*t {
		panic("asyncbench: the semaphore let two goroutines in")
	}
	return elapsed
}

// goSelect measures n messages received by a select over two buffered
// channels, each fed n/2 messages by its own goroutine.
func goSelect(n int) time.Duration {
	a, b := make(chan int, chanCap), make(chan int, chanCap)
	each := n / 2
	start := clockStart()
	go goFeed(a, each)
	go goFeed(b, each)
	var got, sum [2]int
	for i := 0; i < 2*each; i++ {
		select {
		case v := <-a:
			got[0]++
			sum[0] += v
		case v := <-b:
			got[1]++
			sum[1] += v
		}
	}
	elapsed := clockSince(start)
	checkMPSC(1, each, got[0], sum[0])
	checkMPSC(1, each, got[1], sum[1])
	return elapsed
}
