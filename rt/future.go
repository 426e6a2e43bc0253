package rt

// Future is a value that becomes ready later. Poll must not block: it returns
// (v, true) once the output is ready, or (zero, false) after arranging for
// cx.Waker() to be woken when calling Poll again can make progress.
//
// A future that returned ready must not be polled again. A future that was
// polled and returned pending must eventually be polled again (after a wake-up)
// or cancelled (see Canceler); dropping it silently may leak what it holds.
type Future[T any] interface {
	Poll(cx *Context) (T, bool)
}

// Canceler is implemented by futures that hold something while pending — a
// waiter slot, a permit, an I/O interest, a child future. Cancel releases all of
// it; the future must not be polled afterwards. Cancel on a future that was
// never polled releases nothing (it holds nothing yet). Combinators (select,
// timeout, JoinHandle.Abort, runtime shutdown) call Cancel on the futures they
// abandon, and only on futures that have not completed.
//
// Once a future completed or was cancelled, its owner must not poll or cancel
// it again: some futures are recycled by what made them (syncx's channel and
// lock handles hand the same embedded future out again, which is how a
// receive in a loop allocates nothing), so a late Cancel could reach a later
// operation. Generated code and rt's combinators drop a future when it
// completes.
type Canceler interface {
	Cancel()
}

// Cancel calls f.Cancel if f implements Canceler; otherwise it does nothing.
func Cancel[T any](f Future[T]) {
	if c, ok := f.(Canceler); ok {
		c.Cancel()
	}
}

// YieldNowFuture is YieldNowAsync's future as a value: pending exactly once
// (its first poll spends one budget unit, wakes the task and returns
// pending), ready at its second poll. Its one byte of state lives wherever
// the caller keeps it, so a future that holds it by value yields without
// allocating; YieldNowAsync, which must return a pointer, allocates that
// byte per call.
type YieldNowFuture struct {
	yielded bool // owned by the poller
}

// MakeYieldNow returns YieldNowAsync's future by value, for a caller that
// keeps it in its own state and polls it in place (asyncgen does, by its
// by-value rule). It may be copied freely: it holds no address.
func MakeYieldNow() YieldNowFuture { return YieldNowFuture{} }

// Poll implements Future.
func (y *YieldNowFuture) Poll(cx *Context) (struct{}, bool) {
	if y.yielded {
		return struct{}{}, true
	}
	y.yielded = true
	cx.yield()
	return struct{}{}, false
}

// Waker is woken when a pending future can make progress. Wake may be called
// from any goroutine, any number of times; extra wake-ups cost at most a spurious
// poll. The poller and timer wheel wake through this one-method interface.
type Waker interface {
	Wake()
}

// Tuple2 .. Tuple8 are the outputs of futures for functions with several
// results. The output rule (a promise to users, shared by generated and
// hand-written futures) for a function with results
// (R0, …, Rn-1) is:
//
//	n == 0  →  struct{}
//	n == 1  →  R0
//	n >= 2  →  TupleN[R0, …, Rn-1], field Vi holding result i
//
// The same rule holds for generated and hand-written futures, so that
// `n, err := conn.Read(buf)` unpacks either kind.
type Tuple2[T0, T1 any] struct {
	V0 T0
	V1 T1
}

// Tuple3 holds three results; see Tuple2.
type Tuple3[T0, T1, T2 any] struct {
	V0 T0
	V1 T1
	V2 T2
}

// Tuple4 holds four results; see Tuple2.
type Tuple4[T0, T1, T2, T3 any] struct {
	V0 T0
	V1 T1
	V2 T2
	V3 T3
}

// Tuple5 holds five results; see Tuple2.
type Tuple5[T0, T1, T2, T3, T4 any] struct {
	V0 T0
	V1 T1
	V2 T2
	V3 T3
	V4 T4
}

// Tuple6 holds six results; see Tuple2.
type Tuple6[T0, T1, T2, T3, T4, T5 any] struct {
	V0 T0
	V1 T1
	V2 T2
	V3 T3
	V4 T4
	V5 T5
}

// Tuple7 holds seven results; see Tuple2.
type Tuple7[T0, T1, T2, T3, T4, T5, T6 any] struct {
	V0 T0
	V1 T1
	V2 T2
	V3 T3
	V4 T4
	V5 T5
	V6 T6
}

// Tuple8 holds eight results; see Tuple2.
type Tuple8[T0, T1, T2, T3, T4, T5, T6, T7 any] struct {
	V0 T0
	V1 T1
	V2 T2
	V3 T3
	V4 T4
	V5 T5
	V6 T6
	V7 T7
}
