package rt

import (
	"unsafe"

	"github.com/corio-go/corio/poller"
)

// How a waiting task costs the poller one word. A registration's record
// keeps each of its two waiters in one word: the data word of a Waker of
// the poller's word type, or a box holding any other Waker (see the
// poller's SetWordWaker). The word type is headerWaker, a task seen through
// its header, so a task awaiting readiness — nearly every waiter — is kept
// as its own address; direct mode's parker lends the poller a box holding
// itself, so it allocates nothing either; any other Waker (BlockOn's main
// waker, a join's child wakers, a third party's) gets a box of the poller's,
// once per registration.
//
// The parker's box is a field of its own rather than the box it lends to
// joins: that one holds an rt.Waker, whose method table names rt.Waker, so
// read through a *poller.Waker it would compare unequal to the same parker
// converted to a poller.Waker.

func init() { poller.SetWordWaker((*headerWaker)(nil)) }

// ioWaker returns cx's waker in the form the poller keeps in one word: a
// task's waker (whatever its output type) as its headerWaker, which wakes
// it the same way; any other waker as it is.
func ioWaker(cx *Context) poller.Waker {
	// The polling task's own waker, as its driver installed it (no
	// combinator replaced it): the task's address is its header's, so the
	// waker's data word says so without the type assertion below, which
	// costs a lookup in the runtime's assertion cache on every wait.
	if h := cx.task; h != nil && wakerIDOf(cx.waker).data == uintptr(unsafe.Pointer(h)) {
		return (*headerWaker)(h)
	}
	w := cx.Waker()
	if tw, ok := w.(taskWaker); ok {
		return (*headerWaker)(tw.header())
	}
	return w
}

// WakerBox lends the parker's box of the poller's Waker type to a
// registration it waits on (poller.WakerBoxer), so that direct mode's
// blocking waits allocate nothing.
func (p *parker) WakerBox() *poller.Waker { return &p.pbox }
