package syncx

import (
	"errors"
	"fmt"
	"math/rand"
	"runtime"
	"sort"
	"strings"
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

// Waiting senders are served in the order they started waiting, and so are
// waiting receivers; a sender arriving later cannot pass a waiting one, even
// with TrySend at the moment a slot frees.
func TestChannelFIFOWaiters(t *testing.T) {
	tx, rx := NewChannel[string](1)
	tx.TrySend("first")
	ws := make([]chWaker, 3)
	fs := make([]*SendFuture[string], 3)
	for i, v := range []string{"a", "b", "c"} {
		fs[i] = tx.Clone().SendAsync(v)
		if _, ok := chPoll[error](fs[i], &ws[i]); ok {
			t.Fatal("send on a full channel completed")
		}
	}
	for _, want := range []string{"first", "a", "b", "c"} {
		v, err := rx.TryRecv()
		if err != nil || v != want {
			t.Fatalf("TryRecv = %q, %v; want %q", v, err, want)
		}
		if want != "c" { // until the last waiting sender is through
			if err := tx.TrySend("late"); err != ErrFull {
				t.Fatalf("a late TrySend passed the waiting senders: %v", err)
			}
		}
		for i := range fs {
			if fs[i] != nil && ws[i].woken() {
				if err, ok := chPoll[error](fs[i], &ws[i]); !ok || err != nil {
					t.Fatalf("granted send %d = %v, %v", i, err, ok)
				}
				fs[i] = nil
			}
		}
	}

	// Receivers: two wait, the first waiter gets the first value.
	var w1, w2 chWaker
	r1, r2 := rx.RecvAsync(), rx.RecvAsync()
	chPoll[rt.Tuple2[string, bool]](r1, &w1)
	chPoll[rt.Tuple2[string, bool]](r2, &w2)
	tx.TrySend("x")
	tx.TrySend("y")
	o1, _ := chPoll[rt.Tuple2[string, bool]](r1, &w1)
	o2, _ := chPoll[rt.Tuple2[string, bool]](r2, &w2)
	if o1.V0 != "x" || o2.V0 != "y" {
		t.Fatalf("receivers got %q, %q", o1.V0, o2.V0)
	}
}

// A receive cancelled after a value was moved into it puts the value back at
// the front; a send cancelled after it was granted a slot sends nothing and
// the slot goes to the next waiting sender.
func TestChannelCancelHandsBack(t *testing.T) {
	tx, rx := NewChannel[int](1)
	var w chWaker
	f := rx.RecvAsync()
	if _, ok := chPoll[rt.Tuple2[int, bool]](f, &w); ok {
		t.Fatal("receive on an empty channel completed")
	}
	tx.TrySend(1) // moved straight into f
	if rx.Len() != 0 || !w.woken() {
		t.Fatalf("value not handed to the waiting receive (Len %d)", rx.Len())
	}
	tx.TrySend(2)
	f.Cancel()
	f.Cancel()
	if v, _ := rx.TryRecv(); v != 1 {
		t.Fatalf("after the cancel the front value is %d, want 1", v)
	}

	// Now 2 is buffered: the channel is full. Two sends wait; the first is
	// granted the slot freed by a receive and then cancelled.
	var wa, wb chWaker
	a, b := tx.SendAsync(10), tx.Clone().SendAsync(20)
	chPoll[error](a, &wa)
	chPoll[error](b, &wb)
	if v, _ := rx.TryRecv(); v != 2 {
		t.Fatalf("TryRecv = %d", v)
	}
	if !wa.woken() || wb.woken() {
		t.Fatal("the freed slot was not granted to the first waiting send")
	}
	a.Cancel()
	if !wb.woken() {
		t.Fatal("the cancelled send's slot was not passed on")
	}
	if err, ok := chPoll[error](b, &wb); !ok || err != nil {
		t.Fatalf("second send = %v, %v", err, ok)
	}
	if v, err := rx.TryRecv(); v != 20 || err != nil {
		t.Fatalf("TryRecv = %d, %v; the cancelled send must not have sent", v, err)
	}
	if _, err := rx.TryRecv(); err != ErrEmpty {
		t.Fatalf("channel not empty: %v", err)
	}
}

func TestChannelPermits(t *testing.T) {
	tx, rx := NewChannel[int](2)
	p1, err := tx.Reserve()
	if err != nil {
		t.Fatal(err)
	}
	p2, _ := tx.Reserve()
	if err := tx.TrySend(0); err != ErrFull {
		t.Fatalf("TrySend with every slot reserved: %v", err)
	}
	var w chWaker
	r := tx.ReserveAsync()
	if _, ok := chPoll[rt.Tuple2[Permit[int], error]](r, &w); ok {
		t.Fatal("third reservation completed")
	}
	p1.Release()
	if !w.woken() {
		t.Fatal("a released slot did not go to the waiting reservation")
	}
	r.Cancel() // granted, then cancelled: the slot comes back
	if err := tx.TrySend(3); err != nil {
		t.Fatalf("slot not returned by the cancelled reservation: %v", err)
	}
	// Permits keep the channel open after the last handle is closed.
	tx.Close()
	if err := p2.Send(2); err != nil {
		t.Fatal(err)
	}
	for _, want := range []int{3, 2} {
		if v, ok := rx.Recv(); v != want || !ok {
			t.Fatalf("Recv = %d, %v; want %d", v, ok, want)
		}
	}
	if _, ok := rx.Recv(); ok {
		t.Fatal("channel open after the last permit was used")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("a used permit did not panic")
		}
	}()
	p2.Send(4)
}

// The blocking forms refuse to block a goroutine that drives a runtime, and
// the refused operation leaves nothing queued: a value sent afterwards is
// not lost in an abandoned receive.
func TestChannelBlockingRefusedInTask(t *testing.T) {
	tx, rx := NewChannel[int](1)
	tx.TrySend(1) // full: a Send must wait
	var gotRecv, gotSend any
	chRunTasks(t, false, rt.PollFunc(func(cx *rt.Context) (_ struct{}, done bool) {
		defer func() { gotSend, done = recover(), true }()
		tx.Send(2)
		return struct{}{}, true
	}))
	if v, _ := rx.TryRecv(); v != 1 {
		t.Fatalf("TryRecv = %d", v)
	}
	chRunTasks(t, false, rt.PollFunc(func(cx *rt.Context) (_ struct{}, done bool) {
		defer func() { gotRecv, done = recover(), true }()
		rx.Recv()
		return struct{}{}, true
	}))
	for op, got := range map[string]any{"Receiver.Recv": gotRecv, "Sender.Send": gotSend} {
		if s, _ := got.(string); !strings.Contains(s, op) || !strings.Contains(s, "Async") {
			t.Fatalf("%s inside a task: recovered %v", op, got)
		}
	}
	tx.TrySend(3)
	if v, err := rx.TryRecv(); v != 3 || err != nil {
		t.Fatalf("TryRecv = %d, %v: the refused receive kept a place in the queue", v, err)
	}
	if _, err := rx.TryRecv(); err != ErrEmpty {
		t.Fatalf("the refused send left its value: %v", err)
	}
}

// Receives abandoned by TimeoutAsync inside tasks on both runtimes, while
// producers send at random moments, lose nothing and duplicate nothing.
func TestChannelTimeoutRecvInTasks(t *testing.T) {
	chModes(t, func(t *testing.T, multi bool) {
		const producers, n = 2, 150
		tx, rx := NewChannel[int](1)
		var tasks []rt.Future[struct{}]
		for p := 0; p < producers; p++ {
			s := tx
			if p > 0 {
				s = tx.Clone()
			}
			rng := rand.New(rand.NewSource(int64(p)))
			i := p * n
			var f rt.Future[error]
			var nap rt.Future[struct{}]
			tasks = append(tasks, rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
				for i < p*n+n {
					if nap == nil && f == nil && rng.Intn(4) == 0 {
						nap = rt.SleepAsync(time.Duration(rng.Intn(3)) * time.Millisecond)
					}
					if nap != nil {
						if _, ok := nap.Poll(cx); !ok {
							return struct{}{}, false
						}
						nap = nil
					}
					if f == nil {
						f = s.SendAsync(i)
					}
					if _, ok := f.Poll(cx); !ok {
						return struct{}{}, false
					}
					f = nil
					i++
				}
				s.Close()
				return struct{}{}, true
			}))
		}
		var got []int
		timeouts := 0
		tasks = append(tasks, chAwaitLoop(func() rt.Future[rt.Tuple2[rt.Tuple2[int, bool], error]] {
			return rt.TimeoutAsync(time.Millisecond, rt.Future[rt.Tuple2[int, bool]](rx.RecvAsync()))
		}, func(out rt.Tuple2[rt.Tuple2[int, bool], error]) bool {
			if out.V1 != nil {
				timeouts++
				return true
			}
			if out.V0.V1 {
				got = append(got, out.V0.V0)
			}
			return out.V0.V1
		}))
		chRunTasks(t, multi, tasks...)
		checkFIFO(t, got, producers, n)
		t.Logf("%d receives timed out", timeouts)
	})
}

// rt.Select2 of a receive and a sleep, in a loop, loses no value: a receive
// that loses the select is cancelled, and a value already moved into it goes
// back to the front. Inside tasks on both runtimes, and in direct mode.
func TestChannelSelectLoopLosesNothing(t *testing.T) {
	const n = 300
	producer := func(tx *Sender[int], seed int64) rt.Future[struct{}] {
		rng := rand.New(rand.NewSource(seed))
		i := 0
		var nap rt.Future[struct{}]
		var f rt.Future[error]
		return rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
			for i < n {
				if nap == nil && f == nil && rng.Intn(3) == 0 {
					nap = rt.SleepAsync(time.Duration(rng.Intn(2)) * time.Millisecond)
				}
				if nap != nil {
					if _, ok := nap.Poll(cx); !ok {
						return struct{}{}, false
					}
					nap = nil
				}
				if f == nil {
					f = tx.SendAsync(i)
				}
				if _, ok := f.Poll(cx); !ok {
					return struct{}{}, false
				}
				f, i = nil, i+1
			}
			tx.Close()
			return struct{}{}, true
		})
	}
	type sel = rt.Selected2[rt.Tuple2[int, bool], struct{}]
	check := func(t *testing.T, got []int, sleeps int) {
		t.Helper()
		checkFIFO(t, got, 1, n)
		t.Logf("%d selects won by the sleep", sleeps)
	}
	chModes(t, func(t *testing.T, multi bool) {
		tx, rx := NewChannel[int](1)
		var got []int
		sleeps := 0
		consumer := chAwaitLoop(func() rt.Future[sel] {
			return rt.Select2Async(rx.RecvAsync(), rt.SleepAsync(time.Millisecond))
		}, func(s sel) bool {
			if s.Index == 1 {
				sleeps++
				return true
			}
			if s.V0.V1 {
				got = append(got, s.V0.V0)
			}
			return s.V0.V1
		})
		chRunTasks(t, multi, producer(tx, 1), consumer)
		check(t, got, sleeps)
	})
	t.Run("direct", func(t *testing.T) {
		tx, rx := NewChannel[int](1)
		go rt.Await(producer(tx, 2))
		var got []int
		sleeps := 0
		for {
			s := rt.Select2(rx.RecvAsync(), rt.SleepAsync(time.Millisecond))
			if s.Index == 1 {
				sleeps++
				continue
			}
			if !s.V0.V1 {
				break
			}
			got = append(got, s.V0.V0)
		}
		check(t, got, sleeps)
	})
}

// Stress on both runtimes: producers whose sends time out (a timed-out send
// did not send) and consumers sharing one Receiver whose receives time out;
// every value whose send succeeded is received exactly once.
func TestChannelTimeoutsBothSides(t *testing.T) {
	chModes(t, func(t *testing.T, multi bool) {
		const producers, consumers, n = 3, 2, 200
		tx, rx := NewChannel[int](1)
		sent := make([][]int, producers)
		got := make([][]int, consumers)
		var tasks []rt.Future[struct{}]
		for p := 0; p < producers; p++ {
			s := tx
			if p > 0 {
				s = tx.Clone()
			}
			v := p * n
			tasks = append(tasks, chAwaitLoop(func() rt.Future[rt.Tuple2[error, error]] {
				return rt.TimeoutAsync(time.Millisecond, rt.Future[error](s.SendAsync(v)))
			}, func(out rt.Tuple2[error, error]) bool {
				if out.V1 == nil && out.V0 == nil {
					sent[p] = append(sent[p], v)
				}
				v++
				if v == p*n+n {
					s.Close()
					return false
				}
				return true
			}))
		}
		for c := 0; c < consumers; c++ {
			rng := rand.New(rand.NewSource(int64(c)))
			var nap rt.Future[struct{}]
			var f rt.Future[rt.Tuple2[rt.Tuple2[int, bool], error]]
			tasks = append(tasks, rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
				for {
					// Now and then a nap, so that waiting sends time out,
					// and a receive deadline short enough to expire.
					if nap == nil && f == nil && rng.Intn(8) == 0 {
						nap = rt.SleepAsync(2 * time.Millisecond)
					}
					if nap != nil {
						if _, ok := nap.Poll(cx); !ok {
							return struct{}{}, false
						}
						nap = nil
					}
					if f == nil {
						d := time.Hour
						if rng.Intn(3) == 0 {
							d = time.Millisecond
						}
						f = rt.TimeoutAsync(d, rt.Future[rt.Tuple2[int, bool]](rx.RecvAsync()))
					}
					out, ok := f.Poll(cx)
					if !ok {
						return struct{}{}, false
					}
					f = nil
					if out.V1 != nil {
						continue
					}
					if !out.V0.V1 {
						return struct{}{}, true
					}
					got[c] = append(got[c], out.V0.V0)
				}
			}))
		}
		chRunTasks(t, multi, tasks...)
		var all, want []int
		for _, g := range got {
			all = append(all, g...)
		}
		for _, s := range sent {
			want = append(want, s...)
		}
		sort.Ints(all)
		sort.Ints(want)
		if fmt.Sprint(all) != fmt.Sprint(want) {
			t.Fatalf("sent %d values, received %d:\nsent %v\nreceived %v", len(want), len(all), want, all)
		}
		t.Logf("%d of %d sends succeeded", len(want), producers*n)
	})
}

// The handles' embedded futures are reused once done, a second pending
// operation on one handle gets its own, and a send and a receive in steady
// state allocate nothing.
func TestChannelFutureReuse(t *testing.T) {
	tx, rx := NewChannel[int](4)
	var w chWaker
	a := rx.RecvAsync()
	b := rx.RecvAsync() // a is in use: b is a fresh future
	if a == b {
		t.Fatal("two pending receives share one future")
	}
	b.Cancel() // never polled: nothing to hand back
	a.Cancel()
	if c := rx.RecvAsync(); c != a {
		t.Fatal("the embedded receive future was not reused after Cancel")
	} else {
		tx.TrySend(1)
		if out, ok := chPoll[rt.Tuple2[int, bool]](c, &w); !ok || out.V0 != 1 {
			t.Fatalf("receive = %v, %v", out, ok)
		}
	}
	cx := rt.NewContext(&w)
	allocs := testing.AllocsPerRun(1000, func() {
		if err, ok := tx.SendAsync(7).Poll(cx); !ok || err != nil {
			t.Fatal("send failed")
		}
		if out, ok := rx.RecvAsync().Poll(cx); !ok || out.V0 != 7 {
			t.Fatal("receive failed")
		}
	})
	if allocs != 0 {
		t.Fatalf("a send and a receive allocate %v times", allocs)
	}
}

// Several tasks sharing one Sender (no Clone) and one Receiver: pending
// operations beyond the handle's embedded future get futures of their own,
// and nothing is lost or duplicated.
func TestChannelSharedHandles(t *testing.T) {
	chModes(t, func(t *testing.T, multi bool) {
		const producers, consumers, n = 4, 3, 300
		tx, rx := NewChannel[int](2)
		var mu sync.Mutex
		var got []int
		var tasks []rt.Future[struct{}]
		for p := 0; p < producers; p++ {
			v := p * n
			tasks = append(tasks, chAwaitLoop(func() rt.Future[error] { return tx.SendAsync(v) },
				func(err error) bool {
					if err != nil {
						panic(err)
					}
					v++
					return v < p*n+n
				}))
		}
		for c := 0; c < consumers; c++ {
			tasks = append(tasks, chReceiveAll(rx, func(v int) {
				mu.Lock()
				got = append(got, v)
				mu.Unlock()
			}))
		}
		// The consumers end when the channel closes: close it once every
		// producer is done, from a task that joins them.
		r := chRuntime(multi)
		defer r.Shutdown()
		var joins []rt.Future[rt.Tuple2[struct{}, error]]
		for _, f := range tasks {
			joins = append(joins, rt.SpawnOn(r, f).JoinAsync())
		}
		next := 0
		rt.BlockOn(r, rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
			for next < len(joins) {
				if _, ok := joins[next].Poll(cx); !ok {
					return struct{}{}, false
				}
				if next++; next == producers {
					tx.Close()
				}
			}
			return struct{}{}, true
		}))
		sort.Ints(got)
		checkFIFO(t, got, producers, n)
	})
}
