package rt_test

import (
	"fmt"

	"github.com/corio-go/corio/rt"
	"golang.org/x/sys/unix"
)

// The readiness API: register a non-blocking descriptor, try the syscall, and
// let IO wait for readiness whenever it returns EAGAIN.
func ExampleRegister() {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		panic(err)
	}
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])
	reg, err := rt.Register(fds[0])
	if err != nil {
		panic(err)
	}
	defer reg.Deregister() // before the Close above

	go unix.Write(fds[1], []byte("hello"))
	buf := make([]byte, 16)
	var n int
	err = reg.IO(rt.DirRead, func() error {
		var err error
		n, err = unix.Read(fds[0], buf)
		return err
	})
	fmt.Println(string(buf[:n]), err)
	// Output: hello <nil>
}
