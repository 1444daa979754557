// Package wslnet says how a proxy host relates to WSL2's networking and
// what to do about it: the rules (wsl-proxy-host) and Verify (an
// unreachable proxy under WSL) give the same advice. Pure: the facts come
// from sources.Platform, which the engine detects.
package wslnet

import (
	"net"
	"net/url"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// Kinds of host under WSL2.
const (
	// WindowsHost is the Windows host's address as WSL2's NAT network shows
	// it (the resolv.conf nameserver, the default gateway), or a name for it.
	WindowsHost = "windows-host"
	// Localhost is, under WSL2, the distribution's own loopback.
	Localhost = "localhost"
)

// HostKind says how host relates to WSL2's networking: "" for an ordinary
// host or when this is not WSL2 (WSL1 shares Windows' network, so its
// localhost is Windows'), WindowsHost or Localhost.
func HostKind(p sources.Platform, host string) string {
	if !p.WSL2 {
		return ""
	}
	h := strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	for _, w := range p.WindowsHost {
		if h == w {
			return WindowsHost
		}
	}
	if h == "host.docker.internal" || strings.HasSuffix(h, ".mshome.net") {
		return WindowsHost
	}
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return Localhost
	}
	if ip := net.ParseIP(h); ip != nil && ip.IsLoopback() {
		return Localhost
	}
	return ""
}

// URLKind is HostKind of a URL's host; a value without a scheme is read as
// http://, as golang.org/x/net/http/httpproxy reads a proxy variable.
func URLKind(p sources.Platform, raw string) string {
	v := strings.TrimSpace(raw)
	if v == "" {
		return ""
	}
	if !strings.Contains(v, "://") {
		v = "http://" + v
	}
	u, err := url.Parse(v)
	if err != nil || u.Hostname() == "" {
		return ""
	}
	return HostKind(p, u.Hostname())
}

// Advice is what to do about a proxy at a host of kind (HostKind); "" for
// an ordinary host.
func Advice(kind string) string {
	switch kind {
	case WindowsHost:
		return "a proxy on the Windows host is reachable from WSL2 only when it listens on all interfaces, not only on Windows' 127.0.0.1 (\"Allow LAN\" in most proxy apps), and Windows Firewall lets the WSL network in; " +
			"or turn on WSL's mirrored networking (networkingMode=mirrored in %UserProfile%\\.wslconfig, then wsl --shutdown) and use 127.0.0.1"
	case Localhost:
		return "under WSL2's default NAT networking, localhost is the distribution's own, not Windows': a proxy running on Windows is not there unless WSL runs in mirrored networking mode (networkingMode=mirrored in %UserProfile%\\.wslconfig, then wsl --shutdown); " +
			"otherwise point the variable at the Windows host's address with the proxy listening on all interfaces (a proxy running inside the distribution is fine as it is)"
	}
	return ""
}

// What names a host of kind for a message: "the Windows host", "localhost".
func What(kind string) string {
	if kind == Localhost {
		return "localhost"
	}
	return "the Windows host"
}
