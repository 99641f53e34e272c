package ghclient

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

func TestRoute(t *testing.T) {
	tests := []struct{ method, path, want string }{
		{"GET", "/repos/thanos-io/thanos/issues/7/labels", "/repos/{owner}/{repo}/issues/{issue_number}/labels"},
		{"DELETE", "/repos/o/r/issues/7/labels/GSoC%2FCommunity%20Bridge%2FLFX", "/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}"},
		{"GET", "/repos/o/r/labels/component%3A%20store", "/repos/{owner}/{repo}/labels/{name}"},
		{"GET", "/repos/o/r/contents/.github/mentorbot.yml", "/repos/{owner}/{repo}/contents/{path}"},
		{"GET", "/repos/o/r/pulls/12/files", "/repos/{owner}/{repo}/pulls/{pull_number}/files"},
		{"PATCH", "/repos/o/r/issues/comments/99", "/repos/{owner}/{repo}/issues/comments/{comment_id}"},
		{"GET", "/repos/o/r/collaborators/alice/permission", "/repos/{owner}/{repo}/collaborators/{username}/permission"},
		{"GET", "/orgs/prometheus/members/bob", "/orgs/{org}/members/{username}"},
		{"GET", "/orgs/prometheus/teams/default-maintainers/members", "/orgs/{org}/teams/{team_slug}/members"},
		{"POST", "/app/installations/42/access_tokens", "/app/installations/{id}/access_tokens"},
		{"GET", "/api/v3/search/issues", "/search/issues"},
		{"GET", "/users/alice", "/users/{username}"},
	}
	for _, tc := range tests {
		if got := Route(tc.method, tc.path); got != tc.want {
			t.Errorf("Route(%s %s) = %s, want %s", tc.method, tc.path, got, tc.want)
		}
	}
}

func TestRetry(t *testing.T) {
	tests := []struct {
		name string
		// responses are served in order; the last repeats.
		responses   []func(w http.ResponseWriter)
		method      string
		path        string
		wantStatus  int
		wantCalls   int32
		wantReason  string
		wantSleptAt least
	}{
		{
			name:       "5xx is retried until success",
			responses:  []func(http.ResponseWriter){status(502), status(503), status(200)},
			method:     "GET",
			wantStatus: 200, wantCalls: 3, wantReason: "server_error",
		},
		{
			name:       "5xx gives up after the attempts",
			responses:  []func(http.ResponseWriter){status(500)},
			method:     "POST",
			path:       "/repos/o/r/issues/7/labels",
			wantStatus: 500, wantCalls: 4, wantReason: "server_error",
		},
		{
			name:       "a comment is not posted again after a 5xx: it may have been written",
			responses:  []func(http.ResponseWriter){status(502), status(201)},
			method:     "POST",
			path:       "/repos/o/r/issues/7/comments",
			wantStatus: 502, wantCalls: 1,
		},
		{
			name:       "an issue is not opened again after a 5xx",
			responses:  []func(http.ResponseWriter){status(500), status(201)},
			method:     "POST",
			path:       "/api/v3/repos/o/r/issues",
			wantStatus: 500, wantCalls: 1,
		},
		{
			name:       "an edit is sent again: the same body twice is the same edit",
			responses:  []func(http.ResponseWriter){status(502), status(200)},
			method:     "PATCH",
			path:       "/repos/o/r/issues/7",
			wantStatus: 200, wantCalls: 2, wantReason: "server_error",
		},
		{
			name: "secondary rate limit waits Retry-After",
			responses: []func(http.ResponseWriter){func(w http.ResponseWriter) {
				w.Header().Set("Retry-After", "2")
				w.WriteHeader(403)
			}, status(201)},
			method:     "POST",
			path:       "/repos/o/r/issues/7/comments",
			wantStatus: 201, wantCalls: 2, wantReason: "secondary_rate_limit", wantSleptAt: least(2 * time.Second),
		},
		{
			name: "Retry-After beyond the bound is returned",
			responses: []func(http.ResponseWriter){func(w http.ResponseWriter) {
				w.Header().Set("Retry-After", "3600")
				w.WriteHeader(403)
			}},
			method:     "GET",
			wantStatus: 403, wantCalls: 1,
		},
		{
			name:       "a 4xx that will not change is not retried",
			responses:  []func(http.ResponseWriter){status(422)},
			method:     "POST",
			wantStatus: 422, wantCalls: 1,
		},
		{
			name:       "404 is final",
			responses:  []func(http.ResponseWriter){status(404)},
			method:     "GET",
			wantStatus: 404, wantCalls: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := int(calls.Add(1)) - 1
				if r.Method == "POST" || r.Method == "PATCH" {
					b, _ := io.ReadAll(r.Body)
					if string(b) != `{"x":1}` {
						t.Errorf("attempt %d body = %q: the body must be re-sent", n, b)
					}
				}
				tc.responses[min(n, len(tc.responses)-1)](w)
			}))
			defer srv.Close()
			var slept time.Duration
			m := NewMetrics(prometheus.NewRegistry())
			rt := Retry(RetryPolicy{
				BaseDelay: time.Millisecond,
				Sleep:     func(_ context.Context, d time.Duration) error { slept += d; return nil },
			}, m)(http.DefaultTransport)
			var body io.Reader
			if tc.method == "POST" || tc.method == "PATCH" {
				body = strings.NewReader(`{"x":1}`)
			}
			req, _ := http.NewRequest(tc.method, srv.URL+tc.path, body)
			res, err := rt.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			_ = res.Body.Close()
			if res.StatusCode != tc.wantStatus || calls.Load() != tc.wantCalls {
				t.Errorf("status %d after %d calls, want %d after %d", res.StatusCode, calls.Load(), tc.wantStatus, tc.wantCalls)
			}
			if tc.wantReason != "" && counterValue(m.retries.WithLabelValues(tc.wantReason)) == 0 {
				t.Errorf("retry reason %q not metered", tc.wantReason)
			}
			if slept < time.Duration(tc.wantSleptAt) {
				t.Errorf("slept %s, want at least %s", slept, time.Duration(tc.wantSleptAt))
			}
		})
	}
}

type least time.Duration

func status(code int) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) { w.WriteHeader(code) }
}

func TestLRUCacheBound(t *testing.T) {
	c := NewLRUCache(10)
	c.Set("a", []byte("12345"))
	c.Set("b", []byte("12345"))
	if _, ok := c.Get("a"); !ok {
		t.Fatal("a evicted too early")
	}
	c.Set("c", []byte("123")) // evicts b, the least recently used
	if _, ok := c.Get("b"); ok {
		t.Error("b should be evicted")
	}
	if _, ok := c.Get("a"); !ok {
		t.Error("a should stay")
	}
	c.Set("huge", make([]byte, 11))
	if _, ok := c.Get("huge"); ok {
		t.Error("an entry over the bound must not be stored")
	}
	c.Delete("a")
	if _, ok := c.Get("a"); ok {
		t.Error("a deleted")
	}
}

func counterValue(c prometheus.Counter) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		return -1
	}
	return m.GetCounter().GetValue()
}
