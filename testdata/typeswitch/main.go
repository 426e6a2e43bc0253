package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

var log []string

func logf(format string, args ...any) { log = append(log, fmt.Sprintf(format, args...)) }

func flush(label string) {
	fmt.Println(label+":", strings.Join(log, " "))
	log = nil
}

type Shape interface{ Area() int }

type Sq struct{ N int }

func (s Sq) Area() int { return s.N * s.N }

type Rect struct{ W, H int }

func (r *Rect) Area() int { return r.W * r.H }

type myErr struct{ msg string }

func (e *myErr) Error() string { return e.msg }

//async:func
func Y(s string) {
	logf("%s", s)
	rt.YieldNow()
}

//async:func
func Get(i int) any {
	logf("get%d", i)
	rt.YieldNow()
	return vals[i%len(vals)]
}

var vals = []any{1, "s", 2.5, nil, Sq{3}, &Rect{2, 5}, errors.New("e"), &myErr{"m"}, int8(4), []int{1, 2}}

//async:func
func Describe(x any) string {
	// default first, bound variable live across suspensions in each case
	switch v := x.(type) {
	default:
		Y("default")
		return fmt.Sprintf("other %T %v", v, v)
	case int, int8:
		Y("ints")
		return fmt.Sprintf("int-ish %v", v)
	case string:
		Y("string")
		return "string " + strings.ToUpper(v)
	case nil:
		Y("nil")
		return fmt.Sprintf("nil %v", v)
	case Shape:
		Y("shape")
		a := v.Area()
		Y("shape2")
		return fmt.Sprintf("shape %d %T", a, v)
	case *myErr:
		Y("myerr")
		return v.Error() + "!"
	case error:
		Y("error")
		return "error " + v.Error()
	}
}

//async:func
func Main() {
	for i := range vals {
		logf("%s", Describe(vals[i]))
	}
	flush("describe")

	// the guard's operand suspends; evaluated once
	for i := 0; i < 6; i++ {
		switch v := Get(i).(type) {
		case int:
			logf("int %d", v+1)
		case string, float64:
			Y("sf")
			logf("sf %v", v)
		case nil:
			logf("nil")
		default:
			logf("dflt %T", v)
		}
	}
	flush("guard")

	// no bound variable; init statement; break and labeled continue
outer:
	for i := 0; i < len(vals); i++ {
		switch n := i * 2; vals[i].(type) {
		case int, float64:
			Y(fmt.Sprint("num", n))
			if i > 0 {
				break
			}
			logf("after break")
		case nil:
			Y("nil")
			continue outer
		case Shape:
			Y("shape")
			if i == 5 {
				break outer
			}
		}
		logf("end%d", i)
	}
	flush("nobind")

	// the bound variable captured by a closure and its address taken
	var fs []func() string
	for _, x := range vals[:6] {
		switch v := x.(type) {
		case int:
			p := &v
			Y("p")
			*p += 10
			fs = append(fs, func() string { return fmt.Sprint("int", v) })
		case Sq:
			Y("sq")
			v.N++
			fs = append(fs, func() string { return fmt.Sprint("sq", v.N) })
		}
	}
	for _, f := range fs {
		logf("%s", f())
	}
	flush("capture")

	// nested type switches, range over the switch's value
	for _, x := range []any{[]int{1, 2, 3}, "héllo", map[string]int{"a": 1}} {
		switch v := x.(type) {
		case []int:
			for _, e := range v {
				Y(fmt.Sprint(e))
			}
		case string:
			for i, r := range v {
				switch any(r).(type) {
				case rune:
					Y(fmt.Sprint(i, string(r)))
				}
			}
		case map[string]int:
			switch w := any(len(v)).(type) {
			case int:
				Y(fmt.Sprint("len", w))
			}
		}
	}
	flush("nested")
}
