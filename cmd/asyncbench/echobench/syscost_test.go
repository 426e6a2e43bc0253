//go:build linux

package main

import (
	"net"
	"syscall"
	"testing"
)

// These benchmarks price the syscalls of one echo request on this machine,
// to read echobench's syscalls/req column against: the two every server
// needs (the request's read and the reply's write over loopback) and the
// read that finds nothing (EAGAIN), which a server makes when it reads again
// before waiting for readiness.

// loopbackPair returns the descriptors of both ends of a loopback TCP
// connection, non-blocking; closing the returned conns closes them.
func loopbackPair(b *testing.B) (a, z int, conns []net.Conn) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	c1, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	c2, err := ln.Accept()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c1.Close(); c2.Close() })
	fdOf := func(c net.Conn) int {
		rc, err := c.(*net.TCPConn).SyscallConn()
		if err != nil {
			b.Fatal(err)
		}
		var fd int
		rc.Control(func(u uintptr) { fd = int(u) })
		return fd
	}
	return fdOf(c1), fdOf(c2), []net.Conn{c1, c2}
}

// BenchmarkReadEAGAIN is a read on a connected socket with nothing to read.
func BenchmarkReadEAGAIN(b *testing.B) {
	_, z, _ := loopbackPair(b)
	buf := make([]byte, 4096)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := syscall.Read(z, buf); err != syscall.EAGAIN {
			b.Fatalf("read: %v, want EAGAIN", err)
		}
	}
}

// BenchmarkWriteRead64 is a 64-byte write into a loopback connection and
// the read of it at the other end: the floor of one echo request's server
// side (one read, one write) in kernel time.
func BenchmarkWriteRead64(b *testing.B) {
	a, z, _ := loopbackPair(b)
	msg := make([]byte, 64)
	buf := make([]byte, 4096)
	b.ReportAllocs()
	for b.Loop() {
		if n, err := syscall.Write(a, msg); n != 64 || err != nil {
			b.Fatalf("write: %d, %v", n, err)
		}
		if n, err := syscall.Read(z, buf); n != 64 || err != nil {
			b.Fatalf("read: %d, %v", n, err)
		}
	}
}
