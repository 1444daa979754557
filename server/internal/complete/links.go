package complete

import (
	"net/url"
	"path/filepath"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// Link is a document link: the bytes [Start, End) open Target, a file path
// (File) or an http(s) URL without userinfo.
type Link struct {
	Start, End int
	Target     string
	File       bool
	Tooltip    string
}

// proxyURLVars hold one proxy URL each (the go command's HTTP proxy
// variables, as net/http reads them).
var proxyURLVars = map[string]bool{
	"HTTP_PROXY": true, "HTTPS_PROXY": true, "ALL_PROXY": true,
	"http_proxy": true, "https_proxy": true, "all_proxy": true,
}

// Links returns the links of a document: GOENV paths set in environment
// objects, launch.json envFile and go.testEnvFile paths, and the proxy URLs of GOPROXY, the
// HTTP proxy variables and http.proxy — in settings, launch and tasks
// files, and in the GOENV file. A document that does not parse has none.
func Links(doc Doc, facts *Facts) []Link {
	if facts == nil {
		facts = &Facts{}
	}
	switch doc.Kind {
	case GoEnv:
		f := sources.ParseEnvFile("", sources.GoEnvFile, doc.Content)
		var out []Link
		for _, l := range f.Lines {
			if l.Valid && l.Key == "GOPROXY" {
				value := strings.TrimSuffix(l.Value, "\r")
				out = append(out, proxyLinks(value, l.ValueSpan.Start)...)
			}
		}
		return out
	case Settings, Workspace, Launch, Tasks:
		root, err := sources.ParseJSONC(doc.Content)
		if err != nil {
			return nil
		}
		w := linkWalker{kind: doc.Kind, content: doc.Content, facts: facts}
		w.walk(root, nil)
		return w.out
	}
	return nil
}

type linkWalker struct {
	kind    Kind
	content []byte
	facts   *Facts
	out     []Link
}

func (w *linkWalker) walk(v *sources.Value, path []elem) {
	switch v.Kind {
	case sources.Object:
		env := envObject(w.kind, path)
		for _, m := range v.Members {
			p := append(path[:len(path):len(path)], elem{key: m.Key})
			switch {
			case env:
				w.envMember(m)
			case w.envFile(p), m.Key == "go.testEnvFile" && w.topSetting(path):
				w.fileValues(m.Value, "Open the env file")
			case m.Key == "http.proxy" && w.topSetting(path):
				w.urlLink(m.Value)
			default:
				w.walk(m.Value, p)
			}
		}
	case sources.Array:
		for i, e := range v.Elems {
			w.walk(e, append(path[:len(path):len(path)], elem{index: i, isIdx: true}))
		}
	}
}

// envFile reports whether path is a launch configuration's envFile.
func (w *linkWalker) envFile(path []elem) bool {
	switch w.kind {
	case Launch:
		return keys(path, "configurations", "#", "envFile")
	case Workspace:
		return keys(path, "launch", "configurations", "#", "envFile")
	}
	return false
}

// topSetting reports whether path is the settings object.
func (w *linkWalker) topSetting(path []elem) bool {
	return w.kind == Settings && len(path) == 0 || w.kind == Workspace && keys(path, "settings")
}

func (w *linkWalker) envMember(m *sources.Member) {
	switch {
	case m.Key == "GOENV":
		w.fileValues(m.Value, "Open the GOENV file")
	case m.Key == "GOPROXY":
		if start, text, ok := w.rawString(m.Value); ok {
			w.out = append(w.out, proxyLinks(text, start)...)
		}
	case proxyURLVars[m.Key]:
		w.urlLink(m.Value)
	}
}

// rawString is a string value's text between its quotes, when it has no
// escapes (so that offsets in the value are offsets in the document).
func (w *linkWalker) rawString(v *sources.Value) (start int, text string, ok bool) {
	if v.Kind != sources.String || v.Span.End-v.Span.Start < 2 {
		return 0, "", false
	}
	raw := string(w.content[v.Span.Start+1 : v.Span.End-1])
	if raw != v.Str {
		return 0, "", false
	}
	return v.Span.Start + 1, raw, true
}

// fileValues links a path string (or each of an array's).
func (w *linkWalker) fileValues(v *sources.Value, tooltip string) {
	values := []*sources.Value{v}
	if v.Kind == sources.Array {
		values = v.Elems
	}
	for _, e := range values {
		start, text, ok := w.rawString(e)
		if !ok || text == "" || text == "off" {
			continue
		}
		if p := w.facts.path(text); p != "" {
			w.out = append(w.out, Link{Start: start, End: start + len(text), Target: p, File: true, Tooltip: tooltip + " " + p})
		}
	}
}

func (w *linkWalker) urlLink(v *sources.Value) {
	start, text, ok := w.rawString(v)
	if !ok {
		return
	}
	trimmed := strings.TrimSpace(text)
	u, err := url.Parse(trimmed)
	if err != nil {
		return
	}
	if target := credentialFree(u); target != "" {
		at := start + strings.Index(text, trimmed)
		w.out = append(w.out, Link{Start: at, End: at + len(trimmed), Target: target, Tooltip: "Open " + target})
	}
}

// proxyLinks links the http(s) entries of a GOPROXY value that starts at
// offset base.
func proxyLinks(value string, base int) []Link {
	entries, _ := goenv.ParseGOPROXY(value)
	var out []Link
	for _, e := range entries {
		if target := credentialFree(e.URL); target != "" && e.End > e.Start {
			out = append(out, Link{Start: base + e.Start, End: base + e.End, Target: target, Tooltip: "Open the proxy " + target})
		}
	}
	return out
}

// path resolves a path written in a setting for the folder's processes
// ("" when it cannot: no result yet for a relative path).
func (f *Facts) path(v string) string {
	if f.snap != nil {
		v = resolve.SubstitutePath(f.snap, v)
		if !filepath.IsAbs(v) && f.snap.Folder != "" {
			v = filepath.Join(f.snap.Folder, v)
		}
	}
	if strings.Contains(v, "${") || !filepath.IsAbs(v) {
		return ""
	}
	return filepath.Clean(v)
}
