package rtdebug_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/corio-go/corio/rt"
	"github.com/corio-go/corio/rt/rtdebug"
)

// waitLeaf is pending until released, and says so in a dump.
type waitLeaf struct {
	mu    sync.Mutex
	done  bool
	waker rt.Waker
	what  string
}

func (l *waitLeaf) Poll(cx *rt.Context) (struct{}, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.done {
		return struct{}{}, true
	}
	l.waker = cx.Waker()
	return struct{}{}, false
}

func (l *waitLeaf) Trace() rt.Trace {
	l.mu.Lock()
	defer l.mu.Unlock()
	return rt.Trace{Func: "example.wait", Detail: l.what}
}

func (l *waitLeaf) release() {
	l.mu.Lock()
	l.done = true
	w := l.waker
	l.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

// session stands for a generated future awaiting its leaf.
type session struct{ leaf *waitLeaf }

func (s *session) Poll(cx *rt.Context) (struct{}, bool) { return s.leaf.Poll(cx) }
func (s *session) Trace() rt.Trace {
	return rt.Trace{Func: "example.Session", File: "example.com/srv/session.go", Line: 12, Awaiting: s.leaf}
}

// startSessions runs n sessions on a runtime named name and returns a stop
// function that completes them and shuts the runtime down.
func startSessions(name string, n int) func() {
	r := rt.NewMultiThread(rt.WithWorkers(2), rt.WithName(name))
	var leaves []*waitLeaf
	var hs []*rt.JoinHandle[struct{}]
	for i := 0; i < n; i++ {
		l := &waitLeaf{what: fmt.Sprintf("peer %d", i)}
		leaves = append(leaves, l)
		hs = append(hs, rt.SpawnNamedOn[struct{}](r, fmt.Sprintf("session %d", i), &session{leaf: l}))
	}
	// Wait until every session is suspended on its leaf.
	for {
		idle := 0
		for _, ti := range r.Dump().Tasks {
			if ti.State == rt.TaskIdle {
				idle++
			}
		}
		if idle == n {
			break
		}
	}
	return func() {
		for _, l := range leaves {
			l.release()
		}
		for _, h := range hs {
			h.Join()
		}
		r.Shutdown()
	}
}

func get(t *testing.T, srv *httptest.Server, query string) string {
	t.Helper()
	resp, err := http.Get(srv.URL + rtdebug.Path + query)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v\n%s", query, resp.StatusCode, err, b)
	}
	return string(b)
}

func TestHandler(t *testing.T) {
	stop := startSessions("rtdebug-test", 3)
	defer stop()
	// The package mounted itself on the default mux.
	srv := httptest.NewServer(http.DefaultServeMux)
	defer srv.Close()

	grouped := get(t, srv, "?runtime=rtdebug-test")
	for _, want := range []string{
		"corio runtime rtdebug-test (multi-thread, 2 workers): 3 tasks",
		"\n3 tasks [idle, age <1s, 1 poll]: ids ",
		"\texample.Session at example.com/srv/session.go:12\n\texample.wait (varies; first: peer 0)\n",
	} {
		if !strings.Contains(grouped, want) {
			t.Errorf("debug=1 lacks %q:\n%s", want, grouped)
		}
	}
	full := get(t, srv, "?runtime=rtdebug-test&debug=2")
	if !strings.Contains(full, `"session 1" [idle, age <1s, 1 poll]:`) || !strings.Contains(full, "\texample.wait (peer 2)\n") {
		t.Errorf("debug=2:\n%s", full)
	}
	var js []struct {
		Runtime string
		Tasks   []struct {
			Name, State string
			Stack       []struct{ Func, Detail string }
		}
	}
	if err := json.Unmarshal([]byte(get(t, srv, "?runtime=rtdebug-test&debug=0")), &js); err != nil {
		t.Fatal(err)
	}
	if len(js) != 1 || len(js[0].Tasks) != 3 || js[0].Tasks[0].Name != "session 0" || js[0].Tasks[0].State != "idle" ||
		len(js[0].Tasks[0].Stack) != 2 || js[0].Tasks[0].Stack[1].Detail != "peer 0" {
		t.Errorf("JSON: %+v", js)
	}
	if s := get(t, srv, "?runtime=no-such-runtime"); s != "no corio runtime is running\n" {
		t.Errorf("unknown runtime: %q", s)
	}
}

// A program mounts the handler on its own mux next to net/http/pprof's.
func ExampleHandler() {
	stop := startSessions("example", 2)
	defer stop()
	mux := http.NewServeMux()
	mux.Handle(rtdebug.Path, rtdebug.Handler())
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", rtdebug.Path+"?runtime=example", nil))
	// Drop the first line (timings) and the task ids (process-wide).
	_, body, _ := strings.Cut(rec.Body.String(), "\n")
	for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
		line, _, _ = strings.Cut(line, " ids ")
		fmt.Println(line)
	}
	// Output:
	// 2 tasks [idle, age <1s, 1 poll]:
	// 	example.Session at example.com/srv/session.go:12
	// 	example.wait (varies; first: peer 0)
}
