package reviews

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/codeowners"
	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/maintainers"
	"github.com/thanos-community/mentorbot/pkg/turn"
)

// reminderBody gathers the evidence of one PR, chooses among the
// candidates and renders the reminder; with reviews.request_review it
// requests the reviews first, so that the comment says so only when it
// worked.
//
// Evidence is read first (see activity): it decides the ranking, so the
// lookups (membership, open review requests, activity of people the history
// did not show) go down that ranking one group of equally ranked candidates
// at a time and stop once a group leaves at least max_suggestions kept, or
// the lookup budget is spent: the strongest evidence is checked first.
func (r *run) reminderBody(ctx context.Context, p *prCtx, st turn.WaitState) (string, error) {
	files, err := r.files(ctx, p)
	if err != nil {
		return "", err
	}
	in := ChooseInput{
		Number: p.number, Author: p.is.GetUser().GetLogin(), Paths: files, Now: r.inst.Now,
		Pool: p.pol.Reviews.Reviewers, Exclude: p.pol.Reviews.Exclude, Bots: append([]string(nil), p.pol.Reviews.Bots...),
		MaxOpenRequests: p.pol.Reviews.MaxOpenRequests, MaxSuggestions: p.pol.Reviews.MaxSuggestions,
		InactiveAfter: p.pol.Reviews.InactiveAfter.D(),
	}
	for _, rv := range p.thread.Reviews {
		u := rv.GetUser()
		if turn.IsBotUser(u) {
			in.Bots = append(in.Bots, u.GetLogin())
		}
		if !strings.EqualFold(rv.GetState(), "PENDING") {
			in.Reviewed = append(in.Reviewed, u.GetLogin())
		}
	}
	co, err := r.codeowners(ctx, p)
	if err != nil {
		return "", err
	}
	in.Owners = CodeownerMatches(co, files, func(team string) ([]string, bool) { return r.teamMembers(ctx, team) })
	ml, err := r.maintainers(ctx, p)
	if err != nil {
		return "", err
	}
	in.Maintainers = ml.ForPaths(files)
	if in.Activity, in.LastActive, err = r.activity(ctx, p, files); err != nil {
		return "", err
	}

	limit := r.s.Lookups
	if limit <= 0 {
		limit = in.MaxSuggestions + 2
	}
	checked := map[string]bool{}
	in.OpenRequests = map[string]int{}
	if err := r.lookUp(ctx, p, &in, limit, checked); err != nil {
		return "", err
	}
	sugg, considered := Choose(in)
	for _, c := range considered {
		why := c.Why
		if !checked[strings.ToLower(c.Login)] && why == "not an organisation member or collaborator" {
			why = "not checked: enough reviewers rank above"
			if len(checked) >= limit {
				why = fmt.Sprintf("not checked: ranked below the first %d candidates", limit)
			}
		}
		var reasons []string
		for _, rs := range c.Reasons {
			reasons = append(reasons, rs.Kind.String())
		}
		kept := "dropped"
		if c.Kept {
			kept = "kept"
		}
		r.inst.Reportf("%s:   candidate %s %s: %s [%s]", p, c.Login, kept, why, strings.Join(reasons, ", "))
		zerolog.Ctx(ctx).Debug().Str("candidate", c.Login).Bool("kept", c.Kept).Str("why", why).Msg("reviewer candidate")
	}

	requested := false
	if p.pol.Reviews.RequestReview && len(sugg) > 0 {
		var logins []string
		for _, s := range sugg {
			logins = append(logins, s.Login)
		}
		if err := r.c.RequestReviewers(ctx, p.owner, p.repo, p.number, logins); err != nil {
			zerolog.Ctx(ctx).Warn().Err(err).Strs("reviewers", logins).Msg("review request refused, suggesting without requesting")
			r.inst.Reportf("%s: review request for %s refused: %v", p, strings.Join(logins, ", "), err)
		} else {
			requested = true
			r.inst.Reportf("%s: requested review from %s", p, strings.Join(logins, ", "))
		}
	}
	return RenderReminder(Reminder{
		Author: in.Author, Waited: st.Waited, Wait: p.clock.Wait, BusinessDays: p.clock.BusinessDays,
		Suggestions: sugg, MaxSuggestions: in.MaxSuggestions, Channels: p.pol.Program.Channels,
		Requested: requested, Period: st.Period,
	})
}

// remindApproved comments once per approval on an approved PR that is still
// not merged after reviews.approved_wait, addressing the mentors or, without
// them, the pool or two general maintainers (as the escalation does).
func (r *run) remindApproved(ctx context.Context, p *prCtx, d ScopeDecision, st turn.WaitState) error {
	if MarkedComment(p.thread.Comments, r.inst.Bot, MarkerApproved, st.Period) != nil {
		r.inst.Reportf("%s: already reminded that the approval of %s is not merged", p, st.Period)
		return nil
	}
	a := Approved{
		Author: p.is.GetUser().GetLogin(), Approver: st.By, Waited: st.Waited,
		BusinessDays: p.clock.BusinessDays, Addressed: d.Mentee.Mentors, Period: st.Period,
	}
	if len(a.Addressed) == 0 {
		var err error
		if a.Addressed, _, err = r.escalationOthers(ctx, p, a.Author, nil); err != nil {
			return err
		}
	}
	body, err := RenderApproved(a)
	if err != nil {
		return err
	}
	_, err = r.writeOnce(ctx, p, MarkerApproved, st.Period, body)
	return err
}

// escalationOthers is whom an escalation addresses when the mentee has no
// mentors: the reviewer pool, or else two of the general maintainers of
// MAINTAINERS.md, taking turns by PR number; never the author or the
// reviewers the reminder already named. fromPool says which.
func (r *run) escalationOthers(ctx context.Context, p *prCtx, author string, suggested []string) (others []string, fromPool bool, err error) {
	skip := set(append([]string{author}, suggested...))
	for _, l := range p.pol.Reviews.Reviewers {
		if !skip[strings.ToLower(strings.TrimPrefix(l, "@"))] {
			others = append(others, strings.TrimPrefix(l, "@"))
		}
	}
	if len(others) > 0 {
		return others, true, nil
	}
	ml, err := r.maintainers(ctx, p)
	if err != nil || ml == nil {
		return nil, false, err
	}
	var general []string
	for _, e := range ml.Entries {
		if e.Role == maintainers.RoleMaintainer && len(e.Areas) == 0 && !skip[strings.ToLower(e.Login)] {
			general = append(general, e.Login)
		}
	}
	for i := 0; i < len(general) && i < 2; i++ {
		others = append(others, general[(p.number+i)%len(general)])
	}
	return others, false, nil
}

// lookUp checks candidates in ranking order, a group of equally ranked ones
// at a time, until a group ends with max_suggestions kept or limit people
// were checked: whether they can review here, their open review requests
// and, when the history read does not show them active, whether they made
// any commit in the repository within reviews.inactive_after. It fills
// in.Eligible, in.OpenRequests and in.LastActive.
func (r *run) lookUp(ctx context.Context, p *prCtx, in *ChooseInput, limit int, checked map[string]bool) error {
	pre := *in
	pre.MaxSuggestions, pre.MaxOpenRequests, pre.OpenRequests, pre.InactiveAfter = 1<<20, 0, nil, 0
	pre.Eligible = candidatesOf(*in)
	ranked, _ := Choose(pre)
	for i := 0; i < len(ranked); {
		if keptCount(*in) >= in.MaxSuggestions || len(checked) >= limit {
			break
		}
		j := i + 1
		for j < len(ranked) && sameRankNoLoad(ranked[i], ranked[j]) {
			j++
		}
		for _, s := range ranked[i:j] {
			login := strings.ToLower(s.Login)
			if checked[login] {
				continue
			}
			if len(checked) >= limit {
				break
			}
			checked[login] = true
			ok, err := r.eligible(ctx, p, s.Login)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			in.Eligible = append(in.Eligible, s.Login)
			if in.InactiveAfter > 0 && !activeIn(*in, s.Login) {
				at, err := r.lastCommit(ctx, p, s.Login, in.Now.Add(-in.InactiveAfter))
				if err != nil {
					return err
				}
				if in.LastActive == nil {
					in.LastActive = map[string]time.Time{}
				}
				in.LastActive[login] = at
				if at.IsZero() {
					continue
				}
			}
			n, err := r.openRequests(ctx, s.Login)
			if err != nil {
				return err
			}
			in.OpenRequests[s.Login] = n
		}
		i = j
	}
	return nil
}

// activeIn reports whether what is known shows login active within
// InactiveAfter.
func activeIn(in ChooseInput, login string) bool {
	since := in.Now.Add(-in.InactiveAfter)
	for k, t := range in.LastActive {
		if strings.EqualFold(k, login) && t.After(since) {
			return true
		}
	}
	for _, a := range in.Activity {
		if strings.EqualFold(a.Login, login) && a.At.After(since) {
			return true
		}
	}
	return false
}

// sameRankNoLoad is sameRank before open review requests are known.
func sameRankNoLoad(a, b Suggestion) bool {
	return bucket(a.Score) == bucket(b.Score) && tierOf(a.Reasons) == tierOf(b.Reasons)
}

func tierOf(rs []Reason) ReasonKind {
	c := &candidate{reasons: append([]Reason(nil), rs...)}
	c.rank()
	return c.tier
}

// keptCount is how many Choose would suggest with what is known so far.
func keptCount(in ChooseInput) int {
	sugg, _ := Choose(in)
	return len(sugg)
}

// candidatesOf lists every login any source names.
func candidatesOf(in ChooseInput) []string {
	var out []string
	for _, o := range in.Owners {
		if o.Login != "" {
			out = append(out, o.Login)
		}
	}
	for _, m := range in.Maintainers {
		out = append(out, m.Entry.Login)
	}
	for _, a := range in.Activity {
		out = append(out, a.Login)
	}
	return append(out, in.Pool...)
}

func (r *run) files(ctx context.Context, p *prCtx) ([]string, error) {
	fs, err := r.c.PullFiles(ctx, p.owner, p.repo, p.number, 3)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, f.GetFilename())
	}
	return out, nil
}

// getter reads files of one repository's default branch. With the root
// listing it answers "not found" without a request for a file whose top
// directory (or itself, at the root) is not there: most repositories have
// no docs/ directory and one CODEOWNERS at most.
type getter struct {
	c           GitHub
	owner, repo string
	root        map[string]string // nil: unknown
}

func (g getter) GetFile(ctx context.Context, p string) ([]byte, bool, error) {
	if g.root != nil {
		top, rest, nested := strings.Cut(p, "/")
		want := "file"
		if nested && rest != "" {
			want = "dir"
		}
		if g.root[top] != want {
			return nil, false, nil
		}
	}
	fc, _, err := g.c.Contents(ctx, g.owner, g.repo, p)
	if ghclient.IsNotFound(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if fc == nil {
		return nil, false, nil // a directory
	}
	s, err := fc.GetContent()
	if err != nil {
		return nil, false, fmt.Errorf("decode %s: %w", p, err)
	}
	return []byte(s), true, nil
}

func (r *run) getter(p *prCtx) getter {
	g := getter{c: r.c, owner: p.owner, repo: p.repo}
	if ri := r.repoInfo[strings.ToLower(p.name)]; ri != nil {
		g.root = ri.root
	}
	return g
}

func (r *run) codeowners(ctx context.Context, p *prCtx) (*codeowners.File, error) {
	if f, ok := r.owners[p.name]; ok {
		return f, nil
	}
	f, where, err := codeowners.Find(ctx, r.getter(p))
	if err != nil {
		return nil, fmt.Errorf("read CODEOWNERS of %s: %w", p.name, err)
	}
	if f != nil {
		zerolog.Ctx(ctx).Debug().Str("path", where).Int("rules", len(f.Rules)).Msg("codeowners loaded")
	}
	r.owners[p.name] = f
	return f, nil
}

func (r *run) maintainers(ctx context.Context, p *prCtx) (*maintainers.List, error) {
	if l, ok := r.maint[p.name]; ok {
		return l, nil
	}
	data, found, err := r.getter(p).GetFile(ctx, "MAINTAINERS.md")
	if err != nil {
		return nil, fmt.Errorf("read MAINTAINERS.md of %s: %w", p.name, err)
	}
	var l *maintainers.List
	if found {
		l = maintainers.Parse(data)
	}
	r.maint[p.name] = l
	return l, nil
}

// teamMembers expands "org/team" for teams of the installation's own org.
func (r *run) teamMembers(ctx context.Context, team string) ([]string, bool) {
	if ms, ok := r.teams[team]; ok || r.teamOK[team] {
		return ms, r.teamOK[team]
	}
	org, slug, _ := strings.Cut(team, "/")
	if !strings.EqualFold(org, r.inst.Owner) {
		r.teams[team] = nil
		return nil, false
	}
	out, err := r.c.TeamMembers(ctx, org, slug, 5)
	if err != nil {
		zerolog.Ctx(ctx).Debug().Err(err).Str("team", team).Msg("team members unreadable, showing the team")
		r.teams[team] = nil
		return nil, false
	}
	r.teams[team], r.teamOK[team] = out, true
	return out, true
}

// activity reads the repository's recent history of the PR's most touched
// directories (noise such as CHANGELOG.md and go.sum left out), one
// commits-API call per directory (HistoryDirs at most): each commit is
// authored by its author and, when a GitHub user other than the author and
// GitHub itself committed it, committed by them. Merges come from one read
// of the default branch's latest commits per repository and sweep: a merge
// commit ("Merge pull request", two parents) whose second parent is one of a
// directory's commits merged a PR touching that directory. Everyone seen in
// either read is known active at their latest commit.
func (r *run) activity(ctx context.Context, p *prCtx, files []string) ([]Activity, map[string]time.Time, error) {
	count := map[string]int{}
	for _, f := range files {
		if Noise(f) {
			continue
		}
		count[dirOf(f)]++
	}
	dirs := make([]string, 0, len(count))
	for d := range count {
		dirs = append(dirs, d)
	}
	sort.Slice(dirs, func(i, j int) bool {
		if count[dirs[i]] != count[dirs[j]] {
			return count[dirs[i]] > count[dirs[j]]
		}
		return dirs[i] < dirs[j]
	})
	max := r.s.HistoryDirs
	if max <= 0 {
		max = 3
	}
	if len(dirs) > max {
		dirs = dirs[:max]
	}
	window := r.s.HistoryWindow
	if window <= 0 {
		window = 180 * 24 * time.Hour
	}
	since := r.inst.Now.Add(-window)
	merges, last, err := r.merges(ctx, p, since)
	if err != nil {
		return nil, nil, err
	}
	var out []Activity
	placed := map[string]bool{}
	for _, d := range dirs {
		cs, err := r.c.Commits(ctx, p.owner, p.repo, &github.CommitsListOptions{Path: d, Since: since, ListOptions: github.ListOptions{PerPage: 100}})
		if err != nil {
			return nil, nil, fmt.Errorf("touching %s: %w", d, err)
		}
		for _, c := range cs {
			at := c.GetCommit().GetCommitter().GetDate().Time
			if at.IsZero() {
				at = c.GetCommit().GetAuthor().GetDate().Time
			}
			a, cm := c.GetAuthor(), c.GetCommitter()
			if a.GetLogin() != "" && !turn.IsBotUser(a) {
				out = append(out, Activity{Login: a.GetLogin(), Kind: ActAuthored, Paths: []string{d + "/"}, At: at})
				seen(last, a.GetLogin(), at)
			}
			if l := cm.GetLogin(); l != "" && l != "web-flow" && !turn.IsBotUser(cm) && !strings.EqualFold(l, a.GetLogin()) {
				out = append(out, Activity{Login: l, Kind: ActCommitted, Paths: []string{d + "/"}, At: at})
				seen(last, l, at)
			}
			if m, ok := merges[c.GetSHA()]; ok {
				out = append(out, Activity{Login: m.login, Kind: ActMerged, Paths: []string{d + "/"}, At: m.at})
				placed[c.GetSHA()] = true
			}
		}
	}
	// The other merges count as merges somewhere in the repository.
	heads := make([]string, 0, len(merges))
	for head := range merges {
		heads = append(heads, head)
	}
	sort.Strings(heads)
	for _, head := range heads {
		if m := merges[head]; !placed[head] {
			out = append(out, Activity{Login: m.login, Kind: ActMerged, At: m.at})
		}
	}
	return out, last, nil
}

func seen(last map[string]time.Time, login string, at time.Time) {
	k := strings.ToLower(login)
	if at.After(last[k]) {
		last[k] = at
	}
}

type merge struct {
	login string
	at    time.Time
}

// merges reads the default branch's latest 100 commits once per repository
// and sweep, and returns the merge commits keyed by the PR head they merged
// (the second parent), and everyone's latest commit among them.
func (r *run) merges(ctx context.Context, p *prCtx, since time.Time) (map[string]merge, map[string]time.Time, error) {
	key := strings.ToLower(p.name)
	if ri := r.repoInfo[key]; ri != nil && ri.merges != nil {
		return ri.merges, cloneTimes(ri.last), nil
	}
	cs, err := r.c.Commits(ctx, p.owner, p.repo, &github.CommitsListOptions{Since: since, ListOptions: github.ListOptions{PerPage: 100}})
	if err != nil {
		return nil, nil, err
	}
	ms, last := map[string]merge{}, map[string]time.Time{}
	for _, c := range cs {
		a := c.GetAuthor()
		if a.GetLogin() == "" || turn.IsBotUser(a) {
			continue
		}
		at := c.GetCommit().GetCommitter().GetDate().Time
		if at.IsZero() {
			at = c.GetCommit().GetAuthor().GetDate().Time
		}
		seen(last, a.GetLogin(), at)
		if len(c.Parents) == 2 && strings.HasPrefix(c.GetCommit().GetMessage(), "Merge pull request #") {
			ms[c.Parents[1].GetSHA()] = merge{login: a.GetLogin(), at: at}
		}
	}
	if ri := r.repoInfo[key]; ri != nil {
		ri.merges, ri.last = ms, last
	}
	return ms, cloneTimes(last), nil
}

func cloneTimes(m map[string]time.Time) map[string]time.Time {
	out := make(map[string]time.Time, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// lastCommit returns when login last committed in the PR's repository since
// since (zero when not), one commits-API call per person, repository and
// sweep.
func (r *run) lastCommit(ctx context.Context, p *prCtx, login string, since time.Time) (time.Time, error) {
	ck := strings.ToLower(p.name) + "/" + strings.ToLower(login)
	if at, ok := r.active[ck]; ok {
		return at, nil
	}
	cs, err := r.c.Commits(ctx, p.owner, p.repo, &github.CommitsListOptions{Author: login, Since: since, ListOptions: github.ListOptions{PerPage: 1}})
	if err != nil {
		return time.Time{}, fmt.Errorf("by %s: %w", login, err)
	}
	var at time.Time
	if len(cs) > 0 {
		at = cs[0].GetCommit().GetCommitter().GetDate().Time
		if at.IsZero() {
			at = cs[0].GetCommit().GetAuthor().GetDate().Time
		}
		if at.IsZero() {
			at = since.Add(time.Second)
		}
	}
	r.active[ck] = at
	return at, nil
}

// eligible reports whether login is an org member (one listing per sweep)
// or, failing that, a collaborator of the PR's repository.
func (r *run) eligible(ctx context.Context, p *prCtx, login string) (bool, error) {
	key := strings.ToLower(login)
	if r.isOrg && !r.membersLoaded {
		r.membersLoaded = true
		r.members = map[string]bool{}
		us, err := r.c.OrgMembers(ctx, r.inst.Owner, 20)
		if err != nil {
			zerolog.Ctx(ctx).Debug().Err(err).Msg("org members unreadable, checking collaborators instead")
		} else {
			r.membersOK = true
		}
		for _, u := range us {
			r.members[strings.ToLower(u)] = true
		}
	}
	if r.members[key] {
		return true, nil
	}
	ck := strings.ToLower(p.name) + "/" + key
	if v, ok := r.collab[ck]; ok {
		return v, nil
	}
	ok, err := r.c.IsCollaborator(ctx, p.owner, p.repo, login)
	if err != nil {
		return false, err
	}
	r.collab[ck] = ok
	return ok, nil
}

// openRequests counts login's open review requests in the org (one search
// per person per sweep).
func (r *run) openRequests(ctx context.Context, login string) (int, error) {
	key := strings.ToLower(login)
	if n, ok := r.open[key]; ok {
		return n, nil
	}
	q := "is:pr is:open review-requested:" + login + " " + r.scope
	res, _, err := r.c.SearchIssues(ctx, q, &github.SearchOptions{ListOptions: github.ListOptions{PerPage: 1}})
	if err != nil {
		return 0, fmt.Errorf("count open review requests of %s: %w", login, err)
	}
	r.open[key] = res.GetTotal()
	return res.GetTotal(), nil
}
