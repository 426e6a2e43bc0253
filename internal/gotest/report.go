package gotest

import (
	"fmt"
	"sort"
	"strings"
)

// Counts tallies results by class. Exercised counts the programs whose
// transformed form was built or attempted: everything but skipped and
// rejected programs.
type Counts struct {
	By        map[Class]int
	Total     int
	Exercised int
}

// Count tallies results; nil entries (programs not run) are ignored.
func Count(results []*Result) Counts {
	c := Counts{By: map[Class]int{}}
	for _, r := range results {
		if r == nil {
			continue
		}
		c.By[r.Class]++
		c.Total++
		if r.Class != Skipped && r.Class != Rejected {
			c.Exercised++
		}
	}
	return c
}

// Table is the agreement table: the totals by class, then one line per
// program that did not agree.
func Table(results []*Result) string {
	c := Count(results)
	var b strings.Builder
	fmt.Fprintf(&b, "agree %d of %d exercised (%d programs: ", c.By[Agree], c.Exercised, c.Total)
	for i, cl := range Classes {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %d", cl, c.By[cl])
	}
	b.WriteString(")\n")
	sorted := append([]*Result(nil), results...)
	sort.SliceStable(sorted, func(i, j int) bool { return rank(sorted[i]) < rank(sorted[j]) })
	for _, r := range sorted {
		if r == nil || r.Class == Agree {
			continue
		}
		fmt.Fprintf(&b, "%-10s %-28s %s\n", r.Class, r.Program.Name, oneLine(r.Detail))
	}
	return b.String()
}

func rank(r *Result) int {
	if r == nil {
		return len(Classes)
	}
	for i, c := range Classes {
		if c == r.Class {
			return i
		}
	}
	return len(Classes)
}

// Report is a long form of Table for a failure catalogue: for every program
// that did not agree, its class, the full detail and the functions un-marked.
func Report(results []*Result) string {
	var b strings.Builder
	b.WriteString(Table(results))
	for _, r := range results {
		if r == nil || r.Class == Agree || r.Class == Skipped {
			continue
		}
		fmt.Fprintf(&b, "\n## %s: %s (%d of %d functions lowered, %d asyncgen runs)\n%s\n", r.Program.Name, r.Class, r.Marked, r.Funcs, r.Rounds, r.Detail)
		for _, u := range r.Unmarked {
			fmt.Fprintf(&b, "  un-marked %s\n", u)
		}
	}
	b.WriteString("\n## un-marked functions in programs that ran\n")
	for _, r := range results {
		if r == nil || r.Class == Skipped || r.Class == Rejected {
			continue
		}
		for _, u := range r.Unmarked {
			fmt.Fprintf(&b, "%s: %s\n", r.Program.Name, u)
		}
	}
	return b.String()
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " | ")
	if len(s) > 160 {
		s = s[:160] + "..."
	}
	return s
}
