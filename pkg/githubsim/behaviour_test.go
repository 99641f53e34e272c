package githubsim

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"
)

func TestOperationMatching(t *testing.T) {
	ops, err := loadOperations()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		method, path string
		wantID       string
		wantParams   map[string]string
	}{
		{"GET", "/repos/o/r/labels/GSoC%2FCommunity%20Bridge%2FLFX", "issues/get-label", map[string]string{"owner": "o", "repo": "r", "name": "GSoC/Community Bridge/LFX"}},
		{"DELETE", "/repos/o/r/issues/7/labels/a%20b", "issues/remove-label", map[string]string{"issue_number": "7", "name": "a b"}},
		{"GET", "/repos/o/r/issues/comments", "issues/list-comments-for-repo", nil},
		{"GET", "/repos/o/r/issues/12", "issues/get", map[string]string{"issue_number": "12"}},
		{"GET", "/repos/o/r/contents/docs/sub/a.md", "repos/get-content", map[string]string{"path": "docs/sub/a.md"}},
		{"GET", "/repos/o/r/contents/", "repos/get-content", map[string]string{"path": ""}},
		{"POST", "/app/installations/5/access_tokens", "apps/create-installation-access-token", map[string]string{"installation_id": "5"}},
		{"GET", "/", "meta/root", nil},
		{"GET", "/repos/o/r/labels/GSoC/Community%20Bridge/LFX", "", nil},
		{"GET", "/repos/o/r/", "", nil},
		{"PUT", "/repos/o/r/issues/1", "", nil},
		{"GET", "/repos/o/r/nonsense", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			op, params, found := ops.match(tt.method, tt.path)
			if found != (tt.wantID != "") || op.ID != tt.wantID {
				t.Fatalf("match = %q (%v), want %q", op.ID, found, tt.wantID)
			}
			for k, v := range tt.wantParams {
				if params[k] != v {
					t.Errorf("param %s = %q, want %q", k, params[k], v)
				}
			}
		})
	}
}

func TestViolations(t *testing.T) {
	s, err := New(Options{PrivateKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	}()
	seed(s)
	tok := instToken(t, s, instThanos)
	n := s.AddIssue(thanos, Issue{Title: "t", User: "alice"})
	_ = n
	tests := []struct {
		name, method, path, body string
		want                     int
		violation                string
	}{
		{"unknown operation", "GET", "/repos/thanos-io/thanos/nonsense", "", 404, "no such operation"},
		{"not implemented", "POST", "/repos/thanos-io/thanos/pulls", `{"title":"x","head":"a","base":"main"}`, 501, "pulls/create"},
		{"bare array", "POST", "/repos/thanos-io/thanos/issues/1/labels", `["bug"]`, 422, "bare JSON array"},
		{"bare array on set", "PUT", "/repos/thanos-io/thanos/issues/1/labels", `["bug"]`, 422, "bare JSON array"},
		{"unknown field", "POST", "/repos/thanos-io/thanos/issues/1/comments", `{"body":"x","bdy":"y"}`, 422, "unknown field"},
		{"wrong type", "POST", "/repos/thanos-io/thanos/issues/1/comments", `{"body":5}`, 422, "cannot unmarshal"},
		{"state on create", "POST", "/repos/thanos-io/thanos/issues", `{"title":"x","state":"open"}`, 422, "not fields of issues/create"},
		{"bad enum", "GET", "/repos/thanos-io/thanos/issues?state=bogus", "", 422, "state"},
		{"bad search", "GET", "/search/issues?q=is:pr+frobnicate:yes", "", 422, "unknown qualifier"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(s.Violations())
			resp, body := do(t, s, tt.method, tt.path, "token "+tok, tt.body, nil)
			if resp.StatusCode != tt.want {
				t.Errorf("status = %d, want %d: %s", resp.StatusCode, tt.want, body)
			}
			v := s.Violations()
			if len(v) != before+1 || !strings.Contains(v[len(v)-1], tt.violation) {
				t.Errorf("violations = %q, want a new one about %q", v[before:], tt.violation)
			}
		})
	}
}

func TestETag(t *testing.T) {
	s := fixture(t, Options{})
	tok := instToken(t, s, instThanos)
	n := s.AddIssue(thanos, Issue{Title: "t", User: "alice"})
	path := "/repos/thanos-io/thanos/issues/1"
	_ = n
	resp, body := do(t, s, "GET", path, "token "+tok, "", nil)
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != 200 || etag == "" || len(body) == 0 {
		t.Fatalf("first GET: %d etag %q", resp.StatusCode, etag)
	}
	remaining := resp.Header.Get("X-RateLimit-Remaining")

	resp, body = do(t, s, "GET", path, "token "+tok, "", http.Header{"If-None-Match": {etag}})
	if resp.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Errorf("conditional GET: %d with %d bytes, want 304 and no body", resp.StatusCode, len(body))
	}
	if got := resp.Header.Get("X-RateLimit-Remaining"); got != remaining {
		t.Errorf("304 counted against the rate limit: remaining %s, was %s", got, remaining)
	}

	s.UpdateIssue(thanos, 1, func(is *Issue) { is.Title = "changed" })
	resp, _ = do(t, s, "GET", path, "token "+tok, "", http.Header{"If-None-Match": {etag}})
	if resp.StatusCode != 200 || resp.Header.Get("ETag") == etag {
		t.Errorf("after a change: %d etag %q", resp.StatusCode, resp.Header.Get("ETag"))
	}
}

func TestRateLimit(t *testing.T) {
	s := fixture(t, Options{CoreRateLimit: 3, SearchRateLimit: 1})
	ctx := context.Background()
	gh := installationClient(t, s, instThanos)
	for i := 0; i < 3; i++ {
		_, resp, err := gh.Repositories.Get(ctx, "thanos-io", "thanos")
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		if resp.Rate.Limit != 3 || resp.Rate.Remaining != 2-i {
			t.Errorf("request %d: rate %+v", i, resp.Rate)
		}
		if resp.Header.Get("X-RateLimit-Resource") != "core" || resp.Header.Get("X-RateLimit-Used") == "" {
			t.Errorf("headers %v", resp.Header)
		}
	}
	// go-github now fails fast on its own; the server refuses too.
	_, _, err := gh.Repositories.Get(ctx, "thanos-io", "thanos")
	var rl *github.RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("4th request: %v, want a rate limit error", err)
	}
	resp, body := do(t, s, "GET", "/repos/thanos-io/thanos", "token "+instToken(t, s, instThanos), "", nil)
	if resp.StatusCode != 403 || resp.Header.Get("X-RateLimit-Remaining") != "0" || !strings.Contains(string(body), "API rate limit exceeded") {
		t.Fatalf("exhausted: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	// /rate_limit still answers and does not count.
	lim, _, err := gh.RateLimit.Get(ctx)
	if err != nil {
		t.Fatalf("rate_limit: %v", err)
	}
	if lim.Core.Remaining != 0 || lim.Core.Limit != 3 || lim.Search.Limit != 1 {
		t.Errorf("rate_limit = %+v", lim)
	}
	// Search has its own bucket.
	if _, _, err := gh.Search.Issues(ctx, "is:pr repo:thanos-io/thanos", nil); err != nil {
		t.Errorf("search: %v", err)
	}
	if _, _, err := gh.Search.Issues(ctx, "is:pr repo:thanos-io/thanos", nil); !errors.As(err, &rl) {
		t.Errorf("second search: %v, want a rate limit error", err)
	}
}

func TestFaults(t *testing.T) {
	s := fixture(t, Options{})
	ctx := context.Background()
	gh := installationClient(t, s, instThanos)
	if _, _, err := gh.Repositories.Get(ctx, "thanos-io", "thanos"); err != nil {
		t.Fatal(err) // Get a token before faulting.
	}
	s.SetFault(func(r *http.Request, n int) *Fault {
		switch {
		case r.URL.Path == "/repos/thanos-io/thanos" && n <= 2:
			return &Fault{Status: http.StatusBadGateway}
		case strings.HasPrefix(r.URL.Path, "/repos/thanos-io/thanos/issues"):
			return &Fault{SecondaryRateLimit: true, RetryAfter: 30 * time.Second}
		case r.URL.Path == "/repos/thanos-io/thanos/labels":
			return &Fault{Delay: 50 * time.Millisecond}
		}
		return nil
	})
	// The repo GET was already made once (n = 1), so one more fails.
	if _, _, err := gh.Repositories.Get(ctx, "thanos-io", "thanos"); statusOf(err) != 502 {
		t.Errorf("faulted GET: %v, want 502", err)
	}
	if _, _, err := gh.Repositories.Get(ctx, "thanos-io", "thanos"); err != nil {
		t.Errorf("third GET: %v", err)
	}
	start := time.Now()
	if _, _, err := gh.Issues.ListLabels(ctx, "thanos-io", "thanos", nil); err != nil || time.Since(start) < 50*time.Millisecond {
		t.Errorf("delayed request: %v after %v", err, time.Since(start))
	}
	_, _, err := gh.Issues.ListByRepo(ctx, "thanos-io", "thanos", nil)
	var ab *github.AbuseRateLimitError
	if !errors.As(err, &ab) || ab.RetryAfter == nil || *ab.RetryAfter != 30*time.Second {
		t.Errorf("secondary limit: %v", err)
	}
	statuses := map[int]int{}
	for _, r := range s.Requests() {
		statuses[r.Status]++
	}
	if statuses[502] != 1 || statuses[403] != 1 {
		t.Errorf("recorded statuses = %v", statuses)
	}
	s.SetFault(nil)
}

func TestConcurrentClients(t *testing.T) {
	s := fixture(t, Options{})
	ctx := context.Background()
	gh := installationClient(t, s, instThanos)
	n := s.AddIssue(thanos, Issue{Title: "busy", User: "alice"})
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if _, _, err := gh.Issues.CreateComment(ctx, "thanos-io", "thanos", n, &github.IssueComment{Body: github.String(fmt.Sprint("c", i))}); err != nil {
				t.Errorf("comment %d: %v", i, err)
			}
			if _, _, err := gh.Issues.ListComments(ctx, "thanos-io", "thanos", n, nil); err != nil {
				t.Errorf("list %d: %v", i, err)
			}
			_ = s.Comments(thanos, n)
			_ = s.Requests()
		}(i)
	}
	wg.Wait()
	cs := s.Comments(thanos, n)
	if len(cs) != 20 {
		t.Fatalf("%d comments, want 20", len(cs))
	}
	for i := 1; i < len(cs); i++ {
		if cs[i].ID <= cs[i-1].ID {
			t.Errorf("comment ids not increasing: %d after %d", cs[i].ID, cs[i-1].ID)
		}
	}
}
