package poller

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// countWaker counts wake-ups.
type countWaker struct{ n atomic.Int32 }

func (w *countWaker) Wake()       { w.n.Add(1) }
func (w *countWaker) count() int  { return int(w.n.Load()) }
func (w *countWaker) woken() bool { return w.n.Load() > 0 }

// fixture owns a test's poller and raw descriptors. It checks, after every
// other cleanup, that the process has exactly the descriptors it had before.
type fixture struct {
	t    testing.TB
	p    *Poller
	open map[int]bool
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	before := listFDs(t)
	t.Cleanup(func() { // registered first: runs last
		if after := listFDs(t); after != before {
			t.Errorf("descriptor leak:\n before: %s\n after:  %s", before, after)
		}
	})
	p, err := New()
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, p: p, open: map[int]bool{}}
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		for fd := range f.open {
			unix.Close(fd)
		}
	})
	return f
}

// listFDs returns /proc/self/fd's entries (minus the one used to read it),
// read with raw syscalls so the Go runtime's netpoller is never initialised
// by the check itself.
func listFDs(t testing.TB) string {
	t.Helper()
	dir, err := unix.Open("/proc/self/fd", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(dir)
	var names []string
	buf := make([]byte, 8192)
	for {
		n, err := unix.ReadDirent(dir, buf)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		_, _, names = unix.ParseDirent(buf[:n], -1, names)
	}
	self := fmt.Sprint(dir)
	out := names[:0]
	for _, n := range names {
		if n != self {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return fmt.Sprintf("%d fds [%s]", len(out), strings.Join(out, " "))
}

func (f *fixture) track(fds ...int) {
	for _, fd := range fds {
		f.open[fd] = true
	}
}

func (f *fixture) close(fd int) {
	f.t.Helper()
	if !f.open[fd] {
		f.t.Fatalf("close of untracked fd %d", fd)
	}
	delete(f.open, fd)
	if err := unix.Close(fd); err != nil {
		f.t.Fatal(err)
	}
}

// pipe returns a non-blocking pipe's read and write ends.
func (f *fixture) pipe() (r, w int) {
	f.t.Helper()
	var fds [2]int
	if err := unix.Pipe2(fds[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
		f.t.Fatal(err)
	}
	f.track(fds[0], fds[1])
	return fds[0], fds[1]
}

// socketpair returns a connected non-blocking AF_UNIX stream pair.
func (f *fixture) socketpair() (a, b int) {
	f.t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		f.t.Fatal(err)
	}
	f.track(fds[0], fds[1])
	return fds[0], fds[1]
}

func (f *fixture) register(fd int) Registration {
	f.t.Helper()
	r, err := f.p.Register(fd)
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { f.p.Deregister(r) }) // before the fds close (LIFO)
	return r
}

// pollUntil polls until cond holds. The 10 s bound is a safety net against a
// hang, not a timing assertion: every condition is met by the first event.
func (f *fixture) pollUntil(what string, cond func() bool) {
	f.t.Helper()
	for i := 0; i < 200 && !cond(); i++ {
		if _, err := f.p.Poll(50 * time.Millisecond); err != nil {
			f.t.Fatal(err)
		}
	}
	if !cond() {
		f.t.Fatalf("gave up after 10s waiting for %s", what)
	}
}

// drainPoll polls without blocking until a Poll delivers nothing, so the
// events of earlier actions (the edge-triggered initial state included) are
// all recorded.
func (f *fixture) drainPoll() {
	f.t.Helper()
	for i := 0; ; i++ {
		n, err := f.p.Poll(0)
		if err != nil {
			f.t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if i > 1000 {
			f.t.Fatal("events keep arriving")
		}
	}
}

func write(t testing.TB, fd int, s string) {
	t.Helper()
	if _, err := unix.Write(fd, []byte(s)); err != nil {
		t.Fatalf("write fd %d: %v", fd, err)
	}
}

// readAll reads until EAGAIN and returns what it read.
func readAll(t testing.TB, fd int) string {
	t.Helper()
	var out []byte
	buf := make([]byte, 64<<10)
	for {
		n, err := unix.Read(fd, buf)
		if errors.Is(err, unix.EAGAIN) || n == 0 && err == nil {
			return string(out)
		}
		if err != nil {
			t.Fatalf("read fd %d: %v", fd, err)
		}
		out = append(out, buf[:n]...)
	}
}

// fill writes until the send buffer is full (EAGAIN).
func fill(t testing.TB, fd int) {
	t.Helper()
	buf := make([]byte, 64<<10)
	for {
		_, err := unix.Write(fd, buf)
		if errors.Is(err, unix.EAGAIN) {
			return
		}
		if err != nil {
			t.Fatalf("fill fd %d: %v", fd, err)
		}
	}
}

// wantReady checks that r's readiness has all of want and none of notWant.
func wantReady(t testing.TB, r Registration, want, notWant Ready) {
	t.Helper()
	got := r.Readiness().Ready
	if got&want != want || got&notWant != 0 {
		t.Fatalf("readiness %v: want %v set and %v clear", got, want, notWant)
	}
}
