// Command inspect shows what a running corio program looks like from the
// inside: a small line server with clients connected on loopback, its task
// dump (where every task is suspended, grouped by await chain like a
// goroutine dump) and its runtime metrics.
//
//	go run ./examples/inspect                  # print the dump and the metrics, then exit
//	go run ./examples/inspect -debug 2         # every task on its own
//	go run ./examples/inspect -http 127.0.0.1:6060
//
// With -http it keeps running and serves the same dump at
// /debug/corio/tasks (package rt/rtdebug, mounted by importing it) next to
// net/http/pprof's /debug/pprof/, until SIGINT:
//
//	curl 'localhost:6060/debug/corio/tasks?debug=1'
package main

//go:generate go run github.com/corio-go/corio/cmd/asyncgen

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof" // /debug/pprof/ next to /debug/corio/tasks
	"os"
	"os/signal"
	"sync/atomic"
	"time"

	"github.com/corio-go/corio/netx"
	"github.com/corio-go/corio/rt"
	_ "github.com/corio-go/corio/rt/rtdebug" // mounts /debug/corio/tasks
)

// Stats counts what the server did.
type Stats struct {
	Lines atomic.Int64 // lines echoed
	Ticks atomic.Int64 // janitor rounds
}

// Handle answers each line c sends with the same line until c closes.
//
//async:func
func Handle(c *netx.TCPStream, st *Stats) error {
	defer c.Close()
	buf := make([]byte, 512)
	for {
		n, err := c.Read(buf) // where an idle connection's task waits
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		st.Lines.Add(1)
		if _, err := c.Write(buf[:n]); err != nil {
			return err
		}
	}
}

// Serve accepts connections until ln is closed; each gets a task named
// after its peer, which is how the dump tells them apart.
//
//async:func
func Serve(ln *netx.TCPListener, st *Stats) error {
	for {
		c, err := ln.AcceptTCP()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		rt.SpawnNamed("conn "+c.RemoteAddr().String(), HandleAsync(c, st))
	}
}

// Janitor stands for periodic housekeeping: it sleeps most of its life.
//
//async:func
func Janitor(every time.Duration, st *Stats) {
	for {
		rt.Sleep(every)
		st.Ticks.Add(1)
	}
}

// Start listens on addr and spawns the acceptor and the janitor on the
// runtime running it.
//
//async:func
func Start(addr string, st *Stats) (*netx.TCPListener, error) {
	ln, err := netx.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	rt.SpawnNamed("acceptor", ServeAsync(ln, st))
	rt.SpawnNamed("janitor", JanitorAsync(time.Minute, st))
	return ln, nil
}

// connect opens n client connections to addr, each exchanging one line, and
// returns them open (idle, from the server's side).
func connect(addr net.Addr, n int) ([]net.Conn, error) {
	var conns []net.Conn
	for i := 0; i < n; i++ {
		c, err := net.Dial("tcp", addr.String())
		if err != nil {
			return conns, err
		}
		conns = append(conns, c)
		msg := fmt.Sprintf("hello %d\n", i)
		if _, err := io.WriteString(c, msg); err != nil {
			return conns, err
		}
		if got, err := bufio.NewReader(c).ReadString('\n'); err != nil || got != msg {
			return conns, fmt.Errorf("client %d: got %q, %v", i, got, err)
		}
	}
	return conns, nil
}

// settled reports whether d shows the n connection handlers back at their
// read, waiting. A handler is polled twice before that when its client's
// line arrives after its first poll, once when the line was already there.
func settled(d *rt.TaskDump, n int) bool {
	idle := 0
	for _, t := range d.Tasks {
		if len(t.Name) > 5 && t.Name[:5] == "conn " && t.State == rt.TaskIdle && t.Polls >= 1 {
			idle++
		}
	}
	return idle == n
}

// server is the running program: the runtime, the listener and the
// clients' ends of the connections.
type server struct {
	r     *rt.Runtime
	ln    *netx.TCPListener
	conns []net.Conn
	st    Stats
}

// start runs the server on a runtime of its own, connects the clients and
// waits until their handlers are suspended at their reads again.
func start(clients, workers int) (*server, error) {
	s := &server{r: rt.NewMultiThread(rt.WithWorkers(workers), rt.WithName("inspect"))}
	res := rt.BlockOn(s.r, StartAsync("127.0.0.1:0", &s.st))
	if res.V1 != nil {
		s.close()
		return nil, res.V1
	}
	s.ln = res.V0
	var err error
	s.conns, err = connect(s.ln.Addr(), clients)
	if err != nil {
		s.close()
		return nil, err
	}
	// The last replies are out; wait for their handlers to suspend again.
	for d := s.r.Dump(); !settled(&d, clients); d = s.r.Dump() {
		time.Sleep(time.Millisecond)
	}
	return s, nil
}

// close disconnects the clients, stops accepting and shuts the runtime
// down, which cancels the tasks left.
func (s *server) close() {
	for _, c := range s.conns {
		c.Close()
	}
	if s.ln != nil {
		s.ln.Close()
	}
	s.r.Shutdown()
}

// run is main with its arguments and output.
func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("inspect", flag.ContinueOnError)
	clients := fs.Int("clients", 100, "client connections to open")
	workers := fs.Int("workers", 2, "runtime workers")
	debug := fs.Int("debug", 1, "dump format: 1 grouped by await chain, 2 every task")
	httpAddr := fs.String("http", "", "serve /debug/corio/tasks and /debug/pprof/ here until SIGINT")
	if err := fs.Parse(args); err != nil {
		return err
	}
	s, err := start(*clients, *workers)
	if err != nil {
		return err
	}
	defer s.close()
	d := s.r.Dump()
	if err := d.WriteText(out, *debug); err != nil {
		return err
	}
	fmt.Fprintf(out, "\nmetrics: %+v\n", s.r.Metrics())
	if *httpAddr != "" {
		srv := &http.Server{Addr: *httpAddr}
		go func() {
			if err := srv.ListenAndServe(); err != nil && err != http.ErrServerClosed {
				log.Print(err)
			}
		}()
		fmt.Fprintf(out, "\nserving http://%s/debug/corio/tasks?debug=1 until SIGINT\n", *httpAddr)
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt)
		<-sig
		srv.Close()
	}
	return nil
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "inspect:", err)
		os.Exit(1)
	}
}
