package main

import "github.com/corio-go/corio/rt"

const runtimeName = "a current-thread runtime"

func newRuntime() *rt.Runtime { return rt.NewCurrentThread() }
