// Command checkfiles fails when git tracks a build output: a binary file or
// a file larger than 1 MB outside a testdata/ directory. `make lint` runs it
// from the repository root; the repository holds source, and whatever is
// built from it (bin/, test binaries, screenshots) stays out of git.
package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// maxSize is the largest file kept in git outside testdata/.
const maxSize = 1 << 20

// sniffLen is how much of a file decides whether it is binary: git's own
// heuristic looks for a NUL byte in the first 8000 bytes.
const sniffLen = 8000

func main() {
	if err := run(".", os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "checkfiles:", err)
		os.Exit(1)
	}
}

// run checks every file git tracks in the repository at dir and reports the
// offending ones to w.
func run(dir string, w io.Writer) error {
	out, err := exec.Command("git", "-C", dir, "ls-files", "-z").Output()
	if err != nil {
		return fmt.Errorf("git ls-files: %w", err)
	}
	var bad int
	for _, path := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		if path == "" {
			continue
		}
		size, head, err := sniff(filepath.Join(dir, path))
		if os.IsNotExist(err) {
			continue // deleted in the work tree; the commit will say
		}
		if err != nil {
			return err
		}
		if p := problem(path, size, head); p != "" {
			fmt.Fprintf(w, "%s: %s\n", path, p)
			bad++
		}
	}
	if bad > 0 {
		return fmt.Errorf("%d tracked file(s) look built, not written: remove them with git rm --cached and list them in .gitignore (binaries and large fixtures belong under testdata/)", bad)
	}
	return nil
}

func sniff(path string) (int64, []byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, nil, err
	}
	defer func() { _ = f.Close() }()
	st, err := f.Stat()
	if err != nil {
		return 0, nil, err
	}
	if !st.Mode().IsRegular() {
		return 0, nil, nil // a symlink or submodule: nothing to read
	}
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return 0, nil, fmt.Errorf("read %s: %w", path, err)
	}
	return st.Size(), head[:n], nil
}

// problem says why a tracked file does not belong in git, or "".
func problem(path string, size int64, head []byte) string {
	for _, dir := range strings.Split(filepath.ToSlash(filepath.Dir(path)), "/") {
		if dir == "testdata" {
			return ""
		}
	}
	switch {
	case bytes.IndexByte(head, 0) >= 0:
		return "binary"
	case size > maxSize:
		return fmt.Sprintf("%d bytes, over the %d-byte limit", size, maxSize)
	}
	return ""
}
