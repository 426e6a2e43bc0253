package main

import "syscall"

// serverAttr starts a server in its own process group (so that SIGKILL of
// the group takes any children too) and asks the kernel to kill it if
// echobench dies without killing it.
func serverAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
