package rt

import "unsafe"

// The frame stack: resuming a suspended task where it stopped.
//
// A future awaiting a future awaiting a future… is resumed by polling the
// outermost one, which polls the next, down to the one that was waiting: a
// wake-up of a task suspended d awaits deep costs d calls. For the futures
// asyncgen generates, a driver — a task, a BlockOn main future, Await —
// instead keeps the chain of generated futures its root is suspended in on a
// stack and polls the innermost one directly. See "Frames" in doc.go.

// Frame is implemented by the futures asyncgen generates for async functions
// that other async functions of their package await. It is for generated code
// only: hand-written futures neither implement it nor call the Context's frame
// methods, and lose nothing by it.
//
// PollFrame polls the future as a frame of a driver's stack. When the future
// completes, PollFrame keeps its output and returns true; the next Poll (by
// the frame's parent, which the driver polls at once) returns that output and
// finishes the future. Until then it is Poll.
type Frame interface {
	PollFrame(cx *Context) bool
}

// frameID identifies a future by its interface words (type and pointer):
// two distinct futures never share both, even where one is the first field
// of the other. Comparing the words directly costs two compares where
// comparing two interfaces calls into the runtime. They are held as
// integers: an identity keeps nothing alive (the future it names is alive
// while it is compared: it is being polled, or is the pending frame its
// parent holds), and storing it into a Context, which lives in the heap,
// then needs no write barrier — a measurable share of a deep task's
// suspension while the GC marks.
type frameID struct{ typ, data uintptr }

func idOf(f any) frameID { return *(*frameID)(unsafe.Pointer(&f)) }

// frameRef is a Frame held as its interface words (itab and pointer) in
// integers, as the frame stack holds it. The frames on a stack are alive
// without it: each is the pending child of its parent, which holds it (by
// value, or behind a pointer in its await field) until it has taken the
// output — after the driver popped it — and the parents are reachable from
// the root, which the driver holds; and futures live in the heap, which
// does not move. So the stack needs no pointers: the collector neither
// scans it (a frame would be reached twice, from its parent and from the
// stack, at every collection of a deep recursion) nor runs write barriers
// for its pushes and pops. A stack is read only while its driver polls:
// once the driver is dropped (its task completed, was cancelled or
// panicked) its stack is never read again.
type frameRef struct{ tab, data uintptr }

func refOf(f Frame) frameRef { return *(*frameRef)(unsafe.Pointer(&f)) }

// frame returns the Frame r holds.
func (r frameRef) frame() Frame { return *(*Frame)(unsafe.Pointer(&r)) }

// minPushDepth is the await depth from which suspended frames are pushed.
// The frames above it (the root's child, at depth 1) are re-polled by the
// root at each wake-up, as they would be without a stack: one or two calls
// cost less than a push, a pop and the parent's extra poll for its child's
// output, and a task that never suspends deeper allocates no stack.
const minPushDepth = 2

// EnterFrame is called by generated code before a future (parent) polls the
// generated future it awaits (child). If the driver is polling parent
// directly (or through generated awaits only), child is marked driven and
// EnterFrame returns true: the caller then calls ExitFrame after the poll.
// For generated code only.
func (cx *Context) EnterFrame(parent, child any) bool {
	if cx.top != idOf(parent) {
		return false
	}
	cx.top = idOf(child)
	return true
}

// ExitFrame is called by generated code after the poll of a child that
// EnterFrame marked driven: if the child completed, parent is driven again
// (it may await another child); if it is pending, the child is recorded so
// that the driver pushes it and polls it first at the next wake-up — unless
// fresh (the child was made in this poll of parent): a frame is pushed at
// its second suspension, so a call that suspends once (a chain that waits
// for one reply and unwinds) is re-polled once through its callers, which
// costs what building it did, instead of a push and a pop per frame. For
// generated code only.
func (cx *Context) ExitFrame(parent any, child Frame, ready, fresh bool) {
	if ready {
		cx.top = idOf(parent)
		return
	}
	if !fresh {
		cx.record(child)
	}
}

// record records a pending frame for its driver (see ExitFrame).
func (cx *Context) record(f Frame) {
	if s := cx.stack; s != nil {
		if len(s.frames) == cap(s.frames) {
			s.grow()
		}
		s.frames = append(s.frames, refOf(f))
		return
	}
	cx.pushed = append(cx.pushed, f)
}

// frameStack is a driver's stack of suspended frames, outermost first; the
// root, which the driver owns, is not on it. Owned by whoever polls the
// driver's root (the holder of a task's RUNNING bit).
type frameStack struct {
	frames []frameRef
}

// drive polls root through its frame stack *fs (allocated on first use): the
// innermost frame first; a frame that completes is popped and the frame
// below it (or the root) is polled at once, in the same turn, and takes the
// completed frame's output with its next poll. Frames that suspend during
// the poll are pushed. Where the Context allows it (Context.repoll), a
// future that woke itself through a yield is polled again at once. A panic
// or runtime.Goexit that leaves a frame's poll cancels root on its way out
// (runStack), so that the futures between root and that frame, whose Poll
// methods are not on the Go stack, run their pending defers innermost first
// while it unwinds, as Go's callers would; then the caller drops the driver
// (its task completes, BlockOn unwinds) and the stack is never read again.
func drive[T any](cx *Context, fs **frameStack, root Future[T]) (v T, ok bool) {
	if len(cx.pushed) != 0 || cx.stack != nil {
		cx.clearPushed() // left by a poll that panicked
		cx.stack = nil
	}
	for {
		if s := *fs; s != nil {
			done := runStack(cx, s, root)
			if !done {
				cx.top = frameID{}
				return v, false
			}
			// Unwound to the root: the empty stack goes back to cx.
			*fs = nil
			cx.putStack(s)
		}
		cx.top = idOf(root)
		v, ok = root.Poll(cx)
		if ok {
			break
		}
		if len(cx.pushed) != 0 {
			adoptRoot(cx, fs)
		}
		if !cx.repoll() {
			break
		}
	}
	cx.top = frameID{}
	return v, ok
}

// runStack runs s (run) with cx.stack set to it. If a panic or
// runtime.Goexit leaves the poll of a frame, it cancels root before the
// panic goes on (unwindRoot).
func runStack(cx *Context, s *frameStack, root any) bool {
	cx.stack = s
	ok := false
	defer unwindRoot(cx, root, &ok)
	done := s.run(cx)
	ok = true
	cx.stack = nil
	return done
}

// unwindRoot is deferred by runStack: unless ok (the frames' poll
// returned), a panic or runtime.Goexit is leaving a frame that the driver
// polled directly, and root, with the futures between it and that frame
// (which the generated code lets the driver bypass only while none of
// their pending deferred calls may recover; asyncgen's "Frames"), is not
// on the Go stack. Cancelling root reaches each of them through its
// parent's await field and runs its pending defers, innermost first, each
// once, while the panic is in flight, where Go runs a caller's defers as
// the panic leaves its callee; the frames the panic left already ran
// theirs and have none pending. The driver is dropped afterwards, so the
// cancelled root is never polled again.
func unwindRoot(cx *Context, root any, ok *bool) {
	if *ok {
		return
	}
	cx.stack = nil
	if c, is := root.(Canceler); is {
		c.Cancel()
	}
}

// run polls the frames from the top until one is pending (false) or none
// is left (true: the root comes next). cx.stack is s: the frames that
// suspend in a poll of the top frame are appended to s directly, innermost
// first, and reversed in place after the poll. A pending frame is polled
// again at once where cx allows it (Context.repoll): the top frame, which
// may be a frame it pushed.
func (s *frameStack) run(cx *Context) bool {
	for n := len(s.frames); n > 0; n = len(s.frames) {
		f := s.frames[n-1].frame()
		id := idOf(f)
		for {
			cx.top = id
			if f.PollFrame(cx) {
				s.frames = s.frames[:n-1]
				break
			}
			if m := len(s.frames); m != n {
				for i, j := n, m-1; i < j; i, j = i+1, j-1 {
					s.frames[i], s.frames[j] = s.frames[j], s.frames[i]
				}
				if !cx.repoll() {
					return false
				}
				break // poll the new top
			}
			if !cx.repoll() {
				return false
			}
		}
	}
	return true
}

// grow doubles the stack's capacity. append alone grows a large slice by a
// quarter at a time: a recursion that goes d frames deep in one descent
// would copy the stack about 5d times instead of 2d.
//
//go:noinline
func (s *frameStack) grow() {
	frames := make([]frameRef, len(s.frames), 2*cap(s.frames)+8)
	copy(frames, s.frames)
	s.frames = frames
}

// push pushes the frames recorded during one poll: innermost first in p.
func (s *frameStack) push(p []Frame) {
	for i := len(p) - 1; i >= 0; i-- {
		s.frames = append(s.frames, refOf(p[i]))
	}
}

// adoptRoot pushes what the root's poll recorded, innermost first: the
// chain the root is suspended in. The outermost minPushDepth-1 frames stay
// off the stack (the root re-polls them).
func adoptRoot(cx *Context, fs **frameStack) {
	if p := cx.pushed; len(p) >= minPushDepth {
		s := *fs
		if s == nil {
			s = cx.getStack()
			*fs = s
		}
		s.push(p[:len(p)-(minPushDepth-1)])
	}
	cx.clearPushed()
}

// getStack returns an empty frame stack: one cx keeps, or a new one.
func (cx *Context) getStack() *frameStack {
	cx.checkGC()
	if n := len(cx.spare); n > 0 {
		s := cx.spare[n-1]
		cx.spare[n-1] = nil
		cx.spare = cx.spare[:n-1]
		return s
	}
	return &frameStack{frames: make([]frameRef, 0, 8)}
}

// putStack keeps an empty stack for the next
// driver polled with cx that suspends deep, so that a task going deep and
// back at every suspension allocates nothing in steady state. A stack that
// grew past maxKeptPushed frames is kept only until the next garbage
// collection (checkGC), so that a recursion that goes deep again and again
// does not grow a stack from scratch each time, and one that went deep once
// does not keep it.
func (cx *Context) putStack(s *frameStack) {
	if len(cx.spare) < maxSpareStacks {
		cx.spare = append(cx.spare, s)
	}
}

// maxSpareStacks bounds the empty stacks a Context keeps.
const maxSpareStacks = 8

// clearPushed empties cx.pushed, keeping its array for the next poll
// unless a deep descent grew it past maxKeptPushed.
func (cx *Context) clearPushed() {
	if cap(cx.pushed) > maxKeptPushed {
		cx.pushed = nil
		return
	}
	clear(cx.pushed)
	cx.pushed = cx.pushed[:0]
}

// maxKeptPushed bounds the scratch array a Context keeps between polls.
const maxKeptPushed = 256
