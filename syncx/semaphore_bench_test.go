package syncx

import (
	"testing"

	"github.com/corio-go/corio/rt"
)

// Semaphore benchmarks; a buffered channel used as a counting semaphore is
// the plain-Go baseline in the same run.

func BenchmarkSemaphoreUncontended(b *testing.B) {
	b.Run("chan", func(b *testing.B) {
		sem := make(chan struct{}, 4)
		b.ReportAllocs()
		for b.Loop() {
			sem <- struct{}{}
			<-sem
		}
	})
	b.Run("direct", func(b *testing.B) {
		s := NewSemaphore(4)
		b.ReportAllocs()
		for b.Loop() {
			if err := s.Acquire(1); err != nil {
				b.Fatal(err)
			}
			s.Release(1)
		}
	})
	b.Run("try", func(b *testing.B) {
		s := NewSemaphore(4)
		b.ReportAllocs()
		for b.Loop() {
			if !s.TryAcquire(1) {
				b.Fatal("TryAcquire failed")
			}
			s.Release(1)
		}
	})
	b.Run("async", func(b *testing.B) {
		s := NewSemaphore(4)
		cx := rt.NewContext(nopWaker{})
		b.ReportAllocs()
		for b.Loop() {
			if err, ok := s.AcquireAsync(1).Poll(cx); !ok || err != nil {
				b.Fatal("uncontended AcquireAsync not ready")
			}
			s.Release(1)
		}
	})
}

// acquireLoopTask acquires and releases one permit of s n times.
func acquireLoopTask(s *Semaphore, n int) rt.Future[struct{}] {
	var f *AcquireFuture
	return rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
		for n > 0 {
			if f == nil {
				f = s.AcquireAsync(1)
			}
			if _, ok := f.Poll(cx); !ok {
				return struct{}{}, false
			}
			f = nil
			s.Release(1)
			n--
		}
		return struct{}{}, true
	})
}

// BenchmarkSemaphoreContended: 8 tasks (or goroutines) share 2 permits.
func BenchmarkSemaphoreContended(b *testing.B) {
	b.Run("chan/8", func(b *testing.B) {
		sem := make(chan struct{}, 2)
		benchGoroutines(b, 8, func(n int) {
			for range n {
				sem <- struct{}{}
				<-sem
			}
		})
	})
	b.Run("direct/8", func(b *testing.B) {
		s := NewSemaphore(2)
		benchGoroutines(b, 8, func(n int) {
			for range n {
				s.Acquire(1)
				s.Release(1)
			}
		})
	})
	b.Run("tasks/8", func(b *testing.B) {
		s := NewSemaphore(2)
		benchTasks(b, 8, func(n int) rt.Future[struct{}] { return acquireLoopTask(s, n) })
	})
}
