package syncx

import (
	"testing"

	"github.com/corio-go/corio/rt"
)

// BenchmarkNotifyPingPong: one op is a round trip between two tasks (or
// goroutines): A notifies B, B notifies A. The Go baseline is the same
// round trip over two unbuffered channels.
func BenchmarkNotifyPingPong(b *testing.B) {
	b.Run("chan", func(b *testing.B) {
		ping, pong := make(chan struct{}), make(chan struct{})
		go func() {
			for range ping {
				pong <- struct{}{}
			}
		}()
		b.ReportAllocs()
		for b.Loop() {
			ping <- struct{}{}
			<-pong
		}
		close(ping)
	})
	b.Run("direct", func(b *testing.B) {
		var ping, pong Notify
		done := make(chan struct{})
		n := b.N
		go func() {
			for range n {
				ping.Notified()
				pong.NotifyOne()
			}
			close(done)
		}()
		b.ReportAllocs()
		for range n {
			ping.NotifyOne()
			pong.Notified()
		}
		<-done
	})
	for _, multi := range []bool{false, true} {
		name := map[bool]string{false: "tasks-current", true: "tasks-multi"}[multi]
		b.Run(name, func(b *testing.B) {
			var ping, pong Notify
			var r *rt.Runtime
			if multi {
				r = rt.NewMultiThread()
			} else {
				r = rt.NewCurrentThread()
			}
			defer r.Shutdown()
			n := b.N
			b.ReportAllocs()
			b.ResetTimer()
			echo := rt.SpawnOn(r, notifyBounceTask(&ping, &pong, n, false))
			serve := rt.SpawnOn(r, notifyBounceTask(&pong, &ping, n, true))
			// BlockOn drives a current-thread runtime; on a multi-thread one
			// it only waits.
			for _, h := range []*rt.JoinHandle[struct{}]{echo, serve} {
				if out := rt.BlockOn(r, h.JoinAsync()); out.V1 != nil {
					b.Fatal(out.V1)
				}
			}
		})
	}
}

// notifyBounceTask waits on wait and signals signal n times; the first one
// signals before it waits.
func notifyBounceTask(wait, signal *Notify, n int, first bool) rt.Future[struct{}] {
	var f *NotifiedFuture
	sent := false
	return rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
		for n > 0 {
			if first && !sent {
				signal.NotifyOne()
				sent = true
			}
			if f == nil {
				f = wait.NotifiedAsync()
			}
			if _, ok := f.Poll(cx); !ok {
				return struct{}{}, false
			}
			f = nil
			sent = false
			if !first {
				signal.NotifyOne()
			}
			n--
		}
		return struct{}{}, true
	})
}
