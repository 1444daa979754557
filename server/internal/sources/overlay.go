package sources

import "path/filepath"

// Overlay is a set of in-memory changes to a snapshot's files — what a fix
// would write — so that the engine can be asked what the fix changes before
// it is offered. Nothing is read or written.
type Overlay struct {
	// JSON gives settings, launch and tasks files (by path) a new parsed
	// document; a settings path the snapshot has no file for creates it.
	JSON map[string]*Value
	// Env gives GOENV files (by path) new content.
	Env map[string][]byte
	// Build gives build files (by path: Dockerfiles, workflows, …) new
	// content, parsed by the caller (package buildenv, which this package
	// cannot import).
	Build map[string]*BuildFile
}

// With returns a snapshot of the same folder with o applied. The files the
// snapshot has read are shared, not read again.
func (s *Snapshot) With(o Overlay) *Snapshot {
	n := NewSnapshot(s.Folder, s.read)
	n.Options, n.ProcessEnv, n.TerminalEnv = s.Options, s.ProcessEnv, s.TerminalEnv
	n.UserSettingsPath = s.UserSettingsPath
	n.GoMod, n.GoWork, n.NestedMods = s.GoMod, s.GoWork, s.NestedMods
	n.GoBinary, n.DefaultGOROOT = s.GoBinary, s.DefaultGOROOT

	settings := func(cur *Settings, path string, kind Kind, workspaceFile bool) *Settings {
		if cur != nil {
			path, kind, workspaceFile = cur.Path, cur.Kind, cur.IsWorkspaceFile
		}
		root, ok := o.JSON[path]
		if !ok || path == "" {
			return cur
		}
		st := &Settings{Path: path, Kind: kind, Root: root, IsWorkspaceFile: workspaceFile}
		switch {
		case root.Kind != Object:
			st.Err = &ParseError{Msg: "settings must be a JSON object"}
		case workspaceFile:
			if m := root.Get("settings"); m != nil && m.Value.Kind == Object {
				st.Object = m.Value
			}
		default:
			st.Object = root
		}
		return st
	}
	n.User = settings(s.User, s.UserSettingsPath, VSCodeUser, false)
	if s.Options.MultiRoot {
		n.Workspace = settings(s.Workspace, "", VSCodeWorkspace, true)
		n.FolderSettings = settings(s.FolderSettings, s.FolderSettingsPath(), VSCodeFolder, false)
	} else {
		n.Workspace = settings(s.Workspace, s.FolderSettingsPath(), VSCodeWorkspace, false)
	}
	jsonc := func(cur *JSONCFile) *JSONCFile {
		if cur == nil {
			return nil
		}
		if root, ok := o.JSON[cur.Path]; ok {
			return &JSONCFile{Path: cur.Path, Kind: cur.Kind, Root: root}
		}
		return cur
	}
	n.Launch, n.Tasks = jsonc(s.Launch), jsonc(s.Tasks)
	n.BuildFiles = make([]*BuildFile, len(s.BuildFiles))
	for i, f := range s.BuildFiles {
		if b, ok := o.Build[f.Path]; ok {
			f = b
		}
		n.BuildFiles[i] = f
	}

	s.mu.Lock()
	for k, f := range s.files {
		n.files[k] = f
	}
	for k, f := range s.skipped {
		n.skipped[k] = f
	}
	s.mu.Unlock()
	for path, content := range o.Env {
		n.files[string(GoEnvFile)+"\x00"+path] = ParseEnvFile(path, GoEnvFile, content)
	}
	return n
}

// FolderSettingsPath is the folder's .vscode/settings.json: the workspace
// settings of a single-folder window, the folder settings in a multi-root one.
func (s *Snapshot) FolderSettingsPath() string {
	return filepath.Join(s.Folder, ".vscode", "settings.json")
}
