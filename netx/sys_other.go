//go:build !linux

package netx

import (
	"errors"
	"fmt"
	"runtime"
	"time"

	"golang.org/x/sys/unix"
)

// supported reports whether this platform has netx's backend: corio's
// reactor is epoll-only for now.
const supported = false

var errUnsupported = fmt.Errorf("corio/netx: no reactor on %s yet: %w", runtime.GOOS, errors.ErrUnsupported)

func sysSocket(family, sotype int) (int, error) { return -1, errUnsupported }

func accept(fd int) (int, error) { return -1, errUnsupported }

func sysRead(fd int, b []byte) (int, error) { return unix.Read(fd, b) }

func sysWrite(fd int, b []byte) (int, error) { return unix.Write(fd, b) }

func setKeepAlivePeriod(fd int, d time.Duration) error { return errUnsupported }

func ipv6Works() bool { return false }

func maxListenerBacklog() int { return 128 }
