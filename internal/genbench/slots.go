package genbench

import "github.com/corio-go/corio/rt"

// Ticks hands out two futures of different output types, each ready at its
// first poll and made without allocating (the twins return pointers to
// Ticks' fields): an async function awaiting both keeps them in one await
// field shared by the two types, which asyncgen declares as any and
// asserts back to the rt.Future type at each poll. BenchmarkSharedSlot
// measures the await with nothing else around it, the worst case for that
// assertion's share.
type Ticks struct {
	i tickInt
	s tickStr
}

type tickInt struct{ n int }

func (t *tickInt) Poll(*rt.Context) (int, bool) { t.n++; return t.n, true }

type tickStr struct{ s string }

func (t *tickStr) Poll(*rt.Context) (string, bool) { return t.s, true }

// Int counts a tick.
func (t *Ticks) Int() int { t.i.n++; return t.i.n }

// IntAsync is Int's twin: its future counts the tick when polled.
func (t *Ticks) IntAsync() rt.Future[int] { return &t.i }

// Str returns the string ticks carry.
func (t *Ticks) Str() string { return t.s.s }

// StrAsync is Str's twin.
func (t *Ticks) StrAsync() rt.Future[string] { return &t.s }

// Mixed awaits t's two futures n times each, in turn.
//
//async:func
func Mixed(t *Ticks, n int) int {
	sum := 0
	for i := 0; i < n; i++ {
		sum += t.Int()
		sum += len(t.Str())
	}
	return sum
}
