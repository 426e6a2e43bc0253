package netx

import (
	"net"
	"os"
	"time"

	"github.com/corio-go/corio/rt"
	"golang.org/x/sys/unix"
)

// TCPStream is a connected TCP socket. In plain Go it is a net.Conn; in an
// async function its waiting methods suspend the task instead (see the
// package doc). Create one with Dial or TCPListener.AcceptTCP.
type TCPStream struct {
	conn
}

var _ net.Conn = (*TCPStream)(nil)

func newTCPStream(fd *netFD) *TCPStream {
	s := streamOf[TCPStream](fd)
	// net's default: Nagle off, so that small writes go out at once.
	fd.sysErr(func(s int) error { return unix.SetsockoptInt(s, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1) })
	return s
}

// SetNoDelay sets TCP_NODELAY (on by default, as in net): whether small
// writes are sent at once rather than coalesced (Nagle's algorithm).
func (s *TCPStream) SetNoDelay(noDelay bool) error {
	return s.sock().setsockoptInt("set", unix.IPPROTO_TCP, unix.TCP_NODELAY, boolint(noDelay))
}

// SetKeepAlive turns TCP keep-alive probes on or off.
func (s *TCPStream) SetKeepAlive(keepAlive bool) error {
	return s.sock().setsockoptInt("set", unix.SOL_SOCKET, unix.SO_KEEPALIVE, boolint(keepAlive))
}

// SetKeepAlivePeriod sets the idle time before the first keep-alive probe and
// the time between probes (rounded up to whole seconds).
func (s *TCPStream) SetKeepAlivePeriod(d time.Duration) error {
	fd := s.sock()
	if err := fd.sysErr(func(s int) error { return setKeepAlivePeriod(s, d) }); err != nil {
		return fd.opErr("set", wrapSyscall("setsockopt", err))
	}
	return nil
}

// SetLinger sets SO_LINGER as net.TCPConn.SetLinger does: sec < 0 (the
// default) lets Close return at once while the kernel sends what is left;
// sec == 0 discards unsent data and resets the connection on Close; sec > 0
// sends for up to sec seconds in the background of Close.
func (s *TCPStream) SetLinger(sec int) error {
	fd := s.sock()
	l := unix.Linger{}
	if sec >= 0 {
		l.Onoff, l.Linger = 1, int32(sec)
	}
	err := fd.sysErr(func(s int) error { return unix.SetsockoptLinger(s, unix.SOL_SOCKET, unix.SO_LINGER, &l) })
	if err != nil {
		return fd.opErr("set", wrapSyscall("setsockopt", err))
	}
	return nil
}

// SetReadBuffer sets the socket's receive buffer size (SO_RCVBUF).
func (s *TCPStream) SetReadBuffer(bytes int) error {
	return s.sock().setsockoptInt("set", unix.SOL_SOCKET, unix.SO_RCVBUF, bytes)
}

// SetWriteBuffer sets the socket's send buffer size (SO_SNDBUF).
func (s *TCPStream) SetWriteBuffer(bytes int) error {
	return s.sock().setsockoptInt("set", unix.SOL_SOCKET, unix.SO_SNDBUF, bytes)
}

// TCPListener is a listening TCP socket; in plain Go it is a net.Listener.
type TCPListener struct {
	listener
}

var _ net.Listener = (*TCPListener)(nil)

// Listen listens on a TCP address: network is "tcp", "tcp4" or "tcp6";
// address is "host:port", where an empty host or port 0 mean any (see
// net.Listen). It uses the zero ListenConfig and registers the socket with
// the process default driver; ListenAsync registers with the running
// runtime's.
func Listen(network, address string) (*TCPListener, error) {
	var lc ListenConfig
	return lc.Listen(network, address)
}

// ListenAsync returns a future of Listen's results that registers the socket
// with the driver of the runtime polling it. A host name is resolved on the
// blocking pool.
func ListenAsync(network, address string) rt.Future[rt.Tuple2[*TCPListener, error]] {
	var lc ListenConfig
	return lc.ListenAsync(network, address)
}

// Listen is the package's Listen with lc's options.
func (lc *ListenConfig) Listen(network, address string) (*TCPListener, error) {
	t, err := listenTarget(network, address, "tcp", true)
	if err != nil {
		return nil, opError("listen", network, nil, nil, err)
	}
	return lc.listenTCP(t, nil)
}

// ListenAsync is the package's ListenAsync with lc's options. The future
// reads *lc when it is first polled.
func (lc *ListenConfig) ListenAsync(network, address string) rt.Future[rt.Tuple2[*TCPListener, error]] {
	t, err := listenTarget(network, address, "tcp", false)
	return &listenFuture[*TCPListener]{t: t, err: err, mk: lc.listenTCP}
}

func (lc *ListenConfig) listenTCP(t target, cx *rt.Context) (*TCPListener, error) {
	if !supported {
		return nil, opError("listen", t.network, nil, nil, errUnsupported)
	}
	fd, err := listenFD(t.sas[0], unix.SOCK_STREAM, t.network, lc, cx)
	if err != nil {
		return nil, opError("listen", t.network, nil, sockaddrToAddr(t.network, t.sas[0]), err)
	}
	l := &TCPListener{listener{fd: fd, noCloseWhenLost: lc.NoCloseWhenLost}}
	return l, nil
}

// listenFuture resolves a listen address on the blocking pool if needed,
// then makes the socket with mk on the polling runtime's driver.
type listenFuture[T any] struct {
	t   target
	err error
	res resolving
	mk  func(target, *rt.Context) (T, error)
}

func (f *listenFuture[T]) Poll(cx *rt.Context) (rt.Tuple2[T, error], bool) {
	if f.err == nil {
		done, err := f.res.poll(cx, &f.t)
		if !done {
			return rt.Tuple2[T, error]{}, false
		}
		f.err = err
	}
	if f.err != nil {
		return rt.Tuple2[T, error]{V1: opError("listen", f.t.network, nil, nil, f.err)}, true
	}
	v, err := f.mk(f.t, cx)
	return rt.Tuple2[T, error]{V0: v, V1: err}, true
}

func (f *listenFuture[T]) Cancel() { f.res.cancel() }

// AcceptTCP waits for the next connection and returns it (direct mode of
// AcceptTCPAsync). When the process is out of descriptors (EMFILE, ENFILE)
// it waits, backing off from 5ms to 1s and logging once, until one is free,
// instead of failing or spinning. Close makes a pending AcceptTCP return an
// error wrapping net.ErrClosed.
func (l *TCPListener) AcceptTCP() (*TCPStream, error) {
	defer l.fd.lock(rt.DirRead).Unlock()
	out := await(l.AcceptTCPAsync(), "AcceptTCP")
	return out.V0, out.V1
}

// AcceptTCPAsync returns a future of AcceptTCP's results; the new socket is
// registered with the driver of the runtime polling it. It spends one budget
// unit per poll; cancelling it leaves the connection in the backlog.
func (l *TCPListener) AcceptTCPAsync() rt.Future[rt.Tuple2[*TCPStream, error]] {
	l.startAccept()
	return (*tcpAcceptFuture)(l)
}

// Accept is AcceptTCP for net.Listener (direct mode of AcceptAsync).
func (l *TCPListener) Accept() (net.Conn, error) {
	s, err := l.AcceptTCP()
	if err != nil {
		return nil, err // not a typed nil inside the interface
	}
	return s, nil
}

// AcceptAsync returns a future of Accept's results.
func (l *TCPListener) AcceptAsync() rt.Future[rt.Tuple2[net.Conn, error]] {
	l.startAccept()
	return (*tcpNetAcceptFuture)(l)
}

type tcpAcceptFuture TCPListener

func (f *tcpAcceptFuture) Poll(cx *rt.Context) (rt.Tuple2[*TCPStream, error], bool) {
	nfd, reg, err, done := f.pollAccept(cx)
	if !done {
		return rt.Tuple2[*TCPStream, error]{}, false
	}
	if err != nil {
		return rt.Tuple2[*TCPStream, error]{V1: err}, true
	}
	return rt.Tuple2[*TCPStream, error]{V0: newTCPStream(f.acceptedFD(nfd, reg))}, true
}

func (f *tcpAcceptFuture) Cancel() { f.cancelAccept() }

type tcpNetAcceptFuture TCPListener

func (f *tcpNetAcceptFuture) Poll(cx *rt.Context) (rt.Tuple2[net.Conn, error], bool) {
	out, ok := (*tcpAcceptFuture)(f).Poll(cx)
	if !ok || out.V1 != nil {
		return rt.Tuple2[net.Conn, error]{V1: out.V1}, ok
	}
	return rt.Tuple2[net.Conn, error]{V0: out.V0}, true
}

func (f *tcpNetAcceptFuture) Cancel() { f.cancelAccept() }

// Dial connects to address on network ("tcp", "tcp4", "tcp6"), as net.Dial
// does, and returns the stream (direct mode of DialAsync). The connect is
// non-blocking and a host name is resolved on rt's blocking pool; each
// resolved address is tried in turn (IPv4 first) until one connects.
func Dial(network, address string) (*TCPStream, error) {
	out := await(DialAsync(network, address), "Dial")
	return out.V0, out.V1
}

// DialAsync returns a future of Dial's results; the socket registers with the
// driver of the runtime polling it. Cancelling it closes the half-made
// socket.
func DialAsync(network, address string) rt.Future[rt.Tuple2[*TCPStream, error]] {
	t, err := parseTarget(network, address, false)
	if err == nil && network[:3] != "tcp" {
		err = net.UnknownNetworkError(network)
	}
	return &dialFuture[*TCPStream]{t: t, err: err, sotype: unix.SOCK_STREAM, address: address, mk: newTCPStream}
}

// DialTimeout is Dial bounded by timeout: past it, the attempt is abandoned
// and the error wraps os.ErrDeadlineExceeded (direct mode of
// DialTimeoutAsync). As in net, a zero timeout means none, and a negative
// one has already expired.
func DialTimeout(network, address string, timeout time.Duration) (*TCPStream, error) {
	out := await(DialTimeoutAsync(network, address, timeout), "DialTimeout")
	return out.V0, out.V1
}

// DialTimeoutAsync returns a future of DialTimeout's results.
func DialTimeoutAsync(network, address string, timeout time.Duration) rt.Future[rt.Tuple2[*TCPStream, error]] {
	switch {
	case timeout == 0:
		return DialAsync(network, address)
	case timeout < 0:
		return rt.Ready(rt.Tuple2[*TCPStream, error]{V1: dialTimedOut(network, address)})
	}
	return &dialTimeout[*TCPStream]{
		f:       rt.TimeoutAsync(timeout, DialAsync(network, address)),
		network: network,
		address: address,
	}
}

// dialFuture connects a socket to the first of t's addresses that accepts,
// resolving t first if needed.
type dialFuture[T any] struct {
	t       target
	err     error // a parse error, reported at the first poll
	sotype  int
	address string
	mk      func(*netFD) T
	laddr   unix.Sockaddr // bind here first (Unix datagram clients), or nil

	res        resolving
	i          int    // the address being tried
	fd         *netFD // its socket
	connecting bool
	firstErr   error
}

func (f *dialFuture[T]) Poll(cx *rt.Context) (rt.Tuple2[T, error], bool) {
	var zero rt.Tuple2[T, error]
	if f.err != nil {
		return rt.Tuple2[T, error]{V1: opError("dial", f.t.network, nil, nil, f.err)}, true
	}
	if !supported {
		return rt.Tuple2[T, error]{V1: opError("dial", f.t.network, nil, nil, errUnsupported)}, true
	}
	done, err := f.res.poll(cx, &f.t)
	if !done {
		return zero, false
	}
	if err != nil {
		return rt.Tuple2[T, error]{V1: opError("dial", f.t.network, nil, nil, err)}, true
	}
	for {
		if f.connecting {
			done, err := f.fd.poll(cx, rt.DirWrite)
			if !done {
				return zero, false
			}
			f.connecting = false
			if err == nil {
				fd := f.fd
				f.fd = nil
				return rt.Tuple2[T, error]{V0: f.mk(fd)}, true
			}
			f.fail(err)
		}
		if f.i >= len(f.t.sas) {
			err := f.firstErr
			if err == nil {
				err = errNoSuitableAddress
			}
			var dst net.Addr
			if len(f.t.sas) > 0 {
				dst = sockaddrToAddr(f.t.network, f.t.sas[0])
			}
			return rt.Tuple2[T, error]{V1: opError("dial", f.t.network, nil, dst, err)}, true
		}
		sa := f.t.sas[f.i]
		family := familyOf(sa)
		s, err := sysSocket(family, f.sotype)
		if err != nil {
			f.fd = nil
			f.fail(wrapSyscall("socket", err))
			continue
		}
		if f.laddr != nil {
			if err := unix.Bind(s, f.laddr); err != nil {
				unix.Close(s)
				f.fail(wrapSyscall("bind", err))
				continue
			}
		}
		// Connect before registering: epoll reports a socket that is not
		// connected yet as hung up, and that edge would stay in the
		// readiness word (closed bits are never cleared).
		cerr := unix.Connect(s, sa)
		reg, err := register(cx, s)
		if err != nil {
			unix.Close(s)
			f.fail(err)
			continue
		}
		f.fd = newFD(s, reg, family, f.sotype, f.t.network)
		switch cerr {
		case nil:
			fd := f.fd
			f.fd = nil
			return rt.Tuple2[T, error]{V0: f.mk(fd)}, true
		case unix.EINPROGRESS, unix.EINTR, unix.EALREADY:
			f.fd.start(rt.DirWrite, opConnect, nil)
			f.connecting = true
		default:
			f.fail(os.NewSyscallError("connect", cerr))
		}
	}
}

// fail records err for the current address, closes its socket and moves on.
func (f *dialFuture[T]) fail(err error) {
	if f.firstErr == nil {
		f.firstErr = wrapSyscall("connect", err)
	}
	if f.fd != nil {
		f.fd.Close()
		f.fd = nil
	}
	f.i++
}

// Cancel stops resolving or connecting and closes the half-made socket.
func (f *dialFuture[T]) Cancel() {
	f.res.cancel()
	if f.fd != nil {
		if f.connecting {
			f.fd.cancel(rt.DirWrite)
		}
		f.fd.Close()
		f.fd = nil
	}
	f.connecting = false
}

// dialTimeout turns rt's timeout error into net's.
type dialTimeout[T any] struct {
	f                rt.Future[rt.Tuple2[rt.Tuple2[T, error], error]]
	network, address string
}

func (d *dialTimeout[T]) Poll(cx *rt.Context) (rt.Tuple2[T, error], bool) {
	out, ok := d.f.Poll(cx)
	if !ok {
		return rt.Tuple2[T, error]{}, false
	}
	if out.V1 != nil { // timed out: the dial was cancelled
		return rt.Tuple2[T, error]{V1: dialTimedOut(d.network, d.address)}, true
	}
	return out.V0, true
}

// dialTimedOut is the error of a dial to address that ran out of time.
func dialTimedOut(network, address string) error {
	var dst net.Addr
	if t, err := parseTarget(network, address, false); err == nil && len(t.sas) > 0 {
		dst = sockaddrToAddr(network, t.sas[0])
	}
	return opError("dial", network, nil, dst, os.ErrDeadlineExceeded)
}

func (d *dialTimeout[T]) Cancel() { rt.Cancel(d.f) }
