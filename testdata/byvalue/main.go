// Package main exercises the by-value rule: awaits of syncx's and rt's
// leaves that have a MakeX (Mutex.Lock, Sender.Send, Receiver.Recv,
// rt.Select2) hold MakeX's future in a typed field of the generated future,
// polled in place; a task aborted while suspended on such a Lock must hand
// the lock on to the next waiter.
package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
	"github.com/corio-go/corio/syncx"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

// Count locks and unlocks mu n times, adding under the lock.
//
//async:func
func Count(mu *syncx.Mutex, total *int, n int) int {
	for range n {
		mu.Lock()
		*total += 1
		mu.Unlock()
	}
	return *total
}

// Produce sends 0..n-1, then closes.
//
//async:func
func Produce(tx *syncx.Sender[int], n int) error {
	for i := range n {
		if err := tx.Send(i * i); err != nil {
			return err
		}
	}
	tx.Close()
	return nil
}

// Sum receives until the channel closes.
//
//async:func
func Sum(rx *syncx.Receiver[int]) (int, int) {
	sum, count := 0, 0
	for {
		v, ok := rx.Recv()
		if !ok {
			return sum, count
		}
		sum += v
		count++
	}
}

// Waiter says it is about to lock (the send is ready at once, so the same
// poll then waits on the lock), locks mu and reports.
//
//async:func
func Waiter(name string, mu *syncx.Mutex, ready *syncx.Sender[string]) string {
	ready.Send(name)
	mu.Lock()
	mu.Unlock()
	return name + " got the lock"
}

// Choose selects, biased to the first, between two receives; the loser is
// cancelled, and must not lose a value sent afterwards.
//
//async:func
func Choose(a, b *syncx.Receiver[string]) string {
	s := rt.Select2Biased(a.RecvAsync(), b.RecvAsync())
	if s.Index == 0 {
		return fmt.Sprint("a:", s.V0.V0)
	}
	return fmt.Sprint("b:", s.V1.V0)
}

// Mixed awaits futures of several types, by value and through the shared
// interface field, in one function.
//
//async:func
func Mixed(mu *syncx.Mutex, tx *syncx.Sender[string], rx *syncx.Receiver[string]) string {
	mu.Lock()
	rt.YieldNow()
	tx.Send("mixed")
	mu.Unlock()
	v, _ := rx.Recv()
	tx.Close()
	d := rt.Select2(rt.SleepAsync(time.Hour), rx.RecvAsync())
	return fmt.Sprint(v, " ", d.Index, " ", d.V1.V1)
}

// Guarded reads under a read lock, writes under the write lock, each
// holding one of sem's permits: RwLock.MakeRLock, MakeLock and
// Semaphore.MakeAcquire.
//
//async:func
func Guarded(rw *syncx.RwLock, sem *syncx.Semaphore, v *int, n int) (int, error) {
	sum := 0
	for i := range n {
		if err := sem.Acquire(1); err != nil {
			return sum, err
		}
		if i%3 == 0 {
			rw.Lock()
			*v += i
			rw.Unlock()
		} else {
			rw.RLock()
			sum += *v
			rw.RUnlock()
		}
		sem.Release(1)
	}
	return sum, nil
}

//async:func
func Main() {
	var mu syncx.Mutex
	total := 0
	fmt.Println("count", Count(&mu, &total, 1000))

	tx, rx := syncx.NewChannel[int](2)
	h := rt.Spawn(ProduceAsync(tx, 50))
	s, c := Sum(rx)
	err, _ := h.Join()
	fmt.Println("sum", s, c, err)

	a, atx := swap(syncx.NewChannel[string](1))
	b, btx := swap(syncx.NewChannel[string](1))
	btx.Send("first")
	fmt.Println("choose", Choose(a, b))
	atx.Send("second")
	fmt.Println("choose", Choose(a, b))
	atx.Send("third")
	btx.Send("fourth")
	fmt.Println("choose", Choose(a, b), Choose(a, b))

	// A waiter aborted while it waits for the lock hands it on.
	readyTx, readyRx := syncx.NewChannel[string](2)
	mu.Lock()
	ha := rt.Spawn(WaiterAsync("A", &mu, readyTx))
	name, _ := readyRx.Recv()
	fmt.Println("queued", name)
	hb := rt.Spawn(WaiterAsync("B", &mu, readyTx))
	name, _ = readyRx.Recv()
	fmt.Println("queued", name)
	ha.Abort()
	mu.Unlock()
	va, erra := ha.Join()
	var je *rt.JoinError
	fmt.Printf("A: %q cancelled=%v\n", va, errors.As(erra, &je) && je.IsCancelled())
	vb, errb := hb.Join()
	fmt.Println("B:", vb, errb)
	fmt.Println("unlocked after", mu.TryLock())
	mu.Unlock()

	var rw syncx.RwLock
	shared := 0
	sem := syncx.NewSemaphore(2)
	g1 := rt.Spawn(GuardedAsync(&rw, sem, &shared, 30))
	g2 := rt.Spawn(GuardedAsync(&rw, sem, &shared, 30))
	_, e1 := g1.Join()
	_, e2 := g2.Join()
	fmt.Println("guarded", shared, e1, e2, sem.Available())

	mtx, mrx := syncx.NewChannel[string](1)
	v, err := rt.Spawn(MixedAsync(&mu, mtx, mrx)).Join()
	fmt.Println("mixed:", v, err)
}

func swap(tx *syncx.Sender[string], rx *syncx.Receiver[string]) (*syncx.Receiver[string], *syncx.Sender[string]) {
	return rx, tx
}
