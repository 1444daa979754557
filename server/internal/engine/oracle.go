package engine

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/clip"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/safeio"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// Oracle runs `go env -json` with a consumer's environment. Results are cached
// by the content of everything go env reads — the binary, the environment, the
// GOENV file and go.env — so it runs once per distinct environment and again
// only when one of those changes.
type Oracle struct {
	mu    sync.Mutex
	cache map[string]oracleResult
	// pending holds the runs in flight, so concurrent asks for one
	// environment share a single go env.
	pending map[string]chan struct{}
	// Runs counts real go env executions (for tests and benchmarks).
	Runs int
}

type oracleResult struct {
	vars map[string]string
	err  error
}

// NewOracle returns an empty oracle.
func NewOracle() *Oracle {
	return &Oracle{cache: map[string]oracleResult{}, pending: map[string]chan struct{}{}}
}

// oracleTimeout bounds one go env; oracleWaitDelay is how long its output
// may stay open after it ended (variables, for tests).
var (
	oracleTimeout   = 20 * time.Second
	oracleWaitDelay = 2 * time.Second
)

// GoEnv returns go env -json's values of names for the consumer.
func (o *Oracle) GoEnv(ctx context.Context, s *sources.Snapshot, c *resolve.Consumer, names []string) (map[string]string, error) {
	// The trust boundary first: a refused consumer is refused whatever else holds.
	env, err := oracleEnv(s, c)
	if err != nil {
		return nil, err
	}
	if s.GoBinary == "" {
		return nil, fmt.Errorf("go env: no go command found on the consumer's PATH")
	}
	if err := savedAsSeen(s, c); err != nil {
		return nil, err
	}
	key := o.key(s, c, env, names)
	for {
		o.mu.Lock()
		if r, ok := o.cache[key]; ok {
			o.mu.Unlock()
			return r.vars, r.err
		}
		wait, running := o.pending[key]
		if !running {
			o.pending[key] = make(chan struct{})
			o.mu.Unlock()
			break
		}
		o.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, fmt.Errorf("go env: %w", ctx.Err())
		}
	}
	defer func() {
		o.mu.Lock()
		close(o.pending[key])
		delete(o.pending, key)
		o.mu.Unlock()
	}()

	ctx, cancel := context.WithTimeout(ctx, oracleTimeout)
	defer cancel()
	dir, cleanup, err := neutralDir()
	if err != nil {
		return nil, fmt.Errorf("go env: %w", err)
	}
	defer cleanup()
	cmd := exec.CommandContext(ctx, s.GoBinary, append([]string{"env", "-json"}, names...)...)
	cmd.Env = env
	cmd.Dir = dir
	bound(cmd, oracleWaitDelay)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	r := oracleResult{}
	err = cmd.Run()
	if errors.Is(err, exec.ErrWaitDelay) {
		// go exited successfully but something it started kept the output
		// open: end that, and use what go printed.
		killGroup(cmd)
		err = nil
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("go env: %w", ctx.Err())
		}
		r.err = fmt.Errorf("go env: %v: %s", err, bytes.TrimSpace(stderr.Bytes()))
	} else if err := json.Unmarshal(stdout.Bytes(), &r.vars); err != nil {
		r.err = fmt.Errorf("go env: decoding output: %w", err)
	}
	o.mu.Lock()
	o.cache[key] = r
	o.Runs++
	o.mu.Unlock()
	return r.vars, r.err
}

// ErrUnsaved means the snapshot saw a GOENV file or go.env that differs from
// the file on disk (an editor buffer with unsaved changes): go env reads the
// disk, so its answer would not be about the snapshot.
var ErrUnsaved = errors.New("go env: the GOENV file or go.env has unsaved changes")

// savedAsSeen checks that the files go env will read are the ones the
// snapshot used.
func savedAsSeen(s *sources.Snapshot, c *resolve.Consumer) error {
	var files []*sources.EnvFile
	if f := s.EnvFile(c.GoEnvPath, sources.GoEnvFile); f != nil {
		files = append(files, f)
	}
	if c.GoEnvGOROOT != "" {
		files = append(files, s.EnvFile(filepath.Join(c.GoEnvGOROOT, "go.env"), sources.GorootGoEnv))
	}
	for _, f := range files {
		disk, err := DiskReader(f.Path)
		if safeio.IsSkipped(err) {
			// go would read it without a limit or block on it (a FIFO,
			// /dev/zero, its own stdin): the file-skipped finding says why.
			return fmt.Errorf("go env: not run: %w", err)
		}
		if (err == nil) != f.Exists || err == nil && !bytes.Equal(disk, f.Content) {
			return fmt.Errorf("%w: %s", ErrUnsaved, f.Path)
		}
	}
	return nil
}

func (o *Oracle) key(s *sources.Snapshot, c *resolve.Consumer, env, names []string) string {
	h := sha256.New()
	write := func(b []byte) { fmt.Fprintf(h, "%d:", len(b)); h.Write(b) }
	write([]byte(s.GoBinary))
	if st, err := os.Stat(s.GoBinary); err == nil {
		write([]byte(st.ModTime().String()))
	}
	sorted := append([]string(nil), env...)
	sort.Strings(sorted)
	for _, kv := range sorted {
		write([]byte(kv))
	}
	for _, n := range names {
		write([]byte(n))
	}
	// The files go env reads, as this snapshot saw them.
	if f := s.EnvFile(c.GoEnvPath, sources.GoEnvFile); f != nil {
		write(f.Content)
	}
	if c.GoEnvGOROOT != "" {
		write(s.EnvFile(filepath.Join(c.GoEnvGOROOT, "go.env"), sources.GorootGoEnv).Content)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Disagreement is a variable whose modelled value differs from go env's.
type Disagreement struct {
	Consumer, Name, Model, GoEnv string
}

// oracleNames are the variables the oracle asks go env for.
func oracleNames() []string { return append(append([]string{}, resolve.GoVars...), "GOROOT") }

// oracleAnswer is go env's answer for one consumer: its values, or why there
// are none.
type oracleAnswer struct {
	vars map[string]string
	err  error
}

// Confirm runs the oracle for every consumer (one go env per distinct
// environment, concurrently) and replaces any modelled value the go command
// contradicts, noting the disagreement. The go command is the authority,
// except on GOTOOLCHAIN, which it reads as "local" (oracleEnv). A consumer
// the trust boundary keeps from go env keeps the model's values, noted
// NotConfirmedUntrusted; that is not an error.
func (o *Oracle) Confirm(ctx context.Context, s *sources.Snapshot, consumers []*resolve.Consumer) ([]Disagreement, error) {
	names := oracleNames()
	results := make([]oracleAnswer, len(consumers))
	var wg sync.WaitGroup
	for i, c := range consumers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := o.GoEnv(ctx, s, c, names)
			results[i] = oracleAnswer{v, err}
		}()
	}
	wg.Wait()
	known := make([]bool, len(consumers))
	for i := range known {
		known[i] = true
	}
	return applyAnswers(consumers, names, results, known)
}

// Lookup is go env's answer for the consumer when it is known without
// running anything: cached from an earlier run for the same binary,
// environment and GOENV/go.env contents, or refused by the trust boundary,
// or impossible (no go command). ok is false when only running go env would
// tell. An entry is only ever cached after go env read files whose content
// was the one the snapshot saw (savedAsSeen), so a hit is an answer about
// this snapshot whatever the disk holds now.
func (o *Oracle) Lookup(s *sources.Snapshot, c *resolve.Consumer, names []string) (vars map[string]string, ok bool, err error) {
	env, err := oracleEnv(s, c)
	if err != nil {
		return nil, true, err
	}
	if s.GoBinary == "" {
		return nil, true, fmt.Errorf("go env: no go command found on the consumer's PATH")
	}
	key := o.key(s, c, env, names)
	o.mu.Lock()
	r, hit := o.cache[key]
	o.mu.Unlock()
	if !hit {
		return nil, false, nil
	}
	return r.vars, true, r.err
}

// ConfirmCached is Confirm with what the oracle already knows (Lookup):
// it never runs go env. pending reports consumers whose answer is not
// known yet; they keep the model's values.
func (o *Oracle) ConfirmCached(s *sources.Snapshot, consumers []*resolve.Consumer) (dis []Disagreement, pending bool, err error) {
	names := oracleNames()
	results := make([]oracleAnswer, len(consumers))
	known := make([]bool, len(consumers))
	for i, c := range consumers {
		v, ok, err := o.Lookup(s, c, names)
		results[i], known[i] = oracleAnswer{v, err}, ok
		pending = pending || !ok
	}
	dis, err = applyAnswers(consumers, names, results, known)
	return dis, pending, err
}

// applyAnswers replaces the modelled values go env contradicts (for the
// consumers whose answer is known) and notes each disagreement.
func applyAnswers(consumers []*resolve.Consumer, names []string, results []oracleAnswer, known []bool) ([]Disagreement, error) {
	var dis []Disagreement
	var firstErr error
	for i, c := range consumers {
		if !known[i] {
			continue
		}
		if errors.Is(results[i].err, ErrUntrusted) {
			markUnconfirmed(c, names, NotConfirmedUntrusted)
			continue
		}
		if errors.Is(results[i].err, errBuildConsumer) {
			c.Unconfirmed = NotConfirmedBuild
			continue
		}
		if results[i].err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("%s: %w", c.Name, results[i].err)
			}
			continue
		}
		for _, n := range names {
			got, ok := results[i].vars[n]
			// go env ran with GOTOOLCHAIN=local: its GOTOOLCHAIN is not the consumer's.
			if !ok || n == "GOTOOLCHAIN" {
				continue
			}
			v := c.Vars[n]
			if v.Value != got {
				dis = append(dis, Disagreement{Consumer: c.Name, Name: n, Model: v.Value, GoEnv: got})
				v.Note = fmt.Sprintf("go env reports %s where the model read %s", clip.Quote(got), clip.Quote(v.Value))
				v.Value = got
				c.Vars[n] = v
			}
		}
	}
	return dis, firstErr
}
