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
	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/policy"
)

// MarkerKeepalive is carried by the bot's reminder comment while the bot owns
// the keepalive label on the PR (key: the label, lower case). The bot removes
// the label only while this marker exists, and strips the marker when it
// does, so a label a human added is never removed.
const MarkerKeepalive = "keepalive"

// Sweep is the review-wait sweep ("mentorbot remind"). It uses the org-wide
// policy of the installation for every repository: per-repository overrides
// are not loaded by the sweep (that would cost one or two calls per
// repository per sweep).
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
	c     *github.Client
	pol   *policy.Policy
	clock Clock
	scope string // "org:X" or "user:X"
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
}

// Sweep runs one pass over every repository of the installation.
func (s *Sweep) Sweep(ctx context.Context, inst job.Installation) error {
	pol := inst.Policy
	r := &run{
		s: s, inst: inst, c: inst.Client, pol: &pol,
		clock: Clock{Wait: pol.Reviews.Wait.D(), BusinessDays: pol.Reviews.BusinessDays, Location: pol.Reviews.Location()},
		scope: "user:" + inst.Owner, repos: map[string]bool{},
		collab: map[string]bool{}, open: map[string]int{}, owners: map[string]*codeowners.File{},
		maint: map[string]*maintainers.List{}, teams: map[string][]string{}, teamOK: map[string]bool{},
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

// find returns the open, non-draft PRs that may be in scope, with as few
// searches as possible. GitHub's search ANDs repeated author: qualifiers, so
// mentees cannot be combined in one query: for several mentees, one
// org-wide search (paginated, filtered here) is used when it needs no more
// pages than there are mentees, and one search per mentee otherwise.
func (r *run) find(ctx context.Context) ([]*github.Issue, error) {
	base := "is:pr is:open draft:false archived:false " + r.scope
	var active []string
	loc := r.clock.loc()
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
	res, _, err := r.c.Search.Issues(ctx, q, &github.SearchOptions{Sort: "created", Order: "asc", ListOptions: github.ListOptions{PerPage: 100, Page: page}})
	if err != nil {
		return nil, 0, fmt.Errorf("search %q page %d: %w", q, page, err)
	}
	return res.Issues, res.GetTotal(), nil
}

// filter keeps the installation's repositories' PRs.
func (r *run) filter(in []*github.Issue) []*github.Issue {
	var out []*github.Issue
	for _, is := range in {
		if r.repos[strings.ToLower(repoOf(is))] {
			out = append(out, is)
		}
	}
	return out
}

func repoOf(is *github.Issue) string {
	u := is.GetRepositoryURL()
	parts := strings.Split(strings.TrimRight(u, "/"), "/")
	if len(parts) < 2 {
		return ""
	}
	return parts[len(parts)-2] + "/" + parts[len(parts)-1]
}

type prCtx struct {
	owner, repo, name string
	number            int
	is                *github.Issue
	comments          []*github.IssueComment
	reviews           []*github.PullRequestReview
	labels            []string
}

func (p *prCtx) String() string { return fmt.Sprintf("%s#%d", p.name, p.number) }

// pull handles one PR.
func (r *run) pull(ctx context.Context, is *github.Issue) error {
	name := repoOf(is)
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
		AuthorIsBot: job.IsBot(is.GetUser()), Now: r.inst.Now, Location: r.clock.loc(),
	}
	d := Scope(r.pol, in)
	if !d.InScope {
		log.Debug().Str("why", d.Why).Msg("pull request out of scope")
		return nil
	}
	label := r.pol.Reviews.KeepaliveLabel
	hasLabel := label != "" && hasLabel(p.labels, label)
	// Cheap pre-check: a waiting period never starts before the PR was
	// opened, so a PR younger than the wait cannot be over it.
	if age := r.clock.elapsed(is.GetCreatedAt().Time, r.inst.Now); age <= r.clock.Wait && !hasLabel {
		r.inst.Reportf("%s: opened %s ago, within the %s wait; skipped", p, humanDuration(age), humanDuration(r.clock.Wait))
		return nil
	}

	if err := r.readConversation(ctx, p); err != nil {
		return err
	}
	h := History{Author: in.Author, CreatedAt: is.GetCreatedAt().Time, State: "open", Draft: in.Draft}
	h.Events = r.events(p)
	st := Wait(h, r.inst.Now, r.clock)
	if r.needCommits(p, h, st) {
		commits, err := r.commits(ctx, p)
		if err != nil {
			return err
		}
		h.Events = append(h.Events, commits...)
		st = Wait(h, r.inst.Now, r.clock)
	}
	in.Waiting = st.Over
	in.KeepaliveByBot = r.ownsKeepalive(p, label)
	d = Scope(r.pol, in)
	if !st.Waiting {
		r.inst.Reportf("%s: not waiting for reviewers (%s)", p, st.Why)
	} else {
		r.inst.Reportf("%s: waited %s (%s; wait %s, reminder due %s, escalation due %s)", p, humanDuration(st.Waited), st.Why,
			humanDuration(r.clock.Wait), st.OverAt.UTC().Format(time.RFC3339), st.EscalateAt.UTC().Format(time.RFC3339))
	}
	log.Debug().Bool("waiting", st.Waiting).Dur("waited", st.Waited).Bool("over", st.Over).Str("why", st.Why).Str("period", st.Period).Msg("wait clock")

	var errs []error
	if st.Over {
		if err := r.remind(ctx, p, d, st); err != nil {
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

func (r *run) readConversation(ctx context.Context, p *prCtx) error {
	cs, err := r.listComments(ctx, p)
	if err != nil {
		return err
	}
	p.comments = cs
	opt := &github.ListOptions{PerPage: 100}
	for page := 0; page < 5; page++ {
		rvs, res, err := r.c.PullRequests.ListReviews(ctx, p.owner, p.repo, p.number, opt)
		if err != nil {
			return fmt.Errorf("list reviews of %s: %w", p, err)
		}
		p.reviews = append(p.reviews, rvs...)
		if res.NextPage == 0 {
			break
		}
		opt.Page = res.NextPage
	}
	return nil
}

func (r *run) listComments(ctx context.Context, p *prCtx) ([]*github.IssueComment, error) {
	var out []*github.IssueComment
	opt := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}}
	for page := 0; page < 10; page++ {
		cs, res, err := r.c.Issues.ListComments(ctx, p.owner, p.repo, p.number, opt)
		if err != nil {
			return nil, fmt.Errorf("list comments of %s: %w", p, err)
		}
		out = append(out, cs...)
		if res.NextPage == 0 {
			break
		}
		opt.Page = res.NextPage
	}
	return out, nil
}

// events builds the timeline from comments and reviews. Review comments are
// not listed separately: on GitHub every review comment, replies included,
// belongs to a review whose submitted_at is in the reviews list.
func (r *run) events(p *prCtx) []Event {
	var ev []Event
	for _, c := range p.comments {
		ev = append(ev, Event{Kind: EventComment, Actor: c.GetUser().GetLogin(), Bot: job.IsBot(c.GetUser()), At: c.GetCreatedAt().Time})
	}
	for _, rv := range p.reviews {
		ev = append(ev, Event{Kind: EventReview, Actor: rv.GetUser().GetLogin(), Bot: job.IsBot(rv.GetUser()), At: rv.GetSubmittedAt().Time, ReviewState: rv.GetState()})
	}
	return ev
}

// needCommits says whether pushes can change the verdict. Pushes only move
// the start of a wait later: with no response, a PR not over the wait
// without them is not over with them. After a response, only a push later
// than it matters, and a push moves updated_at.
func (r *run) needCommits(p *prCtx, h History, st WaitState) bool {
	if st.Waiting {
		return st.Over
	}
	var last time.Time
	for _, e := range h.Events {
		if !strings.EqualFold(e.Actor, h.Author) && !e.Bot && !IsBot(e.Actor) && e.At.After(last) {
			last = e.At
		}
	}
	return p.is.GetUpdatedAt().Time.After(last)
}

func (r *run) commits(ctx context.Context, p *prCtx) ([]Event, error) {
	var ev []Event
	opt := &github.ListOptions{PerPage: 100}
	for page := 0; page < 3; page++ {
		cs, res, err := r.c.PullRequests.ListCommits(ctx, p.owner, p.repo, p.number, opt)
		if err != nil {
			return nil, fmt.Errorf("list commits of %s: %w", p, err)
		}
		for _, c := range cs {
			// The committer date is the closest the API gets to when the
			// commit was pushed (a rebase or amend updates it).
			at := c.GetCommit().GetCommitter().GetDate().Time
			if at.IsZero() {
				at = c.GetCommit().GetAuthor().GetDate().Time
			}
			ev = append(ev, Event{Kind: EventPush, Actor: c.GetAuthor().GetLogin(), At: at})
		}
		if res.NextPage == 0 {
			break
		}
		opt.Page = res.NextPage
	}
	return ev, nil
}

func (r *run) ownComments(cs []*github.IssueComment) []*github.IssueComment {
	var out []*github.IssueComment
	for _, c := range cs {
		if r.inst.Bot.IsSelf(c.GetUser().GetLogin()) {
			out = append(out, c)
		}
	}
	return out
}

func (r *run) findMarker(cs []*github.IssueComment, kind, key string) *github.IssueComment {
	for _, c := range r.ownComments(cs) {
		if markers.Has(c.GetBody(), kind, key) {
			return c
		}
	}
	return nil
}

func (r *run) ownsKeepalive(p *prCtx, label string) bool {
	return label != "" && r.findMarker(p.comments, MarkerKeepalive, strings.ToLower(label)) != nil
}

// remind posts the reminder once per waiting period, adds the keepalive
// label, and escalates once after twice the wait. A PR found already past
// twice the wait without a reminder gets the reminder first and the
// escalation on the next sweep, so nobody gets two comments at once.
//
// Known gap: History.ReadyForReviewAt is not read (that needs the issue
// events or timeline API), so a PR that sat in draft counts from when it
// was opened.
func (r *run) remind(ctx context.Context, p *prCtx, d ScopeDecision, st WaitState) error {
	label := r.pol.Reviews.KeepaliveLabel
	keepMarker := ""
	if label != "" {
		keepMarker = markers.New(MarkerKeepalive, strings.ToLower(label))
	}
	reminder := r.findMarker(p.comments, MarkerWait, st.Period)
	if reminder == nil {
		body, err := r.reminderBody(ctx, p, st)
		if err != nil {
			return err
		}
		if d.Keepalive == LabelAdd {
			body += keepMarker + "\n"
		}
		posted, err := r.writeOnce(ctx, p, MarkerWait, st.Period, body)
		if err != nil || !posted {
			return err
		}
	} else if st.Escalate {
		if err := r.escalate(ctx, p, d, st, reminder); err != nil {
			return err
		}
	} else {
		r.inst.Reportf("%s: already reminded for the waiting period starting %s", p, st.Period)
	}
	if d.Keepalive == LabelAdd {
		if reminder != nil && !markers.Has(reminder.GetBody(), MarkerKeepalive, strings.ToLower(label)) {
			body := reminder.GetBody() + keepMarker + "\n"
			if _, _, err := r.c.Issues.EditComment(ctx, p.owner, p.repo, reminder.GetID(), &github.IssueComment{Body: &body}); err != nil {
				return fmt.Errorf("record keepalive label on %s: %w", p, err)
			}
		}
		r.inst.Reportf("%s: adding keepalive label %q while it waits", p, label)
		if _, err := ghclient.AddLabels(ctx, r.c, p.owner, p.repo, p.number, label); err != nil {
			return fmt.Errorf("add label %q to %s: %w", label, p, err)
		}
	}
	return nil
}

// writeOnce re-reads the conversation right before writing, writes only when
// the marker is still missing, and afterwards keeps only the oldest of any
// duplicates a concurrent run wrote at the same moment.
func (r *run) writeOnce(ctx context.Context, p *prCtx, kind, key, body string) (bool, error) {
	cs, err := r.listComments(ctx, p)
	if err != nil {
		return false, err
	}
	if r.findMarker(cs, kind, key) != nil {
		r.inst.Reportf("%s: %s:%s already written (by a concurrent run)", p, kind, key)
		return false, nil
	}
	r.inst.Reportf("%s: comment:\n%s", p, indent(body))
	c, _, err := r.c.Issues.CreateComment(ctx, p.owner, p.repo, p.number, &github.IssueComment{Body: &body})
	if err != nil {
		return false, fmt.Errorf("comment %s:%s on %s: %w", kind, key, p, err)
	}
	zerolog.Ctx(ctx).Info().Str("marker", kind+":"+key).Msg("commented")
	if c.GetID() == 0 {
		return true, nil // dry run: nothing was written
	}
	cs, err = r.listComments(ctx, p)
	if err != nil {
		return true, err
	}
	for _, o := range r.ownComments(cs) {
		if o.GetID() < c.GetID() && markers.Has(o.GetBody(), kind, key) {
			zerolog.Ctx(ctx).Info().Int64("comment", c.GetID()).Msg("concurrent run wrote the same comment first, deleting ours")
			if _, err := r.c.Issues.DeleteComment(ctx, p.owner, p.repo, c.GetID()); err != nil {
				return true, fmt.Errorf("delete duplicate comment on %s: %w", p, err)
			}
			return false, nil
		}
	}
	return true, nil
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}

func (r *run) escalate(ctx context.Context, p *prCtx, d ScopeDecision, st WaitState, reminder *github.IssueComment) error {
	if r.findMarker(p.comments, MarkerEscalate, st.Period) != nil {
		r.inst.Reportf("%s: already escalated for the waiting period starting %s", p, st.Period)
		return nil
	}
	e := Escalation{
		Author: p.is.GetUser().GetLogin(), Mentors: d.Mentee.Mentors, Waited: st.Waited, Wait: r.clock.Wait,
		BusinessDays: r.clock.BusinessDays, Suggested: suggestedIn(reminder.GetBody()),
		Channels: r.pol.Program.Channels, Period: st.Period,
	}
	body, err := RenderEscalation(e)
	if err != nil {
		return err
	}
	_, err = r.writeOnce(ctx, p, MarkerEscalate, st.Period, body)
	return err
}

// suggestedIn reads the suggested logins back from the bot's own reminder
// ("- @login: reasons").
func suggestedIn(body string) []string {
	var out []string
	for _, line := range strings.Split(body, "\n") {
		rest, ok := strings.CutPrefix(line, "- @")
		if !ok {
			continue
		}
		login, _, ok := strings.Cut(rest, ":")
		if ok && login != "" {
			out = append(out, login)
		}
	}
	return out
}

func (r *run) removeKeepalive(ctx context.Context, p *prCtx, label string) error {
	r.inst.Reportf("%s: removing keepalive label %q the bot added (the wait is over)", p, label)
	if err := ghclient.RemoveLabel(ctx, r.c, p.owner, p.repo, p.number, label); err != nil && !ghclient.IsNotFound(err) {
		return fmt.Errorf("remove label %q from %s: %w", label, p, err)
	}
	m := markers.New(MarkerKeepalive, strings.ToLower(label))
	for _, c := range r.ownComments(p.comments) {
		if !strings.Contains(c.GetBody(), m) {
			continue
		}
		body := strings.ReplaceAll(c.GetBody(), m+"\n", "")
		body = strings.ReplaceAll(body, m, "")
		if _, _, err := r.c.Issues.EditComment(ctx, p.owner, p.repo, c.GetID(), &github.IssueComment{Body: &body}); err != nil {
			return fmt.Errorf("clear keepalive marker on %s: %w", p, err)
		}
	}
	return nil
}
