package buildenv

import (
	"path"
	"strings"

	"gopkg.in/yaml.v3"
)

// GitLabCI is a parsed .gitlab-ci.yml.
type GitLabCI struct {
	Path string
	// Variables are the global variables: every job sees them unless it
	// sets the same key.
	Variables []Setting `json:",omitempty"`
	// Default is the default: section (before_script, image, …) as a job
	// named "default"; nil when absent.
	Default *GitLabJob `json:",omitempty"`
	// Jobs are the jobs in file order, hidden ones (".name", templates for
	// extends:) included with Hidden set.
	Jobs []*GitLabJob `json:",omitempty"`
}

// GitLabJob is one job (or the default: section).
type GitLabJob struct {
	Name      string
	NameSpan  Span
	Hidden    bool      `json:",omitempty"`
	Extends   []string  `json:",omitempty"`
	Image     string    `json:",omitempty"`
	Variables []Setting `json:",omitempty"`
	// BeforeScript and Script: what the job's shell sets and the go
	// commands it runs. Nil when the key is absent (before_script then
	// comes from default:). The job's before_script, script and the
	// variables set in them share one shell session.
	BeforeScript *Script `json:",omitempty"`
	Script       *Script `json:",omitempty"`
}

// IsGitLabCI reports whether a path is a GitLab CI file by name.
func IsGitLabCI(p string) bool {
	return path.Base(strings.ReplaceAll(p, "\\", "/")) == ".gitlab-ci.yml"
}

// gitlabKeywords are top-level keys that are not jobs.
var gitlabKeywords = map[string]bool{
	"default": true, "include": true, "stages": true, "variables": true, "workflow": true,
	"image": true, "services": true, "cache": true, "before_script": true, "after_script": true, "spec": true,
}

// ParseGitLabCI parses a .gitlab-ci.yml.
func ParseGitLabCI(p string, content []byte) (*GitLabCI, error) {
	d, err := parseYAML(content)
	if err != nil {
		return nil, yamlError(p, err)
	}
	g := &GitLabCI{Path: p}
	if d.root == nil {
		return g, nil
	}
	_, vars := get(d.root, "variables")
	g.Variables = d.gitlabVariables(vars)
	if k, def := get(d.root, "default"); def != nil {
		g.Default = d.gitlabJob(k, def)
	}
	for _, jp := range pairs(d.root) {
		if jp.k.Kind != yaml.ScalarNode || gitlabKeywords[jp.k.Value] {
			continue
		}
		v := resolve(jp.v)
		if v == nil || v.Kind != yaml.MappingNode {
			continue
		}
		g.Jobs = append(g.Jobs, d.gitlabJob(jp.k, v))
	}
	return g, nil
}

func (d *yamlDoc) gitlabJob(k, v *yaml.Node) *GitLabJob {
	j := &GitLabJob{Name: k.Value, NameSpan: d.scalar(k).tok, Hidden: strings.HasPrefix(k.Value, ".")}
	_, ext := get(v, "extends")
	if ext = resolve(ext); ext != nil {
		if ext.Kind == yaml.ScalarNode {
			j.Extends = []string{ext.Value}
		} else {
			for _, e := range ext.Content {
				if e = resolve(e); e != nil && e.Kind == yaml.ScalarNode {
					j.Extends = append(j.Extends, e.Value)
				}
			}
		}
	}
	_, img := get(v, "image")
	if img = resolve(img); img != nil && img.Kind == yaml.MappingNode {
		_, img = get(img, "name")
	}
	j.Image, _, _ = d.str(img)
	_, vars := get(v, "variables")
	j.Variables = d.gitlabVariables(vars)
	// One shell session: before_script then script.
	// The scanner keeps one Script for the session (a later export marks an
	// earlier assignment by its index); it is split once both are read.
	sc := newShellScanner(d.content, d.pos, false)
	_, bs := get(v, "before_script")
	if bs != nil {
		d.gitlabScript(sc, bs)
	}
	nSet, nGo := len(sc.out.Settings), len(sc.out.Go)
	_, s := get(v, "script")
	if s != nil {
		d.gitlabScript(sc, s)
	}
	if bs != nil {
		j.BeforeScript = &Script{Settings: sc.out.Settings[:nSet:nSet], Go: sc.out.Go[:nGo:nGo]}
	}
	if s != nil {
		j.Script = &Script{Settings: sc.out.Settings[nSet:], Go: sc.out.Go[nGo:]}
	}
	return j
}

// gitlabScript scans a script: a string or a list of strings (nested lists
// from !reference or anchors are flattened).
func (d *yamlDoc) gitlabScript(sc *shellScanner, n *yaml.Node) {
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		n = resolve(n)
		if n == nil || depth > maxYAMLWalk {
			return
		}
		switch n.Kind {
		case yaml.ScalarNode:
			if c, ok := d.script(n); ok {
				sc.scan(c)
			}
		case yaml.SequenceNode:
			for _, e := range n.Content {
				walk(e, depth+1)
			}
		}
	}
	walk(n, 0)
}

// gitlabVariables reads variables: with values as strings or as
// {value:, description:, expand:}.
func (d *yamlDoc) gitlabVariables(n *yaml.Node) []Setting {
	var out []Setting
	for _, p := range pairs(n) {
		v := resolve(p.v)
		if v != nil && v.Kind == yaml.MappingNode {
			_, val := get(v, "value")
			if val == nil {
				continue
			}
			p.v = val
		}
		s, ok := d.keySetting(p.k, p.v, VariableKey)
		if !ok {
			continue
		}
		if v != nil && v.Kind == yaml.MappingNode {
			if _, exp := get(v, "expand"); exp != nil && exp.Value == "false" {
				s.Unresolved = false
			}
		}
		out = append(out, s)
	}
	return out
}

// Job returns the job named name, or nil.
func (g *GitLabCI) Job(name string) *GitLabJob {
	for _, j := range g.Jobs {
		if j.Name == name {
			return j
		}
	}
	return nil
}

// JobVariables is what a job's variables: amount to once extends: is
// followed: the global variables, then each template's (in extends order,
// depth first, a cycle or more than 11 levels cut), then the job's own; the
// later wins for a key.
func (g *GitLabCI) JobVariables(j *GitLabJob) []Setting {
	var out []Setting
	out = append(out, g.Variables...)
	seen := map[string]bool{}
	var walk func(j *GitLabJob, depth int)
	walk = func(j *GitLabJob, depth int) {
		if j == nil || seen[j.Name] || depth > 11 {
			return
		}
		seen[j.Name] = true
		for _, e := range j.Extends {
			walk(g.Job(e), depth+1)
		}
		out = append(out, j.Variables...)
	}
	walk(j, 0)
	return out
}

// JobBeforeScript is the before_script a job runs: its own, else the first
// template's that has one (extends:), else default:'s.
func (g *GitLabCI) JobBeforeScript(j *GitLabJob) *Script {
	seen := map[string]bool{}
	var find func(j *GitLabJob, depth int) *Script
	find = func(j *GitLabJob, depth int) *Script {
		if j == nil || seen[j.Name] || depth > 11 {
			return nil
		}
		seen[j.Name] = true
		if j.BeforeScript != nil {
			return j.BeforeScript
		}
		for i := len(j.Extends) - 1; i >= 0; i-- {
			if s := find(g.Job(j.Extends[i]), depth+1); s != nil {
				return s
			}
		}
		return nil
	}
	if s := find(j, 0); s != nil {
		return s
	}
	if g.Default != nil {
		return g.Default.BeforeScript
	}
	return nil
}
