// Package ghclienttest has what the recording fakes of jobs' GitHub
// interfaces share: a call recorder and GitHub's error answers.
package ghclienttest

import (
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/google/go-github/v60/github"
)

// Recorder records the calls a fake answers, one line each ("timeline
// o/r#3"), so that a test can assert on exactly what a job asked. It is
// safe for concurrent use; embed it in a fake.
type Recorder struct {
	mu    sync.Mutex
	calls []string
}

// Record appends one call and returns it, for a fake that fails some calls.
func (r *Recorder) Record(format string, args ...any) string {
	call := fmt.Sprintf(format, args...)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, call)
	return call
}

// Calls returns the calls recorded since the last Take.
func (r *Recorder) Calls() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.calls...)
}

// Take returns the calls recorded since the last Take, and forgets them.
func (r *Recorder) Take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.calls
	r.calls = nil
	return out
}

// Status is GitHub's answer with a status code, as go-github returns it
// (ghclient.IsStatus and IsNotFound recognise it).
func Status(code int) error {
	return &github.ErrorResponse{Response: &http.Response{StatusCode: code}, Message: http.StatusText(code)}
}

// Dir lists directory dir ("" for the root) of owner/repo, whose default
// branch holds files at paths (in that order), as GitHub's contents API
// lists a directory: one entry per file or subdirectory, with its web URL.
// A directory with no entries is GitHub's 404.
func Dir(owner, repo string, paths []string, dir string) ([]*github.RepositoryContent, error) {
	prefix := ""
	if dir != "" {
		prefix = dir + "/"
	}
	seen := map[string]bool{}
	var out []*github.RepositoryContent
	for _, p := range paths {
		rest, ok := strings.CutPrefix(p, prefix)
		if !ok {
			continue
		}
		name, _, nested := strings.Cut(rest, "/")
		if seen[name] {
			continue
		}
		seen[name] = true
		typ := "file"
		if nested {
			typ = "dir"
		}
		out = append(out, &github.RepositoryContent{
			Type: github.String(typ), Name: github.String(name), Path: github.String(prefix + name),
			HTMLURL: github.String("https://github.com/" + owner + "/" + repo + "/blob/main/" + prefix + name),
		})
	}
	if len(out) == 0 {
		return nil, Status(http.StatusNotFound)
	}
	return out, nil
}
