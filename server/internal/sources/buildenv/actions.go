package buildenv

import (
	"path"
	"strings"

	"gopkg.in/yaml.v3"
)

// Level is where in a workflow an env: sits. A step sees, in increasing
// precedence: workflow env, job env, what earlier steps wrote to
// $GITHUB_ENV, its own env (Workflow.StepEnv).
type Level string

// Workflow env levels.
const (
	LevelWorkflow  Level = "workflow"
	LevelJob       Level = "job"
	LevelContainer Level = "container" // the job container's env: the container's own environment
	LevelStep      Level = "step"
)

// Workflow is a parsed GitHub Actions workflow.
type Workflow struct {
	Path string
	Name string    `json:",omitempty"`
	Env  []Setting `json:",omitempty"`
	// DefaultShell is defaults.run.shell.
	DefaultShell string `json:",omitempty"`
	Jobs         []*Job
}

// Job is one job of a workflow.
type Job struct {
	ID     string
	IDSpan Span
	Name   string    `json:",omitempty"` // name:, as written (expressions kept)
	Env    []Setting `json:",omitempty"`
	// Container is the job's container: (image and env), if any.
	Container *Container `json:",omitempty"`
	Steps     []*Step    `json:",omitempty"`
	// DefaultShell is the job's defaults.run.shell, else the workflow's.
	DefaultShell string `json:",omitempty"`
	// Uses is set for a job that calls a reusable workflow.
	Uses string `json:",omitempty"`
}

// Container is a job's container:.
type Container struct {
	Image string    `json:",omitempty"`
	Env   []Setting `json:",omitempty"`
}

// Step is one step of a job.
type Step struct {
	Index int
	Span  Span // the step's mapping, from its first key
	Line  int
	ID    string    `json:",omitempty"`
	Name  string    `json:",omitempty"`
	Env   []Setting `json:",omitempty"`
	// Uses is the action (actions/setup-go@v5) and With its inputs, each
	// with the span of its key and value.
	Uses     string `json:",omitempty"`
	UsesSpan Span
	With     []Setting `json:",omitempty"`
	// Run is what the run: script sets ($GITHUB_ENV writes, exports, go env
	// -w) and the go commands it runs.
	Run *Script `json:",omitempty"`
	// Shell is the step's shell:, else the job's or workflow's default;
	// run: is read as a POSIX shell script unless it names another
	// language (pwsh, python, cmd).
	Shell string `json:",omitempty"`
}

// IsWorkflow reports whether a path is a GitHub Actions workflow file.
func IsWorkflow(p string) bool {
	p = strings.ReplaceAll(p, "\\", "/")
	dir, base := path.Split(p)
	return strings.HasSuffix(dir, ".github/workflows/") && (strings.HasSuffix(base, ".yml") || strings.HasSuffix(base, ".yaml"))
}

// Action returns the action a uses: names, without its version
// ("actions/setup-go" for "actions/setup-go@v5").
func (s *Step) Action() string {
	a, _, _ := strings.Cut(s.Uses, "@")
	return a
}

// ParseWorkflow parses a GitHub Actions workflow.
func ParseWorkflow(p string, content []byte) (*Workflow, error) {
	d, err := parseYAML(content)
	if err != nil {
		return nil, yamlError(p, err)
	}
	w := &Workflow{Path: p}
	if d.root == nil {
		return w, nil
	}
	_, n := get(d.root, "name")
	w.Name, _, _ = d.str(n)
	_, env := get(d.root, "env")
	w.Env = d.env(env, EnvKey)
	w.DefaultShell = d.defaultShell(d.root)
	_, jobs := get(d.root, "jobs")
	for _, jp := range pairs(jobs) {
		if jp.k.Kind != yaml.ScalarNode {
			continue
		}
		w.Jobs = append(w.Jobs, d.job(jp.k, resolve(jp.v), w))
	}
	return w, nil
}

func (d *yamlDoc) job(k, v *yaml.Node, w *Workflow) *Job {
	j := &Job{ID: k.Value, IDSpan: d.scalar(k).tok}
	_, n := get(v, "name")
	j.Name, _, _ = d.str(n)
	_, env := get(v, "env")
	j.Env = d.env(env, EnvKey)
	j.DefaultShell = d.defaultShell(v)
	if j.DefaultShell == "" {
		j.DefaultShell = w.DefaultShell
	}
	_, u := get(v, "uses")
	j.Uses, _, _ = d.str(u)
	if _, c := get(v, "container"); c != nil {
		j.Container = &Container{}
		if c.Kind == yaml.ScalarNode {
			j.Container.Image = c.Value
		} else {
			_, img := get(c, "image")
			j.Container.Image, _, _ = d.str(img)
			_, cenv := get(c, "env")
			j.Container.Env = d.env(cenv, EnvKey)
		}
	}
	_, steps := get(v, "steps")
	if steps == nil || steps.Kind != yaml.SequenceNode {
		return j
	}
	for i, sn := range steps.Content {
		sn = resolve(sn)
		if sn == nil || sn.Kind != yaml.MappingNode {
			continue
		}
		j.Steps = append(j.Steps, d.step(i, sn, j.DefaultShell))
	}
	return j
}

// defaultShell reads defaults.run.shell of a workflow or job.
func (d *yamlDoc) defaultShell(n *yaml.Node) string {
	_, def := get(n, "defaults")
	_, run := get(def, "run")
	_, sh := get(run, "shell")
	v, _, _ := d.str(sh)
	return v
}

func (d *yamlDoc) step(i int, n *yaml.Node, defaultShell string) *Step {
	s := &Step{Index: i}
	if len(n.Content) > 0 {
		start := d.nodeStart(n.Content[0])
		s.Span = Span{Start: start, End: start}
		s.Line, _ = d.pos.lineCol(start)
		if last := n.Content[len(n.Content)-1]; last.Kind == yaml.ScalarNode {
			s.Span.End = d.scalar(last).tok.End
		} else {
			s.Span.End = d.lineEnd(d.offset(last.Line, last.Column))
		}
	}
	_, id := get(n, "id")
	s.ID, _, _ = d.str(id)
	_, name := get(n, "name")
	s.Name, _, _ = d.str(name)
	_, env := get(n, "env")
	s.Env = d.env(env, EnvKey)
	_, uses := get(n, "uses")
	s.Uses, s.UsesSpan, _ = d.str(uses)
	_, with := get(n, "with")
	s.With = d.envMapping(with, WithInput)
	_, sh := get(n, "shell")
	s.Shell, _, _ = d.str(sh)
	if s.Shell == "" {
		s.Shell = defaultShell
	}
	if _, run := get(n, "run"); run != nil && isPOSIXShell(s.Shell) {
		if c, ok := d.script(run); ok {
			sc := newShellScanner(d.content, d.pos, true)
			sc.scan(c)
			s.Run = &sc.out
		}
	}
	return s
}

// isPOSIXShell: run: is read as a POSIX shell script unless shell: names
// another language (pwsh, python, cmd).
func isPOSIXShell(shell string) bool {
	if shell == "" {
		return true
	}
	f := strings.Fields(shell)
	if len(f) == 0 {
		return true
	}
	switch path.Base(f[0]) {
	case "bash", "sh", "dash", "zsh", "ksh":
		return true
	}
	return false
}

// StepEnv is the env: layers a step of a job sees, lowest precedence first:
// the job container's env (set when the container is created; what the
// runner passes to each step overrides it), workflow env, job env, $GITHUB_ENV writes of the earlier steps, the step's
// own env. Each layer is returned with its Level; the $GITHUB_ENV writes
// come as LevelStep entries of the steps that wrote them, so a caller can
// tell "set by step 2's run" from "the step's env:".
func (w *Workflow) StepEnv(j *Job, step int) []LeveledSetting {
	var out []LeveledSetting
	add := func(l Level, ss []Setting, from int) {
		for _, s := range ss {
			out = append(out, LeveledSetting{Level: l, Step: from, Setting: s})
		}
	}
	if j.Container != nil {
		add(LevelContainer, j.Container.Env, -1)
	}
	add(LevelWorkflow, w.Env, -1)
	add(LevelJob, j.Env, -1)
	for _, s := range j.Steps {
		if s.Index >= step {
			break
		}
		if s.Run == nil {
			continue
		}
		for _, st := range s.Run.Settings {
			if st.How == GitHubEn {
				add(LevelStep, []Setting{st}, s.Index)
			}
		}
	}
	for _, s := range j.Steps {
		if s.Index == step {
			add(LevelStep, s.Env, s.Index)
		}
	}
	return out
}

// LeveledSetting is a Setting with the workflow level it sits at and, for
// step-level settings, the index of the step.
type LeveledSetting struct {
	Level Level
	Step  int
	Setting
}
