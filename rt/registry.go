package rt

import (
	"sync"
	"weak"
)

// The registry of live runtimes, for debugging tools (rt/rtdebug) that dump
// every runtime of the process. A runtime is listed from its creation to its
// Shutdown; the list holds weak pointers, so a runtime dropped without
// Shutdown does not stay alive for it.
var registry struct {
	mu   sync.Mutex
	list []weak.Pointer[Runtime] // protected by mu, in creation order
	max  int                     // protected by mu: length that triggers a pruning
}

func registerRuntime(r *Runtime) {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	if len(registry.list) >= registry.max {
		registry.list = pruneRegistry(registry.list, nil)
		registry.max = max(2*len(registry.list), 16)
	}
	registry.list = append(registry.list, weak.Make(r))
}

func unregisterRuntime(r *Runtime) {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	registry.list = pruneRegistry(registry.list, r)
}

// pruneRegistry drops collected runtimes and drop from l, in place.
func pruneRegistry(l []weak.Pointer[Runtime], drop *Runtime) []weak.Pointer[Runtime] {
	out := l[:0]
	for _, p := range l {
		if v := p.Value(); v != nil && v != drop {
			out = append(out, p)
		}
	}
	clear(l[len(out):])
	return out
}

// Runtimes returns the process's live runtimes, in creation order: every
// runtime created and not yet shut down, and the process default runtime
// (Spawn's) once something used it. rtdebug's handler dumps them all.
func Runtimes() []*Runtime {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	var out []*Runtime
	for _, p := range registry.list {
		if v := p.Value(); v != nil && !v.closed.Load() {
			out = append(out, v)
		}
	}
	return out
}
