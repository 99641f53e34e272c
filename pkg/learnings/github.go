package learnings

import (
	"context"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/tracking"
	"github.com/thanos-community/mentorbot/pkg/writeonce"
)

// GitHub is the one read the learnings make besides the bot's own issues
// (writeonce): the comments of tracking issues. ghclient.API implements it.
type GitHub interface {
	Comments(ctx context.Context, owner, repo string, number int, since time.Time, maxPages int) ([]*github.IssueComment, error)
}

// asComment turns an API comment into plain data.
func asComment(cm *github.IssueComment) Comment {
	return Comment{
		ID:        cm.GetID(),
		URL:       cm.GetHTMLURL(),
		Author:    cm.GetUser().GetLogin(),
		Body:      cm.GetBody(),
		CreatedAt: cm.GetCreatedAt().Time,
		UpdatedAt: cm.GetUpdatedAt().Time,
	}
}

// issueURL is the web URL of the issue a comment is on.
func issueURL(commentURL string) string {
	u, _, _ := strings.Cut(commentURL, "#")
	return u
}

// botIssues lists the issues the bot opened in the programme's tracking
// repository.
type botIssues struct {
	ref    policy.IssueRef // owner and repo only
	issues []*github.Issue
}

func listBotIssues(ctx context.Context, w tracking.Opened, p policy.Policy) (botIssues, bool, error) {
	owner, repo, ok := policy.SplitRepo(p.Program.TrackingRepo)
	if !ok {
		return botIssues{}, false, nil
	}
	issues, err := w.OpenedByBot(ctx, owner, repo)
	if err != nil {
		return botIssues{}, false, err
	}
	return botIssues{ref: policy.IssueRef{Owner: owner, Repo: repo}, issues: issues}, true, nil
}

// find returns the lowest-numbered issue carrying the marker kind:key, so
// that every replica agrees on the same one when two raced.
func (b botIssues) find(kind, key string) *github.Issue {
	for _, is := range b.issues {
		if markers.Has(is.GetBody(), kind, key) {
			return is
		}
	}
	return nil
}

func (b botIssues) refOf(is *github.Issue) policy.IssueRef {
	return policy.IssueRef{Owner: b.ref.Owner, Repo: b.ref.Repo, Number: is.GetNumber()}
}

// openOnce opens an issue with the marker kind:key once (see writeonce)
// and returns the issue that stays.
func openOnce(ctx context.Context, w writeonce.Interface, b botIssues, kind, key, title, body string) (*github.Issue, error) {
	is, err := w.OpenIssueOnce(ctx, b.ref.Owner, b.ref.Repo, kind, key, writeonce.NewIssue{Title: title, Body: body})
	if err != nil {
		return nil, err
	}
	return &github.Issue{Number: github.Int(is.Number), HTMLURL: github.String(is.URL), Body: github.String(is.Body)}, nil
}
