package netx

import (
	"net"

	"github.com/corio-go/corio/rt"
	"golang.org/x/sys/unix"
)

// UnixStream is a connected Unix stream socket (a net.Conn in plain Go),
// with TCPStream's reading and writing methods.
type UnixStream struct {
	conn
}

var _ net.Conn = (*UnixStream)(nil)

func newUnixStream(fd *netFD) *UnixStream { return streamOf[UnixStream](fd) }

// UnixListener is a listening Unix stream socket (a net.Listener in plain
// Go). Close removes the socket file it created.
type UnixListener struct {
	listener
}

var _ net.Listener = (*UnixListener)(nil)

// ListenUnix listens on the Unix socket path (a name starting with '@' is
// in Linux's abstract namespace: no file), registered with the process
// default driver (ListenUnixAsync: the running runtime's).
func ListenUnix(path string) (*UnixListener, error) {
	return listenUnix(path, nil)
}

// ListenUnixAsync returns a future, ready at its first poll, of
// ListenUnix's results, registering with the driver of the runtime polling
// it.
func ListenUnixAsync(path string) rt.Future[rt.Tuple2[*UnixListener, error]] {
	return rt.PollFunc(func(cx *rt.Context) (rt.Tuple2[*UnixListener, error], bool) {
		l, err := listenUnix(path, cx)
		return rt.Tuple2[*UnixListener, error]{V0: l, V1: err}, true
	})
}

func listenUnix(path string, cx *rt.Context) (*UnixListener, error) {
	sa := &unix.SockaddrUnix{Name: path}
	if !supported {
		return nil, opError("listen", "unix", nil, nil, errUnsupported)
	}
	var lc ListenConfig
	fd, err := listenFD(sa, unix.SOCK_STREAM, "unix", &lc, cx)
	if err != nil {
		return nil, opError("listen", "unix", nil, &net.UnixAddr{Name: path, Net: "unix"}, err)
	}
	l := &UnixListener{listener{fd: fd}}
	if path != "" && path[0] != '@' {
		l.unlinkPath = path
	}
	return l, nil
}

// AcceptUnix waits for the next connection (direct mode of
// AcceptUnixAsync); see TCPListener.AcceptTCP.
func (l *UnixListener) AcceptUnix() (*UnixStream, error) {
	defer l.fd.lock(rt.DirRead).Unlock()
	out := await(l.AcceptUnixAsync(), "AcceptUnix")
	return out.V0, out.V1
}

// AcceptUnixAsync returns a future of AcceptUnix's results.
func (l *UnixListener) AcceptUnixAsync() rt.Future[rt.Tuple2[*UnixStream, error]] {
	l.startAccept()
	return (*unixAcceptFuture)(l)
}

// Accept is AcceptUnix for net.Listener (direct mode of AcceptAsync).
func (l *UnixListener) Accept() (net.Conn, error) {
	s, err := l.AcceptUnix()
	if err != nil {
		return nil, err
	}
	return s, nil
}

// AcceptAsync returns a future of Accept's results.
func (l *UnixListener) AcceptAsync() rt.Future[rt.Tuple2[net.Conn, error]] {
	l.startAccept()
	return (*unixNetAcceptFuture)(l)
}

type unixAcceptFuture UnixListener

func (f *unixAcceptFuture) Poll(cx *rt.Context) (rt.Tuple2[*UnixStream, error], bool) {
	nfd, reg, err, done := f.pollAccept(cx)
	if !done {
		return rt.Tuple2[*UnixStream, error]{}, false
	}
	if err != nil {
		return rt.Tuple2[*UnixStream, error]{V1: err}, true
	}
	return rt.Tuple2[*UnixStream, error]{V0: newUnixStream(f.acceptedFD(nfd, reg))}, true
}

func (f *unixAcceptFuture) Cancel() { f.cancelAccept() }

type unixNetAcceptFuture UnixListener

func (f *unixNetAcceptFuture) Poll(cx *rt.Context) (rt.Tuple2[net.Conn, error], bool) {
	out, ok := (*unixAcceptFuture)(f).Poll(cx)
	if !ok || out.V1 != nil {
		return rt.Tuple2[net.Conn, error]{V1: out.V1}, ok
	}
	return rt.Tuple2[net.Conn, error]{V0: out.V0}, true
}

func (f *unixNetAcceptFuture) Cancel() { f.cancelAccept() }

// DialUnix connects to the Unix stream socket at path (direct mode of
// DialUnixAsync).
func DialUnix(path string) (*UnixStream, error) {
	out := await(DialUnixAsync(path), "DialUnix")
	return out.V0, out.V1
}

// DialUnixAsync returns a future of DialUnix's results; the socket registers
// with the driver of the runtime polling it.
func DialUnixAsync(path string) rt.Future[rt.Tuple2[*UnixStream, error]] {
	t := target{network: "unix", sas: []unix.Sockaddr{&unix.SockaddrUnix{Name: path}}}
	return &dialFuture[*UnixStream]{t: t, sotype: unix.SOCK_STREAM, address: path, mk: newUnixStream}
}

// UnixDatagram is a Unix datagram socket (a net.PacketConn in plain Go).
type UnixDatagram struct {
	dgram
}

var _ net.PacketConn = (*UnixDatagram)(nil)

// ListenUnixgram opens a Unix datagram socket bound to path ("" for an
// unbound one, which can send but not be answered), registered with the
// process default driver (ListenUnixgramAsync: the running runtime's).
func ListenUnixgram(path string) (*UnixDatagram, error) { return listenUnixgram(path, nil) }

// ListenUnixgramAsync returns a future, ready at its first poll, of
// ListenUnixgram's results.
func ListenUnixgramAsync(path string) rt.Future[rt.Tuple2[*UnixDatagram, error]] {
	return rt.PollFunc(func(cx *rt.Context) (rt.Tuple2[*UnixDatagram, error], bool) {
		d, err := listenUnixgram(path, cx)
		return rt.Tuple2[*UnixDatagram, error]{V0: d, V1: err}, true
	})
}

func listenUnixgram(path string, cx *rt.Context) (*UnixDatagram, error) {
	if !supported {
		return nil, opError("listen", "unixgram", nil, nil, errUnsupported)
	}
	if path == "" {
		s, err := sysSocket(unix.AF_UNIX, unix.SOCK_DGRAM)
		if err != nil {
			return nil, opError("listen", "unixgram", nil, nil, wrapSyscall("socket", err))
		}
		reg, err := register(cx, s)
		if err != nil {
			unix.Close(s)
			return nil, opError("listen", "unixgram", nil, nil, err)
		}
		return &UnixDatagram{dgram{newFD(s, reg, unix.AF_UNIX, unix.SOCK_DGRAM, "unixgram")}}, nil
	}
	var lc ListenConfig
	fd, err := listenFD(&unix.SockaddrUnix{Name: path}, unix.SOCK_DGRAM, "unixgram", &lc, cx)
	if err != nil {
		return nil, opError("listen", "unixgram", nil, &net.UnixAddr{Name: path, Net: "unixgram"}, err)
	}
	return &UnixDatagram{dgram{fd}}, nil
}

// Connect fixes the socket's peer to the socket at path: Send and Recv then
// talk to it. It never waits.
func (d *UnixDatagram) Connect(path string) error {
	return d.connect(&unix.SockaddrUnix{Name: path}, &net.UnixAddr{Name: path, Net: "unixgram"})
}
