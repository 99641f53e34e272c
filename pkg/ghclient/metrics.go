package ghclient

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/palantir/go-githubapp/githubapp"
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the mentorbot_github_* series.
type Metrics struct {
	requests      *prometheus.CounterVec
	duration      *prometheus.HistogramVec
	rateRemaining *prometheus.GaugeVec
	retries       *prometheus.CounterVec
	dryRunWrites  prometheus.Counter
}

// NewMetrics registers the client metrics on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mentorbot_github_requests_total",
			Help: "GitHub API requests by method, route template and status code.",
		}, []string{"method", "route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mentorbot_github_request_duration_seconds",
			Help:    "Latency of GitHub API requests.",
			Buckets: prometheus.ExponentialBuckets(0.01, 2.5, 8),
		}, []string{"method", "route"}),
		rateRemaining: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "mentorbot_github_rate_limit_remaining",
			Help: "X-RateLimit-Remaining of the last GitHub response, by rate-limit resource.",
		}, []string{"resource"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mentorbot_github_retries_total",
			Help: "GitHub API requests retried, by reason (server_error, network, secondary_rate_limit, rate_limit).",
		}, []string{"reason"}),
		dryRunWrites: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mentorbot_github_dry_run_writes_total",
			Help: "Writes answered locally because of --dry-run.",
		}),
	}
	reg.MustRegister(m.requests, m.duration, m.rateRemaining, m.retries, m.dryRunWrites)
	return m
}

// Middleware records every request that reaches GitHub (or the cache).
func (m *Metrics) Middleware() githubapp.ClientMiddleware {
	return func(next http.RoundTripper) http.RoundTripper {
		return roundTripperFunc(func(r *http.Request) (*http.Response, error) {
			start := time.Now()
			res, err := next.RoundTrip(r)
			route := Route(r.Method, r.URL.EscapedPath())
			m.duration.WithLabelValues(r.Method, route).Observe(time.Since(start).Seconds())
			code := "error"
			if res != nil {
				code = strconv.Itoa(res.StatusCode)
				if rem := res.Header.Get("X-RateLimit-Remaining"); rem != "" {
					if v, perr := strconv.ParseFloat(rem, 64); perr == nil {
						resource := res.Header.Get("X-RateLimit-Resource")
						if resource == "" {
							resource = "core"
						}
						m.rateRemaining.WithLabelValues(resource).Set(v)
					}
				}
			}
			m.requests.WithLabelValues(r.Method, route, code).Inc()
			return res, err
		})
	}
}

// Route maps a request path to a template with GitHub's parameter names so
// that metrics have bounded cardinality: /repos/o/r/issues/7/labels becomes
// /repos/{owner}/{repo}/issues/{issue_number}/labels.
func Route(method, path string) string {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	// The API may sit under a prefix (GitHub Enterprise: /api/v3).
	for i, s := range segs {
		switch s {
		case "repos", "app", "orgs", "users", "search", "installation", "app-manifests", "rate_limit":
			segs = segs[i:]
			goto found
		}
	}
found:
	out := make([]string, len(segs))
	copy(out, segs)
	named := func(i int, name string) {
		if i < len(out) {
			out[i] = "{" + name + "}"
		}
	}
	if len(out) == 0 {
		return "/"
	}
	switch out[0] {
	case "repos":
		named(1, "owner")
		named(2, "repo")
		for i := 3; i < len(out); i++ {
			prev := segs[i-1]
			switch {
			case prev == "contents":
				out = append(out[:i], "{path}")
				return "/" + strings.Join(out, "/")
			case prev == "labels":
				named(i, "name")
			case prev == "collaborators" || prev == "assignees" && i == 4:
				named(i, "username")
			case prev == "issues" && segs[i] == "comments":
			case prev == "issues" || prev == "pulls":
				named(i, numberName(prev))
			case prev == "comments":
				named(i, "comment_id")
			case prev == "commits":
				named(i, "ref")
			case isNumber(segs[i]):
				named(i, "id")
			}
		}
	case "orgs":
		named(1, "org")
		for i := 2; i < len(out); i++ {
			switch segs[i-1] {
			case "members", "memberships":
				named(i, "username")
			case "teams":
				named(i, "team_slug")
			}
		}
	case "users":
		named(1, "username")
	case "app-manifests":
		named(1, "code")
	default:
		for i := 1; i < len(out); i++ {
			if isNumber(segs[i]) {
				named(i, "id")
			}
		}
	}
	return "/" + strings.Join(out, "/")
}

func numberName(collection string) string {
	if collection == "pulls" {
		return "pull_number"
	}
	return "issue_number"
}

func isNumber(s string) bool {
	_, err := strconv.ParseInt(s, 10, 64)
	return err == nil
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (fn roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return fn(r) }
