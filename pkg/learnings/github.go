package learnings

import (
	"context"
	"strings"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/writeonce"
)

// listComments lists every comment of an issue, oldest first.
func listComments(ctx context.Context, c *github.Client, ref policy.IssueRef) ([]*github.IssueComment, error) {
	return ghclient.Comments(ctx, c, ref.Owner, ref.Repo, ref.Number, 0)
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

func listBotIssues(ctx context.Context, c *github.Client, p policy.Policy, botLogin string) (botIssues, bool, error) {
	owner, repo, ok := policy.SplitRepo(p.Program.TrackingRepo)
	if !ok {
		return botIssues{}, false, nil
	}
	issues, err := writeonce.ListOpenedBy(ctx, c.Issues, owner, repo, botLogin)
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
