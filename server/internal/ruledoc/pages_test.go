package ruledoc

import (
	"bufio"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/rules"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify"
)

var pagesDir = filepath.Join(root, "docs", "rules")

// sections every rule page has, in this order.
var sections = []string{"## What it reports", "## Why it matters", "## How to fix", "## Example"}

// Every documented code has a page and every page names a documented code;
// each page starts with its code, states its usual severity, carries the
// catalogue's summary sentence and the four sections, and the index lists
// and links every page.
func TestEveryCodeHasItsPage(t *testing.T) {
	entries, err := os.ReadDir(pagesDir)
	if err != nil {
		t.Fatal(err)
	}
	var pages []string
	for _, e := range entries {
		name := e.Name()
		if name == "README.md" {
			continue
		}
		code, ok := strings.CutSuffix(name, ".md")
		if !ok || e.IsDir() {
			t.Errorf("docs/rules/%s is not a rule page", name)
			continue
		}
		pages = append(pages, code)
	}
	if codes := Codes(); !slices.Equal(pages, codes) {
		t.Errorf("docs/rules/ has a page per code of the catalogue (server/internal/ruledoc/catalogue.go), no more:\npages %q\ncodes %q", pages, codes)
	}
	index, err := os.ReadFile(filepath.Join(pagesDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range Codes() {
		r, _ := Lookup(code)
		b, err := os.ReadFile(filepath.Join(pagesDir, code+".md"))
		if err != nil {
			t.Errorf("%s: %v", code, err)
			continue
		}
		page := string(b)
		if !strings.HasPrefix(page, "# `"+code+"`\n\n**Severity:** "+r.Severity) {
			t.Errorf("%s.md does not start with its code and its severity %s", code, r.Severity)
		}
		if !slices.Contains(strings.Split(page, "\n"), r.Short) {
			t.Errorf("%s.md lacks the summary line %q", code, r.Short)
		}
		at := 0
		for _, s := range sections {
			i := strings.Index(page[at:], "\n"+s+"\n")
			if i < 0 {
				t.Errorf("%s.md lacks %q (in order: %q)", code, s, sections)
				break
			}
			at += i + 1
		}
		if !strings.Contains(string(index), "| [`"+code+"`]("+code+".md) | "+r.Severity+" | "+r.Short+" |") {
			t.Errorf("README.md does not list %s with its severity and summary", code)
		}
	}
}

// Relative links between the pages resolve, and absolute ones parse.
func TestPageLinksResolve(t *testing.T) {
	link := regexp.MustCompile(`\]\(([^)]+)\)`)
	files, err := filepath.Glob(filepath.Join(pagesDir, "*.md"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no pages: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range link.FindAllStringSubmatch(string(b), -1) {
			target := m[1]
			if u, err := url.Parse(target); err != nil {
				t.Errorf("%s: link %q: %v", filepath.Base(f), target, err)
			} else if u.IsAbs() {
				continue
			}
			if _, err := os.Stat(filepath.Join(pagesDir, target)); err != nil {
				t.Errorf("%s: link %q: %v", filepath.Base(f), target, err)
			}
		}
	}
}

// The pages show example hosts only: no default module mirror or checksum
// database host names (read from this Go installation's go.env), which
// stand as <default-mirror> where the text needs them.
func TestPagesNameNoDefaultHosts(t *testing.T) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(strings.TrimSpace(string(out)), "go.env"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var hosts []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok || k != "GOPROXY" && k != "GOSUMDB" {
			continue
		}
		for _, entry := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '|' || r == ' ' }) {
			host := entry
			if u, err := url.Parse(entry); err == nil && u.Host != "" {
				host = u.Hostname()
			}
			if strings.Contains(host, ".") {
				hosts = append(hosts, host)
			}
		}
	}
	if len(hosts) == 0 {
		t.Fatal("go.env names no default hosts; the test checks nothing")
	}
	files, _ := filepath.Glob(filepath.Join(pagesDir, "*.md"))
	for _, file := range append(files, filepath.Join(root, "docs", "ci.md")) {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Error(err)
			continue
		}
		for _, h := range hosts {
			if strings.Contains(string(b), h) {
				t.Errorf("%s names the default host %s", filepath.Base(file), h)
			}
		}
	}
}

// Every code the server can emit — each registered rule and each of
// Verify's codes — has a page, whatever the contract says.
func TestEmittedCodesHavePages(t *testing.T) {
	emitted := []string{
		verify.CodeProxyUnreachable, verify.CodeProxyTLSError, verify.CodeProxyAuthRequired,
		verify.CodeProxyTimeout, verify.CodeModuleNotFound, verify.CodeSumDBUnreachable,
	}
	for _, r := range rules.All() {
		emitted = append(emitted, r.Code)
	}
	for _, code := range emitted {
		if URL(code) == "" {
			t.Errorf("%s is emitted but has no catalogue entry", code)
		}
		if _, err := os.Stat(filepath.Join(pagesDir, code+".md")); err != nil {
			t.Errorf("%s is emitted but has no page: %v", code, err)
		}
	}
}
