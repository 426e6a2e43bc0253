package rt

import (
	"testing"
	"time"
)

// What the opt-in instrumentation costs on the scheduler benchmarks' two
// most poll-bound workloads, against the same runtime without options (the
// default, whose cost over the counters alone BenchmarkSchedSpawnMany and
// BenchmarkSchedPingPong measure):
//
//	go test -run - -bench 'SchedObserve' -benchmem -count 6 ./rt
func BenchmarkSchedObserve(b *testing.B) {
	noop := func(TaskMeta) {}
	for _, o := range []struct {
		name string
		opts []Option
	}{
		{"none", nil},
		{"histogram", []Option{WithPollTimeHistogram()}},
		{"slowpoll", []Option{WithSlowPollThreshold(10 * time.Millisecond)}},
		{"hooks", []Option{WithTaskHooks(TaskHooks{OnSpawn: noop, BeforePoll: noop, AfterPoll: noop, OnComplete: noop})}},
	} {
		b.Run(o.name, func(b *testing.B) {
			b.Run("spawn_many", func(b *testing.B) {
				r := NewCurrentThreadWith(o.opts...)
				defer r.Shutdown()
				b.ReportAllocs()
				benchSpawnMany(b, r)
			})
			b.Run("ping_pong", func(b *testing.B) {
				r := NewCurrentThreadWith(o.opts...)
				defer r.Shutdown()
				b.ReportAllocs()
				pingPong(r, b.N, true)
			})
		})
	}
}

// BenchmarkMetricsSnapshot: what a reader pays (an expvar scrape reads
// one MetricsSnapshot).
func BenchmarkMetricsSnapshot(b *testing.B) {
	r := NewMultiThread(WithWorkers(4), WithPollTimeHistogram())
	defer r.Shutdown()
	b.Run("Metrics", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = r.Metrics()
		}
	})
	b.Run("MetricsSnapshot", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = r.MetricsSnapshot()
		}
	})
}
