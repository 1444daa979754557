package goenv

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"
)

// Field is one white-space separated field of a value, with its offsets.
type Field struct {
	Text       string
	Start, End int
}

// SumDB is a parsed GOSUMDB value (cmd/go/internal/modfetch/sumdb.go dbDial).
type SumDB struct {
	// Off is GOSUMDB=off (exactly; "OFF" is a malformed verifier id).
	Off bool
	// Fields are strings.Fields of the value, with offsets.
	Fields []Field
	// Name is the database name (host[/path]).
	Name string
	// Known is true when the first field is a name cmd/go has a built-in key
	// for, rather than a name+hash+key verifier key.
	Known bool
	// URL is the explicit second field ("" when absent). An explicit URL
	// bypasses GOPROXY's sumdb proxying.
	URL string
	// Alias is true for cmd/go's one hard-coded alias (a mirror of the
	// default database reachable in mainland China), which it rewrites to the
	// default name plus an explicit URL.
	Alias bool
}

// SumDBError is cmd/go's rejection of a GOSUMDB value. Field indexes the
// offending field in SumDB.Fields, or is -1 when the whole value is at fault.
type SumDBError struct {
	Field int
	Err   error
}

func (e *SumDBError) Error() string { return e.Err.Error() }
func (e *SumDBError) Unwrap() error { return e.Err }

// ErrMissingGOSUMDB is cmd/go's error for an empty (or all-space) GOSUMDB.
var ErrMissingGOSUMDB = errors.New("missing GOSUMDB")

// chinaAlias returns the one GOSUMDB alias cmd/go special-cases (dbDial), a
// mirror of the default database reachable in mainland China, which cmd/go
// rewrites to "<default name> https://<alias>". It is derived from the
// default name read from go.env (".org" becomes ".google.cn") so that no
// checksum database host is written into this code.
func chinaAlias(defaultName string) string {
	if !strings.HasSuffix(defaultName, ".org") {
		return ""
	}
	return strings.TrimSuffix(defaultName, ".org") + ".google.cn"
}

// ParseGOSUMDB parses a GOSUMDB value as cmd/go does. known lists the
// database names cmd/go has built-in keys for; cmd/go's table holds exactly
// the default database, so callers pass the name $GOROOT/go.env's GOSUMDB
// gives (see DefaultSumDBName) instead of a hard-coded host.
func ParseGOSUMDB(value string, known []string) (SumDB, error) {
	db := SumDB{Fields: fields(value)}
	if len(known) > 0 && value != "" && value == chinaAlias(known[0]) {
		db.Alias, db.Known, db.Name, db.URL = true, true, known[0], "https://"+value
		return db, nil
	}
	if value == "off" {
		db.Off = true
		return db, nil
	}
	if len(db.Fields) == 0 {
		return db, &SumDBError{Field: -1, Err: ErrMissingGOSUMDB}
	}
	if len(db.Fields) > 2 {
		return db, &SumDBError{Field: 2, Err: errors.New("invalid GOSUMDB: too many fields")}
	}
	first := db.Fields[0].Text
	if contains(known, first) {
		db.Known = true
		db.Name = first
	} else {
		v, err := note.NewVerifier(first)
		if err != nil {
			return db, &SumDBError{Field: 0, Err: fmt.Errorf("invalid GOSUMDB: %v", err)}
		}
		db.Name = v.Name()
	}
	// "No funny business in the database name."
	direct, err := url.Parse("https://" + db.Name)
	if err != nil || strings.HasSuffix(db.Name, "/") || *direct != (url.URL{Scheme: "https", Host: direct.Host, Path: direct.Path, RawPath: direct.RawPath}) || direct.RawPath != "" || direct.Host == "" {
		var shown url.URL
		if direct != nil {
			shown = *direct
		}
		return db, &SumDBError{Field: 0, Err: fmt.Errorf("invalid sumdb name (must be host[/path]): %s %+v", db.Name, shown)}
	}
	if len(db.Fields) == 2 {
		if _, err := url.Parse(db.Fields[1].Text); err != nil {
			return db, &SumDBError{Field: 1, Err: fmt.Errorf("invalid GOSUMDB URL: %v", err)}
		}
		db.URL = db.Fields[1].Text
	}
	return db, nil
}

// DefaultSumDBName returns the database name of a GOSUMDB value as written in
// $GOROOT/go.env: the first field up to any "+hash+key" part.
func DefaultSumDBName(goenvValue string) string {
	f := strings.Fields(goenvValue)
	if len(f) == 0 || f[0] == "off" {
		return ""
	}
	name, _, _ := strings.Cut(f[0], "+")
	return name
}

// fields is strings.Fields with offsets.
func fields(s string) []Field {
	var out []Field
	start := -1
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			if start >= 0 {
				out = append(out, Field{Text: s[start:i], Start: start, End: i})
				start = -1
			}
		} else if start < 0 {
			start = i
		}
		i += size
	}
	if start >= 0 {
		out = append(out, Field{Text: s[start:], Start: start, End: len(s)})
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
