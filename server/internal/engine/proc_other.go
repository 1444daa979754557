//go:build !unix

package engine

import (
	"os/exec"
	"time"
)

// bound: outside Unix the child alone is killed on cancellation, and Wait
// gives up on its output waitDelay later.
func bound(cmd *exec.Cmd, waitDelay time.Duration) { cmd.WaitDelay = waitDelay }

func killGroup(cmd *exec.Cmd) error { return nil }
