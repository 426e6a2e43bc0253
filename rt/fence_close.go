//go:build !windows

package rt

import "syscall"

// closeFD closes a descriptor for CloseAfterPolls.
func closeFD(fd int) { syscall.Close(fd) }
