package sources

import (
	"bytes"
	"errors"
	"path"
	"path/filepath"
	"strings"
)

// EnvLine is one line of a GOENV file or $GOROOT/go.env.
type EnvLine struct {
	Number int    // 1-based
	Span   Span   // the line without its "\n"
	Raw    string // the line's text, "\r" kept
	// Key and Value are what cmd/go reads: everything before and after the
	// first "=", nothing trimmed or unquoted. Valid is false for lines cmd/go
	// ignores (no "=", or a first byte outside A-Z).
	Key       string
	Value     string
	KeySpan   Span
	ValueSpan Span
	Valid     bool
}

// EnvFile is a parsed GOENV file or go.env: cmd/go's exact format
// (cmd/go/internal/cfg readEnvFile: split on "\n" only, nothing trimmed).
type EnvFile struct {
	Path    string
	Kind    Kind // GoEnvFile or GorootGoEnv
	Content []byte
	Exists  bool
	Lines   []EnvLine
}

// ParseEnvFile splits content the way cmd/go does.
func ParseEnvFile(path string, kind Kind, content []byte) *EnvFile {
	f := &EnvFile{Path: path, Kind: kind, Content: content, Exists: true}
	start := 0
	for n := 1; start <= len(content); n++ {
		end := bytes.IndexByte(content[start:], '\n')
		if end < 0 {
			end = len(content)
		} else {
			end += start
		}
		line := content[start:end]
		if !(end == len(content) && len(line) == 0) { // no phantom line after a final "\n"
			l := EnvLine{Number: n, Span: Span{start, end}, Raw: string(line)}
			if i := bytes.IndexByte(line, '='); i >= 0 && len(line) > 0 && line[0] >= 'A' && line[0] <= 'Z' {
				l.Valid = true
				l.Key, l.Value = string(line[:i]), string(line[i+1:])
				l.KeySpan = Span{start, start + i}
				l.ValueSpan = Span{start + i + 1, end}
			}
			f.Lines = append(f.Lines, l)
		}
		start = end + 1
	}
	return f
}

// Lookup returns the line that sets key, the last one when it is repeated.
func (f *EnvFile) Lookup(key string) (EnvLine, bool) {
	if f == nil {
		return EnvLine{}, false
	}
	for i := len(f.Lines) - 1; i >= 0; i-- {
		if l := f.Lines[i]; l.Valid && l.Key == key {
			return l, true
		}
	}
	return EnvLine{}, false
}

// Prov is the provenance of a line of the file.
func (f *EnvFile) Prov(l EnvLine) Provenance {
	return Provenance{Source: f.Kind, File: f.Path, Line: l.Number, Key: l.Key, KeySpan: l.KeySpan, ValueSpan: l.ValueSpan}
}

// ErrNoConfigDir is cmd/go's "neither $XDG_CONFIG_HOME nor $HOME are defined".
var ErrNoConfigDir = errors.New("cannot find go env config: neither $XDG_CONFIG_HOME nor $HOME are defined")

// GoEnvPath returns the GOENV file a go command with environment env would
// read (cmd/go/internal/cfg EnvFile + os.UserConfigDir), for the given GOOS.
// off is true for GOENV=off. A relative GOENV is resolved against dir, without
// cleaning it: the OS resolves "sub/../env" only when sub exists.
func GoEnvPath(getenv func(string) string, goos, dir string) (path string, off bool, err error) {
	if v := getenv("GOENV"); v != "" {
		if v == "off" {
			return "", true, nil
		}
		if !filepath.IsAbs(v) && dir != "" {
			v = strings.TrimSuffix(dir, string(filepath.Separator)) + string(filepath.Separator) + v
		}
		return v, false, nil
	}
	cfg, err := userConfigDir(getenv, goos)
	if err != nil {
		return "", false, err
	}
	return joinFor(goos, cfg, "go", "env"), false, nil
}

// userConfigDir mirrors os.UserConfigDir for goos, reading the given environment.
func userConfigDir(getenv func(string) string, goos string) (string, error) {
	switch goos {
	case "windows":
		d := getenv("AppData")
		if d == "" {
			d = getenv("APPDATA")
		}
		if d == "" {
			return "", errors.New("%AppData% is not defined")
		}
		return d, nil
	case "darwin", "ios":
		h := getenv("HOME")
		if h == "" {
			return "", errors.New("$HOME is not defined")
		}
		return h + "/Library/Application Support", nil
	case "plan9":
		h := getenv("home")
		if h == "" {
			return "", errors.New("$home is not defined")
		}
		return h + "/lib", nil
	default:
		d := getenv("XDG_CONFIG_HOME")
		if d == "" {
			h := getenv("HOME")
			if h == "" {
				return "", ErrNoConfigDir
			}
			return h + "/.config", nil
		}
		if !strings.HasPrefix(d, "/") {
			return "", errors.New("path in $XDG_CONFIG_HOME is relative")
		}
		return d, nil
	}
}

// joinFor joins like cmd/go's filepath.Join(dir, "go/env"), which cleans the
// result (a $HOME of "/home/u/" gives "/home/u/.config/go/env").
func joinFor(goos string, elems ...string) string {
	if goos == "windows" {
		return strings.Join(elems, `\`)
	}
	return path.Join(elems...)
}
