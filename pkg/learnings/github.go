package learnings

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/tracking"
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
	issues, err := tracking.ListOpenedByBot(ctx, c, owner, repo, botLogin)
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

// openOnce opens an issue with the marker kind:key in body, then lists the
// bot's issues again: when another run opened one too, the lowest number
// stays and ours is closed as a duplicate. It returns the issue that stays.
func openOnce(ctx context.Context, c *github.Client, b botIssues, botLogin, kind, key, title, body string) (*github.Issue, error) {
	is, _, err := c.Issues.Create(ctx, b.ref.Owner, b.ref.Repo, &github.IssueRequest{Title: github.String(title), Body: github.String(body)})
	if err != nil {
		return nil, fmt.Errorf("open %q in %s/%s: %w", title, b.ref.Owner, b.ref.Repo, err)
	}
	if is.GetNumber() == 0 {
		return is, nil // dry run
	}
	again, err := tracking.ListOpenedByBot(ctx, c, b.ref.Owner, b.ref.Repo, botLogin)
	if err != nil {
		return is, err
	}
	first := botIssues{ref: b.ref, issues: again}.find(kind, key)
	if first == nil || first.GetNumber() >= is.GetNumber() {
		return is, nil
	}
	// Another run opened it first: ours goes.
	if _, _, err := c.Issues.Edit(ctx, b.ref.Owner, b.ref.Repo, is.GetNumber(), &github.IssueRequest{
		State: github.String("closed"), StateReason: github.String("not_planned"),
	}); err != nil {
		return first, fmt.Errorf("close duplicate %s/%s#%d: %w", b.ref.Owner, b.ref.Repo, is.GetNumber(), err)
	}
	return first, nil
}
