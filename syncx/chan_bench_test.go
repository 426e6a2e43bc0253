package syncx

import (
	"strconv"
	"sync"
	"testing"

	"github.com/corio-go/corio/rt"
)

// Channel benchmarks, each beside the Go-channel version of the same
// workload. Run with
//
//	go test -run '^$' -bench 'Chan|PingPong|Oneshot' -benchmem -count 5 ./syncx
//
// The corio tasks are hand-written futures shaped like asyncgen's output
// (one future field per await, reset to nil after it completes), so the
// numbers are those of generated code.

// benchRun runs the tasks on a fresh runtime (current-thread or multi-thread
// with the default number of workers) and waits for all of them.
func benchRun(b *testing.B, multi bool, fs ...rt.Future[struct{}]) {
	var r *rt.Runtime
	if multi {
		r = rt.NewMultiThread()
	} else {
		r = rt.NewCurrentThread()
	}
	defer r.Shutdown()
	joins := make([]rt.Future[rt.Tuple2[struct{}, error]], len(fs))
	b.ResetTimer()
	for i, f := range fs {
		joins[i] = rt.SpawnOn(r, f).JoinAsync()
	}
	next := 0
	rt.BlockOn(r, rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
		for next < len(joins) {
			if _, ok := joins[next].Poll(cx); !ok {
				return struct{}{}, false
			}
			next++
		}
		return struct{}{}, true
	}))
	b.StopTimer()
}

// pingPongTask sends i on out and waits for the reply on in, n times
// (starter), or waits on in and sends back on out (echoer).
func pingPongTask(in *Receiver[int], out *Sender[int], n int, starter bool) rt.Future[struct{}] {
	i := 0
	var sf *SendFuture[int]
	var rf *RecvFuture[int]
	sending := starter
	return rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
		for i < n {
			if sending {
				if sf == nil {
					sf = out.SendAsync(i)
				}
				if _, ok := sf.Poll(cx); !ok {
					return struct{}{}, false
				}
				sf = nil
				sending = false
				if !starter {
					i++
				}
				continue
			}
			if rf == nil {
				rf = in.RecvAsync()
			}
			if _, ok := rf.Poll(cx); !ok {
				return struct{}{}, false
			}
			rf = nil
			sending = true
			if starter {
				i++
				sending = i < n
			}
		}
		return struct{}{}, true
	})
}

// pingPongInline is pingPongTask holding its send and receive futures by
// value in its own state (MakeSend, MakeRecv) instead of taking the
// handles' embedded ones (SendAsync, RecvAsync): no claim and release, two
// atomic operations per operation. It is what generated code would get if
// asyncgen held other packages' futures inline.
func pingPongInline(in *Receiver[int], out *Sender[int], n int, starter bool) rt.Future[struct{}] {
	i := 0
	var st struct {
		sf     SendFuture[int]
		rf     RecvFuture[int]
		active bool // the future of the current step was made
	}
	sending := starter
	return rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
		for i < n {
			if sending {
				if !st.active {
					st.sf = out.MakeSend(i)
					st.active = true
				}
				if _, ok := st.sf.Poll(cx); !ok {
					return struct{}{}, false
				}
				st.active = false
				sending = false
				if !starter {
					i++
				}
				continue
			}
			if !st.active {
				st.rf = in.MakeRecv()
				st.active = true
			}
			if _, ok := st.rf.Poll(cx); !ok {
				return struct{}{}, false
			}
			st.active = false
			sending = true
			if starter {
				i++
				sending = i < n
			}
		}
		return struct{}{}, true
	})
}

// BenchmarkPingPong: one op is a round trip between two tasks over two
// channels of capacity 1. The inline rows hold the futures by value
// (pingPongInline).
func BenchmarkPingPong(b *testing.B) {
	for _, mode := range []struct {
		name  string
		multi bool
	}{{"corio/current", false}, {"corio/multi", true}} {
		b.Run(mode.name, func(b *testing.B) {
			atx, arx := NewChannel[int](1)
			btx, brx := NewChannel[int](1)
			b.ReportAllocs()
			benchRun(b, mode.multi, pingPongTask(brx, atx, b.N, true), pingPongTask(arx, btx, b.N, false))
		})
		b.Run(mode.name+"/inline", func(b *testing.B) {
			atx, arx := NewChannel[int](1)
			btx, brx := NewChannel[int](1)
			b.ReportAllocs()
			benchRun(b, mode.multi, pingPongInline(brx, atx, b.N, true), pingPongInline(arx, btx, b.N, false))
		})
	}
	for _, size := range []int{0, 1} {
		b.Run("go/buffer="+strconv.Itoa(size), func(b *testing.B) {
			ping, pong := make(chan int, size), make(chan int, size)
			b.ReportAllocs()
			go func() {
				for v := range ping {
					pong <- v
				}
				close(pong)
			}()
			for i := 0; i < b.N; i++ {
				ping <- i
				<-pong
			}
			close(ping)
		})
	}
}

// BenchmarkChanThroughput: one op is one value through a channel of
// capacity 64 from P producers to one consumer.
func BenchmarkChanThroughput(b *testing.B) {
	for _, producers := range []int{1, 2, 8} {
		p := strconv.Itoa(producers)
		for _, mode := range []struct {
			name  string
			multi bool
		}{{"corio/current", false}, {"corio/multi", true}} {
			b.Run(mode.name+"/producers="+p, func(b *testing.B) {
				tx, rx := NewChannel[int](64)
				count := 0
				tasks := []rt.Future[struct{}]{chReceiveAll(rx, func(int) { count++ })}
				for i := 0; i < producers; i++ {
					s := tx
					if i > 0 {
						s = tx.Clone()
					}
					n := b.N / producers
					if i == 0 {
						n += b.N % producers
					}
					tasks = append(tasks, chSender(s, 0, n))
				}
				b.ReportAllocs()
				benchRun(b, mode.multi, tasks...)
				if count != b.N {
					b.Fatalf("received %d of %d", count, b.N)
				}
			})
		}
		for _, size := range []int{0, 64} {
			b.Run("go/buffer="+strconv.Itoa(size)+"/producers="+p, func(b *testing.B) {
				ch := make(chan int, size)
				var wg sync.WaitGroup
				b.ReportAllocs()
				for i := 0; i < producers; i++ {
					n := b.N / producers
					if i == 0 {
						n += b.N % producers
					}
					wg.Add(1)
					go func() {
						defer wg.Done()
						for j := 0; j < n; j++ {
							ch <- j
						}
					}()
				}
				go func() { wg.Wait(); close(ch) }()
				count := 0
				for range ch {
					count++
				}
				if count != b.N {
					b.Fatalf("received %d of %d", count, b.N)
				}
			})
		}
	}
}

// BenchmarkOneshot: one op creates a oneshot channel, sends on it and
// receives from it (the receive finds the value at its first poll), inside
// one task; beside it the same with a Go channel of capacity 1.
func BenchmarkOneshot(b *testing.B) {
	b.Run("corio", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		var f *OneshotRecvFuture[int]
		benchRun(b, false, rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
			for ; i < b.N; i++ {
				if f == nil {
					tx, rx := NewOneshot[int]()
					tx.Send(i)
					f = rx.RecvAsync()
				}
				out, ok := f.Poll(cx)
				if !ok {
					return struct{}{}, false // budget spent: resume here
				}
				f = nil
				if out.V0 != i {
					panic("wrong value")
				}
			}
			return struct{}{}, true
		}))
	})
	b.Run("go", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			ch := make(chan int, 1)
			ch <- i
			if <-ch != i {
				panic("wrong value")
			}
		}
	})
}

// BenchmarkSelectChannels: one op is one value received by a task that
// selects between two channels of capacity 64, each fed by its own
// producer; beside it Go's select over two channels.
func BenchmarkSelectChannels(b *testing.B) {
	b.Run("corio/current", func(b *testing.B) {
		tx1, rx1 := NewChannel[int](64)
		tx2, rx2 := NewChannel[int](64)
		received := 0
		closed := [2]bool{}
		type recv = rt.Tuple2[int, bool]
		type sel = rt.Selected2[recv, recv]
		// A closed channel's branch is replaced by a future that never
		// completes, as Go's select skips a nil channel.
		never := rt.PollFunc(func(*rt.Context) (recv, bool) { return recv{}, false })
		consumer := chAwaitLoop(func() rt.Future[sel] {
			f0, f1 := rt.Future[recv](never), rt.Future[recv](never)
			if !closed[0] {
				f0 = rx1.RecvAsync()
			}
			if !closed[1] {
				f1 = rx2.RecvAsync()
			}
			return rt.Select2Async(f0, f1)
		}, func(s sel) bool {
			if s.V0.V1 || s.V1.V1 {
				received++
			} else {
				closed[s.Index] = true
			}
			return !closed[0] || !closed[1]
		})
		b.ReportAllocs()
		benchRun(b, false, consumer, chSender(tx1, 0, b.N/2), chSender(tx2, 0, b.N-b.N/2))
		if received != b.N {
			b.Fatalf("received %d of %d", received, b.N)
		}
	})
	// The same with the select and its receives held by value in the
	// consumer's state (rt.MakeSelect2, MakeRecv), as generated code would
	// hold them if asyncgen kept other packages' futures inline: no
	// allocation, no embedded future claimed.
	b.Run("corio/current/by-value", func(b *testing.B) {
		tx1, rx1 := NewChannel[int](64)
		tx2, rx2 := NewChannel[int](64)
		rxs := [2]*Receiver[int]{rx1, rx2}
		received := 0
		closed := [2]bool{}
		type recv = rt.Tuple2[int, bool]
		never := rt.PollFunc(func(*rt.Context) (recv, bool) { return recv{}, false })
		var st struct {
			r      [2]RecvFuture[int]
			sel    rt.Select2Future[recv, recv]
			active bool
		}
		consumer := rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
			for !closed[0] || !closed[1] {
				if !st.active {
					f := [2]rt.Future[recv]{never, never}
					for i, rx := range rxs {
						if !closed[i] {
							st.r[i] = rx.MakeRecv()
							f[i] = &st.r[i]
						}
					}
					st.sel, st.active = rt.MakeSelect2(f[0], f[1]), true
				}
				s, ok := st.sel.Poll(cx)
				if !ok {
					return struct{}{}, false
				}
				st.sel, st.active = rt.Select2Future[recv, recv]{}, false
				if s.V0.V1 || s.V1.V1 {
					received++
				} else {
					closed[s.Index] = true
				}
			}
			return struct{}{}, true
		})
		b.ReportAllocs()
		benchRun(b, false, consumer, chSender(tx1, 0, b.N/2), chSender(tx2, 0, b.N-b.N/2))
		if received != b.N {
			b.Fatalf("received %d of %d", received, b.N)
		}
	})
	b.Run("go", func(b *testing.B) {
		c1, c2 := make(chan int, 64), make(chan int, 64)
		b.ReportAllocs()
		for _, p := range []struct {
			c chan int
			n int
		}{{c1, b.N / 2}, {c2, b.N - b.N/2}} {
			go func() {
				for i := 0; i < p.n; i++ {
					p.c <- i
				}
				close(p.c)
			}()
		}
		received := 0
		for c1 != nil || c2 != nil {
			select {
			case _, ok := <-c1:
				if !ok {
					c1 = nil
					continue
				}
			case _, ok := <-c2:
				if !ok {
					c2 = nil
					continue
				}
			}
			received++
		}
		if received != b.N {
			b.Fatalf("received %d of %d", received, b.N)
		}
	})
}
