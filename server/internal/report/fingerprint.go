package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// maxAnchor bounds the text a fingerprint hashes: a huge value is still
// identified by its first part.
const maxAnchor = 512

// anchorText is what a finding points at: the text of its span, or of the
// span's line when the span is empty (a go.mod requirement's point), with
// credentials masked so that no fingerprint is a hash of a secret.
func anchorText(content []byte, span sources.Span) string {
	start, end := span.Start, span.End
	if start < 0 || end > len(content) || start > end {
		return ""
	}
	if start == end {
		start = bytes.LastIndexByte(content[:start], '\n') + 1
		if i := bytes.IndexByte(content[end:], '\n'); i >= 0 {
			end += i
		} else {
			end = len(content)
		}
	}
	text := strings.TrimSpace(string(content[start:end]))
	if len(text) > maxAnchor {
		text = text[:maxAnchor]
	}
	return redact.RedactText(text)
}

// Fingerprints returns a fingerprint per diagnostic of c that stays the same
// while lines are added or removed around it: the SHA-256 (hex) of the code,
// the file relative to folder, the text the finding points at (its message
// for a finding without a file) and its consumers in sorted order. Positions
// are left out on purpose; editing the value itself or moving it to another
// file makes a new finding. Findings whose inputs are equal get ":2", ":3",
// … in their order, so fingerprints are unique within a run.
func Fingerprints(folder string, c Check) []string {
	out := make([]string, len(c.Diagnostics))
	seen := map[string]int{}
	for i, d := range c.Diagnostics {
		file, anchor := "", d.Message
		if d.File != "" {
			file, anchor = filepath.ToSlash(Rel(folder, d.File)), d.anchor
		}
		consumers := slices.Sorted(slices.Values(d.Consumers))
		h := sha256.New()
		for _, part := range []string{d.Code, file, anchor, strings.Join(consumers, ",")} {
			h.Write([]byte(part))
			h.Write([]byte{0})
		}
		fp := hex.EncodeToString(h.Sum(nil))
		seen[fp]++
		if n := seen[fp]; n > 1 {
			fp += ":" + strconv.Itoa(n)
		}
		out[i] = fp
	}
	return out
}
