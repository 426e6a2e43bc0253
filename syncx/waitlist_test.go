package syncx

import "testing"

// TestWaitListOrder checks FIFO order, O(1) removal from every position and
// pushFront, against a slice model.
func TestWaitListOrder(t *testing.T) {
	var l waitList
	ws := make([]*waiter, 6)
	for i := range ws {
		ws[i] = &waiter{n: i}
		l.pushBack(ws[i])
	}
	l.remove(ws[0]) // head
	l.remove(ws[5]) // tail
	l.remove(ws[2]) // middle
	l.pushFront(ws[5])
	want := []int{5, 1, 3, 4}
	if l.len != len(want) {
		t.Fatalf("len = %d, want %d", l.len, len(want))
	}
	for _, n := range want {
		w := l.popFront()
		if w == nil || w.n != n || w.queued {
			t.Fatalf("popFront = %+v, want n=%d unqueued", w, n)
		}
	}
	if !l.empty() || l.popFront() != nil || l.len != 0 {
		t.Fatal("list not empty after popping everything")
	}
}
