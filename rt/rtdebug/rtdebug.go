// Package rtdebug serves corio's task dumps over HTTP, the way
// net/http/pprof serves goroutine dumps. Importing it for its side effect
// mounts the handler on http.DefaultServeMux:
//
//	import _ "github.com/corio-go/corio/rt/rtdebug"
//
//	go http.ListenAndServe("localhost:6060", nil) // next to net/http/pprof
//
// and then
//
//	curl 'localhost:6060/debug/corio/tasks'          # grouped by stack, with counts
//	curl 'localhost:6060/debug/corio/tasks?debug=2'  # every task
//	curl 'localhost:6060/debug/corio/tasks?debug=0'  # JSON
//
// The page dumps every live runtime of the process (rt.Runtimes: each
// runtime created and not shut down, and the default runtime of rt.Spawn),
// or only those named by ?runtime=NAME. A program that serves its own mux
// mounts Handler instead. Like pprof's, the endpoint shows the program's
// internals: serve it on a loopback or otherwise protected address.
package rtdebug

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/corio-go/corio/rt"
)

// Path is where the package mounts Handler on http.DefaultServeMux.
const Path = "/debug/corio/tasks"

func init() { http.Handle(Path, Handler()) }

// Handler returns the task-dump handler: ?debug=1 (the default) writes each
// runtime's tasks grouped by identical await chains with counts, ?debug=2
// every task with its own chain, ?debug=0 the snapshots as JSON;
// ?runtime=NAME restricts the dump to the runtimes of that name (repeatable).
func Handler() http.Handler { return http.HandlerFunc(serveTasks) }

func serveTasks(w http.ResponseWriter, req *http.Request) {
	q := req.URL.Query()
	debug := 1
	if s := q.Get("debug"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			http.Error(w, "debug: want 0, 1 or 2", http.StatusBadRequest)
			return
		}
		debug = n
	}
	names := q["runtime"]
	var dumps []rt.TaskDump
	for _, r := range rt.Runtimes() {
		if len(names) > 0 && !contains(names, r.Name()) {
			continue
		}
		dumps = append(dumps, r.Dump())
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if debug <= 0 {
		w.Header().Set("Content-Type", "application/json")
		out := make([]jsonDump, len(dumps))
		for i := range dumps {
			out[i] = toJSON(&dumps[i])
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(out)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if len(dumps) == 0 {
		w.Write([]byte("no corio runtime is running\n"))
	}
	for i := range dumps {
		if i > 0 {
			w.Write([]byte("\n"))
		}
		dumps[i].WriteText(w, debug)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// The JSON shape: TaskDump with the chains' futures left out.
type jsonDump struct {
	Runtime string     `json:"runtime"`
	Flavor  string     `json:"flavor"`
	Workers int        `json:"workers"`
	Time    time.Time  `json:"time"`
	TookNS  int64      `json:"took_ns"`
	PauseNS int64      `json:"pause_ns"`
	Blocked bool       `json:"blocked,omitempty"`
	Tasks   []jsonTask `json:"tasks"`
}

type jsonTask struct {
	ID        uint64      `json:"id"`
	Name      string      `json:"name,omitempty"`
	State     string      `json:"state"`
	Worker    *int32      `json:"worker,omitempty"`
	Cancelled bool        `json:"cancelled,omitempty"`
	AgeS      float64     `json:"age_s"`
	Polls     uint32      `json:"polls"`
	Stack     []jsonFrame `json:"stack,omitempty"`
}

type jsonFrame struct {
	Func   string `json:"func"`
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Detail string `json:"detail,omitempty"`
}

func toJSON(d *rt.TaskDump) jsonDump {
	out := jsonDump{Runtime: d.Runtime, Flavor: d.Flavor, Workers: d.Workers, Time: d.Time,
		TookNS: int64(d.Took), PauseNS: int64(d.Pause), Blocked: d.Blocked, Tasks: make([]jsonTask, len(d.Tasks))}
	for i := range d.Tasks {
		t := &d.Tasks[i]
		jt := jsonTask{ID: t.ID, Name: t.Name, State: t.State.String(), Cancelled: t.Cancelled,
			AgeS: t.Age.Seconds(), Polls: t.Polls, Stack: make([]jsonFrame, len(t.Stack))}
		if t.State == rt.TaskRunning && t.Worker >= 0 {
			jt.Worker = &t.Worker
		}
		for j, tr := range t.Stack {
			jt.Stack[j] = jsonFrame{Func: tr.Func, File: tr.File, Line: tr.Line, Detail: tr.Detail}
		}
		out.Tasks[i] = jt
	}
	return out
}
