package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The goroutine side of each workload: the same programs as the goroutines
// anchor (shared/anchors/goroutines), so this table and the anchor agree.

func goSpawnMany(n int) time.Duration {
	var wg sync.WaitGroup
	start := clockStart()
	wg.Add(n)
	for i := 0; i < n; i++ {
		go func() { wg.Done() }()
	}
	wg.Wait()
	return clockSince(start)
}

func goChainedSpawn(n int) time.Duration {
	done := make(chan struct{})
	var step func(i int)
	step = func(i int) {
		if i == 0 {
			close(done)
			return
		}
		go step(i - 1)
	}
	start := clockStart()
	go step(n)
	<-done
	return clockSince(start)
}

func goYieldMany(tasks, yields int) time.Duration {
	var wg sync.WaitGroup
	start := clockStart()
	wg.Add(tasks)
	for t := 0; t < tasks; t++ {
		go func() {
			for i := 0; i < yields; i++ {
				runtime.Gosched()
			}
			wg.Done()
		}()
	}
	wg.Wait()
	return clockSince(start)
}

// goTimers arms n timers (deadlines spread over 10 s, a second away) and
// stops them all.
func goTimers(n int) time.Duration {
	ts := make([]*time.Timer, n)
	start := clockStart()
	for i := range ts {
		ts[i] = time.AfterFunc(timerDelay(i), func() {})
	}
	for _, t := range ts {
		t.Stop()
	}
	return clockSince(start)
}

func timerDelay(i int) time.Duration {
	return time.Second + time.Duration(i%10000)*time.Millisecond
}

// goIdle parks n goroutines (on a channel, or in time.Sleep) and returns the
// heap and stack bytes they hold, per goroutine. It runs in a child process
// (goIdleChild), which exits right after: the sleeping goroutines are never
// woken, exactly as in the goroutines anchor.
func goIdle(n int, sleep bool) float64 {
	before := heapInUse()
	block := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(n)
	for i := 0; i < n; i++ {
		if sleep {
			go func() { wg.Done(); time.Sleep(time.Hour) }()
		} else {
			go func() { wg.Done(); <-block }()
		}
	}
	wg.Wait()
	after := heapInUse()
	close(block)
	return float64(after-before) / float64(n)
}

// goIdleChild measures goIdle in a fresh child process (this program with
// -child) at the current GOMAXPROCS. A fresh process because Go sizes new
// goroutines' initial stacks from the average stack depth seen at the last
// collection: in this process, after the other workloads, parked goroutines
// start with 4 KiB stacks instead of 2 KiB, which would flatter corio's ratio.
// A fresh process is what a goroutine-per-task program gets (and what the
// goroutines anchor measures).
func goIdleChild(kind string) float64 {
	exe, err := os.Executable()
	if err != nil {
		panic(err)
	}
	cmd := exec.Command(exe, "-child", kind, "-idle", strconv.Itoa(*idleN))
	cmd.Env = append(os.Environ(), "GOMAXPROCS="+strconv.Itoa(runtime.GOMAXPROCS(0)))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		panic(fmt.Sprintf("asyncbench: idle child: %v", err))
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil {
		panic(fmt.Sprintf("asyncbench: idle child printed %q", out))
	}
	return v
}

// heapInUse is the memory held by live objects and goroutine stacks after a
// full collection (the anchor's measure).
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse + m.StackInuse
}
