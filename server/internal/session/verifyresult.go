package session

import (
	"sync"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify"
)

// verifyResults are each folder's last Verify result (hover shows the
// outcome per proxy entry and per module).
type verifyResults struct {
	mu sync.Mutex
	m  map[string]*verify.Result
}

// SetVerifyResult keeps a folder's last Verify result, replacing the
// previous one.
func (s *Session) SetVerifyResult(folder string, res *verify.Result) {
	s.vres.mu.Lock()
	defer s.vres.mu.Unlock()
	if s.vres.m == nil {
		s.vres.m = map[string]*verify.Result{}
	}
	s.vres.m[folder] = res
}

// VerifyResult is a folder's last Verify result (nil: none yet).
func (s *Session) VerifyResult(folder string) *verify.Result {
	s.vres.mu.Lock()
	defer s.vres.mu.Unlock()
	return s.vres.m[folder]
}
