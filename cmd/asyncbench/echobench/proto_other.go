//go:build !linux

package main

import "errors"

// The prototype server (proto_linux.go) is Linux only.
type protoOpts struct{}

var protoVariants = map[string]protoOpts{}

func protoServe(addr string, o protoOpts) error {
	return errors.New("the prototype server is Linux only")
}
