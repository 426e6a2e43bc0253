// Command echobench measures corio's TCP echo server beside its peers in one
// sitting: goroutine-per-connection net (the anchors' goroutines/echo), gnet
// and Tokio's echo server. It starts the servers on loopback ports, drives
// each in turn with the anchors' echoload client (64-byte messages, closed
// loop, 1, 100 and 1000 connections, a few seconds each, several rounds in
// rotating order, medians), counts each server's syscalls per request,
// measures its RSS per idle connection with 10,000 idle connections on a
// fresh process, stops every server by its pid, and prints one table with
// corio's ratios against goroutines and Tokio.
//
//	cd cmd/asyncbench && go run ./echobench              # every server, default paths under /tmp
//	go run ./echobench -servers corio,goroutines -d 5s   # some servers, longer loads
//	go run ./echobench -profile /tmp/corio.pprof         # also a CPU profile of a netx echo server under load
//
// The corio server is examples/echo built from this repository (multi-thread
// runtime, one worker per CPU). Everything stays on loopback, every load is
// bounded in time, and every server started is killed on the way out,
// including when echobench itself is interrupted. See README.md.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"
)

var (
	loadBin   = flag.String("load", "/tmp/echoload", "echoload client binary (shared/anchors/echoload)")
	goBin     = flag.String("goroutines", "/tmp/goecho", "goroutine-per-connection echo server (shared/anchors/goroutines/echo)")
	gnetBin   = flag.String("gnet", "/tmp/gnetecho", "gnet echo server (shared/anchors/gnet)")
	tokioBin  = flag.String("tokio", "/tmp/tokio-anchor/target/release/echo", "Tokio echo server (shared/anchors/tokio, bin echo)")
	corioBin  = flag.String("corio", "", "corio echo server binary (default: build examples/echo from -repo)")
	repoDir   = flag.String("repo", "", "root of the corio repository (default: found from the working directory)")
	servers   = flag.String("servers", "corio,goroutines,gnet,tokio", "servers to measure, in order")
	connsFlag = flag.String("conns", "1,100,1000", "closed-loop connection counts")
	size      = flag.Int("s", 64, "message size in bytes")
	dur       = flag.Duration("d", 2*time.Second, "duration of each closed-loop load")
	rounds    = flag.Int("n", 3, "rounds of closed-loop loads; each figure is the median")
	idleN     = flag.Int("idle", 10000, "idle connections for the RSS-per-connection row (0: skip)")
	sysDur    = flag.Duration("sysd", 2*time.Second, "duration of each syscall-counting load (0: skip; needs perf)")
	profile   = flag.String("profile", "", "also profile echobench's own netx echo server (-serve) under load at the largest -conns, writing the CPU profile here")

	serveAddr  = flag.String("serve", "", "serve echo with netx on this address (the loop of examples/echo) until SIGINT, for profiling")
	cpuprofile = flag.String("cpuprofile", "", "with -serve: write a CPU profile of the server")
	proto      = flag.String("proto", "", "with -serve: run the prototype read path instead of netx (proto, proto-short, proto-short-raw, proto-raw; see proto_linux.go)")
	memprofile = flag.String("memprofile", "", "with -serve: write a heap profile when SIGINT arrives, before the connections close")
	metrics    = flag.Bool("metrics", false, "with -serve: print the runtime's counters (rt.Metrics) to stderr when SIGINT arrives")
)

// result is what one server measured.
type result struct {
	name  string
	loads []load
	idle  float64 // server RSS bytes per idle connection; NaN: not measured
	err   error   // why the server's rows are missing or partial
}

// load is one closed-loop run.
type load struct {
	conns    int
	rps      float64
	p50, p99 time.Duration
	cpuNs    float64 // server CPU time per request
	rw       float64 // read+write syscalls per request from /proc/PID/io (NaN: not readable)
	sys      *sysCount
}

// sysCount is a syscall count per request from perf.
type sysCount struct {
	total, io, poll, futex float64
	cs                     float64 // context switches of the server's threads (not a syscall)
}

func main() {
	log := func(format string, args ...any) { fmt.Fprintf(os.Stderr, "echobench: "+format+"\n", args...) }
	flag.Parse()
	if *serveAddr != "" {
		var err error
		if *proto != "" {
			o, ok := protoVariants[*proto]
			if !ok {
				log("-proto: unknown variant %q", *proto)
				os.Exit(2)
			}
			err = protoServe(*serveAddr, o)
		} else {
			err = serve(*serveAddr, *cpuprofile, *memprofile, *metrics)
		}
		if err != nil {
			log("serve: %v", err)
			os.Exit(1)
		}
		return
	}

	// Every server is started in its own process group and killed on the
	// way out; an interrupt of echobench cancels ctx, which ends the load
	// in progress and lets the deferred kills run.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var procs procSet
	defer procs.killAll()

	if err := raiseNoFile(); err != nil {
		log("raising RLIMIT_NOFILE: %v (the idle row may fail)", err)
	}
	conns, err := parseInts(*connsFlag)
	if err != nil {
		log("-conns: %v", err)
		os.Exit(2)
	}
	if _, err := os.Stat(*loadBin); err != nil {
		log("echoload client missing: %v (build it: cd shared/anchors/echoload && go build -o %s .)", err, *loadBin)
		os.Exit(1)
	}
	tmp, err := os.MkdirTemp("", "echobench")
	if err != nil {
		log("%v", err)
		os.Exit(1)
	}
	defer os.RemoveAll(tmp)

	var results []*result
	var srvs []*server
	for _, name := range strings.Split(*servers, ",") {
		res := &result{name: name, idle: math.NaN()}
		results = append(results, res)
		argv, err := serverCommand(name, tmp)
		if err != nil {
			res.err = err
			log("%s: %v", name, err)
			continue
		}
		log("%s: %s", name, strings.Join(argv, " "))
		srvs = append(srvs, &server{res: res, argv: argv})
	}
	measureLoads(ctx, &procs, srvs, conns)
	for _, s := range srvs {
		if *idleN == 0 || s.res.err != nil || ctx.Err() != nil {
			continue
		}
		if err := measureIdle(ctx, &procs, s); err != nil {
			s.res.err = err
			log("%s: %v", s.res.name, err)
		}
	}
	if *profile != "" && ctx.Err() == nil {
		if err := profileServe(ctx, &procs, conns[len(conns)-1]); err != nil {
			log("profile: %v", err)
		} else {
			log("CPU profile of the netx echo server at %d connections: %s (go tool pprof -top %s)", conns[len(conns)-1], *profile, *profile)
		}
	}
	printTable(os.Stdout, results, conns)
	if ctx.Err() != nil {
		os.Exit(130)
	}
}

// serverCommand returns the argv of the named server, with ADDR standing for
// the address it must listen on.
func serverCommand(name, tmp string) ([]string, error) {
	need := func(path, how string) ([]string, error) {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("binary missing: %v (%s)", err, how)
		}
		return []string{path, "ADDR"}, nil
	}
	switch name {
	case "corio":
		bin := *corioBin
		if bin == "" {
			var err error
			if bin, err = buildCorio(tmp); err != nil {
				return nil, err
			}
		} else if _, err := os.Stat(bin); err != nil {
			return nil, fmt.Errorf("binary missing: %v", err)
		}
		return []string{bin, "-addr", "ADDR"}, nil
	case "goroutines":
		return need(*goBin, "cd shared/anchors/goroutines && go build -o /tmp/goecho ./echo")
	case "gnet":
		return need(*gnetBin, "cd shared/anchors/gnet && go build -o /tmp/gnetecho .")
	case "tokio":
		return need(*tokioBin, "see shared/anchors/README.md: cp -r tokio /tmp/tokio-anchor && cargo build --release --offline")
	case "netx":
		self, err := os.Executable()
		if err != nil {
			return nil, err
		}
		return []string{self, "-serve", "ADDR"}, nil
	}
	if _, ok := protoVariants[name]; ok {
		self, err := os.Executable()
		if err != nil {
			return nil, err
		}
		return []string{self, "-serve", "ADDR", "-proto", name}, nil
	}
	return nil, fmt.Errorf("unknown server %q (corio, goroutines, gnet, tokio, netx, proto, proto-short, proto-short-raw, proto-raw)", name)
}

// buildCorio builds examples/echo of the repository into tmp.
func buildCorio(tmp string) (string, error) {
	root := *repoDir
	if root == "" {
		var err error
		if root, err = findRepo(); err != nil {
			return "", err
		}
	}
	bin := filepath.Join(tmp, "corio-echo")
	cmd := exec.Command("go", "build", "-o", bin, "./examples/echo")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building examples/echo in %s: %v\n%s", root, err, out)
	}
	return bin, nil
}

// findRepo walks up from the working directory to the go.mod of module
// github.com/corio-go/corio.
func findRepo() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.HasPrefix(b, []byte("module github.com/corio-go/corio\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no corio repository above the working directory (use -repo or -corio)")
		}
		dir = parent
	}
}

// server is one server under measurement.
type server struct {
	res  *result
	argv []string
	p    *proc // nil when not running
	addr string
	runs map[int][]load // by connection count, one per round
}

// measureLoads runs the closed-loop loads. Every server runs at once (an
// idle echo server costs nothing), and each round loads each of them in
// turn, starting with a different one each round, so that drift in the
// machine's speed lands on all of them; each figure is the median of the
// rounds. Then it counts syscalls per request once per server and load, and
// stops the servers.
func measureLoads(ctx context.Context, procs *procSet, srvs []*server, conns []int) {
	fail := func(s *server, err error) {
		s.res.err = err
		fmt.Fprintf(os.Stderr, "echobench: %s: %v\n", s.res.name, err)
		if s.p != nil {
			procs.kill(s.p)
			s.p = nil
		}
	}
	for _, s := range srvs {
		var err error
		if s.p, s.addr, err = procs.start(ctx, s.argv); err != nil {
			fail(s, err)
		}
		s.runs = map[int][]load{}
	}
	for round := 0; round < *rounds; round++ {
		for _, c := range conns {
			for i := range srvs {
				s := srvs[(i+round)%len(srvs)]
				if s.p == nil || ctx.Err() != nil {
					continue
				}
				l, err := oneLoad(ctx, s, c)
				if err != nil {
					fail(s, fmt.Errorf("%d conns: %v", c, err))
					continue
				}
				s.runs[c] = append(s.runs[c], l)
			}
		}
	}
	for _, s := range srvs {
		if s.p == nil {
			continue
		}
		for _, c := range conns {
			if len(s.runs[c]) == 0 { // interrupted before this load ran
				continue
			}
			l := medianLoad(s.runs[c])
			if *sysDur > 0 && ctx.Err() == nil {
				var err error
				if l.sys, err = countSyscalls(ctx, s.addr, s.p.pid, c); err != nil {
					fmt.Fprintf(os.Stderr, "echobench: %s: syscall count at %d conns: %v\n", s.res.name, c, err)
				}
			}
			s.res.loads = append(s.res.loads, l)
		}
		if err := procs.kill(s.p); err != nil {
			s.res.err = err
		}
		s.p = nil
	}
}

// oneLoad runs one closed-loop load of -d against s.
func oneLoad(ctx context.Context, s *server, conns int) (load, error) {
	io0, ioErr := procIO(s.p.pid)
	out, err := runLoad(ctx, s.addr, s.p.pid, conns, *dur, 0)
	if err != nil {
		return load{}, err
	}
	l, err := parseLoad(out)
	if err != nil {
		return l, err
	}
	l.rw = math.NaN()
	// Tokio's server uses recv and send, which /proc does not count: a
	// count far below one per request is shown as "-", not as 0.
	if io1, err := procIO(s.p.pid); err == nil && ioErr == nil {
		if rw := float64(io1-io0) / (l.rps * dur.Seconds()); rw >= 0.1 {
			l.rw = rw
		}
	}
	return l, nil
}

// medianLoad returns the median of each figure of runs (not empty).
func medianLoad(runs []load) load {
	med := func(f func(load) float64) float64 {
		v := make([]float64, len(runs))
		for i, r := range runs {
			v[i] = f(r)
		}
		slices.Sort(v)
		if n := len(v); n%2 == 0 {
			return (v[n/2-1] + v[n/2]) / 2
		}
		return v[len(v)/2]
	}
	return load{
		conns: runs[0].conns,
		rps:   med(func(l load) float64 { return l.rps }),
		p50:   time.Duration(med(func(l load) float64 { return float64(l.p50) })),
		p99:   time.Duration(med(func(l load) float64 { return float64(l.p99) })),
		cpuNs: med(func(l load) float64 { return l.cpuNs }),
		rw:    med(func(l load) float64 { return l.rw }),
	}
}

// measureIdle measures the server's RSS per idle connection on a fresh
// process, so that memory the loads left behind cannot absorb the idle
// connections'.
func measureIdle(ctx context.Context, procs *procSet, s *server) error {
	p, addr, err := procs.start(ctx, s.argv)
	if err != nil {
		return err
	}
	defer procs.kill(p)
	out, err := runLoad(ctx, addr, p.pid, 1, 500*time.Millisecond, *idleN)
	if err != nil {
		return fmt.Errorf("idle: %v", err)
	}
	m := idleRE.FindStringSubmatch(out)
	if m == nil {
		return fmt.Errorf("idle: unexpected echoload output:\n%s", out)
	}
	if n, _ := strconv.Atoi(m[1]); n != *idleN {
		return fmt.Errorf("idle: only %d of %d connections opened:\n%s", n, *idleN, out)
	}
	s.res.idle, _ = strconv.ParseFloat(m[2], 64)
	return nil
}

var (
	loadRE = regexp.MustCompile(`conns (\d+) size \d+ rps (\d+) p50 (\S+) p99 (\S+) server_cpu_per_req (-?\d+) ns`)
	idleRE = regexp.MustCompile(`idle_conns (\d+) server_rss_per_idle_conn (-?\d+) B`)
)

func parseLoad(out string) (load, error) {
	m := loadRE.FindStringSubmatch(out)
	if m == nil {
		return load{}, fmt.Errorf("unexpected echoload output:\n%s", out)
	}
	var l load
	var err error
	l.conns, _ = strconv.Atoi(m[1])
	l.rps, _ = strconv.ParseFloat(m[2], 64)
	if l.p50, err = time.ParseDuration(m[3]); err != nil {
		return l, err
	}
	if l.p99, err = time.ParseDuration(m[4]); err != nil {
		return l, err
	}
	l.cpuNs, _ = strconv.ParseFloat(m[5], 64)
	if l.rps == 0 {
		return l, fmt.Errorf("no request completed:\n%s", out)
	}
	return l, nil
}

// runLoad runs echoload against addr and returns its output. It is killed
// if it runs far past its duration or ctx is cancelled.
func runLoad(ctx context.Context, addr string, pid, conns int, d time.Duration, idle int) (string, error) {
	// Dialling 10,000 idle connections one at a time takes a few seconds on
	// a loaded machine; a minute beyond that means something is stuck.
	ctx, cancel := context.WithTimeout(ctx, d+time.Minute)
	defer cancel()
	args := []string{"-addr", addr, "-c", strconv.Itoa(conns), "-s", strconv.Itoa(*size), "-d", d.String(), "-pid", strconv.Itoa(pid)}
	if idle > 0 {
		args = append(args, "-idle", strconv.Itoa(idle))
	}
	cmd := exec.CommandContext(ctx, *loadBin, args...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	if ctx.Err() != nil {
		return out.String(), fmt.Errorf("echoload stopped: %v", ctx.Err())
	}
	if err != nil {
		return out.String(), fmt.Errorf("echoload: %v\n%s", err, out.String())
	}
	if strings.Contains(out.String(), "dial") {
		return out.String(), fmt.Errorf("echoload could not connect:\n%s", out.String())
	}
	return out.String(), nil
}

// procIO returns the read and write syscalls pid has made (syscr+syscw of
// /proc/PID/io: read/readv/write/writev and friends, not recv/send).
func procIO(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/io", pid))
	if err != nil {
		return 0, err
	}
	var n int64
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ": ")
		if ok && (k == "syscr" || k == "syscw") {
			x, _ := strconv.ParseInt(v, 10, 64)
			n += x
		}
	}
	return n, nil
}

// Syscalls counted by perf, by group.
var (
	ioCalls   = []string{"read", "readv", "recvfrom", "recvmsg", "write", "writev", "sendto", "sendmsg"}
	pollCalls = []string{"epoll_wait", "epoll_pwait", "epoll_pwait2", "epoll_ctl"}
)

// countSyscalls runs a separate load of *sysDur with perf counting the
// server's syscalls (raw_syscalls:sys_enter for the total, one tracepoint
// per syscall for the groups), and returns them per request. It is a
// separate load because counting costs the server a little CPU.
func countSyscalls(ctx context.Context, addr string, pid, conns int) (*sysCount, error) {
	perf, err := exec.LookPath("perf")
	if err != nil {
		return nil, err
	}
	events := []string{"raw_syscalls:sys_enter", "syscalls:sys_enter_futex", "context-switches"}
	for _, s := range append(append([]string{}, ioCalls...), pollCalls...) {
		events = append(events, "syscalls:sys_enter_"+s)
	}
	outFile, err := os.CreateTemp("", "echobench-perf")
	if err != nil {
		return nil, err
	}
	outFile.Close()
	defer os.Remove(outFile.Name())
	cmd := exec.Command(perf, "stat", "-x", ",", "-o", outFile.Name(), "-e", strings.Join(events, ","), "-p", strconv.Itoa(pid))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	stopped := false
	stopPerf := func() {
		if !stopped {
			stopped = true
			cmd.Process.Signal(os.Interrupt) // perf stat prints its counts on SIGINT
			done := make(chan struct{})
			go func() { cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				<-done
			}
		}
	}
	defer stopPerf()
	time.Sleep(300 * time.Millisecond) // perf attaches
	out, err := runLoad(ctx, addr, pid, conns, *sysDur, 0)
	stopPerf()
	if err != nil {
		return nil, err
	}
	l, err := parseLoad(out)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(outFile.Name())
	if err != nil {
		return nil, err
	}
	counts := map[string]float64{}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Split(line, ",")
		if len(f) < 3 {
			continue
		}
		v, err := strconv.ParseFloat(f[0], 64)
		if err != nil {
			continue
		}
		counts[strings.TrimPrefix(strings.TrimPrefix(f[2], "raw_syscalls:"), "syscalls:sys_enter_")] = v
	}
	total, ok := counts["sys_enter"]
	if !ok {
		return nil, fmt.Errorf("no count in perf's output:\n%s", b)
	}
	// Requests in the counted window: the load's requests (perf attached
	// before it started and stopped after it ended, when the server is
	// idle).
	reqs := l.rps * sysDur.Seconds()
	sc := &sysCount{total: total / reqs, futex: counts["futex"] / reqs, cs: counts["context-switches"] / reqs}
	for _, s := range ioCalls {
		sc.io += counts[s] / reqs
	}
	for _, s := range pollCalls {
		sc.poll += counts[s] / reqs
	}
	return sc, nil
}

// proc is a server process.
type proc struct {
	cmd  *exec.Cmd
	pid  int
	done chan struct{} // closed when it exited
	out  *syncBuffer
}

// procSet tracks the servers running, so that every one is killed.
type procSet struct {
	mu   sync.Mutex
	live map[*proc]bool
}

// start starts argv (ADDR replaced by a free loopback address) in its own
// process group and waits until the address accepts connections.
func (ps *procSet) start(ctx context.Context, argv []string) (*proc, string, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, "", err
	}
	args := make([]string, len(argv))
	for i, a := range argv {
		args[i] = strings.ReplaceAll(a, "ADDR", addr)
	}
	p := &proc{cmd: exec.Command(args[0], args[1:]...), done: make(chan struct{}), out: &syncBuffer{}}
	p.cmd.Stdout = p.out
	p.cmd.Stderr = p.out
	p.cmd.SysProcAttr = serverAttr()
	if err := p.cmd.Start(); err != nil {
		return nil, "", err
	}
	p.pid = p.cmd.Process.Pid
	go func() { p.cmd.Wait(); close(p.done) }()
	ps.mu.Lock()
	if ps.live == nil {
		ps.live = map[*proc]bool{}
	}
	ps.live[p] = true
	ps.mu.Unlock()

	deadline := time.Now().Add(30 * time.Second) // a cold start on a loaded machine
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return p, addr, nil
		}
		select {
		case <-p.done:
			return nil, "", fmt.Errorf("%s exited before accepting: %v\n%s", args[0], p.cmd.ProcessState, p.out.String())
		case <-ctx.Done():
			ps.kill(p)
			return nil, "", ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			ps.kill(p)
			return nil, "", fmt.Errorf("%s does not accept on %s after 30s:\n%s", args[0], addr, p.out.String())
		}
	}
}

// kill stops p: SIGINT first (the servers that handle it shut down
// gracefully), SIGKILL to its process group if it is still there after a
// second. It returns an error if p had died before being asked to.
func (ps *procSet) kill(p *proc) error {
	ps.mu.Lock()
	if !ps.live[p] {
		ps.mu.Unlock()
		return nil
	}
	delete(ps.live, p)
	ps.mu.Unlock()
	var err error
	select {
	case <-p.done:
		err = fmt.Errorf("server exited during the measurement: %v\n%s", p.cmd.ProcessState, p.out.String())
	default:
	}
	syscall.Kill(p.pid, syscall.SIGINT)
	select {
	case <-p.done:
	case <-time.After(time.Second):
		syscall.Kill(-p.pid, syscall.SIGKILL)
		<-p.done
	}
	return err
}

func (ps *procSet) killAll() {
	ps.mu.Lock()
	var all []*proc
	for p := range ps.live {
		all = append(all, p)
	}
	ps.mu.Unlock()
	for _, p := range all {
		ps.kill(p)
	}
}

// syncBuffer is a bytes.Buffer safe for the exec pipes' goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.b.Len() > 1<<16 {
		return len(p), nil // enough to say why a server failed
	}
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// freeAddr returns a loopback address with a port free right now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// raiseNoFile raises RLIMIT_NOFILE's soft limit to the hard limit. Setting
// it explicitly (rather than relying on Go's own raise at start-up, which
// os/exec undoes for children) makes the children inherit it: 10,000 idle
// connections need that many descriptors in the server and in echoload.
func raiseNoFile() error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return err
	}
	lim.Cur = lim.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return err
	}
	if need := uint64(*idleN + 1000); lim.Cur < need {
		return fmt.Errorf("hard limit %d below the %d descriptors -idle %d needs", lim.Max, need, *idleN)
	}
	return nil
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("bad count %q", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// printTable prints the results, then corio's ratios against goroutines and
// Tokio (lower is better for CPU, latency and memory; higher for req/s).
func printTable(w *os.File, results []*result, conns []int) {
	fmt.Fprintf(w, "%d-byte echo, closed loop; each figure the median of %d rounds of %v per server (syscalls: one %v load)\n", *size, *rounds, *dur, *sysDur)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "server\tconns\treq/s\tp50\tp99\tCPU µs/req\tsyscalls/req\tio\tpoll\tfutex\tr+w (/proc)\tctxsw/req\t\n")
	byName := map[string]*result{}
	for _, r := range results {
		byName[r.name] = r
		for _, l := range r.loads {
			s := [5]string{"-", "-", "-", "-", "-"}
			if l.sys != nil {
				s = [5]string{f2(l.sys.total), f2(l.sys.io), f2(l.sys.poll), f2(l.sys.futex), f2(l.sys.cs)}
			}
			fmt.Fprintf(tw, "%s\t%d\t%.0f\t%s\t%s\t%.2f\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.name, l.conns, l.rps,
				dur3(l.p50), dur3(l.p99), l.cpuNs/1000, s[0], s[1], s[2], s[3], f2(l.rw), s[4])
		}
	}
	tw.Flush()
	if *idleN > 0 {
		fmt.Fprintf(w, "\nserver RSS per idle connection (%d idle connections, fresh server):\n", *idleN)
	} else {
		fmt.Fprintf(w, "\n")
	}
	for _, r := range results {
		switch {
		case r.err != nil:
			fmt.Fprintf(w, "  %-11s error: %v\n", r.name, firstLine(r.err))
		case *idleN > 0:
			fmt.Fprintf(w, "  %-11s %s B\n", r.name, f0(r.idle))
		}
	}

	corio := byName["corio"]
	if corio == nil || len(corio.loads) == 0 {
		return
	}
	fmt.Fprintf(w, "\nratios corio / peer (CPU and idle RSS: lower is better; req/s: higher is better):\n")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "peer\tconns\treq/s\tp99\tCPU/req\ttarget CPU\t\n")
	for _, peer := range []string{"goroutines", "tokio", "gnet"} {
		p := byName[peer]
		if p == nil {
			continue
		}
		for _, c := range conns {
			a, b := find(corio, c), find(p, c)
			if a == nil || b == nil {
				continue
			}
			target := "-"
			if peer == "goroutines" && c == 100 {
				target = verdict(a.cpuNs/b.cpuNs, 0.8)
			} else if peer == "goroutines" && c == 1000 {
				target = verdict(a.cpuNs/b.cpuNs, 0.65)
			} else if peer == "tokio" && c >= 100 {
				target = verdict(a.cpuNs/b.cpuNs, 1)
			}
			fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.2f\t%.2f\t%s\t\n", peer, c, a.rps/b.rps,
				float64(a.p99)/float64(b.p99), a.cpuNs/b.cpuNs, target)
		}
		fmt.Fprintf(tw, "%s\tidle RSS\t\t\t%.2f\t\t\n", peer, corio.idle/p.idle)
	}
	tw.Flush()
	idleVerdict := verdict(corio.idle/256, 1)
	fmt.Fprintf(w, "corio idle RSS per connection %s B against the 256 B target: %s\n", f0(corio.idle), idleVerdict)
	fmt.Fprintf(w, "syscall floor: 1 read + 1 write per request (io = 2.00); corio's io/req above 2 is extra reads (EAGAIN) or writes\n")
}

func find(r *result, conns int) *load {
	for i := range r.loads {
		if r.loads[i].conns == conns {
			return &r.loads[i]
		}
	}
	return nil
}

func verdict(ratio, target float64) string {
	switch {
	case math.IsNaN(ratio) || math.IsInf(ratio, 0):
		return "-"
	case ratio <= target:
		return fmt.Sprintf("PASS ≤%.2f", target)
	}
	return fmt.Sprintf("MISS ≤%.2f", target)
}

func f2(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

func f0(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}

// dur3 rounds d to three significant digits.
func dur3(d time.Duration) string {
	switch {
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond).String()
	case d >= time.Microsecond:
		return d.Round(100 * time.Nanosecond).String()
	}
	return d.String()
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// profileServe runs echobench's own netx echo server (-serve, the loop of
// examples/echo) with a CPU profile, loads it with conns connections for
// -d, then stops it with SIGINT, which makes it write the profile.
func profileServe(ctx context.Context, procs *procSet, conns int) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	srv, addr, err := procs.start(ctx, []string{self, "-serve", "ADDR", "-cpuprofile", *profile})
	if err != nil {
		return err
	}
	out, err := runLoad(ctx, addr, srv.pid, conns, *dur, 0)
	if err != nil {
		procs.kill(srv)
		return err
	}
	fmt.Fprintf(os.Stderr, "echobench: profiled run: %s", out)
	syscall.Kill(srv.pid, syscall.SIGINT)
	select {
	case <-srv.done:
		procs.kill(srv) // forget it
		if !srv.cmd.ProcessState.Success() {
			return fmt.Errorf("the profiled server failed: %v\n%s", srv.cmd.ProcessState, srv.out.String())
		}
		return nil
	case <-time.After(30 * time.Second):
		procs.kill(srv)
		return errors.New("the profiled server did not stop within 30s of SIGINT; no profile")
	}
}
