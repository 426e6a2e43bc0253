//go:build linux

package netx

import (
	"io"
	"net"
	"runtime"
	"testing"

	"github.com/corio-go/corio/rt"
)

// Loopback benchmarks, corio against net in the same run:
//
//	go test -run '^$' -bench . -benchmem ./netx

const msgSize = 64

// BenchmarkRoundTrip64 times one 64-byte write and the 64-byte echo read
// back, client and echo server in this process.
func BenchmarkRoundTrip64(b *testing.B) {
	b.Run("net", func(b *testing.B) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		defer ln.Close()
		go func() {
			s, err := ln.Accept()
			if err != nil {
				return
			}
			io.Copy(s, s)
			s.Close()
		}()
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		roundTrips(b, c)
	})
	b.Run("corio-direct", func(b *testing.B) {
		ln := listen(b)
		go func() {
			s, err := ln.AcceptTCP()
			if err != nil {
				return
			}
			buf := make([]byte, 4096)
			for {
				n, err := s.Read(buf)
				if err != nil {
					break
				}
				s.Write(buf[:n])
			}
			s.Close()
		}()
		c, err := Dial("tcp", ln.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		roundTrips(b, c)
	})
	b.Run("corio-async", func(b *testing.B) {
		r := rt.NewMultiThread()
		defer r.Shutdown()
		lnOut := rt.BlockOn(r, ListenAsync("tcp", "127.0.0.1:0"))
		if lnOut.V1 != nil {
			b.Fatal(lnOut.V1)
		}
		ln := lnOut.V0
		defer ln.Close()
		rt.SpawnOn(r, rt.PollFunc(echoOne(ln)))
		b.ReportAllocs()
		b.ResetTimer()
		out := rt.BlockOn(r, rt.PollFunc(pingPong(ln.Addr().String(), b.N)))
		b.StopTimer()
		if out != nil {
			b.Fatal(out)
		}
	})
}

func roundTrips(b *testing.B, c net.Conn) {
	msg := make([]byte, msgSize)
	got := make([]byte, msgSize)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := c.Write(msg); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(c, got); err != nil {
			b.Fatal(err)
		}
	}
}

// echoOne returns a Poll function that accepts one connection on ln and
// echoes it with ReadPooled until it ends, then closes it.
func echoOne(ln *TCPListener) func(*rt.Context) (struct{}, bool) {
	var (
		acc  rt.Future[rt.Tuple2[*TCPStream, error]]
		s    *TCPStream
		echo func(*rt.Context) (error, bool)
	)
	return func(cx *rt.Context) (struct{}, bool) {
		if s == nil {
			if acc == nil {
				acc = ln.AcceptTCPAsync()
			}
			out, ok := acc.Poll(cx)
			if !ok {
				return struct{}{}, false
			}
			if out.V1 != nil {
				return struct{}{}, true
			}
			s, echo = out.V0, echoStream(out.V0)
		}
		if _, done := echo(cx); !done {
			return struct{}{}, false
		}
		s.Close()
		return struct{}{}, true
	}
}

// BenchmarkAccept times a connect, its accept and both closes.
func BenchmarkAccept(b *testing.B) {
	b.Run("net", func(b *testing.B) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		defer ln.Close()
		b.ReportAllocs()
		for range b.N {
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				b.Fatal(err)
			}
			s, err := ln.Accept()
			if err != nil {
				b.Fatal(err)
			}
			c.Close()
			s.Close()
		}
	})
	b.Run("corio-direct", func(b *testing.B) {
		ln := listen(b)
		b.ReportAllocs()
		for range b.N {
			c, err := Dial("tcp", ln.Addr().String())
			if err != nil {
				b.Fatal(err)
			}
			s, err := ln.AcceptTCP()
			if err != nil {
				b.Fatal(err)
			}
			c.Close()
			s.Close()
		}
	})
	b.Run("corio-async", func(b *testing.B) {
		r := rt.NewMultiThread()
		defer r.Shutdown()
		lnOut := rt.BlockOn(r, ListenAsync("tcp", "127.0.0.1:0"))
		if lnOut.V1 != nil {
			b.Fatal(lnOut.V1)
		}
		ln := lnOut.V0
		defer ln.Close()
		b.ReportAllocs()
		b.ResetTimer()
		if err := rt.BlockOn(r, rt.PollFunc(openClose(ln, ln.Addr().String(), b.N))); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkIdleStreamHeap weighs the heap an open, idle *TCPStream holds
// (socket state and its registration; no task, no buffer), for 4000
// loopback connections (both ends counted), against net's *TCPConn:
//
//	go test -run '^$' -bench IdleStreamHeap -benchtime 1x ./netx
func BenchmarkIdleStreamHeap(b *testing.B) {
	const pairs = 4000
	b.Run("net", func(b *testing.B) {
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		defer ln.Close()
		idleHeap(b, pairs, func() (io.Closer, io.Closer) {
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				b.Fatal(err)
			}
			s, err := ln.Accept()
			if err != nil {
				b.Fatal(err)
			}
			return c, s
		})
	})
	b.Run("corio", func(b *testing.B) {
		ln := listen(b)
		idleHeap(b, pairs, func() (io.Closer, io.Closer) {
			c, err := Dial("tcp", ln.Addr().String())
			if err != nil {
				b.Fatal(err)
			}
			s, err := ln.AcceptTCP()
			if err != nil {
				b.Fatal(err)
			}
			return c, s
		})
	})
}

func idleHeap(b *testing.B, pairs int, open func() (io.Closer, io.Closer)) {
	for range b.N {
		before := heapInUse()
		conns := make([]io.Closer, 0, 2*pairs)
		for range pairs {
			c, s := open()
			conns = append(conns, c, s)
		}
		after := heapInUse()
		b.ReportMetric(float64(int64(after)-int64(before)-int64(cap(conns))*16)/float64(2*pairs), "B/stream")
		for _, c := range conns {
			c.Close()
		}
	}
}

func heapInUse() uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}
