package resolve

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources/buildenv"
)

// Origin is set on a consumer modelled from a build or CI file: a Docker
// build stage, a dev container, a GitHub Actions job, a GitLab CI job. Such
// a consumer's environment is the image's or runner's own — the file's
// layers only, nothing of the developer's machine — and its go command is
// not run by the oracle (it is not the go command of this machine).
type Origin struct {
	Kind sources.Kind // sources.DockerfileKind, DevContainer, GitHubActions, GitLabCI
	File string
	// Line and Span locate what the consumer is: the stage's FROM, the dev
	// container file's start, the job's key.
	Line int
	Span sources.Span
	// BuildsGo says it runs a go command that fetches or builds modules
	// (go build, go mod download, …): where the proxy settings matter.
	BuildsGo bool
	// The parsed file and the part of it, by kind (nil for the others).
	Dockerfile   *buildenv.Dockerfile
	Stage        *buildenv.Stage
	DevContainer *buildenv.DevContainer
	Workflow     *buildenv.Workflow
	Job          *buildenv.Job
	Step         *buildenv.Step // the step whose environment is modelled
	GitLab       *buildenv.GitLabCI
	GitLabJob    *buildenv.GitLabJob
}

// buildState is a build consumer's environment while it is built: the
// process environment (Env), the GOENV file of the image or runner as RUN
// go env -w writes it (GoEnvW), and the values the build knows for
// expanding $NAME (ENV, ARG, variables).
type buildState struct {
	c      *Consumer
	goenvW Env
	known  map[string]string
	n      int // settings taken so far (MaxBuildSettings)
}

func newBuildState(name string, o *Origin) *buildState {
	return &buildState{c: &Consumer{Name: name, Env: Env{}, Origin: o}, goenvW: Env{}, known: map[string]string{}}
}

// rel is a file's path relative to the folder, with forward slashes.
func (r resolver) rel(p string) string {
	if rel, err := filepath.Rel(r.s.Folder, p); err == nil && filepath.IsLocal(rel) {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(p)
}

// prov is the provenance of a setting of a build file.
func prov(kind sources.Kind, file, key string, s buildenv.Setting) sources.Provenance {
	return sources.Provenance{Source: kind, File: file, Line: s.Line, Key: key, KeySpan: s.KeySpan, ValueSpan: s.ValueSpan}
}

// expand substitutes $NAME and ${NAME} with the values the build knows. ok
// is false when the value holds a reference it cannot resolve (a secret, a
// command substitution, ${NAME:-default}, a variable nobody set): the value
// is then kept as written and marked uncertain.
func expand(v string, known map[string]string) (string, bool) {
	if !strings.ContainsAny(v, "$") {
		return v, true
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] != '$' {
			b.WriteByte(v[i])
			continue
		}
		rest := v[i+1:]
		var name string
		n := 0
		if strings.HasPrefix(rest, "{") {
			end := strings.IndexByte(rest, '}')
			if end < 0 {
				return v, false
			}
			name, n = rest[1:end], end+1
		} else {
			for n < len(rest) && (rest[n] == '_' || 'A' <= rest[n] && rest[n] <= 'Z' || 'a' <= rest[n] && rest[n] <= 'z' || n > 0 && '0' <= rest[n] && rest[n] <= '9') {
				n++
			}
			name = rest[:n]
		}
		val, ok := known[name]
		if name == "" || !ok {
			return v, false
		}
		b.WriteString(val)
		i += n
	}
	return b.String(), true
}

// set applies one setting to the environment (or, for go env -w, to the
// GOENV file), expanding the references the build can resolve.
func (b *buildState) set(e Env, s buildenv.Setting, p sources.Provenance, note string) bool {
	if b.n >= MaxBuildSettings {
		b.c.truncated = true
		return false
	}
	b.n++
	v, ok := s.Value, true
	if s.Unresolved {
		v, ok = expand(s.Raw, b.known)
		if !ok {
			v = s.Value
		}
	}
	e.set(s.Key, v, p)
	st := e[s.Key]
	if !ok {
		st.Uncertain = true
		st.Note = "set from " + quoteRef(s.Raw) + ", known only when the build runs"
	} else if note != "" {
		st.Note = note
	}
	e[s.Key] = st
	if ok && s.How != buildenv.GoEnvW {
		b.known[s.Key] = v
	}
	return true
}

// full reports whether the consumer took MaxBuildSettings settings.
func (b *buildState) full() bool { return b.n >= MaxBuildSettings }

// supplied records a variable whose value the build supplies from outside
// the file (an ARG without default): the consumer's go sees it unset as far
// as the file tells, and the provenance says who sets it.
func (b *buildState) supplied(s buildenv.Setting, p sources.Provenance, note string) {
	if b.n >= MaxBuildSettings {
		b.c.truncated = true
		return
	}
	b.n++
	b.c.Env[s.Key] = Setting{Prov: p, Uncertain: true, Note: note}
}

func quoteRef(s string) string {
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return fmt.Sprintf("%q", s)
}

// layer records a layer built from settings already applied.
func (b *buildState) layer(name string, entries []sources.EnvEntry) {
	b.c.Layers = append(b.c.Layers, Layer{Name: name, Entries: entries})
}

func entry(s buildenv.Setting, p sources.Provenance) sources.EnvEntry {
	return sources.EnvEntry{Name: s.Key, Value: s.Value, Kind: sources.String, Prov: p}
}

// Bounds on what hostile build files can make the model do: the build
// consumers of one file and of a folder (the first ones in file order are
// kept), and how many stages a stage's FROM chain follows.
const (
	MaxBuildConsumersPerFile = 64
	MaxBuildConsumers        = 512
	maxStageChain            = 64
	// MaxBuildSettings is how many settings one build consumer takes from
	// its files (ENV, ARG, variables, exports …); later ones are not read.
	MaxBuildSettings = 2048
)

// build models every consumer of the folder's build files.
func (r resolver) build() []*Consumer {
	files := buildenv.Of(r.s)
	var out []*Consumer
	add := func(file string, perFile *int, make func() *Consumer) {
		if *perFile >= MaxBuildConsumersPerFile || len(out) >= MaxBuildConsumers {
			r.s.Limit(file, fmt.Sprintf("at most %d stages or jobs a file and %d a folder are modelled; the later ones are not", MaxBuildConsumersPerFile, MaxBuildConsumers))
			return
		}
		if c := make(); c != nil {
			if c.truncated {
				r.s.Limit(c.Origin.File, fmt.Sprintf("%s takes at most %d settings; the later ones are not modelled", c.Name, MaxBuildSettings))
			}
			out = append(out, c)
			*perFile++
		}
	}
	for _, df := range files.Dockerfiles {
		n := 0
		for _, st := range df.Stages {
			if len(st.GoCommands()) > 0 {
				add(df.Path, &n, func() *Consumer { return r.dockerStage(files, df, st) })
			}
		}
	}
	for _, dc := range files.DevContainers {
		n := 0
		add(dc.Path, &n, func() *Consumer { return r.devContainer(files, dc) })
	}
	for _, wf := range files.Workflows {
		n := 0
		for _, j := range wf.Jobs {
			add(wf.Path, &n, func() *Consumer { return r.workflowJob(wf, j) })
		}
	}
	for _, g := range files.GitLab {
		n := 0
		for _, j := range g.Jobs {
			add(g.Path, &n, func() *Consumer { return r.gitlabJob(g, j) })
		}
	}
	return out
}

// composeArgs are the build args a compose service passes to the Dockerfile
// (the first service that builds it), with the service's name.
func (r resolver) composeArgs(files buildenv.Files, df *buildenv.Dockerfile) (*buildenv.Compose, *buildenv.Service) {
	for _, cf := range files.Composes {
		for _, svc := range cf.Services {
			if svc.Build == nil {
				continue
			}
			p := filepath.Clean(filepath.Join(filepath.Dir(cf.Path), filepath.FromSlash(svc.Build.DockerfilePath())))
			if p == filepath.Clean(df.Path) {
				return cf, svc
			}
		}
	}
	return nil, nil
}

// stageChain is the stage and the stages it is built FROM, base first, at
// most maxStageChain of them (a deeper chain is cut at its base end).
func stageChain(df *buildenv.Dockerfile, st *buildenv.Stage) []*buildenv.Stage {
	chain := []*buildenv.Stage{st}
	for cur := st; cur.BaseStage >= 0 && cur.BaseStage < cur.Index && len(chain) < maxStageChain; {
		cur = df.Stages[cur.BaseStage]
		chain = append([]*buildenv.Stage{cur}, chain...)
	}
	return chain
}

// buildArg is a build argument a compose file or dev container passes.
type buildArg struct {
	s    buildenv.Setting
	prov sources.Provenance
}

// stageEnv applies a stage's chain: ENV and go env -w of every stage in
// it, ARG of the stage itself only (with the build's arguments), and —
// for a build (not the image's runtime) — the predefined proxy arguments.
//
// until, when positive, is where the RUN that builds starts: the stage's
// own lines after it do not reach that RUN.
func (r resolver) stageEnv(b *buildState, df *buildenv.Dockerfile, st *buildenv.Stage, args map[string]buildArg, runtime bool, until int) {
	file := df.Path
	global := map[string]buildenv.Setting{}
	for _, g := range df.GlobalArgs {
		global[g.Key] = g
	}
	for _, cur := range stageChain(df, st) {
		var entries []sources.EnvEntry
		for _, s := range cur.Env {
			if cur == st && until > 0 && s.KeySpan.Start > until || b.full() {
				break
			}
			key := dockerKey(cur, s)
			p := prov(sources.DockerfileKind, file, key, s)
			switch s.How {
			case buildenv.DockerEnv:
				if b.set(b.c.Env, s, p, "") {
					entries = append(entries, entry(s, p))
				}
			case buildenv.GoEnvW:
				if b.set(b.goenvW, s, p, "RUN go env -w: the image's go env -w file") {
					entries = append(entries, entry(s, p))
				}
			case buildenv.DockerArg:
				// An ARG is scoped to its stage: in a stage this one is
				// built FROM (and in the image at run time) it only
				// expands that stage's ENV lines.
				inEnv := !runtime && cur == st
				// A build argument beats the ARG's default; a global ARG's
				// default reaches a stage that declares the ARG bare.
				if a, ok := args[s.Key]; ok && !a.s.NoValue {
					if r.arg(b, a.s, a.prov, inEnv) {
						entries = append(entries, entry(a.s, a.prov))
					}
					continue
				}
				if !s.NoValue {
					if r.arg(b, s, p, inEnv) {
						entries = append(entries, entry(s, p))
					}
					continue
				}
				if g, ok := global[s.Key]; ok && !g.NoValue {
					r.arg(b, g, prov(sources.DockerfileKind, file, "ARG "+g.Key, g), inEnv)
					continue
				}
				if inEnv {
					b.supplied(s, p, "ARG without a default: the build supplies it (--build-arg), or it is empty")
				}
			}
		}
		name := "FROM " + cur.Base
		if cur.Name != "" {
			name += " AS " + cur.Name
		}
		b.layer(fmt.Sprintf("%s (%s:%d)", name, r.rel(file), cur.Line), entries)
	}
	if runtime {
		return
	}
	// The predefined proxy arguments reach every RUN without an ARG line.
	var entries []sources.EnvEntry
	for name, a := range args {
		if buildenv.IsPredefinedArg(name) && !a.s.NoValue {
			if _, ok := b.c.Env[name]; !ok {
				if b.set(b.c.Env, a.s, a.prov, "a predefined proxy build argument: every RUN sees it") {
					entries = append(entries, entry(a.s, a.prov))
				}
			}
		}
	}
	if len(entries) > 0 {
		b.layer("predefined build arguments", entries)
	}
}

// arg applies an ARG's value: in the environment of the stage's RUN lines
// (inEnv), else only for expanding ENV lines. It reports whether the
// environment took it.
func (r resolver) arg(b *buildState, s buildenv.Setting, p sources.Provenance, inEnv bool) bool {
	if !inEnv {
		if v, ok := expand(s.Value, b.known); ok && len(b.known) < MaxBuildSettings {
			b.known[s.Key] = v
		}
		return false
	}
	return b.set(b.c.Env, s, p, "")
}

// dockerStage models one build stage that runs go: docker:<file>#<stage>.
func (r resolver) dockerStage(files buildenv.Files, df *buildenv.Dockerfile, st *buildenv.Stage) *Consumer {
	o := &Origin{Kind: sources.DockerfileKind, File: df.Path, Line: st.Line, Span: st.Span, BuildsGo: st.BuildsGo(), Dockerfile: df, Stage: st}
	b := newBuildState("docker:"+r.rel(df.Path)+"#"+st.Label(), o)
	args := map[string]buildArg{}
	if cf, svc := r.composeArgs(files, df); svc != nil {
		for _, a := range svc.Build.Args {
			args[a.Key] = buildArg{a, prov(sources.ComposeKind, cf.Path, "services."+svc.Name+".build.args."+a.Key, a)}
		}
	}
	// What the RUN lines that run go export, and what they set inline on
	// the go command, applies to that RUN only: the first RUN that builds.
	run := buildRun(st.Runs)
	until := 0
	if run != nil {
		until = run.Span.Start
	}
	r.stageEnv(b, df, st, args, false, until)
	if run != nil {
		r.script(b, sources.DockerfileKind, df.Path, func(s buildenv.Setting) string { return dockerKey(st, s) }, &run.Script, fmt.Sprintf("RUN (%s:%d)", r.rel(df.Path), run.Line))
	}
	return r.buildEffective(b)
}

// buildRun is the first RUN that runs a go command that builds, else the
// first that runs go at all.
func buildRun(runs []*buildenv.Run) *buildenv.Run {
	for _, run := range runs {
		for _, g := range run.Go {
			if g.BuildsGo() {
				return run
			}
		}
	}
	for _, run := range runs {
		if len(run.Go) > 0 {
			return run
		}
	}
	return nil
}

// script applies what a shell script sets for the go command it runs: the
// exported settings before that command (go env -w to the GOENV file), and
// the command's inline settings. sc may be nil.
func (r resolver) script(b *buildState, kind sources.Kind, file string, key func(buildenv.Setting) string, sc *buildenv.Script, layer string) {
	if sc == nil {
		return
	}
	var entries []sources.EnvEntry
	first := firstGo(sc)
	for _, s := range sc.Settings {
		if first != nil && s.KeySpan.Start > first.Span.Start || b.full() {
			break
		}
		p := prov(kind, file, key(s), s)
		took := false
		switch {
		case s.How == buildenv.GoEnvW:
			took = b.set(b.goenvW, s, p, "go env -w: the go env -w file of this environment")
		case s.How == buildenv.Inline:
			if first == nil || s.KeySpan.Start < first.Span.Start && !inlineOf(first, s) {
				continue // the inline environment of another command
			}
			took = b.set(b.c.Env, s, p, "set on the go command's line")
		case (s.How == buildenv.Export || s.How == buildenv.Assign) && s.Exported:
			took = b.set(b.c.Env, s, p, "")
		}
		if took {
			entries = append(entries, entry(s, p))
		}
	}
	if len(entries) > 0 {
		b.layer(layer, entries)
	}
}

// dockerKey is the key of a Dockerfile setting in provenance: the stage,
// the construct and the name ("builder ENV GOPRIVATE", "builder go env -w
// GOFLAGS").
func dockerKey(st *buildenv.Stage, s buildenv.Setting) string {
	how := string(s.How)
	switch s.How {
	case buildenv.GoEnvW, buildenv.Export, buildenv.Assign, buildenv.Inline:
		how = "RUN " + how
	}
	return st.Label() + " " + how + " " + s.Key
}

// prefixKey keys a YAML script's settings by a path prefix.
func prefixKey(prefix string) func(buildenv.Setting) string {
	return func(s buildenv.Setting) string { return prefix + "." + s.Key }
}

// firstGo is the script's first go command that builds, else its first.
func firstGo(sc *buildenv.Script) *buildenv.GoCommand {
	for i := range sc.Go {
		if sc.Go[i].BuildsGo() {
			return &sc.Go[i]
		}
	}
	if len(sc.Go) > 0 {
		return &sc.Go[0]
	}
	return nil
}

func inlineOf(g *buildenv.GoCommand, s buildenv.Setting) bool {
	for _, e := range g.Env {
		if e.KeySpan == s.KeySpan {
			return true
		}
	}
	return false
}

// devContainer models a dev container: the image's environment (the ENV
// and go env -w of its Dockerfile's last stage, when the folder has it),
// or, for one that runs a compose service (dockerComposeFile and
// service), that service's image, env_file and environment; then
// containerEnv, then remoteEnv (what the editor's tools and terminals see).
func (r resolver) devContainer(files buildenv.Files, dc *buildenv.DevContainer) *Consumer {
	name := "devcontainer"
	if dir := path.Base(path.Dir(filepath.ToSlash(dc.Path))); dir != ".devcontainer" && path.Base(filepath.ToSlash(dc.Path)) == "devcontainer.json" {
		name += ":" + dir
	}
	o := &Origin{Kind: sources.DevContainer, File: dc.Path, Line: 1, DevContainer: dc}
	b := newBuildState(name, o)
	if p := dc.DockerfilePath(); p != "" {
		full := filepath.Clean(filepath.Join(filepath.Dir(dc.Path), filepath.FromSlash(p)))
		for _, df := range files.Dockerfiles {
			if filepath.Clean(df.Path) == full && len(df.Stages) > 0 {
				args := map[string]buildArg{}
				for _, a := range dc.BuildArgs {
					args[a.Key] = buildArg{a, prov(sources.DevContainer, dc.Path, "build.args."+a.Key, a)}
				}
				r.stageEnv(b, df, df.Stages[len(df.Stages)-1], args, true, 0)
			}
		}
	}
	if dc.Service != "" && len(dc.ComposeFiles) > 0 {
		r.composeService(b, files, dc)
	}
	for _, l := range []struct {
		key string
		ss  []buildenv.Setting
	}{{"containerEnv", dc.ContainerEnv}, {"remoteEnv", dc.RemoteEnv}} {
		var entries []sources.EnvEntry
		for _, s := range l.ss {
			p := prov(sources.DevContainer, dc.Path, l.key+"."+s.Key, s)
			if s.NoValue {
				// null in remoteEnv removes the variable.
				delete(b.c.Env, s.Key)
				continue
			}
			if b.set(b.c.Env, s, p, "") {
				entries = append(entries, entry(s, p))
			}
		}
		b.layer(l.key+" ("+r.rel(dc.Path)+")", entries)
	}
	return r.buildEffective(b)
}

// workflowStep picks the step of a job whose environment the consumer
// models: the first that runs a go command that builds, else the first
// that runs go, else the last step after actions/setup-go. nil when the
// job runs no go at all.
func workflowStep(j *buildenv.Job) *buildenv.Step {
	var anyGo, setup *buildenv.Step
	for _, s := range j.Steps {
		if s.Run != nil && len(s.Run.Go) > 0 {
			for _, g := range s.Run.Go {
				if g.BuildsGo() {
					return s
				}
			}
			if anyGo == nil {
				anyGo = s
			}
		}
		if s.Action() == "actions/setup-go" {
			setup = s
		}
	}
	if anyGo != nil {
		return anyGo
	}
	if setup != nil && len(j.Steps) > 0 {
		return j.Steps[len(j.Steps)-1]
	}
	return nil
}

// workflowJob models a GitHub Actions job that runs go: ci:<workflow>/<job>.
// The step that runs go sees the job container's env, the workflow's, the
// job's, what earlier steps wrote to $GITHUB_ENV, its own env, and what its
// script exports before go; go env -w in earlier steps persists in the
// runner's GOENV file.
func (r resolver) workflowJob(wf *buildenv.Workflow, j *buildenv.Job) *Consumer {
	step := workflowStep(j)
	if step == nil {
		return nil
	}
	stem := strings.TrimSuffix(strings.TrimSuffix(path.Base(filepath.ToSlash(wf.Path)), ".yml"), ".yaml")
	o := &Origin{Kind: sources.GitHubActions, File: wf.Path, Line: 0, Span: j.IDSpan, Workflow: wf, Job: j, Step: step}
	if step.Run != nil {
		for _, g := range step.Run.Go {
			o.BuildsGo = o.BuildsGo || g.BuildsGo()
		}
	}
	b := newBuildState("ci:"+stem+"/"+j.ID, o)
	var (
		layerName string
		entries   []sources.EnvEntry
	)
	flush := func() {
		if layerName != "" {
			b.layer(layerName, entries)
		}
		layerName, entries = "", nil
	}
	for _, ls := range wf.StepEnv(j, step.Index) {
		if b.full() {
			break
		}
		var key, name string
		switch {
		case ls.Level == buildenv.LevelWorkflow:
			key, name = "env."+ls.Key, "workflow env"
		case ls.Level == buildenv.LevelContainer:
			key, name = "jobs."+j.ID+".container.env."+ls.Key, "job container env"
		case ls.Level == buildenv.LevelJob:
			key, name = "jobs."+j.ID+".env."+ls.Key, "job env"
		case ls.How == buildenv.GitHubEn:
			key, name = fmt.Sprintf("jobs.%s.steps[%d].run.%s", j.ID, ls.Step, ls.Key), fmt.Sprintf("$GITHUB_ENV (step %d)", ls.Step+1)
		default:
			key, name = fmt.Sprintf("jobs.%s.steps[%d].env.%s", j.ID, ls.Step, ls.Key), "step env"
		}
		if name != layerName {
			flush()
			layerName = name
		}
		p := prov(sources.GitHubActions, wf.Path, key, ls.Setting)
		if b.set(b.c.Env, ls.Setting, p, "") {
			entries = append(entries, entry(ls.Setting, p))
		}
	}
	flush()
	if o.Line == 0 {
		o.Line = lineOfSpan(r.s.Content(wf.Path), j.IDSpan.Start)
	}
	// go env -w in earlier steps' scripts persists in the runner's GOENV file.
	for _, s := range j.Steps {
		if s.Index >= step.Index || s.Run == nil {
			continue
		}
		var ws []sources.EnvEntry
		for _, st := range s.Run.Settings {
			if st.How == buildenv.GoEnvW {
				p := prov(sources.GitHubActions, wf.Path, fmt.Sprintf("jobs.%s.steps[%d].run.%s", j.ID, s.Index, st.Key), st)
				if b.set(b.goenvW, st, p, "go env -w in an earlier step: the runner's go env -w file") {
					ws = append(ws, entry(st, p))
				}
			}
		}
		if len(ws) > 0 {
			b.layer(fmt.Sprintf("go env -w (step %d)", s.Index+1), ws)
		}
	}
	r.script(b, sources.GitHubActions, wf.Path, prefixKey(fmt.Sprintf("jobs.%s.steps[%d].run", j.ID, step.Index)), step.Run, fmt.Sprintf("run (step %d)", step.Index+1))
	return r.buildEffective(b)
}

// gitlabJob models a GitLab CI job that runs go: gitlab:<job>. Its shell
// sees the global variables, its templates' and its own (extends:), then
// what before_script and script export before the go command.
func (r resolver) gitlabJob(g *buildenv.GitLabCI, j *buildenv.GitLabJob) *Consumer {
	if j.Hidden {
		return nil
	}
	before := g.JobBeforeScript(j)
	if (before == nil || len(before.Go) == 0) && (j.Script == nil || len(j.Script.Go) == 0) {
		return nil
	}
	o := &Origin{Kind: sources.GitLabCI, File: g.Path, Line: lineOfSpan(r.s.Content(g.Path), j.NameSpan.Start), Span: j.NameSpan, GitLab: g, GitLabJob: j}
	for _, sc := range []*buildenv.Script{before, j.Script} {
		if sc != nil {
			for _, c := range sc.Go {
				o.BuildsGo = o.BuildsGo || c.BuildsGo()
			}
		}
	}
	b := newBuildState("gitlab:"+j.Name, o)
	var entries []sources.EnvEntry
	owner := map[sources.Span]string{}
	for _, v := range g.Variables {
		owner[v.KeySpan] = "variables"
	}
	for _, t := range g.Jobs {
		for _, v := range t.Variables {
			owner[v.KeySpan] = t.Name + ".variables"
		}
	}
	for _, s := range g.JobVariables(j) {
		if b.full() {
			break
		}
		p := prov(sources.GitLabCI, g.Path, owner[s.KeySpan]+"."+s.Key, s)
		if b.set(b.c.Env, s, p, "") {
			entries = append(entries, entry(s, p))
		}
	}
	b.layer("variables ("+r.rel(g.Path)+")", entries)
	// before_script and script share one shell: all of before_script runs
	// before the script's go command.
	if before != nil && (j.Script == nil || len(before.Go) > 0) {
		r.script(b, sources.GitLabCI, g.Path, prefixKey(j.Name+".before_script"), before, "before_script")
	} else if before != nil {
		r.script(b, sources.GitLabCI, g.Path, prefixKey(j.Name+".before_script"), &buildenv.Script{Settings: before.Settings}, "before_script")
	}
	if before == nil || len(before.Go) == 0 {
		r.script(b, sources.GitLabCI, g.Path, prefixKey(j.Name+".script"), j.Script, "script")
	}
	return r.buildEffective(b)
}

func lineOfSpan(content []byte, off int) int {
	if content == nil {
		return 0
	}
	return sources.NewLines(content).Line(off)
}

// buildEffective is cmd/go's precedence inside the image or runner: a
// non-empty environment value, else its go env -w file (what RUN go env -w
// or an earlier step wrote), else its $GOROOT/go.env — read from this
// machine's Go installation as the stand-in for the image's — else the
// built-in default. Nothing of the developer's environment or GOENV file
// takes part.
func (r resolver) buildEffective(b *buildState) *Consumer {
	c := b.c
	c.Vars = map[string]Value{}
	if v := c.Env.Get("GOENV"); v == "off" {
		c.GoEnvOff = true
	} else if v != "" {
		c.GoEnvPath = v
	}
	root := Value{Name: "GOROOT", Value: r.s.DefaultGOROOT, Prov: sources.Provenance{Source: sources.Default, Key: "GOROOT"}, Note: "the image's or runner's Go installation"}
	if s, ok := c.Env["GOROOT"]; ok && s.Value != "" {
		root = Value{Name: "GOROOT", Value: s.Value, Prov: s.Prov, Uncertain: s.Uncertain, Note: s.Note, Chain: []Candidate{{Value: s.Value, Prov: s.Prov, Used: true}}}
	}
	c.Vars["GOROOT"] = root
	c.GOROOT = root.Value
	c.GoEnvGOROOT = r.s.DefaultGOROOT
	var goroot *sources.EnvFile
	if c.GoEnvGOROOT != "" {
		goroot = r.s.EnvFile(filepath.Join(c.GoEnvGOROOT, "go.env"), sources.GorootGoEnv)
	}
	user := func(name string) (Candidate, bool) {
		s, ok := b.goenvW[name]
		if !ok || c.GoEnvOff {
			return Candidate{}, false
		}
		return Candidate{Value: s.Value, Prov: s.Prov}, true
	}
	for _, name := range GoVars {
		v := lookup(c.Env, user, goroot, name)
		if s, ok := b.goenvW[name]; ok && v.Prov == s.Prov {
			v.Uncertain, v.Note = s.Uncertain, s.Note
		}
		if v.Prov.Source == sources.GorootGoEnv {
			v.Note = "the Go installation's go.env (this machine's, standing in for the image's)"
		}
		c.Vars[name] = v
	}
	defaults(c)
	env := Value{Name: "GOENV", Value: c.GoEnvPath, Prov: sources.Provenance{Source: sources.Default, Key: "GOENV"}, Note: "the image's or runner's own go env -w file"}
	if s, ok := c.Env["GOENV"]; ok && s.Value != "" {
		env.Prov, env.Uncertain = s.Prov, s.Uncertain
	}
	if c.GoEnvOff {
		env.Note = "GOENV=off: no GOENV file is read"
	}
	c.Vars["GOENV"] = env
	netVars(c)
	return c
}

// composeService applies the compose service a dev container runs: the
// image its build: makes (the ENV and go env -w of the Dockerfile's last
// stage, with the service's build args), then its env_file entries, then
// its environment, which wins over env_file. The compose files merge in
// the order the dev container names them: the last build: wins, and a
// later file's setting overrides an earlier one's.
func (r resolver) composeService(b *buildState, files buildenv.Files, dc *buildenv.DevContainer) {
	type def struct {
		cf  *buildenv.Compose
		svc *buildenv.Service
	}
	var defs []def
	for _, ref := range dc.ComposeFiles {
		p := filepath.Clean(filepath.Join(filepath.Dir(dc.Path), filepath.FromSlash(ref.Path)))
		for _, cf := range files.Composes {
			if filepath.Clean(cf.Path) != p {
				continue
			}
			for _, svc := range cf.Services {
				if svc.Name == dc.Service {
					defs = append(defs, def{cf, svc})
				}
			}
		}
	}
	for i := len(defs) - 1; i >= 0; i-- {
		d := defs[i]
		if d.svc.Build == nil {
			continue
		}
		full := filepath.Clean(filepath.Join(filepath.Dir(d.cf.Path), filepath.FromSlash(d.svc.Build.DockerfilePath())))
		for _, df := range files.Dockerfiles {
			if filepath.Clean(df.Path) == full && len(df.Stages) > 0 {
				args := map[string]buildArg{}
				for _, a := range d.svc.Build.Args {
					args[a.Key] = buildArg{a, prov(sources.ComposeKind, d.cf.Path, "services."+d.svc.Name+".build.args."+a.Key, a)}
				}
				r.stageEnv(b, df, df.Stages[len(df.Stages)-1], args, true, 0)
			}
		}
		break
	}
	for _, d := range defs {
		for _, ref := range d.svc.EnvFiles {
			r.composeEnvFile(b, d.cf, d.svc, ref)
		}
	}
	for _, d := range defs {
		var entries []sources.EnvEntry
		for _, s := range d.svc.Environment {
			p := prov(sources.ComposeKind, d.cf.Path, "services."+d.svc.Name+".environment."+s.Key, s)
			if b.composeSet(s, p) {
				entries = append(entries, entry(s, p))
			}
		}
		b.layer("environment ("+r.rel(d.cf.Path)+" services."+d.svc.Name+")", entries)
	}
}

// composeEnvFile applies one env_file of a compose service. Only a file
// inside the workspace folder is read, through the snapshot's reader (a
// regular file, bounded); a path that leaves the folder is refused and
// reported, never read.
func (r resolver) composeEnvFile(b *buildState, cf *buildenv.Compose, svc *buildenv.Service, ref buildenv.FileRef) {
	p := filepath.FromSlash(ref.Path)
	if !filepath.IsAbs(p) {
		p = filepath.Join(filepath.Dir(cf.Path), p)
	}
	p = filepath.Clean(p)
	if !r.s.InFolder(p) {
		r.s.Refuse(p, "an env_file of services."+svc.Name+" in "+r.rel(cf.Path)+" outside the workspace folder (by its path or through a symbolic link), not read")
		return
	}
	content, err := r.s.ReadFile(p)
	if err != nil {
		return
	}
	var entries []sources.EnvEntry
	for _, s := range buildenv.ParseComposeEnvFile(content) {
		pr := prov(sources.ComposeKind, p, s.Key, s)
		if b.composeSet(s, pr) {
			entries = append(entries, entry(s, pr))
		}
	}
	b.layer("env_file ("+r.rel(p)+")", entries)
}

// composeSet applies a compose environment or env_file setting. compose
// interpolates $NAME and ${NAME} from the host's environment (and the .env
// beside the compose file) when it starts the container, and a key named
// without a value takes the host's value: both are known only then.
func (b *buildState) composeSet(s buildenv.Setting, p sources.Provenance) bool {
	switch {
	case s.NoValue:
		if b.full() {
			return false
		}
		b.supplied(s, p, "named without a value: the host's value when compose starts the container, or unset")
		return true
	case s.Unresolved:
		if b.full() {
			return false
		}
		b.n++
		b.c.Env.set(s.Key, s.Value, p)
		st := b.c.Env[s.Key]
		st.Uncertain = true
		st.Note = "compose interpolates " + quoteRef(s.Raw) + " from the host's environment when it starts the container"
		b.c.Env[s.Key] = st
		delete(b.known, s.Key)
		return true
	}
	return b.set(b.c.Env, s, p, "")
}
