package app

import (
	"context"

	"github.com/thanos-community/mentorbot/pkg/handlers"
	"github.com/thanos-community/mentorbot/pkg/job"
)

// SweepJob is a periodic job over one installation (review-wait reminders,
// digests, enrolment, the programme's end).
type SweepJob interface {
	Sweep(ctx context.Context, inst job.Installation) error
}

// jobSet collects every job by the trigger it reacts to. Each capability
// adds its jobs in its own wire_*.go file, called from wireAll in a fixed
// order (no init-time registration).
type jobSet struct {
	pullRequest []handlers.PullRequestJob
	issues      []handlers.IssuesJob
	// commands run comment commands, in this order (see handlers.CommandJob).
	commands []handlers.CommandJob
	install  []handlers.InstallationJob
	// sweeps maps a sweep name ("remind", "digest") to its jobs.
	sweeps map[string][]SweepJob
}

func (a *App) wireAll() *jobSet {
	js := &jobSet{sweeps: map[string][]SweepJob{"remind": nil, "digest": nil}}
	a.wireMentees(js)
	a.wireWelcome(js)
	a.wireReviews(js)
	a.wireDigest(js)
	a.wireLearnings(js)
	a.wireDashboard(js)
	return js
}
