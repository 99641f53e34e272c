// Package app is mentorbot's composition root: it builds the GitHub clients,
// the policy loader, the jobs and the handlers from the server configuration,
// and runs `serve`, `remind` and `digest`. Nothing below it knows about flags.
package app

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/oklog/run"
	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/cache"
	"github.com/thanos-community/mentorbot/pkg/config"
	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/handlers"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/redeliver"
	"github.com/thanos-community/mentorbot/pkg/server"
)

// policyTTL is how long webhook handlers reuse a repository's policy: a
// burst of events costs one load, and an edit applies within a minute.
const policyTTL = time.Minute

// redeliveryTTL is how long a handled event is remembered, so that copies
// of it (GitHub's redeliveries, which carry the same payload) cost nothing.
const redeliveryTTL = 10 * time.Minute

// Options are the run-time choices that are not server configuration.
type Options struct {
	Version string
	Logger  zerolog.Logger
	// DryRun reads from GitHub and logs every write instead of sending it.
	DryRun bool
	// Now is the clock; nil means time.Now. `--now` and the demo set it.
	Now func() time.Time
	// Transport replaces http.DefaultTransport (tests count requests with it).
	Transport http.RoundTripper
	// Retry overrides the retry policy (tests shorten the waits).
	Retry ghclient.RetryPolicy
	// RedeliverEvery is how often serve asks GitHub to redeliver missed
	// webhooks after the pass at start; 0 means 10 minutes, negative never
	// (the pass at start still runs).
	RedeliverEvery time.Duration
}

// App is one configured mentorbot.
type App struct {
	cfg      config.Config
	opts     Options
	metrics  *server.Metrics
	clients  githubapp.ClientCreator
	policies *policy.Loader
	// resolver gives sweeps every repository's policy, with policies.
	resolver *policy.Resolver
	// cached serves webhook handlers: bursts for one repo load its policy once.
	cached *policy.Cached
	bot    *handlers.IdentitySource
	srv    atomic.Pointer[server.Server]
	jobs   *jobSet
	// pacers space each installation's searches, for every job that searches.
	pacers *ghclient.Pacers
	// remote finds the app's installation client on another account.
	remote *installationClients
	sweeps *sweepMetrics

	redeliver        *redeliver.Redeliverer
	redeliverStarted atomic.Bool
}

// New builds an App; it fails early on a bad private key.
func New(cfg config.Config, o Options) (*App, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	key, err := cfg.PrivateKey()
	if err != nil {
		return nil, err
	}
	gh := cfg.GitHub
	gh.App.PrivateKey = string(key)
	m := server.NewMetrics()
	cc, err := ghclient.NewCreator(ghclient.Options{
		GitHub:    gh,
		UserAgent: "mentorbot/" + o.Version,
		Timeout:   cfg.Server.GitHubTimeout,
		Metrics:   ghclient.NewMetrics(m.Registry),
		GoMetrics: m.GoMetrics,
		Retry:     o.Retry,
		DryRun:    o.DryRun,
		Transport: o.Transport,
	})
	if err != nil {
		return nil, err
	}
	remote := &installationClients{clients: cc}
	loader := policy.NewLoader(policy.WithRegisterer(m.Registry), policy.WithRemoteClients(remote.forOwner))
	a := &App{
		cfg:      cfg,
		opts:     o,
		metrics:  m,
		clients:  cc,
		policies: loader,
		resolver: policy.NewResolver(loader),
		remote:   remote,
		cached:   policy.NewCached(loader, policyTTL, 10000, o.Now),
		bot:      &handlers.IdentitySource{Clients: cc},
		pacers:   &ghclient.Pacers{},
	}
	a.jobs = a.wireAll()
	a.sweeps = newSweepMetrics(m.Registry)
	a.redeliver = a.newRedeliverer()
	return a, nil
}

// Handlers returns one handler per webhook event, wired to the jobs.
func (a *App) Handlers() []githubapp.EventHandler {
	base := handlers.Base{Clients: a.clients, Policies: a.cached, Now: a.opts.Now, Bot: a.bot}
	hs := []githubapp.EventHandler{
		&handlers.PullRequest{Base: base, Jobs: a.jobs.pullRequest},
		&handlers.Issues{Base: base, Jobs: a.jobs.issues},
		&handlers.IssueComment{Base: base, Commands: a.jobs.commands},
		&handlers.PullRequestReview{},
		&handlers.Installation{Jobs: a.jobs.install},
	}
	// Copies of one event (redeliveries) are handled once; see Coalesced.
	handled := cache.New(cache.Options[struct{}]{Size: 10000, TTL: redeliveryTTL, Now: a.opts.Now})
	for i, h := range hs {
		hs[i] = handlers.Coalesce(h, handled)
	}
	return hs
}

// Idle reports whether the server has no webhook work queued or running.
func (a *App) Idle() bool {
	srv := a.srv.Load()
	return srv == nil || srv.Idle()
}

// NewServer builds the HTTP server.
func (a *App) NewServer() (*server.Server, error) {
	return server.New(server.Options{
		WebhookSecret:  a.cfg.GitHub.App.WebhookSecret,
		Handlers:       a.Handlers(),
		Logger:         a.opts.Logger,
		Metrics:        a.metrics,
		Version:        a.opts.Version,
		QueueSize:      a.cfg.Server.QueueSize,
		Workers:        a.cfg.Server.Workers,
		MaxBodyBytes:   a.cfg.Server.MaxBodyBytes,
		HandlerTimeout: a.cfg.Server.HandlerTimeout,

		MaxUnverifiedBodies: a.cfg.Server.MaxUnverifiedBodies,
		SpillDir:            a.cfg.Server.SpillDir,
		ReadHeaderTimeout:   a.cfg.Server.ReadHeaderTimeout,
		ReadTimeout:         a.cfg.Server.ReadTimeout,
		Ready: func(ctx context.Context) error {
			if _, err := a.bot.Get(ctx); err != nil {
				return err
			}
			a.redeliverAtStart(ctx)
			return nil
		},
		HandOver: a.handOver,
	})
}

// Serve listens on the configured address and serves until ctx is done.
func (a *App) Serve(ctx context.Context) error {
	l, err := net.Listen("tcp", a.cfg.ListenAddr())
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.cfg.ListenAddr(), err)
	}
	return a.ServeListener(ctx, l)
}

// ServeListener serves on l until ctx is done, then stops. Its parts run
// in one group: the HTTP server with its queue, the readiness probe, the
// scheduled sweeps and the redelivery loop. When ctx ends (SIGTERM) or any
// part fails, every part is told to stop: the server stops accepting and
// drains (handing over what it cannot finish), a running sweep stops at
// its next safe point, and ServeListener returns only when every part has
// returned. (go-githubapp's queue workers idle on past it, and a handler
// that ignores its cancelled context is abandoned after a grace period:
// both end with the process.)
func (a *App) ServeListener(ctx context.Context, l net.Listener) error {
	srv, err := a.NewServer()
	if err != nil {
		_ = l.Close()
		return err
	}
	a.srv.Store(srv)
	// stop is the group's one stop signal (SIGTERM, or a part that
	// returned); each part derives what it needs.
	stop, cancel := context.WithCancel(ctx)
	defer cancel()
	var g run.Group
	g.Add(func() error {
		return srv.Serve(stop, l, a.cfg.Server.ShutdownTimeout)
	}, func(error) { cancel() })
	g.Add(func() error {
		srv.ProbeReady(stop)
		<-stop.Done()
		return nil
	}, func(error) { cancel() })
	g.Add(func() error {
		a.runSchedules(stop)
		<-stop.Done() // with no sweep scheduled, wait like the others
		return nil
	}, func(error) { cancel() })
	g.Add(func() error {
		a.runRedelivery(stop)
		return nil
	}, func(error) { cancel() })
	return g.Run()
}
