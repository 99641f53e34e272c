package mentees

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/cache"
	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/tracking"
)

// Enroller makes sure every mentee on the roster has a tracking issue with
// the onboarding checklist. It runs in the sweeps (before the digest, which
// needs the tracking issues), when the app is installed, and the first time
// an event shows an active mentee. It is safe for concurrent use.
type Enroller struct {
	// done remembers mentees enrolled by this process, so that events and
	// sweeps after the first cost no requests.
	done *cache.Cache[policy.IssueRef]
}

// NewEnroller returns an Enroller; now is the clock its memory of enrolled
// mentees is dated with (nil: time.Now).
func NewEnroller(now func() time.Time) *Enroller {
	return &Enroller{done: cache.New(cache.Options[policy.IssueRef]{Size: 10000, TTL: 12 * time.Hour, Now: now})}
}

// Enrolment is what enrolling one mentee did.
type Enrolment struct {
	Issue tracking.Issue
	// Checklist is true when this call posted the onboarding checklist.
	Checklist bool
}

func enrolKey(instID int64, m policy.Mentee, trackingRepo string) string {
	return strings.ToLower(strconv.FormatInt(instID, 10) + "/" + m.Login + "/" + m.TrackingIssue + "/" + trackingRepo)
}

// Enroll ensures the tracking issue and the checklist of one mentee. It
// returns only the tracking issue's reference, without a request, when this
// process enrolled the mentee recently.
func (e *Enroller) Enroll(ctx context.Context, tr *tracking.Tracker, instID int64, m policy.Mentee) (Enrolment, error) {
	key := enrolKey(instID, m, tr.Policy.Program.TrackingRepo)
	if ref, ok := e.done.Get(key); ok {
		return Enrolment{Issue: tracking.Issue{Ref: ref}}, nil
	}
	is, err := tr.Ensure(ctx, m)
	if err != nil {
		return Enrolment{}, err
	}
	posted, warning, err := tr.Checklist(ctx, m, is)
	if warning != nil {
		zerolog.Ctx(ctx).Warn().Err(warning).Str("mentee", m.Login).Msg("onboarding template unusable, posted the built-in checklist")
	}
	if err != nil {
		return Enrolment{Issue: is}, err
	}
	if is.Ref.Number != 0 {
		e.done.Add(key, is.Ref)
	}
	return Enrolment{Issue: is, Checklist: posted}, nil
}

// badEntry reports errors that come from the roster entry itself (a login
// GitHub does not know, a tracking issue the app cannot see, nowhere to open
// one): the entry is skipped with a warning, the others carry on.
func badEntry(err error) bool {
	return errors.Is(err, tracking.ErrNoTrackingRepo) || errors.Is(err, tracking.ErrUnknownLogin) || ghclient.IsNotFound(err)
}

// Sweep enrols every mentee of the installation's org-wide policy whose
// term has not ended.
func (e *Enroller) Sweep(ctx context.Context, inst job.Installation) error {
	return e.sweep(ctx, inst.GitHub, inst)
}

// sweep is Sweep with the one GitHub read enrolment makes besides its own
// issues and comments (the tracker's), which inst.GitHub is outside tests.
func (e *Enroller) sweep(ctx context.Context, users tracking.Users, inst job.Installation) error {
	log := zerolog.Ctx(ctx)
	for _, s := range inst.Policy.Skipped {
		log.Warn().Str("mentee", s.Login).Int("line", s.Line).Str("policy_source", s.Source).
			Msg("roster entry invalid, skipping it (run check-config for details)")
	}
	tr := tracking.NewTracker(users, inst.Write, inst.Policy)
	var errs []error
	for _, m := range enrolling(inst.Policy, inst.Now) {
		res, err := e.Enroll(ctx, tr, inst.ID, m)
		switch {
		case err != nil && badEntry(err):
			log.Warn().Err(err).Str("mentee", m.Login).Msg("cannot enrol mentee, skipping the entry")
			inst.Reportf("enrol %s: skipped: %v", m.Login, err)
		case err != nil:
			errs = append(errs, fmt.Errorf("enrol %s: %w", m.Login, err))
		default:
			reportEnrolment(inst, m, res)
		}
	}
	return errors.Join(errs...)
}

// enrolling returns the mentees of the roster to enrol at now (see
// Enrollable), in roster order. Invalid entries are not on it: the policy
// parser left them out (Policy.Skipped).
func enrolling(p policy.Policy, now time.Time) []policy.Mentee {
	loc := Location(p)
	var out []policy.Mentee
	for _, m := range p.Mentees {
		if Enrollable(m, now, loc) {
			out = append(out, m)
		}
	}
	return out
}

func reportEnrolment(inst job.Installation, m policy.Mentee, res Enrolment) {
	if res.Issue.Opened && res.Issue.Ref.Number == 0 {
		// A dry run answers the write with an empty issue: nothing was opened.
		inst.Reportf("enrol %s: would open a tracking issue in %s/%s", m.Login, res.Issue.Ref.Owner, res.Issue.Ref.Repo)
		return
	}
	if res.Issue.Opened {
		inst.Reportf("enrol %s: opened tracking issue %s", m.Login, res.Issue.Ref)
	}
	if res.Issue.Unassigned {
		inst.Reportf("enrol %s: GitHub would not assign the tracking issue to the mentee", m.Login)
	}
	switch {
	case res.Checklist && inst.DryRun:
		inst.Reportf("enrol %s: would post the onboarding checklist on %s", m.Login, res.Issue.Ref)
	case res.Checklist:
		inst.Reportf("enrol %s: posted the onboarding checklist on %s", m.Login, res.Issue.Ref)
	}
}

// enrollFromEvent enrols an active mentee an event showed, logging instead
// of failing: the event's own job matters more than the enrolment, which
// the next sweep retries.
func (e *Enroller) enrollFromEvent(ctx context.Context, env job.Env, tr *tracking.Tracker, m policy.Mentee) (tracking.Issue, bool) {
	if owner := tracking.Owner(m, tr.Policy); owner != "" && !strings.EqualFold(owner, env.Owner) {
		// A programme shared by several orgs keeps its tracking issues in
		// another org, where this installation cannot write: the lead
		// installation's sweep enrols.
		zerolog.Ctx(ctx).Debug().Str("mentee", m.Login).Str("tracking_owner", owner).Msg("tracking issues live in another org, enrolment left to its installation")
		return tracking.Issue{}, false
	}
	res, err := e.Enroll(ctx, tr, env.InstallationID, m)
	if err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Str("mentee", m.Login).Msg("cannot enrol mentee now, the next sweep retries")
		return tracking.Issue{}, false
	}
	return res.Issue, true
}
