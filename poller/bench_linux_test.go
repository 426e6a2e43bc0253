package poller

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"

	"golang.org/x/sys/unix"
)

// BenchmarkWakeupLatency: one goroutine blocks in Poll(-1); the benchmark
// goroutine calls Wakeup and spins until that Poll has returned. ns/op is
// the round trip Wakeup → eventfd → epoll_wait returns → Poll returns →
// the flag is seen.
func BenchmarkWakeupLatency(b *testing.B) {
	p, err := New()
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	var returned atomic.Int64
	var stop atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		for !stop.Load() {
			if _, err := p.Poll(-1); err != nil {
				return
			}
			returned.Add(1)
		}
	}()
	b.ReportAllocs()
	b.ResetTimer()
	for i := int64(1); i <= int64(b.N); i++ {
		p.Wakeup()
		for returned.Load() < i {
			runtime.Gosched()
		}
	}
	b.StopTimer()
	stop.Store(true)
	p.Wakeup()
	<-done
}

// BenchmarkWakeupCoalesced: Wakeup while one is already pending (no Poll
// consumes it) — the cost the many-wakers case pays.
func BenchmarkWakeupCoalesced(b *testing.B) {
	p, err := New()
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	p.Wakeup()
	b.ReportAllocs()
	for b.Loop() {
		p.Wakeup()
	}
}

// BenchmarkPollDispatch: n registrations become ready together and one Poll
// dispatches them all, waking n wakers; each iteration re-arms (PollReady),
// makes them ready, polls, and clears readiness, so it is the whole steady
// state per event. The n registrations are dup(2)s of one socketpair end:
// epoll keeps one item per (file, descriptor), so one 1-byte write readies
// all n and the write/read syscalls are amortised over n events.
// ns/event is the figure to read.
func BenchmarkPollDispatch(b *testing.B) {
	for _, n := range []int{1, 16, 128} {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			p, err := New()
			if err != nil {
				b.Fatal(err)
			}
			defer p.Close()
			fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
			if err != nil {
				b.Fatal(err)
			}
			defer unix.Close(fds[0])
			defer unix.Close(fds[1])
			regs := make([]Registration, n)
			wakers := make([]countWaker, n)
			for i := range regs {
				fd, err := unix.FcntlInt(uintptr(fds[0]), unix.F_DUPFD_CLOEXEC, 0)
				if err != nil {
					b.Fatal(err)
				}
				defer unix.Close(fd)
				if regs[i], err = p.Register(fd); err != nil {
					b.Fatal(err)
				}
				defer p.Deregister(regs[i])
			}
			for { // consume the initial Writable edges
				if k, _ := p.Poll(0); k == 0 {
					break
				}
			}
			buf := make([]byte, 1)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				for i, r := range regs {
					r.PollReady(DirRead, &wakers[i])
				}
				unix.Write(fds[1], buf)
				for got := 0; got < n; {
					k, err := p.Poll(-1)
					if err != nil {
						b.Fatal(err)
					}
					got += k
				}
				unix.Read(fds[0], buf)
				for _, r := range regs {
					r.ClearReadiness(r.Readiness())
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/event")
			if got := wakers[n-1].count(); got != b.N {
				b.Fatalf("last waker woken %d times; want %d", got, b.N)
			}
		})
	}
}

// BenchmarkDispatchOnly: the portable half alone — a batch of 128 decoded
// events delivered to 128 registrations with waiting wakers, no syscalls.
// The wakers are of the word type (TestMain), as a runtime's tasks are.
func BenchmarkDispatchOnly(b *testing.B) {
	wakers := make([]countWaker, maxEvents)
	benchDispatchOnly(b, func(i int) Waker { return &wakers[i] })
}

// BenchmarkDispatchOnlyBoxed is BenchmarkDispatchOnly with wakers that are
// not the word type: each slot keeps its waiter in the box it allocated at
// the first wait.
func BenchmarkDispatchOnlyBoxed(b *testing.B) {
	wakers := make([]boxedWaker, maxEvents)
	benchDispatchOnly(b, func(i int) Waker { return &wakers[i] })
}

// BenchmarkDispatchOnlyLent is BenchmarkDispatchOnly with wakers that lend
// their own box (WakerBoxer).
func BenchmarkDispatchOnlyLent(b *testing.B) {
	wakers := make([]*lendingWaker, maxEvents)
	for i := range wakers {
		wakers[i] = newLendingWaker()
	}
	benchDispatchOnly(b, func(i int) Waker { return wakers[i] })
}

func benchDispatchOnly(b *testing.B, waker func(i int) Waker) {
	p, err := New()
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	var fds [2]int
	if err := unix.Pipe2(fds[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
		b.Fatal(err)
	}
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])
	const n = maxEvents
	regs := make([]Registration, n)
	wakers := make([]Waker, n)
	evs := make([]polledEvent, n)
	for i := range regs {
		fd, err := unix.FcntlInt(uintptr(fds[0]), unix.F_DUPFD_CLOEXEC, 0)
		if err != nil {
			b.Fatal(err)
		}
		defer unix.Close(fd)
		if regs[i], err = p.Register(fd); err != nil {
			b.Fatal(err)
		}
		defer p.Deregister(regs[i])
		evs[i] = polledEvent{regs[i].token(), Readable}
		wakers[i] = waker(i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		for i, r := range regs {
			r.ClearReadiness(r.Readiness())
			r.PollReady(DirRead, wakers[i])
		}
		p.dispatch(evs)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/event")
}
