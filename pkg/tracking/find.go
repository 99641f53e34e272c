// Package tracking finds, and opens when missing, each mentee's tracking
// issue: the one place the bot talks to a mentee and their mentors
// (onboarding, task links, digests, the retrospective).
package tracking

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/onboarding"
	"github.com/thanos-community/mentorbot/pkg/policy"
)

// Find returns the tracking issue of login: the roster's tracking_issue when
// set, else the issue the bot opened in program.tracking_repo, found again by
// its marker. Several issues with the marker (two replicas raced) resolve to
// the lowest number, so every replica agrees on the same one.
func Find(ctx context.Context, c *github.Client, p policy.Policy, botLogin, login string) (policy.IssueRef, bool, error) {
	m, ok := p.Mentee(login)
	if !ok {
		return policy.IssueRef{}, false, nil
	}
	if ref, ok := m.TrackingIssueRef(); ok {
		return ref, true, nil
	}
	owner, repo, ok := policy.SplitRepo(p.Program.TrackingRepo)
	if !ok {
		return policy.IssueRef{}, false, nil
	}
	issues, err := ListOpenedByBot(ctx, c, owner, repo, botLogin)
	if err != nil {
		return policy.IssueRef{}, false, err
	}
	for _, is := range issues {
		if onboarding.IsTrackingIssue(is.GetBody(), login) {
			return policy.IssueRef{Owner: owner, Repo: repo, Number: is.GetNumber()}, true, nil
		}
	}
	return policy.IssueRef{}, false, nil
}

// ListOpenedByBot lists every issue (open or closed) the bot opened in a
// repository, lowest number first. One paginated list serves every mentee of
// a sweep; callers that look up many mentees should call it once.
func ListOpenedByBot(ctx context.Context, c *github.Client, owner, repo, botLogin string) ([]*github.Issue, error) {
	opt := &github.IssueListByRepoOptions{
		Creator:     botLogin,
		State:       "all",
		Sort:        "created",
		Direction:   "asc",
		ListOptions: github.ListOptions{PerPage: 100},
	}
	var out []*github.Issue
	err := ghclient.Each(0, func(page int) ([]*github.Issue, *github.Response, error) {
		opt.Page = page
		return c.Issues.ListByRepo(ctx, owner, repo, opt)
	}, func(is *github.Issue) bool {
		if !is.IsPullRequest() && strings.EqualFold(is.GetUser().GetLogin(), botLogin) {
			out = append(out, is)
		}
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("list issues opened by %s in %s/%s: %w", botLogin, owner, repo, err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].GetNumber() < out[j].GetNumber() })
	return out, nil
}
