package syncx

import (
	"testing"

	"github.com/corio-go/corio/rt"
)

func TestOneshotDirect(t *testing.T) {
	tx, rx := NewOneshot[string]()
	go func() {
		if err := tx.Send("reply"); err != nil {
			t.Error(err)
		}
	}()
	if v, err := rx.Recv(); v != "reply" || err != nil {
		t.Fatalf("Recv = %q, %v", v, err)
	}
	if _, err := rx.Recv(); err != ErrClosed {
		t.Fatalf("second Recv: %v", err)
	}
}

func TestOneshotSenderClose(t *testing.T) {
	tx, rx := NewOneshot[int]()
	var w chWaker
	f := rx.RecvAsync()
	if _, ok := chPoll[rt.Tuple2[int, error]](f, &w); ok {
		t.Fatal("receive completed before the send")
	}
	tx.Close()
	tx.Close()
	if !w.woken() {
		t.Fatal("Close did not wake the receiver")
	}
	if out, ok := chPoll[rt.Tuple2[int, error]](f, &w); !ok || out.V1 != ErrClosed {
		t.Fatalf("receive after Close = %v, %v", out, ok)
	}
	if _, err := rx.TryRecv(); err != ErrClosed {
		t.Fatalf("TryRecv after Close: %v", err)
	}
}

func TestOneshotReceiverClose(t *testing.T) {
	tx, rx := NewOneshot[int]()
	if tx.Closed() {
		t.Fatal("closed too early")
	}
	rx.Close()
	if !tx.Closed() {
		t.Fatal("Closed after the receiver closed = false")
	}
	if err := tx.Send(1); err != ErrClosed {
		t.Fatalf("Send to a closed receiver: %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("Send after Close did not panic")
		}
	}()
	tx.Close()
	tx.Send(2)
}

// A cancelled receive takes nothing: the value sent afterwards (or before)
// stays for the next receive.
func TestOneshotCancelKeepsValue(t *testing.T) {
	tx, rx := NewOneshot[int]()
	if _, err := rx.TryRecv(); err != ErrEmpty {
		t.Fatalf("TryRecv before Send: %v", err)
	}
	var w chWaker
	f := rx.RecvAsync()
	chPoll[rt.Tuple2[int, error]](f, &w)
	f.Cancel()
	f.Cancel() // idempotent
	if err := tx.Send(7); err != nil {
		t.Fatal(err)
	}
	if w.woken() {
		t.Fatal("a cancelled receive was woken")
	}
	g := rx.RecvAsync()
	g.Cancel() // never polled: takes nothing
	if v, err := rx.Recv(); v != 7 || err != nil {
		t.Fatalf("Recv = %d, %v", v, err)
	}
}

func TestOneshotTasks(t *testing.T) {
	chModes(t, func(t *testing.T, multi bool) {
		const n = 200
		got := make([]int, n)
		var tasks []rt.Future[struct{}]
		for i := 0; i < n; i++ {
			tx, rx := NewOneshot[int]()
			var yield rt.Future[struct{}]
			tasks = append(tasks, rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
				if yield == nil {
					yield = rt.YieldNowAsync()
				}
				if _, ok := yield.Poll(cx); !ok {
					return struct{}{}, false
				}
				if err := tx.Send(i * i); err != nil {
					panic(err)
				}
				return struct{}{}, true
			}))
			var f *OneshotRecvFuture[int]
			tasks = append(tasks, rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
				if f == nil {
					f = rx.RecvAsync()
				}
				out, ok := f.Poll(cx)
				if ok {
					got[i] = out.V0
				}
				return struct{}{}, ok
			}))
		}
		chRunTasks(t, multi, tasks...)
		for i, v := range got {
			if v != i*i {
				t.Fatalf("oneshot %d delivered %d", i, v)
			}
		}
	})
}
