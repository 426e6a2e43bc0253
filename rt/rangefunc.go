package rt

import (
	"errors"
	"iter"
	"sync"
)

// RangeFunc runs the function iterator of a range loop whose body suspends,
// for the futures asyncgen generates. It is for generated code only.
//
// Go runs such a loop by calling the iterator with the body as its yield
// function: the body runs inside the iterator's call. A suspended body must
// return from Poll instead, so the iterator runs on a coroutine of its own
// (iter.Pull2: a goroutine that only ever runs while the task waits for it,
// switched to directly by the Go runtime) and each iteration is a switch to
// it and back. Next is the loop's condition, Stop ends the loop early (a
// break, a return, a goto or labeled jump out of it, or the future's
// Cancel), Unwind ends it for a panic of the body. The iterator sees what Go
// shows it: yield returns true while the loop continues and false when it
// ends early; the code after its own loop, and its defers, run before the
// statement after the range loop (or the return) runs. An iterator that
// misbehaves gets Go's own run-time panics (the same error values): calling
// yield again after it returned false, after a panic of the body, or after
// the iterator returned, and returning normally after recovering a panic of
// the body.
//
// Cost: the coroutine is a goroutine (its stack grows from the runtime's
// initial size, 2 KiB or more) held from the loop's first iteration to its
// end, plus the iter.Pull2 closures and this struct (a handful of
// allocations per loop, none per iteration); each iteration is two
// coroutine switches (tens of nanoseconds). A future dropped while its
// loop is suspended, without Cancel, leaks the coroutine, as a goroutine
// blocked forever would leak. The coroutine must be resumed by a goroutine
// with the same OS-thread lock state as the one that started it (the Go
// runtime's rule for coroutines): do not poll such a future from a goroutine
// that called runtime.LockOSThread.
type RangeFunc[K, V any] struct {
	next  func() (K, V, bool)
	stop  func()
	yield func(K, V) bool // iter.Pull2's yield, called on the coroutine
	state rangeState
	// inYield: the iterator is suspended in the body's yield (the body is
	// running in the future's Poll).
	inYield bool
	// unwinding: Unwind is stopping the iterator for a panic of the body;
	// the yield the iterator is suspended in panics with ErrRangeBodyPanicked.
	unwinding bool
}

// rangeState follows the state Go keeps per range-over-func loop: it
// decides which run-time error a misbehaving iterator gets.
type rangeState uint8

const (
	rangeDone      rangeState = iota // the body exited early (yield returned false)
	rangeReady                       // the iterator may call yield
	rangeBody                        // the body is running (yield has not returned), or panicked
	rangeExhausted                   // the iterator returned
)

// ErrRangeBodyPanicked is the value a function iterator recovers (if it
// calls recover) when the suspending body of its range loop panicked: the
// body's own panic continues in the async function once the iterator has
// unwound, but the iterator cannot see its value, which Go would show it.
var ErrRangeBodyPanicked = errors.New("corio: the body of a range-over-func loop in an async function panicked; the panic continues in the async function")

// PullRange2 starts the loop `for k, v := range seq` (F is seq's type,
// whose yield takes two values). For generated code only.
func PullRange2[F ~func(Y), Y ~func(K, V) bool, K, V any](seq F) *RangeFunc[K, V] {
	r := &RangeFunc[K, V]{state: rangeReady}
	r.next, r.stop = iter.Pull2(func(yield func(K, V) bool) {
		r.yield = yield
		seq(Y(r.body))
	})
	return r
}

// PullRange1 starts the loop `for v := range seq` (seq's yield takes one
// value); Next returns the value as its first result. For generated code
// only.
func PullRange1[F ~func(Y), Y ~func(V) bool, V any](seq F) *RangeFunc[V, struct{}] {
	r := &RangeFunc[V, struct{}]{state: rangeReady}
	r.next, r.stop = iter.Pull2(func(yield func(V, struct{}) bool) {
		r.yield = yield
		seq(Y(func(v V) bool { return r.body(v, struct{}{}) }))
	})
	return r
}

// PullRange0 starts the loop `for range seq` (seq's yield takes no value).
// For generated code only.
func PullRange0[F ~func(Y), Y ~func() bool](seq F) *RangeFunc[struct{}, struct{}] {
	r := &RangeFunc[struct{}, struct{}]{state: rangeReady}
	r.next, r.stop = iter.Pull2(func(yield func(struct{}, struct{}) bool) {
		r.yield = yield
		seq(Y(func() bool { return r.body(struct{}{}, struct{}{}) }))
	})
	return r
}

// body is the yield function the iterator calls, on the coroutine: it hands
// the values to Next and waits until the loop continues (true) or ends.
func (r *RangeFunc[K, V]) body(k K, v V) bool {
	s := r.state
	r.state = rangeBody
	if s != rangeReady {
		panic(rangeError(s))
	}
	r.inYield = true
	more := r.yield(k, v)
	r.inYield = false
	if more {
		return true // Next was called again: the body continued
	}
	if r.unwinding {
		panic(ErrRangeBodyPanicked)
	}
	return false
}

// Next runs the iterator to its next value (the loop's next iteration) and
// reports whether there is one; a panic of the iterator comes out here.
func (r *RangeFunc[K, V]) Next() (K, V, bool) {
	r.state = rangeReady
	k, v, ok := r.next()
	if !ok {
		r.finished()
	}
	return k, v, ok
}

// finished records that the iterator returned; returning while the body
// "runs" means it recovered a panic of the body, which Go reports.
func (r *RangeFunc[K, V]) finished() {
	if r.state == rangeBody {
		panic(rangeError(rangeMissingPanic))
	}
	r.state = rangeExhausted
}

// Stop ends the loop early: yield returns false to the iterator, which runs
// to its end before Stop returns; a panic of the iterator comes out here.
// It does nothing when the loop is over, and r may be nil.
func (r *RangeFunc[K, V]) Stop() {
	if r == nil || r.state == rangeExhausted {
		return
	}
	if r.state == rangeBody {
		r.state = rangeDone
	}
	r.stop()
	r.finished()
}

// Unwind ends the loop for a panic of its body, which is in flight: the
// yield the iterator is suspended in panics with ErrRangeBodyPanicked, so
// the iterator's defers run as they would under the body's panic, and once
// that panic has gone through the iterator Unwind returns and the body's
// panic continues. If the iterator recovers it and returns, Go's run-time
// error for that replaces the panic; a panic of its own (its defers') does
// too. It does nothing unless the iterator is suspended in the body's
// yield (a panic of the iterator itself, or of a yield it saved and called
// after the loop, is no panic of the body), and r may be nil. Called from a
// deferred function of the future's Poll.
func (r *RangeFunc[K, V]) Unwind() {
	if r == nil || !r.inYield {
		return
	}
	r.unwinding = true
	if r.stopUnwinding() {
		r.finished() // the iterator recovered: Go's error
	}
}

// stopUnwinding stops the iterator and reports whether it returned; the
// panic it propagates back through iter.Pull2's stop is swallowed when it is
// the one Unwind raised.
func (r *RangeFunc[K, V]) stopUnwinding() (returned bool) {
	defer func() {
		if returned {
			return
		}
		// nil: a runtime.Goexit of the iterator, which goes on.
		if p := recover(); p != nil && p != ErrRangeBodyPanicked {
			panic(p)
		}
	}()
	r.stop()
	return true
}

// rangeMissingPanic stands for Go's state that reports an iterator that
// recovered a panic of the body and returned.
const rangeMissingPanic rangeState = 4

// rangeError is Go's own run-time error for a misbehaving iterator in state
// s, obtained once from real range-over-func loops, so the value and message
// are exactly what the compiled loop panics with.
func rangeError(s rangeState) any {
	return rangeErrors()[s]
}

var rangeErrors = sync.OnceValue(func() (errs [5]any) {
	catch := func(f func()) (p any) {
		defer func() { p = recover() }()
		f()
		return nil
	}
	errs[rangeDone] = catch(func() {
		for range func(yield func() bool) { yield(); yield() } {
			break
		}
	})
	errs[rangeBody] = catch(func() {
		for range func(yield func() bool) {
			defer func() { recover(); yield() }()
			yield()
		} {
			panic("body")
		}
	})
	errs[rangeExhausted] = catch(func() {
		var saved func() bool
		for range func(yield func() bool) { saved = yield } {
		}
		saved()
	})
	errs[rangeMissingPanic] = catch(func() {
		for range func(yield func() bool) {
			defer func() { recover() }()
			yield()
		} {
			panic("body")
		}
	})
	return errs
})
