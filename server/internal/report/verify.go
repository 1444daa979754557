package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/clip"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify"
)

// VerifyText renders a verify result for a terminal (and the extension's
// output channel): the proxies, the checksum databases, each module's route
// as the go command takes it, then the advice. Every URL in the result is
// already redacted; the whole text passes through redaction once more.
func VerifyText(folder string, r *verify.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Folder %s\n\n", folder)
	if len(r.Withheld) > 0 {
		b.WriteString("Not contacted: the workspace is not trusted, and it chose these URLs:\n")
		for _, w := range r.Withheld {
			fmt.Fprintf(&b, "  withheld %s %s ← %s  [%s]\n", w.Kind, w.URL, w.Source, strings.Join(w.Consumers, ", "))
		}
		b.WriteString("\n")
	}

	if len(r.Proxies) > 0 {
		table := [][]string{{"PROXY", "CONSUMERS", "STATUS", "LATENCY", "SUMDB", "VIA"}}
		for _, p := range r.Proxies {
			status := string(p.Status)
			if p.AtForwardProxy {
				status += " (forward proxy)"
			}
			table = append(table, []string{
				fmt.Sprintf("%d %s", p.Index, truncate(p.URL, 44)), strings.Join(p.Consumers, ", "), status,
				latency(p.LatencyMs, p.Status != verify.ClassUnprobed), sumdbCell(p.SumDB), dash(p.Via),
			})
		}
		writeTable(&b, table)
		for _, p := range r.Proxies {
			if p.Error != "" {
				fmt.Fprintf(&b, "  %s: %s\n", truncate(p.URL, 60), clip.Message(p.Error))
			}
		}
		b.WriteString("\n")
	} else {
		b.WriteString("No proxy is configured for any consumer.\n\n")
	}

	if len(r.Candidates) > 0 {
		b.WriteString("Candidates (probed as a GOPROXY entry would be; nothing was changed):\n")
		table := [][]string{{"CANDIDATE", "CONSUMERS", "STATUS", "LATENCY", "SUMDB", "SERVED", "VIA"}}
		for _, c := range r.Candidates {
			status := string(c.Status)
			if c.AtForwardProxy {
				status += " (forward proxy)"
			}
			table = append(table, []string{
				truncate(c.URL, 46), strings.Join(c.Consumers, ", "), status, latency(c.LatencyMs, c.Status != verify.ClassUnprobed),
				sumdbCell(c.SumDB), fmt.Sprintf("%d/%d", c.Served, c.Modules), dash(c.Via),
			})
		}
		writeTable(&b, table)
		for _, c := range r.Candidates {
			if c.Error != "" {
				fmt.Fprintf(&b, "  %s: %s\n", truncate(c.URL, 60), clip.Message(c.Error))
			}
		}
		b.WriteString("\n")
	}

	if len(r.SumDBs) > 0 {
		table := [][]string{{"CHECKSUM DATABASE", "CONSUMERS", "REACHED", "STATUS", "LATENCY"}}
		for _, s := range r.SumDBs {
			via, status := s.Via, string(s.Status)
			if s.Off {
				via, status = "-", "off"
			}
			if (s.Via == "direct" || s.Via == "GOSUMDB") && s.URL != "" && !s.Off {
				via = s.Via + " " + truncate(s.URL, 40)
			}
			table = append(table, []string{truncate(dash(s.Name), 44), strings.Join(s.Consumers, ", "), dash(via), status, latency(s.LatencyMs, s.Status != verify.ClassUnprobed && !s.Off)})
		}
		writeTable(&b, table)
		for _, s := range r.SumDBs {
			if s.Error != "" {
				fmt.Fprintf(&b, "  %s: %s\n", truncate(dash(s.Name), 60), clip.Message(s.Error))
			}
		}
		b.WriteString("\n")
	}

	table := [][]string{{"MODULE", "CONSUMERS", "OUTCOME", "SERVED BY", "ROUTE", "SUMDB"}}
	for _, m := range r.Modules {
		table = append(table, []string{
			truncate(m.Path+"@"+m.Version, 56), strings.Join(m.Consumers, ", "), string(m.Outcome), truncate(dash(m.ServedBy), 44), route(m), moduleSumDB(m.SumDB),
		})
	}
	if len(r.Modules) == 0 {
		b.WriteString("No modules to verify (go.mod and go.work require none).\n")
	} else {
		writeTable(&b, table)
	}
	var errs []string
	for _, m := range r.Modules {
		if m.Error != "" {
			errs = append(errs, fmt.Sprintf("  %s [%s]: %s", truncate(m.Path+"@"+m.Version, 200), strings.Join(m.Consumers, ", "), clip.Message(m.Error)))
		}
		if m.SumDB != nil && m.SumDB.Outcome != verify.OutcomeOK && m.SumDB.Error != "" {
			errs = append(errs, fmt.Sprintf("  %s [%s]: checksum database: %s", truncate(m.Path+"@"+m.Version, 200), strings.Join(m.Consumers, ", "), clip.Message(m.SumDB.Error)))
		}
	}
	if len(errs) > 0 {
		b.WriteString(strings.Join(errs, "\n") + "\n")
	}

	if len(r.Skipped) > 0 {
		b.WriteString("\nNot read (not regular files, or over the size limit):\n")
		for _, f := range r.Skipped {
			fmt.Fprintf(&b, "  %s: %s\n", clip.Value(f.Path), f.Reason)
		}
	}
	if len(r.Recommendations) > 0 {
		b.WriteString("\n")
		for _, rc := range r.Recommendations {
			fmt.Fprintf(&b, "recommended GOPROXY for %s: %s\n  (now %s; %s)\n", strings.Join(rc.Consumers, ", "), clip.To(rc.Recommended, clip.MaxMessage), clip.To(rc.Current, clip.MaxMessage), clip.Message(rc.Why))
		}
	}
	if len(r.Advice) > 0 {
		b.WriteString("\nAdvice:\n")
		for _, a := range r.Advice {
			fmt.Fprintf(&b, "  - [%s] %s\n", strings.Join(a.Consumers, ", "), clip.Message(a.Message))
		}
	}
	b.WriteString("\n" + verifySummary(r) + "\n")
	return redact.RedactText(b.String())
}

// verifySummary is the last line: how many modules were served (or
// rightly skipped) and how the proxies answered, "3/4 modules ok; proxies:
// 2 ok, 1 timeout".
func verifySummary(r *verify.Result) string {
	ok := 0
	for _, m := range r.Modules {
		if m.Outcome == verify.OutcomeOK || m.Outcome == verify.OutcomeSkipped {
			ok++
		}
	}
	line := fmt.Sprintf("%d/%d modules ok", ok, len(r.Modules))
	if len(r.Proxies) == 0 {
		return line
	}
	counts := map[string]int{}
	var states []string
	for _, p := range r.Proxies {
		st := string(p.Status)
		if st == "" {
			st = "unknown"
		}
		if counts[st] == 0 {
			states = append(states, st)
		}
		counts[st]++
	}
	// Most frequent first, then by name.
	slices.SortFunc(states, func(a, b string) int {
		if d := counts[b] - counts[a]; d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(states))
	for i, st := range states {
		parts[i] = fmt.Sprintf("%d %s", counts[st], st)
	}
	return line + "; proxies: " + strings.Join(parts, ", ")
}

// route is the attempts in order: "1 404 → 2 200" with entries by their
// GOPROXY position, direct and off by name. A repeated origin lookup (a
// GONOPROXY module going direct again at GOPROXY's direct) is shown once.
func route(m verify.ModuleResult) string {
	var parts []string
	for _, a := range m.Attempts {
		if a.Repeat {
			continue
		}
		name := a.Proxy
		if a.Index > 0 && a.Proxy != "direct" && a.Proxy != "off" {
			name = fmt.Sprint(a.Index)
		}
		switch {
		case a.Outcome == verify.OutcomeSkipped:
			parts = append(parts, name+" skipped")
		case a.Status != 0:
			parts = append(parts, fmt.Sprintf("%s %d", name, a.Status))
		case a.Class != "" && a.Class != verify.ClassOK:
			parts = append(parts, name+" "+string(a.Class))
		default:
			parts = append(parts, name+" "+string(a.Outcome))
		}
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, " → ")
}

func moduleSumDB(s *verify.ModuleSumDB) string {
	switch {
	case s == nil:
		return "-"
	case s.Outcome == verify.OutcomeSkipped && strings.HasPrefix(s.Note, "GONOSUMDB"):
		return "skipped (GONOSUMDB)"
	case s.Outcome == verify.OutcomeSkipped && strings.HasPrefix(s.Note, "go.sum"):
		return "skipped (go.sum)"
	case s.Outcome == verify.OutcomeSkipped:
		return "skipped (" + s.Note + ")"
	}
	return string(s.Outcome)
}

func latency(ms float64, probed bool) string {
	if !probed {
		return "-"
	}
	return fmt.Sprintf("%.0f ms", ms)
}

func sumdbCell(b *bool) string {
	switch {
	case b == nil:
		return "-"
	case *b:
		return "yes"
	}
	return "no"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
