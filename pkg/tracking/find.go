// Package tracking finds, and opens when missing, each mentee's tracking
// issue: the one place the bot talks to a mentee and their mentors
// (onboarding, task links, digests, the retrospective).
package tracking

import (
	"context"
	"strings"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/onboarding"
	"github.com/thanos-community/mentorbot/pkg/policy"
)

// Opened lists the issues the bot opened in a repository;
// writeonce.Interface implements it.
type Opened interface {
	OpenedByBot(ctx context.Context, owner, repo string) ([]*github.Issue, error)
}

// Find returns the tracking issue of login: the roster's tracking_issue when
// set, else the issue the bot opened in program.tracking_repo, found again by
// its marker. Several issues with the marker (two replicas raced) resolve to
// the lowest number, so every replica agrees on the same one.
func Find(ctx context.Context, w Opened, p policy.Policy, login string) (policy.IssueRef, bool, error) {
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
	issues, err := w.OpenedByBot(ctx, owner, repo)
	if err != nil {
		return policy.IssueRef{}, false, err
	}
	if is := trackingIssueOf(issues, login); is != nil {
		return policy.IssueRef{Owner: owner, Repo: repo, Number: is.GetNumber()}, true, nil
	}
	return policy.IssueRef{}, false, nil
}

// trackingIssueOf returns login's tracking issue among the issues the bot
// opened, listed lowest number first (OpenedByBot): the lowest wins when two
// replicas raced, so every replica agrees on the same one. nil when none.
func trackingIssueOf(issues []*github.Issue, login string) *github.Issue {
	for _, is := range issues {
		if onboarding.IsTrackingIssue(is.GetBody(), login) {
			return is
		}
	}
	return nil
}

// Owner is the account that holds m's tracking issue: the owner of the
// roster's tracking_issue, else of program.tracking_repo ("" when neither
// is set). In a programme shared by several orgs it may not be the org of
// the event at hand, whose installation then cannot read it if private.
func Owner(m policy.Mentee, p policy.Policy) string {
	if ref, err := policy.ParseIssueRef(m.TrackingIssue); err == nil && m.TrackingIssue != "" {
		return ref.Owner
	}
	owner, _, _ := strings.Cut(p.Program.TrackingRepo, "/")
	return owner
}
