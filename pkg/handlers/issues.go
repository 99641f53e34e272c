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

// Issues handles issues events: welcomes on first issues and hand-added
// mentee-task labels.
type Issues struct {
	Base
	Jobs []IssuesJob
}

var _ githubapp.EventHandler = (*Issues)(nil)

// Handles implements githubapp.EventHandler.
func (h *Issues) Handles() []string { return []string{"issues"} }

// Handle implements githubapp.EventHandler.
func (h *Issues) Handle(ctx context.Context, _, _ string, payload []byte) error {
	var ev github.IssuesEvent
	if err := json.Unmarshal(payload, &ev); err != nil {
		return fmt.Errorf("parse issues event: %w", err)
	}
	jobs := wanting(h.Jobs, IssuesJob.IssuesActions, ev.GetAction())
	if len(jobs) == 0 {
		return nil
	}
	if turn.IsBotUser(ev.GetSender()) {
		zerolog.Ctx(ctx).Debug().Str("sender", ev.GetSender().GetLogin()).Msg("event caused by a bot, ignoring")
		return nil
	}
	ctx, env, err := h.env(ctx, ev.GetInstallation().GetID(), ev.GetRepo(), ev.GetIssue().GetNumber())
	if err != nil {
		return done(err)
	}
	return runAll(jobs, func(j IssuesJob) error { return j.OnIssue(ctx, env, &ev) })
}
