package reviews

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/codeowners"
	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/maintainers"
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

// run is one sweep over one installation; its caches live as long as it.
type run struct {
	s     *Sweep
	inst  job.Installation
	c     GitHub
	pol   *policy.Policy // the org's
	clock Clock          // the org's
	scope string         // "org:X" or "user:X"
	isOrg bool
	repos map[string]bool

	members       map[string]bool
	membersLoaded bool
	membersOK     bool
	collab        map[string]bool
	open          map[string]int
	owners        map[string]*codeowners.File
	maint         map[string]*maintainers.List
	teams         map[string][]string
	teamOK        map[string]bool
	repoInfo      map[string]*repoInfo
	active        map[string]time.Time // "owner/repo/login": latest commit, see lastCommit
}

// repoInfo is what the sweep learnt about one repository.
type repoInfo struct {
	pol   *policy.Policy
	clock Clock
	// root maps the names in the repository's root directory to "file" or
	// "dir"; nil when the listing may be incomplete (GitHub lists at most
	// 1,000 entries), in which case files are read without looking first.
	root map[string]string
	// merges and last are read once per sweep (see run.merges).
	merges map[string]merge
	last   map[string]time.Time
}

// Sweep runs one pass over every repository of the installation.
func (s *Sweep) Sweep(ctx context.Context, inst job.Installation) error {
	pol := inst.Policy
	r := &run{
		s: s, inst: inst, c: inst.GitHub, pol: &pol,
		clock: clockOf(&pol),
		scope: "user:" + inst.Owner, repos: map[string]bool{},
		collab: map[string]bool{}, open: map[string]int{}, owners: map[string]*codeowners.File{},
		maint: map[string]*maintainers.List{}, teams: map[string][]string{}, teamOK: map[string]bool{},
		repoInfo: map[string]*repoInfo{}, active: map[string]time.Time{},
	}
	for _, rp := range inst.Repos {
		r.repos[strings.ToLower(rp.GetFullName())] = true
		if rp.GetOwner().GetType() == "Organization" {
			r.isOrg = true
		}
	}
	if r.isOrg {
		r.scope = "org:" + inst.Owner
	}
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
func peopleOf(p *policy.Policy, d ScopeDecision) turn.People {
	return turn.People{Bots: p.Reviews.Bots, Reviewers: append(append([]string(nil), p.Reviews.Reviewers...), d.Mentee.Mentors...)}
}

func clockOf(p *policy.Policy) Clock {
	return Clock{Wait: p.Reviews.Wait.D(), BusinessDays: p.Reviews.BusinessDays, Location: p.Reviews.Location()}
}

// repo lists the repository's root once per sweep and takes its effective
// policy from the installation.
func (r *run) repo(ctx context.Context, owner, name string) (*repoInfo, error) {
	key := strings.ToLower(owner + "/" + name)
	if ri, ok := r.repoInfo[key]; ok {
		return ri, nil
	}
	pol := r.inst.RepoPolicy(owner, name)
	ri := &repoInfo{pol: &pol, clock: clockOf(&pol)}
	_, dir, err := r.c.Contents(ctx, owner, name, "")
	switch {
	case ghclient.IsNotFound(err):
		ri.root = map[string]string{} // an empty repository
	case err != nil:
		return nil, fmt.Errorf("list the root of %s/%s: %w", owner, name, err)
	case len(dir) < 1000:
		ri.root = map[string]string{}
		for _, e := range dir {
			ri.root[e.GetName()] = e.GetType()
		}
	}
	if _, own := r.inst.RepoPolicies[key]; own {
		r.inst.Reportf("%s/%s: policy %s/%s:%s", owner, name, owner, name, policy.RepoPath)
	}
	r.repoInfo[key] = ri
	return ri, nil
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
	res, _, err := r.c.SearchIssues(ctx, q, &github.SearchOptions{Sort: "created", Order: "asc", ListOptions: github.ListOptions{PerPage: 100, Page: page}})
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

type prCtx struct {
	owner, repo, name string
	number            int
	is                *github.Issue
	pol               *policy.Policy // the repository's
	clock             Clock
	thread            turn.Thread
	labels            []string
}

func (p *prCtx) String() string { return fmt.Sprintf("%s#%d", p.name, p.number) }

// pull handles one PR. GitHub calls: none for a PR out of scope or younger
// than the wait (apart from its repository's root listing, once per sweep);
// otherwise one timeline read, plus the PR's commits only when the verdict
// rests on a commit whose pusher the timeline does not name.
func (r *run) pull(ctx context.Context, is *github.Issue) error {
	name := ghclient.RepoOf(is)
	owner, repo, _ := strings.Cut(name, "/")
	p := &prCtx{owner: owner, repo: repo, name: name, number: is.GetNumber(), is: is}
	for _, l := range is.Labels {
		p.labels = append(p.labels, l.GetName())
	}
	log := zerolog.Ctx(ctx).With().Str("repository", name).Int("pr", p.number).Logger()
	ctx = log.WithContext(ctx)

	in := ScopeInput{
		State: is.GetState(), Draft: is.GetDraft(), Merged: is.GetPullRequestLinks().GetMergedAt().Time != (time.Time{}),
		Labels: p.labels, Author: is.GetUser().GetLogin(), AuthorAssociation: is.GetAuthorAssociation(),
		AuthorIsBot: turn.IsBotUser(is.GetUser()), Now: r.inst.Now, Location: r.clock.Loc(),
	}
	if d := Scope(r.pol, in); !d.InScope {
		log.Debug().Str("why", d.Why).Msg("pull request out of scope")
		return nil
	}
	ri, err := r.repo(ctx, owner, repo)
	if err != nil {
		return err
	}
	p.pol, p.clock = ri.pol, ri.clock
	in.Location = p.clock.Loc()
	d := Scope(p.pol, in)
	if !d.InScope {
		r.inst.Reportf("%s: out of scope under the repository policy (%s)", p, d.Why)
		return nil
	}
	if p.clock.Wait <= 0 {
		return nil
	}
	label := p.pol.Reviews.KeepaliveLabel
	hasLabel := label != "" && ghclient.HasLabel(p.labels, label)
	// Cheap pre-check: a waiting period never starts before the PR was
	// opened, so a PR younger than the wait cannot be over it. A PR with the
	// keepalive label is read anyway: the label may have to go.
	if age := p.clock.Elapsed(is.GetCreatedAt().Time, r.inst.Now); age <= p.clock.Wait && !hasLabel {
		r.inst.Reportf("%s: opened %s ago, within the %s wait; skipped", p, humanDuration(age), humanDuration(p.clock.Wait))
		return nil
	}

	st, thread, err := turn.ReadWait(ctx, r.c, p.owner, p.repo, p.number, in.Author, is.GetCreatedAt().Time, in.Draft, r.inst.Now, p.clock, peopleOf(p.pol, d))
	if err != nil {
		return err
	}
	p.thread = thread
	in.Waiting = st.Waiting
	// The keepalive label's adder is read from its labeled event, which
	// comes with the timeline the sweep reads anyway; a marker in the
	// reminder would cost an edit of the comment on every add and remove.
	in.KeepaliveByBot = label != "" && r.inst.Bot.IsSelf(p.thread.LabelAddedBy(label))
	d = Scope(p.pol, in)
	if !st.Waiting {
		r.inst.Reportf("%s: not waiting for reviewers (%s)", p, st.Why)
	} else {
		r.inst.Reportf("%s: waited %s (%s; wait %s, reminder due %s, escalation due %s)", p, humanDuration(st.Waited), st.Why,
			humanDuration(p.clock.Wait), st.OverAt.UTC().Format(time.RFC3339), st.EscalateAt.UTC().Format(time.RFC3339))
	}
	log.Debug().Bool("waiting", st.Waiting).Float64("waited_seconds", st.Waited.Seconds()).Bool("over", st.Over).Str("why", st.Why).Str("period", st.Period).Msg("wait clock")

	var errs []error
	if st.Over {
		if err := r.remind(ctx, p, d, st); err != nil {
			errs = append(errs, err)
		}
	}
	if aw := p.pol.Reviews.ApprovedWait.D(); aw > 0 && st.Turn == turn.Approved && st.Waited > aw {
		if err := r.remindApproved(ctx, p, d, st); err != nil {
			errs = append(errs, err)
		}
	}
	if d.Keepalive == LabelRemove {
		if err := r.removeKeepalive(ctx, p, label); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// remind posts the reminder once per waiting period, adds the keepalive
// label, and escalates once after twice the wait and at least reviews.wait
// after the reminder. A PR found already past twice the wait without a
// reminder (reopened after weeks, or at install) gets the reminder now and
// the escalation a whole wait later, so reviewers get a real chance first.
func (r *run) remind(ctx context.Context, p *prCtx, d ScopeDecision, st turn.WaitState) error {
	reminder := MarkedComment(p.thread.Comments, r.inst.Bot, MarkerWait, st.Period)
	if reminder == nil {
		body, err := r.reminderBody(ctx, p, st)
		if err != nil {
			return err
		}
		posted, err := r.writeOnce(ctx, p, MarkerWait, st.Period, body)
		if err != nil || !posted {
			return err
		}
	} else if st.Escalate && !turn.EscalationDue(p.clock, reminder.GetCreatedAt().Time, r.inst.Now) {
		r.inst.Reportf("%s: escalation held until %s: reviews.wait after the reminder", p, p.clock.Add(reminder.GetCreatedAt().Time, p.clock.Wait).UTC().Format(time.RFC3339))
	} else if st.Escalate {
		if err := r.escalate(ctx, p, d, st, reminder); err != nil {
			return err
		}
	} else {
		r.inst.Reportf("%s: already reminded for the waiting period starting %s", p, st.Period)
	}
	if d.Keepalive == LabelAdd {
		label := p.pol.Reviews.KeepaliveLabel
		r.inst.Reportf("%s: adding keepalive label %q while it waits", p, label)
		if _, err := r.c.AddLabels(ctx, p.owner, p.repo, p.number, label); err != nil {
			return fmt.Errorf("add label %q to %s: %w", label, p, err)
		}
	}
	return nil
}

// writeOnce writes the marked comment through writeonce: it re-reads the
// bot's comments right before writing (a 304 when nothing changed), writes
// only when the marker is still missing, and settles with any concurrent
// run that wrote the same comment at the same moment (the first stays).
func (r *run) writeOnce(ctx context.Context, p *prCtx, kind, key, body string) (bool, error) {
	ref := policy.IssueRef{Owner: p.owner, Repo: p.repo, Number: p.number}
	c, err := r.inst.Write.CommentOnce(ctx, ref, kind, key, body)
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

func (r *run) escalate(ctx context.Context, p *prCtx, d ScopeDecision, st turn.WaitState, reminder *github.IssueComment) error {
	if MarkedComment(p.thread.Comments, r.inst.Bot, MarkerEscalate, st.Period) != nil {
		r.inst.Reportf("%s: already escalated for the waiting period starting %s", p, st.Period)
		return nil
	}
	e := Escalation{
		Author: p.is.GetUser().GetLogin(), Mentors: d.Mentee.Mentors, Waited: st.Waited, Wait: p.clock.Wait,
		BusinessDays: p.clock.BusinessDays, Suggested: SuggestedIn(reminder.GetBody()),
		Channels: p.pol.Program.Channels, Period: st.Period,
	}
	if len(e.Mentors) == 0 {
		var err error
		if e.Others, e.FromPool, err = r.escalationOthers(ctx, p, e.Author, e.Suggested); err != nil {
			return err
		}
	}
	body, err := RenderEscalation(e)
	if err != nil {
		return err
	}
	_, err = r.writeOnce(ctx, p, MarkerEscalate, st.Period, body)
	return err
}

// removeKeepalive removes the keepalive label the bot added (Scope decides
// that only when its labeled event names the bot).
func (r *run) removeKeepalive(ctx context.Context, p *prCtx, label string) error {
	r.inst.Reportf("%s: removing keepalive label %q the bot added (the wait is over)", p, label)
	if err := r.c.RemoveLabel(ctx, p.owner, p.repo, p.number, label); err != nil && !ghclient.IsNotFound(err) {
		return fmt.Errorf("remove label %q from %s: %w", label, p, err)
	}
	return nil
}
