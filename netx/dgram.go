package netx

import (
	"net"
	"net/netip"
	"time"

	"github.com/corio-go/corio/rt"
	"golang.org/x/sys/unix"
)

// dgram is a datagram socket; UDPConn and UnixDatagram share its methods.
type dgram struct{ fd *netFD }

// SendTo sends b as one datagram to addr (a *net.UDPAddr for UDP, a
// *net.UnixAddr for Unix datagrams), waiting while the send buffer is full
// (direct mode of SendToAsync).
func (d *dgram) SendTo(b []byte, addr net.Addr) (int, error) {
	defer d.fd.lock(rt.DirWrite).Unlock()
	out := await(d.SendToAsync(b, addr), "SendTo")
	return out.V0, out.V1
}

// SendToAsync returns a future of SendTo's results. It spends one budget
// unit per poll.
func (d *dgram) SendToAsync(b []byte, addr net.Addr) rt.Future[rt.Tuple2[int, error]] {
	sa, err := d.fd.sockaddrOf(addr)
	if err != nil {
		return rt.Ready(rt.Tuple2[int, error]{V1: opError("write", d.fd.network(), d.fd.localAddr(), addr, err)})
	}
	if len(b) > maxOpLen {
		return rt.Ready(rt.Tuple2[int, error]{V1: d.fd.opErr("write", wrapSyscall("sendmsg", unix.EMSGSIZE))})
	}
	f := d.fd.start(rt.DirWrite, opSendTo, b)
	d.fd.dgram().dst = sa
	return (*writeFuture)(f)
}

// WriteTo is SendTo, for net.PacketConn (direct mode of WriteToAsync).
func (d *dgram) WriteTo(b []byte, addr net.Addr) (int, error) { return d.SendTo(b, addr) }

// WriteToAsync is SendToAsync.
func (d *dgram) WriteToAsync(b []byte, addr net.Addr) rt.Future[rt.Tuple2[int, error]] {
	return d.SendToAsync(b, addr)
}

// Send sends b as one datagram to the connected peer (see Connect); direct
// mode of SendAsync.
func (d *dgram) Send(b []byte) (int, error) {
	defer d.fd.lock(rt.DirWrite).Unlock()
	out := await(d.SendAsync(b), "Send")
	return out.V0, out.V1
}

// SendAsync returns a future of Send's results.
func (d *dgram) SendAsync(b []byte) rt.Future[rt.Tuple2[int, error]] {
	if len(b) > maxOpLen {
		return rt.Ready(rt.Tuple2[int, error]{V1: d.fd.opErr("write", wrapSyscall("sendmsg", unix.EMSGSIZE))})
	}
	return (*writeFuture)(d.fd.start(rt.DirWrite, opSendTo, b))
}

// RecvFrom waits for one datagram, copies it into b (truncating it if b is
// short, as recvfrom(2)) and returns its length and sender (direct mode of
// RecvFromAsync).
func (d *dgram) RecvFrom(b []byte) (int, net.Addr, error) {
	defer d.fd.lock(rt.DirRead).Unlock()
	out := await(d.RecvFromAsync(b), "RecvFrom")
	return out.V0, out.V1, out.V2
}

// RecvFromAsync returns a future of RecvFrom's results. It spends one budget
// unit per poll; cancelling it receives nothing.
func (d *dgram) RecvFromAsync(b []byte) rt.Future[rt.Tuple3[int, net.Addr, error]] {
	return (*recvFromFuture)(d.fd.start(rt.DirRead, opRecvFrom, b))
}

// ReadFrom is RecvFrom, for net.PacketConn (direct mode of ReadFromAsync).
func (d *dgram) ReadFrom(b []byte) (int, net.Addr, error) { return d.RecvFrom(b) }

// ReadFromAsync is RecvFromAsync.
func (d *dgram) ReadFromAsync(b []byte) rt.Future[rt.Tuple3[int, net.Addr, error]] {
	return d.RecvFromAsync(b)
}

// Recv waits for one datagram from the connected peer and copies it into b
// (direct mode of RecvAsync).
func (d *dgram) Recv(b []byte) (int, error) {
	defer d.fd.lock(rt.DirRead).Unlock()
	out := await(d.RecvAsync(b), "Recv")
	return out.V0, out.V1
}

// RecvAsync returns a future of Recv's results.
func (d *dgram) RecvAsync(b []byte) rt.Future[rt.Tuple2[int, error]] {
	return (*recvFuture)(d.fd.start(rt.DirRead, opRecvFrom, b))
}

// Close closes the socket; pending operations return errors wrapping
// net.ErrClosed, and so does a second Close.
func (d *dgram) Close() error { return d.fd.Close() }

// LocalAddr returns the socket's local address.
func (d *dgram) LocalAddr() net.Addr { return d.fd.localAddr() }

// RemoteAddr returns the connected peer's address, or nil.
func (d *dgram) RemoteAddr() net.Addr { return d.fd.remoteAddr() }

// SetReadDeadline sets the deadline of pending and future receives.
func (d *dgram) SetReadDeadline(t time.Time) error { return (*reader)(d.fd).SetReadDeadline(t) }

// SetWriteDeadline sets the deadline of pending and future sends.
func (d *dgram) SetWriteDeadline(t time.Time) error { return (*writer)(d.fd).SetWriteDeadline(t) }

// SetDeadline sets both deadlines.
func (d *dgram) SetDeadline(t time.Time) error {
	if err := d.SetReadDeadline(t); err != nil {
		return err
	}
	return d.SetWriteDeadline(t)
}

// connect fixes the socket's peer, sa (addr in net's form): Send and Recv
// then talk to it only. Its error is net's Dial's: a *net.OpError naming
// the local address and addr.
func (d *dgram) connect(sa unix.Sockaddr, addr net.Addr) error {
	err := d.fd.sysErr(func(s int) error { return unix.Connect(s, sa) })
	if err != nil {
		var local net.Addr
		if err != errClosing {
			local = d.fd.localAddr()
			if ua, ok := local.(*net.UnixAddr); ok && (ua.Name == "" || ua.Name == "@") {
				local = nil // an unbound Unix socket: no name to show
			}
		}
		return opError("dial", d.fd.network(), local, addr, wrapSyscall("connect", err))
	}
	d.fd.sides().addrs.Store(nil) // now it has a remote address
	return nil
}

type recvFromFuture netFD // the reading direction: RecvFrom

func (f *recvFromFuture) Poll(cx *rt.Context) (rt.Tuple3[int, net.Addr, error], bool) {
	fd := (*netFD)(f)
	done, err := fd.poll(cx, rt.DirRead)
	if !done {
		return rt.Tuple3[int, net.Addr, error]{}, false
	}
	g := fd.op(rt.DirRead)
	from := g.sender(fd)
	g.p = nil
	return rt.Tuple3[int, net.Addr, error]{V0: int(g.n), V1: from, V2: fd.opErr("read", err)}, true
}

func (f *recvFromFuture) Cancel() { (*netFD)(f).cancel(rt.DirRead) }

type recvFuture netFD // the reading direction: Recv

func (f *recvFuture) Poll(cx *rt.Context) (rt.Tuple2[int, error], bool) {
	fd := (*netFD)(f)
	done, err := fd.poll(cx, rt.DirRead)
	if !done {
		return rt.Tuple2[int, error]{}, false
	}
	g := fd.op(rt.DirRead)
	g.p = nil // the sender, which Recv does not return
	return rt.Tuple2[int, error]{V0: int(g.n), V1: fd.opErr("read", err)}, true
}

func (f *recvFuture) Cancel() { (*netFD)(f).cancel(rt.DirRead) }

// sockaddrOf converts addr for this socket: an IPv4 address becomes
// v4-mapped on a dual-stack IPv6 socket.
func (fd *netFD) sockaddrOf(addr net.Addr) (unix.Sockaddr, error) {
	switch a := addr.(type) {
	case *net.UDPAddr:
		ip, ok := netip.AddrFromSlice(a.IP)
		if !ok {
			return nil, &net.AddrError{Err: "invalid IP address", Addr: a.String()}
		}
		ip = ip.WithZone(a.Zone)
		if fd.family() == unix.AF_INET6 && ip.Unmap().Is4() {
			ip = netip.AddrFrom16(ip.Unmap().As16())
		}
		network := fd.network()
		if fd.family() == unix.AF_INET6 {
			network = "udp6"
		}
		return sockaddrFor(network, ip, a.Port)
	case *net.UnixAddr:
		return &unix.SockaddrUnix{Name: a.Name}, nil
	case nil:
		return nil, errMissingAddress
	}
	return nil, &net.AddrError{Err: "unexpected address type", Addr: addr.String()}
}

var errMissingAddress = &net.AddrError{Err: "missing address"}

// UDPConn is a UDP socket. In plain Go it is a net.PacketConn.
type UDPConn struct {
	dgram
}

var _ net.PacketConn = (*UDPConn)(nil)

// ListenUDP opens a UDP socket bound to address ("host:port"; an empty host
// or port 0 mean any) on network "udp", "udp4" or "udp6", registered with
// the process default driver (ListenUDPAsync: the running runtime's).
func ListenUDP(network, address string) (*UDPConn, error) {
	t, err := listenTarget(network, address, "udp", true)
	if err != nil {
		return nil, opError("listen", network, nil, nil, err)
	}
	return listenUDP(t, nil)
}

// ListenUDPAsync returns a future of ListenUDP's results that registers the
// socket with the driver of the runtime polling it; a host name is resolved
// on the blocking pool.
func ListenUDPAsync(network, address string) rt.Future[rt.Tuple2[*UDPConn, error]] {
	t, err := listenTarget(network, address, "udp", false)
	return &listenFuture[*UDPConn]{t: t, err: err, mk: listenUDP}
}

func listenUDP(t target, cx *rt.Context) (*UDPConn, error) {
	if !supported {
		return nil, opError("listen", t.network, nil, nil, errUnsupported)
	}
	var lc ListenConfig
	fd, err := listenFD(t.sas[0], unix.SOCK_DGRAM, t.network, &lc, cx)
	if err != nil {
		return nil, opError("listen", t.network, nil, sockaddrToAddr(t.network, t.sas[0]), err)
	}
	return &UDPConn{dgram{fd}}, nil
}

// Connect fixes the socket's peer to address ("host:port"): Send and Recv
// then talk to it, and datagrams from elsewhere are dropped. A host name is
// resolved first, on rt's blocking pool (direct mode of ConnectAsync).
func (c *UDPConn) Connect(address string) error {
	return await(c.ConnectAsync(address), "Connect")
}

// ConnectAsync returns a future of Connect's result.
func (c *UDPConn) ConnectAsync(address string) rt.Future[error] {
	t, err := parseTarget(c.fd.network(), address, false)
	return &udpConnectFuture{c: c, t: t, err: err}
}

type udpConnectFuture struct {
	c   *UDPConn
	t   target
	err error
	res resolving
}

func (f *udpConnectFuture) Poll(cx *rt.Context) (error, bool) {
	if f.err == nil {
		done, err := f.res.poll(cx, &f.t)
		if !done {
			return nil, false
		}
		f.err = err
	}
	if f.err != nil {
		return opError("dial", f.t.network, nil, nil, f.err), true
	}
	var last error
	for _, sa := range f.t.sas {
		ua := sockaddrToAddr("udp", sa)
		sa, err := f.c.fd.sockaddrOf(ua)
		if err != nil {
			last = opError("dial", f.t.network, nil, ua, err)
			continue
		}
		if last = f.c.connect(sa, ua); last == nil { // already net's shape
			return nil, true
		}
	}
	return last, true
}

func (f *udpConnectFuture) Cancel() { f.res.cancel() }
