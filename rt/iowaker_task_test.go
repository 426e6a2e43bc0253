package rt

import "testing"

// TestIOWakerOfThePolledTask: while a task is polled with its own waker,
// ioWaker gives the task's header without asking the waker's type; when a
// combinator replaced the waker for the future it polls, the replacement
// is what waits, though the task is still the one polled.
func TestIOWakerOfThePolledTask(t *testing.T) {
	tk := newTask[int](nopFuture{})
	cx := NewContext(tk)
	cx.task = &tk.taskHeader
	if hw, ok := ioWaker(cx).(*headerWaker); !ok || hw.header() != &tk.taskHeader {
		t.Fatalf("the polled task's own waker reaches the poller as %T, want its *headerWaker", ioWaker(cx))
	}
	sub := &countingWaker{}
	cx.waker = sub
	if got := ioWaker(cx); got != Waker(sub) {
		t.Fatalf("a combinator's waker reaches the poller as %v, want itself", got)
	}
	other := newTask[int](nopFuture{})
	cx.waker = other
	if hw, ok := ioWaker(cx).(*headerWaker); !ok || hw.header() != &other.taskHeader {
		t.Fatalf("another task's waker reaches the poller as %v, want that task's header", ioWaker(cx))
	}
}
