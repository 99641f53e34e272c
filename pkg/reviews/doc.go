// Package reviews decides when a pull request has waited too long for a human
// response, whom to suggest as reviewers and why, and writes the reminder and
// escalation comments. The decisions are pure functions of plain data
// (Scope, Choose, the Render functions; the wait clock itself is pkg/turn,
// which the digest shares); the sweep gathers the PR's timeline,
// CODEOWNERS, MAINTAINERS.md and history from GitHub through the narrow
// GitHub interface, and acts through the write primitive.
package reviews

import (
	"context"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/turn"
)

// EventKind is what happened on a pull request's timeline.
type EventKind = turn.Kind

// Timeline event kinds, as pkg/turn names them.
const (
	EventPush          = turn.Push
	EventComment       = turn.Comment
	EventReview        = turn.Review
	EventReviewComment = turn.ReviewComment
	EventReopened      = turn.Reopened
	EventReviewRequest = turn.ReviewRequest
)

// Event is one entry of the PR's timeline.
type Event = turn.Event

// Clock configures the wait.
type Clock = turn.Clock

// Marker kinds for the two comments, with Period as the key.
const (
	MarkerWait     = "review-wait"
	MarkerEscalate = "review-escalate"
	// MarkerApproved keys the optional reminder that an approved PR is not
	// merged (reviews.approved_wait), by the approval's time.
	MarkerApproved = "review-approved"
)

// GitHub is what the review-wait sweep reads and does on GitHub besides
// writing its comments (which go through writeonce); ghclient.API
// implements it.
type GitHub interface {
	turn.Timelines
	SearchIssues(ctx context.Context, query string, opts *github.SearchOptions) (*github.IssuesSearchResult, *github.Response, error)
	Contents(ctx context.Context, owner, repo, path string) (*github.RepositoryContent, []*github.RepositoryContent, error)
	PullFiles(ctx context.Context, owner, repo string, number, maxPages int) ([]*github.CommitFile, error)
	Commits(ctx context.Context, owner, repo string, opts *github.CommitsListOptions) ([]*github.RepositoryCommit, error)
	OrgMembers(ctx context.Context, org string, maxPages int) ([]string, error)
	TeamMembers(ctx context.Context, org, slug string, maxPages int) ([]string, error)
	IsCollaborator(ctx context.Context, owner, repo, login string) (bool, error)
	AddLabels(ctx context.Context, owner, repo string, number int, labels ...string) ([]*github.Label, error)
	RemoveLabel(ctx context.Context, owner, repo string, number int, name string) error
	RequestReviewers(ctx context.Context, owner, repo string, number int, logins []string) error
}
