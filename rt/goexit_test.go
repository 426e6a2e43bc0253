package rt_test

import (
	"runtime"
	"testing"

	"github.com/corio-go/corio/rt"
)

// goexitTask is a task whose poll calls runtime.Goexit, as a generated
// future does when its async function calls it (or t.FailNow).
func goexitTask(ran *bool) rt.Future[int] {
	return rt.PollFunc(func(*rt.Context) (int, bool) {
		defer func() { *ran = true }()
		runtime.Goexit()
		return 1, true
	})
}

// A task that calls runtime.Goexit completes with a JoinError, and the
// runtime keeps running tasks: the goroutine Goexit ended — a multi-thread
// worker, the default runtime's background driver — is replaced.
func TestGoexitInTask(t *testing.T) {
	mt := rt.NewMultiThread(rt.WithWorkers(2))
	defer mt.Shutdown()
	for _, tc := range []struct {
		name  string
		spawn func(rt.Future[int]) *rt.JoinHandle[int]
	}{
		{"default runtime", rt.Spawn[int]},
		{"multi-thread", func(f rt.Future[int]) *rt.JoinHandle[int] { return rt.SpawnOn(mt, f) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// More rounds than workers: each round ends a worker goroutine.
			for i := range 6 {
				ran := false
				if _, err := tc.spawn(goexitTask(&ran)).Join(); err == nil {
					t.Fatalf("round %d: Join of a task that called Goexit returned no error", i)
				}
				if !ran {
					t.Fatalf("round %d: the task's deferred call did not run", i)
				}
				if got, err := tc.spawn(rt.Ready(7)).Join(); got != 7 || err != nil {
					t.Fatalf("round %d: got %v, %v after Goexit", i, got, err)
				}
			}
		})
	}
}

// On a current-thread runtime a task polled by BlockOn's caller ends that
// goroutine with its Goexit; the runtime stays usable from another.
func TestGoexitInTaskCurrentThreadBlockOn(t *testing.T) {
	r := rt.NewCurrentThread()
	defer r.Shutdown()
	ran := false
	done := make(chan bool)
	go func() {
		returned := false
		defer func() { done <- returned }()
		rt.BlockOn(r, rt.SpawnOn(r, goexitTask(&ran)).JoinAsync())
		returned = true
	}()
	if <-done {
		t.Fatal("BlockOn returned although the task it drove called Goexit")
	}
	if !ran {
		t.Fatal("the task's deferred call did not run")
	}
	if got := rt.BlockOn(r, rt.SpawnOn(r, rt.Ready(7)).JoinAsync()); got.V0 != 7 || got.V1 != nil {
		t.Fatalf("got %v after Goexit", got)
	}
}
