// Cancellation matrix: each function with defers is stopped at its k-th
// suspension point, for every k, and the program prints which defers ran
// and in what order. Direct mode stops it with runtime.Goexit at the k-th
// point (every defer runs, recover returns nil); async mode polls the future
// until it is suspended at the k-th point and cancels it: both must print
// the same.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

var (
	stopAt int  // the point at which direct mode stops (0: never)
	points int  // the points reached
	async  bool // async mode: Point only counts
)

// hook counts a suspension point; in direct mode it stops the goroutine at
// the stopAt-th, as a cancellation there would.
func hook() {
	points++
	if !async && points == stopAt {
		runtime.Goexit()
	}
}

//async:func
func Point() {
	hook()
	rt.YieldNow()
}

func log(s string) { fmt.Println("  ", s) }

//async:func
func Child(name string) int {
	defer log(name + ": child defer")
	Point()
	defer func() {
		log(fmt.Sprint(name, ": child recover sees ", recover()))
	}()
	Point()
	return len(name)
}

//async:func
func Sequence() (res string) {
	defer log("seq: first")
	Point()
	defer func() {
		log("seq: named result is " + res)
		res = strings.ToUpper(res)
	}()
	x := Child("c1")
	defer log(fmt.Sprint("seq: after child ", x))
	Point()
	res = "done"
	return res
}

//async:func
func Loops(n int) {
	for i := range n {
		defer log(fmt.Sprint("loops: i=", i))
		Point()
	}
	i := 0
back:
	if i < 2 {
		defer log(fmt.Sprint("loops: goto ", i))
		Point()
		i++
		goto back
	}
}

//async:func
func Level3() int {
	defer log("level3: defer")
	Point()
	Point()
	panic("level3 fails")
}

//async:func
func Level2() int {
	defer log("level2: defer")
	Point()
	return Level3() + 1
}

//async:func
func Level1() (n int) {
	defer func() {
		if r := recover(); r != nil {
			log(fmt.Sprint("level1: recovered ", r))
			n = -1
		}
	}()
	Point()
	return Level2() + 1
}

//async:func
func Combined() (out []string) {
	defer func() { log(fmt.Sprint("combined: out ", out)) }()
	for i := range 2 {
		defer func() { out = append(out, fmt.Sprint("loop", i)) }()
		Point()
	}
	out = append(out, fmt.Sprint("level1=", Level1()))
	return out
}

var cases = []struct {
	name   string
	direct func()
	async  func() rt.Future[struct{}]
}{
	{"Sequence", func() { log("result " + Sequence()) }, nil},
	{"Loops", func() { Loops(3) }, nil},
	{"Level1", func() { log(fmt.Sprint("result ", Level1())) }, nil},
	{"Combined", func() { log(fmt.Sprint("result ", Combined())) }, nil},
	{"Three", nil, nil},
	{"Params", nil, nil},
	{"Recovers", nil, nil},
	{"NoRecover", nil, nil},
	{"Scopes", nil, nil},
	{"Nested", nil, nil},
	{"ClosureLoops", nil, nil},
	{"Generic", nil, nil},
	{"Closure", nil, nil},
	{"RangeClosure", nil, nil},
	{"LoopRecover", nil, nil},
	{"RePanic", nil, nil},
}

//async:func
func Run(which int) {
	switch which {
	case 0:
		log("result " + Sequence())
	case 1:
		Loops(3)
	case 2:
		log(fmt.Sprint("result ", Level1()))
	case 3:
		log(fmt.Sprint("result ", Combined()))
	case 4:
		out, tag := Three(3)
		logv("three", out, tag)
	case 5:
		logv("params", Params("abc"))
	case 6:
		r, err := Recovers(1)
		logv("recovers 1", r, err)
		r, err = Recovers(3)
		logv("recovers 3", r, err)
	case 7:
		defer func() { logv("run recovered", recover()) }()
		NoRecover()
	case 8:
		Scopes()
	case 9:
		logv("nested", Nested())
	case 10:
		logv("loops", strings.Join(ClosureLoops(3), "; "))
	case 11:
		logv("generic", Generic("g", 2), Generic(7, 1))
	case 12:
		logv(Closure(1))
		logv(Closure(2))
	case 13:
		logv("range", RangeClosure(slices.Values([]int{1, 2, 3})))
	case 14:
		logv(LoopRecover(3))
	case 15:
		logv(RePanic(0))
		logv(RePanic(1))
	}
}

type noWaker struct{}

func (noWaker) Wake() {}

// stop runs case which, stopped at point k; it reports whether the function
// completed first.
func stop(which, k int) (completed bool) {
	points, stopAt = 0, k
	if !async {
		done := make(chan bool)
		go func() {
			ok := false
			defer func() { done <- ok }()
			Run(which)
			ok = true
		}()
		return <-done
	}
	f := RunAsync(which)
	cx := rt.NewContext(noWaker{})
	for {
		if _, ok := f.Poll(cx); ok {
			return true
		}
		if points == k {
			rt.Cancel(f)
			rt.Cancel(f) // idempotent
			return false
		}
	}
}

func matrix() {
	for which, c := range cases {
		for k := 1; ; k++ {
			fmt.Printf("%s stopped at point %d\n", c.name, k)
			if stop(which, k) {
				fmt.Println("   completed")
				break
			}
		}
	}
	// A future never polled has nothing to run.
	f := RunAsync(0)
	rt.Cancel(f)
	fmt.Println("never polled: nothing ran")
	// runtime.Goexit runs the deferred closures.
	stopAt = 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		if async {
			rt.Run(ExitAsync())
		} else {
			Exit()
		}
		fmt.Println("not reached")
	}()
	<-done
}

// crashEnv makes the program crash, in the mode it names, with a panic
// that a deferred closure which may recover does not stop (crash).
const crashEnv = "DEFERCANCEL_CRASH"

// crash runs the program again to crash as crashEnv says and prints what
// it printed up to the panic's line: the panic's value, with no
// "[recovered, repanicked]" in either mode.
func crash() {
	exe, err := os.Executable()
	if err != nil {
		panic(err)
	}
	mode := "direct"
	if async {
		mode = "async"
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), crashEnv+"="+mode)
	out, err := cmd.CombinedOutput()
	for _, line := range strings.Split(string(out), "\n") {
		if !strings.HasPrefix(line, "goroutine ") && !strings.HasPrefix(line, "\t") {
			fmt.Printf("crash: %q\n", line)
		}
		if strings.HasPrefix(line, "panic: ") {
			break
		}
	}
	fmt.Println("crash:", err)
}

func main() {
	switch os.Getenv(crashEnv) {
	case "direct":
		MayNotRecover()
	case "async":
		rt.Run(MayNotRecoverAsync())
	}
	difftest.Main(func() { async = false; matrix(); crash() }, func() { async = true; matrix(); crash() })
}
