//go:build !unix

package safeio

import "os"

// openNonBlocking: outside Unix there are no FIFOs on the file system to
// block on; the stat checks before and after the open still apply.
func openNonBlocking(path string) (*os.File, error) { return os.Open(path) }
