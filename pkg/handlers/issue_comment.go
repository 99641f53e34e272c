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

// IssueComment handles issue_comment events: slash commands.
type IssueComment struct {
	Base
	Jobs []IssueCommentJob
}

var _ githubapp.EventHandler = (*IssueComment)(nil)

// Handles implements githubapp.EventHandler.
func (h *IssueComment) Handles() []string { return []string{"issue_comment"} }

// Handle implements githubapp.EventHandler.
func (h *IssueComment) Handle(ctx context.Context, _, _ string, payload []byte) error {
	var ev github.IssueCommentEvent
	if err := json.Unmarshal(payload, &ev); err != nil {
		return fmt.Errorf("parse issue_comment event: %w", err)
	}
	// Only new comments run commands: editing an old comment must not run
	// it again.
	if ev.GetAction() != "created" {
		return nil
	}
	if turn.IsBotUser(ev.GetSender()) || turn.IsBotUser(ev.GetComment().GetUser()) {
		zerolog.Ctx(ctx).Debug().Str("sender", ev.GetSender().GetLogin()).Msg("comment by a bot, ignoring")
		return nil
	}
	ctx, env, err := h.env(ctx, ev.GetInstallation().GetID(), ev.GetRepo(), ev.GetIssue().GetNumber())
	if err != nil {
		return done(err)
	}
	return runAll(h.Jobs, func(j IssueCommentJob) error { return j.OnIssueComment(ctx, env, &ev) })
}
