package main

// The example's output is deterministic: one goroutine runs every task, in
// FIFO order, and each YieldNow sends a task to the back of the queue.
func Example() {
	main()
	// Output:
	// ann  step 1 of 3
	// bob  step 1 of 3
	// cyd  step 1 of 3
	// ann  step 2 of 3
	// bob  step 2 of 3
	// cyd  step 2 of 3
	// ann  step 3 of 3
	// bob  step 3 of 3
	// cyd  step 3 of 3
	// ann, bob, cyd: done, checksum 54
}
