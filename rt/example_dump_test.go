package rt_test

import (
	"fmt"
	"sync"

	"github.com/corio-go/corio/rt"
)

// parked is a leaf that waits until opened and says so in a dump.
type parked struct {
	mu    sync.Mutex
	open  bool
	waker rt.Waker
}

func (p *parked) Poll(cx *rt.Context) (struct{}, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.open {
		return struct{}{}, true
	}
	p.waker = cx.Waker()
	return struct{}{}, false
}

func (p *parked) Trace() rt.Trace {
	return rt.Trace{Func: "example.parked", Detail: "waiting to be opened"}
}

func (p *parked) release() {
	p.mu.Lock()
	p.open = true
	w := p.waker
	p.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

// Dump lists a runtime's live tasks with where each is suspended.
func ExampleRuntime_Dump() {
	r := rt.NewMultiThread(rt.WithWorkers(1))
	defer r.Shutdown()
	p := &parked{}
	h := rt.SpawnNamedOn[struct{}](r, "worker", p)
	for {
		d := r.Dump()
		if t := d.Tasks[0]; t.State == rt.TaskIdle {
			fmt.Println(t.Name, t.State, t.Polls, "poll:")
			for _, tr := range t.Stack {
				fmt.Println("\t" + tr.String())
			}
			break
		}
	}
	p.release()
	h.Join()
	fmt.Println(len(r.Dump().Tasks), "tasks left")
	// Output:
	// worker idle 1 poll:
	// 	example.parked (waiting to be opened)
	// 0 tasks left
}
