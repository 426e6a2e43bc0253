package syncx_test

import (
	"fmt"

	"github.com/corio-go/corio/rt"
	"github.com/corio-go/corio/syncx"
)

func ExampleNotify() {
	var ready syncx.Notify
	done := make(chan struct{})
	go func() {
		ready.Notified() // waits for the notification (or takes the stored permit)
		fmt.Println("notified")
		close(done)
	}()
	ready.NotifyOne() // stored as a permit if the goroutine is not waiting yet
	<-done
	// Output: notified
}

func ExampleNotify_NotifiedAsync() {
	// Create the future before checking the condition: a NotifyWaiters
	// that comes in between still completes it.
	var changed syncx.Notify
	f := changed.NotifiedAsync()
	changed.NotifyWaiters()
	rt.Await(f) // ready: the NotifyWaiters came after f was created
	fmt.Println("saw the change")
	// Output: saw the change
}
