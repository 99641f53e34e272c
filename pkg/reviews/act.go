package reviews

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/turn"
)

// gathered is what the sweep read about one PR before deciding; acting
// reads more only for a comment that needs it.
type gathered struct {
	p      pull
	rp     *repoPolicy
	d      ScopeDecision
	st     turn.WaitState
	thread turn.Thread
}

// act carries out the plan for one PR (see plan for the order). A failed
// step does not stop the independent ones after it; only adding the
// keepalive label waits for the reminder step to go through.
func (r *run) act(ctx context.Context, g gathered, pl plan) error {
	var errs []error
	if pl.Wait != waitNone {
		if err := r.waitStep(ctx, g, pl); err != nil {
			errs = append(errs, err)
		}
	}
	switch pl.Approved {
	case approvedRemindNow:
		if err := r.remindApproved(ctx, g); err != nil {
			errs = append(errs, err)
		}
	case approvedReminded:
		r.inst.Reportf("%s: already reminded that the approval of %s is not merged", g.p, g.st.Period)
	}
	if pl.Keepalive == LabelRemove {
		if err := r.removeKeepalive(ctx, g); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// waitStep writes the reminder or the escalation when due, and then adds
// the keepalive label while the PR waits. A reminder a concurrent run wrote
// first leaves the label to that run.
func (r *run) waitStep(ctx context.Context, g gathered, pl plan) error {
	switch pl.Wait {
	case remindNow:
		posted, err := r.remind(ctx, g)
		if err != nil || !posted {
			return err
		}
	case reminded:
		r.inst.Reportf("%s: already reminded for the waiting period starting %s", g.p, g.st.Period)
	case escalationHeld:
		r.inst.Reportf("%s: escalation held until %s: reviews.wait after the reminder", g.p, pl.HeldUntil.UTC().Format(time.RFC3339))
	case escalateNow:
		if err := r.escalate(ctx, g, pl.Suggested); err != nil {
			return err
		}
	case escalated:
		r.inst.Reportf("%s: already escalated for the waiting period starting %s", g.p, g.st.Period)
	}
	if pl.Keepalive == LabelAdd {
		label := g.rp.pol.Reviews.KeepaliveLabel
		r.inst.Reportf("%s: adding keepalive label %q while it waits", g.p, label)
		if _, err := r.gh.AddLabels(ctx, g.p.owner, g.p.repo, g.p.number, label); err != nil {
			return fmt.Errorf("add label %q to %s: %w", label, g.p, err)
		}
	}
	return nil
}

// remind gathers the evidence of the PR's reviewers, chooses among them,
// requests their reviews with reviews.request_review (first, so that the
// comment says so only when it worked), and writes the reminder.
func (r *run) remind(ctx context.Context, g gathered) (bool, error) {
	files, err := r.files(ctx, g.p)
	if err != nil {
		return false, err
	}
	in := chooseInputOf(g.p, g.rp.pol, g.thread.Reviews, files, r.inst.Now)
	limit := lookupLimit(r.lookups, in.MaxSuggestions)
	checked, err := r.ev.gather(ctx, g.p.owner, g.p.repo, &in, limit)
	if err != nil {
		return false, err
	}
	sugg, considered := suggest(in, checked, limit)
	for _, c := range considered {
		r.inst.Reportf("%s:   %s", g.p, candidateLine(c))
		zerolog.Ctx(ctx).Debug().Str("candidate", c.Login).Bool("kept", c.Kept).Str("why", c.Why).Msg("reviewer candidate")
	}
	requested := r.requestReviews(ctx, g, sugg)
	body, err := reminderBody(g, sugg, in.MaxSuggestions, requested)
	if err != nil {
		return false, err
	}
	return r.writeOnce(ctx, g.p, MarkerWait, g.st.Period, body)
}

func (r *run) files(ctx context.Context, p pull) ([]string, error) {
	fs, err := r.gh.PullFiles(ctx, p.owner, p.repo, p.number, 3)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, f.GetFilename())
	}
	return out, nil
}

// requestReviews asks the suggested reviewers for a review when the policy
// says so. A refusal (a suggested person who cannot be requested, a
// permission the app lacks) is logged and the reminder only suggests.
func (r *run) requestReviews(ctx context.Context, g gathered, sugg []Suggestion) bool {
	if !g.rp.pol.Reviews.RequestReview || len(sugg) == 0 {
		return false
	}
	who := logins(sugg)
	if err := r.gh.RequestReviewers(ctx, g.p.owner, g.p.repo, g.p.number, who); err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Strs("reviewers", who).Msg("review request refused, suggesting without requesting")
		r.inst.Reportf("%s: review request for %s refused: %v", g.p, strings.Join(who, ", "), err)
		return false
	}
	r.inst.Reportf("%s: requested review from %s", g.p, strings.Join(who, ", "))
	return true
}

// reminderBody renders the reminder.
func reminderBody(g gathered, sugg []Suggestion, maxSuggestions int, requested bool) (string, error) {
	return RenderReminder(Reminder{
		Author: g.p.author, Waited: g.st.Waited, Wait: g.rp.clock.Wait, BusinessDays: g.rp.clock.BusinessDays,
		Suggestions: sugg, MaxSuggestions: maxSuggestions, Channels: g.rp.pol.Program.Channels,
		Requested: requested, Period: g.st.Period,
	})
}

// escalate writes the escalation to the mentee's mentors or, without them,
// to the others addressees names.
func (r *run) escalate(ctx context.Context, g gathered, suggested []string) error {
	e := Escalation{
		Author: g.p.author, Mentors: g.d.Mentee.Mentors, Waited: g.st.Waited, Wait: g.rp.clock.Wait,
		BusinessDays: g.rp.clock.BusinessDays, Suggested: suggested,
		Channels: g.rp.pol.Program.Channels, Period: g.st.Period,
	}
	if len(e.Mentors) == 0 {
		var err error
		if e.Others, e.FromPool, err = r.addressees(ctx, g, suggested); err != nil {
			return err
		}
	}
	body, err := RenderEscalation(e)
	if err != nil {
		return err
	}
	_, err = r.writeOnce(ctx, g.p, MarkerEscalate, g.st.Period, body)
	return err
}

// remindApproved comments on an approved PR that is still not merged after
// reviews.approved_wait, addressing the mentors or, without them, the pool
// or two general maintainers (as the escalation does).
func (r *run) remindApproved(ctx context.Context, g gathered) error {
	a := Approved{
		Author: g.p.author, Approver: g.st.By, Waited: g.st.Waited,
		BusinessDays: g.rp.clock.BusinessDays, Addressed: g.d.Mentee.Mentors, Period: g.st.Period,
	}
	if len(a.Addressed) == 0 {
		var err error
		if a.Addressed, _, err = r.addressees(ctx, g, []string{g.st.By}); err != nil {
			return err
		}
	}
	body, err := RenderApproved(a)
	if err != nil {
		return err
	}
	_, err = r.writeOnce(ctx, g.p, MarkerApproved, g.st.Period, body)
	return err
}

// addressees is whom an escalation addresses when the mentee has no
// mentors: the reviewer pool, or else two of the general maintainers of
// MAINTAINERS.md (read only then); never the author or the reviewers the
// reminder already named. fromPool says which.
func (r *run) addressees(ctx context.Context, g gathered, suggested []string) (others []string, fromPool bool, err error) {
	skip := set(append([]string{g.p.author}, suggested...))
	if others := poolOthers(g.rp.pol.Reviews.Reviewers, skip); len(others) > 0 {
		return others, true, nil
	}
	ml, err := r.ev.maintainers(ctx, g.p.owner, g.p.repo)
	if err != nil {
		return nil, false, err
	}
	return generalMaintainers(ml, skip, g.p.number), false, nil
}

// removeKeepalive removes the keepalive label the bot added (Scope decides
// that only when its labeled event names the bot).
func (r *run) removeKeepalive(ctx context.Context, g gathered) error {
	label := g.rp.pol.Reviews.KeepaliveLabel
	r.inst.Reportf("%s: removing keepalive label %q the bot added (the wait is over)", g.p, label)
	if err := r.gh.RemoveLabel(ctx, g.p.owner, g.p.repo, g.p.number, label); err != nil && !ghclient.IsNotFound(err) {
		return fmt.Errorf("remove label %q from %s: %w", label, g.p, err)
	}
	return nil
}

// writeOnce writes the marked comment through writeonce: it re-reads the
// bot's comments right before writing (a 304 when nothing changed), writes
// only when the marker is still missing, and settles with any concurrent
// run that wrote the same comment at the same moment (the first stays).
// posted is false when a concurrent run wrote it first.
func (r *run) writeOnce(ctx context.Context, p pull, kind, key, body string) (posted bool, err error) {
	c, err := r.w.CommentOnce(ctx, p.ref(), kind, key, body)
	if err != nil {
		return false, err
	}
	if !c.Written {
		r.inst.Reportf("%s: %s:%s already written (by a concurrent run)", p, kind, key)
		return false, nil
	}
	verb := "comment"
	if r.inst.DryRun {
		verb = "would comment"
	}
	r.inst.Reportf("%s: %s:\n%s", p, verb, indent(body))
	return true, nil
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}
