package rt_test

import (
	"fmt"

	"github.com/corio-go/corio/rt"
)

// A hand-written Poll takes a handle on the runtime polling it from its
// Context, as rt.CurrentHandle() does inside an async function.
func ExampleContext_Handle() {
	r := rt.NewCurrentThreadWith(rt.WithName("main"))
	defer r.Shutdown()
	h := rt.BlockOn(r, rt.PollFunc(func(cx *rt.Context) (rt.Handle, bool) {
		return cx.Handle(), true
	}))
	fmt.Println(h.Runtime().Name(), h.Runtime() == r)
	// Output: main true
}
