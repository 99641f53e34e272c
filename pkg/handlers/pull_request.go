package handlers

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/go-github/v60/github"
	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/turn"
)

// PullRequest handles pull_request events: mentee labels and welcomes.
type PullRequest struct {
	Base
	Jobs []PullRequestJob
}

var _ githubapp.EventHandler = (*PullRequest)(nil)

// Handles implements githubapp.EventHandler.
func (h *PullRequest) Handles() []string { return []string{"pull_request"} }

// Handle implements githubapp.EventHandler.
func (h *PullRequest) Handle(ctx context.Context, _, _ string, payload []byte) error {
	var ev github.PullRequestEvent
	if err := json.Unmarshal(payload, &ev); err != nil {
		return fmt.Errorf("parse pull_request event: %w", err)
	}
	jobs := wanting(h.Jobs, PullRequestJob.PullRequestActions, ev.GetAction())
	if len(jobs) == 0 {
		return nil
	}
	if turn.IsBotUser(ev.GetSender()) {
		zerolog.Ctx(ctx).Debug().Str("sender", ev.GetSender().GetLogin()).Msg("event caused by a bot, ignoring")
		return nil
	}
	ctx, env, err := h.env(ctx, ev.GetInstallation().GetID(), ev.GetRepo(), ev.GetNumber())
	if err != nil {
		return done(err)
	}
	return runAll(jobs, func(j PullRequestJob) error { return j.OnPullRequest(ctx, env, &ev) })
}
