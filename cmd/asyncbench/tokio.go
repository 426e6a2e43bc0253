package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// The optional Tokio column: with -tokio PATH, every run also runs the Tokio
// anchor binary (shared/anchors/tokio, built with cargo) for each flavour —
// WORKERS=n for the multi-thread rows, FLAVOR=current for the current-thread
// ones — and parses its figures, so corio sits beside Tokio in the same run
// too. The anchor measures idle memory as RSS growth in a fresh process
// (ONLY=idle, ONLY=sleep), not as Go heap: compare those rows loosely.

// tokioKeys maps a row to the anchor's output label. Rows not here (the
// syncx rows but ping_pong) have no Tokio figure. ping_pong_buf1 shares the
// anchor's ping_pong: its corio side is ping_pong's, and the anchor's
// mpsc::channel(1) is what it runs.
var tokioKeys = map[string]string{
	"spawn_many":     "spawn_many",
	"chained_spawn":  "chained_spawn",
	"yield_many":     "yield_many",
	"ping_pong":      "ping_pong",
	"ping_pong_buf1": "ping_pong",
	"timers":         "timers",
	"idle_notify":    "idle_notify_mem",
	"idle_sleep":     "idle_sleep_mem",
}

// runTokio runs the anchor for fl and returns its figures by row name; rows
// the anchor does not measure are absent.
func runTokio(path string, fl flavor, rs []row) (map[string]float64, error) {
	env := []string{"WORKERS=" + strconv.Itoa(fl.workers)}
	if fl.workers == 0 {
		env = []string{"FLAVOR=current"}
	}
	want := map[string]bool{}
	timed := false
	for _, r := range rs {
		if _, ok := tokioKeys[r.name]; ok {
			want[r.name] = true
			timed = timed || !r.memory
		}
	}
	out := map[string]float64{}
	var modes []string
	if timed {
		modes = append(modes, "") // the anchor's default run prints every timed row
	}
	if want["idle_notify"] {
		modes = append(modes, "idle")
	}
	if want["idle_sleep"] {
		modes = append(modes, "sleep")
	}
	for _, only := range modes {
		cmd := exec.Command(path)
		cmd.Env = append(os.Environ(), env...)
		if only != "" {
			cmd.Env = append(cmd.Env, "ONLY="+only)
		}
		cmd.Stderr = os.Stderr
		b, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("tokio anchor %s %v: %w", path, cmd.Env[len(os.Environ()):], err)
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) < 2 {
				continue
			}
			v, err := strconv.ParseFloat(f[1], 64)
			if err != nil {
				continue
			}
			for row, key := range tokioKeys {
				if f[0] == key && want[row] {
					out[row] = v
				}
			}
		}
	}
	for _, r := range rs {
		if _, ok := out[r.name]; want[r.name] && !ok {
			return nil, fmt.Errorf("tokio anchor printed no %s figure", tokioKeys[r.name])
		}
	}
	return out, nil
}
