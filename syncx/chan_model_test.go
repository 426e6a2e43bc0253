package syncx

import (
	"errors"
	"fmt"
	"math/rand"
	"sort"
	"testing"

	"github.com/corio-go/corio/rt"
)

// Seeded schedule exploration of the channels against a model.
//
// A deterministic driver plays the tasks itself: every producer, consumer
// and receiver is a hand-polled future with its own counting waker, and a
// seeded PRNG picks, at each step, which of them acts and how — start an
// operation, poll it (only when its waker was woken, plus the odd spurious
// poll), or cancel it (cancellation is injected at every await), close a
// handle, try a non-waiting operation. After every step the channel's
// invariants are checked from inside; at the end everything is closed and
// drained and the model is checked: every value whose send succeeded was
// received exactly once, in its producer's order, and nothing else was.
// A failing seed reproduces exactly: go test -run TestChanModel -v shows it.

const chModelSeeds = 300

// mpscProducer is one producer of the mpsc model.
type mpscProducer struct {
	tx     *Sender[int]
	w      chWaker
	send   *SendFuture[int]
	rsv    *ReserveFuture[int]
	permit *Permit[int]
	val    int  // value of the pending send
	next   int  // next value to use (values are id*1e6 + k, increasing)
	closed bool // its handle was closed
	sent   []int
}

type mpscConsumer struct {
	w    chWaker
	recv *RecvFuture[int]
}

func TestChanModelMPSC(t *testing.T) {
	for seed := int64(1); seed <= chModelSeeds; seed++ {
		if !t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) { mpscModel(t, seed) }) {
			return
		}
	}
}

func mpscModel(t *testing.T, seed int64) {
	rng := rand.New(rand.NewSource(seed))
	capacity := []int{1, 2, 3, -1}[rng.Intn(4)]
	var tx *Sender[int]
	var rx *Receiver[int]
	if capacity < 0 {
		tx, rx = NewUnboundedChannel[int]()
	} else {
		tx, rx = NewChannel[int](capacity)
	}
	prods := make([]*mpscProducer, 1+rng.Intn(3))
	for i := range prods {
		h := tx
		if i > 0 {
			h = tx.Clone()
		}
		prods[i] = &mpscProducer{tx: h, next: i * 1000000}
	}
	cons := make([]*mpscConsumer, 1+rng.Intn(2))
	for i := range cons {
		cons[i] = &mpscConsumer{}
	}
	var received []int
	rxClosed := false
	c := tx.c

	// ready reports whether a pending future may be polled now.
	ready := func(w *chWaker) bool { return w.woken() || rng.Intn(10) == 0 }
	steps := 200 + rng.Intn(200)
	for step := 0; step < steps; step++ {
		if rng.Intn(2) == 0 {
			p := prods[rng.Intn(len(prods))]
			mpscProducerStep(t, rng, p, ready)
		} else {
			k := cons[rng.Intn(len(cons))]
			switch {
			case k.recv == nil && rng.Intn(8) == 0:
				if v, err := rx.TryRecv(); err == nil {
					received = append(received, v)
				}
			case k.recv == nil:
				k.recv = rx.RecvAsync()
				received = mpscPollRecv(t, k, received)
			case rng.Intn(4) == 0:
				k.recv.Cancel() // cancellation injected at the await
				k.recv = nil
			case ready(&k.w):
				received = mpscPollRecv(t, k, received)
			}
		}
		if !rxClosed && rng.Intn(400) == 0 {
			rx.Close()
			rxClosed = true
		}
		if rng.Intn(300) == 0 {
			p := prods[rng.Intn(len(prods))]
			if !p.closed {
				p.tx.Close()
				p.closed = true
			}
		}
		mpscCheckInvariants(t, c, prods, cons, step)
	}

	// Wind down: producers finish or cancel what is pending and close;
	// consumers drain until the channel reports closed.
	for _, p := range prods {
		if p.send != nil {
			p.send.Cancel()
			p.send = nil
		}
		if p.rsv != nil {
			p.rsv.Cancel()
			p.rsv = nil
		}
		if p.permit != nil {
			if err := p.permit.Send(p.next); err == nil {
				p.sent = append(p.sent, p.next)
			}
			p.permit = nil
		}
		p.tx.Close()
	}
	if !mpscClosed(c) {
		t.Fatal("open after every handle and permit was closed")
	}
	for _, k := range cons {
		if k.recv != nil {
			// Closing woke every waiting receive, and a receive handed a
			// value was woken then: a pending receive not woken is a lost
			// wake-up.
			if !k.w.woken() {
				t.Fatal("a pending receive was not woken by the close")
			}
			if received = mpscPollRecv(t, k, received); k.recv != nil {
				t.Fatal("a receive stays pending on a closed channel")
			}
		}
	}
	for {
		v, ok := rx.Recv()
		if !ok {
			break
		}
		received = append(received, v)
	}
	mpscCheckInvariants(t, c, prods, cons, steps)

	// The model: received is exactly the union of what was sent, each
	// producer's values in order. With several consumers the order in which
	// their receives complete is not the order the channel handed the
	// values out (and a receive cancelled after it was handed a value puts
	// it back in front of later ones), so there only the sets are compared.
	if len(cons) > 1 {
		sort.Ints(received)
		for _, p := range prods {
			sort.Ints(p.sent)
		}
	}
	byProducer := map[int][]int{}
	for _, v := range received {
		byProducer[v/1000000] = append(byProducer[v/1000000], v)
	}
	for i, p := range prods {
		got := byProducer[i]
		if fmt.Sprint(got) != fmt.Sprint(p.sent) {
			t.Fatalf("producer %d: sent %v, received %v", i, p.sent, got)
		}
		delete(byProducer, i)
	}
	if len(byProducer) != 0 {
		t.Fatalf("received values nobody sent: %v", byProducer)
	}
}

func mpscProducerStep(t *testing.T, rng *rand.Rand, p *mpscProducer, ready func(*chWaker) bool) {
	switch {
	case p.permit != nil:
		if rng.Intn(3) == 0 {
			p.permit.Release()
		} else if err := p.permit.Send(p.next); err == nil {
			p.sent = append(p.sent, p.next)
		}
		p.next++
		p.permit = nil
	case p.send != nil:
		if rng.Intn(4) == 0 {
			p.send.Cancel() // not sent: the value is skipped
			p.send = nil
			return
		}
		if !ready(&p.w) {
			return
		}
		err, ok := chPoll[error](p.send, &p.w)
		if !ok {
			return
		}
		if err == nil {
			p.sent = append(p.sent, p.val)
		}
		p.send = nil
	case p.rsv != nil:
		if rng.Intn(4) == 0 {
			p.rsv.Cancel()
			p.rsv = nil
			return
		}
		if !ready(&p.w) {
			return
		}
		out, ok := chPoll[rt.Tuple2[Permit[int], error]](p.rsv, &p.w)
		if !ok {
			return
		}
		p.rsv = nil
		if out.V1 == nil {
			p.permit = &out.V0
		}
	case rng.Intn(6) == 0:
		if err := p.tx.TrySend(p.next); err == nil {
			p.sent = append(p.sent, p.next)
		}
		p.next++
	case rng.Intn(4) == 0:
		p.rsv = p.tx.ReserveAsync()
		out, ok := chPoll[rt.Tuple2[Permit[int], error]](p.rsv, &p.w)
		if ok {
			p.rsv = nil
			if out.V1 == nil {
				p.permit = &out.V0
			}
		}
	default:
		p.val = p.next
		p.next++
		p.send = p.tx.SendAsync(p.val)
		if err, ok := chPoll[error](p.send, &p.w); ok {
			if err == nil {
				p.sent = append(p.sent, p.val)
			}
			p.send = nil
		}
	}
}

func mpscPollRecv(t *testing.T, k *mpscConsumer, received []int) []int {
	out, ok := chPoll[rt.Tuple2[int, bool]](k.recv, &k.w)
	if !ok {
		return received
	}
	k.recv = nil
	if out.V1 {
		received = append(received, out.V0)
	}
	return received
}

func mpscClosed(c *chanCore[int]) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// mpscCheckInvariants checks the channel's state against the driver's view.
func mpscCheckInvariants(t *testing.T, c *chanCore[int], prods []*mpscProducer, cons []*mpscConsumer, step int) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("step %d: "+format+" (len %d, reserved %d, senders %d, closed %v, recvq %d, sendq %d)",
			append(append([]any{step}, args...), c.buf.len(), c.reserved, c.senders, c.closed, c.recvq.len, c.sendq.len)...)
	}
	if !c.recvq.empty() && c.buf.len() > 0 {
		fail("receives wait while values are buffered")
	}
	if !c.sendq.empty() && (c.closed || c.hasRoom()) {
		fail("senders wait while there is room or the channel is closed")
	}
	if c.closed && !c.recvq.empty() {
		fail("receives wait on a closed channel")
	}
	granted, permits, handles := 0, 0, 0
	for _, p := range prods {
		if !p.closed {
			handles++
		}
		if p.permit != nil && p.permit.c != nil {
			permits++
			granted++
		}
		for _, w := range []*waiter{sendWaiter(p.send), sendWaiter(p.rsv)} {
			if w != nil && w.notified {
				granted++
				if p.w.n.Load() == 0 {
					fail("a sender was granted a slot but not woken")
				}
			}
		}
	}
	if c.reserved != granted {
		fail("reserved = %d, want %d granted slots", c.reserved, granted)
	}
	if !c.closed && c.senders != handles+permits {
		fail("senders = %d, want %d handles + %d permits", c.senders, handles, permits)
	}
	for _, k := range cons {
		if k.recv != nil && k.recv.w.notified && k.w.n.Load() == 0 {
			fail("a receive was handed a value but not woken")
		}
	}
}

// sendWaiter returns the waiter of a pending send or reservation, or nil.
func sendWaiter[F interface {
	*SendFuture[int] | *ReserveFuture[int]
}](f F) *waiter {
	switch f := any(f).(type) {
	case *SendFuture[int]:
		if f != nil {
			return &f.w
		}
	case *ReserveFuture[int]:
		if f != nil {
			return &f.w
		}
	}
	return nil
}

func TestChanModelOneshot(t *testing.T) {
	for seed := int64(1); seed <= chModelSeeds; seed++ {
		rng := rand.New(rand.NewSource(seed))
		tx, rx := NewOneshot[int]()
		type recv struct {
			w chWaker
			f *OneshotRecvFuture[int]
		}
		rs := make([]*recv, 1+rng.Intn(2))
		for i := range rs {
			rs[i] = &recv{}
		}
		acted, sent := false, false
		deliveries, closedSeen := 0, 0
		finish := func(out rt.Tuple2[int, error]) {
			switch {
			case out.V1 == nil && out.V0 == 42:
				deliveries++
			case out.V1 == ErrClosed:
				closedSeen++
			default:
				t.Fatalf("seed %d: receive returned %v", seed, out)
			}
		}
		actAt := rng.Intn(40)
		for step := 0; step < 60; step++ {
			if step == actAt {
				acted = true
				if sent = rng.Intn(3) != 0; sent {
					if err := tx.Send(42); err != nil {
						t.Fatal(err)
					}
				} else {
					tx.Close()
				}
			}
			r := rs[rng.Intn(len(rs))]
			switch {
			case r.f == nil && rng.Intn(5) == 0:
				if v, err := rx.TryRecv(); err != ErrEmpty {
					finish(rt.Tuple2[int, error]{V0: v, V1: err})
				}
			case r.f == nil:
				r.f = rx.RecvAsync()
				fallthrough
			case r.w.woken() || rng.Intn(10) == 0:
				if out, ok := chPoll[rt.Tuple2[int, error]](r.f, &r.w); ok {
					r.f = nil
					finish(out)
				}
			case rng.Intn(3) == 0:
				r.f.Cancel()
				r.f = nil
			}
		}
		for _, r := range rs {
			if r.f != nil {
				if acted && !r.w.woken() {
					t.Fatalf("seed %d: a pending receive was not woken by the send or close", seed)
				}
				if out, ok := chPoll[rt.Tuple2[int, error]](r.f, &r.w); ok {
					finish(out)
				} else if acted {
					t.Fatalf("seed %d: receive pending after the send or close", seed)
				}
			}
		}
		if !acted {
			tx.Send(42)
			sent = true
		}
		if deliveries == 0 {
			v, err := rx.Recv()
			finish(rt.Tuple2[int, error]{V0: v, V1: err})
		}
		if want := map[bool]int{true: 1, false: 0}[sent]; deliveries != want {
			t.Fatalf("seed %d: value delivered %d times, want %d", seed, deliveries, want)
		}
	}
}

func TestChanModelBroadcast(t *testing.T) {
	for seed := int64(1); seed <= chModelSeeds; seed++ {
		rng := rand.New(rand.NewSource(seed))
		b := NewBroadcast[int](1 + rng.Intn(4))
		type recv struct {
			r      *BroadcastReceiver[int]
			w      chWaker
			f      *BroadcastRecvFuture[int]
			next   int // the value the model expects next
			closed bool
		}
		rs := make([]*recv, 1+rng.Intn(3))
		for i := range rs {
			rs[i] = &recv{r: b.Subscribe()}
		}
		sent := 0
		// take checks one receive's outcome against the model.
		take := func(r *recv, v int, err error) {
			var lag *LaggedError
			switch {
			case err == nil:
				if v != r.next {
					t.Fatalf("seed %d: received %d, want %d", seed, v, r.next)
				}
				r.next++
			case errors.As(err, &lag):
				if lag.Missed == 0 || r.next+int(lag.Missed) > sent-len(b.ring) {
					t.Fatalf("seed %d: lagged by %d at %d of %d sent", seed, lag.Missed, r.next, sent)
				}
				r.next += int(lag.Missed)
			case err == ErrClosed:
				r.closed = true
			default:
				t.Fatalf("seed %d: %v", seed, err)
			}
		}
		for step := 0; step < 300; step++ {
			if rng.Intn(3) == 0 {
				var waiting []*recv
				for _, r := range rs {
					if r.f != nil && r.f.w.queued {
						waiting = append(waiting, r)
					}
				}
				b.Send(sent)
				sent++
				for _, r := range waiting {
					if r.w.n.Load() == 0 {
						t.Fatalf("seed %d: a waiting receive was not woken by a send", seed)
					}
				}
				continue
			}
			r := rs[rng.Intn(len(rs))]
			switch {
			case r.f == nil && rng.Intn(5) == 0:
				if v, err := r.r.TryRecv(); err != ErrEmpty {
					take(r, v, err)
				}
			case r.f == nil:
				r.f = r.r.RecvAsync()
				fallthrough
			case r.w.woken() || rng.Intn(10) == 0:
				if out, ok := chPoll[rt.Tuple2[int, error]](r.f, &r.w); ok {
					r.f = nil
					take(r, out.V0, out.V1)
				}
			case rng.Intn(3) == 0:
				r.f.Cancel()
				r.f = nil
			}
		}
		b.Close()
		for _, r := range rs {
			if r.f != nil {
				if !r.w.woken() {
					t.Fatalf("seed %d: a pending receive was not woken by the sends or the close", seed)
				}
				out, ok := chPoll[rt.Tuple2[int, error]](r.f, &r.w)
				if !ok {
					t.Fatalf("seed %d: receive pending on a closed broadcast", seed)
				}
				take(r, out.V0, out.V1)
			}
			for !r.closed {
				v, err := r.r.Recv()
				take(r, v, err)
			}
			if r.next != sent {
				t.Fatalf("seed %d: receiver accounted for %d of %d values", seed, r.next, sent)
			}
		}
	}
}

func TestChanModelWatch(t *testing.T) {
	for seed := int64(1); seed <= chModelSeeds; seed++ {
		rng := rand.New(rand.NewSource(seed))
		w := NewWatch(0)
		type recv struct {
			r    *WatchReceiver[int]
			wk   chWaker
			f    *WatchChangedFuture[int]
			seen int
		}
		rs := make([]*recv, 1+rng.Intn(3))
		for i := range rs {
			rs[i] = &recv{r: w.Subscribe()}
		}
		latest := 0
		changed := func(r *recv, err error) {
			if err != nil || latest == r.seen {
				t.Fatalf("seed %d: Changed = %v with latest %d, seen %d", seed, err, latest, r.seen)
			}
			if r.seen = r.r.Load(); r.seen != latest {
				t.Fatalf("seed %d: Load = %d, latest %d", seed, r.seen, latest)
			}
		}
		for step := 0; step < 200; step++ {
			if rng.Intn(3) == 0 {
				var waiting []*recv
				for _, r := range rs {
					if r.f != nil && r.f.w.queued {
						waiting = append(waiting, r)
					}
				}
				latest++
				w.Send(latest)
				for _, r := range waiting {
					if r.wk.n.Load() == 0 {
						t.Fatalf("seed %d: a waiting Changed was not woken by a send", seed)
					}
				}
				continue
			}
			r := rs[rng.Intn(len(rs))]
			switch {
			case r.f == nil:
				r.f = r.r.ChangedAsync()
				fallthrough
			case r.wk.woken() || rng.Intn(10) == 0:
				if err, ok := chPoll[error](r.f, &r.wk); ok {
					r.f = nil
					changed(r, err)
				} else if r.r.HasChanged() {
					t.Fatalf("seed %d: Changed pending with a change unseen", seed)
				}
			case rng.Intn(3) == 0:
				r.f.Cancel()
				r.f = nil
			}
		}
		w.Close()
		for _, r := range rs {
			if r.f != nil {
				if !r.wk.woken() {
					t.Fatalf("seed %d: a pending Changed was not woken", seed)
				}
				err, ok := chPoll[error](r.f, &r.wk)
				if !ok {
					t.Fatalf("seed %d: Changed pending on a closed watch", seed)
				}
				if err == nil {
					changed(r, err)
				}
			}
			if r.r.HasChanged() {
				changed(r, r.r.Changed())
			}
			if err := r.r.Changed(); err != ErrClosed || r.seen != latest {
				t.Fatalf("seed %d: after close Changed = %v, seen %d of %d", seed, err, r.seen, latest)
			}
		}
	}
}
