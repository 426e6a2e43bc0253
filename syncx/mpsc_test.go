package syncx

import (
	"errors"
	"math/rand"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/corio-go/corio/rt"
)

// checkFIFO checks that got holds, for each of producers senders p (values
// p*n .. p*n+n-1), every value once and in order.
func checkFIFO(t *testing.T, got []int, producers, n int) {
	t.Helper()
	if len(got) != producers*n {
		t.Fatalf("received %d values, want %d", len(got), producers*n)
	}
	next := make([]int, producers)
	for p := range next {
		next[p] = p * n
	}
	for _, v := range got {
		p := v / n
		if p < 0 || p >= producers || v != next[p] {
			t.Fatalf("value %d out of order (producer %d expected %d)", v, p, next[p])
		}
		next[p]++
	}
}

func TestChannelDirectGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	const producers, n = 4, 2000
	tx, rx := NewChannel[int](3)
	var wg sync.WaitGroup
	for p := 0; p < producers; p++ {
		s := tx
		if p > 0 {
			s = tx.Clone()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer s.Close()
			for i := p * n; i < p*n+n; i++ {
				if err := s.Send(i); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	var got []int
	for {
		v, ok := rx.Recv()
		if !ok {
			break
		}
		got = append(got, v)
	}
	wg.Wait()
	checkFIFO(t, got, producers, n)
	if err := tx.Send(1); !errors.Is(err, ErrClosed) {
		t.Fatalf("send on closed: %v", err)
	}
	chCheckGoroutines(t, before)
}

func TestChannelTasks(t *testing.T) {
	chModes(t, func(t *testing.T, multi bool) {
		for _, capacity := range []int{1, 2, 16, -1} {
			const producers, n = 3, 500
			var tx *Sender[int]
			var rx *Receiver[int]
			if capacity < 0 {
				tx, rx = NewUnboundedChannel[int]()
			} else {
				tx, rx = NewChannel[int](capacity)
			}
			if rx.Cap() != capacity {
				t.Fatalf("Cap = %d, want %d", rx.Cap(), capacity)
			}
			var got []int
			tasks := []rt.Future[struct{}]{chCollector(rx, &got)}
			for p := 0; p < producers; p++ {
				s := tx
				if p > 0 {
					s = tx.Clone()
				}
				tasks = append(tasks, chSender(s, p*n, n))
			}
			chRunTasks(t, multi, tasks...)
			checkFIFO(t, got, producers, n)
		}
	})
}

func TestChannelTryOps(t *testing.T) {
	tx, rx := NewChannel[string](2)
	if _, err := rx.TryRecv(); err != ErrEmpty {
		t.Fatalf("TryRecv on empty: %v", err)
	}
	for _, s := range []string{"a", "b"} {
		if err := tx.TrySend(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.TrySend("c"); err != ErrFull {
		t.Fatalf("TrySend on full: %v", err)
	}
	if tx.Len() != 2 || rx.Len() != 2 || tx.Cap() != 2 {
		t.Fatalf("Len %d/%d Cap %d", tx.Len(), rx.Len(), tx.Cap())
	}
	tx.Close()
	tx.Close() // idempotent
	if !tx.Closed() {
		t.Fatal("not closed")
	}
	if err := tx.TrySend("d"); err != ErrClosed {
		t.Fatalf("TrySend on closed: %v", err)
	}
	for _, want := range []string{"a", "b"} {
		if v, err := rx.TryRecv(); v != want || err != nil {
			t.Fatalf("TryRecv = %q, %v; want %q", v, err, want)
		}
	}
	if _, err := rx.TryRecv(); err != ErrClosed {
		t.Fatalf("TryRecv on drained: %v", err)
	}
	if v, ok := rx.Recv(); ok || v != "" {
		t.Fatalf("Recv on drained = %q, %v", v, ok)
	}
}

func TestChannelCloneKeepsOpen(t *testing.T) {
	tx, rx := NewChannel[int](4)
	tx2 := tx.Clone()
	tx.Close()
	if err := tx.TrySend(1); err != ErrClosed {
		t.Fatalf("send on a closed handle: %v", err)
	}
	if err := tx.Send(1); err != ErrClosed {
		t.Fatalf("Send on a closed handle: %v", err)
	}
	if err := tx2.Send(2); err != nil {
		t.Fatal(err)
	}
	tx2.Close()
	if v, ok := rx.Recv(); v != 2 || !ok {
		t.Fatalf("Recv = %d, %v", v, ok)
	}
	if _, ok := rx.Recv(); ok {
		t.Fatal("open after every handle closed")
	}
}

func TestChannelReceiverClose(t *testing.T) {
	tx, rx := NewChannel[int](1)
	if err := tx.Send(1); err != nil {
		t.Fatal(err)
	}
	var ws, wr chWaker
	f := tx.SendAsync(2)
	if _, ok := chPoll[error](f, &ws); ok {
		t.Fatal("send on a full channel completed")
	}
	r := tx.ReserveAsync()
	if _, ok := chPoll[rt.Tuple2[Permit[int], error]](r, &wr); ok {
		t.Fatal("reserve on a full channel completed")
	}
	rx.Close()
	if !ws.woken() || !wr.woken() {
		t.Fatal("Close did not wake the waiting sender and reservation")
	}
	if err, ok := chPoll[error](f, &ws); !ok || err != ErrClosed {
		t.Fatalf("pending send after Close = %v, %v", err, ok)
	}
	if out, ok := chPoll[rt.Tuple2[Permit[int], error]](r, &wr); !ok || out.V1 != ErrClosed {
		t.Fatalf("pending reserve after Close = %v, %v", out.V1, ok)
	}
	if v, ok := rx.Recv(); v != 1 || !ok {
		t.Fatalf("drain = %d, %v", v, ok)
	}
	if _, ok := rx.Recv(); ok {
		t.Fatal("closed channel delivered a second value")
	}
}

// A receive abandoned by rt.Timeout, again and again while a producer sends
// at random moments, loses nothing: every value sent is received once, in
// order.
func TestChannelTimeoutRecvLosesNothing(t *testing.T) {
	const n = 200
	tx, rx := NewChannel[int](2)
	go func() {
		rng := rand.New(rand.NewSource(1))
		for i := 0; i < n; i++ {
			if rng.Intn(3) == 0 {
				time.Sleep(time.Duration(rng.Intn(2500)) * time.Microsecond)
			}
			if err := tx.Send(i); err != nil {
				panic(err)
			}
		}
		tx.Close()
	}()
	next, timeouts := 0, 0
	for {
		out, err := rt.Timeout(time.Millisecond, rt.Future[rt.Tuple2[int, bool]](rx.RecvAsync()))
		if err != nil {
			if !errors.Is(err, rt.ErrTimeout) {
				t.Fatal(err)
			}
			timeouts++
			continue
		}
		if !out.V1 {
			break
		}
		if out.V0 != next {
			t.Fatalf("received %d, want %d", out.V0, next)
		}
		next++
	}
	if next != n {
		t.Fatalf("received %d values, want %d", next, n)
	}
	t.Logf("%d receives timed out", timeouts)
}

// A task receiving from an always-ready channel spends its budget and lets
// its neighbour run: on a current-thread runtime the neighbour runs before
// the receiver has taken all of its values.
func TestChannelSpendsBudget(t *testing.T) {
	const n = 1000
	tx, rx := NewUnboundedChannel[int]()
	for i := 0; i < n; i++ {
		if err := tx.TrySend(i); err != nil {
			t.Fatal(err)
		}
	}
	received, seenByNeighbour := 0, -1
	var f *RecvFuture[int]
	receiver := rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
		for received < n {
			if f == nil {
				f = rx.RecvAsync()
			}
			if _, ok := f.Poll(cx); !ok {
				return struct{}{}, false
			}
			f = nil
			received++
		}
		return struct{}{}, true
	})
	neighbour := rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
		seenByNeighbour = received
		return struct{}{}, true
	})
	chRunTasks(t, false, receiver, neighbour)
	if seenByNeighbour < 0 || seenByNeighbour >= n {
		t.Fatalf("neighbour ran after %d of %d receives; the receiver did not yield", seenByNeighbour, n)
	}
}
