package main

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"unsafe"

	"github.com/corio-go/corio/rt"
)

// A prototype echo server written straight on rt's readiness API (the API
// netx is built on and that third parties get too), to price changes to
// netx's read path before anyone makes them. Its handler is a hand-written
// future doing what examples/echo's ReadPooled loop does — wait for
// readability holding no buffer, borrow a pooled 4 KiB buffer, read, write
// the bytes back, return the buffer — with three switches:
//
//   - tryFirst: read before looking at the readiness snapshot, and wait only
//     after EAGAIN, as rt.Registration.PollIO does, and netx did before its
//     reads learned to skip the syscall (commit 6040b95). After a successful
//     read the snapshot still says readable, so the next read finds nothing:
//     three syscalls per request.
//   - shortClear: after a read shorter than the buffer, clear the read
//     readiness (with the snapshot taken before the read, so readiness that
//     arrived meanwhile is kept), as Tokio does for TCP streams; with the
//     readiness looked at before reading, the next wait costs no syscall.
//   - raw: read and write with syscall.RawSyscall instead of syscall.Syscall,
//     skipping the Go runtime's entersyscall/exitsyscall (a non-blocking
//     socket never blocks in the kernel).
//
// It serves IPv4 loopback only and has no deadlines, no direct mode and no
// error shapes: it measures a read path, it is not a socket library.
type protoOpts struct {
	tryFirst, shortClear, raw bool
}

// protoVariants are the servers echobench knows by name.
var protoVariants = map[string]protoOpts{
	"proto":           {tryFirst: true},              // netx's read path today
	"proto-short":     {shortClear: true},            // readiness first, cleared after a short read
	"proto-short-raw": {shortClear: true, raw: true}, // and RawSyscall
	"proto-raw":       {tryFirst: true, raw: true},   // today's path with RawSyscall only
}

const protoBufSize = 4096

var protoPool = sync.Pool{New: func() any { b := make([]byte, protoBufSize); return &b }}

func (o protoOpts) read(fd int, b []byte) (int, error) {
	if !o.raw {
		return syscall.Read(fd, b)
	}
	return rawIO(syscall.SYS_READ, fd, b)
}

func (o protoOpts) write(fd int, b []byte) (int, error) {
	if !o.raw {
		return syscall.Write(fd, b)
	}
	return rawIO(syscall.SYS_WRITE, fd, b)
}

// rawIO is read or write (trap) through RawSyscall.
func rawIO(trap uintptr, fd int, b []byte) (int, error) {
	n, _, e := syscall.RawSyscall(trap, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
	if e != 0 {
		return -1, e
	}
	return int(n), nil
}

// protoServe runs the prototype on addr (an IPv4 address) on a multi-thread
// runtime until SIGINT or SIGTERM.
func protoServe(addr string, o protoOpts) error {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil || !ap.Addr().Is4() {
		return fmt.Errorf("prototype server: %q is not an IPv4 address and port", addr)
	}
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer syscall.Close(fd)
	if err := syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1); err != nil {
		return err
	}
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Port: int(ap.Port()), Addr: ap.Addr().As4()}); err != nil {
		return err
	}
	if err := syscall.Listen(fd, 4096); err != nil {
		return err
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	r := rt.NewMultiThread()
	defer r.Shutdown()
	lf := &protoAccept{fd: fd, o: o}
	lf.op = lf.accept
	rt.SpawnOn(r, lf)
	<-sigs
	return nil
}

// protoAccept accepts connections and spawns an echo task for each.
type protoAccept struct {
	fd  int
	o   protoOpts
	reg *rt.Registration
	nfd int
	op  func() error // lf.accept, made once
}

func (f *protoAccept) accept() error {
	nfd, _, err := syscall.Accept4(f.fd, syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC)
	f.nfd = nfd
	return err
}

func (f *protoAccept) Poll(cx *rt.Context) (struct{}, bool) {
	if f.reg == nil {
		out, _ := rt.RegisterAsync(f.fd).Poll(cx) // ready at once, on this runtime's driver
		if out.V1 != nil {
			fmt.Fprintln(os.Stderr, "echobench: prototype: register listener:", out.V1)
			return struct{}{}, true
		}
		f.reg = out.V0
	}
	for {
		done, err := f.reg.PollIO(cx, rt.DirRead, f.op)
		if !done {
			return struct{}{}, false
		}
		if err != nil {
			if errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) || errors.Is(err, syscall.ECONNABORTED) {
				continue
			}
			fmt.Fprintln(os.Stderr, "echobench: prototype: accept:", err)
			return struct{}{}, true
		}
		syscall.SetsockoptInt(f.nfd, syscall.IPPROTO_TCP, syscall.TCP_NODELAY, 1)
		out, _ := rt.RegisterAsync(f.nfd).Poll(cx)
		if out.V1 != nil {
			syscall.Close(f.nfd)
			continue
		}
		e := &protoEcho{fd: f.nfd, reg: out.V0, o: f.o}
		e.wop = e.writeOp
		rt.Spawn[struct{}](e)
	}
}

// protoEcho is one connection's echo loop.
type protoEcho struct {
	fd   int
	reg  *rt.Registration
	o    protoOpts
	buf  *[]byte // borrowed from protoPool while a reply is being written
	out  []byte  // the rest of the reply still to write
	wop  func() error
	done bool
}

func (f *protoEcho) writeOp() error {
	for len(f.out) > 0 {
		n, err := f.o.write(f.fd, f.out)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		f.out = f.out[n:]
	}
	return nil
}

func (f *protoEcho) close() (struct{}, bool) {
	if f.buf != nil {
		protoPool.Put(f.buf)
		f.buf = nil
	}
	f.reg.Deregister()
	syscall.Close(f.fd)
	return struct{}{}, true
}

func (f *protoEcho) Poll(cx *rt.Context) (struct{}, bool) {
	for {
		if f.buf != nil { // a reply is being written
			done, err := f.reg.PollIO(cx, rt.DirWrite, f.wop)
			if !done {
				return struct{}{}, false
			}
			protoPool.Put(f.buf)
			f.buf = nil
			if err != nil {
				return f.close()
			}
		}
		if !cx.ConsumeBudget() {
			cx.Waker().Wake()
			return struct{}{}, false
		}
		ev := f.reg.Readiness()
		if ev.Shutdown {
			return f.close()
		}
		if !f.o.tryFirst && ev.Ready&rt.DirRead.Mask() == 0 {
			if _, ok := f.reg.ReadableAsync().Poll(cx); !ok {
				return struct{}{}, false // waits holding no buffer
			}
			continue
		}
		b := protoPool.Get().(*[]byte)
		n, err := f.o.read(f.fd, *b)
		switch {
		case err == syscall.EAGAIN:
			protoPool.Put(b)
			ev.Ready &= rt.DirRead.Mask()
			f.reg.ClearReadiness(ev)
			if _, ok := f.reg.ReadableAsync().Poll(cx); !ok {
				return struct{}{}, false
			}
			continue
		case err == syscall.EINTR:
			protoPool.Put(b)
			continue
		case err != nil || n == 0:
			protoPool.Put(b)
			return f.close()
		}
		if f.o.shortClear && n < len(*b) {
			// A stream socket's read returns less than asked only when it
			// took everything queued: the next data brings a new edge.
			ev.Ready &= rt.DirRead.Mask()
			f.reg.ClearReadiness(ev)
		}
		f.buf, f.out = b, (*b)[:n]
	}
}
