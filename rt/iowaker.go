package rt

import "github.com/corio-go/corio/poller"

// How a waiting task costs the poller one word. A registration's record
// keeps each of its two waiters in one word: the data word of a Waker of
// the poller's word type, or a box holding any other Waker (see the
// poller's SetWordWaker). The word type is headerWaker, a task seen through
// its header, so a task awaiting readiness — nearly every waiter — is kept
// as its own address; the runtime's other long-lived wakers (Await's parker,
// BlockOn's main waker, a large join's child wakers) lend the poller the box
// they already keep for joins, so they allocate nothing either; any other
// Waker gets a box of the poller's, once per registration.
//
// The lent boxes hold an rt.Waker, read by the poller as a poller.Waker:
// two interface types with the same single method, whose values have the
// same layout (method table, data word) and the same Wake at the same place
// in the table.

func init() { poller.SetWordWaker((*headerWaker)(nil)) }

// ioWaker returns cx's waker in the form the poller keeps in one word: a
// task's waker (whatever its output type) as its headerWaker, which wakes
// it the same way; any other waker as it is.
func ioWaker(cx *Context) poller.Waker {
	w := cx.Waker()
	if tw, ok := w.(taskWaker); ok {
		return (*headerWaker)(tw.header())
	}
	return w
}

// WakerBox lends the parker's box to a registration it waits on
// (poller.WakerBoxer), as joinBox does to a task it joins.
func (p *parker) WakerBox() *poller.Waker { return (*poller.Waker)(p.joinBox()) }

// WakerBox lends the box holding the main waker (poller.WakerBoxer).
func (m *mainWaker) WakerBox() *poller.Waker { return (*poller.Waker)(m.joinBox()) }

// WakerBox lends the child waker's box (poller.WakerBoxer).
func (w *childWaker) WakerBox() *poller.Waker { return (*poller.Waker)(w.joinBox()) }
