// Command proxy is a TCP proxy on corio: for each client it dials the
// upstream address and copies both ways with netx.CopyBidirectional, one
// task per client connection, no goroutine per connection.
//
// CopyBidirectional passes half-closes on: when the client shuts down its
// sending side, the proxy shuts down its own towards the upstream (and the
// other way round), so request/response protocols that end a request with
// a half-close work through it. Copies wait with ReadPooled, so a proxied
// connection that is idle holds no buffer.
//
// SIGINT or SIGTERM stops accepting; the runtime's shutdown then cancels
// the copies still running, and each cancelled copy closes both of its
// connections.
//
//	go run ./examples/proxy -listen 127.0.0.1:7001 -upstream 127.0.0.1:7000
package main

//go:generate go run github.com/corio-go/corio/cmd/asyncgen

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"sync/atomic"
	"syscall"

	"github.com/corio-go/corio/netx"
	"github.com/corio-go/corio/rt"
)

// Stats counts the proxy's work.
type Stats struct {
	Active   atomic.Int64 // clients being proxied
	Accepted atomic.Int64
	Up, Down atomic.Int64 // bytes client→upstream, upstream→client
	Failed   atomic.Int64 // clients whose upstream dial or copy failed
}

// Proxy connects client to a new connection to upstream until both
// directions end, then closes both. The closes are deferred, so they also
// run when the task is cancelled (the runtime's Shutdown cancels the
// copies still running): the client and the upstream see the end of the
// stream then and there.
//
//async:func
func Proxy(client *netx.TCPStream, upstream string, st *Stats) error {
	defer finish(client, st)
	server, err := netx.Dial("tcp", upstream)
	if err != nil {
		st.Failed.Add(1)
		return err
	}
	defer server.Close()
	up, down, err := netx.CopyBidirectional(client, server)
	st.Up.Add(up)
	st.Down.Add(down)
	if err != nil {
		st.Failed.Add(1)
	}
	return err
}

// finish ends a Proxy, deferred: it closes the client's connection and
// counts it out of st.Active.
func finish(client *netx.TCPStream, st *Stats) {
	client.Close()
	st.Active.Add(-1)
}

// Serve accepts clients until ln is closed, one Proxy task each.
//
//async:func
func Serve(ln *netx.TCPListener, upstream string, st *Stats) error {
	for {
		c, err := ln.AcceptTCP()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		st.Accepted.Add(1)
		st.Active.Add(1)
		rt.Spawn(ProxyAsync(c, upstream, st))
	}
}

// Main listens on listen and proxies to upstream until a signal arrives on
// sigs; it calls onListen with the bound address once it listens.
//
//async:func
func Main(listen, upstream string, sigs *rt.Signals, st *Stats, onListen func(net.Addr)) (os.Signal, error) {
	ln, err := netx.Listen("tcp", listen)
	if err != nil {
		return nil, err
	}
	onListen(ln.Addr())
	srv := rt.Spawn(ServeAsync(ln, upstream, st))
	sig, _ := sigs.Recv()
	ln.Close()
	serveErr, joinErr := srv.Join()
	if joinErr != nil {
		return sig, joinErr
	}
	return sig, serveErr
}

// run is main with its arguments.
func run(args []string, onListen func(net.Addr)) error {
	fs := flag.NewFlagSet("proxy", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:7001", "address to listen on")
	upstream := fs.String("upstream", "127.0.0.1:7000", "address to proxy to")
	if err := fs.Parse(args); err != nil {
		return err
	}
	r := rt.NewMultiThread()
	defer r.Shutdown() // cancels the copies still running
	sigs := rt.NotifySignals(os.Interrupt, syscall.SIGTERM)
	defer sigs.Stop()
	var st Stats
	out := rt.BlockOn(r, MainAsync(*listen, *upstream, sigs, &st, func(a net.Addr) {
		log.Printf("proxy: %v -> %s", a, *upstream)
		onListen(a)
	}))
	if out.V1 != nil {
		return out.V1
	}
	log.Printf("proxy: %v: stopped after %d clients (%d failed), %d bytes up, %d down; %d still open",
		out.V0, st.Accepted.Load(), st.Failed.Load(), st.Up.Load(), st.Down.Load(), st.Active.Load())
	return nil
}

func main() {
	if err := run(os.Args[1:], func(net.Addr) {}); err != nil {
		fmt.Fprintln(os.Stderr, "proxy:", err)
		os.Exit(1)
	}
}
