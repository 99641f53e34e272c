package digest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/google/go-github/v60/github"
	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/tracking"
	"github.com/thanos-community/mentorbot/pkg/turn"
)

// lookBack bounds how far back a digest looks for open pull requests and
// idle tasks when the mentee's term has no start.
const lookBack = 120 * 24 * time.Hour

// Sweep posts the weekly digests and the programme-end texts of one
// installation. It decides everything from the installation's Now and from
// the markers already on each tracking issue, so it may run hourly, from a
// CronJob, by hand or on two replicas at once: what is not due, or already
// posted, is not written.
type Sweep struct {
	// Pacers paces the searches of each installation, shared with the other
	// jobs that search; nil means pacers with GitHub's limits.
	Pacers *ghclient.Pacers
	// Peers returns the other installations of the programme an
	// installation belongs to, for the webhook preview (sweeps get them in
	// job.Installation); nil means none.
	Peers func(ctx context.Context, installationID int64) ([]job.Peer, error)

	once sync.Once
}

// pacer returns the installation's pacer: searches of the sweep, of
// previews and of other jobs share one budget per installation, as on
// GitHub.
func (s *Sweep) pacer(id int64) *ghclient.Pacer {
	s.once.Do(func() {
		if s.Pacers == nil {
			s.Pacers = &ghclient.Pacers{}
		}
	})
	return s.Pacers.For(id)
}

// source builds the activity source for one mentee.
func (s *Sweep) source(c GitHub, instID int64, owner string, repos []*github.Repository, p policy.Policy, skip policy.IssueRef) *Source {
	src := &Source{GitHub: c, Pacer: s.pacer(instID), TaskLabel: p.Labels.MenteeTask, Skip: skip}
	if !strings.EqualFold(p.Digest.Scope, "public") {
		src.Qualifier = "org:" + owner
		if repos != nil {
			src.Repos = map[string]bool{}
			for _, r := range repos {
				src.Repos[strings.ToLower(r.GetFullName())] = true
			}
		}
	}
	src.Clock = turn.Clock{Wait: p.Reviews.Wait.D(), BusinessDays: p.Reviews.BusinessDays}
	src.People = turn.People{Bots: p.Reviews.Bots, Reviewers: p.Reviews.Reviewers}
	if p.Reviews.Timezone != "" {
		if loc, err := time.LoadLocation(p.Reviews.Timezone); err == nil {
			src.Clock.Location = loc
		}
	}
	return src
}

// addPeers makes src count the activity in every org of a programme shared
// by several orgs (digest.scope org), each read with its own installation.
func (s *Sweep) addPeers(src *Source, peers []job.Peer, p policy.Policy, skip policy.IssueRef) {
	if src.Qualifier == "" {
		return
	}
	for _, peer := range peers {
		ps := s.source(peer.GitHub, peer.ID, peer.Owner, peer.Repos, p, skip)
		src.Peers = append(src.Peers, Peer{Owner: peer.Owner, GitHub: peer.GitHub, Pacer: ps.Pacer, Qualifier: ps.Qualifier, Repos: ps.Repos})
	}
}

// since is where a digest looks back to for open PRs and tasks: the term's
// start, and at most lookBack before the period.
func since(m policy.Mentee, from time.Time, loc *time.Location) time.Time {
	min := from.Add(-lookBack)
	if m.Start.IsZero() {
		return min
	}
	if st := m.Start.In(loc); st.After(min) {
		if st.After(from) {
			return from
		}
		return st
	}
	return min
}

// Sweep implements the app's SweepJob.
func (s *Sweep) Sweep(ctx context.Context, inst job.Installation) error {
	log := zerolog.Ctx(ctx)
	p := inst.Policy
	sched, err := NewSchedule(p.Digest)
	if err != nil {
		return fmt.Errorf("digest schedule of %s: %w", inst.Owner, err)
	}
	now := inst.Now
	period, due := sched.Due(now)
	var errs []error
	for _, m := range p.Mentees {
		digest := due && sched.GetsDigest(m, period)
		retro := sched.RetroDue(m, now)
		report := sched.Ended(m, now)
		if !digest && !retro && !report {
			continue
		}
		if err := s.mentee(ctx, inst, sched, m, period, digest, retro, report); err != nil {
			log.Error().Err(err).Str("mentee", m.Login).Msg("digest for mentee failed, continuing with the others")
			errs = append(errs, fmt.Errorf("mentee %s: %w", m.Login, err))
		}
	}
	if !due {
		log.Debug().Time("next", sched.Next(now)).Msg("no digest due")
	}
	return errors.Join(errs...)
}

// posted is what the bot already wrote on a tracking issue.
type posted struct {
	digest, reminder, retro, report bool
	previous                        *Figures
}

func (s *Sweep) readPosted(ctx context.Context, c GitHub, ref policy.IssueRef, bot job.Identity, login string, w Week) (posted, error) {
	var out posted
	err := botComments(ctx, c, ref, bot, func(body string) {
		if Posted(body, w) {
			out.digest = true
		}
		if pw, f, ok := FromComment(body); ok && pw == w.Prev() {
			out.previous = &f
		}
		for _, mk := range []struct {
			kind string
			set  *bool
		}{{KindRetroReminder, &out.reminder}, {KindRetro, &out.retro}, {KindTermReport, &out.report}} {
			if markers.Has(body, mk.kind, LoginKey(login)) {
				*mk.set = true
			}
		}
	})
	return out, err
}

// botComments calls fn with the body of every comment the bot wrote on the
// issue. Markers in anybody else's comments are ignored: pasting a digest's
// marker must not silence the next one.
func botComments(ctx context.Context, c GitHub, ref policy.IssueRef, bot job.Identity, fn func(body string)) error {
	cs, err := c.Comments(ctx, ref.Owner, ref.Repo, ref.Number, time.Time{}, 0)
	if err != nil {
		return err
	}
	for _, cm := range cs {
		if bot.IsSelf(cm.GetUser().GetLogin()) {
			fn(cm.GetBody())
		}
	}
	return nil
}

func (s *Sweep) mentee(ctx context.Context, inst job.Installation, sched Schedule, m policy.Mentee, period Period, digest, retro, report bool) error {
	log := zerolog.Ctx(ctx).With().Str("mentee", m.Login).Logger()
	ref, ok, err := tracking.Find(ctx, inst.Write, inst.Policy, m.Login)
	if err != nil {
		return fmt.Errorf("find tracking issue: %w", err)
	}
	if !ok {
		owner, repo, hasRepo := policy.SplitRepo(inst.Policy.Program.TrackingRepo)
		if !inst.DryRun || !hasRepo {
			log.Warn().Msg("mentee has no tracking issue yet, skipping the digest until enrolment opens one")
			inst.Reportf("digest: @%s has no tracking issue yet, skipped", m.Login)
			return nil
		}
		// A dry run opened no tracking issue for a newly enrolled mentee:
		// preview what would go on the one enrolment opens (number 0 is
		// never read or written, the dry run answers writes locally).
		ref = policy.IssueRef{Owner: owner, Repo: repo}
	}
	var seen posted // a new tracking issue (ref.Number 0) has no comments
	if ref.Number != 0 {
		if seen, err = s.readPosted(ctx, inst.GitHub, ref, inst.Bot, m.Login, period.Week); err != nil {
			return err
		}
	}
	term := TermOf(m, inst.Policy.Program.Name)
	src := s.source(inst.GitHub, inst.ID, inst.Owner, inst.Repos, inst.Policy, ref)
	s.addPeers(src, inst.Peers, inst.Policy, ref)

	if digest && !seen.digest {
		d, err := src.Week(ctx, m.Login, period.From, period.To, since(m, period.From, sched.loc()), inst.Now)
		if err != nil {
			return fmt.Errorf("gather activity for %s: %w", period.Week, err)
		}
		d.Period = period
		d.Previous = seen.previous
		d.Channels = inst.Policy.Program.Channels
		if sched.ReminderDue(m, period) && !seen.reminder {
			d.Reminder = &term
		}
		if err := post(ctx, inst, ref, "digest "+period.Week.String(), KindDigest, period.Week.String(), Render(d)); err != nil {
			return err
		}
		log.Info().Str("week", period.Week.String()).Int("searches", src.Searches).Int("calls", src.Calls).Msg("digest posted")
	} else if digest {
		inst.Reportf("digest %s for @%s on %s: already posted", period.Week, m.Login, ref)
	}
	if retro && !seen.retro {
		if err := post(ctx, inst, ref, "retrospective template", KindRetro, LoginKey(m.Login), RenderRetro(term)); err != nil {
			return err
		}
	}
	if report && !seen.report {
		start := since(m, inst.Now, sched.loc())
		r, err := src.Term(ctx, term, start, inst.Now)
		if err != nil {
			return fmt.Errorf("gather the term's activity: %w", err)
		}
		if err := post(ctx, inst, ref, "end-of-term report", KindTermReport, LoginKey(m.Login), RenderTermReport(r)); err != nil {
			return err
		}
	}
	return nil
}

// post writes a comment carrying kind:key on the tracking issue, once
// whoever else runs the sweep at the same time, and reports it, text
// included, so that a dry run shows what would have been posted.
func post(ctx context.Context, inst job.Installation, ref policy.IssueRef, what, kind, key, body string) error {
	switch {
	case inst.DryRun && ref.Number == 0:
		inst.Reportf("%s: would comment on the tracking issue enrolment would open in %s/%s:\n%s", what, ref.Owner, ref.Repo, body)
	case inst.DryRun:
		inst.Reportf("%s: would comment on %s:\n%s", what, ref, body)
	default:
		inst.Reportf("%s: comment on %s:\n%s", what, ref, body)
	}
	c, err := inst.Write.CommentOnce(ctx, ref, kind, key, body)
	if err != nil {
		return fmt.Errorf("post %s on %s: %w", what, ref, err)
	}
	if !c.Written {
		inst.Reportf("%s on %s: written by a concurrent run, kept theirs", what, ref)
	}
	return nil
}
