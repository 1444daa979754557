package session

import (
	"sync"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify"
)

// VerifyRun is a folder's latest Verify run as the client was answered:
// the result and its text report (the code lens on go.mod counts it and
// opens the report; the status notification carries its counts).
type VerifyRun struct {
	Result *verify.Result
	Text   string
}

// verifyRuns holds the latest VerifyRun per folder path.
type verifyRuns struct {
	mu       sync.Mutex
	byFolder map[string]VerifyRun
}

// SetVerifyRun keeps a folder's latest Verify run. Call it before
// SetVerified, whose republication sends the status that counts it.
func (s *Session) SetVerifyRun(folder string, run VerifyRun) {
	s.runs.mu.Lock()
	defer s.runs.mu.Unlock()
	if s.runs.byFolder == nil {
		s.runs.byFolder = map[string]VerifyRun{}
	}
	s.runs.byFolder[folder] = run
}

// LastVerifyRun is a folder's latest Verify run (false: none yet).
func (s *Session) LastVerifyRun(folder string) (VerifyRun, bool) {
	s.runs.mu.Lock()
	defer s.runs.mu.Unlock()
	run, ok := s.runs.byFolder[folder]
	return run, ok
}
