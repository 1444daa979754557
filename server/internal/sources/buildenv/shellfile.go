package buildenv

import (
	"bytes"
	"path"
	"strings"
)

// ShellKind is what kind of shell file a path is.
type ShellKind string

// Shell file kinds.
const (
	ShellRC        ShellKind = "shell-rc"        // ~/.bashrc, ~/.profile, ~/.zshrc, /etc/profile.d/*.sh, …
	EtcEnvironment ShellKind = "etc-environment" // /etc/environment: KEY=VALUE, read by pam_env
	EnvRC          ShellKind = "envrc"           // .envrc (direnv)
	ShellScript    ShellKind = "script"          // a repository script (*.sh)
)

// ShellFile is a parsed shell start-up file or script.
type ShellFile struct {
	Path string
	Kind ShellKind
	Script
}

// ShellKindOf classifies a path; ok is false for a path that is none of
// the shell files the doctor reads.
func ShellKindOf(p string) (ShellKind, bool) {
	p = strings.ReplaceAll(p, "\\", "/")
	base := path.Base(p)
	switch {
	case p == "/etc/environment":
		return EtcEnvironment, true
	case base == ".envrc":
		return EnvRC, true
	case base == ".bashrc" || base == ".bash_profile" || base == ".bash_login" || base == ".profile" || base == ".zshrc" || base == ".zshenv" || base == ".zprofile" || p == "/etc/profile" || p == "/etc/bash.bashrc" || p == "/etc/zsh/zshenv":
		return ShellRC, true
	case strings.HasPrefix(p, "/etc/profile.d/") && strings.HasSuffix(base, ".sh"):
		return ShellRC, true
	case strings.HasSuffix(base, ".sh") || strings.HasSuffix(base, ".bash"):
		return ShellScript, true
	}
	return "", false
}

// ParseShellFile reads what a shell file sets. /etc/environment is read as
// pam_env does (KEY=VALUE lines, no shell); everything else as a shell
// script, in which a NAME=value that nothing exports is recorded with
// Exported false.
func ParseShellFile(p string, content []byte) (*ShellFile, error) {
	if err := checkSize(content); err != nil {
		return nil, err
	}
	kind, ok := ShellKindOf(p)
	if !ok {
		kind = ShellScript
	}
	f := &ShellFile{Path: p, Kind: kind}
	pos := newPositions(content)
	if kind == EtcEnvironment {
		f.Settings = parseEtcEnvironment(content, pos)
		return f, nil
	}
	sc := newShellScanner(content, pos, false)
	sc.scan(chunk{text: string(content), m: identityMap(0, len(content))})
	f.Script = sc.out
	return f, nil
}

// parseEtcEnvironment reads KEY=VALUE lines; "#" starts a comment line, a
// leading "export " is tolerated, and one pair of matching quotes around the
// value is removed.
func parseEtcEnvironment(content []byte, pos positions) []Setting {
	var out []Setting
	for start := 0; start < len(content); {
		end := bytes.IndexByte(content[start:], '\n')
		next := len(content)
		if end < 0 {
			end = len(content)
		} else {
			end += start
			next = end + 1
		}
		a, b := start, end
		for a < b && (content[a] == ' ' || content[a] == '\t') {
			a++
		}
		for b > a && (content[b-1] == ' ' || content[b-1] == '\t' || content[b-1] == '\r') {
			b--
		}
		line := string(content[a:b])
		if strings.HasPrefix(line, "export ") {
			a += len("export ")
			for a < b && content[a] == ' ' {
				a++
			}
			line = string(content[a:b])
		}
		start = next
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.IndexByte(line, '=')
		if i <= 0 || !validName(line[:i]) {
			continue
		}
		va, vb := a+i+1, b
		if vb-va >= 2 && (content[va] == '"' || content[va] == '\'') && content[vb-1] == content[va] {
			va, vb = va+1, vb-1
		}
		s := Setting{Key: line[:i], Value: string(content[va:vb]), KeySpan: Span{Start: a, End: a + i}, ValueSpan: Span{Start: va, End: vb}, How: EnvFile, Exported: true}
		out = append(out, pos.setting(content, s))
	}
	return out
}
