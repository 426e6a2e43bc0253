package main

// The async run's output is deterministic (one goroutine runs every task, in
// FIFO order, and each YieldNow sends a task to the back of the queue); the
// direct-mode run's workers start as Main spawns them, so its lines may
// interleave differently: the output is compared unordered.
func Example() {
	main()
	// Unordered output:
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
	// ann  step 1 of 3
	// bob  step 1 of 3
	// cyd  step 1 of 3
	// ann  step 2 of 3
	// bob  step 2 of 3
	// cyd  step 2 of 3
	// ann  step 3 of 3
	// bob  step 3 of 3
	// cyd  step 3 of 3
	// direct mode: checksum 54
}
