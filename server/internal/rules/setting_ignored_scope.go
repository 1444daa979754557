package rules

import (
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

func init() {
	register(Rule{Code: "setting-ignored-scope", Severity: Warning, Check: checkSettingIgnoredScope})
}

// checkSettingIgnoredScope reports settings VS Code ignores where they are
// written: http.proxy is application-scoped (user settings only), and
// terminal.integrated.env.* is window-scoped (ignored in the folder settings
// of a multi-root window).
func checkSettingIgnoredScope(in *Input) []Finding {
	var out []Finding
	s := in.Snap
	for _, st := range s.SettingsLayers() {
		if st.Kind == sources.VSCodeUser || st.Object == nil {
			continue
		}
		if m := st.Get("http.proxy"); m != nil {
			consumers := in.consumersWithLayer("http.proxy")
			value := ""
			if m.Value.Kind == sources.String {
				value = " " + quote(m.Value.Str)
			}
			f := finding(keyPlace(st.Prov("http.proxy", m)), "http.proxy in "+scopeName(st)+
				" is ignored because VS Code reads it from user settings only, so vscode-go does not pass"+value+" to "+
				orNone(consumers)+" as HTTP_PROXY and HTTPS_PROXY.", consumers)
			in.moveHTTPProxy(&f, st, m)
			out = append(out, f)
		}
	}
	if fs := s.FolderSettings; s.Options.MultiRoot && fs != nil && fs.Object != nil {
		for _, m := range fs.Object.Members {
			os, ok := strings.CutPrefix(m.Key, "terminal.integrated.env.")
			if !ok {
				continue
			}
			var consumers []string
			if os == s.Options.OSFlavour {
				consumers = append(consumers, "terminal")
				for _, c := range in.Consumers {
					if strings.HasPrefix(c.Name, "task:") {
						consumers = append(consumers, c.Name)
					}
				}
			}
			var names []string
			if m.Value.Kind == sources.Object {
				for _, e := range m.Value.Members {
					names = append(names, e.Key)
				}
			}
			msg := m.Key + " in the folder settings of a multi-root window is ignored because VS Code applies it only from user or workspace settings"
			if len(names) > 0 {
				msg += ", so " + andList(names) + " " + pluralVerb(len(names), "is", "are") + " not set"
				if len(consumers) > 0 {
					msg += forConsumers(consumers)
				}
			}
			f := finding(keyPlace(fs.Prov(m.Key, m)), msg+".", consumers)
			in.moveTerminalEnv(&f, fs, m)
			out = append(out, f)
		}
	}
	return out
}

func scopeName(st *sources.Settings) string {
	switch st.Kind {
	case sources.VSCodeFolder:
		return "folder settings"
	case sources.VSCodeWorkspace:
		if st.IsWorkspaceFile {
			return "the workspace file's settings"
		}
		return "workspace settings"
	}
	return "user settings"
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "any process"
	}
	return andList(names)
}

func pluralVerb(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// moveHTTPProxy moves http.proxy to user settings, where VS Code reads it.
// When user settings already set another proxy, the ignored one can only be
// removed, which is not obviously right.
func (in *Input) moveHTTPProxy(f *Finding, st *sources.Settings, m *sources.Member) {
	p := st.Prov("http.proxy", m)
	user := in.Snap.UserSettingsPath
	current, cm := in.Snap.User.String("http.proxy")
	switch {
	case m.Value.Kind == sources.String && user != "" && cm == nil:
		fx := in.fixer()
		fx.carry(p)
		fx.remove(p)
		fx.set(user, m.Value.Str, "http.proxy")
		f.addFix(fx.build("Move http.proxy "+quote(m.Value.Str)+" from "+in.label(p.File)+" to user settings", true))
	case m.Value.Kind == sources.String && cm != nil && current == m.Value.Str:
		fx := in.fixer()
		fx.remove(p)
		f.addFix(fx.build("Remove http.proxy from "+in.label(p.File)+" (user settings set the same proxy)", true))
	default:
		fx := in.fixer()
		fx.remove(p)
		f.addFix(fx.build("Remove http.proxy from "+in.label(p.File), false))
	}
}

// moveTerminalEnv moves terminal.integrated.env.<os> from the folder
// settings of a multi-root window to the workspace file, comments and all,
// or to user settings when it holds a credential. Nothing moves onto a value
// that is already set there.
func (in *Input) moveTerminalEnv(f *Finding, fs *sources.Settings, m *sources.Member) {
	if in.replaying || fs.Content == nil {
		return // a replayed file has no text to move
	}
	target := ""
	if ws := in.Snap.Workspace; ws != nil && ws.IsWorkspaceFile {
		target = ws.Path
	}
	raw := string(fs.Content[m.Value.Span.Start:m.Value.Span.End])
	if target == "" || newCredentials("", raw) {
		target = in.Snap.UserSettingsPath
	}
	if target == "" {
		return
	}
	for _, st := range in.Snap.SettingsLayers() {
		if st.Path == target && st.Get(m.Key) != nil {
			return
		}
	}
	fx := in.fixer()
	fx.carry(fs.Prov(m.Key, m))
	fx.move(fs.Prov(m.Key, m))
	fx.setRaw(target, raw, m.Key)
	f.addFix(fx.build("Move "+m.Key+" from "+in.label(fs.Path)+" to "+in.label(target), true))
}
