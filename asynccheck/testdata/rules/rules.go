// Package rules holds async functions that break asyncgen's rules, each
// line with the diagnostic the analyzer must report (want comments). It has
// no generated twin file, so the first async function is also reported as
// missing its twins.
package rules

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/corio-go/corio/netx"
	"github.com/corio-go/corio/rt"
)

//async:func
func Sleeps(d time.Duration) { // want `rules_async.go: missing: the twins of rules.go's async functions \(SleepsAsync…\) are not generated; run go generate \(asyncgen\)`
	time.Sleep(d) // want `time.Sleep blocks the runtime thread inside async function Sleeps; use rt.Sleep\(d\), which suspends only this task`
	rt.Sleep(d)   // a suspension point: rt has SleepAsync
}

//async:func
func Channels(ch chan int, done chan struct{}) int {
	ch <- 1             // want `a send on a Go channel blocks the runtime thread`
	v := <-ch           // want `a receive from a Go channel blocks the runtime thread`
	for x := range ch { // want `range over a Go channel blocks the runtime thread`
		v += x
	}
	select { // want `select on Go channels blocks the runtime thread inside an async function`
	case <-done:
	case v = <-ch:
	}
	select { // with default it never blocks
	case <-done:
	case ch <- v:
	default:
	}
	go func() { ch <- v }() // a func literal runs as plain Go
	return v
}

//async:func
func Waits(wg *sync.WaitGroup) {
	wg.Wait() // want `\(\*sync.WaitGroup\).Wait blocks the runtime thread inside async function Waits; use syncx.WaitGroup`
}

//async:func
func Sockets(tc *net.TCPConn, c net.Conn, f *os.File, buf []byte) {
	tc.Read(buf)                                 // want `\(\*net.TCPConn\).Read blocks the runtime thread inside async function Sockets; for sockets use corio/netx`
	c.Write(buf)                                 // want `\(net.Conn\).Write blocks the runtime thread`
	f.Read(buf)                                  // want `\(\*os.File\).Read blocks the runtime thread`
	io.ReadAll(c)                                // want `io.ReadAll on net.Conn blocks the runtime thread inside async function Sockets`
	io.ReadAll(bytes.NewReader(buf))             // a bytes.Reader never blocks
	resp, err := http.Get("http://example.com/") // want `http.Get blocks the runtime thread`
	if err == nil {
		io.ReadAll(resp.Body) // want `io.ReadAll on io.ReadCloser blocks the runtime thread`
	}
}

//async:func
func NetxInPlainHelpers(s *netx.TCPStream, u *netx.UnixStream, dst net.Conn, buf []byte) {
	io.Copy(dst, s)                 // want `io.Copy on \*netx.TCPStream blocks the runtime thread inside async function NetxInPlainHelpers; use netx's own helpers, which suspend the task \(netx.Copy`
	io.ReadFull(u, buf)             // want `io.ReadFull on \*netx.UnixStream blocks the runtime thread`
	r := bufio.NewReader(s)         // want `bufio.NewReader on \*netx.TCPStream inside async function NetxInPlainHelpers: the buffered reader or writer calls the socket's blocking Read or Write`
	_ = bufio.NewWriterSize(u, 512) // want `bufio.NewWriterSize on \*netx.UnixStream inside async function`
	_ = bufio.NewReader(dst)        // a net.Conn wrapped for plain code: blocks only where it is used
	_ = netx.NewReader(s)           // netx's reader suspends
	rd, _ := s.Split()
	io.ReadFull(rd, buf) // want `io.ReadFull on \*netx.ReadHalf blocks the runtime thread`
	s.Read(buf)          // a suspension point: the socket's own twin
	_ = r
}

//async:func
func Nested() {
	rt.Run(rt.YieldNowAsync()) // want `rt.Run blocks the runtime thread inside async function Nested; await the future with rt.Await\(f\)`
}

//async:func
func Drops() {
	rt.YieldNowAsync()     // want `the future returned by rt.YieldNowAsync is dropped, so it never runs; await it \(call the function without Async, or rt.Await\(f\)\), or run it as a task with rt.Spawn`
	_ = rt.YieldNowAsync() // meant: not reported
	func() {
		rt.YieldNowAsync() // want `the future returned by rt.YieldNowAsync is dropped, so it never runs; run it with rt.Run\(f\) or rt.Spawn\(f\)`
	}()
}

// Plain is not async: blocking is fine here, dropping a future is not.
func Plain(d time.Duration) {
	time.Sleep(d)
	rt.YieldNowAsync()    // want `the future returned by rt.YieldNowAsync is dropped, so it never runs; run it with rt.Run`
	go rt.YieldNowAsync() // want `the future returned by rt.YieldNowAsync is dropped`
	h := rt.Spawn(rt.YieldNowAsync())
	_ = h
	rt.Spawn(rt.YieldNowAsync()) // a JoinHandle is not a future: dropping it detaches the task
}

var mu sync.Mutex

//async:func
func Locks(rw *sync.RWMutex) {
	mu.Lock() // want `mu.Lock\(\) holds a sync.Mutex across the suspension point at rules.go:\d+:\d+: another task on this runtime thread that locks it deadlocks the thread`
	rt.YieldNow()
	mu.Unlock()
	mu.Lock() // unlocked before the suspension point
	mu.Unlock()
	rt.YieldNow()
	rw.RLock() // want `rw.RLock\(\) holds a sync.RWMutex across the suspension point`
	rt.YieldNow()
	rw.RUnlock()
}

// Fetch's FetchAsync returns a future but takes other parameters.
func Fetch(x int) int { return x }

// FetchAsync is not Fetch's twin.
func FetchAsync(x string) rt.Future[int] { return nil }

// Publish's PublishAsync returns no future: it is unrelated to Publish.
func Publish(x int) {}

// PublishAsync returns a channel, not a future.
func PublishAsync(x int) <-chan error { return nil }

//async:func
func Twins() int {
	Publish(1)
	return Fetch(1) // want `Fetch has a twin FetchAsync, but its parameters differ; a twin must take the same parameters and return rt.Future\[int\]`
}

//async:func
func Unsupported(x any) {
	defer rt.YieldNow() // want `the deferred call of rt.YieldNow would suspend`
}

// Spawns never wait: deferred, or inside a plain func literal, a spawn is
// an ordinary call, and a lock held across one is held across no
// suspension point.
//
//async:func
func Spawns(set *rt.JoinSet[struct{}]) {
	defer rt.Spawn(rt.YieldNowAsync())
	defer set.Spawn(rt.YieldNowAsync())
	defer func() { rt.SpawnNamed("n", rt.YieldNowAsync()) }()
	func() {
		rt.Spawn(rt.YieldNowAsync())
		rt.SpawnBlocking(func() int { return 1 })
	}()
	mu.Lock()
	rt.Spawn(rt.YieldNowAsync())
	set.Spawn(rt.YieldNowAsync())
	mu.Unlock()
}

// ContextCalls: rt.Now() and rt.CurrentHandle() read the poll's Context
// (cx.Now(), cx.Handle()) and never wait, so a lock held across them is
// held across no suspension point; the first real one after the lock is
// the one reported.
//
//async:func
func ContextCalls() time.Duration {
	mu.Lock()
	t := rt.Now()
	h := rt.CurrentHandle()
	rt.Spawn[struct{}](rt.YieldNowAsync())
	_ = h
	mu.Unlock()
	mu.Lock() // want `mu.Lock\(\) holds a sync.Mutex across the suspension point at rules.go:175:2:`
	d := rt.Now().Sub(t)
	rt.YieldNow()
	mu.Unlock()
	return d
}

// Closures: an async closure's body is checked as an async body; a
// suspension point in any other func literal names the async closure form.
//
//async:func
func Closures() {
	rt.Await(rt.AsyncDo(func() {
		rt.YieldNow()
		time.Sleep(time.Millisecond) // want `time.Sleep blocks the runtime thread inside async function Closures's async closure`
	}))
	f := func() {
		rt.YieldNow() // want `rt.YieldNow suspends, but it is called inside a func literal, which runs as plain Go \(a func literal cannot be an async function\); call it from the async function itself, or make the literal an async closure`
	}
	f()
}

// GenericChannels ranges over a channel through a type parameter (its core
// type is a channel).
//
//async:func
func GenericChannels[C ~chan int](ch C) int {
	v := 0
	for x := range ch { // want `range over a Go channel blocks the runtime thread`
		v += x
	}
	rt.YieldNow()
	return v
}

//async:func
func DeferredUnlock(mu *sync.Mutex) {
	mu.Lock() // want `mu.Lock\(\) holds a sync.Mutex across the suspension point`
	defer mu.Unlock()
	rt.YieldNow()
}
