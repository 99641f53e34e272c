package ghclient

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/palantir/go-githubapp/githubapp"
)

// maxCoalescedBody bounds a response body shared between waiters; GitHub's
// pages of 100 items are a few hundred KB at most.
const maxCoalescedBody = 32 << 20

// Coalesce returns middleware that sends identical GET requests of one
// client that are in flight at the same time as one request, and gives each
// caller its own copy of the answer. A burst of deliveries for one
// repository (a release, a bot opening thirty PRs) then reads the
// CONTRIBUTING guide, CODEOWNERS or a PR's timeline once, whichever job
// asks. The shared request belongs to no one caller: a caller whose context
// ends gets its context's error at once and the others still get the
// answer; only when every caller has left is the request cancelled, so
// that nothing outlives its callers (a shutdown). Writes are never
// coalesced.
func Coalesce() githubapp.ClientMiddleware {
	return func(next http.RoundTripper) http.RoundTripper {
		return &coalescer{next: next, flights: map[string]*flight{}}
	}
}

type coalescer struct {
	next http.RoundTripper

	mu      sync.Mutex
	flights map[string]*flight
}

// flight is one shared request: done is closed when res or err is set.
type flight struct {
	done    chan struct{}
	res     *http.Response
	body    []byte
	err     error
	waiters int
	cancel  context.CancelFunc
}

func (c *coalescer) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method != http.MethodGet || r.Body != nil && r.Body != http.NoBody {
		return c.next.RoundTrip(r)
	}
	// Each installation has its own client and so its own coalescer: the
	// URL and the media type asked for name the answer.
	key := r.URL.String() + "\x00" + r.Header.Get("Accept")
	c.mu.Lock()
	f, ok := c.flights[key]
	if !ok {
		ctx, cancel := detach(r.Context())
		f = &flight{done: make(chan struct{}), cancel: cancel}
		c.flights[key] = f
		go c.fly(key, f, r.Clone(ctx))
	}
	f.waiters++
	c.mu.Unlock()

	select {
	case <-r.Context().Done():
		c.mu.Lock()
		f.waiters--
		if f.waiters == 0 {
			f.cancel()
			if c.flights[key] == f {
				delete(c.flights, key)
			}
		}
		c.mu.Unlock()
		return nil, r.Context().Err()
	case <-f.done:
		if f.err != nil {
			return nil, f.err
		}
		res := *f.res
		res.Header = f.res.Header.Clone()
		res.Body = io.NopCloser(bytes.NewReader(f.body))
		res.ContentLength = int64(len(f.body))
		res.Request = r
		return &res, nil
	}
}

// fly sends the shared request and reads the whole answer.
func (c *coalescer) fly(key string, f *flight, r *http.Request) {
	defer close(f.done)
	defer f.cancel()
	defer func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.flights[key] == f {
			delete(c.flights, key)
		}
	}()
	res, err := c.next.RoundTrip(r)
	if err != nil {
		f.err = err
		return
	}
	defer func() { _ = res.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxCoalescedBody+1))
	switch {
	case err != nil:
		f.err = fmt.Errorf("read the answer to GET %s: %w", r.URL.Path, err)
	case len(body) > maxCoalescedBody:
		f.err = fmt.Errorf("answer to GET %s is larger than %d bytes", r.URL.Path, maxCoalescedBody)
	default:
		f.res, f.body = res, body
	}
}

// detach returns a context with ctx's values and deadline (the client's
// request timeout) but not its cancellation.
func detach(ctx context.Context) (context.Context, context.CancelFunc) {
	d := context.WithoutCancel(ctx)
	if deadline, ok := ctx.Deadline(); ok {
		return context.WithDeadline(d, deadline)
	}
	return context.WithCancel(d)
}
