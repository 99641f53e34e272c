package mentees

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/cache"
	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/tracking"
	"github.com/thanos-community/mentorbot/pkg/turn"
)

// PRLabeler adds labels.mentee_pr to pull requests opened (reopened, ready
// for review, edited) by an active mentee, or whose body closes an issue
// carrying labels.mentee_task. It never removes a label. It implements
// handlers.PullRequestJob.
type PRLabeler struct {
	labels *labeller
	enrol  *Enroller
	// labelled remembers PRs this process labelled, so a redelivered event
	// (whose payload still lacks the label) writes nothing.
	labelled *cache.Cache[struct{}]
}

// NewPRLabeler returns the job; enrol, when not nil, also enrols the
// active mentees it sees (tracking issue and checklist) on first sight; now
// is the clock of its memory of labelled PRs (nil: time.Now).
func NewPRLabeler(enrol *Enroller, now func() time.Time) *PRLabeler {
	return &PRLabeler{
		labels:   newLabeller(now),
		enrol:    enrol,
		labelled: cache.New(cache.Options[struct{}]{Size: 10000, TTL: 24 * time.Hour, Now: now}),
	}
}

// PRGitHub is what the PR labeller asks GitHub (ghclient.API implements
// it): the label calls, and reading the issues a pull request's body
// closes. Enrolling the author takes tracking.Users besides.
type PRGitHub interface {
	Labels
	Issue(ctx context.Context, owner, repo string, number int) (*github.Issue, error)
}

// PullRequestActions implements handlers.PullRequestJob: a PR is labelled
// when it opens, reopens, leaves draft, or its body is edited to close a
// mentee task.
func (j *PRLabeler) PullRequestActions() []string {
	return []string{"opened", "reopened", "ready_for_review", "edited"}
}

// OnPullRequest implements handlers.PullRequestJob.
func (j *PRLabeler) OnPullRequest(ctx context.Context, env job.Env, ev *github.PullRequestEvent) error {
	return j.label(ctx, env.GitHub, env.GitHub, env, ev)
}

// prPlan is what the PR labeller decided from the event alone.
type prPlan struct {
	// enrol is the active mentee who opened the PR (Login "" when none).
	enrol policy.Mentee
	// hasLabel: the payload shows the label already; nothing to add.
	hasLabel bool
	// author: the PR gets the label because its author is an active mentee.
	author bool
	// closes are the issues the body closes that may be mentee tasks, in
	// order: the first that is one gets the PR the label. Only those of the
	// PR's organisation, which the installation can see.
	closes []policy.IssueRef
}

// planPR decides from the event what the labeller may do, without a
// request: nothing (closed PRs, bots, no label configured, an edit that
// left the body alone), enrol the author, label the PR for its author, or
// read the issues its body closes.
func planPR(p policy.Policy, owner, repo string, ev *github.PullRequestEvent, now time.Time) prPlan {
	pr := ev.GetPullRequest()
	if pr == nil || pr.GetState() != "open" || p.Labels.MenteePR == "" || turn.IsBotUser(pr.GetUser()) {
		return prPlan{}
	}
	var plan prPlan
	m, active := Active(p, pr.GetUser().GetLogin(), now)
	if active {
		plan.enrol = m
	}
	switch {
	case ghclient.HasLabel(ghclient.LabelNames(pr.Labels), p.Labels.MenteePR):
		plan.hasLabel = true
	case active:
		plan.author = true
	case p.Labels.MenteeTask == "" || ev.GetAction() == "edited" && ev.GetChanges().GetBody() == nil:
		// No task label to look for, or an edit that left the body alone,
		// which cannot have added a reference.
	default:
		for _, ref := range ClosingRefs(pr.GetBody(), owner, repo) {
			if strings.EqualFold(ref.Owner, owner) {
				plan.closes = append(plan.closes, ref)
			}
		}
	}
	return plan
}

// label carries out planPR's plan for the event's pull request: it reads
// and labels through gh and enrols through users, both env.GitHub outside
// tests. It does not use env.GitHub itself, so its tests need only fakes of
// these two.
func (j *PRLabeler) label(ctx context.Context, gh PRGitHub, users tracking.Users, env job.Env, ev *github.PullRequestEvent) error {
	plan := planPR(env.Policy, env.Owner, env.Repo, ev, env.Now)
	if plan.enrol.Login != "" && j.enrol != nil {
		j.enrol.enrollFromEvent(ctx, env, tracking.NewTracker(users, env.Write, env.Policy), plan.enrol)
	}
	log := zerolog.Ctx(ctx)
	pr, label := ev.GetPullRequest(), env.Policy.Labels.MenteePR
	if plan.hasLabel {
		log.Debug().Str("label", label).Msg("pull request already labelled")
		return nil
	}
	if !plan.author && len(plan.closes) == 0 {
		return nil
	}
	ref := policy.IssueRef{Owner: env.Owner, Repo: env.Repo, Number: pr.GetNumber()}
	key := strings.ToLower(fmt.Sprintf("%d/%s/%s", env.InstallationID, ref, label))
	if j.labelled.Contains(key) {
		log.Debug().Str("label", label).Msg("pull request labelled before, redelivery")
		return nil
	}
	reason := "author " + plan.enrol.Login + " is an active mentee"
	if !plan.author {
		task, ok, err := firstTask(ctx, gh, plan.closes, env.Policy.Labels.MenteeTask)
		if err != nil || !ok {
			return err
		}
		reason = "closes mentee task " + task.String()
	}
	if err := j.labels.addTo(ctx, gh, env.InstallationID, ref, github.Label{
		Name: github.String(label), Color: github.String(MenteePRColor), Description: github.String(MenteePRDescription),
	}); err != nil {
		return fmt.Errorf("label mentee pull request %s: %w", ref, err)
	}
	j.labelled.Add(key, struct{}{})
	log.Info().Str("label", label).Str("reason", reason).Msg("labelled mentee pull request")
	return nil
}

// firstTask reads the issues refs in order and returns the first that
// carries the mentee-task label; it stops reading there.
func firstTask(ctx context.Context, gh PRGitHub, refs []policy.IssueRef, task string) (policy.IssueRef, bool, error) {
	for _, ref := range refs {
		is, err := gh.Issue(ctx, ref.Owner, ref.Repo, ref.Number)
		if err != nil {
			if ghclient.IsNotFound(err) || ghclient.IsStatus(err, http.StatusGone) {
				continue // no such issue, or not one the app can see
			}
			return policy.IssueRef{}, false, fmt.Errorf("read issue %s closed by the pull request: %w", ref, err)
		}
		if !is.IsPullRequest() && ghclient.HasLabel(ghclient.LabelNames(is.Labels), task) {
			return ref, true, nil
		}
	}
	return policy.IssueRef{}, false, nil
}
