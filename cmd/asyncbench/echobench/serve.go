package main

//go:generate go run github.com/corio-go/corio/cmd/asyncgen

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"syscall"

	"github.com/corio-go/corio/netx"
	"github.com/corio-go/corio/rt"
)

// handle is examples/echo's loop: wait for readability holding no buffer,
// borrow a pooled buffer for the read, echo it, give it back. It is repeated
// here (examples/echo is a main package) so that echobench can profile the
// same loop in a process of its own making.
//
//async:func
func handle(c *netx.TCPStream) error {
	for {
		b, err := c.ReadPooled()
		if err != nil {
			c.Close()
			if err == io.EOF {
				return nil
			}
			return err
		}
		_, err = c.Write(b.Bytes())
		b.Release()
		if err != nil {
			c.Close()
			return err
		}
	}
}

// acceptLoop spawns a handle task per connection until ln is closed.
//
//async:func
func acceptLoop(ln *netx.TCPListener) error {
	for {
		c, err := ln.AcceptTCP()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		rt.Spawn(handleAsync(c))
	}
}

// serve runs the echo server on a multi-thread runtime (one worker per CPU)
// until SIGINT or SIGTERM, writing a CPU profile of the whole run if
// profile is set, and a heap profile taken when the signal arrives (with
// the connections still open) if memprofile is set. With metrics it prints
// the runtime's counters to stderr when the signal arrives.
func serve(addr, profile, memprofile string, metrics bool) error {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	if memprofile != "" {
		runtime.MemProfileRate = 1 // every allocation, so that bytes per connection are exact
	}
	r := rt.NewMultiThread()
	defer r.Shutdown()
	out := rt.BlockOn(r, netx.ListenAsync("tcp", addr))
	if out.V1 != nil {
		return out.V1
	}
	ln := out.V0
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	srv := rt.SpawnOn(r, acceptLoopAsync(ln))
	<-sigs
	if metrics {
		fmt.Fprintf(os.Stderr, "%+v\n", r.Metrics())
	}
	if memprofile != "" {
		f, err := os.Create(memprofile)
		if err != nil {
			return err
		}
		runtime.GC()
		err = pprof.Lookup("heap").WriteTo(f, 0)
		f.Close()
		if err != nil {
			return err
		}
	}
	ln.Close()
	serveErr, joinErr := srv.Join()
	return errors.Join(serveErr, joinErr)
}
