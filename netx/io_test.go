//go:build linux

package netx

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/corio-go/corio/rt"
)

// pair returns the two ends of a loopback TCP connection.
func pair(t testing.TB) (*TCPStream, *TCPStream) {
	t.Helper()
	ln := listen(t)
	type res struct {
		s   *TCPStream
		err error
	}
	ch := make(chan res, 1)
	go func() {
		s, err := ln.AcceptTCP()
		ch <- res{s, err}
	}()
	c, err := Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	r := <-ch
	if r.err != nil {
		t.Fatal(r.err)
	}
	t.Cleanup(func() { c.Close(); r.s.Close() })
	return c, r.s
}

func TestReaderLinesAndWriterFlush(t *testing.T) {
	a, b := pair(t)
	w := NewWriter(a)
	go func() {
		for _, l := range []string{"one\n", "two\r\n", strings.Repeat("x", 40000) + "\n", "last"} {
			if _, err := w.Write([]byte(l)); err != nil {
				t.Error(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Error(err)
		}
		if w.Buffered() != 0 {
			t.Error("Buffered after Flush")
		}
		a.CloseWrite()
	}()
	r := NewReader(b)
	for _, want := range []string{"one", "two", strings.Repeat("x", 40000), "last"} {
		line, err := r.ReadLine()
		if err != nil || string(line) != want {
			t.Fatalf("ReadLine: %d bytes %q..., %v; want %d bytes", len(line), line[:min(len(line), 10)], err, len(want))
		}
	}
	if line, err := r.ReadLine(); err != io.EOF || line != nil {
		t.Fatalf("after the last line: %q, %v", line, err)
	}
	if r.Buffered() != 0 {
		t.Fatal("a drained Reader still holds a buffer")
	}
}

func TestReadFullAndReadBytesEOF(t *testing.T) {
	a, b := pair(t)
	a.Write([]byte("abcdef"))
	a.CloseWrite()
	var buf [4]byte
	if n, err := ReadFull(b, buf[:]); n != 4 || err != nil || string(buf[:]) != "abcd" {
		t.Fatalf("ReadFull: %d %q %v", n, buf, err)
	}
	if n, err := ReadFull(b, buf[:]); n != 2 || err != io.ErrUnexpectedEOF {
		t.Fatalf("short ReadFull: %d %v", n, err)
	}
	if n, err := ReadFull(b, buf[:]); n != 0 || err != io.EOF {
		t.Fatalf("ReadFull at EOF: %d %v", n, err)
	}
	c, d := pair(t)
	c.Write([]byte("no delimiter"))
	c.CloseWrite()
	got, err := NewReader(d).ReadBytes('\n')
	if err != io.EOF || string(got) != "no delimiter" {
		t.Fatalf("ReadBytes: %q, %v", got, err)
	}
}

func TestCopyPooledAndPlainSource(t *testing.T) {
	for _, pooled := range []bool{true, false} {
		a, b := pair(t)
		c, d := pair(t)
		data := make([]byte, 3<<20)
		rand.Read(data)
		go func() {
			a.Write(data)
			a.CloseWrite()
		}()
		// b -> c, in a task, with the source seen as a plain AsyncReader
		// (a Reader) or as the stream itself (a PooledReader).
		var src AsyncReader = b
		if !pooled {
			src = NewReader(b)
		}
		h := rt.Spawn(CopyAsync(c, src))
		got := make(chan []byte)
		go func() {
			all, _ := io.ReadAll(d)
			got <- all
		}()
		out, err := h.Join()
		if err == nil {
			err = out.V1
		}
		if err != nil {
			t.Fatal(err)
		}
		n := out.V0
		c.CloseWrite()
		if all := <-got; n != int64(len(data)) || !bytes.Equal(all, data) {
			t.Fatalf("pooled=%v: copied %d, received %d", pooled, n, len(all))
		}
	}
}

func TestCopyBidirectionalHalfClose(t *testing.T) {
	// client <-> (a | b) proxy (c | d) <-> server
	client, a := pair(t)
	c, server := pair(t)
	done := make(chan error, 1)
	var up, down int64
	go func() {
		var err error
		up, down, err = CopyBidirectional(a, c)
		done <- err
	}()
	client.Write([]byte("request"))
	client.CloseWrite() // must reach the server as EOF
	req, err := io.ReadAll(server)
	if err != nil || string(req) != "request" {
		t.Fatalf("server read %q, %v", req, err)
	}
	server.Write([]byte("response!"))
	server.CloseWrite()
	resp, err := io.ReadAll(client)
	if err != nil || string(resp) != "response!" {
		t.Fatalf("client read %q, %v", resp, err)
	}
	if err := <-done; err != nil || up != 7 || down != 9 {
		t.Fatalf("CopyBidirectional: %d up, %d down, %v", up, down, err)
	}
}

func TestCopyBidirectionalError(t *testing.T) {
	client, a := pair(t)
	c, server := pair(t)
	done := make(chan error, 1)
	go func() {
		_, _, err := CopyBidirectional(a, c)
		done <- err
	}()
	server.SetLinger(0)
	server.Close() // a reset towards the proxy
	client.Write([]byte("x"))
	err := <-done
	if err == nil || errors.Is(err, io.EOF) {
		t.Fatalf("CopyBidirectional after a reset: %v", err)
	}
}
