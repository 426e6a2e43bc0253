// Asyncgen lowers Go functions marked //async:func into state-machine
// futures for the corio runtime.
//
// Usage:
//
//	asyncgen [-check | -sizes] [packages]
//
// Put a directive in one file of the package and run go generate:
//
//	//go:generate go run github.com/corio-go/corio/cmd/asyncgen
//
// or, with the tool recorded in go.mod (Go 1.24 and later):
//
//	go get -tool github.com/corio-go/corio/cmd/asyncgen
//	//go:generate go tool asyncgen
//
// With no arguments asyncgen processes the package in the current directory;
// otherwise the named packages (any go list pattern, such as ./...).
// With -check it writes nothing, lists each generated file that is missing,
// stale or orphaned, and exits 1 if there is any: run it in CI. With -sizes
// it writes nothing and prints each generated future's size in bytes (for
// the gc compiler and $GOARCH, default the host's) and its fields, largest
// first: a future is the whole memory of a suspended task (a generic
// future's fields whose size depends on its type parameters print as ?,
// and its total counts them as empty; an instance held inline in another
// future is measured with its type arguments). Warnings go to
// standard error and do not change the exit status; when there are errors,
// only the errors are printed.
//
// # Async functions
//
// A function or method whose doc comment holds the line //async:func is an
// async function. It is ordinary Go, compiled as written: called directly it
// runs to completion on the calling goroutine, blocking wherever it waits
// ("direct mode"). For each async function F in file x.go, asyncgen writes
// FAsync into x_async.go, with F's parameters (and receiver, for a method),
// returning an rt.Future of F's results. Running FAsync's future, for example
// with rt.Run(FAsync(args)), executes the body of F with exactly the behaviour
// of direct mode, suspending instead of blocking.
//
// Suspension points are the calls of any function or method X for which a
// twin XAsync exists whose one result is a future (a type with the method
// Poll(*rt.Context) (T, bool)); the twin must take X's parameters and its
// future's output must follow the result rule below, else the call is an
// error. An XAsync whose result is not a future (a method returning a
// channel, say) is unrelated: X stays an ordinary call. corio's packages
// follow the convention for every operation that can wait (rt.YieldNow,
// rt.Spawn, JoinHandle.Join, rt.Sleep, rt.Await…), and every async function
// gets its twin from asyncgen. rt.Await(f) awaits any future.
//
// The by-value rule: where X also has a sibling MakeX (a method of the same
// receiver, or a function of the same package) that takes X's parameters and
// returns a non-pointer type F whose pointer *F has Poll(*rt.Context)
// (T, bool) with T the twin's output, the generated future calls MakeX
// instead of XAsync, holds the F it returns in a field of type F, polls it in
// place ((&fut.field).Poll(cx)), zeroes the field when the await completes,
// and, when *F has Cancel(), calls it from the future's Cancel exactly while
// that await is pending (by the future's state, so F's zero value need not
// be cancellable). F is assigned into the field before its first poll and
// never moved after, so MakeX's result must only be copyable until its first
// poll. Direct mode is unchanged (it calls X), and without a MakeX, or when F
// cannot be written in the caller's package, the call is awaited through its
// twin as before. The gain: no allocation and no claim of an embedded
// reusable future per await. syncx (Mutex.Lock, RwLock.Lock and RLock,
// Semaphore.Acquire, Sender.Send, Receiver.Recv) and rt (YieldNow, Sleep,
// SleepUntil, Select2…4 and their Biased forms) follow it; a hand-written
// library can too, by exporting MakeX next to XAsync.
//
// This is the contract: FAsync(args) returns a future whose polling runs F's
// body with F's observable behaviour (the same calls in the same order, the
// same results and panics), suspending where F would wait; cancelling it
// (rt.Cancel) cancels the future it awaits, runs F's pending defers and
// abandons the rest.
//
// A future's output type follows one rule: no results give struct{}, one
// result T gives T, and results T0…Tn-1 (n ≤ 8) give rt.TupleN[T0, …, Tn-1]
// with fields V0…Vn-1. Inside an async function, n, err := conn.Read(buf)
// unpacks either kind.
//
// # What is lowered
//
// Statements and expressions: assignments of every form, var and const
// declarations (a var is re-zeroed each time its declaration runs; var
// v, ok = m[k], x.(T) and multi-valued calls included), blocks
// and shadowing, if/else with init statements, every for form, range over
// integers, slices, arrays (over a copy), pointers to arrays, strings (by
// rune) and maps, expression and tagless switch with init (case expressions
// evaluated lazily, in order) and fallthrough (also into a case that
// suspends), type switches, goto, labeled and unlabeled break and continue,
// return with multiple, named and bare results, methods with pointer and
// value receivers (a value receiver works on a copy), recursion.
//
// A type switch runs as Go runs it: the guard's operand is evaluated once
// (it may suspend), then the cases' types are tried top to bottom and left
// to right, each as a comma-ok type assertion (nil as a comparison), and
// default, wherever it stands, is taken when none matches. The bound
// variable is a variable of its own in each clause, as go/types declares
// it: the asserted value in a clause of one type, the operand (of its
// interface type) in a clause of several types, nil or default; each lives
// across the clause's suspension points like any variable. A goto, forward
// or backward, jumps to the block its label's statement starts, within
// Go's own rules (no jump over a declaration or into a block); a
// declaration that a backward goto runs again declares a fresh variable,
// with a fresh cell when its address escapes. A statement kept as written
// keeps its label only where a jump inside it names the label.
//
// Local type declarations keep Go's semantics, names included. A type
// declared in a statement kept as written (no suspension point inside) stays
// there, and nothing changes. One declared where the body is taken apart is
// declared at the top of Poll under its own name, written from the type
// checker's view (underlying type, array lengths evaluated), so %T,
// reflect's Type.String and Name, type switches, conversions, == on
// interfaces and map keys of interface type see the same type as in direct
// mode (main.T; main.T[int] inside a generic function, as a generic future's
// Poll has the same type arguments). Where the name is taken in Poll (two
// local types of one function named T, in sibling blocks, or one named like
// a name of the package that the function uses, a predeclared identifier, an
// import of the generated file or a type parameter), the later type is
// declared as T_2 and asyncgen warns at its position: only then do %T and
// reflect print another name in async mode. The future's struct is
// declared at package level, where a local type is not in scope, so a
// variable whose type names one and that lives across a suspension point is
// held another way. Where the type holds no pointers (point{X, Y int},
// type N int, [4]byte), the field is an array of uint64s large enough for
// it, and Poll reads and writes it in place through an unsafe.Pointer
// conversion to *T: no allocation, no more cost than a typed field (the
// garbage collector has nothing to see there; Poll checks the size where it
// compiles). Otherwise the variable is a cell (a *T, fresh per declaration)
// that the field holds as an interface (any), asserted back at each use (a
// comparison of the type word); a temporary of the lowering gets a new
// pointer at each assignment of its whole value. That costs one allocation
// per declaration (per assignment for a temporary, per poll of an await
// whose output has such a type). BenchmarkLocalTypeField: a 16-byte struct
// declared, then used across two suspension points, takes about 6 ns in a
// typed field, 6 ns as raw bytes and 65 ns with one 16-byte allocation
// boxed (2-core machine). An await whose future's type names a local type
// (a generic callee instantiated with it) uses the shared interface await
// field.
//
// A range over a function iterator (iter.Seq, iter.Seq2, any
// func(yield func(…) bool) with no, one or two values, defined types
// included) whose body suspends runs as Go runs it, but with the iterator on
// a coroutine (rt.RangeFunc, over iter.Pull2), since the body must return
// from Poll in the middle of the iterator's call. The range expression is
// evaluated once, before the loop; each iteration switches into the
// iterator and back at its next yield; the loop's variables are per
// iteration, also when captured across suspensions (with = the targets are
// assigned one after the other, as gc does for this kind of range). The
// iterator sees what Go shows it: yield returns true to go on, and false
// when the body leaves the loop — by break, by a return (whose results are
// evaluated, and named results assigned, first), by a labeled break or
// continue of an outer statement, by a goto out of the body — and it then
// runs to its end (the code after its loop, its defers) before the jump or
// the return completes, nested loops innermost first. A panic out of the
// body, also one raised by an awaited callee, unwinds the iterator before
// it goes on: the iterator's defers run and the code after its loop does
// not, as in Go; the one difference is what the iterator's own recover()
// would see (rt.ErrRangeBodyPanicked instead of the body's value, which a
// deferred function cannot read without stopping the panic). A panic of
// the iterator comes out of the range statement. An iterator that
// misbehaves gets Go's own run-time errors, the same values: calling yield
// again after it returned false, after a panic of the body or after the
// loop ended, or returning normally after recovering the body's panic.
// Cancelling the future while it is suspended in such a body cancels the
// future it awaits, then stops the iterators (yield returns false,
// innermost first), which run to their ends. A range over a function whose
// body does not suspend is kept as written (plain Go, no coroutine).
//
// What such a loop costs, against the same body in a plain loop: per loop,
// the coroutine, a goroutine whose stack starts at the runtime's initial
// size, held while the loop runs: about 4.1 KB of heap and stack per loop
// suspended in its body (BenchmarkRangeFuncSuspended in rt; in
// internal/genbench BenchmarkIdleInRange, a task suspended in such a body
// takes 4.6 KB where the same task suspended outside a loop takes 0.23 KB),
// and 9 allocations (296 bytes) to start and end one (BenchmarkRangeFuncStartStop);
// per iteration, two coroutine switches and no allocation
// (BenchmarkRangeFuncNext: 172 ns against 124 ns for iter.Pull's bare next,
// BenchmarkIterPullNext, in the same quiet run, medians of 5; start and end
// 830 ns); in the future, an 8-byte field per loop. A function with
// such a loop gets a Poll that calls the function's states and unwinds the
// iterators from a deferred call when a panic leaves them (a call and a
// defer per Poll), and the awaits in the loop's body are polled through
// that Poll, not as frames of the driver's stack (see Frames), so that a
// callee's panic passes it. A future dropped without Cancel while suspended
// in such a loop leaks the coroutine, as a goroutine blocked forever would.
// The Go runtime resumes a coroutine only on a goroutine with the
// thread-lock state it started with: do not poll such a future from a
// goroutine that called runtime.LockOSThread.
//
// Method expressions suspend like method calls: (*T).M(x, a), T.M(v, a) and
// I.M(x, a) for an interface I await (*T).MAsync(x, a), T.MAsync(v, a) and
// I.MAsync(x, a). Calls through an interface, also one embedded in another,
// suspend when the interface has the twin method. A call through a
// variable of func type is a suspension point when the variable is a local
// of the async function that only ever holds functions with twins (F,
// pkg.F, x.M or T.M, all of one twin type), stored by plain assignments or
// declarations, never used in a func literal and never addressed: each
// store also stores the twin (FAsync, x.MAsync, T.MAsync) in a companion
// variable, with a method value's receiver evaluated once (a variable as it
// is, another expression into a temporary, by address where the method
// takes a pointer of an addressable operand), so f := x.M; x = y; f()
// awaits the twin bound to the old x, as Go's method value calls M on it.
// A call through any other func value (a parameter, a field, a slice
// element, a variable assigned something else) is a plain call: it runs
// the function as plain Go, blocking where it waits, as in direct mode.
// Suspension points may appear anywhere in an expression, also as the whole
// argument list of another call (f(g()), g multi-valued, either async);
// calls run in Go's left-to-right order and && and || short-circuit as in
// plain Go. Loop variables are per iteration (Go 1.22), also when a closure
// or a pointer captures one across a suspension. Values of defined types
// (type Name string, defined slices, maps, arrays, integers) work wherever
// their underlying types do.
//
// # Defer, panic and recover
//
// defer, panic, recover and runtime.Goexit behave as in Go. A defer
// statement evaluates the deferred function — a func literal, a function
// value, or for x.M(…) the receiver, copied (or its address taken, for a
// pointer method) as a method value would, a nil interface panicking there
// — and its arguments where it runs, also when an argument suspends
// (defer fmt.Println(F()) awaits F at the defer); the call runs later, as
// plain Go. Pending defers run innermost first, each exactly once: when
// the function returns (after return assigned the results, so a deferred
// closure reads and changes named results, and the future's output is read
// after the defers), when a panic or runtime.Goexit leaves the function,
// and when the future is cancelled while suspended (after the future it
// awaits is cancelled, so defers run innermost first along an await chain,
// with no panic in flight: recover returns nil there). Cancel is
// idempotent, and a future never polled has nothing to run.
//
// recover stops a panic exactly where Go's would: in a deferred call whose
// function calls it directly, while the panic unwinds — a panic of the
// function, of a deferred call (the later panic replaces the earlier one),
// or of a future it awaits, however deep and however often that one
// suspended and resumed. The function then returns normally with its
// results as they stand (named results as the deferred calls left them,
// the results a return assigned, or zero values), and its future
// completes. A re-raised panic, panic(nil) (a *runtime.PanicNilError, Go
// 1.21) and runtime.Goexit (which recover does not stop) behave as in Go;
// recover called anywhere else, defer recover() included, returns nil. A
// panic that no deferred call recovers keeps its value and its stack (the
// frames down to the line that raised it, through the //line mapping); the
// futures it passes through only run their defers.
//
// How: a defer statement stores what it evaluated in the future and
// pushes its number on a stack of pending defers. An argument or receiver
// that is a parameter or local never changed after its declaration (never
// assigned, wholly or in part, incremented, ranged over, its address never
// taken, never mentioned in a func literal) is not stored when the defer
// statement runs at most once per call: the deferred call reads the
// variable itself, which stays in the future while the defer is pending,
// so `defer c.Close()` on a parameter costs no field of its own. Poll defers one method
// of the future, which does nothing when Poll returns (suspended or done)
// and otherwise, with a panic or Goexit unwinding, runs the pending
// defers. A deferred call that cannot recover (a builtin, or a function or
// method whose body, read from its source, calls no recover) runs as a
// plain call, and the panic goes on untouched. One that may recover (a func
// literal that calls recover, a function whose body does, or a function
// value or interface method, which could) runs as the deferred call of the
// same panic raised again: the generated code recovers the panic and
// panics with the same value with that call deferred, so its recover sees
// the panic as in Go. The one visible difference: when such a call does not
// recover and the panic ends the program, Go 1.25's message reads "panic:
// v [recovered, repanicked]" where direct mode prints "panic: v" (value and
// stack are the same). Not so for a deferred func literal that calls
// recover, takes no argument and ends by running off its end (no return),
// in a function whose defer statements each run at most once per call and
// always in one order (up to three such literals a function): Poll defers
// its method itself, between the runs of the other pending defers, so it
// runs as a deferred call of the panic in flight and recovers it, or not,
// exactly as in Go. A deferred call that the panicking frames did not defer
// themselves cannot recover the panic (recover works only in the deferred
// function the panic itself calls, one call deep), so a function value, an
// interface method or a function whose body calls recover keeps the
// raise-again path, and so does every literal in a function with a defer in
// a loop: Poll could not defer one call per pending defer without
// allocating at each poll. A future with a defer pending, in a function
// with a deferred call that may recover, polls the frames it awaits itself
// instead of letting the driver resume them (see Frames), so its Poll is on
// the Go stack whenever the code below it runs and a panic there unwinds
// through its defers and recover; a recursion in which every level has such
// a defer pending resumes through all its levels at each wake-up, as before
// frames. A future whose deferred calls cannot recover lets the driver
// resume the frames below it directly, defers pending or not: a panic or
// runtime.Goexit that leaves those frames cancels the driver's root on its
// way out (rt's frame driver), and Cancel runs each bypassed future's
// pending defers, innermost first, while the panic is in flight, as Go runs
// a caller's defers when the panic leaves its callee (recover there would
// return nil in Go too). Cancel runs its own pending defers in a deferred
// call, so they also run when a future it awaits panics while cancelled.
// Go's fixedbugs/issue16249.go made async by internal/gotest (recursions
// up to 1000 deep, defer f(&err) at every level, a yield before every
// statement) did not finish in 300 s while every level with that defer
// pending polled its child itself; now it agrees with Go in about 1.0 s of
// user CPU against plain Go's 0.17 s (5 runs alternated, 2 cores at load
// 6-8).
//
// Cost. A defer statement that runs at most once per call (on no loop of
// the control-flow graph; goto loops count) keeps its values in fields of
// the future, and the pending stack is an inline array of one byte per such
// statement: no allocation (internal/genbench BenchmarkDefer3: three
// deferred calls add no allocation to the call). A deferred func literal
// becomes a method of the future, its body reading and writing the
// variables it captures where they live. Outside loops (a defer in no for
// or range statement) those are the future's fields: no closure and no
// cell, as Go's open-coded defer of a closure (BenchmarkDefer3 "closures":
// three deferred closures that capture variables and change the named
// result add no allocation); such a variable keeps a field of its own while
// the function runs (a cell only when something else needs one: another
// func literal, an address taken). A defer statement on a loop appends its
// values to a slice of its own and the pending stack is a slice: amortized
// growth, kept while the function runs (BenchmarkDeferLoop: 0 allocs and
// about 90 bytes per iteration, where Go's own defer in a loop allocates a
// record per iteration); a func literal deferred there stores, instead of a
// closure, the cells of the variables declared inside the loop that it
// uses, one allocation per such variable and iteration (BenchmarkDeferLoop
// "closure-async": 1 allocation per iteration, as Go's own closure). A func
// literal deferred after a label that a goto targets (the goto may lead
// back round to it), or one that names a local type of the function (which only Poll declares), is a
// closure made at the defer, with a cell for each variable it captures. Per
// poll, a function with defers pays one open-coded Go defer and one more
// call, two more of each per deferred literal Poll defers itself
// (BenchmarkDeferSuspend: no allocation per suspension); the future grows
// by its stored values, the stack, two flags and, for unnamed results, the
// kept output. The deferred call itself must not suspend (a deferred call
// of a function with a twin is an error): it runs where nothing can wait.
// A spawn is the exception, since it never waits: defer rt.Spawn(f) (and
// rt.SpawnNamed, rt.SpawnBlocking, set.Spawn) is an ordinary deferred call
// of the plain function, exactly as in direct mode, with f evaluated at the
// defer statement; the task goes to the process default runtime, as direct
// mode's does, since the deferred call may run from Cancel, where no poll's
// Context exists.
//
// Statements that hold no suspension point are kept as written: func
// literals, selects with a default case (which never block)
// and range over function iterators inside them behave exactly as plain Go.
// A select whose clauses suspend (in a channel or value operand, or in a
// clause's body) is split: its operands are evaluated first, in source
// order, as Go evaluates them on entering the select; a select kept as
// written chooses, receiving into temporaries; then the chosen clause's
// body runs as lowered code, an assignment's left side (case a[i] = <-c:)
// evaluated only then, as Go does. Decide in the select, wait after it:
// a select with a default case never blocks, and one without is a Go
// select that blocks the thread (rejected; rt.Select2 waits on futures).
// A go statement runs the plain function in a new goroutine, so go F(x) is
// accepted for an async F (nothing suspends there); a suspension point in
// its arguments is evaluated first, as Go evaluates them.
//
// # Async closures
//
// A func literal passed to rt.Async (or, without results, rt.AsyncDo) is
// an async closure: rt.Async(func() T { … }) is an rt.Future[T] whose body
// may suspend, the way to spawn, select on or await code that uses the
// function's variables without declaring a named async function (Tokio's
// async move block):
//
//	for _, u := range urls {
//		hs = append(hs, rt.Spawn(rt.Async(func() int {
//			n, _ := Fetch(u) // suspends the closure's task
//			return n
//		})))
//	}
//
// In direct mode the source is ordinary Go: rt.Async's own future runs the
// func when first polled (see rt.Async). In an async function, not inside
// another func literal, asyncgen lowers the literal like an async function
// into a future type of its own, named after the enclosing function as Go
// names closures (F.func1, F.func1.1 for one nested in it; the type
// fFunc1Future), with an unexported constructor that the call of rt.Async
// becomes; rt.Spawn, rt.Await and every combinator then take that future as
// they take any. Its body is lowered with everything above, nested async
// closures included.
//
// Capture is Go's, by reference: a variable of the enclosing function that
// the closure uses lives in a heap cell of its own (fresh per declaration
// and per loop iteration, as for any variable a func literal captures), and
// the constructor hands the closure the cell, so both futures read and
// write one variable; a variable of a statement kept as written is passed
// by its address. A local constant of the enclosing function needs no
// capture: the closure's future declares it again, with its value. A
// variable that nothing changes after its declaration (no assignment,
// ++, --, range assignment, address taken, pointer method or slicing,
// anywhere in the function), that no plain func literal uses and
// of at most 128 bytes is copied instead, as gc captures such variables:
// neither side can tell, and it needs no cell, so a closure spawned per
// iteration (capturing the iteration's variable) allocates its future and
// its task and nothing more (BenchmarkSpawnClosure in internal/genbench);
// spawning a named async function's future made on the spot allocates the
// two as one (see the paragraph on spawns under "Memory" below). The closure's output follows the result rule:
// rt.Async takes func() T, so for several results return a struct or an
// rt.TupleN; named results work as in any function.
//
// Only the literal written directly as rt.Async's argument is lowered;
// rt.Async(f) with any other func value is rt.Async's direct-mode future,
// which runs the plain function on a goroutine of its own when a task polls
// it. An async closure inside a plain func literal is plain Go, like the
// literal, and a suspension point in it is an error. A spawn inside a plain
// func literal (func() { rt.Spawn(WorkAsync(i)) }(), a callback) is no
// error: the plain rt.Spawn never waits, so it is an ordinary call there,
// as in direct mode, and its task goes to the process default runtime (the
// literal may run after the poll, or on another goroutine, so it cannot
// take the poll's Context). The caller joins such a task as any other; to
// keep a task on the caller's runtime, spawn from the async function
// itself or from an async closure.
//
// # Generics
//
// A generic async function and an async method of a generic type are
// lowered like any other, into a generic future:
//
//	//async:func
//	func Map[T, U any](xs []T, f func(T) U) []U { … }
//	// gives
//	func MapAsync[T, U any](xs []T, f func(T) U) rt.Future[[]U]
//
//	//async:func
//	func (s *Stack[T]) Pop() T { … }
//	// gives
//	func (s *Stack[T]) PopAsync() rt.Future[T]
//
// The future type declares the function's type parameters (a method's:
// its receiver's, under the names the receiver gives them), with the same
// constraints, and its Poll, Cancel and PollFrame are methods of it, so an
// instance is an rt.Future, rt.Canceler and rt.Frame like any other
// future: rt.Spawn(MapAsync(xs, f)) and rt.Spawn(MapAsync[int, string](xs,
// f)) infer or take the type arguments as Map would. A blank type parameter
// (func F[_ any], func (s *Stack[_]) Len()) is named in the generated code,
// which must name each. Inside async functions, a call of a generic
// function or method with a twin suspends whether its type arguments are
// written (F[int](x)) or inferred (F(x)), in this package or another one,
// and so does a call through a local func variable that holds an instance
// (f := F[int], var f func(int) int = F, m := s.Pop). A type parameter's
// value lives across suspension points like any variable (a field of its
// type parameter's type; a cell where its address is taken); ranges,
// indexing and slicing over a type parameter follow its core type, as in
// Go (S ~[]E ranges as a slice, S ~func(yield func(E) bool) as a function
// iterator, also with suspension points in the body, a range over C ~chan
// int is a blocking receive and an error). A method of a constraint is called as in Go, and
// suspends when the constraint has its twin (Fetch(k string) int with
// FetchAsync(k string) rt.Future[int]: f.Fetch(k) on an F of that
// constraint awaits f.FetchAsync(k)). Recursion and mutual recursion
// through generic functions and methods need no annotation, as elsewhere.
// An async closure in a generic function or a generic type's method has a
// generic future too, with its enclosing function's type parameters (its
// constructor's call writes them: rt.Async(func() T { … }) may capture no
// T); a variable it captures whose size depends on a type parameter is
// shared through its cell, never copied.
//
// An await of a generic async function of the same package uses the
// callee's future instantiated as the call instantiates the callee
// (*fFuture[int] as the frame; an inlined child in a field of type
// fFuture[int], one field per callee and instance, so awaiting F[int] and
// F[string] holds both side by side). The generated code writes the type
// arguments out; where one cannot be written in the caller's package (an
// unexported type of another package, reached by inference), that call is
// awaited through the twin's rt.Future instead, allocating its future, and
// nothing else changes. No generic form is rejected.
//
// # What is rejected, for now
//
// Each is reported as file:line:col: message, naming the construct and the
// fix, and nothing is written: a deferred call that would itself suspend
// (defer F() where F has a twin, other than a spawn; call F before each
// return instead); a suspension point inside a func literal (other than an
// async closure's: the error names rt.Async; a spawn there is an ordinary
// call); a use of a local type that code
// outside Poll would have to name: a deferred call whose function,
// receiver or arguments have a local type (defer a func literal making the
// call), an async closure whose output, captures, constants or body name
// a local type of the enclosing function, a range over a function whose body suspends
// and whose values have a local type (declare the type at package level),
// and a local type embedding another that Poll must rename (rename one);
// async functions in _test.go files; blank functions (func _) marked async, which have no twin; an
// async function without a body, or whose name already ends in Async, or
// marked //go:uintptrescapes (its future would hold the uintptr arguments
// without keeping their objects alive); a call of
// X whose twin XAsync returns a future but takes other parameters or yields
// another output than the result rule gives; more than 8 results (return a
// struct); a variable live across a suspension
// point whose type cannot be written outside its package
// (bo := binary.LittleEndian); a package that redeclares a predeclared name
// the generated code has no other spelling for (bool, or a predeclared type
// the code must write).
//
// Blocking operations are errors in an async function, with the corio
// replacement to use, because they would stall every task of the runtime
// thread: Go channel send, receive and range, select without default,
// time.Sleep, sync.WaitGroup.Wait, rt.Run inside a task, and blocking I/O —
// matched by the method the call resolves to, so c.Read on a *net.TCPConn
// (a method promoted from net's unexported conn) is caught, as are net.Conn
// through the interface, *os.File, http.Get and friends, and io.ReadAll or
// io.Copy on a socket, a file or an HTTP response body. A netx socket handed
// to such a plain-Go helper (io.Copy, io.ReadFull, bufio.NewReader…) is an
// error too: the helper would call its blocking Read or Write; netx.Copy,
// netx.ReadFull, netx.NewReader and netx.NewWriter suspend instead. A sync.Mutex or
// RWMutex locked before a suspension point and unlocked after it (in source
// order, the receiver written the same way; a deferred unlock unlocks at
// the end), or never unlocked in the function, is an error naming corio/syncx.Mutex: another task that locks it
// deadlocks the thread; a spawn, rt.Now() and rt.CurrentHandle() never
// wait (they are written in place with the poll's Context), so a lock
// held across them is held across no suspension point. A future made and dropped (FAsync(x) as a
// statement) is an error: it would never run.
//
// A comment that looks meant as the directive but is not it (// async:func,
// //async:fn, or //async:func separated from its func by a blank line) is
// a warning with its position: asyncgen would otherwise ignore it silently.
//
// # Output
//
// Each generated file begins with "// Code generated by asyncgen. DO NOT
// EDIT.", is gofmt-clean, passes go vet's default analyzers and is
// byte-for-byte deterministic. It carries /*line*/ directives so that panics
// and stack traces point at the source lines: on every statement and every
// branch condition (if, for, range, switch tag and case), again before each
// token that a /*line*/ comment in the middle of a source line precedes (an
// index's '[', an operator, a call's '('), and the code that
// is the generator's own carries directives naming the generated file's own
// lines, as cgo does, so it is never reported at a user's line. Frames name
// the source file by its base name (main.go) where direct mode names the
// absolute path: the generated files are committed, and an absolute path
// would make them differ from one checkout to another. Each function's code
// ends with a compile-time guard that fails if the function's signature
// changed since generation. Asyncgen never overwrites a
// file that lacks the header, writes through a temporary file and a rename (a
// failed run leaves every file as it was), removes generated files whose
// source no longer has async functions, and works with stale or missing
// generated files present: while type checking it replaces each generated
// file with a stub that declares only the twins' signatures.
//
// A generated file builds exactly where its source does: it carries the
// source's //go:build line combined with the source's file-name constraints
// (foo_linux.go's twin foo_linux_async.go gets //go:build linux). Asyncgen
// works on the files of the current build, like the compiler: for a file
// that only another platform builds, run it with that GOOS and GOARCH (such
// twins are never removed or reported by a run that excludes them).
//
// # Tracing: where a future is suspended
//
// Every generated future has a method Trace() rt.Trace (rt.Tracer), through
// which a task dump or a slow-poll report (rt.TraceChain) reads where a
// suspended task stopped. It returns:
//
//   - Func, the function's name as Go's goroutine dumps spell it, with the
//     package's name: pkg.F, pkg.F[...] for a generic function, pkg.T.M and
//     pkg.(*T).M for methods (pkg.(*T[...]).M on a generic type), and for
//     an async closure its enclosing function's name and .funcN (.N inside
//     another closure), N counting every func literal of the enclosing
//     body in source order, as the compiler numbers them;
//   - File, the package's import path, a slash and the source file's base
//     name (example.com/srv/server.go): never an absolute path, so the
//     generated code is the same in every checkout;
//   - Line, the source line of the await the future is suspended at, and
//     Awaiting, the future that await waits for: the await field (an
//     rt.Future, the callee's *fFuture, or the shared interface, each
//     holding the future itself), or the address of a future held by value
//     (&fut.av0), so that the chain goes on through inlined children and
//     frames whether or not the driver's frame stack polls them directly.
//     Line is 0 and Awaiting nil before the first poll and once done.
//     File and Line are the file asyncgen read and its own lines: //line
//     directives in the source do not move them.
//
// Nothing is recorded while the future runs: the state Poll already stores
// when it suspends names the await, and Trace is a switch from that state
// to the line (written from the IR, one case per await) and the field. It
// adds no field to the future and no instruction to Poll; the cost is the
// method's code, about 8% more generated text. Like every Trace, it must
// be called only while nobody polls the future (rt.Tracer).
//
// # Names
//
// No user identifier can collide with the generated code's. Locals and
// fields of a future avoid every name in scope there and the future's
// method names (Poll, Cancel, PollFrame and Trace share the fields'
// namespace); future type names avoid every name the package declares, so
// a parameter named like the type cannot shadow it; import aliases of the generated file (rt, utf8,
// reflect…) are chosen after lowering and take a suffix when the package's
// scope or the generated code uses the name; a name the source reaches
// through a dot import is written qualified. Where the package redeclares a
// predeclared identifier the generated code needs (const true = false,
// var nil = 0, const panic = 24, func len…), the code spells it without the
// name ((0 == 0), a zero value from a struct literal, log.Panic, …).
//
// # Memory
//
// A future holds only what it needs across suspension points. Liveness is a
// backward dataflow analysis over the control-flow graph: a variable is a
// field of the future only when it is live at some suspension point, else a
// local of Poll; fields of identical types that are never live together
// share one field (as a compiler shares a stack slot; a variable written by
// a statement counts as live together with everything live after that
// statement, so in zero, m = F(), m a dead zero never takes m's field); and
// a field that holds pointers is moved out of the future at its last use
// (the value is read and the field zeroed in one step) or, failing that,
// cleared at the first suspension point where it is dead, so a large buffer
// used before a loop of suspensions is not kept reachable by the sleeping
// task — as a goroutine's precise stack maps would not keep it.
// A variable whose address is taken gets an allocation of its own, as Go's
// escape analysis would give it, never a pointer into the future (which
// runtime.SetFinalizer rejects and which would keep the whole future
// alive). Awaiting an async function of the same package holds the callee's
// future by value in a field of the caller's future (one field per callee,
// zeroed when the await completes), so a chain of async calls allocates one
// future, not one per level; a callee that can reach its caller again
// (recursion), a method, and functions of other packages are awaited
// through their twins, each allocating its future unless the by-value rule
// above applies (a callee of the package is
// then held by its own pointer type; see Frames below) — except a
// recursive plain function of the package, whose callers take its future
// from an rt.FramePool and give it back once done (Frames below). The price is size: a
// caller's future holds every inlined callee's future side by side (see
// -sizes; a generic child is held as its instance, one field per instance,
// whose size its type arguments decide). The future being awaited is held in one field, since one await
// is pending at a time: a field of its type where the function awaits
// futures of one type; where it awaits several rt.Future types (other
// packages' futures: a read and a write), a field of the first, which the
// awaits of the others store and poll through an unsafe view as their own
// rt.Future type (every non-empty interface is an itab and a data word;
// layout.go says why that is sound), so no resume asserts anything
// (internal/genbench's BenchmarkSharedSlot, two awaits ready at once per
// op: 99 instructions an op with the assertion, 68 with the view, by
// valgrind's cachegrind; 15.8 against 9.6 ns, medians of 7 alternated
// runs; BenchmarkLeafByValue's pingpong/twin 1949 against 1879
// instructions, its time within the noise); else (a generated future of
// the package among them) an empty interface shared by all the awaits,
// which each resume asserts back to the future type it stored (about a
// nanosecond per resume). A future held by the by-value rule never goes in
// that interface (storing a struct there would allocate): it gets a field of
// its own type F, shared only by the awaits of that same F. That costs
// F's size per distinct F, side by side, instead of one 16-byte interface
// (a syncx.LockFuture is 64 bytes, a SendFuture or RecvFuture 96, an
// rt.Select2Future 72 plus its outputs, rt.YieldNowFuture 1, on amd64: see
// -sizes). Over asyncgen's 208 test futures the total shrank (22,856 to
// 20,720 bytes, mostly the 1-byte yields) while a few grew (a function
// awaiting several by-value types holds each).
//
// A spawn — rt.Spawn(f), rt.SpawnNamed(name, f), set.Spawn(f) for an
// rt.JoinSet — is no suspension point of the generated code, although its
// twin is a future: that future spawns at its first poll and is ready at
// once, with nothing between its creation and that poll. So the spawn is
// an ordinary call where it stands, of the rt function that does the same
// with the poll's Context and returns the handle: rt.SpawnIn(cx, f),
// rt.SpawnNamedIn(cx, name, f), set.SpawnIn(cx, f). It is evaluated in Go's
// order with the rest of its expression, its operands first; nothing
// around it is spilled into temporaries or fields on its account (only a
// real suspension point to its right spills the calls on its left, the
// spawn among them), and a statement, loop, switch or range over a
// function iterator or a map whose only suspension points are spawns is
// kept as written instead of being lowered (no iterator, map iteration or
// coroutine state in the future). The task gets its id from the Context's
// block and goes to the runtime polling the caller (the process default
// runtime for a Context from rt.NewContext), named first where named; the
// caller's future keeps no field for the spawn and has no state for it (a
// function whose only suspension points are spawns never suspends), and a
// sync.Mutex held across a spawn is held across no suspension point. A
// spawn written through a func value or a method expression (f :=
// rt.Spawn[int]; f(x)), or whose type argument cannot be spelled here, is
// awaited through its twin as any call (it is ready at once). In a plain
// func literal and as a deferred call a spawn is the plain function's
// call (see "Defer, panic and recover" and "Async closures").
//
// rt.Now() and rt.CurrentHandle() are written in place the same way, as
// calls of the poll's Context: cx.Now() reads the clock of the runtime
// polling the caller (a test runtime's paused clock), cx.Handle() is a
// handle on that runtime, what their twins' futures, ready at once, would
// return; no field, no state, no spill, and a loop that reads the clock
// and holds no other suspension point is kept as written (a future 96
// bytes before, 40 after, for such a loop appending to a slice). Inside a
// plain func literal they remain suspension points, rejected as such: the
// plain calls would read the process's real clock and the default
// runtime, which the async function's own calls do not.
//
// A spawn of the future of a plain async function of the package, made on
// the spot — rt.Spawn(FAsync(x)), rt.SpawnNamed(name, FAsync(x)),
// set.Spawn(FAsync(x)) — also puts the future into its task: it becomes
// rt.SpawnInlineIn[T, fFuture](cx, initFFuture(x)) (or
// rt.SpawnNamedInlineIn, rt.JoinSetSpawnInlineIn), one allocation for the
// task and the future where the twin and the task made two. Recursion does
// not matter here (the future lives in the new task, not in the caller's),
// nor does anything else change: the handle, Abort, the task dump and the
// metrics see the task as before, and the future is zeroed when the task
// completes, so a JoinHandle kept afterwards holds nothing it referred to. A
// future made elsewhere (a variable, another package's twin, a method's, an
// async closure's, a set promoted from an embedded field) is spawned as it
// is. cmd/asyncbench's chain link (a function that spawns the next link)
// is 24 bytes instead of 40 this way, and its task 88 bytes (the 96-byte
// size class) instead of 104 (112).
//
// # Frames: resuming deep awaits at the innermost one
//
// A future that awaits an async function of its own package (a plain
// function held by value, a recursive one or a method through its twin)
// drives it as a frame of the runtime's frame stack (rt.Frame; rt's
// documentation has the whole design). The generated code:
//
//   - holds the callee's future by its own pointer type (*fFuture, the
//     twin's result asserted to it; or &field for an inlined callee): the
//     await field has that type where the function awaits nothing else, and
//     where the field is shared (an any) each resume asserts it back to
//     *fFuture, so the frame is polled without an rt.Future interface;
//   - around each poll of it, driven = cx.EnterFrame(fut, child) and, if
//     driven, cx.ExitFrame(fut, child, ready, fresh): when the driver (task,
//     BlockOn, Await) is polling this future directly, the child is driven
//     too, and if it suspends again (fresh, set where the child is made,
//     says this call of Poll made it) it is pushed on the driver's stack, so
//     the next wake-up polls it directly instead of through every caller;
//   - for a plain, non-generic function that a caller awaits through a
//     pointer (recursion), a package-level rt.FramePool of its futures
//     (fFuturePool) and a constructor newFFuture(cx, args) that the callers
//     call instead of the twin: it takes a zeroed future from the pool that
//     cx keeps (or allocates one) and stores the arguments; the caller gives
//     the future back with fFuturePool.Put(cx, child) right after the await
//     has its output (not when it is cancelled or panics), so a recursion
//     that goes deep again and again reuses its futures instead of
//     allocating them each time (rt's doc, "Recycled futures", has when a
//     Context drops them);
//   - for a function that others of the package await, PollFrame (Poll,
//     then keep the output in the field res and move to state -2) and
//     Poll's case -2, which hands the kept output to the caller's next poll
//     and ends the future. The driver pops a frame that completed and polls
//     its parent at once, whose resume code polls the child exactly as
//     before and receives the output from that poll.
//
// A frame belongs to its parent (the field or pointer that holds it);
// the stack only lists it, as integers that keep nothing alive: the
// parent's await field is what does, so the generated code clears it (and
// gives a pooled child back) only once the await has the output, after the
// driver popped the frame. Cancel still goes from the root down through
// the await fields, cancelling innermost first, once each. A panic in the
// innermost frame reaches the driver with its value and the stack of the
// place it was raised; the callers' Poll methods are not on the Go stack then,
// so a trace shows the innermost frame rather than the chain. A future with
// a defer pending that may recover (see Defer, panic and recover) does not
// drive the frame it awaits (it calls no EnterFrame while a defer is
// pending, in a function with a deferred call that may recover), so
// everything below it is polled inline from its Poll and a panic there
// unwinds through its defers and recover; the pending defers of the other
// futures the driver bypassed run when the panic cancels the root. Futures of other packages, interface methods and
// any future under a hand-written combinator (rt.Select, rt.Join, Timeout)
// are polled as before: each is the root of its own region, inside which
// generated futures poll their children inline.
//
// Cost: per frame, the callee's kept output (res, none for no results) and
// the two locals driven and fresh in its caller's Poll; per suspended frame 16 bytes of
// stack; per await, two inlined calls; per recursive call, a FramePool Get
// and Put instead of an allocation. The gain: a suspension costs the same
// at any depth, and Go's test/peano.go made async by internal/gotest
// (recursion 362,880 deep, a suspension per statement: 4.9 million polls)
// runs in 0.46 s of wall time and 0.42 s of CPU against plain Go's 0.10
// and 0.08 s (medians of 11 runs alternated, on a 2-core machine at load
// 5; 4.6x and 5.4x; rt's doc, "Frames", has other loads and the
// breakdown) where it took time quadratic in the depth before frames
// (minutes; it timed out in internal/gotest), and 0.70 and 0.57 s in the
// same runs with frames but before the main future was re-polled in place
// and the frame stack held integers (about 11x on a quiet machine), and
// 1.73 s of wall with an allocation per recursive call. Go's semantics are kept in every case the differential
// and random-program tests cover; no case needed root-polling.
//
// # Design
//
// The generator is a pipeline with a file per stage: load.go (go/packages,
// stubs for generated files, near-miss directives; typecheck.go type-checks
// the packages without having go list compile them), find.go (the marked
// declarations), check.go (suspension points by the twin rule, calls
// through func variables that hold only functions with twins included;
// rejected constructs; blocking calls), inline.go (the package's call graph, callees
// held by value), then, for each function, a small compiler over an IR of
// its own (ir.go). Lowering builds a control-flow graph of blocks, each a
// list of instructions that hold no suspension point (assignments, cells,
// statements kept as the source wrote them…) and one terminator (jump,
// branch, return, await); expressions are the source's go/ast syntax with
// nodes of the IR for what the lowering adds (a variable of the machine, a
// member of another package, a type), so the printer is told what to spell
// rather than handed text. The passes, which emit.go's lowerFunc runs in
// order: escape.go (variables whose address escapes get cells; it runs
// first, since lowering a declaration depends on it); lower.go (the builder
// and the function's variables) with stmt.go (statements), defer.go (defer
// statements; after numbering, which of them are on a cycle, and the
// methods that run them), range.go (range loops; a slice variable nothing
// can change is read in place, and a key nothing changes is the index;
// rangefunc.go those over functions) and expr.go (order-preserving expression
// lowering; order.go says which operands gc evaluates early); optimize.go (jump threading, states numbered densely in source
// order); liveness.go (where each variable lives, shared fields, and
// clearing: a pointer-holding field is moved out of the future at its last
// use, through a small generic helper the file declares, and cleared at the
// first suspension point where it is dead); layout.go (await and
// inlined-child fields); emit.go (the Go code, which reads the IR and
// changes nothing in it) with print.go (instructions, returns, the
// /*line*/ directives), printer_syntax.go (the printer of source syntax) and
// printer_code.go (the code value and the printer of types), and trace.go
// (Trace, from the states that resume awaits). sanity.go checks the IR's invariants after each
// pass in the tests: every block terminated, every target a block of the
// function, each await resumed by exactly one block, states dense, every
// variable live at a suspension point in a field of its own, cleared fields
// dead there, a moved field mentioned once by its instruction. Around them:
// closure.go (async closures: each becomes an asyncFunc of its own,
// checked with its enclosing function and emitted after it; captures and
// the constructor call), naming.go (the naming scheme), generic.go (generic futures: type
// parameter lists, the instances of generic callees), constraint.go (the generated files' build
// constraints), sizes.go (-sizes) and gen.go (files, the plan of writes).
// Jennifer (the github.com/dave/jennifer code builder) is used for the file
// around the code: the package clause, the header and build constraint,
// the import block, whose aliases it writes from the qualified names the
// code uses, and formatting (go/format) of the whole.
//
// The code itself is a value made of two kinds of pieces: literal Go text
// and qualified references (an import path and a member's name), which
// become jennifer's Op and Qual. Emission writes it through a small writer
// (text, qualified names, types, printed syntax); types are written by a
// printer of go/types types that mirrors types.TypeString and turns every
// name of another package into a reference. Source syntax (expressions,
// statements, types, func literals: whatever go/ast holds in a body) is
// written by a printer of its own that walks the user's syntax tree without
// copying or changing it, substituting as it writes: a variable becomes its
// field, its local or, at its last use, a move out of the future; a name of
// another package (qualified, or reached through a dot import) a reference;
// a local const declaration its values; a return or a jump out of a kept
// statement the state machine's return or change of state; and the
// /*line*/ directives go before each statement and before any token that a
// mid-line directive precedes in the source. The printer writes tokens and
// line breaks only; spacing within a line is left to go/format, which keeps
// the line breaks it is given (a statement per line, a func literal's body
// over several lines, a struct or interface type on one line only when it
// has a single small field). No text is parsed back. The one textual step
// is the last: each line of the generator's own code that follows user code
// carries a mark that is replaced, once the file is formatted, by a
// directive naming the generated file's own line and column, which only
// then are known.
//
// A generator panic is caught and
// reported as an internal error at the async function's position, never a
// crash; a fuzz test (FuzzGenerate) and a property test over random valid
// programs check that none occurs. It is built like a small compiler
// because simpler schemes get Go's semantics wrong:
//
//   - Re-entering structured code on resume (a switch jumping into the
//     middle of the original if/for nest, as some coroutine rewriters do)
//     must re-evaluate guards to get back in, which runs side effects twice
//     or skips bodies. Asyncgen instead splits the body into basic blocks
//     whose terminators are jumps, branches, returns and awaits; Poll is a
//     loop over a switch with one case per block, and resuming enters the
//     case after the suspension directly.
//   - Hoisting only the suspension point out of an expression breaks Go's
//     order of calls (f(a(), b()) must call a before b suspends). The lowering
//     spills every call to the left of a suspension point into a temporary
//     first, and every other operand that gc's order pass evaluates into a
//     temporary where it stands (order.go): && and ||; len, cap, min, max,
//     append, make, new and the other builtins that become runtime calls; a
//     slice expression; []byte(s); a type assertion to a type that is not
//     pointer-shaped; a map literal with a non-constant entry, which gc
//     builds there entry by entry (constant entries first, then each other
//     entry's calls and reads in turn); and an operand a runtime routine
//     takes by address that is not addressable (a bool comparison, a struct
//     or array literal, a byte converted to an interface argument; a
//     struct literal compared; a float map key). Other operands — variables,
//     fields, elements, arithmetic, slice, array and struct literals — stay
//     in place and are read after all of those, as gc reads them. && and ||
//     whose right side suspends, or whose right side's calls would
//     otherwise be spilled, become branches. (The language leaves the order
//     of plain operands unspecified; asyncgen follows gc, and a seeded
//     random-program test checks it. Behaviour at the time of writing, not
//     a promise: gc under -race copies more (every map index and type
//     assertion), which asyncgen does not follow. Code whose output depends
//     on unspecified order should not be written either way.)
//   - Turning every variable into a field costs memory in every suspended
//     task and breaks Go 1.22 loop variables. Each variable gets a unique
//     name (scopes are flattened into one Poll); a variable stays a local of
//     Poll unless it is live across a suspension point; one whose address
//     escapes lives in a heap cell, fresh per declaration and per iteration,
//     copied before the post statement as the Go 1.22 rules say.
//   - Goroutine-backed coroutines (iter.Pull, channels) keep a stack per
//     task, which is exactly the cost corio exists to avoid. Asyncgen uses
//     one in a single place, where nothing else can work: the iterator of
//     a range over a function whose body suspends is arbitrary code that
//     must stay suspended in the middle of its call (see above).
//
// Statements without suspension points are not lowered at all: a plain loop
// stays a plain loop, with its own variables; only a return or a break or
// continue out of it to a lowered statement is rewritten.
//
// Every package reference in the code is a qualified name for jennifer,
// so jennifer writes the imports. Local constants are written by value,
// exactly (an implicitly repeated const list cannot be reprinted with
// renamed names; a value too large or small for a fraction, 1e646456992, is
// written as a hexadecimal float), and an unsafe.Pointer conversion is spilled
// whole, never its uintptr operand, as the unsafe rules require.
//
// # Checking without generating
//
// The asynccheck package (cmd/asyncvet runs it, also as go vet
// -vettool=$(command -v asyncvet)) applies check.go's rules, from the same
// code (internal/asyncrules), as a go/analysis analyzer, so editors and CI
// see what asyncgen would reject without running it. To tell a stale twin without
// generating, each generated file records on the line after its header the
// sha256 of its source file's bytes (// asyncgen:source sha256:<hex>);
// -check compares it like the rest of the file. A file from an older
// asyncgen, without that line, is still asyncgen's to overwrite, and the
// analyzer reports it stale.
package main
