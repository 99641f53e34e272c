package handlers

import (
	"context"
	"errors"
	"slices"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/job"
)

// The jobs a handler runs. Each job declares the actions it reacts to; the
// handler filters on them alone (an event no job wants costs no token and
// no policy read), runs the jobs that want it and joins their errors, so
// one job's failure does not starve another. Jobs then decide from the
// event's content only. Jobs that run comment commands are CommandJobs
// (commands.go): they receive typed commands, not events.

// PullRequestJob reacts to pull_request events.
type PullRequestJob interface {
	// PullRequestActions are the actions the job reacts to ("opened", ...).
	PullRequestActions() []string
	OnPullRequest(ctx context.Context, env job.Env, ev *github.PullRequestEvent) error
}

// IssuesJob reacts to issues events.
type IssuesJob interface {
	// IssuesActions are the actions the job reacts to ("opened", ...).
	IssuesActions() []string
	OnIssue(ctx context.Context, env job.Env, ev *github.IssuesEvent) error
}

// wanting returns the jobs whose actions include action.
func wanting[J any](jobs []J, actions func(J) []string, action string) []J {
	var out []J
	for _, j := range jobs {
		if slices.Contains(actions(j), action) {
			out = append(out, j)
		}
	}
	return out
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
