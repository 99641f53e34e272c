package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/google/go-github/v60/github"
	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/writeonce"
)

// RunSweep runs one sweep ("remind" or "digest") over every installation,
// writing a line per decision to out. It fails when any installation was
// skipped or any job failed, after doing what it could for the others; a
// spent rate limit that resets before ctx's deadline is waited for, else
// the error says when to retry. A logger in ctx is expected to name the
// sweep already (the scheduler's and the CLI's do; a second "sweep" key would
// make the JSON lines invalid for strict parsers); without one, the app's
// logger is used with the sweep's name.
func (a *App) RunSweep(ctx context.Context, name string, out io.Writer) error {
	return a.runSweep(ctx, nil, name, out)
}

// errStopped is returned by a sweep that stopped at a safe point because
// serve is shutting down.
var errStopped = errors.New("sweep stopped at a safe point for shutdown")

// runSweep is RunSweep that also stops before the next job of the next
// installation once stop is done (nil: never).
func (a *App) runSweep(ctx, stop context.Context, name string, out io.Writer) error {
	if zerolog.Ctx(ctx).GetLevel() == zerolog.Disabled {
		ctx = a.opts.Logger.With().Str("sweep", name).Logger().WithContext(ctx)
	}
	jobs, ok := a.jobs.sweeps[name]
	if !ok {
		return fmt.Errorf("unknown sweep %q", name)
	}
	insts, skipped, err := a.installations(ctx, stop)
	if err != nil {
		return err
	}
	errs := skipped
	for _, inst := range insts {
		inst.DryRun = a.opts.DryRun
		inst.Report = func(format string, args ...any) {
			if out != nil {
				fmt.Fprintf(out, format+"\n", args...)
			}
		}
		ictx := zerolog.Ctx(ctx).With().Int64(githubapp.LogKeyInstallationID, inst.ID).Logger().WithContext(ctx)
		for _, j := range jobs {
			if stop != nil && stop.Err() != nil {
				return errors.Join(append(errs, errStopped)...)
			}
			if err := afterReset(ictx, stop, func() error { return j.Sweep(ictx, inst) }); err != nil {
				errs = append(errs, fmt.Errorf("%s sweep of installation %d (%s): %w", name, inst.ID, inst.Owner, err))
			}
		}
	}
	return errors.Join(errs...)
}

// installations lists every installation with its repositories, their
// policies and the programme each belongs to (programmes.go). An
// installation that cannot be read is skipped and its error returned in
// skipped, so that the sweep does the others and fails.
func (a *App) installations(ctx, stop context.Context) (insts []job.Installation, skipped []error, err error) {
	bot, err := a.bot.Get(ctx)
	if err != nil {
		return nil, nil, err
	}
	appClient, err := a.clients.NewAppClient()
	if err != nil {
		return nil, nil, fmt.Errorf("create app client: %w", err)
	}
	all, err := ghclient.All(0, func(page int) ([]*github.Installation, *github.Response, error) {
		return appClient.Apps.ListInstallations(ctx, &github.ListOptions{PerPage: 100, Page: page})
	})
	if err != nil {
		return nil, nil, fmt.Errorf("list installations: %w", err)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].GetID() < all[j].GetID() })
	var resolved []policy.Resolved
	for _, in := range all {
		var (
			inst job.Installation
			res  policy.Resolved
		)
		err := afterReset(ctx, stop, func() (err error) {
			inst, res, err = a.installation(ctx, in.GetID(), in.GetAccount().GetLogin(), bot)
			return err
		})
		if err != nil {
			zerolog.Ctx(ctx).Error().Err(err).Int64(githubapp.LogKeyInstallationID, in.GetID()).Msg("skipping installation; the sweep will fail")
			skipped = append(skipped, fmt.Errorf("skipped installation %d (%s): %w", in.GetID(), in.GetAccount().GetLogin(), err))
			continue
		}
		insts = append(insts, inst)
		resolved = append(resolved, res)
	}
	joinProgrammes(ctx, insts, resolved)
	return insts, skipped, nil
}

// afterReset runs f; when it fails on a spent GitHub rate limit that resets
// before ctx's deadline, it waits for the reset and runs f once more. A
// limit that resets later fails at once, saying when to retry. The wait
// ends early, with f's error, when stop (nil: never) is done.
func afterReset(ctx, stop context.Context, f func() error) error {
	err := f()
	reset, limited := ghclient.RateLimitReset(err)
	if !limited {
		return err
	}
	log := zerolog.Ctx(ctx)
	if deadline, ok := ctx.Deadline(); ok && reset.Before(deadline) {
		log.Warn().Err(err).Time("reset", reset).Msg("GitHub rate limit spent; waiting for its reset within the sweep's deadline")
		wctx, cancel := context.WithCancel(ctx)
		defer cancel()
		if stop != nil {
			defer context.AfterFunc(stop, cancel)()
		}
		if serr := ghclient.SleepContext(wctx, time.Until(reset)+time.Second); serr != nil {
			return err
		}
		return f()
	}
	return fmt.Errorf("%w (rate limit resets at %s: retry after it)", err, reset.UTC().Format(time.RFC3339))
}

func (a *App) installation(ctx context.Context, id int64, owner string, bot job.Identity) (job.Installation, policy.Resolved, error) {
	client, err := a.clients.NewInstallationClient(id)
	if err != nil {
		return job.Installation{}, policy.Resolved{}, fmt.Errorf("create installation client: %w", err)
	}
	repos, err := ghclient.All(0, func(page int) ([]*github.Repository, *github.Response, error) {
		list, res, err := client.Apps.ListRepos(ctx, &github.ListOptions{PerPage: 100, Page: page})
		if err != nil {
			return nil, res, err
		}
		return list.Repositories, res, nil
	})
	if err != nil {
		return job.Installation{}, policy.Resolved{}, fmt.Errorf("list repositories of installation %d: %w", id, err)
	}
	res, err := a.resolver.Resolve(ctx, client, id, owner, repos)
	if err != nil {
		return job.Installation{}, policy.Resolved{}, err
	}
	repoPolicies := make(map[string]policy.Policy, len(res.Repos))
	for k, r := range res.Repos {
		repoPolicies[k] = r.Policy
	}
	return job.Installation{
		ID: id, GitHub: ghclient.New(client), Owner: owner, Repos: repos,
		Policy: res.Programme, Org: res.Org.Policy, RepoPolicies: repoPolicies, Lead: true,
		Now: a.opts.Now(), Bot: bot,
		Write: writeonce.For(client, bot.Login()),
	}, res, nil
}
