package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/explain"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/report"
)

// explainFlags are explain's flags.
type explainFlags struct {
	folderFlags
	consumers stringList
	module    string
	json      bool
}

func (f *explainFlags) flagSet() *flag.FlagSet {
	fs := newFlagSet("explain")
	f.register(fs)
	fs.Var(&f.consumers, "consumer", "only consumer `C` (terminal, gopls, tools, install, debug:NAME, task:NAME); repeatable")
	fs.StringVar(&f.module, "module", "", "explain how each consumer fetches module `PATH`")
	fs.BoolVar(&f.json, "json", false, "print JSON")
	return fs
}

// variableArg takes the one argument that is neither a flag nor a flag's
// value out of args: the variable may come before, between or after the
// flags. More than one is left for parseFlags to report.
func variableArg(args []string) (string, []string) {
	var probe explainFlags
	fs := probe.flagSet()
	at := -1
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			if at >= 0 {
				return "", args
			}
			at = i
			continue
		}
		flagName := strings.TrimLeft(a, "-")
		if strings.Contains(flagName, "=") {
			continue
		}
		if f := fs.Lookup(flagName); f != nil {
			if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
				i++ // its value
			}
		}
	}
	if at < 0 {
		return "", args
	}
	return args[at], append(slices.Clone(args[:at]), args[at+1:]...)
}

// runExplain is `goproxy-doctor explain`: the hover's answer in a terminal.
func runExplain(ctx context.Context, argv []string, stdout, stderr io.Writer, environ []string) int {
	name, args := variableArg(argv)
	var ff explainFlags
	fs := ff.flagSet()
	if code, done := parseFlags(fs, args, stdout, stderr); done {
		return code
	}
	if name == "" && ff.module == "" {
		fmt.Fprintf(stderr, "goproxy-doctor explain: name a variable (e.g. GOPROXY) or give --module PATH\nRun 'goproxy-doctor explain --help' for its flags.\n")
		return exitUsage
	}
	if name != "" && !explain.Known(name) {
		msg := fmt.Sprintf("goproxy-doctor explain: %s is not a Go or proxy variable", name)
		if s := goenv.Suggest(name); s != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", s)
		}
		fmt.Fprintln(stderr, msg)
		return exitUsage
	}
	dir, res, code := loadFolder(ctx, "explain", ff.folder, ff.settings, ff.trust, stderr, environ)
	if code != exitOK {
		return code
	}
	var names []string
	for _, c := range res.Consumers {
		names = append(names, c.Name)
	}
	for _, c := range ff.consumers {
		if !slices.Contains(names, c) {
			fmt.Fprintf(stderr, "goproxy-doctor explain: --consumer %s: this folder has %s\n", c, strings.Join(names, ", "))
			return exitUsage
		}
	}
	var answers []*explain.Answer
	if name != "" {
		answers = append(answers, explain.Variable(res, nil, name, ff.consumers))
	}
	if ff.module != "" {
		a, err := explain.Module(res, nil, ff.module, ff.consumers)
		if err != nil {
			fmt.Fprintf(stderr, "goproxy-doctor explain: --module %v\n", err)
			return exitUsage
		}
		answers = append(answers, a)
	}
	if ff.json {
		out := struct {
			Folder string                `json:"folder"`
			Var    *explain.VarAnswer    `json:"var,omitempty"`
			Module *explain.ModuleAnswer `json:"module,omitempty"`
		}{Folder: dir}
		for _, a := range answers {
			if a.Var != nil {
				out.Var = a.Var
			}
			if a.Module != nil {
				out.Module = a.Module
			}
		}
		if err := report.WriteJSON(stdout, out); err != nil {
			fmt.Fprintf(stderr, "goproxy-doctor explain: %v\n", err)
			return exitUsage
		}
		return exitOK
	}
	for i, a := range answers {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		fmt.Fprint(stdout, a.Text(explain.Options{Folder: dir}))
	}
	return exitOK
}
