package syncx

import (
	"sync"
	"testing"

	"github.com/corio-go/corio/rt"
)

// Benchmarks of the locks against the sync package in the same run:
//
//	go test -run '^$' -bench 'Mutex|Semaphore|Notify' -benchmem ./syncx
//
// Uncontended: one goroutine, Lock+Unlock per op. Contended: b.N lock+unlock
// pairs split between k tasks of a multi-thread runtime (or k goroutines
// for sync.Mutex), each holding the lock for a trivial critical section.

type nopWaker struct{}

func (nopWaker) Wake() {}

func BenchmarkMutexUncontended(b *testing.B) {
	b.Run("sync.Mutex", func(b *testing.B) {
		var m sync.Mutex
		b.ReportAllocs()
		for b.Loop() {
			m.Lock()
			m.Unlock()
		}
	})
	b.Run("direct", func(b *testing.B) {
		var m Mutex
		b.ReportAllocs()
		for b.Loop() {
			m.Lock()
			m.Unlock()
		}
	})
	b.Run("async", func(b *testing.B) { // LockAsync polled once: ready at once
		var m Mutex
		cx := rt.NewContext(nopWaker{})
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := m.LockAsync().Poll(cx); !ok {
				b.Fatal("uncontended LockAsync pending")
			}
			m.Unlock()
		}
	})
	b.Run("async-value", func(b *testing.B) { // MakeLock: the future held by the caller
		var m Mutex
		cx := rt.NewContext(nopWaker{})
		var f LockFuture
		b.ReportAllocs()
		for b.Loop() {
			f = m.MakeLock()
			if _, ok := f.Poll(cx); !ok {
				b.Fatal("uncontended LockAsync pending")
			}
			m.Unlock()
		}
	})
}

// lockLoopTask locks and unlocks m n times with LockAsync.
func lockLoopTask(m *Mutex, n int, counter *int) rt.Future[struct{}] {
	var f *LockFuture
	return rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
		for n > 0 {
			if f == nil {
				f = m.LockAsync()
			}
			if _, ok := f.Poll(cx); !ok {
				return struct{}{}, false
			}
			f = nil
			*counter++
			m.Unlock()
			n--
		}
		return struct{}{}, true
	})
}

// benchTasks runs k tasks made by mk, splitting b.N operations between
// them, on a fresh multi-thread runtime.
func benchTasks(b *testing.B, k int, mk func(n int) rt.Future[struct{}]) {
	r := rt.NewMultiThread()
	defer r.Shutdown()
	fs := make([]rt.Future[struct{}], k)
	for i := range fs {
		n := b.N / k
		if i == 0 {
			n += b.N % k
		}
		fs[i] = mk(n)
	}
	b.ReportAllocs()
	b.ResetTimer()
	hs := make([]*rt.JoinHandle[struct{}], k)
	for i, f := range fs {
		hs[i] = rt.SpawnOn(r, f)
	}
	for _, h := range hs {
		if _, err := h.Join(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
}

// benchGoroutines runs k goroutines, splitting b.N operations between them.
func benchGoroutines(b *testing.B, k int, body func(n int)) {
	b.ReportAllocs()
	var wg sync.WaitGroup
	for i := range k {
		n := b.N / k
		if i == 0 {
			n += b.N % k
		}
		wg.Go(func() { body(n) })
	}
	wg.Wait()
}

func BenchmarkMutexContended(b *testing.B) {
	for _, k := range []int{2, 8} {
		name := map[int]string{2: "2", 8: "8"}[k]
		// Go's mutex and the direct mode of corio's, through sync.Locker.
		for _, l := range []struct {
			name string
			new  func() sync.Locker
		}{{"sync.Mutex", func() sync.Locker { return new(sync.Mutex) }}, {"direct", func() sync.Locker { return new(Mutex) }}} {
			b.Run(l.name+"/"+name, func(b *testing.B) {
				m := l.new()
				counter := 0
				benchGoroutines(b, k, func(n int) {
					for range n {
						m.Lock()
						counter++
						m.Unlock()
					}
				})
			})
		}
		b.Run("tasks/"+name, func(b *testing.B) {
			var m Mutex
			counter := 0
			benchTasks(b, k, func(n int) rt.Future[struct{}] { return lockLoopTask(&m, n, &counter) })
		})
	}
}
