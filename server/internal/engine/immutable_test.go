package engine_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/rules"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// dump renders a parsed value deeply (pointers followed, maps sorted), so
// that two dumps differ exactly when something reachable changed.
func dump(b *strings.Builder, v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		if e, ok := v.Interface().(error); ok {
			fmt.Fprintf(b, "error(%q)", e.Error())
			return
		}
		dump(b, v.Elem())
	case reflect.Struct:
		b.WriteString("{")
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() {
				continue
			}
			b.WriteString(v.Type().Field(i).Name + ":")
			dump(b, v.Field(i))
			b.WriteString(" ")
		}
		b.WriteString("}")
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			fmt.Fprintf(b, "%q", v.Bytes())
			return
		}
		b.WriteString("[")
		for i := range v.Len() {
			dump(b, v.Index(i))
			b.WriteString(",")
		}
		b.WriteString("]")
	case reflect.Map:
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
		b.WriteString("map[")
		for _, k := range keys {
			fmt.Fprintf(b, "%v:", k)
			dump(b, v.MapIndex(k))
			b.WriteString(",")
		}
		b.WriteString("]")
	default:
		fmt.Fprintf(b, "%#v", v.Interface())
	}
}

func parsedDump(s *sources.Snapshot) string {
	var b strings.Builder
	for _, v := range []any{s.User, s.Workspace, s.FolderSettings, s.GoMod, s.GoWork, s.NestedMods, s.Launch, s.Tasks} {
		dump(&b, reflect.ValueOf(v))
		b.WriteString("\n")
	}
	return b.String()
}

// Parsed files are shared between snapshots (sources.ParseCache), so no
// rule, fix planning or FixAll may change them: over every rules fixture,
// the parsed values are the same after diagnosis as before, and the next
// load gets them back from the cache.
func TestRulesLeaveParsedValuesUnchanged(t *testing.T) {
	var archives []string
	for _, pattern := range []string{"../rules/testdata/*.txtar", "../rules/testdata/*/*.txtar"} {
		m, _ := filepath.Glob(pattern)
		archives = append(archives, m...)
	}
	if len(archives) < 20 {
		t.Fatalf("only %d fixtures", len(archives))
	}
	withFixes := 0
	for _, file := range archives {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		work := t.TempDir()
		cfg := engine.Config{Folder: work, GoBinary: "/nonexistent/go", Options: sources.Options{OSFlavour: "linux", GOOS: "linux", Trusted: true}, Parses: sources.NewParseCache()}
		env := map[string]string{"HOME": work, "PATH": "/nonexistent", "GOENV": "off"}
		for _, f := range ar.Files {
			switch {
			case strings.HasPrefix(f.Name, "@") || f.Name == "options" || f.Name == "terminal.env":
				continue
			case f.Name == "proc.env":
				for _, line := range strings.Split(string(f.Data), "\n") {
					if k, v, ok := strings.Cut(strings.TrimSpace(line), "="); ok && !strings.HasPrefix(k, "#") {
						env[k] = strings.ReplaceAll(v, "$WORK", work)
					}
				}
				continue
			}
			path := filepath.Join(work, filepath.FromSlash(f.Name))
			switch {
			case f.Name == "goenv":
				env["GOENV"] = path
			case f.Name == "user/settings.json":
				cfg.UserSettings = path
			case strings.HasSuffix(f.Name, ".code-workspace") && !strings.Contains(f.Name, "/"):
				cfg.WorkspaceFile = path
			}
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		cfg.ProcessEnv = env
		snap := engine.Load(cfg, nil)
		before := parsedDump(snap)
		findings := engine.Diagnose(snap, engine.Resolve(snap))
		for _, f := range findings {
			if len(f.Fixes) > 0 {
				withFixes++
				break
			}
		}
		rules.FixAll(findings, snap.Content)
		if after := parsedDump(snap); after != before {
			t.Errorf("%s: diagnosis changed the parsed files:\nbefore %s\nafter  %s", file, before, after)
		}
		again := engine.Load(cfg, nil)
		if again.Workspace != snap.Workspace || again.User != snap.User || again.GoMod != snap.GoMod {
			t.Errorf("%s: the next load parsed unchanged files again", file)
		}
	}
	if withFixes < 10 {
		t.Errorf("only %d fixtures had fixes: the check proves little", withFixes)
	}
}
