package asyncrules

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// blocking names the Go operations that block the goroutine they run on,
// by the full name of the function or method object the call resolves to
// (a method promoted from an embedded type has its declaring type's name:
// (*net.TCPConn).Read is (*net.conn).Read). Inside an async function that
// goroutine is a runtime thread shared by many tasks.
var blocking = map[string]string{
	"time.Sleep":             "use rt.Sleep(d), which suspends only this task",
	"(*sync.WaitGroup).Wait": "use syncx.WaitGroup (wg.Wait() suspends), or join the tasks' JoinHandles (h.Join() suspends)",
	"(*sync.Cond).Wait":      "use syncx.Notify (n.Notified() suspends) or a syncx channel instead",
	RTPath + ".Run":          "await the future with rt.Await(f) (or call its function directly) instead of starting a nested runtime",
	RTPath + ".RunMulti":     "await the future with rt.Await(f) (or call its function directly) instead of starting a nested runtime",
	RTPath + ".BlockOn":      "await the future with rt.Await(f) (or call its function directly) instead of blocking on it",
}

// blockingIO are calls that block on I/O; the fix is the same for each.
var blockingIO = []string{
	"net.Dial", "net.DialTimeout", "net.DialTCP", "net.DialUDP", "net.Listen", "net.ListenTCP",
	"(net.Conn).Read", "(net.Conn).Write", "(net.Listener).Accept",
	"(*net.conn).Read", "(*net.conn).Write",
	"(*net.TCPListener).Accept", "(*net.TCPListener).AcceptTCP", "(*net.UnixListener).Accept",
	"(*net.UDPConn).ReadFrom", "(*net.UDPConn).ReadFromUDP", "(*net.UDPConn).WriteTo", "(*net.UDPConn).WriteToUDP",
	"net/http.Get", "net/http.Post", "net/http.Head", "net/http.PostForm",
	"(*net/http.Client).Do", "(*net/http.Client).Get", "(*net/http.Client).Post", "(*net/http.Client).Head",
	"net/http.ListenAndServe", "(*net/http.Server).ListenAndServe", "(*net/http.Server).Serve",
	"(*os.File).Read", "(*os.File).Write", "(*os.File).ReadAt", "(*os.File).WriteAt", "(*os.File).ReadFrom", "(*os.File).WriteString",
	"os.ReadFile", "os.WriteFile", "os.Open", "os.Create", "os.OpenFile", "os.ReadDir",
}

const ioFix = "for sockets use corio/netx, whose Dial, Accept, Read and Write suspend; otherwise run the call in rt.SpawnBlocking(func() T { … }) and await the handle's Join()"

func init() {
	for _, n := range blockingIO {
		blocking[n] = ioFix
	}
}

// blockingReaders are functions that block when their reader or writer
// argument does: flagged when an argument's type is a known blocking one.
var blockingReaders = map[string]bool{
	"io.ReadAll": true, "io.Copy": true, "io.CopyN": true, "io.ReadFull": true, "io.ReadAtLeast": true,
	"io.WriteString": true, "(*bufio.Reader).ReadString": true, "(*bufio.Reader).ReadLine": true,
	"(*bufio.Scanner).Scan": true,
}

// bufioWrappers are the constructors of buffered readers and writers,
// flagged when they wrap a netx socket: nothing blocks yet, but every use
// of the result calls the socket's blocking Read or Write.
var bufioWrappers = map[string]bool{
	"bufio.NewReader": true, "bufio.NewReaderSize": true, "bufio.NewWriter": true,
	"bufio.NewWriterSize": true, "bufio.NewScanner": true, "bufio.NewReadWriter": true,
}

// NetxPath is the import path of corio's sockets.
const NetxPath = "github.com/corio-go/corio/netx"

// netxSockets are netx's socket types: in plain Go code their Read and Write
// block the calling goroutine (they are net.Conn there), which inside an
// async function is a runtime thread; netx's own Copy, ReadFull, Reader and
// Writer have twins that suspend instead.
var netxSockets = []string{"TCPStream", "UnixStream", "ReadHalf", "WriteHalf", "UDPConn", "UnixDatagram"}

const netxFix = "use netx's own helpers, which suspend the task (netx.Copy, netx.ReadFull, netx.CopyBidirectional, netx.NewReader, netx.NewWriter), or call the socket's Read and Write directly"

// blockingValue reports whether e is a value whose reads and writes block:
// a socket, a file, or an HTTP response body; netx says whether it is one
// of netx's sockets (whose fix is netx's helpers).
func (c *Checker) blockingValue(e ast.Expr) (blocks, netx bool) {
	e = ast.Unparen(e)
	if se, ok := e.(*ast.SelectorExpr); ok && se.Sel.Name == "Body" {
		if t := c.Info.TypeOf(se.X); t != nil && isNamed(t, "net/http", "Response") {
			return true, false
		}
	}
	t := c.Info.TypeOf(e)
	if t == nil {
		return false, false
	}
	for _, n := range netxSockets {
		if isNamed(t, NetxPath, n) {
			return true, true
		}
	}
	return isNamed(t, "os", "File") || isNamed(t, "net", "TCPConn") || isNamed(t, "net", "UDPConn") ||
		isNamed(t, "net", "UnixConn") || isNamed(t, "net", "Conn") || isNamed(t, "crypto/tls", "Conn"), false
}

// isNamed reports whether t (or *t) is the named type path.name.
func isNamed(t types.Type, path, name string) bool {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == path && n.Obj().Name() == name
}

// Check walks the body of async function name: it returns the suspension
// points and reports what cannot be lowered or would block.
func (c *Checker) Check(name string, body *ast.BlockStmt) map[*ast.CallExpr]*Twin {
	susp := map[*ast.CallExpr]*Twin{}
	var stack []ast.Node
	inLit := func() bool {
		for _, n := range stack {
			if _, ok := n.(*ast.FuncLit); ok {
				return true
			}
		}
		return false
	}
	// The channel operations of a select with a default case never block:
	// they are not reported (their operands are checked as usual).
	nonblocking := map[ast.Node]bool{}
	plainClosure := map[*ast.FuncLit]bool{} // async closures inside plain func literals
	ast.Inspect(body, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		// An async closure's body is an async body of its own, except
		// inside a plain func literal, which runs as plain Go.
		if call, ok := n.(*ast.CallExpr); ok {
			if fl := c.AsyncClosure(call); fl != nil && !inLit() {
				c.checkClosure(strings.TrimSuffix(name, "'s async closure"), fl)
				return false
			} else if fl != nil {
				plainClosure[fl] = true
			}
		}
		stack = append(stack, n)
		lit := inLit()
		switch n := n.(type) {
		case *ast.CallExpr:
			// go f(x) runs the plain f in a new goroutine: not a
			// suspension point of this function.
			if len(stack) >= 2 {
				if gs, ok := stack[len(stack)-2].(*ast.GoStmt); ok && gs.Call == n {
					return true
				}
				// defer f(x) calls the plain f when the function returns,
				// panics or is cancelled, where nothing can suspend.
				if ds, ok := stack[len(stack)-2].(*ast.DeferStmt); ok && ds.Call == n && !lit && c.TwinOf(n) != nil {
					if c.IsSpawn(n) {
						return true // it never waits: an ordinary deferred call
					}
					c.errorf(n.Pos(), Unsupported, "the deferred call of %s would suspend, but deferred calls run when the function returns, panics or is cancelled, where an async function cannot wait; call %s before each return instead, or defer a plain function", CalleeName(n), CalleeName(n))
					return true
				}
			}
			if tw := c.TwinOf(n); tw != nil {
				if lit && c.IsSpawn(n) {
					return true // an ordinary call there, as in direct mode
				}
				if lit && plainClosure[innermostLit(stack)] {
					c.errorf(n.Pos(), Unsupported, "%s suspends inside an async closure that is itself inside a plain func literal, which runs as plain Go; make the async closure a direct part of the async function (outside any other func literal), or make the outer literal an async closure too", CalleeName(n))
				} else if lit {
					c.errorf(n.Pos(), Unsupported, "%s suspends, but it is called inside a func literal, which runs as plain Go (a func literal cannot be an async function); call it from the async function itself, or make the literal an async closure, whose body suspends: rt.Async(func() T { … }) (rt.AsyncDo for no result) is a future to await with rt.Await or start with rt.Spawn", CalleeName(n))
				} else {
					susp[n] = tw
				}
				return true
			}
			if lit {
				return true
			}
			c.checkBlockingCall(name, n)
		case *ast.ExprStmt:
			// A future made and dropped never runs (Rust's must_use).
			if call := droppedFuture(c.Info, n); call != nil && !lit {
				c.errorf(n.Pos(), Dropped, "the future returned by %s is dropped, so it never runs; await it (call the function without Async, or rt.Await(f)), or run it as a task with rt.Spawn", CalleeName(call))
			}
		case *ast.SelectStmt:
			if lit {
				return true
			}
			for _, cl := range n.Body.List {
				if cl.(*ast.CommClause).Comm == nil {
					// With default, the select never blocks.
					for _, cl := range n.Body.List {
						if cc := cl.(*ast.CommClause); cc.Comm != nil {
							nonblocking[commOp(cc.Comm)] = true
						}
					}
					return true
				}
			}
			c.errorf(n.Pos(), Blocking, "select on Go channels blocks the runtime thread inside an async function; use syncx channels and rt.Select2(rx.RecvAsync(), …), which suspends only this task, or add a default case (a select that never blocks)")
			return false
		case *ast.SendStmt:
			if !lit && !nonblocking[n] {
				c.errorf(n.Pos(), Blocking, "a send on a Go channel blocks the runtime thread inside an async function; use a syncx channel (tx.Send(v) suspends), or send in a select with a default case")
			}
		case *ast.UnaryExpr:
			if n.Op == token.ARROW && !lit && !nonblocking[n] {
				c.errorf(n.Pos(), Blocking, "a receive from a Go channel blocks the runtime thread inside an async function; use a syncx channel (v, ok := rx.Recv() suspends), or receive in a select with a default case")
			}
		case *ast.RangeStmt:
			if _, ok := CoreType(c.Info.TypeOf(n.X)).(*types.Chan); ok && !lit {
				c.errorf(n.Pos(), Blocking, "range over a Go channel blocks the runtime thread inside an async function; use a syncx channel and loop on v, ok := rx.Recv(), which suspends")
			}
		}
		return true
	})
	c.checkMutexes(body, susp)
	return susp
}

// IsSpawn reports whether call is a direct call of one of rt's spawns:
// rt.Spawn, rt.SpawnNamed, rt.SpawnBlocking, or the Spawn method of an
// rt.JoinSet. Each has a twin, but neither form ever waits: the plain one
// starts the task (on the process default runtime) and returns its handle,
// the twin's future does the same on the runtime polling it and is ready
// at its first poll. So a spawn is never reported where plain Go runs it —
// inside a plain func literal, as a deferred call — (it is an ordinary
// call there, exactly as in direct mode), and a lock held across one
// holds it across no suspension.
func (c *Checker) IsSpawn(call *ast.CallExpr) bool {
	f, _ := c.Callee(call)
	if f == nil || f.Pkg() == nil || f.Pkg().Path() != RTPath {
		return false
	}
	recv := f.Type().(*types.Signature).Recv()
	if recv == nil {
		switch f.Name() {
		case "Spawn", "SpawnNamed", "SpawnBlocking":
			return true
		}
		return false
	}
	t := recv.Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	return ok && f.Name() == "Spawn" && n.Obj().Name() == "JoinSet"
}

// ContextMethods are rt's functions without parameters whose twin's
// future is ready at its first poll with what a method of the poll's
// Context returns, by function name: rt.Now() reads the clock of the
// runtime polling it, cx.Now(); rt.CurrentHandle() is a handle on that
// runtime, cx.Handle(). asyncgen writes the method's call in their place,
// so neither is a point where the task suspends.
var ContextMethods = map[string]string{
	"Now":           "Now",
	"CurrentHandle": "Handle",
}

// ContextMethod returns the Context's method that call, a direct call of
// one of rt's ContextMethods, is written as; "" for any other call.
func (c *Checker) ContextMethod(call *ast.CallExpr) string {
	f, _ := c.Callee(call)
	if f == nil || f.Pkg() == nil || f.Pkg().Path() != RTPath || len(call.Args) != 0 || f.Type().(*types.Signature).Recv() != nil {
		return ""
	}
	return ContextMethods[f.Name()]
}

// NeverWaits reports whether call, a suspension point by the twin rule,
// is one where the task never waits: a spawn (IsSpawn) or a call of one
// of ContextMethods. Their twins' futures are ready at the first poll, and
// asyncgen writes most of them in place with the poll's Context, so a
// lock held across one is held across no suspension.
func (c *Checker) NeverWaits(call *ast.CallExpr) bool {
	return c.IsSpawn(call) || c.ContextMethod(call) != ""
}

// checkBlockingCall reports a call that blocks the runtime thread, by the
// object the call resolves to.
func (c *Checker) checkBlockingCall(name string, call *ast.CallExpr) {
	f, _ := c.Callee(call)
	if f == nil {
		return
	}
	full := f.FullName()
	if fix, ok := blocking[full]; ok {
		c.errorf(call.Pos(), Blocking, "%s blocks the runtime thread inside async function %s; %s", c.calleeDisplay(call, f), name, fix)
		return
	}
	wrapper := bufioWrappers[full]
	if !blockingReaders[full] && !wrapper {
		return
	}
	// A netx socket among the arguments decides the message (its fix is
	// netx's helpers), else the first other blocking value.
	var found ast.Expr
	foundNetx := false
	for _, a := range call.Args {
		blocks, netx := c.blockingValue(a)
		if blocks && (found == nil || netx && !foundNetx) {
			found, foundNetx = a, netx
		}
	}
	switch {
	case found == nil:
	case wrapper && foundNetx:
		c.errorf(call.Pos(), Blocking, "%s on %s inside async function %s: the buffered reader or writer calls the socket's blocking Read or Write, which block the runtime thread; %s", c.calleeDisplay(call, f), c.TypeString(c.Info.TypeOf(found)), name, netxFix)
	case wrapper:
		// A net.Conn or file wrapped for plain code (run in
		// rt.SpawnBlocking, as ioFix suggests) blocks only where it is used.
	default:
		fix := ioFix
		if foundNetx {
			fix = netxFix
		}
		c.errorf(call.Pos(), Blocking, "%s on %s blocks the runtime thread inside async function %s; %s", c.calleeDisplay(call, f), c.TypeString(c.Info.TypeOf(found)), name, fix)
	}
}

// commOp is the channel operation of a select's communication clause: the
// send statement or the receive expression.
func commOp(comm ast.Stmt) ast.Node {
	switch s := comm.(type) {
	case *ast.ExprStmt:
		return ast.Unparen(s.X)
	case *ast.AssignStmt:
		return ast.Unparen(s.Rhs[0])
	}
	return comm
}

// calleeDisplay names a called function for a message: a method by the
// receiver type the source uses, (*net.TCPConn).Read rather than the
// unexported (*net.conn).Read that declares it.
func (c *Checker) calleeDisplay(call *ast.CallExpr, f *types.Func) string {
	if se, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if sel := c.Info.Selections[se]; sel != nil && sel.Kind() == types.MethodVal {
			recv := sel.Recv()
			if _, ptr := f.Type().(*types.Signature).Recv().Type().(*types.Pointer); ptr {
				if _, isPtr := recv.(*types.Pointer); !isPtr {
					recv = types.NewPointer(recv)
				}
			}
			return "(" + types.TypeString(recv, (*types.Package).Name) + ")." + f.Name()
		}
	}
	if f.Pkg() != nil {
		return f.Pkg().Name() + "." + f.Name()
	}
	return f.Name()
}

// checkMutexes reports a sync.Mutex or RWMutex locked before a suspension
// point and unlocked after it (in source order, the receiver written the
// same way), or never unlocked in the function: another task on the same
// thread that locks it deadlocks the thread.
func (c *Checker) checkMutexes(body *ast.BlockStmt, susp map[*ast.CallExpr]*Twin) {
	type lockCall struct {
		call *ast.CallExpr
		recv string
		name string
	}
	var locks, unlocks []lockCall
	// A deferred unlock unlocks when the function returns: after every
	// suspension point that follows the lock.
	deferred := map[*ast.CallExpr]bool{}
	ast.Inspect(body, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		if ds, ok := n.(*ast.DeferStmt); ok {
			deferred[ds.Call] = true
		}
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		f, _ := c.Callee(call)
		se, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if f == nil || !ok {
			return true
		}
		recv := types.ExprString(se.X) + "." + se.Sel.Name + "()"
		switch f.FullName() {
		case "(*sync.Mutex).Lock", "(*sync.RWMutex).Lock", "(*sync.RWMutex).RLock":
			locks = append(locks, lockCall{call, recv, f.FullName()})
		case "(*sync.Mutex).Unlock", "(*sync.RWMutex).Unlock", "(*sync.RWMutex).RUnlock":
			unlocks = append(unlocks, lockCall{call, recv, f.FullName()})
		}
		return true
	})
	for _, lk := range locks {
		end := body.End()
		for _, u := range unlocks {
			if !deferred[u.call] && strings.TrimSuffix(u.recv, "Unlock()") == strings.TrimSuffix(strings.TrimSuffix(lk.recv, "RLock()"), "Lock()") && u.call.Pos() > lk.call.Pos() && u.call.Pos() < end {
				end = u.call.Pos()
			}
		}
		var first token.Pos
		for call := range susp {
			if c.NeverWaits(call) {
				continue // ready at once: the task never suspends there
			}
			if call.Pos() > lk.call.End() && call.Pos() < end && (first == token.NoPos || call.Pos() < first) {
				first = call.Pos()
			}
		}
		if first.IsValid() {
			typ := strings.TrimPrefix(strings.Split(lk.name, ")")[0], "(*")
			fix := "syncx.Mutex (mu.Lock() suspends)"
			if typ == "sync.RWMutex" {
				fix = "syncx.RwLock (rw.Lock() and rw.RLock() suspend)"
			}
			c.errorf(lk.call.Pos(), Mutex, "%s holds a %s across the suspension point at %s: another task on this runtime thread that locks it deadlocks the thread; use %s, or unlock before suspending", lk.recv, typ, c.Where(first), fix)
		}
	}
}

// droppedFuture returns the call of an expression statement whose result,
// a future, the statement discards; nil otherwise.
func droppedFuture(info *types.Info, s *ast.ExprStmt) *ast.CallExpr {
	call, ok := ast.Unparen(s.X).(*ast.CallExpr)
	if ok && PollOutput(info.TypeOf(call)) != nil {
		return call
	}
	return nil
}

// CheckDropped reports every future that n discards: an expression
// statement, go statement or defer statement whose call returns a future,
// anywhere (plain functions and func literals included, not only async
// functions as Check does). Statements whose position is in done (Check
// reported them) are skipped. _ = FAsync(x) says the drop is meant and is
// not reported.
func (c *Checker) CheckDropped(n ast.Node, done map[token.Pos]bool) {
	ast.Inspect(n, func(n ast.Node) bool {
		var call *ast.CallExpr
		switch s := n.(type) {
		case *ast.ExprStmt:
			call = droppedFuture(c.Info, s)
		case *ast.GoStmt:
			call = s.Call
		case *ast.DeferStmt:
			call = s.Call
		default:
			return true
		}
		if call == nil || done[n.Pos()] || PollOutput(c.Info.TypeOf(call)) == nil {
			return true
		}
		c.errorf(n.Pos(), Dropped, "the future returned by %s is dropped, so it never runs; run it with rt.Run(f) or rt.Spawn(f), or call the function without Async", CalleeName(call))
		return true
	})
}

// CalleeName names a call's function as the source writes it, for messages.
func CalleeName(call *ast.CallExpr) string {
	fun := ast.Unparen(call.Fun)
	switch x := fun.(type) { // an explicit instantiation, F[int](x)
	case *ast.IndexExpr:
		fun = x.X
	case *ast.IndexListExpr:
		fun = x.X
	}
	switch f := fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		if x, ok := f.X.(*ast.Ident); ok {
			return x.Name + "." + f.Sel.Name
		}
		return f.Sel.Name
	}
	return "the call"
}

// HasDirective reports whether a doc comment holds the //async:func line.
func HasDirective(doc *ast.CommentGroup) bool {
	if doc == nil {
		return false
	}
	for _, c := range doc.List {
		if strings.TrimSpace(c.Text) == "//async:func" {
			return true
		}
	}
	return false
}
