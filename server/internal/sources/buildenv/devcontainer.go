package buildenv

import (
	"fmt"
	"path"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// DevContainer is a parsed devcontainer.json.
type DevContainer struct {
	Path         string
	Name         string    `json:",omitempty"`
	Image        string    `json:",omitempty"`
	ContainerEnv []Setting `json:",omitempty"` // set in the container for every process
	RemoteEnv    []Setting `json:",omitempty"` // set for the editor's processes (tools, terminals) only
	BuildArgs    []Setting `json:",omitempty"`
	// Dockerfile is build.dockerfile (or the older top-level dockerFile),
	// relative to the devcontainer.json; Context likewise.
	Dockerfile     string `json:",omitempty"`
	DockerfileSpan Span
	Context        string `json:",omitempty"`
	// ComposeFiles and Service are dockerComposeFile and service.
	ComposeFiles []FileRef `json:",omitempty"`
	Service      string    `json:",omitempty"`
}

// IsDevContainer reports whether a path is a dev container configuration:
// .devcontainer/devcontainer.json, .devcontainer.json, or
// .devcontainer/<name>/devcontainer.json.
func IsDevContainer(p string) bool {
	p = strings.ReplaceAll(p, "\\", "/")
	dir, base := path.Split(p)
	if base == ".devcontainer.json" {
		return true
	}
	if base != "devcontainer.json" {
		return false
	}
	dir = strings.TrimSuffix(dir, "/")
	return path.Base(dir) == ".devcontainer" || path.Base(path.Dir(dir)) == ".devcontainer"
}

// ParseDevContainer parses a devcontainer.json (JSONC, as VS Code reads it).
func ParseDevContainer(p string, content []byte) (*DevContainer, error) {
	if err := checkSize(content); err != nil {
		return nil, err
	}
	root, perr := sources.ParseJSONC(content)
	if perr != nil {
		return nil, fmt.Errorf("%s: %w", p, perr)
	}
	dc := &DevContainer{Path: p}
	pos := newPositions(content)
	str := func(v *sources.Value) (string, Span, bool) {
		if v == nil || v.Kind != sources.String {
			return "", Span{}, false
		}
		return v.Str, innerJSON(v), true
	}
	member := func(v *sources.Value, key string) *sources.Value {
		if m := v.Get(key); m != nil {
			return m.Value
		}
		return nil
	}
	dc.Name, _, _ = str(member(root, "name"))
	dc.Image, _, _ = str(member(root, "image"))
	dc.ContainerEnv = jsonEnv(content, pos, member(root, "containerEnv"), ContainerEn)
	dc.RemoteEnv = jsonEnv(content, pos, member(root, "remoteEnv"), RemoteEnv)
	if b := member(root, "build"); b != nil {
		dc.BuildArgs = jsonEnv(content, pos, member(b, "args"), BuildArg)
		dc.Dockerfile, dc.DockerfileSpan, _ = str(member(b, "dockerfile"))
		dc.Context, _, _ = str(member(b, "context"))
	}
	if dc.Dockerfile == "" {
		dc.Dockerfile, dc.DockerfileSpan, _ = str(member(root, "dockerFile"))
	}
	if dc.Context == "" {
		dc.Context, _, _ = str(member(root, "context"))
	}
	switch f := member(root, "dockerComposeFile"); {
	case f == nil:
	case f.Kind == sources.String:
		dc.ComposeFiles = []FileRef{{Path: f.Str, Span: innerJSON(f)}}
	case f.Kind == sources.Array:
		for _, e := range f.Elems {
			if v, sp, ok := str(e); ok {
				dc.ComposeFiles = append(dc.ComposeFiles, FileRef{Path: v, Span: sp})
			}
		}
	}
	dc.Service, _, _ = str(member(root, "service"))
	return dc, nil
}

// DockerfilePath is the Dockerfile the configuration builds, relative to
// the devcontainer.json's directory ("" when it builds none).
func (dc *DevContainer) DockerfilePath() string {
	if dc.Dockerfile == "" {
		return ""
	}
	return path.Clean(dc.Dockerfile)
}

// innerJSON is a string value's span inside its quotes.
func innerJSON(v *sources.Value) Span {
	if v.Kind == sources.String && v.Span.End-v.Span.Start >= 2 {
		return Span{Start: v.Span.Start + 1, End: v.Span.End - 1}
	}
	return v.Span
}

// jsonEnv reads an object of NAME: value. null (remoteEnv: unset it) is
// NoValue; numbers and booleans keep their literal text.
func jsonEnv(content []byte, pos positions, obj *sources.Value, how How) []Setting {
	if obj == nil || obj.Kind != sources.Object {
		return nil
	}
	var out []Setting
	for _, m := range obj.Members {
		s := Setting{Key: m.Key, KeySpan: m.KeySpan, How: how}
		switch m.Value.Kind {
		case sources.Null:
			s.NoValue = true
			s.ValueSpan = m.Value.Span
		case sources.String, sources.Number, sources.Bool:
			s.Value, s.ValueSpan = m.Value.Str, innerJSON(m.Value)
		default:
			continue
		}
		s.Unresolved = isExpression(s.Value)
		out = append(out, pos.setting(content, s))
	}
	return out
}
