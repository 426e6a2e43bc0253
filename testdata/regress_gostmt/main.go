// Regression: a go statement whose function is async runs the plain function
// in a new goroutine (accepted, nothing suspends there); a suspension point in
// a go statement's arguments is evaluated first, in order. A select with a
// default case never blocks and is accepted. An XAsync method that does not
// return a future is not a twin: X stays an ordinary call.
package main

import (
	"fmt"
	"sync"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

var wg sync.WaitGroup
var mu sync.Mutex
var got []int

//async:func
func Work(x int) int {
	rt.YieldNow()
	mu.Lock()
	got = append(got, x)
	mu.Unlock()
	wg.Done()
	return x
}

func record(a, b int) {
	mu.Lock()
	got = append(got, a*100+b)
	mu.Unlock()
	wg.Done()
}

func waitAll() { wg.Wait() }

// Bus has a Publish and an unrelated PublishAsync returning a channel.
type Bus struct{ sent []string }

func (b *Bus) Publish(s string) { b.sent = append(b.sent, s) }

func (b *Bus) PublishAsync(s string) chan bool {
	b.sent = append(b.sent, "async "+s)
	ch := make(chan bool, 1)
	ch <- true
	return ch
}

//async:func
func Main() {
	x := 3
	wg.Add(4)
	go Work(x)
	go Work(x + 1)
	go record(x, Work(5))
	waitAll() // a plain function: asyncgen does not look into it
	fmt.Println(len(got))
	ch := make(chan int, 1)
	for i := 0; i < 3; i++ {
		select {
		case ch <- i:
			fmt.Println("sent", i)
		case v := <-ch:
			fmt.Println("received", v)
		default:
			fmt.Println("neither")
		}
		rt.YieldNow()
	}
	b := &Bus{}
	b.Publish("a")
	rt.YieldNow()
	done := b.PublishAsync("b")
	select {
	case ok := <-done:
		fmt.Println(b.sent, ok)
	default:
	}
}
