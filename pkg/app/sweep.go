package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/google/go-github/v60/github"
	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/writeonce"
)

// RunSweep runs one sweep ("remind" or "digest") over every installation,
// writing a line per decision to out.
func (a *App) RunSweep(ctx context.Context, name string, out io.Writer) error {
	if zerolog.Ctx(ctx).GetLevel() == zerolog.Disabled {
		ctx = a.opts.Logger.WithContext(ctx)
	}
	jobs, ok := a.jobs.sweeps[name]
	if !ok {
		return fmt.Errorf("unknown sweep %q", name)
	}
	insts, err := a.installations(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, inst := range insts {
		inst.Report = func(format string, args ...any) {
			if out != nil {
				fmt.Fprintf(out, format+"\n", args...)
			}
		}
		ictx := zerolog.Ctx(ctx).With().Int64(githubapp.LogKeyInstallationID, inst.ID).Str("sweep", name).Logger().WithContext(ctx)
		for _, j := range jobs {
			if err := j.Sweep(ictx, inst); err != nil {
				errs = append(errs, fmt.Errorf("%s sweep of installation %d (%s): %w", name, inst.ID, inst.Owner, err))
			}
		}
	}
	return errors.Join(errs...)
}

// installations lists every installation with its repositories and the
// org-wide policy.
func (a *App) installations(ctx context.Context) ([]job.Installation, error) {
	bot, err := a.bot.Get(ctx)
	if err != nil {
		return nil, err
	}
	appClient, err := a.clients.NewAppClient()
	if err != nil {
		return nil, fmt.Errorf("create app client: %w", err)
	}
	all, err := ghclient.All(0, func(page int) ([]*github.Installation, *github.Response, error) {
		return appClient.Apps.ListInstallations(ctx, &github.ListOptions{PerPage: 100, Page: page})
	})
	if err != nil {
		return nil, fmt.Errorf("list installations: %w", err)
	}
	var out []job.Installation
	for _, in := range all {
		inst, err := a.installation(ctx, in.GetID(), in.GetAccount().GetLogin(), bot)
		if err != nil {
			zerolog.Ctx(ctx).Warn().Err(err).Int64(githubapp.LogKeyInstallationID, in.GetID()).Msg("skipping installation")
			continue
		}
		out = append(out, inst)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func (a *App) installation(ctx context.Context, id int64, owner string, bot job.Identity) (job.Installation, error) {
	client, err := a.clients.NewInstallationClient(id)
	if err != nil {
		return job.Installation{}, fmt.Errorf("create installation client: %w", err)
	}
	repos, err := ghclient.All(0, func(page int) ([]*github.Repository, *github.Response, error) {
		list, res, err := client.Apps.ListRepos(ctx, &github.ListOptions{PerPage: 100, Page: page})
		if err != nil {
			return nil, res, err
		}
		return list.Repositories, res, nil
	})
	if err != nil {
		return job.Installation{}, fmt.Errorf("list repositories of installation %d: %w", id, err)
	}
	pol, err := a.policies.Load(ctx, client, owner, ".github")
	if err != nil {
		return job.Installation{}, fmt.Errorf("load org policy of %s: %w", owner, err)
	}
	return job.Installation{
		ID: id, Client: client, Owner: owner, Repos: repos,
		Policy: pol.Policy, Now: a.opts.Now(), Bot: bot,
		Write: writeonce.For(client, bot.Login()),
	}, nil
}
