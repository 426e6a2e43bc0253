package timewheel

// whereDeferred marks an entry linked in a DeferList (Entry.where). It is
// not 0, the zero Entry's where, so a never-used entry is not deferred.
const whereDeferred = whereNone + 1

// A DeferList holds entries whose owner has decided to arm them and has not
// done so yet: a runtime that arms the timers of a task poll together, after
// the poll, with one clock reading and one lock pair for all of them, keeps
// them here meanwhile. It links its entries through their own fields (the
// links, where and the deadline word), which belong to the entry's owner
// while the entry is not Pending, so deferring allocates nothing and an entry
// is in at most one list, wheel or DeferList, at a time.
//
// Each entry carries a word of the owner's (Push's v: a driver keeps the
// timer's duration there, since its deadline is not known yet). Push appends,
// Pop takes the first, and Undefer takes an entry out from wherever it is in
// its list, in O(1), without the list: a timer cancelled before the list is
// flushed just leaves it, and its owner may then overwrite or re-arm it at
// once.
//
// A DeferList and its entries are single-owner data: one goroutine pushes,
// pops and undefers, and the entries' owners are that goroutine's (in corio,
// the worker polling the task that owns the timers). The zero DeferList is
// empty and ready to use; once used it must not be copied (its entries point
// at it), and a copy of an empty one is fine.
type DeferList struct {
	// head is the sentinel of a circular list: head.next is the first
	// entry, head.prev the last; both are &head when the list is empty, or
	// nil before the first Push. Only its links are used.
	head Entry
}

// Empty reports whether l holds no entry.
func (l *DeferList) Empty() bool {
	n := l.head.next
	return n == nil || n == &l.head
}

// Push appends e, with the owner's word v, to l. e must not be Pending nor
// already deferred (Push panics otherwise). While e is deferred its state is
// unchanged (Idle, Fired or Cancelled, from its last arming), Deferred
// reports true, Deadline returns v, and Insert and Reset panic: take it off
// first with Pop or Undefer. Init may be called on it.
func (l *DeferList) Push(e *Entry, v uint64) {
	if e.State() == Pending {
		panic("corio/timewheel: DeferList.Push of a pending Entry")
	}
	if e.where == whereDeferred {
		panic("corio/timewheel: DeferList.Push of an Entry that is already deferred")
	}
	h := &l.head
	if h.next == nil {
		h.next, h.prev = h, h
	}
	last := h.prev
	e.prev, e.next = last, h
	last.next = e
	h.prev = e
	e.where = whereDeferred
	e.deadline = Tick(v)
}

// Pop takes the first entry off l and returns it with its word; nil if l is
// empty. The entry is then neither deferred nor Pending: ready to Insert.
func (l *DeferList) Pop() (*Entry, uint64) {
	if l.Empty() {
		return nil, 0
	}
	e := l.head.next
	v := uint64(e.deadline)
	e.unlinkDeferred()
	return e, v
}

// Deferred reports whether e is in a DeferList. Only e's owner may call it.
// It reads the state first: a Pending entry's fields are its wheel's.
func (e *Entry) Deferred() bool {
	return e.State() != Pending && e.where == whereDeferred
}

// Undefer takes e out of the DeferList it is in and reports whether it was
// in one; an entry not deferred (Pending included) is left alone. O(1), and
// it needs no access to the list: the links are e's own. Only the list's
// owner may call it.
func (e *Entry) Undefer() bool {
	if !e.Deferred() {
		return false
	}
	e.unlinkDeferred()
	return true
}

// unlinkDeferred takes e, which is deferred, out of its circular list; a
// list left empty keeps its sentinel pointing at itself.
func (e *Entry) unlinkDeferred() {
	e.prev.next = e.next
	e.next.prev = e.prev
	e.next, e.prev = nil, nil
	e.where = whereNone
}
