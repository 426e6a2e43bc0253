package netx

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strconv"

	"github.com/corio-go/corio/rt"
	"golang.org/x/sys/unix"
)

// target is a parsed "host:port" for a TCP or UDP network: the addresses to
// try, or a host name still to resolve.
type target struct {
	network string
	host    string // a name still to resolve; "" once sas holds the addresses
	port    string // the port, as written
	sas     []unix.Sockaddr
	family  int // the family of a wildcard listen address
}

// parseTarget parses address for network without any lookup that could
// block: IP literals, an empty host (the wildcard) and numeric ports are
// handled here; a host name or a service name is left in host for lookup.
func parseTarget(network, address string, listen bool) (target, error) {
	t := target{network: network}
	switch network {
	case "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6":
	default:
		return t, net.UnknownNetworkError(network)
	}
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return t, err
	}
	t.port = port
	pn, perr := strconv.Atoi(port)
	if perr == nil && (pn < 0 || pn > 65535) {
		// A number, but not a port: net's error, not the kernel's EINVAL
		// from a bind or connect.
		return t, &net.AddrError{Err: "invalid port", Addr: port}
	}
	if perr != nil {
		t.host = host // a service name: resolved with the host
		if t.host == "" {
			t.host = wildcardHost(network, listen)
		}
		return t, nil
	}
	if host == "" {
		if !listen {
			host = "localhost" // net dials the local system for an empty host
			t.host = host
			return t, nil
		}
		t.family = wildcardFamily(network)
		t.sas = []unix.Sockaddr{wildcard(t.family, pn)}
		return t, nil
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		t.host = host
		return t, nil
	}
	sa, err := sockaddrFor(network, ip, pn)
	if err != nil {
		return t, err
	}
	t.sas = []unix.Sockaddr{sa}
	return t, nil
}

// listenTarget parses a listen address of network, which must be of the
// kind proto ("tcp" or "udp"); with lookupNow it also resolves a host name
// on the calling goroutine (plain Go may block on DNS).
func listenTarget(network, address, proto string, lookupNow bool) (target, error) {
	t, err := parseTarget(network, address, true)
	if err == nil && network[:3] != proto {
		err = net.UnknownNetworkError(network)
	}
	if err == nil && lookupNow && t.host != "" {
		t.sas, err = t.lookup()
		t.host = ""
	}
	return t, err
}

func wildcardHost(network string, listen bool) string {
	if !listen {
		return "localhost"
	}
	if wildcardFamily(network) == unix.AF_INET {
		return "0.0.0.0"
	}
	return "::"
}

// wildcardFamily: tcp and udp listen on the dual-stack IPv6 wildcard where
// IPv6 works, as net does.
func wildcardFamily(network string) int {
	switch network[len(network)-1] {
	case '4':
		return unix.AF_INET
	case '6':
		return unix.AF_INET6
	}
	if ipv6Works() {
		return unix.AF_INET6
	}
	return unix.AF_INET
}

func wildcard(family, port int) unix.Sockaddr {
	if family == unix.AF_INET {
		return &unix.SockaddrInet4{Port: port}
	}
	return &unix.SockaddrInet6{Port: port}
}

var errNoSuitableAddress = errors.New("no suitable address found")

// sockaddrFor converts ip:port for network, refusing the wrong family for
// tcp4/tcp6.
func sockaddrFor(network string, ip netip.Addr, port int) (unix.Sockaddr, error) {
	last := network[len(network)-1]
	if ip.Is4In6() && last != '6' {
		ip = ip.Unmap()
	}
	switch {
	case ip.Is4() && last != '6':
		return &unix.SockaddrInet4{Port: port, Addr: ip.As4()}, nil
	case ip.Is6() && last != '4':
		sa := &unix.SockaddrInet6{Port: port, Addr: ip.As16()}
		if z := ip.Zone(); z != "" {
			if ifi, err := net.InterfaceByName(z); err == nil {
				sa.ZoneId = uint32(ifi.Index)
			}
		}
		return sa, nil
	}
	return nil, &net.AddrError{Err: errNoSuitableAddress.Error(), Addr: ip.String()}
}

// lookup resolves t's host and port; it blocks, so it runs on the blocking
// pool.
func (t target) lookup() ([]unix.Sockaddr, error) {
	ctx := context.Background()
	base := t.network[:3]
	pn, err := strconv.Atoi(t.port)
	if err != nil {
		pn, err = net.DefaultResolver.LookupPort(ctx, base, t.port)
		if err != nil {
			return nil, err
		}
	}
	var ips []netip.Addr
	if ip, perr := netip.ParseAddr(t.host); perr == nil {
		ips = []netip.Addr{ip}
	} else {
		ips, err = net.DefaultResolver.LookupNetIP(ctx, "ip", t.host)
		if err != nil {
			return nil, err
		}
	}
	var sas []unix.Sockaddr
	// IPv4 first: loopback names resolve to both, and a server listening on
	// 127.0.0.1 is far more common than one on ::1 only.
	for pass := 0; pass < 2; pass++ {
		for _, ip := range ips {
			if ip.Unmap().Is4() != (pass == 0) {
				continue
			}
			if sa, err := sockaddrFor(t.network, ip, pn); err == nil {
				sas = append(sas, sa)
			}
		}
	}
	if len(sas) == 0 {
		return nil, &net.AddrError{Err: errNoSuitableAddress.Error(), Addr: t.host}
	}
	return sas, nil
}

// resolving is the part of a dial or listen future that resolves a host
// name on the blocking pool, so that no worker blocks on DNS.
type resolving struct {
	h  *rt.JoinHandle[resolved]
	jf rt.Future[rt.Tuple2[resolved, error]]
}

type resolved struct {
	sas []unix.Sockaddr
	err error
}

// poll resolves t (submitting the lookup at its first call); true once done.
func (r *resolving) poll(cx *rt.Context, t *target) (bool, error) {
	if t.host == "" {
		return true, nil
	}
	if r.jf == nil {
		tt := *t
		r.h, _ = rt.SpawnBlockingAsync(func() resolved {
			sas, err := tt.lookup()
			return resolved{sas, err}
		}).Poll(cx)
		r.jf = r.h.JoinAsync()
	}
	out, ok := r.jf.Poll(cx)
	if !ok {
		return false, nil
	}
	r.h, r.jf = nil, nil
	t.host = ""
	if out.V1 != nil {
		return true, out.V1
	}
	t.sas = out.V0.sas
	return true, out.V0.err
}

func (r *resolving) cancel() {
	if r.h != nil {
		r.h.Abort()
		r.h, r.jf = nil, nil
	}
}

func familyOf(sa unix.Sockaddr) int {
	switch sa.(type) {
	case *unix.SockaddrInet4:
		return unix.AF_INET
	case *unix.SockaddrInet6:
		return unix.AF_INET6
	}
	return unix.AF_UNIX
}
