package rules

import "testing"

func TestProxyMisspelling(t *testing.T) {
	for _, tc := range []struct {
		name     string
		caseless bool
		want     string
	}{
		{"HTTPS_PORXY", false, "HTTPS_PROXY"},
		{"HTTP_PROXY_URL", false, "HTTP_PROXY"},
		{"HTTPSPROXY", false, "HTTPS_PROXY"},
		{"https-proxy", false, "https_proxy"},
		{"Https_Proxy", false, "HTTPS_PROXY"},
		{"Https_Proxy", true, ""},
		{"NO_PROXI", false, "NO_PROXY"},
		{"no_proxy_hosts", false, "no_proxy"},
		{"ALLPROXY", false, "ALL_PROXY"},
		{"HTTPS_PROXY", false, ""},
		{"http_proxy", false, ""},
		{"NO_PROXY", false, ""},
		{"FTP_PROXY", false, ""},
		{"SOCKS_PROXY", false, ""},
		{"ALLOW_PROXY", false, ""},
		{"HTTP_PORT", false, ""},
		{"NODE_ENV", false, ""},
		{"HTTP_PROXY_REQUEST_FULLURI", false, ""},
		{"GOPROXY_URL", false, ""}, // unknown-go-variable's
	} {
		if got := proxyMisspelling(tc.name, tc.caseless); got != tc.want {
			t.Errorf("proxyMisspelling(%q, %v) = %q, want %q", tc.name, tc.caseless, got, tc.want)
		}
	}
}
