// Command chat is a line-based TCP chat room on corio: every line a client
// sends is relayed to every other client, and a client too slow to keep up
// is dropped instead of holding the room back.
//
// One task, the room, owns the set of clients; nothing else touches it, so
// it needs no lock. Each connection has two tasks: a reader that splits what
// the client sends into lines and hands them to the room over a bounded
// channel, and a writer that drains the client's outbox — a bounded channel
// of its own — into the socket. The room never waits on a client: it puts
// each line into every other outbox with TrySend, and an outbox that is full
// means that client has stopped reading (its socket buffers are full and its
// writer is stuck in Write), so the room drops it: it closes the client's
// connection, which wakes the stuck writer and the reader with an error,
// and tells the others. A fast client sending faster than the room relays is
// slowed down instead (its reader waits in Send on the room's channel),
// which holds back that one client and nobody else.
//
// The reader waits with ReadPooled, so an idle client holds no read buffer:
// only its socket, its two suspended tasks and the partial line it has sent,
// if any. Lines longer than -maxline bytes end the client's session.
//
// SIGINT or SIGTERM stops the server gracefully: it stops accepting, the
// room sends every client a last line and closes the outboxes, each writer
// flushes what is left and closes its connection, and the server waits up
// to -grace for the sessions to end before the runtime shuts down.
//
// Every function marked //async:func runs both ways: as futures on a corio
// runtime (main uses a multi-thread one) and as plain Go, where each call
// blocks its goroutine and the spawned tasks run on the process default
// runtime. `go generate` (asyncgen) writes main_async.go.
//
//	go run ./examples/chat -addr 127.0.0.1:7010
//	nc 127.0.0.1 7010   # in two terminals
package main

//go:generate go run github.com/corio-go/corio/cmd/asyncgen

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/corio-go/corio/netx"
	"github.com/corio-go/corio/rt"
	"github.com/corio-go/corio/syncx"
)

// Config sets the room's bounds.
type Config struct {
	Outbox  int           // lines queued for one client before it counts as too slow
	Events  int           // capacity of the room's inbound channel
	MaxLine int           // longest line a client may send, in bytes
	Grace   time.Duration // how long sessions may take to end after a signal
	// WriteBuffer, if positive, sets SO_SNDBUF on each connection: the
	// kernel memory one slow client may fill before its outbox starts to
	// fill (0 leaves the system default, which grows to megabytes).
	WriteBuffer int
}

// DefaultConfig is what main uses without flags.
var DefaultConfig = Config{Outbox: 64, Events: 256, MaxLine: 4096, Grace: 2 * time.Second}

// Stats counts what the server did; the test reads it.
type Stats struct {
	Joined  atomic.Int64 // clients that entered the room
	Left    atomic.Int64 // clients that left by closing their connection or sending an overlong line
	Dropped atomic.Int64 // clients dropped for not reading
	Lines   atomic.Int64 // lines relayed (each counted once, whatever the number of receivers)
	Active  atomic.Int64 // sessions whose tasks are still running
}

// client is one member of the room, as the room sees it.
type client struct {
	name   string
	conn   *netx.TCPStream
	outbox *syncx.Sender[string] // lines for this client, each ending in '\n'
}

type eventKind int

const (
	joined   eventKind = iota // c enters the room
	said                      // c sent line
	left                      // c's session ended
	shutdown                  // the server is stopping
)

// event is what the room receives.
type event struct {
	kind eventKind
	c    *client
	line string
}

// Room owns the clients: it relays each line to every other client and
// drops the clients that cannot keep up, until a shutdown event, when it
// sends every client a last line, closes every outbox and closes its own
// channel (so a late session's Send fails instead of waiting).
//
//async:func
func Room(events *syncx.Receiver[event], st *Stats) {
	clients := map[*client]bool{}
	for {
		ev, ok := events.Recv()
		if !ok {
			return
		}
		switch ev.kind {
		case joined:
			clients[ev.c] = true
			st.Joined.Add(1)
			announce(clients, ev.c, "*** "+ev.c.name+" joined\n", st)
		case said:
			if clients[ev.c] { // a dropped client's last lines are not relayed
				st.Lines.Add(1)
				announce(clients, ev.c, ev.c.name+": "+ev.line+"\n", st)
			}
		case left:
			if clients[ev.c] {
				delete(clients, ev.c)
				ev.c.outbox.Close()
				st.Left.Add(1)
				announce(clients, nil, "*** "+ev.c.name+" left\n", st)
			}
		case shutdown:
			for c := range clients {
				c.outbox.TrySend("*** server shutting down\n")
				c.outbox.Close()
			}
			events.Close()
			return
		}
	}
}

// announce puts msg into the outbox of every client but from. A client
// whose outbox is full is dropped, and the others are told, which may drop
// more of them.
func announce(clients map[*client]bool, from *client, msg string, st *Stats) {
	for msg != "" {
		var dropped []string
		for c := range clients {
			if c == from {
				continue
			}
			if c.outbox.TrySend(msg) != nil {
				delete(clients, c)
				c.outbox.Close()
				c.conn.Close() // wakes its writer, stuck in Write, and its reader
				st.Dropped.Add(1)
				dropped = append(dropped, c.name)
			}
		}
		msg, from = "", nil
		for _, name := range dropped {
			msg += "*** " + name + " dropped (not reading)\n"
		}
	}
}

// Session serves one connection: it joins the room, starts the writer,
// reads lines until the client closes (or sends an overlong line, or is
// dropped), leaves the room and waits for the writer, which closes the
// connection. It closes events, its own handle on the room's channel.
//
//async:func
func Session(conn *netx.TCPStream, name string, events *syncx.Sender[event], cfg Config, st *Stats) {
	outTx, outRx := syncx.NewChannel[string](cfg.Outbox)
	c := &client{name: name, conn: conn, outbox: outTx}
	rd, wr := conn.Split()
	writer := rt.Spawn(WriteLoopAsync(conn, wr, outRx))
	if events.Send(event{kind: joined, c: c}) != nil {
		outTx.Close() // the room has stopped: the writer ends at once
	} else {
		var partial []byte // what the client sent after its last newline
		for {
			b, err := rd.ReadPooled() // waits holding no buffer
			if err != nil {
				break
			}
			lines, rest, ok := splitLines(partial, b.Bytes(), cfg.MaxLine)
			b.Release()
			partial = rest
			sent := true
			for _, line := range lines {
				if events.Send(event{kind: said, c: c, line: line}) != nil {
					sent = false
					break
				}
			}
			if !ok || !sent {
				break
			}
		}
		// The room closes the outbox on this event, which ends the writer
		// once it has flushed; if the room has stopped it closed it already.
		events.Send(event{kind: left, c: c})
	}
	events.Close()
	writer.Join()
	st.Active.Add(-1)
}

// WriteLoop writes what arrives in the outbox to the client, a batch of
// lines per Write, until the outbox is closed and drained or a write fails
// (the client is gone, or the room closed the connection to drop it). Then
// it closes the connection, which also ends the session's reader. The
// closes are deferred, so they also run when the runtime's Shutdown
// cancels a writer still stuck in Write (a client that stopped reading
// after the grace ran out).
//
//async:func
func WriteLoop(conn *netx.TCPStream, wr *netx.WriteHalf, outbox *syncx.Receiver[string]) {
	defer conn.Close()
	defer outbox.Close()
	for {
		msg, ok := outbox.Recv()
		if !ok {
			return
		}
		batch := drain(outbox, msg)
		if _, err := wr.Write(batch); err != nil {
			return
		}
	}
}

// maxBatch bounds one Write: a few lines' worth is enough to save syscalls
// when a burst is queued.
const maxBatch = 16 << 10

// drain returns msg followed by the lines already queued in outbox, up to
// maxBatch bytes. It never waits.
func drain(outbox *syncx.Receiver[string], msg string) []byte {
	batch := append([]byte(nil), msg...)
	for len(batch) < maxBatch {
		next, err := outbox.TryRecv()
		if err != nil {
			break
		}
		batch = append(batch, next...)
	}
	return batch
}

// splitLines appends data to partial and cuts out the complete lines
// (without "\n" or "\r\n"). It returns them with what follows the last
// newline (nil if nothing, so an idle client keeps no buffer), and false if
// a line is longer than max.
func splitLines(partial, data []byte, max int) (lines []string, rest []byte, ok bool) {
	for {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			break
		}
		line := data[:i]
		if len(partial) > 0 {
			line = append(partial, line...)
			partial = nil
		}
		if len(line) > max {
			return lines, nil, false
		}
		lines = append(lines, string(bytes.TrimSuffix(line, []byte("\r"))))
		data = data[i+1:]
	}
	if len(data) > 0 {
		rest = append(partial, data...) // copied: data is the pool's
	} else if len(partial) > 0 {
		rest = partial
	}
	return lines, rest, len(rest) <= max
}

// Serve accepts connections until ln is closed and starts a session for
// each. It closes events, its handle on the room's channel, when it returns.
//
//async:func
func Serve(ln *netx.TCPListener, events *syncx.Sender[event], cfg Config, st *Stats) error {
	for n := 1; ; n++ {
		conn, err := ln.AcceptTCP()
		if err != nil {
			events.Close()
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		if cfg.WriteBuffer > 0 {
			conn.SetWriteBuffer(cfg.WriteBuffer)
		}
		st.Active.Add(1)
		rt.Spawn(SessionAsync(conn, "guest"+strconv.Itoa(n), events.Clone(), cfg, st))
	}
}

// Main listens on addr and runs the room until a signal arrives on sigs,
// then shuts down as the package comment says. It calls onListen with the
// bound address once it listens and returns the signal that stopped it.
//
//async:func
func Main(addr string, sigs *rt.Signals, cfg Config, st *Stats, onListen func(net.Addr)) (os.Signal, error) {
	ln, err := netx.Listen("tcp", addr) // on the running runtime's driver
	if err != nil {
		return nil, err
	}
	onListen(ln.Addr())
	evTx, evRx := syncx.NewChannel[event](cfg.Events)
	room := rt.Spawn(RoomAsync(evRx, st))
	srv := rt.Spawn(ServeAsync(ln, evTx.Clone(), cfg, st))
	sig, _ := sigs.Recv()
	ln.Close() // Serve's AcceptTCP returns net.ErrClosed
	serveErr, joinErr := srv.Join()
	if joinErr == nil {
		evTx.Send(event{kind: shutdown})
		evTx.Close()
		_, joinErr = room.Join()
	}
	if joinErr != nil {
		return sig, joinErr
	}
	for waited := time.Duration(0); st.Active.Load() > 0 && waited < cfg.Grace; waited += 10 * time.Millisecond {
		rt.Sleep(10 * time.Millisecond)
	}
	return sig, serveErr
}

// run is main with its arguments; onListen is called with the address once
// the server listens.
func run(args []string, onListen func(net.Addr)) error {
	cfg := DefaultConfig
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:7010", "address to listen on")
	workers := fs.Int("workers", 0, "runtime workers (0: one per CPU)")
	fs.IntVar(&cfg.Outbox, "outbox", cfg.Outbox, "lines queued for a client before it is dropped as too slow")
	fs.IntVar(&cfg.MaxLine, "maxline", cfg.MaxLine, "longest line accepted, in bytes")
	fs.IntVar(&cfg.WriteBuffer, "sndbuf", cfg.WriteBuffer, "SO_SNDBUF per connection in bytes (0: system default)")
	fs.DurationVar(&cfg.Grace, "grace", cfg.Grace, "how long sessions may take to end after a signal")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cfg.Outbox < 1 || cfg.MaxLine < 1 {
		return fmt.Errorf("-outbox and -maxline must be at least 1")
	}
	var opts []rt.Option
	if *workers > 0 {
		opts = append(opts, rt.WithWorkers(*workers))
	}
	r := rt.NewMultiThread(opts...)
	defer r.Shutdown() // cancels the sessions still open after the grace
	sigs := rt.NotifySignals(os.Interrupt, syscall.SIGTERM)
	defer sigs.Stop()
	var st Stats
	out := rt.BlockOn(r, MainAsync(*addr, sigs, cfg, &st, func(a net.Addr) {
		log.Printf("chat: listening on %v", a)
		onListen(a)
	}))
	if out.V1 != nil {
		return out.V1
	}
	log.Printf("chat: %v: stopped; %d joined, %d left, %d dropped, %d lines relayed; %d sessions still open",
		out.V0, st.Joined.Load(), st.Left.Load(), st.Dropped.Load(), st.Lines.Load(), st.Active.Load())
	return nil
}

func main() {
	if err := run(os.Args[1:], func(net.Addr) {}); err != nil {
		fmt.Fprintln(os.Stderr, "chat:", err)
		os.Exit(1)
	}
}
