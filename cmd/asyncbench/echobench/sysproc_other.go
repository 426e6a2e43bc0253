//go:build !linux

package main

import "syscall"

// serverAttr starts a server in its own process group. (echobench measures
// through /proc and perf, so it only gives figures on Linux.)
func serverAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }
