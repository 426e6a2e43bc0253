package poller

import (
	"sync/atomic"
	"unsafe"
)

// A slot keeps each of its two waiters in one word rather than in a Waker
// interface (two words), which is what brings a slot from 40 bytes to 24.
// The word is a pointer whose low two bits say what it points at:
//
//	waiterWord  the data word of a Waker of the word type (SetWordWaker):
//	            the interface is rebuilt from that type's method table and
//	            this word; nil is no waiter
//	waiterBox   a *Waker the slot allocated and owns, holding the waiter
//	            (nil: no waiter, the box kept for the registration's next
//	            waiter that is neither the word type nor a WakerBoxer, so
//	            such a waiter allocates once per registration, not per wait)
//	waiterLent  a *Waker lent by the waiter itself (WakerBoxer), which
//	            holds the waiter; the slot never writes into it
//
// A tagged pointer still points into its object (every pointer stored here
// is at least 4-aligned), so the collector keeps the object alive. The words
// are protected by the slot's lock bit, like the interfaces they replace.
const (
	waiterWord    uintptr = 0
	waiterBox     uintptr = 1
	waiterLent    uintptr = 2
	waiterTagMask uintptr = 3
)

// iface is the layout of a non-empty interface value: its method table and
// its data word.
type iface struct{ tab, data unsafe.Pointer }

// wordTab is the method table of (Waker, the word type): set once, by
// SetWordWaker, and never changed, so a word stored under it is rebuilt
// under it. Atomic.
var wordTab unsafe.Pointer

// SetWordWaker makes the dynamic type of w the poller's word type: a waiter
// of that type is kept in a slot as its data word alone, with no allocation,
// and rebuilt from it when woken. A runtime calls it once, at start-up, with
// the type its tasks wake through (package rt: its task header); every other
// Waker still works, kept in a box (see WakerBoxer). The first call decides;
// it returns whether w's type is (now) the word type. w must not be nil, and
// a waiter of the word type whose data word is not 4-aligned is boxed.
func SetWordWaker(w Waker) bool {
	if w == nil {
		panic("corio/poller: SetWordWaker with a nil Waker")
	}
	tab := (*iface)(unsafe.Pointer(&w)).tab
	return atomic.CompareAndSwapPointer(&wordTab, nil, tab) || atomic.LoadPointer(&wordTab) == tab
}

// A WakerBoxer is a long-lived Waker that lends the poller a box holding
// itself, so that waiting on a registration allocates nothing even though
// the Waker is not of the word type. WakerBox must return the same box every
// time, and the box must hold the Waker itself for as long as any
// registration may keep it (the poller only reads it).
type WakerBoxer interface {
	Waker
	WakerBox() *Waker
}

func tagged(p unsafe.Pointer, tag uintptr) unsafe.Pointer { return unsafe.Add(p, tag) }

// untag returns a non-word waiter's box.
func untag(p unsafe.Pointer, tag uintptr) *Waker { return (*Waker)(unsafe.Add(p, -int(tag))) }

// waiterOf returns the Waker that waiter word p holds, or nil. The caller
// holds the slot's lock, or p was detached from the slot under it.
func waiterOf(p unsafe.Pointer) Waker {
	if tag := uintptr(p) & waiterTagMask; tag != waiterWord {
		return *untag(p, tag)
	}
	return wordWaker(p)
}

// wordWaker rebuilds the Waker of the word type whose data word is p (nil
// for a nil p).
func wordWaker(p unsafe.Pointer) Waker {
	var w Waker
	if p != nil {
		*(*iface)(unsafe.Pointer(&w)) = iface{tab: atomic.LoadPointer(&wordTab), data: p}
	}
	return w
}

// appendWord appends the Waker of the word type whose data word is p (not
// nil) to wake, built in place: dispatch's path for a task.
func appendWord(wake []Waker, p unsafe.Pointer) []Waker {
	wake = append(wake, nil)
	*(*iface)(unsafe.Pointer(&wake[len(wake)-1])) = iface{tab: atomic.LoadPointer(&wordTab), data: p}
	return wake
}

// takeWaiter removes the waiter kept in *wp and returns it (nil if none).
// An owned box stays, emptied, for the next waiter. The caller holds the
// slot's lock.
func takeWaiter(wp *unsafe.Pointer) Waker {
	p := loadWaiter(wp)
	if uintptr(p)&waiterTagMask != waiterWord {
		return takeBoxed(wp, p)
	}
	if p == nil {
		return nil
	}
	storeWaiter(wp, nil)
	return wordWaker(p)
}

// takeBoxed is takeWaiter for a waiter word p that points at a box. The
// caller holds the slot's lock.
func takeBoxed(wp *unsafe.Pointer, p unsafe.Pointer) Waker {
	tag := uintptr(p) & waiterTagMask
	b := untag(p, tag)
	w := *b
	if tag == waiterBox {
		*b = nil // the slot's own box: kept for the next waiter
	} else {
		storeWaiter(wp, nil) // a lent box is the waiter's
	}
	return w
}

// wordOf returns the word a waiter w of the word type is kept as, or nil
// if w is kept in a box (putBoxed).
func wordOf(w Waker) unsafe.Pointer {
	x := (*iface)(unsafe.Pointer(&w))
	if d := uintptr(x.data); x.tab != atomic.LoadPointer(&wordTab) || d&waiterTagMask != 0 {
		return nil
	}
	return x.data
}

// putBoxed keeps w, a waiter not of the word type, in *wp, replacing any
// waiter there, and reports true; the caller holds the slot's lock. If w
// needs a box when the slot owns none it takes nb; with nb nil, putBoxed
// changes nothing and returns false, and the caller allocates a box outside
// the lock and calls again.
func putBoxed(wp *unsafe.Pointer, w Waker, nb *Waker) bool {
	if b, ok := w.(WakerBoxer); ok {
		if box := b.WakerBox(); box != nil {
			storeWaiter(wp, tagged(unsafe.Pointer(box), waiterLent))
			return true
		}
	}
	if p := loadWaiter(wp); uintptr(p)&waiterTagMask == waiterBox {
		*untag(p, waiterBox) = w
		return true
	}
	if nb == nil {
		return false
	}
	*nb = w
	storeWaiter(wp, tagged(unsafe.Pointer(nb), waiterBox))
	return true
}
