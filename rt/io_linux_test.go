package rt

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/corio-go/corio/internal/driver"
	"golang.org/x/sys/unix"
)

// socketPair returns a connected non-blocking Unix stream pair, closed at the
// end of the test.
func socketPair(t *testing.T) (a, b int) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fds[0]); unix.Close(fds[1]) })
	return fds[0], fds[1]
}

// driverPair returns a driver of the test's own, whose lock the test holds
// (it parks it by hand), and a socket pair's end a registered with it; all
// are released at the end of the test.
func driverPair(t *testing.T) (d *driver.Driver, r *Registration, a, b int) {
	t.Helper()
	d, err := driver.New(driver.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	d.TryLock()
	t.Cleanup(d.Unlock) // runs before Close (cleanups are LIFO)
	a, b = socketPair(t)
	if r, err = register(d, a); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Deregister() })
	return d, r, a, b
}

// readOp returns an IO op reading from fd into buf, recording the count in *n.
func readOp(fd int, buf []byte, n *int) func() error {
	return func() error {
		m, err := unix.Read(fd, buf)
		if m > 0 {
			*n = m
		}
		return err
	}
}

func TestIODirectMode(t *testing.T) {
	a, b := socketPair(t)
	r, err := Register(a)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(5 * time.Millisecond) // let the reader block first (not required)
		unix.Write(b, []byte("ping"))
	}()
	buf := make([]byte, 16)
	var n int
	if err := r.IO(DirRead, readOp(a, buf, &n)); err != nil {
		t.Fatal(err)
	}
	if string(buf[:n]) != "ping" {
		t.Fatalf("read %q, want ping", buf[:n])
	}
	if err := r.Deregister(); err != nil {
		t.Fatal(err)
	}
}

func TestIOUnderRuntime(t *testing.T) {
	a, b := socketPair(t)
	// Fill a's send buffer so that a write must wait for the peer to drain.
	chunk := bytes.Repeat([]byte{'x'}, 4096)
	filled := 0
	for {
		n, err := unix.Write(a, chunk)
		if err != nil {
			break
		}
		filled += n
	}
	var drained atomic.Int64
	go func() {
		buf := make([]byte, 65536)
		for drained.Load() < int64(filled)+4 {
			n, err := unix.Read(b, buf)
			if err == unix.EAGAIN {
				time.Sleep(time.Millisecond)
				continue
			}
			if err != nil {
				return
			}
			drained.Add(int64(n))
		}
		unix.Write(b, []byte("pong"))
	}()
	var reg Tuple2[*Registration, error]
	var werr, rerr error
	var n int
	buf := make([]byte, 16)
	Run(seq(
		await(RegisterAsync(a), &reg),
		func(cx *Context) bool {
			if reg.V1 != nil {
				t.Fatal(reg.V1)
			}
			return true
		},
		func(cx *Context) bool {
			done, err := reg.V0.PollIO(cx, DirWrite, func() error {
				_, err := unix.Write(a, []byte("tail"))
				return err
			})
			werr = err
			return done
		},
		func(cx *Context) bool {
			f := reg.V0.IOAsync(DirRead, readOp(a, buf, &n))
			return await(f, &rerr)(cx)
		},
	))
	if werr != nil || rerr != nil {
		t.Fatalf("write %v, read %v", werr, rerr)
	}
	if string(buf[:n]) != "pong" {
		t.Fatalf("read %q, want pong", buf[:n])
	}
	if err := reg.V0.Deregister(); err != nil {
		t.Fatal(err)
	}
}

func TestIODeregisterWakesWaiter(t *testing.T) {
	a, _ := socketPair(t)
	r, err := Register(a)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(5 * time.Millisecond)
		r.Deregister()
	}()
	ev := r.Readable()
	if !ev.Shutdown {
		t.Fatalf("Readable after Deregister = %+v, want Shutdown", ev)
	}
	var n int
	if err := r.IO(DirRead, readOp(a, make([]byte, 1), &n)); err != ErrDeregistered {
		t.Fatalf("IO after Deregister: %v, want ErrDeregistered", err)
	}
}

// countingWaker counts wake-ups.
type countingWaker struct{ n atomic.Int32 }

func (w *countingWaker) Wake() { w.n.Add(1) }

func TestIOCancelForgetsWaker(t *testing.T) {
	a, b := socketPair(t)
	r, err := Register(a)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Deregister()
	w := &countingWaker{}
	cx := NewContext(w)
	f := r.ReadableAsync()
	// A fresh registration may report the socket's initial state (writable)
	// once; readable is not set on an empty socket.
	if _, ok := f.Poll(cx); ok {
		t.Fatal("empty socket readable")
	}
	Cancel(f)
	unix.Write(b, []byte("x"))
	// The write makes the descriptor readable, which the driver's goroutine
	// records and then wakes the waiters of that batch; a waker that was
	// forgotten must not be called. Wait until the readiness is recorded, then
	// for a timer of the same driver: its goroutine fires it in a later Park,
	// after the wake-ups of the batch that recorded the readiness.
	for r.Readiness().Ready&Readable == 0 {
		time.Sleep(time.Millisecond)
	}
	Sleep(2 * time.Millisecond)
	if n := w.n.Load(); n != 0 {
		t.Fatalf("cancelled waiter woken %d times", n)
	}
	// A new wait sees the recorded readiness at once.
	if ev, ok := f.Poll(cx); !ok || ev.Ready&Readable == 0 {
		t.Fatalf("Readable after data: %+v %v", ev, ok)
	}
}

// TestPollIOKeepsReadinessFromDuringTheAttempt checks the tick guard: the
// descriptor becomes readable while the operation runs (after PollIO took its
// snapshot), and the operation still reports EAGAIN, as a read that raced the
// data's arrival would. PollIO must not clear that readiness: it retries at
// once instead of waiting for an edge that will never come again.
func TestPollIOKeepsReadinessFromDuringTheAttempt(t *testing.T) {
	d, r, a, b := driverPair(t)
	d.Park(0, false) // consume the registration's first edge (writable)
	calls := 0
	buf := make([]byte, 8)
	var n int
	op := func() error {
		calls++
		if calls == 1 {
			unix.Write(b, []byte("late"))
			for r.Readiness().Ready&Readable == 0 {
				d.Park(-1, false) // records the readable edge
			}
			return unix.EAGAIN
		}
		return readOp(a, buf, &n)()
	}
	w := &countingWaker{}
	done, err := r.PollIO(NewContext(w), DirRead, op)
	if !done || err != nil || string(buf[:n]) != "late" || calls != 2 {
		t.Fatalf("done %v err %v read %q after %d calls; want the data on the retry", done, err, buf[:n], calls)
	}
}

// A read that hits EAGAIN must not erase the writing half's readiness.
func TestPollIOClearsOnlyItsDirection(t *testing.T) {
	d, r, a, _ := driverPair(t)
	for r.Readiness().Ready&Writable == 0 {
		d.Park(-1, false) // the registration's first edge: writable
	}
	var n int
	done, err := r.PollIO(NewContext(&countingWaker{}), DirRead, readOp(a, make([]byte, 1), &n))
	if done || err != nil {
		t.Fatalf("read of an empty socket: done %v err %v", done, err)
	}
	if r.Readiness().Ready&Writable == 0 {
		t.Fatal("a read's EAGAIN cleared Writable")
	}
}

// TestRegistrationNowIsItsDriversClock: a registration made in a runtime with
// a paused clock reads that clock; one made with Register reads the real
// time.
func TestRegistrationNowIsItsDriversClock(t *testing.T) {
	a, b := socketPair(t)
	start := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	r := NewCurrentThreadWith(WithPausedClock(start))
	defer r.Shutdown()
	out := BlockOn(r, RegisterAsync(a))
	if out.V1 != nil {
		t.Fatal(out.V1)
	}
	defer out.V0.Deregister()
	if got := out.V0.Now(); !got.Equal(start) {
		t.Fatalf("Now of a registration on a paused runtime = %v; want its clock's %v", got, start)
	}
	BlockOn(r, SleepAsync(time.Hour))
	if got := out.V0.Now(); !got.Equal(start.Add(time.Hour)) {
		t.Fatalf("Now after an hour's sleep = %v; want %v", got, start.Add(time.Hour))
	}
	before := time.Now()
	reg, err := Register(b)
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Deregister()
	if got := reg.Now(); got.Before(before.Add(-time.Second)) {
		t.Fatalf("Now of a registration on the default driver = %v; want the real time (after %v)", got, before)
	}
}

// TestPollIOWouldBlockForms: PollIO waits on EAGAIN in every form an op may
// return it (the errno, an *os.SyscallError or a %w wrapping it), and
// returns any other error, an Errno included, as the operation's.
func TestPollIOWouldBlockForms(t *testing.T) {
	_, r, _, _ := driverPair(t)
	r.ClearReadiness(r.Readiness()) // not readable: an EAGAIN makes it wait
	for _, wouldBlock := range []error{unix.EAGAIN, os.NewSyscallError("read", unix.EAGAIN), fmt.Errorf("op: %w", unix.EAGAIN)} {
		if done, err := r.PollIO(NewContext(&countingWaker{}), DirRead, func() error { return wouldBlock }); done {
			t.Errorf("op returning %v: done with %v; want a wait", wouldBlock, err)
		}
	}
	for _, fail := range []error{unix.ECONNRESET, errors.New("other")} {
		if done, err := r.PollIO(NewContext(&countingWaker{}), DirRead, func() error { return fail }); !done || err != fail {
			t.Errorf("op returning %v: done %v, %v; want done with it", fail, done, err)
		}
	}
}
