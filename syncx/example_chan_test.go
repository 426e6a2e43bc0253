package syncx_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/corio-go/corio/rt"
	"github.com/corio-go/corio/syncx"
)

// A bounded channel between two producers (one handle each, from Clone) and
// a consumer; the channel closes when both handles are closed, and Recv
// reports ok == false once it is drained, like v, ok := <-ch.
func ExampleNewChannel() {
	tx, rx := syncx.NewChannel[string](2)
	tx2 := tx.Clone()
	go func() {
		defer tx.Close()
		for _, s := range []string{"a1", "a2"} {
			tx.Send(s) // waits while 2 values are buffered
		}
	}()
	go func() {
		defer tx2.Close()
		tx2.Send("b1")
	}()
	n := 0
	for {
		_, ok := rx.Recv()
		if !ok {
			break
		}
		n++
	}
	fmt.Println("received", n, "values; closed")
	// Output: received 3 values; closed
}

// An unbounded channel never makes a sender wait; TrySend and TryRecv never
// wait on any channel.
func ExampleNewUnboundedChannel() {
	tx, rx := syncx.NewUnboundedChannel[int]()
	for i := 1; i <= 3; i++ {
		tx.TrySend(i)
	}
	fmt.Println("buffered:", rx.Len(), "cap:", rx.Cap())
	tx.Close()
	for {
		v, err := rx.TryRecv()
		if err != nil {
			fmt.Println(err == syncx.ErrClosed)
			break
		}
		fmt.Println(v)
	}
	// Output:
	// buffered: 3 cap: -1
	// 1
	// 2
	// 3
	// true
}

// Reserve takes a slot before the value exists; the Permit then sends
// without waiting. A reservation abandoned (by a timeout here) gives its
// slot back.
func ExampleSender_Reserve() {
	tx, rx := syncx.NewChannel[string](1)
	permit, err := tx.Reserve()
	if err != nil {
		panic(err)
	}
	// The only slot is reserved: a second reservation times out.
	_, err = rt.Timeout(10*time.Millisecond, rt.Future[rt.Tuple2[syncx.Permit[string], error]](tx.ReserveAsync()))
	fmt.Println("second reserve:", errors.Is(err, rt.ErrTimeout))
	permit.Send("made after the slot was ours")
	v, _ := rx.Recv()
	fmt.Println(v)
	// Output:
	// second reserve: true
	// made after the slot was ours
}

// A receive abandoned by a timeout loses nothing: the value sent later is
// received by the next receive.
func ExampleReceiver_RecvAsync() {
	tx, rx := syncx.NewChannel[int](1)
	_, err := rt.Timeout(time.Millisecond, rt.Future[rt.Tuple2[int, bool]](rx.RecvAsync()))
	fmt.Println("timed out:", err != nil)
	tx.Send(42)
	v, ok := rx.Recv()
	fmt.Println(v, ok)
	// Output:
	// timed out: true
	// 42 true
}

// A oneshot channel carries a reply; a sender that gives up closes it and
// the receiver learns so.
func ExampleNewOneshot() {
	reply, wait := syncx.NewOneshot[string]()
	go func() { reply.Send("pong") }()
	v, err := wait.Recv()
	fmt.Println(v, err)

	reply2, wait2 := syncx.NewOneshot[string]()
	reply2.Close()
	_, err = wait2.Recv()
	fmt.Println(err == syncx.ErrClosed)
	// Output:
	// pong <nil>
	// true
}

// Every subscriber of a broadcast sees every value; one that falls more
// than the capacity behind is told how many it missed.
func ExampleNewBroadcast() {
	b := syncx.NewBroadcast[int](2)
	fast, slow := b.Subscribe(), b.Subscribe()
	var seen []int
	for i := 1; i <= 4; i++ {
		b.Send(i)
		v, _ := fast.Recv()
		seen = append(seen, v)
	}
	fmt.Println(seen)
	_, err := slow.Recv()
	var lag *syncx.LaggedError
	if errors.As(err, &lag) {
		fmt.Println("slow missed", lag.Missed)
	}
	v, _ := slow.Recv()
	fmt.Println("slow continues at", v)
	// Output:
	// [1 2 3 4]
	// slow missed 2
	// slow continues at 3
}

// A watch holds the latest value; a receiver waits for changes and sees only
// the newest.
func ExampleNewWatch() {
	cfg := syncx.NewWatch("v1")
	r := cfg.Subscribe()
	cfg.Send("v2")
	cfg.Send("v3")
	if err := r.Changed(); err == nil {
		fmt.Println("now", r.Load())
	}
	cfg.Close()
	fmt.Println(r.Changed() == syncx.ErrClosed)
	// Output:
	// now v3
	// true
}
