package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestProblem(t *testing.T) {
	elf := []byte("\x7fELF\x02\x01\x01\x00\x00")
	for _, tc := range []struct {
		path string
		size int64
		head []byte
		want string
	}{
		{"README.md", 60_000, []byte("# mentorbot\n"), ""},
		{"bin/mentorbot", 18_000_000, elf, "binary"},
		{"docs/logo.png", 2_000, []byte("\x89PNG\r\n\x1a\n\x00\x00"), "binary"},
		{"pkg/githubsim/operations.tsv", maxSize + 1, []byte("GET\t/\n"), "over the"},
		{"pkg/githubsim/operations.tsv", maxSize, []byte("GET\t/\n"), ""},
		{"testdata/webhooks/big.json", 5 * maxSize, []byte("{}"), ""},
		{"pkg/e2e/testdata/fixture.bin", 10, elf, ""},
		{"mytestdata/x.bin", 10, elf, "binary"},
		{"empty", 0, nil, ""},
	} {
		if got := problem(tc.path, tc.size, tc.head); tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("problem(%s, %d): %q, want %q", tc.path, tc.size, got, tc.want)
		}
	}
}

// run against a real repository: it names the built files and fails, and
// passes once they are untracked.
func TestRun(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not on PATH")
	}
	dir := t.TempDir()
	write := func(name string, data []byte) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	write("main.go", []byte("package main\n"))
	write("bin/tool", []byte("\x7fELF\x00\x00"))
	write("dump.json", bytes.Repeat([]byte("x"), maxSize+1))
	write("testdata/blob.bin", []byte("\x00\x01"))
	git("add", ".")

	var out bytes.Buffer
	err := run(dir, &out)
	if err == nil {
		t.Fatalf("run passed a repository with a binary and a large file:\n%s", out.String())
	}
	if got, want := out.String(), "bin/tool: binary\ndump.json: "; !strings.HasPrefix(got, want) || strings.Contains(got, "testdata") || strings.Contains(got, "main.go") {
		t.Errorf("report:\n%s", got)
	}

	git("rm", "-q", "--cached", "bin/tool", "dump.json")
	out.Reset()
	if err := run(dir, &out); err != nil {
		t.Errorf("after git rm --cached: %v\n%s", err, out.String())
	}
}
