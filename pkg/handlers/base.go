// Package handlers turns webhook events into job runs: one handler type per
// event, each returning early on actions no job declares, preparing the logging
// context (delivery, installation, repository, number), loading the effective
// policy, and calling the jobs.
package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/google/go-github/v60/github"
	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/cache"
	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/writeonce"
)

// Policies loads the effective policy of a repository.
type Policies interface {
	Load(ctx context.Context, client *github.Client, installationID int64, owner, repo string) (policy.Result, error)
}

// Base holds what every handler needs; handler types embed it.
type Base struct {
	Clients  githubapp.ClientCreator
	Policies Policies
	// Now is the clock; tests and the demo move it.
	Now func() time.Time
	// Bot resolves the app's identity (its slug) once, lazily.
	Bot *IdentitySource
}

// errSkip marks an event that needs no work; it is not a failure.
var errSkip = errors.New("skip")

// env prepares the logging context and the job environment for a repository
// event. It returns errSkip for events of installations the app no longer
// has (uninstalled, suspended), which GitHub can still deliver.
func (b *Base) env(ctx context.Context, installationID int64, repo *github.Repository, number int) (context.Context, job.Env, error) {
	ctx, log := githubapp.PreparePRContext(ctx, installationID, repo, number)
	if installationID == 0 || repo == nil {
		log.Debug().Msg("event without installation or repository, ignoring")
		return ctx, job.Env{}, errSkip
	}
	client, err := b.Clients.NewInstallationClient(installationID)
	if err != nil {
		return ctx, job.Env{}, fmt.Errorf("create client for installation %d: %w", installationID, err)
	}
	bot, err := b.Bot.Get(ctx)
	if err != nil {
		return ctx, job.Env{}, err
	}
	owner, name := repo.GetOwner().GetLogin(), repo.GetName()
	res, err := b.Policies.Load(ctx, client, installationID, owner, name)
	if err != nil {
		if isGone(err) {
			log.Warn().Err(err).Msg("installation or repository not accessible, ignoring event")
			return ctx, job.Env{}, errSkip
		}
		return ctx, job.Env{}, fmt.Errorf("load policy of %s/%s: %w", owner, name, err)
	}
	return ctx, job.Env{
		GitHub:         ghclient.New(client),
		InstallationID: installationID,
		Owner:          owner,
		Repo:           name,
		Policy:         res.Policy,
		Now:            b.Now(),
		Bot:            bot,
		Write:          writeonce.For(client, bot.Login()),
	}, nil
}

// isGone reports errors that mean the app cannot see the installation or the
// repository any more: retrying will not help.
func isGone(err error) bool {
	if ghclient.IsStatus(err, http.StatusNotFound) || ghclient.IsStatus(err, http.StatusUnauthorized) || ghclient.IsStatus(err, http.StatusGone) {
		return true
	}
	// The installation token could not be minted: uninstalled or suspended.
	var he *ghinstallation.HTTPError
	if errors.As(err, &he) && he.Response != nil {
		switch he.Response.StatusCode {
		case http.StatusNotFound, http.StatusUnauthorized, http.StatusForbidden:
			return true
		}
	}
	return false
}

// done maps errSkip to success.
func done(err error) error {
	if errors.Is(err, errSkip) {
		return nil
	}
	return err
}

// IdentitySource asks GitHub who the app is (GET /app) and remembers it.
// Deliveries that need it before it is known share the one request.
type IdentitySource struct {
	Clients githubapp.ClientCreator
	// Slug, when set, is used without asking (tests, dry runs).
	Slug string

	once sync.Once
	id   *cache.Cache[job.Identity]
}

// Get returns the app's identity.
func (s *IdentitySource) Get(ctx context.Context) (job.Identity, error) {
	if s.Slug != "" {
		return job.Identity{Slug: s.Slug}, nil
	}
	s.once.Do(func() { s.id = cache.New(cache.Options[job.Identity]{Size: 1}) })
	return s.id.GetOrLoad(ctx, "app", func(ctx context.Context) (job.Identity, error) {
		c, err := s.Clients.NewAppClient()
		if err != nil {
			return job.Identity{}, fmt.Errorf("create app client: %w", err)
		}
		app, _, err := c.Apps.Get(ctx, "")
		if err != nil {
			return job.Identity{}, fmt.Errorf("get the app's identity: %w", err)
		}
		id := job.Identity{Slug: app.GetSlug()}
		zerolog.Ctx(ctx).Debug().Str("bot", id.Login()).Msg("resolved app identity")
		return id, nil
	})
}
