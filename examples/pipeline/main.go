// Command pipeline runs a producer → workers → collector pipeline over
// bounded corio channels, with a time limit per job and a way to stop the
// whole pipeline early.
//
// The producer sends job numbers into a channel of capacity 2, so it waits
// whenever the workers fall behind (back-pressure). Several workers receive
// from that one channel — each job goes to exactly one of them — run the job
// under rt.Timeout, and send a Result into a second bounded channel. The
// collector receives the results. A job that overruns its limit is
// cancelled: rt.Timeout cancels its future, which stops its timer, and the
// worker reports the timeout and goes on.
//
// Stopping early is cancellation too: after stopAfter results the collector
// closes both channels from the receiving side. The producer's next Send and
// each worker's next Send then fail with syncx.ErrClosed, so every task
// returns, and the runtime is left with nothing running. A worker waiting in
// Recv or Send when that happens loses nothing and leaks nothing: channel
// operations are cancel-safe.
//
// Every function below is marked //async:func; `go generate` (asyncgen)
// writes main_async.go with their XAsync futures. main runs the pipeline
// twice: as futures on a corio runtime (rt.Run), and as plain Go ("direct
// mode"), where Run blocks in each Join while the tasks it spawns run on the
// process default runtime. Both print the same report.
//
//	go run ./examples/pipeline
package main

//go:generate go run github.com/corio-go/corio/cmd/asyncgen

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/corio-go/corio/rt"
	"github.com/corio-go/corio/syncx"
)

// Result is what a worker reports for one job.
type Result struct {
	Job   int
	Value int
	Err   error // nil, or the timeout
}

// cost is how long job takes: every fifth job is far slower than any limit
// the example uses, so it always times out; the others take a few
// milliseconds.
func cost(job int) time.Duration {
	if job%5 == 0 {
		return time.Hour
	}
	return time.Duration(job%3) * time.Millisecond
}

// Process does one job.
//
//async:func
func Process(job int) int {
	rt.Sleep(cost(job)) // a suspension point: the task waits on a timer
	return job * job
}

// Produce sends jobs 1..n, waiting whenever the channel is full, and closes
// its handle. It returns syncx.ErrClosed if the pipeline was stopped first.
//
//async:func
func Produce(jobs *syncx.Sender[int], n int) error {
	for job := 1; job <= n; job++ {
		if err := jobs.Send(job); err != nil {
			jobs.Close()
			return err
		}
	}
	jobs.Close()
	return nil
}

// Work receives jobs until the jobs channel is closed and drained, runs each
// under a time limit and sends its result. It returns how many results it
// delivered.
//
//async:func
func Work(jobs *syncx.Receiver[int], results *syncx.Sender[Result], limit time.Duration) int {
	delivered := 0
	for {
		job, ok := jobs.Recv()
		if !ok {
			break
		}
		v, err := rt.Timeout(limit, ProcessAsync(job))
		if errors.Is(err, rt.ErrTimeout) {
			err = fmt.Errorf("timed out after %v", limit)
		}
		if results.Send(Result{Job: job, Value: v, Err: err}) != nil {
			break // the collector stopped the pipeline
		}
		delivered++
	}
	results.Close()
	return delivered
}

// Collect receives results until every worker is done, or until it has
// stopAfter of them (0: no limit) — then it stops the pipeline by closing
// both channels from the receiving side.
//
//async:func
func Collect(results *syncx.Receiver[Result], jobs *syncx.Receiver[int], stopAfter int) []Result {
	var got []Result
	for {
		r, ok := results.Recv()
		if !ok {
			break
		}
		got = append(got, r)
		if len(got) == stopAfter {
			jobs.Close()
			results.Close()
			break
		}
	}
	return got
}

// Report is what Run found.
type Report struct {
	Results     []Result // sorted by job
	ProducerErr error
	Delivered   int // results the workers delivered, in total
	Workers     int // workers that returned
}

// Run builds the pipeline — one producer, workers workers, one collector,
// each a task — for jobs 1..n and waits for all of them.
//
//async:func
func Run(n, workers int, limit time.Duration, stopAfter int) (Report, error) {
	jobsTx, jobsRx := syncx.NewChannel[int](2)
	resultsTx, resultsRx := syncx.NewChannel[Result](2)
	producer := rt.Spawn(ProduceAsync(jobsTx, n))
	var handles []*rt.JoinHandle[int]
	for i := 0; i < workers; i++ {
		// Each worker has its own handle; the results channel closes when
		// the last one is closed.
		handles = append(handles, rt.Spawn(WorkAsync(jobsRx, resultsTx.Clone(), limit)))
	}
	resultsTx.Close()
	collector := rt.Spawn(CollectAsync(resultsRx, jobsRx, stopAfter))

	var rep Report
	results, err := collector.Join()
	if err != nil {
		return rep, err
	}
	rep.Results = results
	sort.Slice(rep.Results, func(i, j int) bool { return rep.Results[i].Job < rep.Results[j].Job })
	if rep.ProducerErr, err = producer.Join(); err != nil {
		return rep, err
	}
	for _, h := range handles {
		delivered, err := h.Join()
		if err != nil {
			return rep, err
		}
		rep.Delivered += delivered
		rep.Workers++
	}
	return rep, nil
}

// String formats the report; it is the same in both modes.
func (rep Report) String() string {
	var b strings.Builder
	timeouts := 0
	for _, r := range rep.Results {
		if r.Err != nil {
			timeouts++
			fmt.Fprintf(&b, "job %2d: %v\n", r.Job, r.Err)
		} else {
			fmt.Fprintf(&b, "job %2d: %d\n", r.Job, r.Value)
		}
	}
	fmt.Fprintf(&b, "%d results (%d timed out), producer: %v\n", len(rep.Results), timeouts, errText(rep.ProducerErr))
	return b.String()
}

func errText(err error) string {
	if err == nil {
		return "done"
	}
	return err.Error()
}

// Stopped describes a run stopped early: which results arrived first is a
// matter of timing, how many arrived and how every task ended is not.
func (rep Report) Stopped() string {
	return fmt.Sprintf("stopped after %d results; producer: %v; %d workers returned\n",
		len(rep.Results), errText(rep.ProducerErr), rep.Workers)
}

func main() {
	const n, workers, limit, stopAfter = 12, 3, 100 * time.Millisecond, 4

	fmt.Println("futures on a corio runtime:")
	full := rt.Run(RunAsync(n, workers, limit, 0))
	stopped := rt.Run(RunAsync(40, workers, limit, stopAfter))
	if full.V1 != nil || stopped.V1 != nil {
		fmt.Println("error:", full.V1, stopped.V1)
		return
	}
	fmt.Print(full.V0, stopped.V0.Stopped())

	// Direct mode: the same source as plain Go.
	fmt.Println("direct mode:")
	rep, err := Run(n, workers, limit, 0)
	rep2, err2 := Run(40, workers, limit, stopAfter)
	if err != nil || err2 != nil {
		fmt.Println("error:", err, err2)
		return
	}
	fmt.Print(rep, rep2.Stopped())
}
