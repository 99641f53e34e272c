package reviews

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/turn"
)

// Sweep is the review-wait sweep ("mentorbot remind").
//
// Candidate PRs are found with the programme policy of the installation
// (job.Installation.Policy: the org's settings, and the roster merged from
// every policy file of the programme, so a mentee enrolled in a repository
// file is searched for like one in the org file). Each repository that has
// a PR in scope under it is then looked at once: its root directory is
// listed (one call, which also says where CODEOWNERS and MAINTAINERS.md
// are), and its effective policy (job.Installation.RepoPolicy, resolved once
// per sweep by the app) decides everything else for its PRs: scope (exempt
// labels, roster dates), the wait and business days, suggestions, keepalive
// label and review requests. A repository file that sets reviews.scope: all
// does not widen the searches.
type Sweep struct {
	// HistoryDirs bounds the commits-API calls per PR (one per directory).
	HistoryDirs int
	// HistoryWindow is how far back path history counts.
	HistoryWindow time.Duration
	// Lookups bounds how many of the best-ranked candidates per PR are
	// checked for membership and open review requests (searches).
	Lookups int
}

// NewSweep returns the sweep with its default bounds.
func NewSweep() *Sweep {
	return &Sweep{HistoryDirs: 3, HistoryWindow: 180 * 24 * time.Hour}
}

// run is one sweep over one installation.
type run struct {
	inst job.Installation
	gh   GitHub
	w    Writer
	// ev is what the reminders rest on, read at most once per sweep.
	ev       *evidence
	pol      *policy.Policy // the programme's
	clock    turn.Clock     // the org's
	scope    string         // "org:X" or "user:X"
	repos    map[string]bool
	policies map[string]*repoPolicy // of the repositories looked at so far
	// lookups is Sweep.Lookups.
	lookups int
}

// repoPolicy is a repository's effective policy and its wait clock.
type repoPolicy struct {
	pol   *policy.Policy
	clock turn.Clock
}

// Sweep runs one pass over every repository of the installation.
func (s *Sweep) Sweep(ctx context.Context, inst job.Installation) error {
	return s.sweep(ctx, inst, inst.GitHub)
}

// sweep is Sweep reaching GitHub through gh, the part of the installation's
// API it uses (unit tests pass a fake of it alone).
func (s *Sweep) sweep(ctx context.Context, inst job.Installation, gh GitHub) error {
	pol := inst.Policy
	r := &run{
		inst: inst, gh: gh, w: inst.Write, pol: &pol, clock: turn.ClockOf(pol.Reviews),
		repos: map[string]bool{}, policies: map[string]*repoPolicy{}, lookups: s.Lookups,
	}
	isOrg := false
	for _, rp := range inst.Repos {
		r.repos[strings.ToLower(rp.GetFullName())] = true
		if rp.GetOwner().GetType() == "Organization" {
			isOrg = true
		}
	}
	r.ev = newEvidence(gh, inst.Owner, isOrg, inst.Now, s.HistoryDirs, s.HistoryWindow)
	r.scope = r.ev.scope
	if r.clock.Wait <= 0 {
		return nil
	}
	items, err := r.find(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, it := range items {
		if err := r.pull(ctx, it); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// peopleOf names who the wait clock counts as machines (reviews.bots) and
// as able to review whatever GitHub's association says: the reviewer pool
// and the mentee's mentors.
// repository takes the repository's effective policy from the installation
// and lists its root, once per sweep.
func (r *run) repository(ctx context.Context, owner, name string) (*repoPolicy, error) {
	key := strings.ToLower(owner + "/" + name)
	if rp, ok := r.policies[key]; ok {
		return rp, nil
	}
	if err := r.ev.listRoot(ctx, owner, name); err != nil {
		return nil, err
	}
	pol := r.inst.RepoPolicy(owner, name)
	rp := &repoPolicy{pol: &pol, clock: turn.ClockOf(pol.Reviews)}
	if _, own := r.inst.RepoPolicies[key]; own {
		r.inst.Reportf("%s/%s: policy %s/%s:%s", owner, name, owner, name, policy.RepoPath)
	}
	r.policies[key] = rp
	return rp, nil
}

// find returns the open, non-draft PRs that may be in scope, with as few
// searches as possible. GitHub's search ANDs repeated author: qualifiers, so
// mentees cannot be combined in one query: for several mentees, one
// org-wide search (paginated, filtered here) is used when it needs no more
// pages than there are mentees, and one search per mentee otherwise.
func (r *run) find(ctx context.Context) ([]*github.Issue, error) {
	base := "is:pr is:open draft:false archived:false " + r.scope
	var active []string
	loc := r.clock.Loc()
	for _, m := range r.pol.Mentees {
		if m.ActiveOn(r.inst.Now, loc) {
			active = append(active, m.Login)
		}
	}
	all := strings.EqualFold(r.pol.Reviews.Scope, "all")
	if !all && len(active) == 0 {
		r.inst.Reportf("remind %s: no active mentees, nothing to do", r.inst.Owner)
		return nil, nil
	}
	if !all && len(active) == 1 {
		return r.search(ctx, base+" author:"+active[0], 10)
	}
	first, total, err := r.searchPage(ctx, base, 1)
	if err != nil {
		return nil, err
	}
	pages := (total + 99) / 100
	if all || (pages <= len(active) && total <= 1000) {
		out := first
		for p := 2; p <= pages && p <= 10; p++ {
			more, _, err := r.searchPage(ctx, base, p)
			if err != nil {
				return nil, err
			}
			out = append(out, more...)
		}
		if total > 1000 {
			zerolog.Ctx(ctx).Warn().Int("total", total).Msg("more than 1000 open pull requests; only the first 1000 are swept")
		}
		return r.filter(out), nil
	}
	var out []*github.Issue
	for _, login := range active {
		got, err := r.search(ctx, base+" author:"+login, 10)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	return out, nil
}

func (r *run) search(ctx context.Context, q string, maxPages int) ([]*github.Issue, error) {
	var out []*github.Issue
	for p := 1; p <= maxPages; p++ {
		got, total, err := r.searchPage(ctx, q, p)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
		if p*100 >= total {
			break
		}
	}
	return r.filter(out), nil
}

func (r *run) searchPage(ctx context.Context, q string, page int) ([]*github.Issue, int, error) {
	res, _, err := r.gh.SearchIssues(ctx, q, &github.SearchOptions{Sort: "created", Order: "asc", ListOptions: github.ListOptions{PerPage: 100, Page: page}})
	if err != nil {
		return nil, 0, fmt.Errorf("search %q page %d: %w", q, page, err)
	}
	return res.Issues, res.GetTotal(), nil
}

// filter keeps the installation's repositories' PRs.
func (r *run) filter(in []*github.Issue) []*github.Issue {
	var out []*github.Issue
	for _, is := range in {
		if r.repos[strings.ToLower(ghclient.RepoOf(is))] {
			out = append(out, is)
		}
	}
	return out
}

// pull gathers what one PR needs, decides and acts. It gathers in steps, so
// that each step's decision can spare the next one's calls: none for a PR
// out of scope (apart from its repository's root listing, once per sweep)
// or younger than the wait; otherwise one timeline read, plus the PR's
// commits only when the verdict rests on a commit whose pusher the timeline
// does not name. What it acts on reads more only when a comment is due (see
// remind and addressees).
func (r *run) pull(ctx context.Context, is *github.Issue) error {
	p := pullOf(is)
	log := zerolog.Ctx(ctx).With().Str("repository", p.name()).Int("pr", p.number).Logger()
	ctx = log.WithContext(ctx)

	// Gather, each step only when the one before leaves the PR in play.
	in := p.scopeInput(r.inst.Now, r.clock.Loc())
	if d := Scope(r.pol, in); !d.InScope {
		log.Debug().Str("why", d.Why).Msg("pull request out of scope")
		return nil
	}
	rp, err := r.repository(ctx, p.owner, p.repo)
	if err != nil {
		return err
	}
	in.Location = rp.clock.Loc()
	d, read, note := screen(rp.pol, rp.clock, in, p.createdAt)
	if note != "" {
		r.inst.Reportf("%s: %s", p, note)
	}
	if !read {
		return nil
	}

	st, thread, err := turn.ReadWait(ctx, r.gh, p.owner, p.repo, p.number, p.author, p.createdAt, p.draft, r.inst.Now, rp.clock, turn.PeopleOf(rp.pol.Reviews, d.Mentee.Mentors))
	if err != nil {
		return err
	}
	in.Waiting = st.Waiting
	// The keepalive label's adder is read from its labeled event, which
	// comes with the timeline the sweep reads anyway; a marker in the
	// reminder would cost an edit of the comment on every add and remove.
	label := rp.pol.Reviews.KeepaliveLabel
	in.KeepaliveByBot = label != "" && r.inst.Bot.IsSelf(thread.LabelAddedBy(label))
	d = Scope(rp.pol, in)
	if !st.Waiting {
		r.inst.Reportf("%s: not waiting for reviewers (%s)", p, st.Why)
	} else {
		r.inst.Reportf("%s: waited %s (%s; wait %s, reminder due %s, escalation due %s)", p, humanDuration(st.Waited), st.Why,
			humanDuration(rp.clock.Wait), st.OverAt.UTC().Format(time.RFC3339), st.EscalateAt.UTC().Format(time.RFC3339))
	}
	log.Debug().Bool("waiting", st.Waiting).Float64("waited_seconds", st.Waited.Seconds()).Bool("over", st.Over).Str("why", st.Why).Str("period", st.Period).Msg("wait clock")

	// Decide, then act.
	pl := decide(pullState{
		Scope: d, Wait: st, Clock: rp.clock, ApprovedWait: rp.pol.Reviews.ApprovedWait.D(),
		Comments: thread.Comments, Bot: r.inst.Bot, Now: r.inst.Now,
	})
	return r.act(ctx, gathered{p: p, rp: rp, d: d, st: st, thread: thread}, pl)
}
