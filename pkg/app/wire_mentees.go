package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-github/v60/github"
	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/mentees"
)

// wireMentees adds the mentees jobs: mentee PR labels, /mentee-task and
// hand-added task labels, and enrolment (tracking issue and onboarding
// checklist). Enrolment runs first in both sweeps, so the digest finds the
// tracking issues it writes to.
func (a *App) wireMentees(js *jobSet) {
	enrol := mentees.NewEnroller(a.opts.Now)
	tasks := mentees.NewTasks(enrol, a.opts.Now)
	js.pullRequest = append(js.pullRequest, mentees.NewPRLabeler(enrol, a.opts.Now))
	js.issues = append(js.issues, tasks)
	js.issueComment = append(js.issueComment, tasks)
	js.install = append(js.install, &installEnrolment{a: a, enrol: enrol})
	js.sweeps["remind"] = append(js.sweeps["remind"], enrol)
	js.sweeps["digest"] = append(js.sweeps["digest"], enrol)
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
	bot, err := j.a.bot.Get(ctx)
	if err != nil {
		return err
	}
	inst, err := j.a.installation(ctx, id, owner, bot)
	if err != nil {
		return fmt.Errorf("enrol mentees of installation %d: %w", id, err)
	}
	return j.enrol.Sweep(ctx, inst)
}
