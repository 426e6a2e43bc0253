package netx

import (
	"strconv"
	"testing"

	"github.com/corio-go/corio/rt"
)

// pendingTrace polls f once on r (it must stay pending) and returns its
// Trace; then it cancels f.
func pendingTrace[T any](t *testing.T, r *rt.Runtime, f rt.Future[T]) rt.Trace {
	t.Helper()
	var tr rt.Trace
	rt.BlockOn(r, rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
		if _, ok := f.Poll(cx); ok {
			t.Fatalf("%T ready at its first poll", f)
		}
		tr = f.(rt.Tracer).Trace()
		rt.Cancel(f)
		return struct{}{}, true
	}))
	return tr
}

func checkTrace(t *testing.T, got rt.Trace, fn, detail string) {
	t.Helper()
	if got.Func != fn || got.Detail != detail || got.Awaiting != nil {
		t.Errorf("Trace = %+v, want Func %q, Detail %q", got, fn, detail)
	}
}

func TestTraceSocketWaits(t *testing.T) {
	r := rt.NewCurrentThread()
	defer r.Shutdown()
	ln := listen(t)
	lfd := strconv.Itoa(ln.fd.sysfd())
	checkTrace(t, pendingTrace(t, r, ln.AcceptAsync()), "netx.(*TCPListener).Accept", "fd "+lfd+", waiting readable")

	c, err := Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	cfd := strconv.Itoa(c.sock().sysfd())
	var buf [8]byte
	checkTrace(t, pendingTrace(t, r, c.ReadAsync(buf[:])), "netx.(*TCPStream).Read", "fd "+cfd+", waiting readable")
	checkTrace(t, pendingTrace(t, r, c.ReadableAsync()), "netx.(*TCPStream).Readable", "fd "+cfd+", waiting readable")
}
