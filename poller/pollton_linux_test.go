package poller

import "testing"

// sinkList queues the wakers a Poll hands it.
type sinkList struct{ got []Waker }

func (s *sinkList) Dispatch(w Waker) { s.got = append(s.got, w) }

// TestPollToNLimitsTheBatch: PollToN collects at most max events; the others
// stay queued in the kernel and come, each once, with the next Poll.
func TestPollToNLimitsTheBatch(t *testing.T) {
	f := newFixture(t)
	const conns = 5
	var ws [conns]countWaker
	peers := make([]int, conns)
	for i := range conns {
		a, b := f.socketpair()
		r := f.register(a)
		f.drainPoll() // the initial edge: writable, not readable
		if _, ok := r.PollReady(DirRead, &ws[i]); ok {
			t.Fatal("an empty socket is readable")
		}
		peers[i] = b
	}
	for _, b := range peers {
		write(t, b, "x")
	}
	var s sinkList
	n, err := f.p.PollToN(0, 2, &s)
	if err != nil || n != 2 || len(s.got) != 2 {
		t.Fatalf("PollToN(0, 2): %d events, %d wakers, %v; want 2, 2", n, len(s.got), err)
	}
	n, err = f.p.PollToN(0, 0, &s) // 0: the whole batch
	if err != nil || n != conns-2 || len(s.got) != conns {
		t.Fatalf("PollToN(0, 0) after: %d events, %d wakers in all, %v; want %d, %d", n, len(s.got), err, conns-2, conns)
	}
	for _, w := range s.got {
		w.Wake()
	}
	for i := range ws {
		if c := ws[i].count(); c != 1 {
			t.Errorf("waker %d dispatched %d times; want once", i, c)
		}
	}
}
