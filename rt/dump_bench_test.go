package rt

import (
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkDump100k: one Dump of a runtime with 100,000 tasks suspended two
// awaits deep on a leaf (the shape of a server's idle connections). pause-µs
// is the longest the dump held anything of the runtime (Dump's Pause): a
// multi-thread runtime's shard of the task list, a current-thread runtime's
// driving goroutine; tasks-µs is the whole dump.
func BenchmarkDump100k(b *testing.B) {
	const n = 100_000
	for _, flavour := range []string{"current-thread", "multi-thread"} {
		b.Run(flavour, func(b *testing.B) {
			var r *Runtime
			if flavour == "multi-thread" {
				r = NewMultiThread(WithWorkers(2))
			} else {
				r = NewCurrentThread()
			}
			var polls atomic.Int64
			leaves := make([]*gateLeaf, n)
			for i := range leaves {
				var f *handlerFuture
				f, leaves[i] = connTask(i, &polls)
				SpawnOn[struct{}](r, f)
			}
			main := &gateLeaf{}
			done := make(chan struct{})
			if flavour == "current-thread" {
				// A BlockOn drives it: the dump is served at a poll boundary.
				go func() {
					defer close(done)
					BlockOn[struct{}](r, main)
				}()
			}
			waitFor(func() bool { return polls.Load() == n })
			var pause time.Duration
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				d := r.Dump()
				if len(d.Tasks) != n {
					b.Fatalf("%d tasks", len(d.Tasks))
				}
				pause = max(pause, d.Pause)
			}
			b.ReportMetric(float64(pause.Microseconds()), "max-pause-µs")
			b.StopTimer()
			main.release()
			if flavour == "current-thread" {
				<-done
			}
			r.Shutdown()
		})
	}
}

// BenchmarkDumpText100k: the grouped text of a 100,000-task dump.
func BenchmarkDumpText100k(b *testing.B) {
	const n = 100_000
	r := NewCurrentThread()
	defer r.Shutdown()
	for i := 0; i < n; i++ {
		f, _ := connTask(i, nil)
		SpawnOn[struct{}](r, f)
	}
	d := r.Dump()
	b.ReportAllocs()
	var w discardCounter
	for b.Loop() {
		d.WriteText(&w, 1)
	}
	b.ReportMetric(float64(w.n)/float64(b.N), "bytes/op")
}

type discardCounter struct{ n int }

func (w *discardCounter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }
