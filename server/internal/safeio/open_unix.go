//go:build unix

package safeio

import (
	"os"
	"syscall"
)

// openNonBlocking opens for reading with O_NONBLOCK so that a FIFO planted
// where a file is expected returns at once instead of waiting for a writer.
func openNonBlocking(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
