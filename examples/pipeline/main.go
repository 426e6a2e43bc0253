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
// The collector receives with rt.Select2 of the receive and an idle timer:
// the branch that loses is cancelled, and a cancelled receive loses nothing.
// It stops the pipeline early after stopAfter results, or when no result
// came for a while: it closes both channels from the receiving side, so the
// producer's and the workers' next sends fail with syncx.ErrClosed, and Run
// aborts the workers (a JoinSet) still stuck inside a job. Nothing leaks:
// an aborted worker's pending Timeout, Sleep, Recv or Send is cancelled
// with it.
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

// Collect receives results until every worker is done, or stops the
// pipeline early: after stopAfter results (0: no limit), or when no result
// came for idle. Stopping closes both channels from the receiving side, so
// the producer's and the workers' next sends fail; why says what stopped it
// ("" if nothing did).
//
//async:func
func Collect(results *syncx.Receiver[Result], jobs *syncx.Receiver[int], stopAfter int, idle time.Duration) (got []Result, why string) {
	for {
		// Whichever finishes first wins; the other is cancelled. A receive
		// that loses keeps nothing: a result already moved into it goes back
		// to the front of the channel.
		s := rt.Select2(results.RecvAsync(), rt.SleepAsync(idle))
		if s.Index == 1 {
			why = fmt.Sprintf("no result for %v", idle)
			break
		}
		r, ok := s.V0.V0, s.V0.V1
		if !ok {
			return got, "" // every worker is done
		}
		got = append(got, r)
		if len(got) == stopAfter {
			why = fmt.Sprintf("%d results are enough", stopAfter)
			break
		}
	}
	jobs.Close()
	results.Close()
	return got, why
}

// Report is what Run found.
type Report struct {
	Results     []Result // sorted by job
	Stopped     string   // why the collector stopped early, or ""
	ProducerErr error
	Delivered   int // results the workers that returned delivered
	Returned    int // workers that returned
	Aborted     int // workers aborted, stuck in a job, after an early stop
}

// Run builds the pipeline — one producer, workers workers in a JoinSet, one
// collector, each a task — for jobs 1..n and waits for all of them.
//
//async:func
func Run(n, workers int, limit, idle time.Duration, stopAfter int) (Report, error) {
	jobsTx, jobsRx := syncx.NewChannel[int](2)
	resultsTx, resultsRx := syncx.NewChannel[Result](2)
	producer := rt.Spawn(ProduceAsync(jobsTx, n))
	var set rt.JoinSet[int]
	for i := 0; i < workers; i++ {
		// Each worker has its own handle; the results channel closes when
		// the last one is closed.
		set.Spawn(WorkAsync(jobsRx, resultsTx.Clone(), limit))
	}
	resultsTx.Close()
	collector := rt.Spawn(CollectAsync(resultsRx, jobsRx, stopAfter, idle))

	var rep Report
	out, err := collector.Join()
	if err != nil {
		set.Shutdown()
		return rep, err
	}
	rep.Results, rep.Stopped = out.V0, out.V1
	sort.Slice(rep.Results, func(i, j int) bool { return rep.Results[i].Job < rep.Results[j].Job })
	if rep.Stopped != "" {
		// Cancellation: a worker still inside a job is aborted; its
		// Timeout and Sleep are cancelled with it (their timers disarmed).
		set.AbortAll()
	}
	for {
		delivered, ok, err := set.JoinNext()
		if !ok {
			break
		}
		var je *rt.JoinError
		switch {
		case errors.As(err, &je) && je.IsCancelled():
			rep.Aborted++
		case err != nil:
			return rep, err
		default:
			rep.Returned++
			rep.Delivered += delivered
		}
	}
	if rep.ProducerErr, err = producer.Join(); err != nil {
		return rep, err
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
	if rep.Stopped != "" {
		fmt.Fprintf(&b, "stopped: %s; workers: %d returned, %d aborted\n", rep.Stopped, rep.Returned, rep.Aborted)
	}
	return b.String()
}

// Summary describes a run stopped after a number of results: which results
// arrived first is a matter of timing, how many, and that every task ended,
// are not.
func (rep Report) Summary(workers int) string {
	return fmt.Sprintf("stopped: %s; %d results; producer: %v; all %d workers ended: %v\n",
		rep.Stopped, len(rep.Results), errText(rep.ProducerErr), workers, rep.Returned+rep.Aborted == workers)
}

func errText(err error) string {
	if err == nil {
		return "done"
	}
	return err.Error()
}

func main() {
	const n, workers, limit, idle = 12, 3, 500 * time.Millisecond, time.Second

	// Three runs: all jobs; stopped after 4 results; and jobs that never
	// end (a limit of an hour), which the collector notices by its idle
	// timeout, stopping the pipeline and aborting the stuck workers.
	fmt.Println("futures on a corio runtime:")
	full := rt.Run(RunAsync(n, workers, limit, idle, 0))
	early := rt.Run(RunAsync(40, workers, limit, idle, 4))
	stuck := rt.Run(RunAsync(40, workers, time.Hour, stuckIdle, 0))
	if full.V1 != nil || early.V1 != nil || stuck.V1 != nil {
		fmt.Println("error:", full.V1, early.V1, stuck.V1)
		return
	}
	printRuns(full.V0, early.V0, stuck.V0, workers)

	// Direct mode: the same source as plain Go.
	fmt.Println("direct mode:")
	rep, err := Run(n, workers, limit, idle, 0)
	rep2, err2 := Run(40, workers, limit, idle, 4)
	rep3, err3 := Run(40, workers, time.Hour, stuckIdle, 0)
	if err != nil || err2 != nil || err3 != nil {
		fmt.Println("error:", err, err2, err3)
		return
	}
	printRuns(rep, rep2, rep3, workers)
}

// stuckIdle is how long the collector of the third run waits for a result
// before it decides the pipeline is stuck: long enough that a job that does
// finish (within 2ms) is never taken for stuck on a loaded machine.
const stuckIdle = time.Second

func printRuns(full, early, stuck Report, workers int) {
	fmt.Print("- every job\n", full, "- stop after 4 results\n", early.Summary(workers), "- jobs that never end\n", stuck)
}
