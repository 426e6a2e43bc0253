package netx

import (
	"errors"
	"log"
	"net"
	"sync/atomic"
	"time"

	"github.com/corio-go/corio/rt"
	"golang.org/x/sys/unix"
)

// listener is a listening socket; TCPListener and UnixListener share it.
type listener struct {
	fd *netFD

	// Accept's back-off when the process is out of descriptors: a timer
	// (backoff.sleep, armed while backoff.armed) and the waiting Accept's
	// waker, which Close wakes. Owned by the pending Accept.
	backoff deadline
	delay   time.Duration

	unlinkPath string // a Unix socket file to remove on Close

	noCloseWhenLost bool // immutable: ListenConfig.NoCloseWhenLost
}

// acceptedFD makes the netFD of an accepted stream socket.
func (l *listener) acceptedFD(nfd int, reg rt.Registration) *netFD {
	mk := newFD
	if l.noCloseWhenLost {
		mk = newFDLostOpen
	}
	return mk(nfd, reg, l.fd.family(), unix.SOCK_STREAM, l.fd.network())
}

// Accept back-off bounds: the first wait after EMFILE, and the longest.
const (
	minAcceptBackoff = 5 * time.Millisecond
	maxAcceptBackoff = time.Second
)

var emfileLogged atomic.Bool

// acceptBackoffs counts the accepts that failed for want of descriptors and
// started a back-off wait: a test reads it to tell a back-off from a spin.
var acceptBackoffs atomic.Int64

// pollAccept advances the pending Accept; true once done, with the new
// socket's descriptor and registration or an error in net's shape.
func (l *listener) pollAccept(cx *rt.Context) (nfd int, reg rt.Registration, err error, done bool) {
	for {
		if bo := &l.backoff; bo.armed {
			if l.fd.closed() {
				bo.release()
				return -1, reg, l.fd.opErr("accept", errClosing), true
			}
			bo.mu.Lock()
			bo.waker = cx.Waker()
			bo.mu.Unlock()
			if l.fd.closed() { // Close ran before the waker was stored
				continue
			}
			if _, ok := bo.sleep.Poll(cx); !ok {
				return -1, reg, nil, false
			}
			bo.release()
			l.fd.start(rt.DirRead, opAccept, nil)
		}
		done, ferr := l.fd.poll(cx, rt.DirRead)
		if !done {
			return -1, reg, nil, false
		}
		switch {
		case ferr == nil:
		case errors.Is(ferr, unix.ECONNABORTED):
			l.fd.start(rt.DirRead, opAccept, nil) // the peer gave up in the backlog: next one
			continue
		case isResourceExhausted(ferr):
			// Out of descriptors (or kernel memory): the pending
			// connection stays in the backlog and the socket stays
			// readable, so retrying at once would spin. Wait, doubling
			// the wait up to maxAcceptBackoff, and say so once.
			if emfileLogged.CompareAndSwap(false, true) {
				log.Printf("corio/netx: accept: %v; backing off (up to %v) until descriptors are freed", ferr, maxAcceptBackoff)
			}
			acceptBackoffs.Add(1)
			l.delay = min(max(l.delay*2, minAcceptBackoff), maxAcceptBackoff)
			l.backoff.sleep.Reset(l.delay)
			l.backoff.armed = true
			continue
		default:
			return -1, reg, l.fd.opErr("accept", ferr), true
		}
		l.delay = 0
		nfd = int(l.fd.op(rt.DirRead).n)
		if err := reg.Init(cx, nfd); err != nil {
			unix.Close(nfd)
			return -1, reg, l.fd.opErr("accept", err), true
		}
		return nfd, reg, nil, true
	}
}

func (l *listener) cancelAccept() {
	l.backoff.release()
	l.fd.cancel(rt.DirRead)
}

func isResourceExhausted(err error) bool {
	return errors.Is(err, unix.EMFILE) || errors.Is(err, unix.ENFILE) ||
		errors.Is(err, unix.ENOBUFS) || errors.Is(err, unix.ENOMEM)
}

// startAccept prepares the direction's future for an Accept.
func (l *listener) startAccept() {
	l.fd.start(rt.DirRead, opAccept, nil)
}

// Close stops listening; a pending Accept returns an error wrapping
// net.ErrClosed, and so does a second Close.
func (l *listener) Close() error {
	err := l.fd.Close()
	l.backoff.wake()
	if err == nil && l.unlinkPath != "" {
		unix.Unlink(l.unlinkPath)
	}
	return err
}

// Addr returns the address the socket listens on.
func (l *listener) Addr() net.Addr { return l.fd.localAddr() }

// SetDeadline sets the deadline of pending and future Accepts (the zero time:
// none); an expired deadline fails them with an error wrapping
// os.ErrDeadlineExceeded.
func (l *listener) SetDeadline(t time.Time) error {
	if l.fd.closed() {
		return l.fd.opErr("set", errClosing)
	}
	l.fd.setDeadline(rt.DirRead, t)
	return nil
}

// listenFD creates, binds and listens on a socket for sa.
func listenFD(sa unix.Sockaddr, sotype int, network string, lc *ListenConfig, cx *rt.Context) (*netFD, error) {
	family := familyOf(sa)
	s, err := sysSocket(family, sotype)
	if err != nil {
		return nil, wrapSyscall("socket", err)
	}
	fail := func(name string, err error) (*netFD, error) {
		unix.Close(s)
		return nil, wrapSyscall(name, err)
	}
	if family != unix.AF_UNIX {
		if !lc.NoReuseAddr {
			if err := unix.SetsockoptInt(s, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
				return fail("setsockopt", err)
			}
		}
		if lc.ReusePort {
			if err := unix.SetsockoptInt(s, unix.SOL_SOCKET, unix.SO_REUSEPORT, 1); err != nil {
				return fail("setsockopt", err)
			}
		}
		if family == unix.AF_INET6 {
			v6only := boolint(network[len(network)-1] == '6')
			if err := unix.SetsockoptInt(s, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, v6only); err != nil {
				return fail("setsockopt", err)
			}
		}
	}
	if lc.Control != nil {
		if err := lc.Control(s); err != nil {
			unix.Close(s)
			return nil, err
		}
	}
	if err := unix.Bind(s, sa); err != nil {
		return fail("bind", err)
	}
	if sotype == unix.SOCK_STREAM {
		backlog := lc.Backlog
		if backlog <= 0 || backlog > maxListenerBacklog() {
			backlog = maxListenerBacklog()
		}
		if err := unix.Listen(s, backlog); err != nil {
			return fail("listen", err)
		}
	}
	reg, err := register(cx, s)
	if err != nil {
		unix.Close(s)
		return nil, err
	}
	return newFD(s, reg, family, sotype, network), nil
}

// register registers s with cx's driver, or the default driver for a nil cx
// (rt.Register's choice).
func register(cx *rt.Context, s int) (rt.Registration, error) {
	var reg rt.Registration
	err := reg.Init(cx, s)
	return reg, err
}

// ListenConfig holds the options of a listening socket. The zero value is
// net's default: SO_REUSEADDR set, the kernel's largest backlog.
type ListenConfig struct {
	// Backlog is the length of the queue of connections not yet accepted;
	// 0 (or more than the kernel allows) means the kernel's maximum
	// (net.core.somaxconn).
	Backlog int
	// NoReuseAddr leaves SO_REUSEADDR unset, so that binding fails while
	// connections to the port linger in TIME_WAIT.
	NoReuseAddr bool
	// ReusePort sets SO_REUSEPORT: several sockets (in one process or
	// several) may listen on the same address, and the kernel spreads the
	// incoming connections among them.
	ReusePort bool
	// Control, if not nil, is called with the raw socket after netx's
	// options are set and before bind, to set others.
	Control func(fd int) error
	// NoCloseWhenLost leaves out, for the accepted connections, the safety
	// net that net's connections have too: a connection that becomes
	// unreachable without Close is closed by the garbage collector. The net
	// costs each connection a record the Go runtime keeps off the heap
	// (about 55 B of RSS per idle connection, a fifth of what an idle
	// examples/echo connection costs without it). Set it when every
	// connection is closed by its handler, in a defer, which also runs when
	// the runtime cancels the handler at shutdown: a connection dropped
	// without Close then keeps its descriptor and its slot in the driver
	// until the process exits, as a raw descriptor would.
	NoCloseWhenLost bool
}
