package rules

import (
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
)

func TestHostClassification(t *testing.T) {
	for _, tc := range []struct {
		host, registrable string
		internal, public  bool
	}{
		{"goproxy.corp.example.com", "example.com", false, false},
		{"git.corp.example.co.uk", "example.co.uk", false, false},
		{"goproxy.corp", "goproxy.corp", true, false},
		{"artifactory.internal", "artifactory.internal", true, false},
		{"goproxy01", "goproxy01", true, false},
		{"10.1.2.3", "10.1.2.3", true, false},
		{"192.168.0.10", "192.168.0.10", true, false},
		{"203.0.113.7", "203.0.113.7", false, false},
		{"github.com", "github.com", false, true},
		{"GitLab.com", "gitlab.com", false, true},
		{"myorg.visualstudio.com", "visualstudio.com", false, true},
		{"goproxy.example.com:8443", "example.com", false, false},
	} {
		if got := registrable(tc.host); got != tc.registrable {
			t.Errorf("registrable(%q) = %q, want %q", tc.host, got, tc.registrable)
		}
		if got := internalHost(tc.host); got != tc.internal {
			t.Errorf("internalHost(%q) = %v, want %v", tc.host, got, tc.internal)
		}
		if got := goenv.IsPublicCodeHost(tc.host); got != tc.public {
			t.Errorf("goenv.IsPublicCodeHost(%q) = %v, want %v", tc.host, got, tc.public)
		}
	}
}

func TestMayDownload(t *testing.T) {
	for v, want := range map[string]bool{
		"auto": true, "local+auto": true, "go1.22.1+auto": true, "go1.99.1": true,
		"local": false, "": false, "path": false, "go1.22.1+path": false, "bogus": false,
	} {
		if got := mayDownload(v); got != want {
			t.Errorf("mayDownload(%q) = %v, want %v", v, got, want)
		}
	}
}
