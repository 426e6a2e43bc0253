package rt_test

import (
	"context"
	"fmt"
	"sync"

	"github.com/corio-go/corio/rt"
)

// square is a hand-written future: ready at once with n*n.
type square struct{ n int }

func (s *square) Poll(*rt.Context) (int, bool) { return s.n * s.n, true }

func ExampleNewMultiThread() {
	r := rt.NewMultiThread(rt.WithWorkers(4), rt.WithName("example"))
	defer r.Shutdown()
	var hs []*rt.JoinHandle[int]
	for i := 1; i <= 3; i++ {
		hs = append(hs, rt.SpawnOn[int](r, &square{n: i})) // from outside: inject queue
	}
	sum := 0
	for _, h := range hs {
		v, _ := h.Join() // a plain goroutine may block on a multi-thread runtime's task
		sum += v
	}
	fmt.Println(r.Name(), sum)
	// Output: example 14
}

func ExampleRunMulti() {
	out := rt.RunMulti(rt.PollFunc(func(cx *rt.Context) (string, bool) {
		return "ran on " + cx.Runtime().Name(), true
	}), rt.WithWorkers(2), rt.WithName("pool"))
	fmt.Println(out)
	// Output: ran on pool
}

// mailbox is a one-value channel between tasks; send wakes the receiver with
// cx.Wake, so on a multi-thread runtime the receiver runs next on the same
// worker (its LIFO slot) without a lock or a cross-goroutine wake-up.
type mailbox struct {
	mu     sync.Mutex
	v      *string
	waiter rt.Waker
}

func (m *mailbox) send(cx *rt.Context, v string) {
	m.mu.Lock()
	m.v = &v
	w := m.waiter
	m.waiter = nil
	m.mu.Unlock()
	if w != nil {
		cx.Wake(w)
	}
}

func (m *mailbox) Poll(cx *rt.Context) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.v != nil {
		return *m.v, true
	}
	m.waiter = cx.Waker()
	return "", false
}

func ExampleContext_Wake() {
	r := rt.NewMultiThread(rt.WithWorkers(2))
	defer r.Shutdown()
	m := &mailbox{}
	recv := rt.SpawnOn[string](r, m)
	sent := false
	rt.BlockOn(r, rt.SpawnOn(r, rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
		if !sent {
			m.send(cx, "hello")
			sent = true
		}
		return struct{}{}, true
	})).JoinAsync())
	v, _ := recv.Join()
	fmt.Println(v)
	// Output: hello
}

func ExampleTaskContextAsync() {
	r := rt.NewMultiThread(rt.WithWorkers(2))
	defer r.Shutdown()
	ctxs := make(chan context.Context, 1)
	h := rt.SpawnOn(r, rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
		ctx, _ := rt.TaskContextAsync().Poll(cx)
		select {
		case ctxs <- ctx: // hand it to blocking work the task started
		default:
		}
		return struct{}{}, false // waits forever
	}))
	ctx := <-ctxs
	h.Abort()
	<-ctx.Done()
	fmt.Println(context.Cause(ctx))
	// Output: corio/rt: task aborted
}

func ExampleCurrentHandleAsync() {
	r := rt.NewCurrentThreadWith(rt.WithName("main"))
	defer r.Shutdown()
	h := rt.BlockOn(r, rt.CurrentHandleAsync())
	// Outside the runtime, spawn onto it through the handle and block on it.
	j := rt.SpawnOn[int](h.Runtime(), &square{n: 7})
	res := rt.BlockOn(h.Runtime(), j.JoinAsync())
	fmt.Println(h.Runtime().Name(), res.V0)
	// Output: main 49
}

func ExampleSpawnInlineAsync() {
	var h *rt.JoinHandle[int]
	out := rt.Run(rt.PollFunc(func(cx *rt.Context) (int, bool) {
		if h == nil {
			// square{n: 6} is copied into the task: one allocation in all.
			h, _ = rt.SpawnInlineAsync[int](square{n: 6}).Poll(cx)
		}
		res, ok := h.JoinAsync().Poll(cx)
		return res.V0, ok
	}))
	fmt.Println(out)
	// Output: 36
}
