//go:build linux

package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestInspect runs the program as main does, with 10 clients, and checks
// what it prints: the dump grouped by await chain, and the metrics.
func TestInspect(t *testing.T) {
	var out strings.Builder
	if err := run([]string{"-clients", "10"}, &out); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{
		"corio runtime inspect (multi-thread, 2 workers): 12 tasks;",
		"\n10 tasks [idle, age <1s, ", // then "2 polls]", or "1 to 2 polls]" when a line beat its handler's first poll
		` "conn 127.0.0.1:`,
		"\n\tmain.Handle at github.com/corio-go/corio/examples/inspect/main.go:",
		"\tnetx.(*TCPStream).Read (varies; first: fd ",
		"\tmain.Serve at github.com/corio-go/corio/examples/inspect/main.go:",
		"\tmain.Janitor at github.com/corio-go/corio/examples/inspect/main.go:",
		"\trt.Sleep (deadline in ",
		`"acceptor"` + "\n\tmain.Serve at", // ids are the process's: not 1 under -count
		`"janitor"`,
		"\nmetrics: {Spawned:12 Completed:0 ",
		" LiveTasks:12 ",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
}

// TestInspectHTTP: the rtdebug handler that main mounts by importing it
// serves the dump of the live runtimes, the server's among them.
func TestInspectHTTP(t *testing.T) {
	s, err := start(3, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	srv := httptest.NewServer(http.DefaultServeMux)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/debug/corio/tasks?runtime=inspect&debug=2")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	body := string(b)
	if n := strings.Count(body, "\ntask "); n != 5 || !strings.Contains(body, `"acceptor" [idle, `) {
		t.Errorf("debug=2 served %d tasks, want 5:\n%s", n, body)
	}
}
