package buildenv

import (
	"fmt"
	"strconv"
	"strings"
)

// located is one located value of a parse result, for the span property.
type located struct {
	what      string
	key       string // "" for a span without a key (a go command, a file ref)
	keySpan   Span
	value     string
	raw       string
	valueSpan Span
	approx    bool
	noValue   bool
}

// dumper renders a parse result as text for the goldens and collects every
// span for the property test.
type dumper struct {
	content []byte
	pos     positions
	b       strings.Builder
	items   []located
}

func newDumper(content []byte) *dumper { return &dumper{content: content, pos: newPositions(content)} }

func (d *dumper) at(off int) string {
	l, c := d.pos.lineCol(off)
	return fmt.Sprintf("%d:%d", l, c)
}

func (d *dumper) line(indent int, format string, args ...any) {
	d.b.WriteString(strings.Repeat("  ", indent))
	fmt.Fprintf(&d.b, format, args...)
	d.b.WriteByte('\n')
}

func (d *dumper) settings(indent int, what string, ss []Setting) {
	for _, s := range ss {
		var flags []string
		if s.Exported {
			flags = append(flags, "exported")
		}
		if s.NoValue {
			flags = append(flags, "no-value")
		}
		if s.Unresolved {
			flags = append(flags, "unresolved")
		}
		if s.Approx {
			flags = append(flags, "approx")
		}
		if s.Cmd != "" {
			flags = append(flags, "cmd="+strconv.Quote(s.Cmd))
		}
		f := ""
		if len(flags) > 0 {
			f = " [" + strings.Join(flags, " ") + "]"
		}
		d.line(indent, "%s %s=%s key@%d:%d value@%s%s", s.How, s.Key, strconv.Quote(s.Value), s.Line, s.Col, d.at(s.ValueSpan.Start), f)
		d.items = append(d.items, located{what: what + " " + s.Key, key: s.Key, keySpan: s.KeySpan, value: s.Value, raw: s.Raw, valueSpan: s.ValueSpan, approx: s.Approx, noValue: s.NoValue})
	}
}

func (d *dumper) spanItem(what string, text string, sp Span) {
	d.items = append(d.items, located{what: what, value: text, raw: string(d.content[sp.Start:sp.End]), valueSpan: sp})
}

func (d *dumper) script(indent int, what string, s *Script) {
	if s == nil {
		return
	}
	d.settings(indent, what, s.Settings)
	for _, g := range s.Go {
		d.line(indent, "go %s @%s builds=%v", strconv.Quote(g.Sub), d.at(g.Span.Start), g.BuildsGo())
		d.items = append(d.items, located{what: what + " go " + g.Sub, raw: string(d.content[g.Span.Start:g.Span.End]), valueSpan: g.Span, approx: true})
	}
}

func (d *dumper) dockerfile(df *Dockerfile) {
	d.line(0, "dockerfile escape=%q", string(df.Escape))
	d.settings(1, "global", df.GlobalArgs)
	for _, st := range df.Stages {
		d.line(1, "stage %d %q FROM %q base-stage=%d @%d builds-go=%v", st.Index, st.Name, st.Base, st.BaseStage, st.Line, st.BuildsGo())
		d.spanItem("base", st.Base, st.BaseSpan)
		if st.Name != "" {
			d.spanItem("stage name", st.Name, st.NameSpan)
		}
		d.settings(2, "stage env", st.Env)
		for _, r := range st.Runs {
			d.line(2, "run @%d", r.Line)
			d.script(3, "run", &r.Script)
		}
	}
}

func (d *dumper) compose(c *Compose) {
	d.line(0, "compose")
	for _, s := range c.Services {
		d.line(1, "service %s image=%q", s.Name, s.Image)
		d.spanItem("service", s.Name, s.NameSpan)
		if b := s.Build; b != nil {
			d.line(2, "build context=%q dockerfile=%q -> %s", b.Context, b.Dockerfile, b.DockerfilePath())
			if b.Dockerfile != "" {
				d.spanItem("dockerfile", b.Dockerfile, b.DockerfileSpan)
			}
			d.settings(3, "build.args", b.Args)
		}
		d.settings(2, "environment", s.Environment)
		for _, f := range s.EnvFiles {
			d.line(2, "env_file %q optional=%v @%s", f.Path, f.Optional, d.at(f.Span.Start))
			d.spanItem("env_file", f.Path, f.Span)
		}
	}
}

func (d *dumper) devcontainer(dc *DevContainer) {
	d.line(0, "devcontainer name=%q image=%q dockerfile=%q context=%q service=%q", dc.Name, dc.Image, dc.DockerfilePath(), dc.Context, dc.Service)
	if dc.Dockerfile != "" {
		d.spanItem("dockerfile", dc.Dockerfile, dc.DockerfileSpan)
	}
	d.settings(1, "containerEnv", dc.ContainerEnv)
	d.settings(1, "remoteEnv", dc.RemoteEnv)
	d.settings(1, "build.args", dc.BuildArgs)
	for _, f := range dc.ComposeFiles {
		d.line(1, "compose %q @%s", f.Path, d.at(f.Span.Start))
		d.spanItem("compose", f.Path, f.Span)
	}
}

func (d *dumper) workflow(w *Workflow) {
	d.line(0, "workflow %q", w.Name)
	d.settings(1, "workflow env", w.Env)
	for _, j := range w.Jobs {
		d.line(1, "job %s name=%q uses=%q", j.ID, j.Name, j.Uses)
		d.spanItem("job", j.ID, j.IDSpan)
		d.settings(2, "job env", j.Env)
		if c := j.Container; c != nil {
			d.line(2, "container %q", c.Image)
			d.settings(3, "container env", c.Env)
		}
		for _, s := range j.Steps {
			d.line(2, "step %d @%d id=%q name=%q uses=%q shell=%q", s.Index, s.Line, s.ID, s.Name, s.Uses, s.Shell)
			if s.Uses != "" {
				d.spanItem("uses", s.Uses, s.UsesSpan)
			}
			d.settings(3, "with", s.With)
			d.settings(3, "step env", s.Env)
			d.script(3, "run", s.Run)
		}
		if len(j.Steps) > 0 {
			last := j.Steps[len(j.Steps)-1].Index
			var keys []string
			for _, ls := range w.StepEnv(j, last) {
				keys = append(keys, fmt.Sprintf("%s/%d:%s", ls.Level, ls.Step, ls.Key))
			}
			d.line(2, "last step sees %s", strings.Join(keys, " "))
		}
	}
}

func (d *dumper) gitlab(g *GitLabCI) {
	d.line(0, "gitlab-ci")
	d.settings(1, "variables", g.Variables)
	if g.Default != nil {
		d.line(1, "default")
		d.script(2, "default before_script", g.Default.BeforeScript)
	}
	for _, j := range g.Jobs {
		d.line(1, "job %s hidden=%v extends=%q image=%q", j.Name, j.Hidden, j.Extends, j.Image)
		d.spanItem("job", j.Name, j.NameSpan)
		d.settings(2, "variables", j.Variables)
		if j.BeforeScript != nil {
			d.line(2, "before_script")
			d.script(3, "before_script", j.BeforeScript)
		}
		if j.Script != nil {
			d.line(2, "script")
			d.script(3, "script", j.Script)
		}
		var keys []string
		for _, s := range g.JobVariables(j) {
			keys = append(keys, s.Key+"="+s.Value)
		}
		d.line(2, "effective variables %q", keys)
		if bs := g.JobBeforeScript(j); bs != nil {
			d.line(2, "runs a before_script with %d settings", len(bs.Settings))
		}
	}
}

func (d *dumper) shell(f *ShellFile) {
	d.line(0, "shell %s", f.Kind)
	d.script(1, "shell", &f.Script)
}

// parseAny parses a file by its path and renders it.
func parseAny(p string, content []byte) (*dumper, error) {
	d := newDumper(content)
	switch {
	case IsWorkflow(p):
		w, err := ParseWorkflow(p, content)
		if err != nil {
			return nil, err
		}
		d.workflow(w)
	case IsGitLabCI(p):
		g, err := ParseGitLabCI(p, content)
		if err != nil {
			return nil, err
		}
		d.gitlab(g)
	case IsCompose(p):
		c, err := ParseCompose(p, content)
		if err != nil {
			return nil, err
		}
		d.compose(c)
	case IsDevContainer(p):
		dc, err := ParseDevContainer(p, content)
		if err != nil {
			return nil, err
		}
		d.devcontainer(dc)
	case IsDockerfile(p):
		df, err := ParseDockerfile(p, content)
		if err != nil {
			return nil, err
		}
		d.dockerfile(df)
	default:
		f, err := ParseShellFile(p, content)
		if err != nil {
			return nil, err
		}
		d.shell(f)
	}
	return d, nil
}
