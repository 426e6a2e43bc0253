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

// accept takes one connection off a listening socket, non-blocking and
// close-on-exec.
func accept(fd int) (int, unix.Sockaddr, error) {
	for {
		nfd, sa, err := unix.Accept4(fd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
		if err != unix.EINTR {
			return nfd, sa, err
		}
	}
}

// maxRawIO is the largest read or write made without telling the Go
// scheduler (see sysRead).
const maxRawIO = 64 << 10

// sysRead is read(2) on a non-blocking descriptor. Up to maxRawIO bytes it
// is a raw system call, without entersyscall and exitsyscall: a read of a
// non-blocking socket never waits, so handing the P to another thread for
// its duration buys nothing, and while Ps keep entering syscalls the Go
// runtime's sysmon thread keeps waking every 20 µs to look for ones to
// retake (in a perf profile of the echo server at 1000 connections, sysmon's
// wake-ups were 8% of the server's CPU). Larger transfers go through
// unix.Read, so that a long copy stays visible to the scheduler.
func sysRead(fd int, b []byte) (int, error) {
	if len(b) > maxRawIO {
		return unix.Read(fd, b)
	}
	n, _, e := syscall.RawSyscall(syscall.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)))
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

// sysWrite is write(2) on a non-blocking descriptor, raw up to maxRawIO
// bytes as sysRead.
func sysWrite(fd int, b []byte) (int, error) {
	if len(b) > maxRawIO {
		return unix.Write(fd, b)
	}
	n, _, e := syscall.RawSyscall(syscall.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)))
	if e != 0 {
		return 0, e
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
