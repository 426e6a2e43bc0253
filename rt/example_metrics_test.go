package rt_test

import (
	"encoding/json"
	"expvar"
	"fmt"
	"time"

	"github.com/corio-go/corio/rt"
)

// yielder yields n times, then is ready.
type yielder struct{ n int }

func (y *yielder) Poll(cx *rt.Context) (struct{}, bool) {
	if y.n == 0 {
		return struct{}{}, true
	}
	y.n--
	cx.Waker().Wake()
	return struct{}{}, false
}

func ExampleRuntime_MetricsSnapshot() {
	r := rt.NewCurrentThreadWith(rt.WithPollTimeHistogram())
	defer r.Shutdown()
	var hs []*rt.JoinHandle[struct{}]
	for range 3 {
		hs = append(hs, rt.SpawnOn[struct{}](r, &yielder{n: 2}))
	}
	for _, h := range hs {
		rt.BlockOn(r, h.JoinAsync())
	}
	s := r.MetricsSnapshot()
	var timed uint64
	for _, c := range s.PollTimes.Counts {
		timed += c
	}
	fmt.Println("polls:", s.Polls, "spawned:", s.Spawned, "completed:", s.Completed)
	fmt.Println("workers:", len(s.Workers), "worker 0 polls:", s.Workers[0].Polls, "timed:", timed)
	// Output:
	// polls: 9 spawned: 3 completed: 3
	// workers: 1 worker 0 polls: 9 timed: 9
}

func ExampleRuntime_MetricsVar() {
	r := rt.NewCurrentThreadWith(rt.WithName("api"))
	defer r.Shutdown()
	expvar.Publish("corio_api", r.MetricsVar()) // served at /debug/vars
	rt.BlockOn(r, rt.SpawnOn[struct{}](r, &yielder{n: 1}).JoinAsync())

	var m struct {
		Name    string
		Polls   uint64
		Spawned uint64
	}
	json.Unmarshal([]byte(expvar.Get("corio_api").String()), &m)
	fmt.Printf("%+v\n", m)
	// Output:
	// {Name:api Polls:2 Spawned:1}
}

// blocker is a task with the bug slow-poll detection finds: its first poll
// blocks its worker. It implements rt.Tracer, as generated futures do, so
// the report says where it is.
type blocker struct{ polls int }

func (b *blocker) Poll(cx *rt.Context) (struct{}, bool) {
	b.polls++
	if b.polls == 1 {
		time.Sleep(20 * time.Millisecond) // blocks every task of the worker
		cx.Waker().Wake()
		return struct{}{}, false
	}
	return struct{}{}, true
}

func (b *blocker) Trace() rt.Trace {
	return rt.Trace{Func: "main.fetch", File: "example.com/app/fetch.go", Line: 40 + b.polls}
}

func ExampleWithSlowPollThreshold() {
	r := rt.NewCurrentThreadWith(
		rt.WithSlowPollThreshold(10*time.Millisecond),
		// Without a handler the report goes to slog.Default() as a warning.
		rt.WithSlowPollHandler(func(s rt.SlowPoll) {
			fmt.Println("slow poll:", s.Duration >= 10*time.Millisecond, s.Trace[0])
		}),
	)
	defer r.Shutdown()
	rt.BlockOn(r, rt.SpawnOn[struct{}](r, &blocker{}).JoinAsync())
	fmt.Println("slow polls counted:", r.Metrics().SlowPolls)
	// Output:
	// slow poll: true main.fetch at example.com/app/fetch.go:41
	// slow polls counted: 1
}

func ExampleWithTaskHooks() {
	var first uint64
	event := func(what string) func(rt.TaskMeta) {
		return func(m rt.TaskMeta) {
			if first == 0 {
				first = m.ID
			}
			fmt.Println(what, "task", m.ID-first)
		}
	}
	r := rt.NewCurrentThreadWith(rt.WithTaskHooks(rt.TaskHooks{
		OnSpawn:    event("spawn"),
		BeforePoll: event("before poll"),
		AfterPoll:  event("after poll"),
		OnComplete: event("complete"),
	}))
	defer r.Shutdown()
	rt.BlockOn(r, rt.SpawnOn[struct{}](r, &yielder{n: 1}).JoinAsync())
	// Output:
	// spawn task 0
	// before poll task 0
	// after poll task 0
	// before poll task 0
	// after poll task 0
	// complete task 0
}
