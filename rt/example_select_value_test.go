package rt_test

import (
	"fmt"
	"time"

	"github.com/corio-go/corio/rt"
)

// firstReply is a hand-written future that waits for a reply or a deadline,
// holding its select by value: building and polling it allocates nothing
// beyond firstReply itself.
type firstReply struct {
	sel rt.Select2Future[string, struct{}]
}

func (f *firstReply) Poll(cx *rt.Context) (string, bool) {
	s, ok := f.sel.Poll(cx)
	if !ok {
		return "", false
	}
	f.sel = rt.Select2Future[string, struct{}]{} // drop the branches
	if s.Index == 1 {
		return "timed out", true
	}
	return s.V0, true
}

// Cancel cancels the pending select's branches; after it completed (or for
// the zero value) it does nothing.
func (f *firstReply) Cancel() { f.sel.Cancel() }

func ExampleMakeSelect2() {
	r := rt.NewCurrentThread()
	defer r.Shutdown()
	f := &firstReply{sel: rt.MakeSelect2[string, struct{}](after(10*time.Millisecond, "reply"), stuck[struct{}]{"deadline"})}
	fmt.Println(rt.BlockOn[string](r, f))
	// Output:
	// cancelled deadline
	// reply
}
