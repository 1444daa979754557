package verifytest

import (
	"context"
	"encoding/base64"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"

	"github.com/elazarl/goproxy"
)

// ForwardProxy is an HTTP forward proxy (HTTPS_PROXY) built on
// github.com/elazarl/goproxy: it tunnels CONNECT and forwards plain HTTP,
// dialling only through the Hosts' Dial (so example.com names reach the TLS
// listener and nothing leaves loopback).
type ForwardProxy struct {
	// URL is http://127.0.0.1:port.
	URL string
	Log *Log
}

// NewForwardProxy starts a forward proxy. With user and password set it
// answers 407 Proxy Authentication Required unless the request carries
// them as Basic Proxy-Authorization.
func NewForwardProxy(t TB, hosts *Hosts, log_ *Log, user, password string) *ForwardProxy {
	t.Helper()
	p := goproxy.NewProxyHttpServer()
	p.Logger = log.New(io.Discard, "", 0)
	dial := hosts.Dial
	p.ConnectDial = func(network, addr string) (net.Conn, error) { return dial(context.Background(), network, addr) }
	p.Tr = &http.Transport{DialContext: dial}
	want := ""
	if user != "" {
		want = "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
	}
	authorized := func(r *http.Request) bool { return want == "" || r.Header.Get("Proxy-Authorization") == want }
	p.OnRequest().HandleConnectFunc(func(host string, ctx *goproxy.ProxyCtx) (*goproxy.ConnectAction, string) {
		record(log_, "forward-proxy", ctx.Req)
		if authorized(ctx.Req) {
			return goproxy.OkConnect, host
		}
		ctx.Resp = goproxy.NewResponse(ctx.Req, "text/plain", http.StatusProxyAuthRequired, "proxy authentication required\n")
		ctx.Resp.Header.Set("Proxy-Authenticate", `Basic realm="verifytest"`)
		return goproxy.RejectConnect, host
	})
	p.OnRequest().DoFunc(func(r *http.Request, ctx *goproxy.ProxyCtx) (*http.Request, *http.Response) {
		record(log_, "forward-proxy", r)
		if authorized(r) {
			return r, nil
		}
		resp := goproxy.NewResponse(r, "text/plain", http.StatusProxyAuthRequired, "proxy authentication required\n")
		resp.Header.Set("Proxy-Authenticate", `Basic realm="verifytest"`)
		return r, resp
	})
	srv := httptest.NewServer(p)
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
	})
	return &ForwardProxy{URL: srv.URL, Log: log_}
}
