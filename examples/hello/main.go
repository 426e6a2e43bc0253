// Command hello runs several tasks that interleave on one corio runtime.
//
// Worker and Main below are ordinary Go functions marked //async:func. Called
// directly they run as plain Go; `go generate` (asyncgen) writes main_async.go
// with WorkerAsync and MainAsync, futures that run the same bodies as state
// machines. rt.Run drives MainAsync on a current-thread runtime: every task
// runs on one goroutine, and each rt.YieldNow() hands it to the next task.
// Then main calls Main itself, as plain Go ("direct mode"), which must agree.
//
//	go run ./examples/hello
package main

//go:generate go run github.com/corio-go/corio/cmd/asyncgen

import (
	"fmt"
	"strings"

	"github.com/corio-go/corio/rt"
)

// Worker does `steps` units of work, yielding to the other tasks after each.
// Its state while suspended — name, steps, i, total — is all a suspended
// WorkerAsync future holds: a few dozen bytes, not a goroutine stack.
//
//async:func
func Worker(name string, steps int) int {
	total := 0
	for i := 1; i <= steps; i++ {
		fmt.Printf("%-4s step %d of %d\n", name, i, steps)
		total += i * len(name)
		rt.YieldNow() // a suspension point: rt.YieldNowAsync exists
	}
	return total
}

// Main spawns one task per name, then joins them in order.
//
//async:func
func Main(names []string) (int, error) {
	var handles []*rt.JoinHandle[int]
	for _, name := range names {
		// In MainAsync this is rt.SpawnAsync: the task goes onto the
		// runtime that is running Main.
		handles = append(handles, rt.Spawn(WorkerAsync(name, 3)))
	}
	sum := 0
	for i, h := range handles {
		n, err := h.Join() // suspends until the task completes
		if err != nil {
			return 0, fmt.Errorf("worker %s: %w", names[i], err)
		}
		sum += n
	}
	return sum, nil
}

func main() {
	names := []string{"ann", "bob", "cyd"}
	out := rt.Run(MainAsync(names))
	if out.V1 != nil {
		fmt.Println("error:", out.V1)
		return
	}
	fmt.Printf("%s: done, checksum %d\n", strings.Join(names, ", "), out.V0)

	// Direct mode: the same source run as plain Go. Main runs on this
	// goroutine and blocks in Join; the workers it spawns run on the process
	// default runtime. Both modes must agree on the result.
	sum, err := Main(names)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Printf("direct mode: checksum %d\n", sum)
}
