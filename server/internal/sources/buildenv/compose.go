package buildenv

import (
	"path"
	"strings"

	"gopkg.in/yaml.v3"
)

// Compose is a parsed docker-compose file.
type Compose struct {
	Path     string
	Services []*Service
}

// Service is one compose service.
type Service struct {
	Name     string
	NameSpan Span
	Image    string        `json:",omitempty"`
	Build    *ComposeBuild `json:",omitempty"`
	// Environment is the service's environment: (map or list form). A key
	// without a value takes the host's value when compose runs.
	Environment []Setting `json:",omitempty"`
	// EnvFiles are the env_file: entries, relative to the compose file.
	EnvFiles []FileRef `json:",omitempty"`
}

// ComposeBuild is a service's build:.
type ComposeBuild struct {
	Context        string `json:",omitempty"`
	ContextSpan    Span
	Dockerfile     string `json:",omitempty"` // relative to Context
	DockerfileSpan Span
	Args           []Setting `json:",omitempty"`
}

// FileRef is a path named in a file.
type FileRef struct {
	Path     string
	Span     Span
	Optional bool `json:",omitempty"` // env_file: {required: false}
}

// IsCompose reports whether a path is a compose file by name.
func IsCompose(p string) bool {
	switch path.Base(strings.ReplaceAll(p, "\\", "/")) {
	case "compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml":
		return true
	}
	return false
}

// DockerfilePath is the Dockerfile a build: names, relative to the compose
// file's directory ("Dockerfile" in the context when none is named).
func (b *ComposeBuild) DockerfilePath() string {
	ctx := b.Context
	if ctx == "" {
		ctx = "."
	}
	df := b.Dockerfile
	if df == "" {
		df = "Dockerfile"
	}
	if path.IsAbs(df) || strings.Contains(ctx, "://") {
		return df
	}
	return path.Join(ctx, df)
}

// ParseCompose parses a compose file.
func ParseCompose(p string, content []byte) (*Compose, error) {
	d, err := parseYAML(content)
	if err != nil {
		return nil, yamlError(p, err)
	}
	c := &Compose{Path: p}
	if d.root == nil {
		return c, nil
	}
	_, services := get(d.root, "services")
	for _, sp := range pairs(services) {
		if sp.k.Kind != yaml.ScalarNode {
			continue
		}
		v := resolve(sp.v)
		s := &Service{Name: sp.k.Value, NameSpan: d.scalar(sp.k).tok}
		_, img := get(v, "image")
		s.Image, _, _ = d.str(img)
		if _, b := get(v, "build"); b != nil {
			s.Build = &ComposeBuild{}
			if b.Kind == yaml.ScalarNode {
				s.Build.Context, s.Build.ContextSpan, _ = d.str(b)
			} else {
				_, ctx := get(b, "context")
				s.Build.Context, s.Build.ContextSpan, _ = d.str(ctx)
				_, df := get(b, "dockerfile")
				s.Build.Dockerfile, s.Build.DockerfileSpan, _ = d.str(df)
				_, args := get(b, "args")
				s.Build.Args = d.env(args, BuildArg)
			}
		}
		_, env := get(v, "environment")
		s.Environment = d.env(env, Environment)
		_, ef := get(v, "env_file")
		s.EnvFiles = d.fileRefs(ef)
		c.Services = append(c.Services, s)
	}
	return c, nil
}

// fileRefs reads env_file: as a string, a list of strings, or a list of
// {path:, required:}.
func (d *yamlDoc) fileRefs(n *yaml.Node) []FileRef {
	n = resolve(n)
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		if v, sp, ok := d.str(n); ok {
			return []FileRef{{Path: v, Span: sp}}
		}
		return nil
	}
	var out []FileRef
	for _, e := range n.Content {
		e = resolve(e)
		if e == nil {
			continue
		}
		if e.Kind == yaml.ScalarNode {
			if v, sp, ok := d.str(e); ok {
				out = append(out, FileRef{Path: v, Span: sp})
			}
			continue
		}
		_, pn := get(e, "path")
		v, sp, ok := d.str(pn)
		if !ok {
			continue
		}
		_, req := get(e, "required")
		out = append(out, FileRef{Path: v, Span: sp, Optional: req != nil && req.Value == "false"})
	}
	return out
}
