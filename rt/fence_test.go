//go:build unix

package rt

import (
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// blockingPoll is a future whose one poll reports whether it is fenced,
// then holds its worker until release is closed.
type blockingPoll struct {
	entered chan bool
	release chan struct{}
}

func (f *blockingPoll) Poll(cx *Context) (struct{}, bool) {
	f.entered <- cx.PollFenced()
	<-f.release
	return struct{}{}, true
}

func fdOpen(fd int) bool {
	_, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
	return err == nil
}

// TestCloseAfterPollsWaitsForRunningPoll: a descriptor handed to
// CloseAfterPolls while a multi-thread worker is inside a poll that began
// earlier stays open (its number cannot be given to another file) until
// that poll has returned; then it is closed without further calls.
func TestCloseAfterPollsWaitsForRunningPoll(t *testing.T) {
	r := NewMultiThread(WithWorkers(2))
	defer r.Shutdown()
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(p[1])
	f := &blockingPoll{entered: make(chan bool), release: make(chan struct{})}
	h := SpawnOn(r, Future[struct{}](f))
	fenced := <-f.entered
	CloseAfterPolls(p[0])
	early := false
	for range 100 {
		runtime.Gosched()
		if !fdOpen(p[0]) {
			early = true
			break
		}
	}
	close(f.release) // before any Fatal: Shutdown waits for the poll
	if !fenced {
		t.Fatal("a task's poll on a multi-thread worker is not PollFenced")
	}
	if early {
		t.Fatal("descriptor closed while a poll that began before CloseAfterPolls was running")
	}
	if _, err := h.Join(); err != nil {
		t.Fatal(err)
	}
	for fdOpen(p[0]) {
		runtime.Gosched() // the worker closes it when it parks or starts its next batch
	}
}

// TestCloseAfterPollsByShutdown: a descriptor still waiting for a worker's
// batch is closed by the time Shutdown returns, since every worker leaves
// the fence as it stops.
func TestCloseAfterPollsByShutdown(t *testing.T) {
	r := NewMultiThread(WithWorkers(2))
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(p[1])
	f := &blockingPoll{entered: make(chan bool), release: make(chan struct{})}
	SpawnOn(r, Future[struct{}](f))
	<-f.entered
	CloseAfterPolls(p[0])
	open := fdOpen(p[0])
	close(f.release)
	r.Shutdown()
	if !open {
		t.Fatal("descriptor closed while a poll that began before CloseAfterPolls was running")
	}
	if fdOpen(p[0]) {
		t.Fatal("descriptor still open after Shutdown")
	}
}

// TestCloseAfterPollsAtOnce: with no worker inside an older poll (no
// multi-thread runtime running tasks, or all its workers parked) the
// descriptor is closed before CloseAfterPolls returns.
func TestCloseAfterPollsAtOnce(t *testing.T) {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(p[1])
	CloseAfterPolls(p[0])
	if fdOpen(p[0]) {
		t.Fatal("descriptor still open after CloseAfterPolls with no poll running")
	}
}

// TestPollFencedOnlyOnWorkers: polls outside multi-thread workers (a
// current-thread runtime, a BlockOn main future, direct mode) are not
// fenced: a socket's syscalls there keep their reference count.
func TestPollFencedOnlyOnWorkers(t *testing.T) {
	var got bool
	probe := PollFunc(func(cx *Context) (struct{}, bool) { got = cx.PollFenced(); return struct{}{}, true })
	ct := NewCurrentThread()
	defer ct.Shutdown()
	BlockOn(ct, probe)
	if got {
		t.Fatal("a current-thread runtime's poll is PollFenced")
	}
	mt := NewMultiThread(WithWorkers(1))
	defer mt.Shutdown()
	BlockOn(mt, probe)
	if got {
		t.Fatal("a multi-thread BlockOn main future's poll is PollFenced")
	}
	if _, err := SpawnOn(mt, probe).Join(); err != nil || !got {
		t.Fatalf("a multi-thread task's poll: PollFenced %v, err %v; want true", got, err)
	}
	if NewContext(nil).PollFenced() {
		t.Fatal("a NewContext Context is PollFenced")
	}
}

// BenchmarkCloseAfterPolls prices a close through the fence against a plain
// close(2), each of a fresh pipe's read end, with a multi-thread runtime's
// workers parked (the fence closes at once; the epoch's atomic add, the
// lock and the scan of the workers are its cost).
func BenchmarkCloseAfterPolls(b *testing.B) {
	r := NewMultiThread(WithWorkers(2))
	defer r.Shutdown()
	for _, fenced := range []bool{false, true} {
		name := "close"
		if fenced {
			name = "fenced"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			var p [2]int
			for b.Loop() {
				if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
					b.Fatal(err)
				}
				if fenced {
					CloseAfterPolls(p[0])
				} else {
					unix.Close(p[0])
				}
				unix.Close(p[1])
			}
		})
	}
}
