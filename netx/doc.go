// Package netx provides async sockets on corio's reactor: TCP, UDP and Unix
// sockets, and I/O helpers (Copy, CopyBidirectional, ReadFull, a buffered
// Reader and Writer) that spend the cooperative budget.
//
// # The types
//
//   - TCPListener (Listen, ListenConfig.Listen): AcceptTCP, Accept.
//   - TCPStream (Dial, DialTimeout, AcceptTCP): Read, ReadFull, ReadPooled,
//     TryRead, Readable; Write, WriteAll, TryWrite, Writable; CloseRead,
//     CloseWrite, Close; SetNoDelay, SetKeepAlive, SetKeepAlivePeriod,
//     SetLinger; LocalAddr, RemoteAddr; the three deadlines; Split into a
//     ReadHalf and a WriteHalf.
//   - UnixListener, UnixStream (ListenUnix, DialUnix): the same as TCP.
//   - UDPConn (ListenUDP) and UnixDatagram (ListenUnixgram): SendTo,
//     RecvFrom, Connect, Send, Recv, and net.PacketConn's ReadFrom and
//     WriteTo.
//   - Copy, CopyBidirectional, ReadFull over the AsyncReader and
//     AsyncWriter interfaces; Reader (Read, ReadBytes, ReadLine) and Writer
//     (Write, Flush).
//
// Signals for graceful shutdown are rt.NotifySignals, in package rt: they
// concern the whole process, not a socket.
//
// # Twins
//
// Every operation that can wait comes as a twin pair: X blocks the calling
// goroutine (direct mode) and XAsync returns an rt.Future of X's results
// (one result T gives T, several give rt.TupleN). Inside an //async:func
// function a call of X is a suspension point, so the same source serves plain
// Go and tasks:
//
//	//async:func
//	func Serve(ln *netx.TCPListener) error {
//		for {
//			c, err := ln.AcceptTCP() // AcceptTCPAsync in the generated code
//			if err != nil {
//				return err
//			}
//			rt.Spawn(HandleAsync(c))
//		}
//	}
//
// Operations that never wait (Listen, Close, SetNoDelay, TryRead, …) have no
// twin, except where the choice of driver matters: Listen, ListenUDP and
// friends have Async twins that register the socket with the driver of the
// runtime polling them, where the plain form registers with the process
// default driver (rt.Register and rt.RegisterAsync make the same choice).
// Accepted and dialled sockets register with the driver of whoever polls the
// Accept or Dial future.
//
// # Direct mode is net's contract
//
// Called from ordinary goroutines, a *TCPStream is a net.Conn and a
// *TCPListener a net.Listener (likewise *UnixStream and *UnixListener; a
// *UDPConn or *UnixDatagram is a net.PacketConn), so bufio, io.Copy,
// crypto/tls and net/http work on them unchanged. Methods may be called from
// several goroutines at once: blocking calls in the same direction are
// serialised, reads and writes proceed independently, and Close wakes every
// pending call, which returns an error wrapping net.ErrClosed.
// SetDeadline, SetReadDeadline and SetWriteDeadline bound the pending and
// future calls in that direction (the async futures as well): they fail
// with an error wrapping os.ErrDeadlineExceeded. Changing a deadline wakes a
// pending call, so SetReadDeadline(time.Now()) unblocks a Read, as net/http
// relies on. A deadline is an instant on the clock of the driver the socket
// is registered with: the real time, or, for a socket of a runtime built
// with rt.WithPausedClock, that runtime's virtual clock (rt.NowAsync reads
// it), so a test of an hour's deadline, or of an rt.Timeout around a read,
// passes when the clock jumps there rather than after an hour.
//
// A blocking call must not run inside a task: if it would wait there it
// panics instead of stalling the runtime, naming the operation, its twin
// and netx's helpers. That is how a plain-Go helper given a socket inside a
// task fails (io.Copy, io.ReadFull, bufio): use netx.Copy, netx.ReadFull,
// netx.NewReader and netx.NewWriter, whose twins suspend. asyncgen reports
// a socket handed to those helpers inside an async function before it runs.
//
// # Errors
//
// Errors have net's shapes, so the errors.Is and errors.As checks users
// already write keep working: *net.OpError wrapping an *os.SyscallError
// around the errno (errors.Is(err, syscall.ECONNRESET)), net.ErrClosed for
// a closed socket (including a second Close), os.ErrDeadlineExceeded for an
// expired deadline or DialTimeout, io.EOF at the end of a stream. No
// operation on a closed socket panics.
//
// # Tasks, directions and budget
//
// Each socket has a reading and a writing direction, each with one pending
// operation at a time (as rt's readiness API, which netx is built on and
// nothing else). Split returns the two halves of a stream as separate values
// so that one task reads while another writes. The futures of the stream's
// own operations live inside the socket: starting an operation allocates
// nothing, and starting a second one in the same direction while the first
// is pending (two tasks reading one stream at once) is a misuse, which
// panics with a message naming it, as syncx reports the misuse of its
// futures (the blocking forms serialise themselves, and a completed or
// cancelled operation frees its direction).
//
// Every operation spends one unit of the polling task's cooperative budget
// before its syscall, so a task copying from an always-readable socket still
// yields to the other tasks of its runtime. Cancelling a pending future
// (rt.Cancel, a Timeout or Select that gave up) forgets its waker and loses
// nothing that was not already returned: a cancelled Read has read nothing,
// a cancelled Write may have written a prefix of its buffer (as a
// timed-out net.Conn.Write), a cancelled Accept leaves the connection in the
// backlog.
//
// # No buffer per idle connection
//
// The straightforward loop keeps its buffer alive while it waits:
//
//	buf := make([]byte, 4096) // held by the suspended task, 4 KiB per connection
//	for {
//		n, err := c.Read(buf)
//		…
//	}
//
// ReadPooled waits for readability first and only then borrows a buffer
// from a process-wide pool for the read; the caller releases it after
// using the data. An idle connection then holds no buffer at all, only the
// socket and its task's live variables:
//
//	for {
//		b, err := c.ReadPooled() // waits holding nothing
//		if err != nil {
//			return err
//		}
//		_, err = c.Write(b.Bytes())
//		b.Release()
//		…
//	}
//
// Readable followed by TryRead into a buffer of one's own choosing is the
// same pattern by hand.
//
// # Lifetime
//
// Close deregisters the descriptor and closes it once no syscall is using it,
// so a Close racing a Read never closes a descriptor number another socket
// may already reuse. A syscall made from a plain goroutine (direct mode), a
// current-thread runtime or the blocking pool holds a reference count around
// it, as net's fd mutex does; one made inside a poll on a multi-thread
// worker, which is where a server's reads and writes run, holds none: it
// checks that the socket is not closed, and Close hands the descriptor to
// rt.CloseAfterPolls, which closes it once every worker has finished the
// batch of polls it was in (at once when none was polling; otherwise when
// the last of them parks or starts its next batch, a few microseconds to a
// few hundred later). That saves four atomic read-modify-writes per echoed
// message; the peer sees the connection closed that much later. A socket that
// becomes unreachable without Close is closed by the garbage collector (a
// finalizer on its state, which a pending operation keeps reachable; being
// a finalizer, it needs that nothing the socket points to lead back to it
// once it is lost, which is why a completed operation forgets its wakers),
// as os.File is: this is also what closes the sockets of tasks cancelled by a
// runtime shutdown, at the next collection, since their async functions
// cannot run a deferred Close.
//
// # Costs
//
// Latency: from a plain goroutine, a read that must wait is woken by the
// process default runtime's driver goroutine, one more hand-off than net's
// netpoller: a 64-byte loopback round trip took 45–62 µs against net's
// 8–10 µs on an idle 2-core machine, and 12–13 µs between two tasks
// (BenchmarkRoundTrip64). Direct mode is for compatibility (bufio, TLS,
// net/http over a netx socket), not speed.
//
// System calls: a stream read is one recv and a write one send (a read
// shorter than its buffer drained the socket, so the next read waits for
// the next edge instead of making a recv that fails with EAGAIN: an echo
// costs one recv and one send). Read clears the Readable bit at once;
// ReadPooled only marks its future drained at the readiness tick it read
// at, and its next wait clears the bit in the one compare-and-swap that
// records the task (rt.Registration.ClearAndPollReady), so other readers of
// the readiness may see Readable until then, at the cost of one recv that
// fails with EAGAIN. Reads, writes of up to 64 KiB and accepts
// are raw system calls, which do not hand the goroutine's P over: on a
// non-blocking socket they never wait, and the hand-offs kept Go's sysmon
// thread waking every 20 µs. Accept asks for no peer address, so it
// allocates nothing; the addresses are looked up when first asked for.
//
// An idle *TCPStream holds about 67 bytes of heap, against about 340 for
// an idle *net.TCPConn (BenchmarkIdleStreamHeap); and a net connection is
// served by a goroutine whose stack (2–8 KiB) and read buffer stay with it
// while it waits, where a corio connection is served by a task holding only
// its live variables and, with ReadPooled, no buffer. The socket's part, per
// connection:
//
//   - 64 B: the socket's state, one allocation, of which the *TCPStream
//     (and the halves Split returns) is a view, adding nothing: its rt
//     registration (embedded: a 16-byte handle naming the driver's record),
//     one pointer to what only some sockets use (the blocking calls' locks,
//     the deadlines, the address cache: allocated at first use), the 32-bit
//     close/reference word, one byte for the network, family and type and
//     one per direction for the pending operation's kind and pending flag,
//     and per direction the 16-byte slot of the pending operation (its
//     buffer and counts). An operation's future is the socket itself under
//     a type of its direction, so it needs no field to find either.
//   - 24 B: the driver's readiness record (the readiness word, which also
//     holds the registration's generation and the lock bit guarding the
//     two waiters, and one word per waiter: a waiting task is kept as its
//     address), not an object of its own but a slot in the poller's 8 KiB
//     pages of 341, indexed by descriptor.
//   - off the heap, the Go runtime's record of the close-when-lost finalizer
//     (56 B with Go 1.26, about 55 B of RSS per connection measured): it
//     counts in the process's RSS, not in the heap. A server whose handlers
//     always close their connection in a defer can leave it out of the
//     accepted connections with ListenConfig.NoCloseWhenLost.
//
// examples/echo's idle connection, parked in ReadPooled, adds its task
// with its handler's frame inside it (a spawn of a generated future
// allocates once, and the task holds the future by value, without an
// interface value pointing back at it): the task's 64-byte header and the
// frame's 48 B (its state and the deferred close's bookkeeping in one word,
// the stream, the stats, the buffer borrowed across the write, and the
// awaited future), 112 B in all, and no result (Handle returns nothing:
// nobody joins a connection's task). That is about 212 B of heap in two
// objects and a slot (TestIdleHeapPerConnection; the objects' size classes
// are exact, the rest is the spans' own bits). examples/echo sets
// ListenConfig.NoCloseWhenLost (Handle closes its stream in a defer, which
// also runs when the runtime cancels it): about 220 B of RSS per
// connection with echoload's 10,000 idle connections (gnet's: about
// 538 B), and about 277 B with the close-when-lost record (its
// -close-when-lost flag). The RSS above the heap is the heap's metadata and
// what the first 10,000 connections touch once (code pages, the
// collector's first buffers), about 8 B per connection at 10,000. Each
// operation allocates nothing in steady state.
//
// # Platforms
//
// The implementation is Linux (epoll, through rt). On other systems the
// package builds, and every constructor returns an error wrapping
// errors.ErrUnsupported.
package netx
