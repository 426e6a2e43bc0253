//go:build linux

package poller

import (
	"encoding/binary"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The epoll backend: the contract in poller.go and nothing else.
//
// One epoll instance watches every registered descriptor edge-triggered for
// all interests at once (interestEvents), so registrations never need
// EPOLL_CTL_MOD: a task's interest lives in its Registration, not in the
// kernel. An eventfd, registered under wakeToken, carries wake-ups.
//
// Tokens travel in epoll_event's 64-bit data field, which x/sys exposes as
// two int32 fields, Fd (low half: slot index) and Pad (high half:
// generation). No Go pointer is ever stored there: the kernel's copy is
// invisible to the garbage collector.

// interestEvents are requested for every descriptor. EPOLLET: one event per
// edge, which the readiness word keeps until a task clears it (doc.go
// explains why not level-triggered or EPOLLONESHOT). EPOLLERR and EPOLLHUP
// are always reported and need not be asked for.
const interestEvents = unix.EPOLLIN | unix.EPOLLOUT | unix.EPOLLRDHUP | unix.EPOLLPRI | unix.EPOLLET

type backend struct {
	epfd   int // immutable until close
	wakefd int // immutable until close: the eventfd, registered under wakeToken

	// one is the eventfd increment, 1 as a native-endian uint64. Immutable.
	one [8]byte
	// Owned by the Poll caller (wait).
	events  [maxEvents]unix.EpollEvent
	drained [8]byte
}

func newBackend() (*backend, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	wakefd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		unix.Close(epfd)
		return nil, err
	}
	b := &backend{epfd: epfd, wakefd: wakefd}
	binary.NativeEndian.PutUint64(b.one[:], 1)
	// EPOLLIN only: an eventfd is always writable, and EPOLLOUT would
	// report a wake-up that nobody sent.
	tok := uint64(wakeToken)
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLET, Fd: int32(uint32(tok))}
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, wakefd, &ev); err != nil {
		unix.Close(wakefd)
		unix.Close(epfd)
		return nil, err
	}
	return b, nil
}

func (b *backend) add(fd int, token uint64) error {
	ev := unix.EpollEvent{Events: interestEvents, Fd: int32(uint32(token)), Pad: int32(uint32(token >> 32))}
	return ignoringEINTR(func() error { return unix.EpollCtl(b.epfd, unix.EPOLL_CTL_ADD, fd, &ev) })
}

func (b *backend) del(fd int) error {
	// A non-nil event: kernels before 2.6.9 required one even for DEL.
	var ev unix.EpollEvent
	return ignoringEINTR(func() error { return unix.EpollCtl(b.epfd, unix.EPOLL_CTL_DEL, fd, &ev) })
}

func (b *backend) wait(evs []polledEvent, timeout int) (n int, woken bool, err error) {
	k, err := epollWait(b.epfd, b.events[:min(len(evs), maxEvents)], timeout)
	if err == unix.EINTR {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	for i := range k {
		ev := &b.events[i]
		token := uint64(uint32(ev.Fd)) | uint64(uint32(ev.Pad))<<32
		if token == wakeToken {
			// Drain the counter so the next write is a fresh edge. EAGAIN
			// (already drained) is harmless.
			_, _ = unix.Read(b.wakefd, b.drained[:])
			woken = true
			continue
		}
		evs[n] = polledEvent{token: token, ready: readyFromEpoll(ev.Events)}
		n++
	}
	return n, woken, nil
}

// epollWait is unix.EpollWait, made as a raw system call when it cannot
// block (timeout 0): a worker that looks for I/O between tasks then does not
// go through entersyscall and exitsyscall, whose P hand-offs keep the Go
// runtime's sysmon thread waking every 20 µs.
func epollWait(epfd int, events []unix.EpollEvent, timeout int) (int, error) {
	if timeout != 0 || len(events) == 0 {
		return unix.EpollWait(epfd, events, timeout)
	}
	n, _, e := syscall.RawSyscall6(syscall.SYS_EPOLL_PWAIT, uintptr(epfd), uintptr(unsafe.Pointer(&events[0])), uintptr(len(events)), 0, 0, 0)
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

// readyFromEpoll maps epoll's bits onto Ready. EPOLLHUP (both directions shut
// down, or the peer of a pipe gone) closes both halves; EPOLLRDHUP only the
// read half. The kernel reports EPOLLIN alongside EOF, so a reader at EOF
// sees Readable|ReadClosed.
func readyFromEpoll(e uint32) Ready {
	var r Ready
	if e&unix.EPOLLIN != 0 {
		r |= Readable
	}
	if e&unix.EPOLLOUT != 0 {
		r |= Writable
	}
	if e&unix.EPOLLRDHUP != 0 {
		r |= ReadClosed
	}
	if e&unix.EPOLLHUP != 0 {
		r |= ReadClosed | WriteClosed
	}
	if e&unix.EPOLLERR != 0 {
		r |= Error
	}
	if e&unix.EPOLLPRI != 0 {
		r |= Priority
	}
	return r
}

func (b *backend) wakeup() {
	// EAGAIN means the counter is near 2^64-1: a wake-up is certainly
	// pending, so it is ignored like EINTR's retry-worthy cousin below.
	for {
		_, err := unix.Write(b.wakefd, b.one[:])
		if err != unix.EINTR {
			return
		}
	}
}

func (b *backend) close() error {
	err1 := unix.Close(b.wakefd)
	err2 := unix.Close(b.epfd)
	b.wakefd, b.epfd = -1, -1
	if err1 != nil {
		return err1
	}
	return err2
}

// ignoringEINTR retries fn while it fails with EINTR.
func ignoringEINTR(fn func() error) error {
	for {
		if err := fn(); err != unix.EINTR {
			return err
		}
	}
}
