package rt

import "syscall"

// closeFD closes a handle for CloseAfterPolls.
func closeFD(fd int) { syscall.Close(syscall.Handle(fd)) }
