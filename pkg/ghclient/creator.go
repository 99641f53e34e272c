// Package ghclient is mentorbot's GitHub package: the clients (go-githubapp's
// client creator, one client per installation kept in pkg/cache, one
// middleware chain: coalesced identical reads, logging, metrics, retries
// with rate-limit handling, dry-run, a bounded ETag cache), API (every read
// and non-text write the jobs make, over a client), paging, the search
// pacer, and the few calls go-github v60 gets wrong for us (documented
// label bodies, escaped label names).
package ghclient

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/google/go-github/v60/github"
	"github.com/gregjones/httpcache"
	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rcrowley/go-metrics"
	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/cache"
)

// Options configure NewCreator.
type Options struct {
	// GitHub is go-githubapp's configuration section.
	GitHub githubapp.Config
	// UserAgent names this build, e.g. "mentorbot/v0.1.0".
	UserAgent string
	// Timeout bounds each request (handlers run on contexts without deadline).
	Timeout time.Duration
	// Metrics is where the mentorbot_github_* series are registered.
	Metrics *Metrics
	// GoMetrics receives go-githubapp's own client metrics.
	GoMetrics metrics.Registry
	// Retry bounds retries of transient failures; zero value means defaults.
	Retry RetryPolicy
	// DryRun answers every write locally and logs it instead of sending it.
	DryRun bool
	// Transport is the innermost transport; nil means http.DefaultTransport.
	Transport http.RoundTripper
	// CacheBytes bounds the ETag cache of each installation client.
	CacheBytes int
}

// NewCreator returns go-githubapp's client creator wired with mentorbot's
// middleware, with installation clients cached per installation (see
// clientCache). It fails early on a bad private key by creating the app
// client once.
func NewCreator(o Options) (githubapp.ClientCreator, error) {
	if o.Metrics == nil {
		return nil, fmt.Errorf("ghclient: metrics are required")
	}
	if o.GoMetrics == nil {
		// go-githubapp's ClientMetrics(nil) panics on the first response.
		return nil, fmt.Errorf("ghclient: go-metrics registry is required")
	}
	if o.CacheBytes == 0 {
		o.CacheBytes = 4 << 20
	}
	mws := []githubapp.ClientMiddleware{
		// Outermost, so that a coalesced read is one request in the logs,
		// the metrics and the rate limit.
		Coalesce(),
		githubapp.ClientLogging(zerolog.DebugLevel),
		githubapp.ClientMetrics(o.GoMetrics),
		o.Metrics.Middleware(),
		Retry(o.Retry, o.Metrics),
	}
	if o.DryRun {
		mws = append(mws, DryRun(o.Metrics))
	}
	opts := []githubapp.ClientOption{
		githubapp.WithClientUserAgent(o.UserAgent),
		githubapp.WithClientTimeout(o.Timeout),
		// alwaysValidate: writes do not evict cached GETs, so serve nothing
		// from the cache without asking GitHub; a 304 still saves rate limit.
		githubapp.WithClientCaching(true, func() httpcache.Cache { return NewLRUCache(o.CacheBytes) }),
		// WithClientMiddleware replaces earlier middleware: pass all at once.
		githubapp.WithClientMiddleware(mws...),
	}
	// Installation tokens are minted by ghinstallation below the middleware
	// chain, so the chain's retries never see a 502 or a secondary rate
	// limit on POST /app/installations/{id}/access_tokens: retry those at
	// the bottom (minting a second token is harmless).
	base := o.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	opts = append(opts, githubapp.WithTransport(tokenRetry(o.Retry, o.Metrics)(base)))
	cc := newClientCache(githubapp.NewClientCreator(o.GitHub.V3APIURL, o.GitHub.V4APIURL, o.GitHub.App.IntegrationID,
		[]byte(o.GitHub.App.PrivateKey), opts...), installationClients)
	// A bad PEM only surfaces when a client is first made.
	if _, err := cc.NewAppClient(); err != nil {
		return nil, fmt.Errorf("create github app client (check the private key): %w", err)
	}
	return cc, nil
}

// installationClients bounds how many installations' clients are kept (as
// go-githubapp's own caching creator does): each holds an ETag cache of up
// to Options.CacheBytes, so this bounds their memory too. An evicted one
// costs a new installation token when its installation is next seen.
const installationClients = 64

// clientCache keeps one client per installation, so that every event of an
// installation shares one installation token (ghinstallation mints it on the
// client's first request and refreshes it under a lock) and one ETag cache.
// go-githubapp's caching creator checks its cache and creates the client
// without a lock, so a burst of events of a new installation could each make
// a client and mint a token of its own; here concurrent misses share one
// creation.
type clientCache struct {
	githubapp.ClientCreator
	clients *cache.Cache[*github.Client]
}

func newClientCache(cc githubapp.ClientCreator, size int) *clientCache {
	return &clientCache{ClientCreator: cc, clients: cache.New(cache.Options[*github.Client]{Size: size})}
}

// NewInstallationClient returns the installation's client, creating it the
// first time. Creating a client makes no request.
func (c *clientCache) NewInstallationClient(installationID int64) (*github.Client, error) {
	return c.clients.GetOrLoad(context.Background(), strconv.FormatInt(installationID, 10), func(context.Context) (*github.Client, error) {
		return c.ClientCreator.NewInstallationClient(installationID)
	})
}
