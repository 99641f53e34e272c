package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/go-github/v60/github"
	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/mentees"
)

// wireMentees adds the mentees jobs: mentee PR labels, /mentee-task and
// hand-added task labels, and enrolment (tracking issue and onboarding
// checklist). Enrolment runs first in both sweeps, so the digest finds the
// tracking issues it writes to.
func (a *App) wireMentees(js *jobSet) {
	enrol := mentees.NewEnroller(a.opts.Now)
	tasks := mentees.NewTasks(enrol, a.opts.Now)
	tasks.WritersOn = a.writersOn
	js.pullRequest = append(js.pullRequest, mentees.NewPRLabeler(enrol, a.opts.Now))
	js.issues = append(js.issues, tasks)
	js.commands = append(js.commands, tasks)
	js.install = append(js.install, &installEnrolment{a: a, enrol: enrol})
	js.sweeps["remind"] = append(js.sweeps["remind"], programmeWide{"enrolment", enrol})
	js.sweeps["digest"] = append(js.sweeps["digest"], programmeWide{"enrolment", enrol})
}

// installEnrolment enrols the mentees as soon as the app is installed,
// instead of waiting for the next sweep.
type installEnrolment struct {
	a     *App
	enrol *mentees.Enroller
}

// OnInstall implements handlers.InstallationJob.
func (j *installEnrolment) OnInstall(ctx context.Context, id int64, repos []*github.Repository) error {
	owner := ""
	for _, r := range repos {
		if o, _, ok := strings.Cut(r.GetFullName(), "/"); ok {
			owner = o
			break
		}
	}
	if owner == "" {
		zerolog.Ctx(ctx).Debug().Msg("installation event names no repository, enrolment waits for the sweep")
		return nil
	}
	// The programme may be shared with other orgs: enrol with its lead.
	insts, skipped, err := j.a.installations(ctx, nil)
	if err != nil {
		return fmt.Errorf("enrol mentees of installation %d: %w", id, err)
	}
	for _, inst := range insts {
		if !inst.Lead || inst.ID != id && !slices.ContainsFunc(inst.Peers, func(p job.Peer) bool { return p.ID == id }) {
			continue
		}
		return j.enrol.Sweep(ctx, inst)
	}
	if len(skipped) > 0 {
		// The programme's lead may be among those that could not be read:
		// fail, so the event is retried.
		return fmt.Errorf("enrol mentees of installation %d: %w", id, errors.Join(skipped...))
	}
	// Not listed: uninstalled again, or not this app's; nothing to enrol.
	zerolog.Ctx(ctx).Warn().Int64("installation", id).Str("owner", owner).Msg("installation not listed by GitHub, no enrolment")
	return nil
}
