package rt

import (
	"fmt"
	"iter"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// rangeCase is a loop over an iterator, run once as Go's range statement
// and once the way generated code drives a RangeFunc; both write a log.
type rangeCase struct {
	name string
	// seq makes the iterator, which logs to *log.
	seq func(log *[]string) iter.Seq[int]
	// stopAt: the body breaks at this value (-1: never); panicAt: the
	// body panics at this value (-1: never).
	stopAt, panicAt int
	// callSaved calls the saved yield after the loop (exhausted).
	callSaved bool
}

// logging yields 0…n-1, logging how its loop ends and its defer.
func logging(n int) func(log *[]string) iter.Seq[int] {
	return func(log *[]string) iter.Seq[int] {
		return func(yield func(int) bool) {
			defer func() { *log = append(*log, "iter defer") }()
			for i := range n {
				if !yield(i) {
					*log = append(*log, fmt.Sprint("yield false at ", i))
					return
				}
			}
			*log = append(*log, "iter end")
		}
	}
}

var savedYield func(int) bool

var rangeCases = []rangeCase{
	{name: "complete", seq: logging(3), stopAt: -1, panicAt: -1},
	{name: "empty", seq: logging(0), stopAt: -1, panicAt: -1},
	{name: "break", seq: logging(3), stopAt: 1, panicAt: -1},
	{name: "panic", seq: logging(3), stopAt: -1, panicAt: 1},
	{name: "continues after false", seq: func(log *[]string) iter.Seq[int] {
		return func(yield func(int) bool) {
			yield(0)
			*log = append(*log, "yields again")
			yield(1)
		}
	}, stopAt: 0, panicAt: -1},
	{name: "recovers body panic", seq: func(log *[]string) iter.Seq[int] {
		return func(yield func(int) bool) {
			defer func() { *log = append(*log, fmt.Sprint("iter recovered ", recover() != nil)) }()
			yield(0)
		}
	}, stopAt: -1, panicAt: 0},
	{name: "yields after body panic", seq: func(log *[]string) iter.Seq[int] {
		return func(yield func(int) bool) {
			defer func() { recover(); yield(7) }()
			yield(0)
		}
	}, stopAt: -1, panicAt: 0},
	{name: "iterator panics", seq: func(log *[]string) iter.Seq[int] {
		return func(yield func(int) bool) {
			defer func() { *log = append(*log, "iter defer") }()
			yield(0)
			panic("iterator")
		}
	}, stopAt: -1, panicAt: -1},
	{name: "exhausted", seq: func(log *[]string) iter.Seq[int] {
		return func(yield func(int) bool) {
			savedYield = yield
			yield(0)
		}
	}, stopAt: -1, panicAt: -1, callSaved: true},
}

// recovered runs f and logs the value of a panic out of it.
func recovered(log *[]string, f func()) {
	defer func() {
		if p := recover(); p != nil {
			*log = append(*log, fmt.Sprint("panic: ", p))
		}
	}()
	f()
}

func (c rangeCase) body(log *[]string, x int) bool {
	*log = append(*log, fmt.Sprint("body ", x))
	if x == c.panicAt {
		panic("body")
	}
	return x != c.stopAt
}

func (c rangeCase) goLoop() []string {
	var log []string
	recovered(&log, func() {
		for x := range c.seq(&log) {
			if !c.body(&log, x) {
				break
			}
		}
		log = append(log, "after loop")
		if c.callSaved {
			savedYield(1)
		}
	})
	return log
}

// pulled drives the loop as a generated future does: Next at the head,
// Stop at a break, Unwind from a deferred call when the body panics.
func (c rangeCase) pulled() []string {
	var log []string
	recovered(&log, func() {
		it := PullRange1(c.seq(&log))
		unwinding := true
		defer func() {
			if unwinding {
				it.Unwind()
			}
		}()
		for {
			x, _, ok := it.Next()
			if !ok {
				break
			}
			if !c.body(&log, x) {
				it.Stop()
				break
			}
		}
		log = append(log, "after loop")
		if c.callSaved {
			savedYield(1)
		}
		unwinding = false
	})
	return log
}

// TestRangeFuncAsGo: each way a loop ends, and each misbehaviour of an
// iterator, logs the same under RangeFunc as under Go's range statement
// (the iterator's recover excepted: it sees ErrRangeBodyPanicked, checked
// apart).
func TestRangeFuncAsGo(t *testing.T) {
	for _, c := range rangeCases {
		t.Run(c.name, func(t *testing.T) {
			want, got := c.goLoop(), c.pulled()
			if !reflect.DeepEqual(want, got) {
				t.Errorf("Go:\n\t%s\nRangeFunc:\n\t%s", strings.Join(want, "\n\t"), strings.Join(got, "\n\t"))
			}
		})
	}
}

// TestRangeFuncArities: PullRange0 and PullRange2 hand out the values
// (none, or both) and stop like PullRange1; a yield of a defined type works.
func TestRangeFuncArities(t *testing.T) {
	type pairs func(yield func(string, int) bool)
	it := PullRange2(pairs(func(yield func(string, int) bool) {
		_ = yield("a", 1) && yield("b", 2) && yield("c", 3)
	}))
	var got []string
	for {
		k, v, ok := it.Next()
		if !ok {
			break
		}
		got = append(got, fmt.Sprint(k, v))
		if k == "b" {
			it.Stop()
			break
		}
	}
	if strings.Join(got, " ") != "a1 b2" {
		t.Errorf("PullRange2: %v", got)
	}
	type yield0 func() bool
	n, stopped := 0, false
	it0 := PullRange0(func(y yield0) {
		for range 5 {
			if !y() {
				stopped = true
				return
			}
		}
	})
	for {
		if _, _, ok := it0.Next(); !ok {
			break
		}
		if n++; n == 2 {
			it0.Stop()
			break
		}
	}
	if n != 2 || !stopped {
		t.Errorf("PullRange0: %d iterations, stopped %v", n, stopped)
	}
	it0.Stop() // again: nothing happens
	var nilIt *RangeFunc[int, int]
	nilIt.Stop()
	nilIt.Unwind()
}

// TestRangeFuncUnwindValue: an iterator that recovers the body's panic sees
// ErrRangeBodyPanicked (Go would show it the body's value), and the body's
// own panic goes on with its value when the iterator does not recover.
func TestRangeFuncUnwindValue(t *testing.T) {
	var seen any
	var log []string
	recovered(&log, func() {
		it := PullRange1(func(yield func(int) bool) {
			defer func() { seen = recover(); panic(seen) }()
			yield(1)
		})
		defer it.Unwind()
		it.Next()
		panic("body value")
	})
	if seen != ErrRangeBodyPanicked {
		t.Errorf("iterator recovered %v", seen)
	}
	if len(log) != 1 || log[0] != "panic: body value" {
		t.Errorf("log %q, want the body's panic", log)
	}
}

// TestRangeFuncNoLeak: a stopped or unwound loop's coroutine ends.
func TestRangeFuncNoLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	seq := func(yield func(int) bool) {
		for i := 0; yield(i); i++ {
		}
	}
	for i := range 50 {
		it := PullRange1(seq)
		it.Next()
		if i%2 == 0 {
			it.Stop()
			continue
		}
		func() {
			defer func() { recover() }()
			defer it.Unwind()
			panic("body")
		}()
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after the loops ended, %d before", n, before)
	}
}

// BenchmarkRangeFuncNext: one iteration (Next: two coroutine switches), per
// op, without a runtime around it.
func BenchmarkRangeFuncNext(b *testing.B) {
	b.ReportAllocs()
	it := PullRange1(func(yield func(int) bool) {
		for i := 0; yield(i); i++ {
		}
	})
	for b.Loop() {
		it.Next()
	}
	it.Stop()
}

// BenchmarkIterPullNext is BenchmarkRangeFuncNext's baseline: iter.Pull's
// next alone.
func BenchmarkIterPullNext(b *testing.B) {
	b.ReportAllocs()
	next, stop := iter.Pull(func(yield func(int) bool) {
		for i := 0; yield(i); i++ {
		}
	})
	for b.Loop() {
		next()
	}
	stop()
}

// BenchmarkRangeFuncStartStop: one loop started, run one iteration and
// stopped, per op: allocs/op is what a loop allocates.
func BenchmarkRangeFuncStartStop(b *testing.B) {
	b.ReportAllocs()
	seq := func(yield func(int) bool) {
		for i := 0; yield(i); i++ {
		}
	}
	for b.Loop() {
		it := PullRange1(seq)
		it.Next()
		it.Stop()
	}
}

// BenchmarkRangeFuncSuspended reports the heap and stack bytes one loop
// suspended in its body holds (B/loop): its coroutine, mostly its stack.
func BenchmarkRangeFuncSuspended(b *testing.B) {
	const n = 2000
	seq := func(yield func(int) bool) {
		for i := 0; yield(i); i++ {
		}
	}
	its := make([]*RangeFunc[int, struct{}], n)
	for b.Loop() {
		before := memInUse()
		for i := range its {
			its[i] = PullRange1(seq)
			its[i].Next()
		}
		after := memInUse()
		b.ReportMetric(float64(after-before)/n, "B/loop")
		for _, it := range its {
			it.Stop()
		}
	}
}

// memInUse counts heap and goroutine-stack bytes in use after a GC.
func memInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse + ms.StackInuse
}

// ExamplePullRange1 drives a loop as the future asyncgen generates for
// `for v := range seq { …; break }` does, its body free to suspend
// between Next and Stop.
func ExamplePullRange1() {
	seq := func(yield func(string) bool) {
		defer fmt.Println("iterator done")
		for _, s := range []string{"a", "b", "c"} {
			if !yield(s) {
				fmt.Println("yield returned false")
				return
			}
		}
	}
	it := PullRange1(seq)
	for {
		v, _, ok := it.Next()
		if !ok {
			break
		}
		fmt.Println(v)
		if v == "b" {
			it.Stop() // break
			break
		}
	}
	// Output:
	// a
	// b
	// yield returned false
	// iterator done
}
