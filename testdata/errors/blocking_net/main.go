package main

import (
	"io"
	"net"
	"net/http"
	"os"

	"github.com/corio-go/corio/rt"
)

func main() { Main(nil, nil, nil) }

//async:func
func Main(c *net.TCPConn, u *net.UDPConn, f *os.File) {
	buf := make([]byte, 8)
	c.Read(buf)
	u.Read(buf)
	f.Read(buf)
	var conn net.Conn = c
	conn.Write(buf)
	resp, err := http.Get("http://example.invalid/")
	if err == nil {
		io.ReadAll(resp.Body)
	}
	io.ReadAll(f)
	rt.YieldNow()
	time := rt.Run(rt.YieldNowAsync())
	_ = time
}
