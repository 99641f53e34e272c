package reviews

import (
	"context"
	"fmt"
	"maps"
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

// evidence gathers, as plain data, what the reviewer choice and the
// escalation rest on: each repository's root listing, CODEOWNERS,
// MAINTAINERS.md and recent history, the org's teams and members, and each
// candidate's collaborator status, latest commit and open review requests.
// It reads each of them at most once per sweep, however many pull requests
// need it (the scoring of the history is Evidence, a pure function).
type evidence struct {
	gh EvidenceReader
	// owner is the installation's account: only its teams are expanded.
	owner string
	// scope is "org:X" or "user:X", the search qualifier of the account.
	scope string
	isOrg bool
	now   time.Time
	// historyDirs and historyWindow bound the history read (see activity).
	historyDirs   int
	historyWindow time.Duration

	repos   map[string]*repoEvidence // by lower-case "owner/name"
	teams   map[string]team          // by "org/slug" as CODEOWNERS names it
	members map[string]bool          // lower-case logins; nil until read
	collab  map[string]bool          // lower-case "owner/name/login"
	active  map[string]time.Time     // lower-case "owner/name/login": see lastCommit
	open    map[string]int           // lower-case login: see openRequests
}

// repoEvidence is what the sweep learnt about one repository.
type repoEvidence struct {
	listed bool
	// root maps the names in the repository's root directory to "file" or
	// "dir"; nil when the listing may be incomplete (GitHub lists at most
	// 1,000 entries) or was not made, in which case files are read without
	// looking first.
	root       map[string]string
	owners     *codeowners.File
	ownersRead bool
	maint      *maintainers.List
	maintRead  bool
	// merges and last are read once per sweep (see merges); merges is nil
	// until then.
	merges map[string]merge
	last   map[string]time.Time
}

type team struct {
	members []string
	ok      bool
}

func newEvidence(gh EvidenceReader, owner string, isOrg bool, now time.Time, historyDirs int, historyWindow time.Duration) *evidence {
	scope := "user:" + owner
	if isOrg {
		scope = "org:" + owner
	}
	if historyDirs <= 0 {
		historyDirs = 3
	}
	if historyWindow <= 0 {
		historyWindow = 180 * 24 * time.Hour
	}
	return &evidence{
		gh: gh, owner: owner, scope: scope, isOrg: isOrg, now: now,
		historyDirs: historyDirs, historyWindow: historyWindow,
		repos: map[string]*repoEvidence{}, teams: map[string]team{},
		collab: map[string]bool{}, active: map[string]time.Time{}, open: map[string]int{},
	}
}

func (e *evidence) repo(owner, name string) *repoEvidence {
	key := strings.ToLower(owner + "/" + name)
	re := e.repos[key]
	if re == nil {
		re = &repoEvidence{}
		e.repos[key] = re
	}
	return re
}

// listRoot lists the repository's root directory once per sweep: it says
// where CODEOWNERS and MAINTAINERS.md are, and spares a request for each
// file that is not there.
func (e *evidence) listRoot(ctx context.Context, owner, name string) error {
	re := e.repo(owner, name)
	if re.listed {
		return nil
	}
	_, dir, err := e.gh.Contents(ctx, owner, name, "")
	switch {
	case ghclient.IsNotFound(err):
		re.root = map[string]string{} // an empty repository
	case err != nil:
		return fmt.Errorf("list the root of %s/%s: %w", owner, name, err)
	case len(dir) < 1000:
		re.root = map[string]string{}
		for _, d := range dir {
			re.root[d.GetName()] = d.GetType()
		}
	}
	re.listed = true
	return nil
}

// gather fills in what the evidence says about the candidates of one PR:
// CODEOWNERS, MAINTAINERS.md, the history, then the lookups (see lookUp).
// It returns who was looked up.
func (e *evidence) gather(ctx context.Context, owner, name string, in *ChooseInput, limit int) (map[string]bool, error) {
	co, err := e.codeowners(ctx, owner, name)
	if err != nil {
		return nil, err
	}
	in.Owners = CodeownerMatches(co, in.Paths, func(team string) ([]string, bool) { return e.teamMembers(ctx, team) })
	ml, err := e.maintainers(ctx, owner, name)
	if err != nil {
		return nil, err
	}
	in.Maintainers = ml.ForPaths(in.Paths)
	if in.Activity, in.LastActive, err = e.activity(ctx, owner, name, in.Paths); err != nil {
		return nil, err
	}
	checked := map[string]bool{}
	in.OpenRequests = map[string]int{}
	if err := e.lookUp(ctx, owner, name, in, limit, checked); err != nil {
		return nil, err
	}
	return checked, nil
}

// lookUp checks candidates in ranking order, a group of equally ranked ones
// at a time, until a group ends with max_suggestions kept or limit people
// were checked: whether they can review here, their open review requests
// and, when the history read does not show them active, whether they made
// any commit in the repository within reviews.inactive_after. It fills
// in.Eligible, in.OpenRequests and in.LastActive. Evidence decides the
// ranking, so the strongest evidence is checked first.
func (e *evidence) lookUp(ctx context.Context, owner, name string, in *ChooseInput, limit int, checked map[string]bool) error {
	for _, group := range rankGroups(*in) {
		if keptCount(*in) >= in.MaxSuggestions || len(checked) >= limit {
			break
		}
		for _, login := range group {
			key := strings.ToLower(login)
			if checked[key] {
				continue
			}
			if len(checked) >= limit {
				break
			}
			checked[key] = true
			if err := e.lookUpOne(ctx, owner, name, in, login); err != nil {
				return err
			}
		}
	}
	return nil
}

// lookUpOne checks one candidate: eligible, active, then their load.
func (e *evidence) lookUpOne(ctx context.Context, owner, name string, in *ChooseInput, login string) error {
	ok, err := e.eligible(ctx, owner, name, login)
	if err != nil || !ok {
		return err
	}
	in.Eligible = append(in.Eligible, login)
	if in.InactiveAfter > 0 && !activeIn(*in, login) {
		at, err := e.lastCommit(ctx, owner, name, login, in.Now.Add(-in.InactiveAfter))
		if err != nil {
			return err
		}
		if in.LastActive == nil {
			in.LastActive = map[string]time.Time{}
		}
		in.LastActive[strings.ToLower(login)] = at
		if at.IsZero() {
			return nil
		}
	}
	n, err := e.openRequests(ctx, login)
	if err != nil {
		return err
	}
	in.OpenRequests[login] = n
	return nil
}

// rankGroups lists every candidate any source names in the order Choose
// would rank them with everyone eligible and nobody's load known, in groups
// of equally ranked ones: the order the lookups go in.
func rankGroups(in ChooseInput) [][]string {
	pre := in
	pre.MaxSuggestions, pre.MaxOpenRequests, pre.OpenRequests, pre.InactiveAfter = 1<<20, 0, nil, 0
	pre.Eligible = candidatesOf(in)
	ranked, _ := Choose(pre)
	var out [][]string
	for i := 0; i < len(ranked); {
		j := i + 1
		for j < len(ranked) && sameRankNoLoad(ranked[i], ranked[j]) {
			j++
		}
		out = append(out, logins(ranked[i:j]))
		i = j
	}
	return out
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

// getter reads files of one repository's default branch. With the root
// listing it answers "not found" without a request for a file whose top
// directory (or itself, at the root) is not there: most repositories have
// no docs/ directory and one CODEOWNERS at most.
type getter struct {
	gh          EvidenceReader
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
	fc, _, err := g.gh.Contents(ctx, g.owner, g.repo, p)
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

func (e *evidence) getter(owner, name string) getter {
	return getter{gh: e.gh, owner: owner, repo: name, root: e.repo(owner, name).root}
}

func (e *evidence) codeowners(ctx context.Context, owner, name string) (*codeowners.File, error) {
	re := e.repo(owner, name)
	if re.ownersRead {
		return re.owners, nil
	}
	f, where, err := codeowners.Find(ctx, e.getter(owner, name))
	if err != nil {
		return nil, fmt.Errorf("read CODEOWNERS of %s/%s: %w", owner, name, err)
	}
	if f != nil {
		zerolog.Ctx(ctx).Debug().Str("path", where).Int("rules", len(f.Rules)).Msg("codeowners loaded")
	}
	re.owners, re.ownersRead = f, true
	return f, nil
}

// maintainers reads MAINTAINERS.md at the repository's root; nil when
// there is none.
func (e *evidence) maintainers(ctx context.Context, owner, name string) (*maintainers.List, error) {
	re := e.repo(owner, name)
	if re.maintRead {
		return re.maint, nil
	}
	data, found, err := e.getter(owner, name).GetFile(ctx, "MAINTAINERS.md")
	if err != nil {
		return nil, fmt.Errorf("read MAINTAINERS.md of %s/%s: %w", owner, name, err)
	}
	var l *maintainers.List
	if found {
		l = maintainers.Parse(data)
	}
	re.maint, re.maintRead = l, true
	return l, nil
}

// teamMembers expands "org/team" for teams of the installation's own org.
// A team that cannot be read is shown as the team.
func (e *evidence) teamMembers(ctx context.Context, name string) ([]string, bool) {
	if t, ok := e.teams[name]; ok {
		return t.members, t.ok
	}
	org, slug, _ := strings.Cut(name, "/")
	if !strings.EqualFold(org, e.owner) {
		e.teams[name] = team{}
		return nil, false
	}
	out, err := e.gh.TeamMembers(ctx, org, slug, 5)
	if err != nil {
		zerolog.Ctx(ctx).Debug().Err(err).Str("team", name).Msg("team members unreadable, showing the team")
		e.teams[name] = team{}
		return nil, false
	}
	e.teams[name] = team{members: out, ok: true}
	return out, true
}

// activity reads the repository's recent history of the PR's most touched
// directories (noise such as CHANGELOG.md and go.sum left out), one
// commits-API call per directory (historyDirs at most): each commit is
// authored by its author and, when a GitHub user other than the author and
// GitHub itself committed it, committed by them. Merges come from one read
// of the default branch's latest commits per repository and sweep: a merge
// commit ("Merge pull request", two parents) whose second parent is one of a
// directory's commits merged a PR touching that directory. Everyone seen in
// either read is known active at their latest commit.
func (e *evidence) activity(ctx context.Context, owner, name string, files []string) ([]Activity, map[string]time.Time, error) {
	dirs := touchedDirs(files, e.historyDirs)
	since := e.now.Add(-e.historyWindow)
	merges, last, err := e.merges(ctx, owner, name, since)
	if err != nil {
		return nil, nil, err
	}
	var out []Activity
	placed := map[string]bool{}
	for _, d := range dirs {
		cs, err := e.gh.Commits(ctx, owner, name, &github.CommitsListOptions{Path: d, Since: since, ListOptions: github.ListOptions{PerPage: 100}})
		if err != nil {
			return nil, nil, fmt.Errorf("touching %s: %w", d, err)
		}
		for _, c := range cs {
			at := turn.CommitTime(c)
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

// touchedDirs are the directories of the touched files, noise left out,
// most touched first, at most max of them.
func touchedDirs(files []string, max int) []string {
	count := map[string]int{}
	for _, f := range files {
		if Noise(f) {
			continue
		}
		count[dirOf(f)]++
	}
	dirs := rankedKeys(count)
	if len(dirs) > max {
		dirs = dirs[:max]
	}
	return dirs
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
// (the second parent), and everyone's latest commit among them (a copy, which
// the caller may extend).
func (e *evidence) merges(ctx context.Context, owner, name string, since time.Time) (map[string]merge, map[string]time.Time, error) {
	re := e.repo(owner, name)
	if re.merges != nil {
		return re.merges, maps.Clone(re.last), nil
	}
	cs, err := e.gh.Commits(ctx, owner, name, &github.CommitsListOptions{Since: since, ListOptions: github.ListOptions{PerPage: 100}})
	if err != nil {
		return nil, nil, err
	}
	ms, last := map[string]merge{}, map[string]time.Time{}
	for _, c := range cs {
		a := c.GetAuthor()
		if a.GetLogin() == "" || turn.IsBotUser(a) {
			continue
		}
		at := turn.CommitTime(c)
		seen(last, a.GetLogin(), at)
		if len(c.Parents) == 2 && strings.HasPrefix(c.GetCommit().GetMessage(), "Merge pull request #") {
			ms[c.Parents[1].GetSHA()] = merge{login: a.GetLogin(), at: at}
		}
	}
	re.merges, re.last = ms, last
	return ms, maps.Clone(last), nil
}

// lastCommit returns when login last committed in the repository since
// since (zero when not), one commits-API call per person, repository and
// sweep.
func (e *evidence) lastCommit(ctx context.Context, owner, name, login string, since time.Time) (time.Time, error) {
	key := strings.ToLower(owner + "/" + name + "/" + login)
	if at, ok := e.active[key]; ok {
		return at, nil
	}
	cs, err := e.gh.Commits(ctx, owner, name, &github.CommitsListOptions{Author: login, Since: since, ListOptions: github.ListOptions{PerPage: 1}})
	if err != nil {
		return time.Time{}, fmt.Errorf("by %s: %w", login, err)
	}
	var at time.Time
	if len(cs) > 0 {
		// A commit without dates is still a commit within the window.
		if at = turn.CommitTime(cs[0]); at.IsZero() {
			at = since.Add(time.Second)
		}
	}
	e.active[key] = at
	return at, nil
}

// eligible reports whether login is an org member (one listing per sweep)
// or, failing that, a collaborator of the repository.
func (e *evidence) eligible(ctx context.Context, owner, name, login string) (bool, error) {
	key := strings.ToLower(login)
	if e.isOrg && e.members == nil {
		e.members = map[string]bool{}
		us, err := e.gh.OrgMembers(ctx, e.owner, 20)
		if err != nil {
			zerolog.Ctx(ctx).Debug().Err(err).Msg("org members unreadable, checking collaborators instead")
		}
		for _, u := range us {
			e.members[strings.ToLower(u)] = true
		}
	}
	if e.members[key] {
		return true, nil
	}
	ck := strings.ToLower(owner+"/"+name) + "/" + key
	if v, ok := e.collab[ck]; ok {
		return v, nil
	}
	ok, err := e.gh.IsCollaborator(ctx, owner, name, login)
	if err != nil {
		return false, err
	}
	e.collab[ck] = ok
	return ok, nil
}

// openRequests counts login's open review requests in the org (one search
// per person per sweep).
func (e *evidence) openRequests(ctx context.Context, login string) (int, error) {
	key := strings.ToLower(login)
	if n, ok := e.open[key]; ok {
		return n, nil
	}
	q := "is:pr is:open review-requested:" + login + " " + e.scope
	res, _, err := e.gh.SearchIssues(ctx, q, &github.SearchOptions{ListOptions: github.ListOptions{PerPage: 1}})
	if err != nil {
		return 0, fmt.Errorf("count open review requests of %s: %w", login, err)
	}
	e.open[key] = res.GetTotal()
	return res.GetTotal(), nil
}
