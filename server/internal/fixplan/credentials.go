package fixplan

import (
	"regexp"
	"slices"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
)

// guardCredentials refuses to put a credential that old does not already
// hold into a workspace file.
func (fx *Fixer) guardCredentials(f *fileChange, old, value string) {
	if f.inWorkspace() && NewCredentials(old, value) {
		fx.Fail(errCredential)
	}
}

var userinfo = regexp.MustCompile(`[^\s/@,|;"'=]+@`)

// NewCredentials reports whether value holds URL userinfo (user:password@,
// token@) that old does not.
func NewCredentials(old, value string) bool {
	if strings.IndexByte(value, '@') < 0 {
		return false // the common case, without a regexp pass over a long value
	}
	for _, u := range userinfo.FindAllString(value, -1) {
		if !strings.Contains(old, u) {
			return true
		}
	}
	return false
}

// WithoutCredentials drops every fix that would write URL userinfo into a
// file (SPEC §5a: a credential never moves into any file, not even one that
// holds it already — the edit would also show it to the client), and masks
// credentials in the titles of the others. It is the one guard for every
// fix, the rules' and Verify's.
func WithoutCredentials(fixes []findings.Fix, secrets []string) []findings.Fix {
	var out []findings.Fix
	for _, fx := range fixes {
		safe := true
		for _, e := range fx.Edits {
			inText := func(secret string) bool { return strings.Contains(e.NewText, secret) }
			safe = safe && !redact.HasCredential(e.NewText) && !slices.ContainsFunc(secrets, inText)
		}
		if safe {
			fx.Title = redact.RedactKnown(fx.Title, secrets)
			out = append(out, fx)
		}
	}
	return out
}

// Secrets are the credentials in the consumers' modelled variables (the
// values rules quote and parse), which findings mask wherever a message
// quotes a piece of one.
func Secrets(consumers []*resolve.Consumer) []string {
	var values []string
	for _, c := range consumers {
		for _, v := range c.Vars {
			values = append(values, v.Value)
		}
	}
	return redact.Secrets(values...)
}
