//go:build linux

package netx_test

import (
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/corio-go/corio/netx"
	"github.com/corio-go/corio/rt"
)

// In plain Go the sockets are net's types: here a *TCPListener serves
// io.Copy from a goroutine and a *TCPStream is read with io.ReadAll.
func Example() {
	ln, err := netx.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept() // a net.Conn
		if err != nil {
			return
		}
		io.Copy(c, c)
		c.Close()
	}()
	c, err := netx.Dial("tcp", ln.Addr().String())
	if err != nil {
		panic(err)
	}
	defer c.Close()
	io.WriteString(c, "hello, corio")
	c.CloseWrite() // the echo ends when our side does
	b, _ := io.ReadAll(c)
	fmt.Println(string(b))
	// Output: hello, corio
}

// A read loop that holds no buffer between messages: ReadPooled waits for
// data first and only then borrows a buffer, which Release gives back.
func ExampleTCPStream_ReadPooled() {
	ln, _ := netx.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	go func() {
		c, _ := netx.Dial("tcp", ln.Addr().String())
		io.WriteString(c, "one message")
		c.Close()
	}()
	c, _ := ln.AcceptTCP()
	defer c.Close()
	var got strings.Builder
	for {
		b, err := c.ReadPooled()
		if err != nil {
			break // io.EOF
		}
		got.Write(b.Bytes())
		b.Release()
	}
	fmt.Println(got.String())
	// Output: one message
}

// A proxy's core: two streams joined with CopyBidirectional, which passes
// each side's half-close on to the other.
func ExampleCopyBidirectional() {
	upstream, _ := netx.Listen("tcp", "127.0.0.1:0")
	defer upstream.Close()
	go func() { // the upstream server: shouts back what it read
		c, _ := upstream.AcceptTCP()
		b, _ := io.ReadAll(c) // ends at the client's half-close
		c.Write([]byte(strings.ToUpper(string(b))))
		c.Close()
	}()
	front, _ := netx.Listen("tcp", "127.0.0.1:0")
	defer front.Close()
	go func() { // the proxy
		client, _ := front.AcceptTCP()
		server, _ := netx.Dial("tcp", upstream.Addr().String())
		netx.CopyBidirectional(client, server)
		client.Close()
		server.Close()
	}()
	c, _ := netx.Dial("tcp", front.Addr().String())
	io.WriteString(c, "through the proxy")
	c.CloseWrite()
	b, _ := io.ReadAll(c)
	fmt.Println(string(b))
	// Output: THROUGH THE PROXY
}

// UDP with the Async twins, on a runtime: the future of RecvFrom is polled
// by a task.
func ExampleUDPConn() {
	a, _ := netx.ListenUDP("udp4", "127.0.0.1:0")
	defer a.Close()
	b, _ := netx.ListenUDP("udp4", "127.0.0.1:0")
	defer b.Close()
	buf := make([]byte, 64)
	recv := b.RecvFromAsync(buf)
	a.SendTo([]byte("datagram"), b.LocalAddr())
	out := rt.Run(recv) // rt.Tuple3[int, net.Addr, error]
	fmt.Println(string(buf[:out.V0]), out.V1.(*net.UDPAddr).Port == a.LocalAddr().(*net.UDPAddr).Port, out.V2)
	// Output: datagram true <nil>
}
