// Package asyncrules holds the rules that asyncgen's check stage and the
// asynccheck analyzer share, so that the generator and the editor or vet
// report exactly the same findings with the same words:
//
//   - the twin rule: a call of X is a suspension point when XAsync exists,
//     takes X's parameters and returns a future (a type with the method
//     Poll(*rt.Context) (T, bool)) of X's results (OutputType, TwinOf,
//     PollOutput);
//   - what an async function's body may not do: block the runtime thread
//     (the tables of blocking functions, matched by the object a call
//     resolves to), drop a future, hold a sync.Mutex across a suspension
//     point, or use a construct the lowering does not support yet (Check);
//   - the generated file's header, and the hash of the source file that it
//     records (Header, SourceLine, RecordedHash).
//
// The package works on go/ast and go/types alone: it never imports the
// runtime (the generator must not link it), and it knows rt only by its
// import path.
package asyncrules
