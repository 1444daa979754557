package redact

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestHandler(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(Handler(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	log = log.With("proxy", "https://TOKEN1@proxy.example.com")
	log.WithGroup("g").Info("go env failed for https://u:s2/x@h",
		"err", errors.New(`parse "https://u:s3?y@h:x": invalid port`),
		"value", "u:s4#z@h:3128",
		slog.Group("nested", "url", "https://u:s5@w@h"),
		"list", []string{"https://s6@h"},
		"n", 3)
	got := buf.String()
	for _, secret := range []string{"TOKEN1", "s2", "s3", "s4", "s5", "s6"} {
		if strings.Contains(got, secret) {
			t.Errorf("the log holds %q:\n%s", secret, got)
		}
	}
	for _, want := range []string{"https://xxxxx@proxy.example.com", "g.n=3", "u:xxxxx@h:3128"} {
		if !strings.Contains(got, want) {
			t.Errorf("the log lacks %q:\n%s", want, got)
		}
	}
}
