package rt

import (
	"testing"
	"unsafe"
)

// TestTaskLayout pins the task sizes every spawned future pays for: the
// header in 64 bytes, so that a task whose output is up to two words and
// whose future is an interface value stays in the 96-byte size class, a
// future held inline costing its own size and no interface (examples/echo's
// idle connection: 64 + 48 = 112, a size class), and the JoinHandle adding
// nothing.
func TestTaskLayout(t *testing.T) {
	if got := unsafe.Sizeof(taskHeader{}); got != 64 {
		t.Errorf("taskHeader is %d bytes, want 64", got)
	}
	if got := unsafe.Sizeof(boxedTask[error]{}); got != 96 {
		t.Errorf("boxedTask[error] is %d bytes, want 96", got)
	}
	if got := unsafe.Sizeof(boxedTask[struct{}]{}); got != 80 {
		t.Errorf("boxedTask[struct{}] is %d bytes, want 80", got)
	}
	if got, want := unsafe.Sizeof(inlineTask[error, layoutFuture, *layoutFuture]{}), unsafe.Sizeof(taskHeader{})+16+40; got != want {
		t.Errorf("inlineTask[error] of a 40-byte future is %d bytes, want %d", got, want)
	}
	if unsafe.Sizeof(JoinHandle[error]{}) != unsafe.Sizeof(task[error]{}) {
		t.Error("a JoinHandle is not its task")
	}
	// Every variant begins with task[T]'s fields, at the same offsets.
	if unsafe.Offsetof(boxedTask[error]{}.out) != unsafe.Offsetof(task[error]{}.out) ||
		unsafe.Offsetof(inlineTask[error, layoutFuture, *layoutFuture]{}.out) != unsafe.Offsetof(task[error]{}.out) {
		t.Error("a task variant's output is not where task[T] has it")
	}
}

// layoutFuture is a 40-byte future for TestTaskLayout.
type layoutFuture [5]uintptr

func (*layoutFuture) Poll(*Context) (error, bool) { return nil, true }

// TestTaskSelf checks that the runner rebuilt from a header's method table
// is the task itself, with the task's methods.
func TestTaskSelf(t *testing.T) {
	tk := newTask[int](Ready(7))
	r := tk.taskHeader.self()
	if got, ok := r.(*boxedTask[int]); !ok || got.view() != tk {
		t.Fatalf("self() = %T %p, want the task %p", r, r, tk)
	}
	if tk.handle().task() != tk {
		t.Fatal("handle().task() is not the task")
	}
}

// TestRingOwnsItsLines: a ring's size is a multiple of a cache line, so that
// the allocator's size class starts every ring on a line boundary and no two
// workers' rings share a line (one owner's tail beside the next owner's head
// doubled the cost of a multi-thread yield).
func TestRingOwnsItsLines(t *testing.T) {
	if s := unsafe.Sizeof(ring{}); s%64 != 0 {
		t.Fatalf("ring is %d bytes; pad it to a multiple of 64 (head and tail on lines of their own)", s)
	}
	if off := unsafe.Offsetof(ring{}.tail); off < 64 {
		t.Fatalf("ring.tail at offset %d shares the stealers' line with head", off)
	}
}
