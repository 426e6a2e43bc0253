// Command echo is a TCP echo server on corio: one task per connection, no
// goroutine per connection, and no buffer held by an idle connection.
//
// Handle reads with ReadPooled, which waits for the socket to be readable
// before it borrows a buffer from netx's pool; the buffer goes back to the
// pool as soon as the bytes are echoed. A connection parked between
// messages holds its socket and its suspended task (the few live variables
// of Handle), nothing else: about 212 B of heap and 220 B of RSS with
// 10,000 idle connections. HandlePlain is the straightforward loop with a
// buffer of its own, kept for comparison (-plain): its 4 KiB buffer stays
// alive across every wait.
//
// The handlers close their connection in a defer, so the server listens
// without netx's close-when-lost safety net (ListenConfig.NoCloseWhenLost),
// which would cost each connection about 55 B more of RSS; -close-when-lost
// keeps it.
//
// SIGINT or SIGTERM shuts the server down gracefully: it stops accepting,
// gives the open connections up to -grace to finish, then shuts the
// runtime down, which cancels what is left: a cancelled handler runs its
// deferred finish, so its socket is closed then and there.
//
//	go run ./examples/echo -addr 127.0.0.1:7000
package main

//go:generate go run github.com/corio-go/corio/cmd/asyncgen

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/corio-go/corio/netx"
	"github.com/corio-go/corio/rt"
)

// Stats counts the server's connections. It counts no bytes: a counter
// every connection adds to on every message is a cache line the workers
// pass between them on every request.
type Stats struct {
	Active   atomic.Int64 // connections being served
	Accepted atomic.Int64 // connections accepted so far
	Errors   atomic.Int64 // connections ended by an error rather than by the client's close
}

// Handle echoes what c sends until c closes its side or an error ends the
// connection (counted in st.Errors), then closes c. The deferred finish
// closes c and counts the connection out however Handle ends: on an
// error, at the end of the stream, on a panic, or when its task is
// cancelled while it waits (the runtime's Shutdown cancels the tasks left
// after the grace period).
//
// Handle returns nothing: nobody joins a connection's task, and a result
// would be kept in the task for nobody (an error, 16 B per connection).
//
//async:func
func Handle(c *netx.TCPStream, st *Stats) {
	defer finish(c, st)
	for {
		b, err := c.ReadPooled() // waits holding no buffer
		if err != nil {
			st.end(err)
			return
		}
		_, err = c.Write(b.Bytes())
		b.Release() // back to the pool before the next wait
		if err != nil {
			st.end(err)
			return
		}
	}
}

// HandlePlain is Handle with a buffer of its own, allocated once per
// connection and kept across every wait.
//
//async:func
func HandlePlain(c *netx.TCPStream, st *Stats) {
	defer finish(c, st)
	buf := make([]byte, 4096)
	for {
		n, err := c.Read(buf)
		if err != nil {
			st.end(err)
			return
		}
		if _, err := c.Write(buf[:n]); err != nil {
			st.end(err)
			return
		}
	}
}

// finish ends a handler, deferred: it closes c and counts the connection
// out of st.Active.
func finish(c *netx.TCPStream, st *Stats) {
	c.Close()
	st.Active.Add(-1)
}

// end records why a connection ended: the end of the stream is no error.
func (st *Stats) end(err error) {
	if err != io.EOF {
		st.Errors.Add(1)
	}
}

// Serve accepts connections until ln is closed, spawning one task per
// connection.
//
//async:func
func Serve(ln *netx.TCPListener, plain bool, st *Stats) error {
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
		if plain {
			rt.Spawn(HandlePlainAsync(c, st))
		} else {
			rt.Spawn(HandleAsync(c, st))
		}
	}
}

// Main listens on addr with lc's options and serves until a signal arrives
// on sigs, then stops accepting and waits up to grace for the open
// connections to finish. It calls onListen with the bound address once it
// listens, and returns the signal that stopped it.
//
//async:func
func Main(addr string, lc *netx.ListenConfig, sigs *rt.Signals, plain bool, grace time.Duration, st *Stats, onListen func(net.Addr)) (os.Signal, error) {
	ln, err := lc.Listen("tcp", addr) // on the running runtime's driver
	if err != nil {
		return nil, err
	}
	onListen(ln.Addr())
	srv := rt.Spawn(ServeAsync(ln, plain, st))
	sig, _ := sigs.Recv()
	ln.Close() // Serve's AcceptTCP returns net.ErrClosed
	serveErr, joinErr := srv.Join()
	if joinErr != nil {
		return sig, joinErr
	}
	for waited := time.Duration(0); st.Active.Load() > 0 && waited < grace; waited += 10 * time.Millisecond {
		rt.Sleep(10 * time.Millisecond)
	}
	return sig, serveErr
}

// ListenConfig is the server's listening configuration. Unless
// closeWhenLost, the accepted connections go without netx's close-when-lost
// safety net (ListenConfig.NoCloseWhenLost), which saves each about 55 B of
// RSS: Handle and HandlePlain close their connection in a defer, which runs
// when they return, fail, panic or are cancelled (as the runtime's Shutdown
// cancels the handlers still open). The one connection the net would still
// catch is one accepted as the runtime shuts down, whose handler is cancelled
// before its first poll (so before its defer statement ran): the process
// exits right after, which closes it.
func ListenConfig(closeWhenLost bool) netx.ListenConfig {
	return netx.ListenConfig{NoCloseWhenLost: !closeWhenLost}
}

// run is main with its arguments; onListen is called with the address once
// the server listens.
func run(args []string, onListen func(net.Addr)) error {
	fs := flag.NewFlagSet("echo", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:7000", "address to listen on")
	plain := fs.Bool("plain", false, "use HandlePlain (a 4 KiB buffer per connection) instead of Handle")
	workers := fs.Int("workers", 0, "runtime workers (0: one per CPU)")
	grace := fs.Duration("grace", 5*time.Second, "how long open connections may finish after a signal")
	closeWhenLost := fs.Bool("close-when-lost", false, "keep netx's safety net that closes a connection dropped without Close (about 55 B of RSS per connection; Handle never needs it)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var opts []rt.Option
	if *workers > 0 {
		opts = append(opts, rt.WithWorkers(*workers))
	}
	r := rt.NewMultiThread(opts...)
	defer r.Shutdown() // cancels the connections still open after the grace
	sigs := rt.NotifySignals(os.Interrupt, syscall.SIGTERM)
	defer sigs.Stop()
	var st Stats
	lc := ListenConfig(*closeWhenLost)
	out := rt.BlockOn(r, MainAsync(*addr, &lc, sigs, *plain, *grace, &st, func(a net.Addr) {
		log.Printf("echo: listening on %v", a)
		onListen(a)
	}))
	if out.V1 != nil {
		return out.V1
	}
	log.Printf("echo: %v: stopped after %d connections (%d ended by an error); %d still open",
		out.V0, st.Accepted.Load(), st.Errors.Load(), st.Active.Load())
	return nil
}

func main() {
	if err := run(os.Args[1:], func(net.Addr) {}); err != nil {
		fmt.Fprintln(os.Stderr, "echo:", err)
		os.Exit(1)
	}
}
