package netx

import (
	"errors"
	"io"
	"net"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"

	"github.com/corio-go/corio/rt"
	"golang.org/x/sys/unix"
)

// ErrWouldBlock is returned by TryRead, TryWrite and the other Try
// operations when the operation would have to wait.
var ErrWouldBlock = errors.New("corio/netx: operation would block")

// errClosing is what an attempt finds on a socket that Close has started to
// close; opErr turns it into net.ErrClosed.
var errClosing = errors.New("use of closed network connection")

// netFD is one non-blocking socket registered with a driver: the state every
// socket type shares. A stream socket (TCPStream, UnixStream, and the halves
// Split returns) is its netFD under another name, so a connection is one
// allocation; a listener holds it by pointer, and a datagram socket's is the
// first field of a dgramFD.
//
// Its size is what an idle connection costs, so it is packed into 64 bytes,
// a size class: the registration is a 16-byte handle (the readiness and the
// waiters live in the driver's slot pages), the descriptor is read from it,
// the close/reference word is 32 bits, beside it one byte holds the
// network, family and type and one byte per direction the kind of its
// pending operation, and each direction's operation (its buffer and counts)
// is 16 bytes; what only some sockets use (the blocking calls' locks, the
// deadlines, the addresses) is out of line behind one pointer, allocated at
// its first use. An operation's future is the netFD under a type of the
// direction's (readFuture, writeFuture, …), so it needs no field to find its
// socket or to say its direction. The close-when-lost hook is a finalizer
// (no handle, no closure; see newFD).
type netFD struct {
	reg rt.Registration // immutable; embedded (two pointers) rather than pointed at; holds the descriptor

	// side is nil until a blocking call, a deadline or an address needs it.
	side atomic.Pointer[fdSide]

	// state is the closed bit (1) plus twice the number of counted
	// syscalls in progress: the descriptor is closed when both say so,
	// never while a syscall may still use its number. Syscalls inside a
	// poll on a multi-thread worker are not counted: they check the closed
	// bit, and the close waits for their polls (rt.CloseAfterPolls). The
	// race detector's build also keeps the pending flags in its top bits
	// (stateWaiting; see race.go).
	state atomic.Uint32

	id sockID // immutable: the network, address family and type

	// hdr is, indexed by rt.Direction, the kind of the direction's
	// operation (opKind) and, outside the race detector's build, its
	// pending flag (hdrWaiting). Each direction's byte is written only by
	// the task that owns the direction's operation, so the halves of a
	// Split stream never write the same byte.
	hdr [2]uint8

	ops [2]ioFuture // indexed by rt.Direction: reading (also accept), writing (also connect)
}

// fdSide is the part of a socket that an async server's idle connection
// never uses, kept out of line so that it costs such a connection one
// pointer.
type fdSide struct {
	// mu, indexed by rt.Direction, is held by a blocking (direct-mode)
	// call for its whole wait, which serialises the blocking calls of a
	// direction as net's fd mutex does.
	mu [2]sync.Mutex

	addrs atomic.Pointer[addrPair] // the local and remote addresses, looked up once

	// dls holds both directions' deadlines (indexed by rt.Direction); nil
	// until a deadline is first set.
	dls atomic.Pointer[[2]deadline]
}

type addrPair struct{ local, remote net.Addr }

// sides returns fd's side state, allocating it at first use.
func (fd *netFD) sides() *fdSide {
	if s := fd.side.Load(); s != nil {
		return s
	}
	fd.side.CompareAndSwap(nil, new(fdSide))
	return fd.side.Load()
}

// lock takes direction dir's blocking-call lock and returns it, for the
// caller to unlock.
func (fd *netFD) lock(dir rt.Direction) *sync.Mutex {
	mu := &fd.sides().mu[dir]
	mu.Lock()
	return mu
}

// dgramFD is a datagram socket's state: a netFD and the destination of its
// pending SendTo, which no stream needs.
type dgramFD struct {
	netFD
	dst unix.Sockaddr // owned by the pending SendTo; nil otherwise
}

// dgram returns the dgramFD fd is the first field of; only for datagram
// sockets (newFD allocates theirs as one).
func (fd *netFD) dgram() *dgramFD {
	if fd.sotype() != unix.SOCK_DGRAM {
		panic("corio/netx: datagram operation on a stream socket")
	}
	return (*dgramFD)(unsafe.Pointer(fd))
}

func newFD(fd int, reg rt.Registration, family, sotype int, network string) *netFD {
	f := newFDLostOpen(fd, reg, family, sotype, network)
	// The close-when-lost hook is on the netFD, which every pending
	// operation reaches (a task waiting on the socket is reachable from the
	// poller through its waker), and which is the whole allocation of a
	// stream (a datagram socket's begins with it).
	//
	// It is a finalizer rather than a runtime.AddCleanup: a cleanup costs
	// 48 bytes per socket (its 16-byte handle, kept for Stop, and the 32
	// bytes of its argument and closure) where a finalizer on a method
	// costs nothing on the heap. What a finalizer asks in return is that
	// the netFD be in no reference cycle once it is lost: nothing it points
	// to may lead back to it. Its waiters are the only such paths, and none
	// survives the operation: the poller's and the deadline's waker are
	// forgotten when an operation completes or is cancelled, and the
	// deadline's timer is zeroed then (deadline.release).
	//
	// Either way the Go runtime keeps a record off the heap (56 bytes for a
	// finalizer with Go 1.26; about 55 B of RSS per idle connection
	// measured on examples/echo), which ListenConfig.NoCloseWhenLost saves
	// a server's accepted connections.
	runtime.SetFinalizer(f, (*netFD).closeLost)
	return f
}

// newFDLostOpen is newFD without the close-when-lost hook: a netFD that
// becomes unreachable without Close keeps its descriptor and its
// registration until the process exits.
func newFDLostOpen(fd int, reg rt.Registration, family, sotype int, network string) *netFD {
	var f *netFD
	if sotype == unix.SOCK_DGRAM {
		f = &new(dgramFD).netFD
	} else {
		f = new(netFD)
	}
	if reg.Fd() != fd {
		panic("corio/netx: registration of another descriptor")
	}
	f.reg = reg
	f.id = sockIDOf(family, sotype, network)
	return f
}

// sockID is a socket's network, address family and type in one byte, where
// a string and two ints would cost a word of every socket: bits 0-3 index
// networks, bits 4-5 index families, and bit 6 is set for a datagram
// socket.
type sockID uint8

const sockDgram sockID = 1 << 6

var (
	networks = [...]string{"tcp", "tcp4", "tcp6", "udp", "udp4", "udp6", "unix", "unixgram"}
	families = [...]int{unix.AF_INET, unix.AF_INET6, unix.AF_UNIX}
)

func sockIDOf(family, sotype int, network string) sockID {
	for i, n := range networks {
		if n != network {
			continue
		}
		for j, f := range families {
			if f == family {
				id := sockID(i | j<<4)
				switch {
				case sotype == unix.SOCK_DGRAM && (isUDP(network) || network == "unixgram"):
					return id | sockDgram
				case sotype == unix.SOCK_STREAM && !isUDP(network) && network != "unixgram":
					return id
				}
				panic("corio/netx: socket type " + strconv.Itoa(sotype) + " for network " + network)
			}
		}
		panic("corio/netx: unknown address family " + strconv.Itoa(family))
	}
	panic("corio/netx: unknown network " + network)
}

func (id sockID) network() string { return networks[id&15] }
func (id sockID) family() int     { return families[id>>4&3] }

func (id sockID) sotype() int {
	if id&sockDgram != 0 {
		return unix.SOCK_DGRAM
	}
	return unix.SOCK_STREAM
}

// network returns the socket's network name, as net spells it.
func (fd *netFD) network() string { return fd.id.network() }

// sysfd returns the socket's descriptor.
func (fd *netFD) sysfd() int { return fd.reg.Fd() }

// family returns the socket's address family: unix.AF_INET, AF_INET6 or
// AF_UNIX.
func (fd *netFD) family() int { return fd.id.family() }

// sotype returns the socket's type: unix.SOCK_STREAM or SOCK_DGRAM.
func (fd *netFD) sotype() int { return fd.id.sotype() }

// closeLost deregisters and closes the descriptor of a netFD that became
// unreachable without Close (a dropped socket, or one whose task a runtime
// shutdown cancelled): nothing can use it any more.
func (fd *netFD) closeLost() {
	fd.reg.Deregister()
	unix.Close(fd.sysfd())
}

// incref admits one syscall; false once Close has started.
func (fd *netFD) incref() bool {
	for {
		s := fd.state.Load()
		if s&1 != 0 {
			return false
		}
		if fd.state.CompareAndSwap(s, s+2) {
			return true
		}
	}
}

// decref ends a syscall; the last one after Close closes the descriptor,
// once the polls of multi-thread workers that may have seen the socket open
// have returned (rt.CloseAfterPolls: their syscalls hold no reference).
func (fd *netFD) decref() {
	if fd.state.Add(^uint32(1))&^stateWaiting == 1 {
		rt.CloseAfterPolls(fd.sysfd())
	}
}

// Close deregisters and closes the socket, waking every pending operation.
// A second Close returns net.ErrClosed.
func (fd *netFD) Close() error {
	for {
		s := fd.state.Load()
		if s&1 != 0 {
			return fd.opErr("close", errClosing)
		}
		// Take a reference of our own while deregistering, so that a
		// syscall finishing meanwhile cannot close the descriptor before
		// it is deregistered.
		if fd.state.CompareAndSwap(s, (s|1)+2) {
			break
		}
	}
	runtime.SetFinalizer(fd, nil)
	fd.reg.Deregister()
	fd.wakeDeadlines()
	fd.decref()
	return nil
}

func (fd *netFD) closed() bool { return fd.state.Load()&1 != 0 }

// sysErr runs one syscall under a reference.
func (fd *netFD) sysErr(f func(int) error) error {
	if !fd.incref() {
		return errClosing
	}
	defer fd.decref()
	return f(fd.sysfd())
}

// addresses returns the local and remote addresses, looked up at first use.
func (fd *netFD) addresses() *addrPair {
	side := fd.sides()
	if p := side.addrs.Load(); p != nil {
		return p
	}
	p := &addrPair{}
	fd.sysErr(func(s int) error {
		if sa, err := unix.Getsockname(s); err == nil {
			p.local = sockaddrToAddr(fd.network(), sa)
		}
		if sa, err := unix.Getpeername(s); err == nil {
			p.remote = sockaddrToAddr(fd.network(), sa)
		}
		return nil
	})
	if p.local == nil && p.remote == nil {
		return p // closed, or not bound yet: do not cache
	}
	side.addrs.CompareAndSwap(nil, p)
	return side.addrs.Load()
}

func (fd *netFD) localAddr() net.Addr  { return fd.addresses().local }
func (fd *netFD) remoteAddr() net.Addr { return fd.addresses().remote }

// opErr wraps err in net's shape for operation op.
func (fd *netFD) opErr(op string, err error) error {
	if err == nil {
		return nil // inlined: every completed read and write comes here
	}
	return fd.opErrOf(op, err)
}

// opErrOf is opErr for a non-nil err.
func (fd *netFD) opErrOf(op string, err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return err // bare, as io.ReadFull returns them
	}
	var src, dst net.Addr
	if !fd.closed() {
		p := fd.addresses()
		src, dst = p.local, p.remote
		if op == "accept" || op == "listen" {
			src, dst = nil, p.local
		}
	}
	return opError(op, fd.network(), src, dst, err)
}

func opError(op, network string, src, dst net.Addr, err error) error {
	switch {
	case err == errClosing || errors.Is(err, rt.ErrDeregistered):
		err = net.ErrClosed
	case err == os.ErrDeadlineExceeded || err == ErrWouldBlock:
	default:
		var errno syscall.Errno
		if errors.As(err, &errno) && !isSyscallError(err) {
			err = os.NewSyscallError(syscallName(op), errno)
		}
	}
	return &net.OpError{Op: op, Net: network, Source: src, Addr: dst, Err: err}
}

func isSyscallError(err error) bool {
	var se *os.SyscallError
	return errors.As(err, &se)
}

func syscallName(op string) string {
	switch op {
	case "read":
		return "read"
	case "write":
		return "write"
	case "accept":
		return "accept4"
	case "dial":
		return "connect"
	case "listen":
		return "listen"
	case "close":
		return "close"
	}
	return op
}

// sockaddrToAddr converts a kernel address to net's type for network.
func sockaddrToAddr(network string, sa unix.Sockaddr) net.Addr {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		ip := net.IP(append([]byte(nil), sa.Addr[:]...))
		if isUDP(network) {
			return &net.UDPAddr{IP: ip, Port: sa.Port}
		}
		return &net.TCPAddr{IP: ip, Port: sa.Port}
	case *unix.SockaddrInet6:
		ip := net.IP(append([]byte(nil), sa.Addr[:]...))
		zone := zoneName(int(sa.ZoneId))
		if isUDP(network) {
			return &net.UDPAddr{IP: ip, Port: sa.Port, Zone: zone}
		}
		return &net.TCPAddr{IP: ip, Port: sa.Port, Zone: zone}
	case *unix.SockaddrUnix:
		return &net.UnixAddr{Name: sa.Name, Net: network}
	}
	return nil
}

func zoneName(id int) string {
	if id == 0 {
		return ""
	}
	if ifi, err := net.InterfaceByIndex(id); err == nil {
		return ifi.Name
	}
	return ""
}

func isUDP(network string) bool {
	return network == "udp" || network == "udp4" || network == "udp6"
}

// setsockoptInt sets an integer socket option under a reference.
func (fd *netFD) setsockoptInt(op string, level, opt, v int) error {
	err := fd.sysErr(func(s int) error { return unix.SetsockoptInt(s, level, opt, v) })
	if err != nil {
		return fd.opErr(op, wrapSyscall("setsockopt", err))
	}
	return nil
}

func wrapSyscall(name string, err error) error {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return os.NewSyscallError(name, errno)
	}
	return err
}

func boolint(b bool) int {
	if b {
		return 1
	}
	return 0
}
