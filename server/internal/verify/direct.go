package verify

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/mod/module"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
)

// staticRepos are cmd/go's vcsPaths for hosting sites it knows without a
// go-get request (vcs/vcs.go): the go command runs their VCS directly.
var staticRepos = []struct {
	prefix string
	re     *regexp.Regexp
	vcs    string
}{
	{"github.com", regexp.MustCompile(`^(github\.com/[\w.\-]+/[\w.\-]+)(/[\w.\-]+)*$`), "git"},
	{"bitbucket.org", regexp.MustCompile(`^(bitbucket\.org/[\w.\-]+/[\w.\-]+)(/[\w.\-]+)*$`), "git"},
	{"hub.jazz.net/git", regexp.MustCompile(`^(hub\.jazz\.net/git/[a-z0-9]+/[\w.\-]+)(/[\w.\-]+)*$`), "git"},
	{"git.apache.org", regexp.MustCompile(`^(git\.apache\.org/[a-z0-9_.\-]+\.git)(/[\w.\-]+)*$`), "git"},
	{"git.openstack.org", regexp.MustCompile(`^(git\.openstack\.org/[\w.\-]+/[\w.\-]+)(\.git)?(/[\w.\-]+)*$`), "git"},
	{"chiselapp.com", regexp.MustCompile(`^(chiselapp\.com/user/[A-Za-z0-9]+/repository/[\w.\-]+)$`), "fossil"},
}

// direct is cmd/go's lookupDirect: resolve the path at its origin with
// https://<path>?go-get=1 (plain http allowed after an https failure only
// under GOINSECURE), and for a go-import "mod" server fetch the version's
// .info there. Any failure to resolve is a "not found" for the proxy walk.
func (tr *targetRun) direct(ctx context.Context, a *Attempt, mv module.Version) (*Attempt, Kind, error) {
	for _, s := range staticRepos {
		if mv.Path != s.prefix && !strings.HasPrefix(mv.Path, s.prefix+"/") {
			continue
		}
		m := s.re.FindStringSubmatch(mv.Path)
		if m == nil {
			a.Outcome, a.Error = OutcomeNotFound, fmt.Sprintf("unrecognized import path %q", mv.Path)
			return a, NotFound, nil
		}
		if err := tr.routing.checkGOVCS(s.vcs, m[1]); err != nil {
			// cmd/go's repoRootFromVCSPaths: before any request.
			a.Outcome, a.Class, a.Error = OutcomeNotFound, ClassError, err.Error()
			return a, NotFound, nil
		}
		return tr.vcsRepo(ctx, a, s.vcs, "https://"+m[1])
	}
	insecure := goenv.Match(tr.routing.GOINSECURE, mv.Path)
	imports, failed, err := tr.goGet(ctx, a, mv.Path, mv.Path, insecure)
	if err != nil || failed {
		return a, NotFound, err
	}
	mi, merr := matchGoImport(imports, mv.Path)
	if merr == nil && mi.Prefix != mv.Path {
		// A tag for a shorter prefix must be confirmed by the prefix itself.
		page := a.Requests[len(a.Requests)-1].URL // the page that answered
		var again []metaImport
		again, failed, err = tr.goGet(ctx, a, mv.Path, mi.Prefix, insecure)
		if err != nil || failed {
			return a, NotFound, err
		}
		if mi2, err2 := matchGoImport(again, mv.Path); err2 != nil || mi2 != mi {
			// cmd/go's words; it names the prefix's page by its
			// scheme-less URL (urlForImportPath).
			host, rest, _ := strings.Cut(mi.Prefix, "/")
			prefixPage := &url.URL{Host: host, Path: "/" + rest, RawQuery: "go-get=1"}
			merr = fmt.Errorf("%s and %s disagree about go-import for %s", page, prefixPage, mi.Prefix)
		}
	}
	if merr != nil {
		a.Outcome, a.Class, a.Error = OutcomeNotFound, ClassNotAProxy, fmt.Sprintf("unrecognized import path %q: %v", mv.Path, merr)
		return a, NotFound, nil
	}
	if mi.VCS != "mod" {
		if err := tr.routing.checkGOVCS(mi.VCS, mi.Prefix); err != nil {
			// cmd/go stops before running the tool: a resolution failure.
			a.Outcome, a.Class, a.Error = OutcomeNotFound, ClassError, fmt.Sprintf("unrecognized import path %q: %v", mv.Path, err)
			return a, NotFound, nil
		}
		return tr.vcsRepo(ctx, a, mi.VCS, mi.RepoRoot)
	}
	base, err := url.Parse(mi.RepoRoot)
	if err != nil || base.Scheme == "" || base.Scheme == "file" {
		a.Outcome, a.Error = OutcomeNotFound, fmt.Sprintf("invalid repo root %q", mi.RepoRoot)
		return a, NotFound, nil
	}
	a.Note = strings.TrimSpace(a.Note + " go-import: mod " + redact.URL(base))
	u, err := ModuleURL(base, mv, "info")
	if err != nil {
		a.Outcome, a.Error = OutcomeError, err.Error()
		return a, Failed, nil
	}
	req, err := tr.p.get(ctx, tr.env, u, kindInfo, false)
	if err != nil {
		return nil, Failed, err
	}
	if req.Class == ClassOK {
		checkInfo(&req, mv.Version, base)
	}
	return a.finish(req), kindOf(req.Class), nil
}

// goGet fetches https://<path>?go-get=1 (cmd/go web.Get with the security
// mode lookupDirect chose) and parses its go-import tags. failed reports a
// resolution failure, already recorded on a. Errors name importPath, the
// module's path, as cmd/go's do even when path is the shorter prefix being
// confirmed.
func (tr *targetRun) goGet(ctx context.Context, a *Attempt, importPath, path string, insecure bool) (imports []metaImport, failed bool, err error) {
	host, rest, _ := strings.Cut(path, "/")
	if !strings.Contains(host, ".") {
		a.Outcome, a.Error = OutcomeNotFound, fmt.Sprintf("unrecognized import path %q: import path does not begin with hostname", importPath)
		return nil, true, nil
	}
	u := &url.URL{Scheme: "https", Host: host, Path: "/" + rest, RawQuery: "go-get=1"}
	req, err := tr.p.get(ctx, tr.env, u, kindGoGet, insecure)
	if err != nil {
		return nil, false, err
	}
	if req.Status == 0 && insecure {
		a.Requests = append(a.Requests, req)
		plain := *u
		plain.Scheme = "http"
		if req, err = tr.p.get(ctx, tr.env, &plain, kindGoGet, false); err != nil {
			return nil, false, err
		}
	}
	a.finish(req)
	if req.Status == 0 {
		prefix := "https fetch"
		if insecure {
			prefix = "http/https fetch"
		}
		a.Outcome, a.Error = OutcomeError, fmt.Sprintf("unrecognized import path %q: %s: %s", importPath, prefix, req.Error)
		return nil, true, nil
	}
	imports, perr := parseMetaGoImports(bytes.NewReader(req.body))
	if len(imports) == 0 {
		a.Outcome = OutcomeNotFound
		switch {
		case req.Class != ClassOK:
			a.Error = fmt.Sprintf("unrecognized import path %q: reading %s: %s", importPath, req.URL, req.Error)
		case perr != nil:
			a.Class, a.Error = ClassNotAProxy, fmt.Sprintf("unrecognized import path %q: parsing %s: %v", importPath, req.URL, perr)
		default:
			a.Class, a.Error = ClassNotAProxy, fmt.Sprintf("unrecognized import path %q: no go-import meta tags at %s", importPath, req.URL)
		}
		return nil, true, nil
	}
	a.Outcome, a.Class, a.Error = OutcomeOK, ClassOK, ""
	return imports, false, nil
}

// vcsRepo checks a repository the go command would clone with a VCS tool.
// Verify does not run git; for git over https it asks for the refs the way
// git's smart HTTP protocol does, which tells reachable, private and absent
// repositories apart (git uses its own proxy settings and credential
// helpers, which may differ).
func (tr *targetRun) vcsRepo(ctx context.Context, a *Attempt, vcs, repo string) (*Attempt, Kind, error) {
	u, err := url.Parse(repo)
	note := fmt.Sprintf("%s repository %s: fetched with %s, which Verify does not run", vcs, redact.Redact(repo), vcs)
	a.Note = strings.TrimSpace(a.Note + " " + note)
	if err != nil || vcs != "git" || u.Scheme != "https" {
		a.Outcome, a.Class = OutcomeOK, ClassOK
		return a, OK, nil
	}
	refs := *u
	refs.Path = strings.TrimSuffix(refs.Path, "/") + "/info/refs"
	refs.RawQuery = "service=git-upload-pack"
	req, err := tr.p.get(ctx, tr.env, &refs, kindSumDB, false)
	if err != nil {
		return nil, Failed, err
	}
	a.finish(req)
	switch req.Class {
	case ClassOK:
		return a, OK, nil
	case ClassNotFound:
		return a, NotFound, nil
	}
	// git ls-remote failures are not "not found" errors for cmd/go.
	return a, Failed, nil
}

// metaImport is one go-import meta tag.
type metaImport struct{ Prefix, VCS, RepoRoot, SubDir string }

// parseMetaGoImports is cmd/go's (vcs/discovery.go) in module mode: the tags
// before <body> or </head>, "mod" entries first and superseding others with
// the same prefix.
func parseMetaGoImports(r io.Reader) ([]metaImport, error) {
	d := xml.NewDecoder(r)
	d.Strict = false
	d.CharsetReader = func(charset string, input io.Reader) (io.Reader, error) {
		switch strings.ToLower(charset) {
		case "utf-8", "ascii":
			return input, nil
		}
		return nil, fmt.Errorf("can't decode XML document using charset %q", charset)
	}
	var imports []metaImport
	for {
		t, err := d.RawToken()
		if err != nil {
			if err != io.EOF && len(imports) == 0 {
				return nil, err
			}
			break
		}
		if e, ok := t.(xml.StartElement); ok && strings.EqualFold(e.Name.Local, "body") {
			break
		}
		if e, ok := t.(xml.EndElement); ok && strings.EqualFold(e.Name.Local, "head") {
			break
		}
		e, ok := t.(xml.StartElement)
		if !ok || !strings.EqualFold(e.Name.Local, "meta") || attrValue(e.Attr, "name") != "go-import" {
			continue
		}
		if f := strings.Fields(attrValue(e.Attr, "content")); len(f) == 3 || len(f) == 4 {
			mi := metaImport{Prefix: f[0], VCS: f[1], RepoRoot: f[2]}
			if len(f) == 4 {
				mi.SubDir = f[3]
			}
			imports = append(imports, mi)
		}
	}
	var list []metaImport
	have := map[string]bool{}
	for _, m := range imports {
		if m.VCS == "mod" {
			have[m.Prefix] = true
			list = append(list, m)
		}
	}
	for _, m := range imports {
		if m.VCS != "mod" && !have[m.Prefix] {
			list = append(list, m)
		}
	}
	return list, nil
}

func attrValue(attrs []xml.Attr, name string) string {
	for _, a := range attrs {
		if strings.EqualFold(a.Name.Local, name) {
			return a.Value
		}
	}
	return ""
}

// matchGoImport is cmd/go's: the one tag whose prefix is a path prefix of
// the import path (a "mod" tag wins over the VCS tags after it).
func matchGoImport(imports []metaImport, importPath string) (metaImport, error) {
	match := -1
	for i, im := range imports {
		if importPath != im.Prefix && !strings.HasPrefix(importPath, im.Prefix+"/") {
			continue
		}
		if match >= 0 {
			if imports[match].VCS == "mod" && im.VCS != "mod" {
				break
			}
			return metaImport{}, fmt.Errorf("multiple meta tags match import path %q", importPath)
		}
		match = i
	}
	if match < 0 {
		return metaImport{}, errors.New("no go-import meta tags")
	}
	return imports[match], nil
}
