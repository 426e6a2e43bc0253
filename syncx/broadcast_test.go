package syncx

import (
	"errors"
	"testing"

	"github.com/corio-go/corio/rt"
)

func TestBroadcastEveryReceiverSeesEverything(t *testing.T) {
	chModes(t, func(t *testing.T, multi bool) {
		const receivers, n = 3, 300
		b := NewBroadcast[int](n)
		got := make([][]int, receivers)
		var tasks []rt.Future[struct{}]
		for i := 0; i < receivers; i++ {
			r := b.Subscribe()
			tasks = append(tasks, chAwaitLoop(func() rt.Future[rt.Tuple2[int, error]] { return r.RecvAsync() },
				func(out rt.Tuple2[int, error]) bool {
					if out.V1 == ErrClosed {
						return false
					}
					if out.V1 != nil {
						panic(out.V1)
					}
					got[i] = append(got[i], out.V0)
					return true
				}))
		}
		sent := 0
		var yield rt.Future[struct{}]
		tasks = append(tasks, rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
			for sent < n {
				if yield != nil {
					if _, ok := yield.Poll(cx); !ok {
						return struct{}{}, false
					}
					yield = nil
				}
				if k, err := b.Send(sent); err != nil || k != receivers {
					panic("send failed")
				}
				sent++
				if sent%7 == 0 {
					yield = rt.YieldNowAsync()
				}
			}
			b.Close()
			return struct{}{}, true
		}))
		chRunTasks(t, multi, tasks...)
		for i, g := range got {
			if len(g) != n {
				t.Fatalf("receiver %d got %d values, want %d", i, len(g), n)
			}
			for j, v := range g {
				if v != j {
					t.Fatalf("receiver %d value %d = %d", i, j, v)
				}
			}
		}
	})
}

func TestBroadcastLag(t *testing.T) {
	b := NewBroadcast[int](4)
	r := b.Subscribe()
	early := b.Subscribe()
	if _, err := early.TryRecv(); err != ErrEmpty {
		t.Fatalf("TryRecv on nothing sent: %v", err)
	}
	for i := 0; i < 10; i++ {
		b.Send(i)
	}
	if r.Len() != 4 {
		t.Fatalf("Len = %d, want 4", r.Len())
	}
	_, err := r.Recv()
	var lag *LaggedError
	if !errors.As(err, &lag) || lag.Missed != 6 || !errors.Is(err, ErrLagged) {
		t.Fatalf("Recv after overflow: %v", err)
	}
	for want := 6; want < 10; want++ {
		if v, err := r.Recv(); v != want || err != nil {
			t.Fatalf("Recv = %d, %v; want %d", v, err, want)
		}
	}
	b.Close()
	if _, err := b.Send(1); err != ErrClosed {
		t.Fatalf("Send after Close: %v", err)
	}
	if _, err := r.Recv(); err != ErrClosed {
		t.Fatalf("Recv after Close: %v", err)
	}
	// The other receiver still gets its lag report and the kept values.
	if _, err := early.TryRecv(); !errors.Is(err, ErrLagged) {
		t.Fatalf("second receiver: %v", err)
	}
	if v, err := early.TryRecv(); v != 6 || err != nil {
		t.Fatalf("second receiver: %d, %v", v, err)
	}
}

// A cancelled receive has not advanced the receiver; closing a receiver
// unsubscribes it and wakes its pending receive.
func TestBroadcastCancelAndReceiverClose(t *testing.T) {
	b := NewBroadcast[string](2)
	r := b.Subscribe()
	var w chWaker
	f := r.RecvAsync()
	if _, ok := chPoll[rt.Tuple2[string, error]](f, &w); ok {
		t.Fatal("receive completed with nothing sent")
	}
	f.Cancel()
	f.Cancel()
	b.Send("x")
	if w.woken() {
		t.Fatal("cancelled receive woken")
	}
	if v, err := r.Recv(); v != "x" || err != nil {
		t.Fatalf("Recv = %q, %v", v, err)
	}
	g := r.RecvAsync()
	chPoll[rt.Tuple2[string, error]](g, &w)
	if b.Receivers() != 1 {
		t.Fatalf("Receivers = %d", b.Receivers())
	}
	r.Close()
	if b.Receivers() != 0 || !w.woken() {
		t.Fatalf("after Close: Receivers = %d, woken = %v", b.Receivers(), w.n.Load())
	}
	if out, ok := chPoll[rt.Tuple2[string, error]](g, &w); !ok || out.V1 != ErrClosed {
		t.Fatalf("receive on a closed receiver: %v, %v", out, ok)
	}
	if n, _ := b.Send("y"); n != 0 {
		t.Fatalf("Send counted %d receivers", n)
	}
}
