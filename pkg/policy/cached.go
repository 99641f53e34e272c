package policy

import (
	"context"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/cache"
)

// Cached serves a repository's policy from memory for a short TTL, so that a
// burst of webhooks for one repository costs one policy load rather than one
// per event (an ignored PR then costs no GitHub call at all): concurrent
// misses share one load. A policy edit takes effect within the TTL. Errors
// are never cached; "no policy file" is, as long as a policy.
type Cached struct {
	loader *Loader
	cache  *cache.Cache[Result]
}

// NewCached wraps loader with a TTL cache of at most max repositories, dated
// by now (nil: time.Now).
func NewCached(loader *Loader, ttl time.Duration, max int, now func() time.Time) *Cached {
	return &Cached{loader: loader, cache: cache.New(cache.Options[Result]{Size: max, TTL: ttl, Now: now})}
}

// Load returns the cached policy of owner/repo as installationID sees it,
// loading it when missing or older than the TTL.
func (c *Cached) Load(ctx context.Context, client *github.Client, installationID int64, owner, repo string) (Result, error) {
	res, err := c.cache.GetOrLoad(ctx, Key(installationID, owner, repo), func(ctx context.Context) (Result, error) {
		return c.loader.Load(ctx, client, installationID, owner, repo)
	})
	if err != nil {
		return Result{}, err
	}
	// Callers may change their copy; the cached one is shared.
	return Result{Policy: res.Policy.Clone(), Source: res.Source, Problems: res.Problems, Stale: res.Stale}, nil
}
