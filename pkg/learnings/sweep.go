package learnings

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/tracking"
)

// Sweep is the programme-end sweep: it opens the Mentees Meetup planning
// issue and invites the mentees when the meetup is due, and rolls the
// retrospectives up into the learnings issue once the term is over. Every
// decision is made from inst.Now and what is on GitHub, so it may run as
// often as the digest sweep does.
type Sweep struct{}

// NewSweep returns the programme-end sweep.
func NewSweep() *Sweep { return &Sweep{} }

// Sweep implements the app's SweepJob.
func (s *Sweep) Sweep(ctx context.Context, inst job.Installation) error {
	return s.sweep(ctx, inst.GitHub, inst)
}

// sweep is Sweep reading the tracking issues' comments through gh
// (inst.GitHub outside tests); everything else goes through inst.Write.
func (s *Sweep) sweep(ctx context.Context, gh GitHub, inst job.Installation) error {
	p := inst.Policy
	loc := Location(p)
	meetup := MeetupDue(p, inst.Now, loc)
	collect := CollectDue(p, inst.Now, loc)
	if !meetup && !collect {
		return nil
	}
	log := zerolog.Ctx(ctx).With().Str("program", p.Program.Name).Logger()
	ctx = log.WithContext(ctx)
	// The tracking repository is listed once: the bot's issues there and
	// every mentee's tracking issue come from that one listing.
	opened := tracking.Once(inst.Write)
	issues, ok, err := listBotIssues(ctx, opened, p)
	if err != nil {
		return err
	}
	if !ok {
		log.Warn().Msg("program.tracking_repo is not set, the learnings and meetup issues have nowhere to go, skipping")
		inst.Reportf("learnings: program.tracking_repo is not set, nothing opened")
		return nil
	}
	var errs []error
	if meetup {
		if err := s.meetup(ctx, inst, opened, issues, loc); err != nil {
			errs = append(errs, fmt.Errorf("meetup: %w", err))
		}
	}
	if collect {
		if err := s.collect(ctx, gh, inst, opened, issues); err != nil {
			errs = append(errs, fmt.Errorf("learnings: %w", err))
		}
	}
	return errors.Join(errs...)
}

// Retrospectives reads every mentee's retrospective from their tracking
// issue: the comments their mentee, mentors or retrospective.authors wrote
// from the retrospective reminder on (RetroWindow), before or after the
// template the bot posted (marker retro:<login>), which is a help and not a
// start line. A mentee without a tracking issue, or with no such comment,
// has an empty retrospective ("no retrospective yet").
func Retrospectives(ctx context.Context, gh GitHub, w tracking.Opened, p policy.Policy, bot job.Identity) ([]Retrospective, error) {
	loc := Location(p)
	var out []Retrospective
	for _, m := range p.Mentees {
		r := Retrospective{Mentee: m.Login}
		ref, ok, err := tracking.Find(ctx, w, p, m.Login)
		if err != nil {
			return nil, fmt.Errorf("find tracking issue of %s: %w", m.Login, err)
		}
		if ok {
			cms, err := gh.Comments(ctx, ref.Owner, ref.Repo, ref.Number, time.Time{}, 0)
			if err != nil {
				return nil, err
			}
			comments := make([]Comment, 0, len(cms))
			for _, cm := range cms {
				comments = append(comments, asComment(cm))
			}
			r.TrackingIssue, r.Items = readRetro(p, m, loc, bot, comments)
		}
		out = append(out, r)
	}
	return out, nil
}

// readRetro parses one mentee's retrospective out of the comments of their
// tracking issue, and returns the issue's URL when it has a template or an
// item to link to.
func readRetro(p policy.Policy, m policy.Mentee, loc *time.Location, bot job.Identity, cms []Comment) (string, []Item) {
	var (
		tmpl     Comment
		comments = make([]Comment, 0, len(cms))
		url      string
	)
	for _, c := range cms {
		if bot.IsSelf(c.Author) {
			if tmpl.ID == 0 && markers.Has(c.Body, markers.KindRetro, markers.LoginKey(m.Login)) {
				tmpl = c
				url = issueURL(c.URL)
			}
			continue
		}
		comments = append(comments, c)
	}
	// Without the template (the retrospective came first) there are no
	// placeholders to skip but the empty ones every reply is checked for.
	items := ParseRetrospective(tmpl, WindowOf(p, m, loc).Select(comments))
	if url == "" && len(items) > 0 {
		url = issueURL(items[0].URL)
	}
	return url, items
}

// collect writes the learnings issue: opened once, then updated in place
// whenever the retrospectives changed.
func (s *Sweep) collect(ctx context.Context, gh GitHub, inst job.Installation, opened tracking.Opened, issues botIssues) error {
	log := zerolog.Ctx(ctx)
	p := inst.Policy
	existing := issues.find(IssueMarkerKind, Slug(p.Program.Name))
	if existing != nil && existing.GetState() == "closed" {
		// People closed it: the roll-up is over, whatever collect_until
		// says, and the tracking issues are no longer read.
		inst.Reportf("learnings: %s is closed, retrospectives are no longer read", issues.refOf(existing))
		return nil
	}
	retros, err := Retrospectives(ctx, gh, opened, p, inst.Bot)
	if err != nil {
		return err
	}
	title, body := LearningsTitle(p.Program.Name), LearningsBody(p.Program.Name, retros)
	w := inst.Write
	if existing == nil {
		inst.Reportf("learnings: open %q in %s/%s:\n%s", title, issues.ref.Owner, issues.ref.Repo, body)
		is, err := openOnce(ctx, w, issues, IssueMarkerKind, Slug(p.Program.Name), title, body)
		if err != nil {
			return err
		}
		log.Info().Int("issue", is.GetNumber()).Msg("learnings issue opened")
		existing = is
	} else if existing.GetBody() != body {
		ref := issues.refOf(existing)
		inst.Reportf("learnings: update %s in place:\n%s", ref, body)
		// The body is rendered from the retrospectives alone, so two runs
		// write the same text.
		if _, err := w.UpdateIssueBody(ctx, ref, func(string) (string, error) { return body, nil }); err != nil {
			return fmt.Errorf("update learnings issue: %w", err)
		}
		log.Info().Int("issue", ref.Number).Msg("learnings issue updated")
	} else {
		inst.Reportf("learnings: %s is up to date", issues.refOf(existing))
	}
	return s.linkLearnings(ctx, inst, issues, existing.GetHTMLURL())
}

// linkLearnings links the learnings issue from the "Learnings" talk of the
// meetup agenda, when there is a planning issue that does not link it yet.
func (s *Sweep) linkLearnings(ctx context.Context, inst job.Installation, issues botIssues, learningsURL string) error {
	planning := issues.find(MeetupMarkerKind, Slug(inst.Policy.Program.Name))
	if planning == nil || !safeURL(learningsURL) {
		return nil
	}
	ref := issues.refOf(planning)
	_, err := inst.Write.UpdateIssueBody(ctx, ref, func(body string) (string, error) {
		if a, err := ReadAgenda(body); err == nil && a.LearningsURL == learningsURL {
			return body, nil
		}
		return LinkLearnings(body, learningsURL)
	})
	return err
}

// meetup opens the planning issue once and invites each active mentee once
// on their tracking issue.
func (s *Sweep) meetup(ctx context.Context, inst job.Installation, opened tracking.Opened, issues botIssues, loc *time.Location) error {
	log := zerolog.Ctx(ctx)
	p := inst.Policy
	active := ActiveMentees(p, inst.Now, loc)
	planning := issues.find(MeetupMarkerKind, Slug(p.Program.Name))
	if planning == nil {
		end, _ := Term(p, loc)
		m := Meetup{Program: p.Program.Name, Mentees: active, End: end.AddDate(0, 0, -1)}
		if learnings := issues.find(IssueMarkerKind, Slug(p.Program.Name)); learnings != nil && safeURL(learnings.GetHTMLURL()) {
			m.Agenda.LearningsURL = learnings.GetHTMLURL()
		}
		body, err := MeetupBody(m)
		if err != nil {
			return err
		}
		title := MeetupTitle(p.Program.Name)
		inst.Reportf("meetup: open %q in %s/%s:\n%s", title, issues.ref.Owner, issues.ref.Repo, body)
		planning, err = openOnce(ctx, inst.Write, issues, MeetupMarkerKind, Slug(p.Program.Name), title, body)
		if err != nil {
			return err
		}
		log.Info().Int("issue", planning.GetNumber()).Msg("meetup planning issue opened")
	}
	var errs []error
	for _, login := range active {
		if err := s.invite(ctx, inst, opened, login, planning.GetHTMLURL()); err != nil {
			log.Error().Err(err).Str("mentee", login).Msg("meetup invitation failed, continuing with the others")
			errs = append(errs, fmt.Errorf("invite %s: %w", login, err))
		}
	}
	return errors.Join(errs...)
}

// invite asks one mentee on their tracking issue whether they would like to
// present, once (marker meetup-invite:<login>).
func (s *Sweep) invite(ctx context.Context, inst job.Installation, opened tracking.Opened, login, planningURL string) error {
	ref, ok, err := tracking.Find(ctx, opened, inst.Policy, login)
	if err != nil {
		return fmt.Errorf("find tracking issue: %w", err)
	}
	if !ok {
		zerolog.Ctx(ctx).Warn().Str("mentee", login).Msg("mentee has no tracking issue yet, inviting them once enrolment opens one")
		inst.Reportf("meetup: @%s has no tracking issue yet, not invited", login)
		return nil
	}
	body, err := InviteComment(inst.Policy.Program.Name, login, planningURL)
	if err != nil {
		return err
	}
	c, err := inst.Write.CommentOnce(ctx, ref, InviteMarkerKind, login, body)
	if err != nil {
		return err
	}
	if c.Written {
		inst.Reportf("meetup: invitation on %s:\n%s", ref, body)
		zerolog.Ctx(ctx).Info().Str("mentee", login).Str("issue", ref.String()).Msg("mentee invited to present at the meetup")
	}
	return nil
}
