package spin

import (
	"sync"
	"sync/atomic"
	"testing"
)

// TestLockExcludes: goroutines incrementing a plain counter under the lock
// lose no increment, and the word's other bits, changed meanwhile, are kept.
func TestLockExcludes(t *testing.T) {
	const bit = 1 << 30
	var w atomic.Uint64
	var counter int
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 2000 {
				Lock64(&w, uint64(bit))
				counter++
				Unlock64(&w, uint64(bit))
				w.Add(1 << 32) // another owner's bits, outside the lock
			}
			_ = g
		}()
	}
	wg.Wait()
	if counter != 8000 {
		t.Fatalf("counter %d, want 8000: the lock let two holders in", counter)
	}
	if w.Load() != 8000<<32 {
		t.Fatalf("word %#x, want %#x: a bit outside the lock was lost", w.Load(), uint64(8000)<<32)
	}
	var f atomic.Uint32
	f.Store(1)
	Lock32(&f, uint32(4))
	if f.Load() != 5 {
		t.Fatalf("32-bit word %d after Lock, want 5", f.Load())
	}
	Unlock32(&f, uint32(4))
	if f.Load() != 1 {
		t.Fatalf("32-bit word %d after Unlock, want 1", f.Load())
	}
}

// BenchmarkLockUnlock is the uncontended cost, against sync.Mutex's.
func BenchmarkLockUnlock(b *testing.B) {
	b.Run("spin64", func(b *testing.B) {
		var w atomic.Uint64
		for range b.N {
			Lock64(&w, uint64(1<<30))
			Unlock64(&w, uint64(1<<30))
		}
	})
	b.Run("spin32", func(b *testing.B) {
		var w atomic.Uint32
		for range b.N {
			Lock32(&w, uint32(4))
			Unlock32(&w, uint32(4))
		}
	})
	b.Run("mutex", func(b *testing.B) {
		var mu sync.Mutex
		for range b.N {
			mu.Lock()
			mu.Unlock()
		}
	})
}
