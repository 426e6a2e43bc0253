package netx

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// supported reports whether this platform has netx's backend.
const supported = true

// sysSocket creates a non-blocking, close-on-exec socket.
func sysSocket(family, sotype int) (int, error) {
	return unix.Socket(family, sotype|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
}

// accept takes one connection off a non-blocking listening socket,
// non-blocking and close-on-exec. It asks for no peer address (the stream
// looks its addresses up when first asked), which saves unix.Accept4's two
// allocations (144 bytes per connection, garbage at once, that the heap and
// so the RSS of a server opening many connections carried until the next
// collection), and it is a raw system call, as sysRead.
func accept(fd int) (int, error) {
	for {
		nfd, _, e := syscall.RawSyscall6(syscall.SYS_ACCEPT4, uintptr(fd), 0, 0, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0, 0)
		if e == 0 {
			return int(nfd), nil
		}
		if e != unix.EINTR {
			return -1, e
		}
	}
}

// maxRawIO is the largest read or write made without telling the Go
// scheduler (see sysRead).
const maxRawIO = 64 << 10

// sysRead reads from a non-blocking socket: recv(2) (recvfrom without an
// address), which goes straight to the socket layer where read(2) first
// passes through the VFS (vfs_read and fdget_pos were 5% of the echo
// server's CPU in perf; mio, under Tokio, calls recv too).
//
// Up to maxRawIO bytes it is a raw system call, without entersyscall and
// exitsyscall: a non-blocking socket never waits, so handing the P to
// another thread for the duration buys nothing, and while Ps keep entering
// syscalls the Go runtime's sysmon thread keeps waking every 20 µs to look
// for ones to retake (12% of the echo server's CPU at 1000 connections in
// perf; 2.5% with the raw calls). Larger transfers tell the scheduler, so
// that a long copy stays visible to it.
func sysRead(fd int, b []byte) (int, error) {
	// The pointer is converted in each call's arguments, the form in which
	// the compiler keeps b's memory alive and in place for the call.
	var n uintptr
	var e syscall.Errno
	if len(b) > maxRawIO {
		n, _, e = syscall.Syscall6(syscall.SYS_RECVFROM, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)), 0, 0, 0)
	} else {
		n, _, e = syscall.RawSyscall6(syscall.SYS_RECVFROM, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)), 0, 0, 0)
	}
	if e != 0 {
		return 0, e
	}
	if raceEnabled {
		raceWriteRange(b[:n])
		raceAcquireIO()
	}
	return int(n), nil
}

// sysWrite writes to a non-blocking socket: send(2) with MSG_NOSIGNAL (a
// reset peer gives EPIPE, never SIGPIPE), raw up to maxRawIO bytes, as
// sysRead.
func sysWrite(fd int, b []byte) (int, error) {
	// The pointer is converted in each call's arguments, the form in which
	// the compiler keeps b's memory alive and in place for the call.
	var n uintptr
	var e syscall.Errno
	if raceEnabled {
		raceReleaseIO()
	}
	if len(b) > maxRawIO {
		n, _, e = syscall.Syscall6(syscall.SYS_SENDTO, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)), unix.MSG_NOSIGNAL, 0, 0)
	} else {
		n, _, e = syscall.RawSyscall6(syscall.SYS_SENDTO, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)), unix.MSG_NOSIGNAL, 0, 0)
	}
	if e != 0 {
		return 0, e
	}
	if raceEnabled {
		raceReadRange(b[:n])
	}
	return int(n), nil
}

// setKeepAlivePeriod sets the idle time before the first probe and the
// interval between probes, as net does.
func setKeepAlivePeriod(fd int, d time.Duration) error {
	secs := int((d + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1
	}
	if err := unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_KEEPIDLE, secs); err != nil {
		return err
	}
	return unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_KEEPINTVL, secs)
}

var ipv6Works = sync.OnceValue(func() bool {
	s, err := sysSocket(unix.AF_INET6, unix.SOCK_STREAM)
	if err != nil {
		return false
	}
	defer unix.Close(s)
	return unix.Bind(s, &unix.SockaddrInet6{Addr: [16]byte{15: 1}}) == nil
})

// maxListenerBacklog is the kernel's cap on a listen backlog
// (net.core.somaxconn), which is also the default, as in net.
var maxListenerBacklog = sync.OnceValue(func() int {
	b, err := os.ReadFile("/proc/sys/net/core/somaxconn")
	if err != nil {
		return unix.SOMAXCONN
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || n <= 0 {
		return unix.SOMAXCONN
	}
	return n
})

// errUnsupported is what the stubs of other platforms return.
var errUnsupported = errors.ErrUnsupported
