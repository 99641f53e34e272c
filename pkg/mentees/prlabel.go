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

// OnPullRequest implements handlers.PullRequestJob.
func (j *PRLabeler) OnPullRequest(ctx context.Context, env job.Env, ev *github.PullRequestEvent) error {
	pr := ev.GetPullRequest()
	label := env.Policy.Labels.MenteePR
	if pr == nil || pr.GetState() != "open" || label == "" || turn.IsBotUser(pr.GetUser()) {
		return nil
	}
	log := zerolog.Ctx(ctx)
	m, active := Active(env.Policy, pr.GetUser().GetLogin(), env.Now)
	if active && j.enrol != nil {
		j.enrol.enrollFromEvent(ctx, env, tracking.NewTracker(env.GitHub, env.Write, env.Policy), m)
	}
	if ghclient.HasLabel(ghclient.LabelNames(pr.Labels), label) {
		log.Debug().Str("label", label).Msg("pull request already labelled")
		return nil
	}
	key := strings.ToLower(fmt.Sprintf("%d/%s/%s#%d/%s", env.InstallationID, env.Owner, env.Repo, pr.GetNumber(), label))
	if j.labelled.Contains(key) {
		log.Debug().Str("label", label).Msg("pull request labelled before, redelivery")
		return nil
	}
	reason := "author " + m.Login + " is an active mentee"
	if !active {
		// An edit that left the body alone cannot have added a reference.
		if ev.GetAction() == "edited" && ev.GetChanges().GetBody() == nil {
			return nil
		}
		ref, ok, err := closesTask(ctx, env, pr.GetBody())
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		reason = "closes mentee task " + ref.String()
	}
	if err := j.labels.add(ctx, env, pr.GetNumber(), label, MenteePRColor, MenteePRDescription); err != nil {
		return fmt.Errorf("label mentee pull request %s/%s#%d: %w", env.Owner, env.Repo, pr.GetNumber(), err)
	}
	j.labelled.Add(key, struct{}{})
	log.Info().Str("label", label).Str("reason", reason).Msg("labelled mentee pull request")
	return nil
}

// closesTask reads the issues the body closes (in the same organisation:
// the installation cannot see others) and returns the first that carries
// the mentee-task label.
func closesTask(ctx context.Context, env job.Env, body string) (policy.IssueRef, bool, error) {
	task := env.Policy.Labels.MenteeTask
	if task == "" {
		return policy.IssueRef{}, false, nil
	}
	for _, ref := range ClosingRefs(body, env.Owner, env.Repo) {
		if !strings.EqualFold(ref.Owner, env.Owner) {
			continue
		}
		is, err := env.GitHub.Issue(ctx, ref.Owner, ref.Repo, ref.Number)
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
