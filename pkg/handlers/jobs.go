package handlers

import (
	"context"
	"errors"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/job"
)

// The jobs a handler runs. Each job decides for itself whether the event
// concerns it; a handler runs them all and joins their errors, so one job's
// failure does not starve another. Jobs that run comment commands are
// CommandJobs (commands.go): they receive typed commands, not events.

// PullRequestJob reacts to pull_request events.
type PullRequestJob interface {
	OnPullRequest(ctx context.Context, env job.Env, ev *github.PullRequestEvent) error
}

// IssuesJob reacts to issues events.
type IssuesJob interface {
	OnIssue(ctx context.Context, env job.Env, ev *github.IssuesEvent) error
}

// InstallationJob reacts to an installation gaining repositories.
type InstallationJob interface {
	OnInstall(ctx context.Context, installationID int64, repos []*github.Repository) error
}

func runAll[J any](jobs []J, call func(J) error) error {
	var errs []error
	for _, j := range jobs {
		if err := call(j); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
