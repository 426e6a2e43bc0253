package netx

import "github.com/corio-go/corio/rt"

// Trace methods of the package's futures (see rt.Tracer): the socket
// operation a task waits in, "netx.(*TCPStream).Read (fd 12, waiting
// readable)". They read what the pending operation's poller owns (its
// kind, the back-off state) and what never changes (the descriptor, the
// socket's network).

// opNames names the operations, by opKind, as the methods users call.
var opNames = [...]string{
	opRead:       "Read",
	opReadFull:   "ReadFull",
	opReadPooled: "ReadPooled",
	opWrite:      "Write",
	opRecvFrom:   "RecvFrom",
	opSendTo:     "SendTo",
	opAccept:     "Accept",
	opConnect:    "Connect",
	opReady:      "Readable",
}

// trace is the Trace of direction dir's operation.
func (fd *netFD) trace(dir rt.Direction) rt.Trace {
	k := fd.kind(dir)
	op := opNames[k]
	if k == opReady && dir == rt.DirWrite {
		op = "Writable"
	}
	return fd.reg.TraceWait("netx.(*"+fd.id.typeName(k == opAccept)+")."+op, dir)
}

// typeName is the exported type of a socket of this network, or of its
// listener.
func (id sockID) typeName(listener bool) string {
	switch n := id.network(); {
	case n == "unixgram":
		return "UnixDatagram"
	case n == "unix" && listener:
		return "UnixListener"
	case n == "unix":
		return "UnixStream"
	case isUDP(n):
		return "UDPConn"
	case listener:
		return "TCPListener"
	}
	return "TCPStream"
}

// Trace implements rt.Tracer.
func (f *readFuture) Trace() rt.Trace { return (*netFD)(f).trace(rt.DirRead) }

// Trace implements rt.Tracer.
func (f *writeFuture) Trace() rt.Trace { return (*netFD)(f).trace(rt.DirWrite) }

// Trace implements rt.Tracer.
func (f *readPooledFuture) Trace() rt.Trace { return (*netFD)(f).trace(rt.DirRead) }

// Trace implements rt.Tracer.
func (f *readableFuture) Trace() rt.Trace { return (*netFD)(f).trace(rt.DirRead) }

// Trace implements rt.Tracer.
func (f *writableFuture) Trace() rt.Trace { return (*netFD)(f).trace(rt.DirWrite) }

// Trace implements rt.Tracer.
func (f *recvFromFuture) Trace() rt.Trace { return (*netFD)(f).trace(rt.DirRead) }

// Trace implements rt.Tracer.
func (f *recvFuture) Trace() rt.Trace { return (*netFD)(f).trace(rt.DirRead) }

// Trace implements rt.Tracer: the listening socket, or the back-off while
// the process is out of descriptors.
func (f *tcpAcceptFuture) Trace() rt.Trace { return f.listener.trace() }

// Trace implements rt.Tracer; see tcpAcceptFuture.Trace.
func (f *tcpNetAcceptFuture) Trace() rt.Trace { return f.listener.trace() }

// Trace implements rt.Tracer; see tcpAcceptFuture.Trace.
func (f *unixAcceptFuture) Trace() rt.Trace { return f.listener.trace() }

// Trace implements rt.Tracer; see tcpAcceptFuture.Trace.
func (f *unixNetAcceptFuture) Trace() rt.Trace { return f.listener.trace() }

func (l *listener) trace() rt.Trace {
	t := l.fd.trace(rt.DirRead)
	if l.backoff.armed {
		t.Detail += ", backing off: out of descriptors"
	}
	return t
}

// Trace implements rt.Tracer: the name being resolved or the address being
// connected to.
func (f *dialFuture[T]) Trace() rt.Trace {
	if f.connecting {
		t := f.fd.trace(rt.DirWrite)
		t.Func, t.Detail = "netx.Dial", f.t.network+" "+f.address+", "+t.Detail
		return t
	}
	return f.res.trace("netx.Dial", &f.t)
}

// Trace implements rt.Tracer: the dial with its deadline (the rt.Timeout
// it runs, which awaits the dial itself).
func (d *dialTimeout[T]) Trace() rt.Trace {
	return rt.Trace{Func: "netx.DialTimeout", Detail: d.network + " " + d.address, Awaiting: d.f}
}

// Trace implements rt.Tracer: the name being resolved.
func (f *listenFuture[T]) Trace() rt.Trace { return f.res.trace("netx.Listen", &f.t) }

// Trace implements rt.Tracer: the name being resolved.
func (f *udpConnectFuture) Trace() rt.Trace {
	return f.res.trace("netx.(*UDPConn).Connect", &f.t)
}

// trace is the Trace of fn while it resolves t's host on the blocking pool
// (awaiting the lookup's join), or has nothing to wait for.
func (r *resolving) trace(fn string, t *target) rt.Trace {
	tr := rt.Trace{Func: fn, Detail: t.network + " " + t.host + ":" + t.port}
	if r.jf != nil {
		tr.Detail = "resolving " + tr.Detail
		tr.Awaiting = r.jf
	}
	return tr
}

// Trace implements rt.Tracer: both directions of the copy, the first still
// running as the one awaited.
func (f *bidiFuture) Trace() rt.Trace {
	t := rt.Trace{Func: "netx.CopyBidirectional"}
	switch {
	case f.ab != nil:
		t.Awaiting = f.ab
	case f.ba != nil:
		t.Awaiting = f.ba
	}
	return t
}
