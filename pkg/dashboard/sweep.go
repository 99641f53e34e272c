package dashboard

import (
	"context"
	"fmt"

	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/tracking"
	"github.com/thanos-community/mentorbot/pkg/writeonce"
)

// Writes is how the dashboard issue is written: opened once, then edited
// in place (pkg/writeonce).
type Writes interface {
	OpenIssueOnce(ctx context.Context, owner, repo, kind, key string, ni writeonce.NewIssue) (writeonce.Issue, error)
	UpdateIssueBody(ctx context.Context, ref policy.IssueRef, change func(body string) (string, error)) (string, error)
}

// Sweep keeps the dashboard issue of each installation's programme up to
// date; it runs with the digest sweep (hourly in serve, or `mentorbot
// digest`).
type Sweep struct {
	metrics *Metrics
	pacers  *ghclient.Pacers
}

// NewSweep returns the dashboard sweep. pacers are the installations'
// search pacers, shared with the digest; metrics may be nil.
func NewSweep(pacers *ghclient.Pacers, m *Metrics) *Sweep { return &Sweep{metrics: m, pacers: pacers} }

// Enabled reports whether p has a dashboard.
func Enabled(p policy.Policy) bool {
	_, _, ok := policy.SplitRepo(p.Program.TrackingRepo)
	return p.Dashboard.Enabled && ok && p.Program.Name != "" && len(p.Mentees) > 0
}

// Sweep implements the app's SweepJob.
func (s *Sweep) Sweep(ctx context.Context, inst job.Installation) error {
	p := inst.Policy
	if !Enabled(p) {
		return nil
	}
	bot := inst.Bot.Login()
	// A programme shared by several orgs counts them all, each read with
	// its own installation.
	orgs := []Org{{Owner: inst.Owner, Reads: Paced(inst.GitHub, s.pacers.For(inst.ID))}}
	for _, peer := range inst.Peers {
		orgs = append(orgs, Org{Owner: peer.Owner, Reads: Paced(peer.GitHub, s.pacers.For(peer.ID))})
	}
	opened := tracking.Once(inst.Write) // one listing for every mentee
	prog, err := Gather(ctx, orgs, p, bot, inst.Now,
		func(ctx context.Context, login string) (policy.IssueRef, bool, error) {
			return tracking.Find(ctx, opened, p, login)
		})
	if err != nil {
		return fmt.Errorf("dashboard of %s: %w", p.Program.Name, err)
	}
	f := Compute(prog)
	s.metrics.Observe(p.Program.Name, prog, f)
	if err := Write(ctx, inst.Write, p, prog, f, inst.DryRun, inst.Reportf); err != nil {
		return err
	}
	return AddTermFigures(ctx, inst.Write, prog, f, inst.DryRun, inst.Reportf)
}

// Comments is how the figures reach a comment another job wrote: edited in
// place (pkg/writeonce).
type Comments interface {
	UpdateComment(ctx context.Context, ref policy.IssueRef, kind, key string, change func(body string) (string, error)) (writeonce.Comment, bool, error)
}

// AddTermFigures adds each mentee's figures to their end-of-term report,
// once the digest has posted it, and keeps them current; an unchanged
// block costs no write.
func AddTermFigures(ctx context.Context, w Comments, prog Programme, f Figures, dryRun bool, report func(string, ...any)) error {
	for _, m := range prog.Mentees {
		if !m.TermReport {
			continue
		}
		block := TermFigures(m.Login, prog, f)
		if dryRun {
			report("dashboard: would add %s's figures to the end-of-term report on %s", m.Login, m.TrackingRef)
			continue
		}
		c, ok, err := w.UpdateComment(ctx, m.TrackingRef, markers.KindTermReport, markers.LoginKey(m.Login), func(body string) (string, error) {
			return WithTermFigures(body, block), nil
		})
		if err != nil {
			return fmt.Errorf("add figures to the term report of %s: %w", m.Login, err)
		}
		if ok && c.Written {
			report("dashboard: added %s's figures to the end-of-term report on %s", m.Login, m.TrackingRef)
		}
	}
	return nil
}

// Write opens the dashboard issue once, or edits it in place when its text
// changed; an unchanged dashboard costs no write. report receives one line
// per decision; with dryRun its lines say what would be written.
func Write(ctx context.Context, w Writes, p policy.Policy, prog Programme, f Figures, dryRun bool, report func(string, ...any)) error {
	owner, repo, _ := policy.SplitRepo(p.Program.TrackingRepo)
	key := markers.Slug(p.Program.Name)
	body := Render(prog, f, key)
	is, err := w.OpenIssueOnce(ctx, owner, repo, MarkerKind, key, writeonce.NewIssue{Title: Title(p.Program.Name), Body: body})
	if err != nil {
		return fmt.Errorf("open dashboard in %s/%s: %w", owner, repo, err)
	}
	ref := policy.IssueRef{Owner: owner, Repo: repo, Number: is.Number}
	switch {
	case is.Written && dryRun:
		report("dashboard: would open %q in %s/%s", Title(p.Program.Name), owner, repo)
		return nil
	case is.Written:
		report("dashboard: opened %s", ref)
		return nil
	case is.Body == body:
		report("dashboard: %s is up to date", ref)
		return nil
	}
	if dryRun {
		report("dashboard: would update %s in place", ref)
		return nil
	}
	if _, err := w.UpdateIssueBody(ctx, ref, func(string) (string, error) { return body, nil }); err != nil {
		return fmt.Errorf("update dashboard %s: %w", ref, err)
	}
	zerolog.Ctx(ctx).Info().Str("issue", ref.String()).Msg("dashboard updated")
	report("dashboard: updated %s in place", ref)
	return nil
}
