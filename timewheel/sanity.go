package timewheel

// check verifies the wheel's invariants and panics with a
// "corio/timewheel: sanity: ..." message on the first violation. It is
// O(pending entries); Wheel methods call it when debug is true, and the tests
// call it after every step.
func (w *Wheel) check() {
	count := 0
	checkEntry := func(e *Entry, where int) {
		switch {
		case e.where != uint16(where):
			panic("corio/timewheel: sanity: entry's where disagrees with its list")
		case e.next.prev != e || e.prev.next != e:
			panic("corio/timewheel: sanity: broken links")
		case e.State() != Pending:
			panic("corio/timewheel: sanity: linked entry is not Pending")
		case e.wheel != w:
			panic("corio/timewheel: sanity: linked entry belongs to another wheel")
		}
		count++
	}
	walk := func(l *list, where int, each func(*Entry)) {
		if l.head == nil {
			return
		}
		e := l.head
		for {
			checkEntry(e, where)
			if each != nil {
				each(e)
			}
			e = e.next
			if e == l.head {
				return
			}
		}
	}
	for level := range numLevels {
		shift := uint(level) * levelBits
		cur := int(w.elapsed>>shift) & slotMask
		for slot := range slotsPerLevel {
			l := &w.slots[level][slot]
			if (l.head != nil) != (w.occupied[level]&(1<<uint(slot)) != 0) {
				panic("corio/timewheel: sanity: occupied bit disagrees with slot list")
			}
			walk(l, level*slotsPerLevel+slot, func(e *Entry) {
				d := e.deadline
				if d <= w.elapsed {
					panic("corio/timewheel: sanity: due entry left in a slot")
				}
				if int(d>>shift)&slotMask != slot {
					panic("corio/timewheel: sanity: entry in the wrong slot")
				}
				if level == topLevel {
					return // may be clamped: only the digit is known
				}
				if uint64(w.elapsed^d)>>(shift+levelBits) != 0 {
					panic("corio/timewheel: sanity: entry outside its level's block")
				}
				if slot <= cur {
					panic("corio/timewheel: sanity: entry at or behind the wheel's position")
				}
			})
		}
	}
	walk(&w.expired, whereExpired, func(e *Entry) {
		if e.deadline > w.elapsed {
			panic("corio/timewheel: sanity: entry in expired is not due")
		}
	})
	walk(&w.firing, whereFiring, nil)
	if count != w.pending {
		panic("corio/timewheel: sanity: pending count disagrees with linked entries")
	}
}
