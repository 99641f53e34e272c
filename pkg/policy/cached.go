package policy

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/google/go-github/v60/github"
)

// Cached serves a repository's policy from memory for a short TTL, so that a
// burst of webhooks for one repository costs one policy load rather than one
// per event (an ignored PR then costs no GitHub call at all). A policy edit
// takes effect within the TTL. Errors are never cached.
type Cached struct {
	loader *Loader
	ttl    time.Duration
	now    func() time.Time
	max    int

	mu      sync.Mutex
	entries map[string]cachedResult
}

type cachedResult struct {
	res Result
	at  time.Time
}

// NewCached wraps loader with a TTL cache of at most max repositories.
func NewCached(loader *Loader, ttl time.Duration, max int, now func() time.Time) *Cached {
	if now == nil {
		now = time.Now
	}
	return &Cached{loader: loader, ttl: ttl, now: now, max: max, entries: map[string]cachedResult{}}
}

// Load returns the cached policy of owner/repo, loading it when missing or
// older than the TTL.
func (c *Cached) Load(ctx context.Context, client *github.Client, owner, repo string) (Result, error) {
	key := strings.ToLower(owner + "/" + repo)
	now := c.now()
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < c.ttl {
		return Result{Policy: e.res.Policy.Clone(), Source: e.res.Source, Problems: e.res.Problems, Stale: e.res.Stale}, nil
	}
	res, err := c.loader.Load(ctx, client, owner, repo)
	if err != nil {
		return res, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		// Drop expired entries; if none expired, start over rather than grow.
		for k, v := range c.entries {
			if now.Sub(v.at) >= c.ttl {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= c.max {
			c.entries = map[string]cachedResult{}
		}
	}
	c.entries[key] = cachedResult{res: res, at: now}
	return Result{Policy: res.Policy.Clone(), Source: res.Source, Problems: res.Problems, Stale: res.Stale}, nil
}
