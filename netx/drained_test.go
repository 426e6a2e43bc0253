package netx

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/corio-go/corio/rt"
)

// TestReadPooledDrainedMark: on a multi-thread worker, a ReadPooled that
// drains the stream leaves the Readable bit set and marks the stream
// drained; the next ReadPooled then waits without a recv(2), and its wait
// clears the bit. A new message is read as before.
func TestReadPooledDrainedMark(t *testing.T) {
	r := rt.NewMultiThread(rt.WithWorkers(1))
	defer r.Shutdown()
	ln := listen(t)
	c, s := acceptOn(t, r, ln)
	defer c.Close()
	var attempts atomic.Int32
	testHookFenced = func(int) { attempts.Add(1) }
	defer func() { testHookFenced = nil }()
	steps := make(chan string, 8)
	var rd rt.Future[rt.Tuple2[*Buf, error]]
	reads := 0
	h := rt.SpawnOn(r, rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
		for {
			if rd == nil {
				rd = s.ReadPooledAsync()
			}
			out, ok := rd.Poll(cx)
			ev := s.sock().reg.Readiness()
			if !ok {
				if reads > 0 {
					steps <- fmt.Sprintf("wait: readable %v, recvs %d", ev.Ready&rt.Readable != 0, attempts.Load())
				}
				return struct{}{}, false
			}
			rd = nil
			if out.V1 != nil {
				close(steps)
				return struct{}{}, true
			}
			reads++
			steps <- fmt.Sprintf("read %q: readable %v, recvs %d", out.V0.Bytes(), ev.Ready&rt.Readable != 0, attempts.Load())
			out.V0.Release()
		}
	}))
	want := func(w string) {
		t.Helper()
		if got := <-steps; got != w {
			t.Fatalf("got %q, want %q", got, w)
		}
	}
	c.Write([]byte("x"))
	want(`read "x": readable true, recvs 1`)
	want(`wait: readable false, recvs 1`)
	c.Write([]byte("y"))
	want(`read "y": readable true, recvs 2`)
	want(`wait: readable false, recvs 2`)
	s.Close()
	if _, err := h.Join(); err != nil {
		t.Fatal(err)
	}
}
