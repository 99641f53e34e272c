package reviews

import (
	"fmt"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/maintainers"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/turn"
)

// pull is one pull request as the search found it, in plain data.
type pull struct {
	owner, repo string
	number      int
	author      string
	// association is GitHub's author_association on the PR.
	association string
	authorIsBot bool
	createdAt   time.Time
	state       string
	draft       bool
	merged      bool
	labels      []string
}

func pullOf(is *github.Issue) pull {
	owner, repo, _ := strings.Cut(ghclient.RepoOf(is), "/")
	p := pull{
		owner: owner, repo: repo, number: is.GetNumber(),
		author: is.GetUser().GetLogin(), association: is.GetAuthorAssociation(), authorIsBot: turn.IsBotUser(is.GetUser()),
		createdAt: is.GetCreatedAt().Time, state: is.GetState(), draft: is.GetDraft(),
		merged: !is.GetPullRequestLinks().GetMergedAt().Time.IsZero(),
	}
	for _, l := range is.Labels {
		p.labels = append(p.labels, l.GetName())
	}
	return p
}

func (p pull) name() string   { return p.owner + "/" + p.repo }
func (p pull) String() string { return fmt.Sprintf("%s#%d", p.name(), p.number) }
func (p pull) ref() policy.IssueRef {
	return policy.IssueRef{Owner: p.owner, Repo: p.repo, Number: p.number}
}

// scopeInput is what Scope knows before the timeline is read.
func (p pull) scopeInput(now time.Time, loc *time.Location) ScopeInput {
	return ScopeInput{
		State: p.state, Draft: p.draft, Merged: p.merged, Labels: p.labels,
		Author: p.author, AuthorAssociation: p.association, AuthorIsBot: p.authorIsBot,
		Now: now, Location: loc,
	}
}

// screen decides from the search result alone, under the repository's
// policy, whether the PR's timeline is worth reading: the PR must be in
// scope, the policy must set a wait, and the PR must be older than the wait
// (a waiting period never starts before the PR was opened) or carry the
// keepalive label, which may have to go. note says why a PR is skipped, for
// the report; it is empty when there is nothing worth saying.
func screen(pol *policy.Policy, clock turn.Clock, in ScopeInput, createdAt time.Time) (d ScopeDecision, read bool, note string) {
	d = Scope(pol, in)
	if !d.InScope {
		return d, false, fmt.Sprintf("out of scope under the repository policy (%s)", d.Why)
	}
	if clock.Wait <= 0 {
		return d, false, ""
	}
	label := pol.Reviews.KeepaliveLabel
	hasLabel := label != "" && ghclient.HasLabel(in.Labels, label)
	if age := clock.Elapsed(createdAt, in.Now); age <= clock.Wait && !hasLabel {
		return d, false, fmt.Sprintf("opened %s ago, within the %s wait; skipped", humanDuration(age), humanDuration(clock.Wait))
	}
	return d, true, ""
}

// waitStep is what the sweep does about the reminder and the escalation of
// a PR's waiting period.
type waitStep int

const (
	// waitNone: the PR is not over the wait.
	waitNone waitStep = iota
	// remindNow: over the wait, and no reminder for this period yet.
	remindNow
	// reminded: the reminder of this period is there; escalation is not due.
	reminded
	// escalationHeld: twice the wait is over, but the reviewers the
	// reminder named have not had reviews.wait since it (see
	// turn.EscalationDue).
	escalationHeld
	// escalateNow: the escalation is due and not written yet.
	escalateNow
	// escalated: the escalation of this period is there.
	escalated
)

func (s waitStep) String() string {
	return [...]string{"none", "remind", "reminded", "escalation held", "escalate", "escalated"}[s]
}

// approvedStep is what the sweep does about an approved PR not merged.
type approvedStep int

const (
	approvedNone approvedStep = iota
	// approvedRemindNow: approved longer than reviews.approved_wait ago
	// and not reminded about this approval yet.
	approvedRemindNow
	// approvedReminded: the reminder about this approval is there.
	approvedReminded
)

func (s approvedStep) String() string {
	return [...]string{"none", "remind", "reminded"}[s]
}

// pullState is the plain data the decision about one PR rests on, once its
// timeline is read.
type pullState struct {
	// Scope is the decision under the repository's policy, knowing the wait
	// and who added the keepalive label.
	Scope ScopeDecision
	Wait  turn.WaitState
	Clock turn.Clock
	// ApprovedWait is reviews.approved_wait (0: off).
	ApprovedWait time.Duration
	// Comments are the PR's conversation comments, where the bot's markers
	// are.
	Comments []*github.IssueComment
	Bot      job.Identity
	Now      time.Time
}

// plan is what the sweep does about one PR. It acts in this order: the wait
// step; the keepalive label added (once the reminder step went through); the
// approved reminder; the keepalive label removed.
type plan struct {
	Wait waitStep
	// HeldUntil is when a held escalation becomes due.
	HeldUntil time.Time
	// Suggested are the reviewers the reminder named: the escalation names
	// them again and does not address them twice.
	Suggested []string
	Approved  approvedStep
	// Keepalive is LabelAdd only together with a wait step: the label goes
	// on when the PR is over the wait, not as soon as it waits.
	Keepalive LabelAction
}

// decide says what to do about one PR. The reminder comes once per waiting
// period. The escalation comes once, after twice the wait and at least
// reviews.wait after the reminder: a PR found already past twice the wait
// without a reminder (reopened after weeks, or at install) gets the reminder
// now and the escalation a whole wait later, so reviewers get a real chance
// first. An approved PR not merged after reviews.approved_wait gets one
// reminder per approval. The keepalive label follows Scope.
func decide(s pullState) plan {
	var pl plan
	st := s.Wait
	if st.Over {
		reminder := MarkedComment(s.Comments, s.Bot, MarkerWait, st.Period)
		switch {
		case reminder == nil:
			pl.Wait = remindNow
		case !st.Escalate:
			pl.Wait = reminded
		case !turn.EscalationDue(s.Clock, reminder.GetCreatedAt().Time, s.Now):
			pl.Wait = escalationHeld
			pl.HeldUntil = s.Clock.Add(reminder.GetCreatedAt().Time, s.Clock.Wait)
		case MarkedComment(s.Comments, s.Bot, MarkerEscalate, st.Period) != nil:
			pl.Wait = escalated
		default:
			pl.Wait = escalateNow
			pl.Suggested = SuggestedIn(reminder.GetBody())
		}
		if s.Scope.Keepalive == LabelAdd {
			pl.Keepalive = LabelAdd
		}
	}
	if s.ApprovedWait > 0 && st.Turn == turn.Approved && st.Waited > s.ApprovedWait {
		pl.Approved = approvedRemindNow
		if MarkedComment(s.Comments, s.Bot, MarkerApproved, st.Period) != nil {
			pl.Approved = approvedReminded
		}
	}
	if s.Scope.Keepalive == LabelRemove {
		pl.Keepalive = LabelRemove
	}
	return pl
}

// poolOthers is the reviewer pool without skip, whom an escalation
// addresses when the mentee has no mentors.
func poolOthers(pool []string, skip map[string]bool) []string {
	var out []string
	for _, l := range pool {
		if !skip[strings.ToLower(strings.TrimPrefix(l, "@"))] {
			out = append(out, strings.TrimPrefix(l, "@"))
		}
	}
	return out
}

// generalMaintainers is whom an escalation addresses without mentors or a
// pool: two of the general maintainers of MAINTAINERS.md (ml may be nil),
// taking turns by PR number, without skip.
func generalMaintainers(ml *maintainers.List, skip map[string]bool, number int) []string {
	if ml == nil {
		return nil
	}
	var general []string
	for _, e := range ml.Entries {
		if e.Role == maintainers.RoleMaintainer && len(e.Areas) == 0 && !skip[strings.ToLower(e.Login)] {
			general = append(general, e.Login)
		}
	}
	var out []string
	for i := 0; i < len(general) && i < 2; i++ {
		out = append(out, general[(number+i)%len(general)])
	}
	return out
}

// chooseInputOf is the part of the reviewer choice's input that the policy,
// the PR and its reviews say; the evidence fills in the rest.
func chooseInputOf(p pull, pol *policy.Policy, reviews []*github.PullRequestReview, files []string, now time.Time) ChooseInput {
	in := ChooseInput{
		Number: p.number, Author: p.author, Paths: files, Now: now,
		Pool: pol.Reviews.Reviewers, Exclude: pol.Reviews.Exclude, Bots: append([]string(nil), pol.Reviews.Bots...),
		MaxOpenRequests: pol.Reviews.MaxOpenRequests, MaxSuggestions: pol.Reviews.MaxSuggestions,
		InactiveAfter: pol.Reviews.InactiveAfter.D(),
	}
	for _, rv := range reviews {
		u := rv.GetUser()
		if turn.IsBotUser(u) {
			in.Bots = append(in.Bots, u.GetLogin())
		}
		if !strings.EqualFold(rv.GetState(), "PENDING") {
			in.Reviewed = append(in.Reviewed, u.GetLogin())
		}
	}
	return in
}

// lookupLimit is how many of the best-ranked candidates are checked for
// membership and load: Sweep.Lookups, or two more than are suggested.
func lookupLimit(lookups, maxSuggestions int) int {
	if lookups > 0 {
		return lookups
	}
	return maxSuggestions + 2
}

// suggest chooses among the gathered candidates and explains each one for
// the report. Choose calls everyone the lookups did not reach "not an
// organisation member or collaborator"; suggest says instead that they
// were not checked, and why.
func suggest(in ChooseInput, checked map[string]bool, limit int) ([]Suggestion, []Considered) {
	sugg, considered := Choose(in)
	for i, c := range considered {
		if !checked[strings.ToLower(c.Login)] && c.Why == "not an organisation member or collaborator" {
			considered[i].Why = "not checked: enough reviewers rank above"
			if len(checked) >= limit {
				considered[i].Why = fmt.Sprintf("not checked: ranked below the first %d candidates", limit)
			}
		}
	}
	return sugg, considered
}

// candidateLine is one candidate in the report.
func candidateLine(c Considered) string {
	var reasons []string
	for _, rs := range c.Reasons {
		reasons = append(reasons, rs.Kind.String())
	}
	kept := "dropped"
	if c.Kept {
		kept = "kept"
	}
	return fmt.Sprintf("candidate %s %s: %s [%s]", c.Login, kept, c.Why, strings.Join(reasons, ", "))
}

// logins are the suggested reviewers' logins.
func logins(sugg []Suggestion) []string {
	var out []string
	for _, s := range sugg {
		out = append(out, s.Login)
	}
	return out
}
