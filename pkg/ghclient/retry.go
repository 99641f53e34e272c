package ghclient

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"
)

// RetryPolicy bounds retries of transient GitHub failures.
type RetryPolicy struct {
	// Attempts is the most times one request is sent (default 4).
	Attempts int
	// BaseDelay is the first backoff (default 250ms), doubled each time with
	// full jitter, up to MaxDelay (default 8s).
	BaseDelay time.Duration
	MaxDelay  time.Duration
	// MaxWait is the longest pause for a rate limit (Retry-After or
	// X-RateLimit-Reset) before giving up and returning the error (default 90s).
	MaxWait time.Duration
	// Sleep waits for d or until ctx is done; tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock used for X-RateLimit-Reset.
	Now func() time.Time
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.Attempts <= 0 {
		p.Attempts = 4
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 250 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 8 * time.Second
	}
	if p.MaxWait <= 0 {
		p.MaxWait = 90 * time.Second
	}
	if p.Sleep == nil {
		p.Sleep = SleepContext
	}
	if p.Now == nil {
		p.Now = time.Now
	}
	return p
}

// SleepContext waits for d, or returns ctx's error when ctx ends first.
func SleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Retry is the one place transient failures are retried, for every call:
// 5xx and (for reads) network errors with exponential backoff and jitter;
// primary and secondary rate limits by waiting as GitHub asks (Retry-After,
// X-RateLimit-Reset) when the wait is bounded. Other 4xx are returned at once:
// they will not change.
//
// A write that creates something (an issue, a comment) is not retried after
// a 5xx: GitHub may have applied it before failing, and a second POST would
// write a second copy. The caller, writeonce, reads again and settles
// instead. A rate-limit answer means nothing was written, so it is waited
// out and sent again like any other request.
func Retry(p RetryPolicy, m *Metrics) githubapp.ClientMiddleware {
	p = p.withDefaults()
	return func(next http.RoundTripper) http.RoundTripper {
		return roundTripperFunc(func(r *http.Request) (*http.Response, error) {
			ctx := r.Context()
			for attempt := 1; ; attempt++ {
				req := r
				if attempt > 1 {
					var err error
					if req, err = rewind(r); err != nil {
						return nil, err
					}
				}
				res, err := next.RoundTrip(req)
				wait, reason := p.decide(r, res, err, attempt)
				if reason == "" {
					return res, err
				}
				if res != nil {
					// Drain so the connection is reused.
					_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
					_ = res.Body.Close()
				}
				m.retries.WithLabelValues(reason).Inc()
				zerolog.Ctx(ctx).Warn().Str("method", r.Method).Str("route", Route(r.Method, r.URL.EscapedPath())).
					Str("reason", reason).Int("attempt", attempt).Float64("wait_seconds", wait.Seconds()).Msg("github request failed, retrying")
				if serr := p.Sleep(ctx, wait); serr != nil {
					return nil, serr
				}
			}
		})
	}
}

// decide returns how long to wait before the next attempt and why, or an
// empty reason when the response (or error) is final.
func (p RetryPolicy) decide(r *http.Request, res *http.Response, err error, attempt int) (time.Duration, string) {
	if attempt >= p.Attempts {
		return 0, ""
	}
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) && r.Context().Err() != nil {
			return 0, ""
		}
		// A write that timed out may have happened; writeonce reads again
		// and settles before writing again, so only reads are retried here.
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			return 0, ""
		}
		return p.backoff(attempt), "network"
	}
	switch {
	case res.StatusCode >= 500 && res.StatusCode != http.StatusNotImplemented:
		if Creates(r.Method, r.URL.EscapedPath()) {
			return 0, ""
		}
		return p.backoff(attempt), "server_error"
	case res.StatusCode == http.StatusForbidden || res.StatusCode == http.StatusTooManyRequests:
		if ra := res.Header.Get("Retry-After"); ra != "" {
			if secs, perr := strconv.Atoi(strings.TrimSpace(ra)); perr == nil {
				d := time.Duration(secs) * time.Second
				if d <= p.MaxWait {
					return d, "secondary_rate_limit"
				}
			}
			return 0, ""
		}
		if res.Header.Get("X-RateLimit-Remaining") == "0" {
			reset, perr := strconv.ParseInt(res.Header.Get("X-RateLimit-Reset"), 10, 64)
			if perr != nil {
				return 0, ""
			}
			d := time.Until(time.Unix(reset, 0))
			if p.Now != nil {
				d = time.Unix(reset, 0).Sub(p.Now())
			}
			if d < time.Second {
				d = time.Second
			}
			if d <= p.MaxWait {
				return d, "rate_limit"
			}
		}
	}
	return 0, ""
}

// Creates reports whether a request creates an issue or a comment: the
// writes that are not idempotent (sending one twice writes two copies).
// Other POSTs mentorbot sends (labels, assignees, review requests, a
// repository label, installation tokens) give the same result when sent
// twice.
func Creates(method, path string) bool {
	if method != http.MethodPost {
		return false
	}
	switch Route(method, path) {
	case "/repos/{owner}/{repo}/issues", "/repos/{owner}/{repo}/issues/{issue_number}/comments":
		return true
	}
	return false
}

func (p RetryPolicy) backoff(attempt int) time.Duration {
	d := p.BaseDelay << (attempt - 1)
	if d > p.MaxDelay || d <= 0 {
		d = p.MaxDelay
	}
	// Full jitter: replicas that failed together do not retry together.
	return d/2 + rand.N(d/2+1)
}

// rewind returns a copy of r whose body can be sent again.
func rewind(r *http.Request) (*http.Request, error) {
	req := r.Clone(r.Context())
	if r.Body == nil || r.Body == http.NoBody {
		return req, nil
	}
	if r.GetBody == nil {
		return nil, errors.New("retry: request body cannot be rewound")
	}
	b, err := r.GetBody()
	if err != nil {
		return nil, err
	}
	req.Body = b
	return req, nil
}

// tokenRetry retries only installation token requests, which bypass the
// middleware chain; every other request is retried by Retry above it.
func tokenRetry(p RetryPolicy, m *Metrics) githubapp.ClientMiddleware {
	retry := Retry(p, m)
	return func(next http.RoundTripper) http.RoundTripper {
		retried := retry(next)
		return roundTripperFunc(func(r *http.Request) (*http.Response, error) {
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/access_tokens") {
				return retried.RoundTrip(r)
			}
			return next.RoundTrip(r)
		})
	}
}
