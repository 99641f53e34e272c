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
	src.Reviews = p.Reviews
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

// Sweep implements the app's SweepJob. For each mentee it decides from the
// schedule what is due (dueAt), gathers what the tracking issue already
// holds and, only for what is still to write, what the mentee did, as plain
// data; decides from that what each text says (compose); and only then
// writes, through writeonce. A failed read therefore writes nothing for
// that mentee, and the next run starts over.
func (s *Sweep) Sweep(ctx context.Context, inst job.Installation) error {
	log := zerolog.Ctx(ctx)
	sched, err := NewSchedule(inst.Policy.Digest)
	if err != nil {
		return fmt.Errorf("digest schedule of %s: %w", inst.Owner, err)
	}
	var errs []error
	// Every mentee's tracking issue is found in one listing of the
	// tracking repository.
	opened := tracking.Once(inst.Write)
	for _, m := range inst.Policy.Mentees {
		d := dueAt(sched, m, inst.Now)
		if !d.any() {
			continue
		}
		if err := s.mentee(ctx, inst, opened, sched, m, d); err != nil {
			log.Error().Err(err).Str("mentee", m.Login).Msg("digest for mentee failed, continuing with the others")
			errs = append(errs, fmt.Errorf("mentee %s: %w", m.Login, err))
		}
	}
	if _, ok := sched.Due(inst.Now); !ok {
		log.Debug().Time("next", sched.Next(inst.Now)).Msg("no digest due")
	}
	return errors.Join(errs...)
}

// due is what the schedule makes due for one mentee at one moment; the
// markers on the tracking issue then say which of it is still to write.
type due struct {
	// period is the digest's, when digest is set.
	period Period
	// digest is the week's digest; reminder, that it carries the
	// retrospective reminder.
	digest, reminder bool
	// retro is the retrospective template, report the end-of-term report.
	retro, report bool
}

// dueAt decides from the schedule alone what m is due at now.
func dueAt(sched Schedule, m policy.Mentee, now time.Time) due {
	period, ok := sched.Due(now)
	d := due{period: period, retro: sched.RetroDue(m, now), report: sched.Ended(m, now)}
	if ok && sched.GetsDigest(m, period) {
		d.digest, d.reminder = true, sched.ReminderDue(m, period)
	}
	return d
}

func (d due) any() bool { return d.digest || d.retro || d.report }

// without leaves out what the tracking issue already holds.
func (d due) without(seen posted) due {
	d.digest = d.digest && !seen.digest
	d.reminder = d.reminder && d.digest && !seen.reminder
	d.retro = d.retro && !seen.retro
	d.report = d.report && !seen.report
	return d
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

// mentee gathers, decides and writes what is due for one mentee.
func (s *Sweep) mentee(ctx context.Context, inst job.Installation, opened tracking.Opened, sched Schedule, m policy.Mentee, d due) error {
	log := zerolog.Ctx(ctx).With().Str("mentee", m.Login).Logger()
	ref, ok, err := tracking.Find(ctx, opened, inst.Policy, m.Login)
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
		if seen, err = s.readPosted(ctx, inst.GitHub, ref, inst.Bot, m.Login, d.period.Week); err != nil {
			return err
		}
	}
	if d.digest && seen.digest {
		inst.Reportf("digest %s for @%s on %s: already posted", d.period.Week, m.Login, ref)
	}
	todo := d.without(seen)
	if !todo.any() {
		return nil
	}
	term := TermOf(m, inst.Policy.Program.Name)
	src := s.source(inst.GitHub, inst.ID, inst.Owner, inst.Repos, inst.Policy, ref)
	src.Mentors = m.Mentors
	src.RepoReviews = func(repo string) policy.Reviews {
		owner, name, _ := strings.Cut(repo, "/")
		return inst.RepoPolicy(owner, name).Reviews
	}
	s.addPeers(src, inst.Peers, inst.Policy, ref)
	act, err := gather(ctx, src, m, term, todo, sched, inst.Now)
	if err != nil {
		return err
	}
	for _, t := range compose(todo, act, term, seen.previous, inst.Policy.Program.Channels) {
		if err := post(ctx, inst, ref, t); err != nil {
			return err
		}
	}
	if todo.digest {
		log.Info().Str("week", d.period.Week.String()).Int("searches", src.Searches).Int("calls", src.Calls).Msg("digest posted")
	}
	return nil
}

// activity is what a mentee did, as plain data: the period's for the
// digest, the whole term's for the end-of-term report.
type activity struct {
	week Data
	term Report
}

// gather reads the activity the texts in d need, and no more: the
// retrospective template needs none, so on the last day of a term it
// costs no search.
func gather(ctx context.Context, src *Source, m policy.Mentee, t Term, d due, sched Schedule, now time.Time) (activity, error) {
	var a activity
	if d.digest {
		w, err := src.Week(ctx, m.Login, d.period.From, d.period.To, since(m, d.period.From, sched.loc()), now)
		if err != nil {
			return a, fmt.Errorf("gather activity for %s: %w", d.period.Week, err)
		}
		a.week = w
	}
	if d.report {
		r, err := src.Term(ctx, t, since(m, now, sched.loc()), now)
		if err != nil {
			return a, fmt.Errorf("gather the term's activity: %w", err)
		}
		a.term = r
	}
	return a, nil
}

// text is one comment to write on a tracking issue, carrying kind:key.
type text struct {
	what, kind, key, body string
}

// compose decides what each text in d says, in the order they are posted:
// the digest (with last week's figures for the trend, and the
// retrospective reminder when it is due), the retrospective template, the
// end-of-term report.
func compose(d due, a activity, t Term, previous *Figures, channels string) []text {
	var out []text
	if d.digest {
		w := a.week
		w.Period, w.Previous, w.Channels = d.period, previous, channels
		if d.reminder {
			w.Reminder = &t
		}
		out = append(out, text{what: "digest " + d.period.Week.String(), kind: KindDigest, key: d.period.Week.String(), body: Render(w)})
	}
	if d.retro {
		out = append(out, text{what: "retrospective template", kind: KindRetro, key: LoginKey(t.Mentee), body: RenderRetro(t)})
	}
	if d.report {
		out = append(out, text{what: "end-of-term report", kind: KindTermReport, key: LoginKey(t.Mentee), body: RenderTermReport(a.term)})
	}
	return out
}

// post writes t on the tracking issue, once whoever else runs the sweep at
// the same time, and reports it, text included, so that a dry run shows
// what would have been posted.
func post(ctx context.Context, inst job.Installation, ref policy.IssueRef, t text) error {
	switch {
	case inst.DryRun && ref.Number == 0:
		inst.Reportf("%s: would comment on the tracking issue enrolment would open in %s/%s:\n%s", t.what, ref.Owner, ref.Repo, t.body)
	case inst.DryRun:
		inst.Reportf("%s: would comment on %s:\n%s", t.what, ref, t.body)
	default:
		inst.Reportf("%s: comment on %s:\n%s", t.what, ref, t.body)
	}
	c, err := inst.Write.CommentOnce(ctx, ref, t.kind, t.key, t.body)
	if err != nil {
		return fmt.Errorf("post %s on %s: %w", t.what, ref, err)
	}
	if !c.Written {
		inst.Reportf("%s on %s: written by a concurrent run, kept theirs", t.what, ref)
	}
	return nil
}
