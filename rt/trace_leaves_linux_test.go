package rt

import (
	"strconv"
	"testing"
)

func TestTraceReadiness(t *testing.T) {
	a, _ := socketPair(t)
	r := NewCurrentThread()
	defer r.Shutdown()
	var reg *Registration
	BlockOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
		reg = new(Registration)
		if err := reg.Init(cx, a); err != nil {
			t.Fatal(err)
		}
		return struct{}{}, true
	}))
	defer reg.Deregister()
	fd := strconv.Itoa(a)
	checkChain(t, chainAfterPoll(t, r, reg.ReadableAsync()),
		Trace{Func: "rt.(*Registration).Readable", Detail: "fd " + fd + ", waiting readable"})
	buf := make([]byte, 8)
	var n int
	checkChain(t, chainAfterPoll(t, r, reg.IOAsync(DirRead, readOp(a, buf, &n))),
		Trace{Func: "rt.(*Registration).IO", Detail: "fd " + fd + ", waiting readable"})
	if got := (*writableFuture)(reg).Trace(); got.Detail != "fd "+fd+", waiting writable" {
		t.Errorf("writable: %+v", got)
	}
}
