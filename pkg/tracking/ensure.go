package tracking

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/onboarding"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/writeonce"
)

// ErrNoTrackingRepo means a mentee has no tracking_issue and the policy has
// no (valid) program.tracking_repo, so there is nowhere to open one.
var ErrNoTrackingRepo = errors.New("no tracking_issue and no program.tracking_repo to open one in")

// ErrUnknownLogin means GitHub has no user with the mentee's login.
var ErrUnknownLogin = errors.New("no GitHub user has this login")

// Issue is a mentee's tracking issue as Ensure found or opened it.
type Issue struct {
	Ref policy.IssueRef
	// Opened is true when this call opened the issue (so it has no
	// comments yet).
	Opened bool
	// Unassigned is true when GitHub would not let the issue be assigned to
	// the mentee (not a collaborator or member yet), so it was opened
	// without an assignee.
	Unassigned bool
}

// Tracker finds and opens tracking issues for one run (an event or one
// installation's sweep). It lists the issues the bot opened in a tracking
// repository once per run, however many mentees it looks up. It is not safe
// for concurrent use; make one per run.
type Tracker struct {
	// Users looks a login up when GitHub refuses to assign it.
	Users  Users
	Policy policy.Policy
	// Write is how the tracking issue and the checklist are written.
	Write writeonce.Interface

	opened *once
}

// NewTracker returns a Tracker for one run, writing through w.
func NewTracker(u Users, w writeonce.Interface, p policy.Policy) *Tracker {
	return &Tracker{Users: u, Policy: p, Write: w, opened: newOnce(w)}
}

// Users is the one read the Tracker makes besides its own issues
// (ghclient.API implements it).
type Users interface {
	User(ctx context.Context, login string) (*github.User, error)
}

// Ensure returns the mentee's tracking issue, opening one when there is
// none: the roster's tracking_issue when set; else the issue the bot opened
// in program.tracking_repo, found by its marker; else a new issue titled
// "Mentorship: @login (<program>)", assigned to the mentee.
//
// Two replicas (or two sweeps) may both find nothing and both open one:
// writeonce settles that (the lowest number wins, the other is closed), so
// every replica agrees on the same issue, as Find does.
func (t *Tracker) Ensure(ctx context.Context, m policy.Mentee) (Issue, error) {
	if ref, ok := m.TrackingIssueRef(); ok {
		return Issue{Ref: ref}, nil
	}
	owner, repo, ok := policy.SplitRepo(t.Policy.Program.TrackingRepo)
	if !ok {
		return Issue{}, ErrNoTrackingRepo
	}
	issues, err := t.opened.OpenedByBot(ctx, owner, repo)
	if err != nil {
		return Issue{}, err
	}
	if is := trackingIssueOf(issues, m.Login); is != nil {
		return found(owner, repo, is), nil
	}
	is, unassigned, err := t.open(ctx, owner, repo, m)
	if err != nil {
		return Issue{}, err
	}
	if is.Written || is.Number == 0 {
		// Just opened (or a dry run, which opens nothing): no comments yet.
		t.opened.forget(owner, repo) // listed again when next asked
		return Issue{Ref: policy.IssueRef{Owner: owner, Repo: repo, Number: is.Number}, Opened: true, Unassigned: unassigned}, nil
	}
	return Issue{Ref: policy.IssueRef{Owner: owner, Repo: repo, Number: is.Number}}, nil
}

func found(owner, repo string, is *github.Issue) Issue {
	return Issue{Ref: policy.IssueRef{Owner: owner, Repo: repo, Number: is.GetNumber()}}
}

// open opens the tracking issue assigned to the mentee, once. GitHub
// refuses (422) assignees who cannot be assigned in the repository; then
// the login is checked: an unknown login is an error (the roster entry is
// wrong), anyone else gets the issue unassigned.
func (t *Tracker) open(ctx context.Context, owner, repo string, m policy.Mentee) (writeonce.Issue, bool, error) {
	d := onboarding.NewData(t.Policy, m)
	ni := writeonce.NewIssue{
		Title:     onboarding.TrackingTitle(m.Login, t.Policy.Program.Name),
		Body:      onboarding.TrackingBody(d),
		Assignees: []string{m.Login},
	}
	kind, key := onboarding.KindTracking, onboarding.Key(m.Login)
	is, err := t.Write.OpenIssueOnce(ctx, owner, repo, kind, key, ni)
	if err == nil {
		return is, false, nil
	}
	if !ghclient.IsStatus(err, http.StatusUnprocessableEntity) {
		return is, false, fmt.Errorf("open tracking issue of %s in %s/%s: %w", m.Login, owner, repo, err)
	}
	if _, uerr := t.Users.User(ctx, m.Login); uerr != nil {
		if ghclient.IsNotFound(uerr) {
			return is, false, fmt.Errorf("open tracking issue of %s: %w", m.Login, ErrUnknownLogin)
		}
		return is, false, uerr
	}
	ni.Assignees = nil
	is, err = t.Write.OpenIssueOnce(ctx, owner, repo, kind, key, ni)
	if err != nil {
		return is, false, fmt.Errorf("open tracking issue of %s in %s/%s: %w", m.Login, owner, repo, err)
	}
	return is, true, nil
}
