package rt

import (
	"testing"

	"github.com/corio-go/corio/poller"
	"golang.org/x/sys/unix"
)

// nopFuture is ready at once; a task made from it is only looked at.
type nopFuture struct{}

func (nopFuture) Poll(*Context) (int, bool) { return 0, true }

// wakerList is a driver sink that keeps the wakers a park dispatches.
type wakerList struct{ got []poller.Waker }

func (s *wakerList) Dispatch(w poller.Waker) { s.got = append(s.got, w) }

// TestIOWakerForms checks the seam between rt and the poller's one-word
// waiters: the task header is the poller's word type, a task's waker of
// any output type reaches the poller as its headerWaker, and Await's parker
// lends a box that holds itself.
func TestIOWakerForms(t *testing.T) {
	if !poller.SetWordWaker((*headerWaker)(nil)) {
		t.Fatal("headerWaker is not the poller's word type")
	}
	tk := newTask[int](nopFuture{})
	if hw, ok := ioWaker(NewContext(tk)).(*headerWaker); !ok || hw.header() != &tk.taskHeader {
		t.Fatalf("a task's waker reaches the poller as %T, want its *headerWaker", ioWaker(NewContext(tk)))
	}
	w := &countingWaker{}
	if got := ioWaker(NewContext(w)); got != poller.Waker(w) {
		t.Fatalf("a plain waker reaches the poller as %v, want itself", got)
	}
	p := parkerPool.Get().(*parker)
	defer parkerPool.Put(p)
	if box := p.WakerBox(); box == nil || *box != poller.Waker(p) {
		t.Errorf("the parker lends a box holding %v, want itself", *box)
	}
}

// TestIOWaitAllocatesNothing: a task waiting for readiness, and a parker
// (direct mode), wait and are dispatched with no allocation; the task
// arrives at the sink as a waker the worker's Dispatch recognises.
func TestIOWaitAllocatesNothing(t *testing.T) {
	d, r, a, b := driverPair(t)
	var sink wakerList
	d.ParkTo(0, false, &sink) // the registration's first edges
	tk := newTask[int](nopFuture{})
	p := parkerPool.Get().(*parker)
	defer parkerPool.Put(p)
	buf := make([]byte, 1)
	wait := func(cx *Context) {
		sink.got = sink.got[:0]
		r.ClearReadiness(r.Readiness())
		if _, ok := r.ReadableAsync().Poll(cx); ok {
			t.Fatal("readable before the write")
		}
		unix.Write(b, buf)
		d.ParkTo(-1, false, &sink)
		unix.Read(a, buf)
		if len(sink.got) != 1 {
			t.Fatalf("%d wakers dispatched, want 1", len(sink.got))
		}
	}
	taskCx := NewContext(tk)
	wait(taskCx)
	if tw, ok := sink.got[0].(taskWaker); !ok || tw.header() != &tk.taskHeader {
		t.Fatalf("dispatched %T, want the task", sink.got[0])
	}
	if hw, ok := sink.got[0].(*headerWaker); !ok || hw.header() != &tk.taskHeader || taskOfWaker(sink.got[0]) != &tk.taskHeader {
		t.Fatalf("dispatched %T: not the *headerWaker form Dispatch's fast path recognises", sink.got[0])
	}
	for _, c := range []struct {
		name string
		cx   *Context
	}{{"task", taskCx}, {"parker", &p.cx}} {
		if n := testing.AllocsPerRun(50, func() { wait(c.cx) }); n != 0 {
			t.Errorf("%s: %v allocations per wait, want 0", c.name, n)
		}
	}
}

// TestTaskOfWaker: the worker's Dispatch finds the task behind a waker by
// the method table of the poller's form (*headerWaker), by the type
// assertion for a task's own waker of any output type, and finds none in
// any other waker.
func TestTaskOfWaker(t *testing.T) {
	tk := newTask[int](nopFuture{})
	for _, c := range []struct {
		name string
		wk   poller.Waker
		want *taskHeader
	}{
		{"headerWaker", (*headerWaker)(&tk.taskHeader), &tk.taskHeader},
		{"task", tk, &tk.taskHeader},
		{"ioWaker", ioWaker(NewContext(tk)), &tk.taskHeader},
		{"other", &countingWaker{}, nil},
	} {
		if got := taskOfWaker(c.wk); got != c.want {
			t.Errorf("%s: %p, want %p", c.name, got, c.want)
		}
	}
}
