// Package prefetch asks the CPU to start loading a cache line that the
// caller will read soon, without waiting for it.
//
// A plain load of the line would do the same only until the CPU's reorder
// buffer fills behind it (a few hundred instructions), after which the
// miss stalls the thread as if the line had been needed at once; a
// prefetch instruction retires at once and lets the line arrive while
// other work runs. The Go compiler has such an intrinsic only for the
// runtime's own use, so this package has it in assembly: a call (about a
// nanosecond) per line. On architectures without the assembly, Line does
// nothing.
//
// A prefetch is only a hint: the address need not be valid (an address
// past the end of an object, or of any mapping, does not fault), nothing
// is read into the program, and the memory model is not involved.
package prefetch
