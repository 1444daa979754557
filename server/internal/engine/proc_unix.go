//go:build unix

package engine

import (
	"os/exec"
	"syscall"
	"time"
)

// bound makes a child process end with its context: it runs in a session
// (and process group) of its own, which a timeout or cancellation kills as
// a whole, and Wait gives up on its output waitDelay after it exits or is
// killed, so a grandchild that keeps stdout open (a wrapper's `sleep &`)
// cannot hold the caller past its deadline. A new session also keeps an
// interactive shell away from the server's terminal.
func bound(cmd *exec.Cmd, waitDelay time.Duration) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	cmd.Cancel = func() error { return killGroup(cmd) }
	cmd.WaitDelay = waitDelay
}

// killGroup kills the child's whole process group. After Wait it is only
// called when Wait had to abandon the output (exec.ErrWaitDelay): something
// the child started still holds it, normally in the child's group, whose
// id cannot be reused while it has members.
func killGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}
