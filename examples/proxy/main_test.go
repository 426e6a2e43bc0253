//go:build linux

package main

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/corio-go/corio/netx"
	"github.com/corio-go/corio/rt"
)

// upstream is a plain-net server that reads a request to its end (the
// client's half-close, which only arrives if the proxy passes it on), then
// answers with the request's length and the request itself, and closes.
func upstream(t *testing.T) (net.Listener, *sync.WaitGroup) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				req, err := io.ReadAll(c)
				if err != nil {
					return
				}
				fmt.Fprintf(c, "%d:", len(req))
				c.Write(req)
			}()
		}
	}()
	return ln, &wg
}

// roundTrip sends req through the proxy at addr, half-closes, and checks the
// upstream's answer and the end of the stream.
func roundTrip(t *testing.T, addr net.Addr, req []byte) {
	t.Helper()
	c, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	go func() {
		c.Write(req)
		c.(*net.TCPConn).CloseWrite()
	}()
	got, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	want := append([]byte(fmt.Sprintf("%d:", len(req))), req...)
	if !bytes.Equal(got, want) {
		t.Fatalf("got %d bytes, want %d", len(got), len(want))
	}
}

func TestProxyAsyncHalfClose(t *testing.T) {
	up, wg := upstream(t)
	addrs := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- run([]string{"-listen", "127.0.0.1:0", "-upstream", up.Addr().String()}, func(a net.Addr) { addrs <- a })
	}()
	addr := <-addrs
	big := make([]byte, 4<<20)
	rand.Read(big)
	var cwg sync.WaitGroup
	for _, req := range [][]byte{[]byte("hello"), {}, big} {
		cwg.Add(1)
		go func() {
			defer cwg.Done()
			roundTrip(t, addr, req)
		}()
	}
	cwg.Wait()
	syscall.Kill(syscall.Getpid(), syscall.SIGINT)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	up.Close()
	wg.Wait()
}

func TestProxyDirectMode(t *testing.T) {
	up, wg := upstream(t)
	sigs := rt.NotifySignals(syscall.SIGUSR1)
	defer sigs.Stop()
	addrs := make(chan net.Addr, 1)
	var st Stats
	done := make(chan error, 1)
	go func() {
		_, err := Main("127.0.0.1:0", up.Addr().String(), sigs, &st, func(a net.Addr) { addrs <- a })
		done <- err
	}()
	addr := <-addrs
	roundTrip(t, addr, []byte("direct"))
	syscall.Kill(syscall.Getpid(), syscall.SIGUSR1)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for st.Active.Load() > 0 {
		rt.Sleep(1e6)
	}
	if st.Up.Load() != 6 || st.Down.Load() != 8 || st.Failed.Load() != 0 {
		t.Fatalf("stats: up %d down %d failed %d", st.Up.Load(), st.Down.Load(), st.Failed.Load())
	}
	up.Close()
	wg.Wait()
}

func TestProxyUpstreamDown(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := ln.Addr().String()
	ln.Close()
	sigs := rt.NotifySignals(syscall.SIGUSR2)
	defer sigs.Stop()
	addrs := make(chan net.Addr, 1)
	var st Stats
	done := make(chan error, 1)
	go func() {
		_, err := Main("127.0.0.1:0", dead, sigs, &st, func(a net.Addr) { addrs <- a })
		done <- err
	}()
	c, err := net.Dial("tcp", (<-addrs).String())
	if err != nil {
		t.Fatal(err)
	}
	// The proxy closes the client when the upstream refuses.
	if b, err := io.ReadAll(c); err != nil && !isReset(err) || len(b) != 0 {
		t.Fatalf("read %q, %v", b, err)
	}
	c.Close()
	syscall.Kill(syscall.Getpid(), syscall.SIGUSR2)
	<-done
	if st.Failed.Load() != 1 {
		t.Fatalf("%d failed, want 1", st.Failed.Load())
	}
}

func isReset(err error) bool { return errors.Is(err, syscall.ECONNRESET) }

// TestShutdownClosesProxiedConnections shuts the runtime down while a
// client is proxied (both directions idle in CopyBidirectional): Shutdown
// cancels the Proxy task, whose deferred closes run then, so the client
// and the upstream both see the end of the stream at once (not at some
// later collection) and the connection is counted out of Active.
func TestShutdownClosesProxiedConnections(t *testing.T) {
	up, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close()
	upConns := make(chan net.Conn, 1)
	go func() {
		c, err := up.Accept()
		if err == nil {
			upConns <- c
		}
	}()
	r := rt.NewMultiThread()
	lnOut := rt.BlockOn(r, netx.ListenAsync("tcp", "127.0.0.1:0"))
	if lnOut.V1 != nil {
		t.Fatal(lnOut.V1)
	}
	var st Stats
	rt.SpawnOn(r, ServeAsync(lnOut.V0, up.Addr().String(), &st))
	c, err := net.Dial("tcp", lnOut.V0.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	u := <-upConns
	defer u.Close()
	// One exchange, so that both copies are under way.
	c.Write([]byte("ping"))
	var b [4]byte
	if _, err := io.ReadFull(u, b[:]); err != nil {
		t.Fatal(err)
	}
	u.Write([]byte("pong"))
	if _, err := io.ReadFull(c, b[:]); err != nil {
		t.Fatal(err)
	}
	r.Shutdown()
	if got := st.Active.Load(); got != 0 {
		t.Errorf("after Shutdown: %d clients active, want 0: a cancelled Proxy runs its deferred closes", got)
	}
	// The deadline only turns a missing close into a failure instead of a
	// hang.
	for name, conn := range map[string]net.Conn{"client": c, "upstream": u} {
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := conn.Read(b[:]); err != io.EOF && !isReset(err) {
			t.Errorf("%s: read after Shutdown: %v, want EOF or a reset", name, err)
		}
	}
}
