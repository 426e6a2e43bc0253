package rt_test

import (
	"fmt"
	"net"
	"sync/atomic"

	"github.com/corio-go/corio/rt"
	"golang.org/x/sys/unix"
)

// pipeReader is the read end of a pipe whose reads inside polls on
// multi-thread workers hold no reference count: Close marks it closed, then
// hands the descriptor to rt.CloseAfterPolls.
type pipeReader struct {
	fd     int
	closed atomic.Bool
}

// tryRead reads once. In a fenced poll the descriptor cannot be closed (and
// its number reused) before the poll returns, once the mark was seen clear;
// elsewhere a socket type would hold a reference count around the call.
func (p *pipeReader) tryRead(cx *rt.Context, b []byte) (int, error) {
	if !cx.PollFenced() {
		panic("this sketch reads only on multi-thread workers")
	}
	if p.closed.Load() {
		return 0, net.ErrClosed
	}
	return unix.Read(p.fd, b)
}

// Close marks p closed first, so that no poll starting later makes a
// syscall on it, then lets the fence close the descriptor.
func (p *pipeReader) Close() error {
	if !p.closed.CompareAndSwap(false, true) {
		return net.ErrClosed
	}
	rt.CloseAfterPolls(p.fd)
	return nil
}

// A socket type whose syscalls inside polls skip their reference count:
// CloseAfterPolls keeps the descriptor open until the polls of multi-thread
// workers that may have seen it open have returned.
func ExampleCloseAfterPolls() {
	var fds [2]int
	if err := unix.Pipe2(fds[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
		panic(err)
	}
	defer unix.Close(fds[1])
	unix.Write(fds[1], []byte("hello"))
	p := &pipeReader{fd: fds[0]}
	r := rt.NewMultiThread(rt.WithWorkers(2))
	defer r.Shutdown()
	read := rt.SpawnOn(r, rt.PollFunc(func(cx *rt.Context) (string, bool) {
		b := make([]byte, 16)
		n, err := p.tryRead(cx, b)
		if err != nil {
			return err.Error(), true
		}
		return string(b[:n]), true
	}))
	s, _ := read.Join()
	fmt.Println(s)
	fmt.Println(p.Close())
	again := rt.SpawnOn(r, rt.PollFunc(func(cx *rt.Context) (error, bool) {
		_, err := p.tryRead(cx, make([]byte, 1))
		return err, true
	}))
	err, _ := again.Join()
	fmt.Println(err)
	// Output:
	// hello
	// <nil>
	// use of closed network connection
}
