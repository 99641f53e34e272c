package handlers

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/go-github/v60/github"
	"github.com/palantir/go-githubapp/githubapp"
)

// PullRequestReview handles pull_request_review events. A review ends a
// PR's wait, but that needs no write: the next sweep reads the review from
// GitHub. The handler is subscribed so that the wait's end is logged and
// metered per delivery.
type PullRequestReview struct{}

var _ githubapp.EventHandler = (*PullRequestReview)(nil)

// Handles implements githubapp.EventHandler.
func (h *PullRequestReview) Handles() []string { return []string{"pull_request_review"} }

// Handle implements githubapp.EventHandler.
func (h *PullRequestReview) Handle(ctx context.Context, _, _ string, payload []byte) error {
	var ev github.PullRequestReviewEvent
	if err := json.Unmarshal(payload, &ev); err != nil {
		return fmt.Errorf("parse pull_request_review event: %w", err)
	}
	_, log := githubapp.PreparePRContext(ctx, ev.GetInstallation().GetID(), ev.GetRepo(), ev.GetPullRequest().GetNumber())
	log.Debug().Str("action", ev.GetAction()).Str("reviewer", ev.GetReview().GetUser().GetLogin()).
		Msg("review event: the next sweep re-reads the wait")
	return nil
}
