package verify

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// The files a consumer's network environment names are read through
// safeio: /dev/zero as SSL_CERT_FILE or NETRC and /dev as SSL_CERT_DIR are
// refused at once and reported, while a good certificate file and a good
// certificate directory still count.
func TestNetworkFilesAreBounded(t *testing.T) {
	srv := httptest.NewTLSServer(nil)
	defer srv.Close()
	dir := t.TempDir()
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	certFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(certFile, pemBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	certDir := filepath.Join(dir, "certs")
	os.MkdirAll(certDir, 0o755)
	os.WriteFile(filepath.Join(certDir, "ca.pem"), pemBytes, 0o644)
	if err := syscall.Mkfifo(filepath.Join(certDir, "pipe.pem"), 0o644); err != nil {
		t.Fatal(err)
	}
	verifies := func(pool *x509.CertPool) bool {
		_, err := srv.Certificate().Verify(x509.VerifyOptions{Roots: pool})
		return pool != nil && err == nil
	}
	reported := func(skipped []sources.SkippedFile, path, reason string) bool {
		for _, s := range skipped {
			if s.Path == path && strings.Contains(s.Reason, reason) {
				return true
			}
		}
		return false
	}
	for _, c := range []struct {
		name         string
		file, dir    string
		trusts       bool
		skipped, why string
	}{
		{"good file", certFile, dir + "/none", true, "", ""},
		{"file is /dev/zero", "/dev/zero", dir + "/none", false, "/dev/zero", "a character device"},
		{"good directory with a FIFO", dir + "/none", certDir, true, certDir, "1 entries that are not regular files"},
		{"directory is /dev", dir + "/none", "/dev", false, "/dev", "entries that are not regular files"},
		{"directory is a file", dir + "/none", certFile, false, certFile, "not a regular file"},
	} {
		done := make(chan struct{})
		var pool *x509.CertPool
		var skipped []sources.SkippedFile
		go func() {
			defer close(done)
			pool, skipped = rootsFor(Net{GOOS: "linux", SSLCertFile: c.file, SSLCertDir: c.dir})
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: rootsFor blocked", c.name)
		}
		if verifies(pool) != c.trusts {
			t.Errorf("%s: trusts the server: %v, want %v", c.name, !c.trusts, c.trusts)
		}
		if c.skipped != "" && !reported(skipped, c.skipped, c.why) {
			t.Errorf("%s: skipped %+v, want %s (%s)", c.name, skipped, c.skipped, c.why)
		}
		if c.skipped == "" && len(skipped) > 0 {
			t.Errorf("%s: skipped %+v, want nothing", c.name, skipped)
		}
	}

	if creds, sk := loadCredentials("/dev/zero"); creds != nil || sk == nil || sk.Path != "/dev/zero" {
		t.Errorf("netrc /dev/zero: %v, %+v", creds, sk)
	}
	if creds, sk := loadCredentials(filepath.Join(dir, "missing")); creds != nil || sk != nil {
		t.Errorf("missing netrc: %v, %+v (a missing file is not a skipped one)", creds, sk)
	}
}

// A FIFO in a file:// proxy tree is refused at once.
func TestFileProxyFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "v1.0.0.info")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	p := newProber(Options{}.withDefaults())
	u := &url.URL{Scheme: "file", Path: fifo}
	done := make(chan Request, 1)
	go func() { done <- p.getFile(context.Background(), u) }()
	select {
	case r := <-done:
		if r.Class != ClassError || !strings.Contains(r.Error, "a named pipe, not a regular file") {
			t.Errorf("FIFO: %+v", r)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("getFile blocked on a FIFO")
	}
}
