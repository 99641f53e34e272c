// Package reviews decides when a pull request has waited too long for a human
// response, whom to suggest as reviewers and why, and writes the reminder and
// escalation comments.
//
// The review-wait sweep gathers, decides and acts, in that order, for each
// pull request:
//
//   - gather: the search result, the repository's policy and root listing,
//     and the PR's timeline (turn.ReadWait), as plain data;
//   - decide: Scope, the wait clock (pkg/turn, which the digest shares) and
//     the plan of what to write and which label to change are pure
//     functions of that data;
//   - act: labels and review requests through Actions, comments through the
//     write primitive (Writer). A reminder first gathers its evidence
//     (CODEOWNERS, MAINTAINERS.md, history, who can review) through
//     EvidenceReader, at most once per repository or person and sweep, and
//     Choose picks among it; the Render functions only render.
//
// Each step reaches GitHub through the narrow interface of its role, all of
// which ghclient.API implements.
package reviews

import (
	"context"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/turn"
	"github.com/thanos-community/mentorbot/pkg/writeonce"
)

// Marker kinds for the two comments, with Period as the key.
const (
	MarkerWait     = markers.KindReviewWait
	MarkerEscalate = markers.KindReviewEscalate
	// MarkerApproved keys the optional reminder that an approved PR is not
	// merged (reviews.approved_wait), by the approval's time.
	MarkerApproved = "review-approved"
)

// Searcher runs one page of an issue search: the sweep's search for the
// pull requests in scope, and the count of a candidate's open review
// requests.
type Searcher interface {
	SearchIssues(ctx context.Context, query string, opts *github.SearchOptions) (*github.IssuesSearchResult, *github.Response, error)
}

// Pulls reads one pull request: its timeline (the wait clock, the bot's
// markers, the reviews and who added a label), its commits when the clock
// needs their pushers, and its files when a reminder is due.
type Pulls interface {
	turn.Timelines
	PullFiles(ctx context.Context, owner, repo string, number, maxPages int) ([]*github.CommitFile, error)
}

// EvidenceReader is what the reviewer choice and the escalation read about
// repositories and people: files of the default branch, commit history,
// members of the org and its teams, collaborators, and open review requests
// (a search).
type EvidenceReader interface {
	Searcher
	Contents(ctx context.Context, owner, repo, path string) (*github.RepositoryContent, []*github.RepositoryContent, error)
	Commits(ctx context.Context, owner, repo string, opts *github.CommitsListOptions) ([]*github.RepositoryCommit, error)
	OrgMembers(ctx context.Context, org string, maxPages int) ([]string, error)
	TeamMembers(ctx context.Context, org, slug string, maxPages int) ([]string, error)
	IsCollaborator(ctx context.Context, owner, repo, login string) (bool, error)
}

// Actions are the sweep's changes on GitHub other than its comments: the
// keepalive label and review requests.
type Actions interface {
	AddLabels(ctx context.Context, owner, repo string, number int, labels ...string) ([]*github.Label, error)
	RemoveLabel(ctx context.Context, owner, repo string, number int, name string) error
	RequestReviewers(ctx context.Context, owner, repo string, number int, logins []string) error
}

// GitHub is everything the sweep reads and changes on GitHub besides
// writing its comments.
type GitHub interface {
	Searcher
	Pulls
	EvidenceReader
	Actions
}

// Writer writes the sweep's comments once per marker (see writeonce).
type Writer interface {
	CommentOnce(ctx context.Context, ref policy.IssueRef, kind, key, body string) (writeonce.Comment, error)
}

// What the installation carries implements what the sweep uses.
var (
	_ GitHub = ghclient.API(nil)
	_ Writer = writeonce.Interface(nil)
)
