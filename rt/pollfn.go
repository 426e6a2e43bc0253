package rt

// PollFunc returns a future whose Poll calls f: the quickest way to write a
// hand-written future (Tokio's poll_fn). f follows the Future contract.
func PollFunc[T any](f func(cx *Context) (T, bool)) Future[T] {
	return pollFunc[T](f)
}

// pollFunc is pointer-shaped (a func value), so converting it to a Future
// allocates nothing beyond the closure itself.
type pollFunc[T any] func(cx *Context) (T, bool)

func (f pollFunc[T]) Poll(cx *Context) (T, bool) { return f(cx) }

// Ready returns a future that is ready at its first poll with v.
func Ready[T any](v T) Future[T] {
	return &ready[T]{v: v}
}

type ready[T any] struct {
	v T // immutable
}

func (r *ready[T]) Poll(*Context) (T, bool) { return r.v, true }
