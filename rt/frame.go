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
// comparing two interfaces calls into the runtime.
type frameID struct{ typ, data unsafe.Pointer }

func idOf(f any) frameID { return *(*frameID)(unsafe.Pointer(&f)) }

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
// that the driver pushes it and polls it first at the next wake-up. For
// generated code only.
func (cx *Context) ExitFrame(parent any, child Frame, ready bool) {
	if ready {
		cx.top = idOf(parent)
		return
	}
	cx.pushed = append(cx.pushed, child)
}

// frameStack is a driver's stack of suspended frames, outermost first; the
// root, which the driver owns, is not on it. Owned by whoever polls the
// driver's root (the holder of a task's RUNNING bit).
type frameStack struct {
	frames []Frame
}

// drive polls root through its frame stack *fs (allocated on first use): the
// innermost frame first; a frame that completes is popped and the frame
// below it (or the root) is polled at once, in the same turn, and takes the
// completed frame's output with its next poll. Frames that suspend during
// the poll are pushed. A panic leaves the stack as it was: the caller drops
// the driver (its task completes, BlockOn unwinds).
func drive[T any](cx *Context, fs **frameStack, root Future[T]) (v T, ok bool) {
	if len(cx.pushed) != 0 {
		cx.clearPushed() // left by a poll that panicked
	}
	if s := *fs; s != nil && len(s.frames) != 0 {
		if !s.run(cx) {
			cx.top = frameID{}
			return v, false
		}
	}
	cx.top = idOf(root)
	v, ok = root.Poll(cx)
	cx.top = frameID{}
	if !ok && len(cx.pushed) != 0 {
		adoptRoot(cx, fs)
	}
	return v, ok
}

// run polls the frames from the top until one is pending (false) or none
// is left (true: the root comes next).
func (s *frameStack) run(cx *Context) bool {
	for n := len(s.frames); n > 0; n = len(s.frames) {
		f := s.frames[n-1]
		cx.top = idOf(f)
		if !f.PollFrame(cx) {
			if len(cx.pushed) != 0 {
				s.push(cx.pushed)
				cx.clearPushed()
			}
			return false
		}
		s.frames[n-1] = nil
		s.frames = s.frames[:n-1]
	}
	return true
}

// push pushes the frames recorded during one poll: innermost first in p.
func (s *frameStack) push(p []Frame) {
	for i := len(p) - 1; i >= 0; i-- {
		s.frames = append(s.frames, p[i])
	}
}

// adoptRoot pushes what the root's poll recorded, innermost first: the
// chain the root is suspended in. The outermost minPushDepth-1 frames stay
// off the stack (the root re-polls them).
func adoptRoot(cx *Context, fs **frameStack) {
	if p := cx.pushed; len(p) >= minPushDepth {
		s := *fs
		if s == nil {
			s = &frameStack{}
			*fs = s
		}
		s.push(p[:len(p)-(minPushDepth-1)])
	}
	cx.clearPushed()
}

func (cx *Context) clearPushed() {
	clear(cx.pushed)
	cx.pushed = cx.pushed[:0]
}
