package goenv

import (
	"slices"
	"strings"
)

// PublicCodeHosts are hosts where anyone has repositories: a module there
// is never "own" because the main module is there too, and a privacy
// pattern covering one of them covers everyone's modules.
var PublicCodeHosts = []string{
	"github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "gitee.com", "git.sr.ht", "sr.ht",
	"launchpad.net", "gopkg.in", "dev.azure.com", "visualstudio.com", "huggingface.co", "golang.org",
	"go.googlesource.com", "googlesource.com", "k8s.io", "sigs.k8s.io", "go.uber.org", "google.golang.org",
	"cloud.google.com", "go.opentelemetry.io", "go.etcd.io", "honnef.co", "mvdan.cc", "rsc.io",
}

// IsPublicCodeHost reports whether host is one of PublicCodeHosts or a
// per-organisation subdomain of shared hosting (<org>.visualstudio.com,
// <x>.googlesource.com).
func IsPublicCodeHost(host string) bool {
	host = strings.ToLower(host)
	if slices.Contains(PublicCodeHosts, host) {
		return true
	}
	return strings.HasSuffix(host, ".visualstudio.com") || strings.HasSuffix(host, ".googlesource.com")
}
