package reviews

import (
	"fmt"
	"sort"
	"strings"

	"github.com/thanos-community/mentorbot/pkg/codeowners"
	"github.com/thanos-community/mentorbot/pkg/maintainers"
	"github.com/thanos-community/mentorbot/pkg/mdsafe"
)

// ReasonKind says why someone is a candidate. Lower values are more relevant.
type ReasonKind int

const (
	// ReasonCodeowner: named on the CODEOWNERS line that decides a touched path.
	ReasonCodeowner ReasonKind = iota + 1
	// ReasonCodeownerTeam: member of a team named on that line. It ranks
	// below a named person because teams are broad: Prometheus names its
	// whole default-maintainers team on every line.
	ReasonCodeownerTeam
	// ReasonMaintainerArea: MAINTAINERS.md lists them for a touched area.
	ReasonMaintainerArea
	// ReasonHistory: recently authored or merged changes to a touched path.
	ReasonHistory
	// ReasonMaintainer: a general maintainer (no area) in MAINTAINERS.md.
	ReasonMaintainer
	// ReasonPool: in the configured reviewer pool (reviews.reviewers).
	ReasonPool
)

func (k ReasonKind) String() string {
	switch k {
	case ReasonCodeowner:
		return "codeowner"
	case ReasonCodeownerTeam:
		return "codeowner-team"
	case ReasonMaintainerArea:
		return "maintainer-area"
	case ReasonHistory:
		return "history"
	case ReasonMaintainer:
		return "maintainer"
	case ReasonPool:
		return "pool"
	}
	return fmt.Sprintf("ReasonKind(%d)", int(k))
}

// Reason is one reason a candidate was considered.
type Reason struct {
	Kind ReasonKind
	// Paths are the touched paths this reason covers (none for the pool and
	// general maintainers).
	Paths []string
	// Pattern is the deciding CODEOWNERS pattern.
	Pattern string
	// Team is "org/team" for ReasonCodeownerTeam.
	Team string
	// Area is the MAINTAINERS.md area, or the path the history is about.
	Area string
	// Authored and Merged count recent changes (ReasonHistory).
	Authored, Merged int
}

// Text renders the reason for a public comment. Paths, patterns and team
// names are code spans, so nothing in them can mention or link anyone.
func (r Reason) Text() string {
	switch r.Kind {
	case ReasonCodeowner:
		return fmt.Sprintf("CODEOWNERS owner of %s (%s)", paths(r.Paths), mdsafe.Code(r.Pattern))
	case ReasonCodeownerTeam:
		return fmt.Sprintf("CODEOWNERS owner of %s as a member of %s", paths(r.Paths), mdsafe.Code(r.Team))
	case ReasonMaintainerArea:
		return fmt.Sprintf("MAINTAINERS.md entry for %s", mdsafe.Code(r.Area))
	case ReasonHistory:
		where := paths(r.Paths)
		if r.Area != "" {
			where = mdsafe.Code(r.Area)
		}
		switch {
		case r.Authored > 0 && r.Merged > 0:
			return fmt.Sprintf("changed %s %s and merged %s there recently", where, times(r.Authored), prs(r.Merged))
		case r.Merged > 0:
			return fmt.Sprintf("merged %s touching %s recently", prs(r.Merged), where)
		case r.Authored > 0:
			return fmt.Sprintf("changed %s %s recently", where, times(r.Authored))
		}
		return fmt.Sprintf("changed %s recently", where)
	case ReasonMaintainer:
		return "maintainer listed in MAINTAINERS.md"
	case ReasonPool:
		return "in the project's reviewer pool"
	}
	return r.Kind.String()
}

func times(n int) string {
	if n == 1 {
		return "once"
	}
	return fmt.Sprintf("%d times", n)
}

func prs(n int) string {
	if n == 1 {
		return "1 pull request"
	}
	return fmt.Sprintf("%d pull requests", n)
}

func paths(ps []string) string {
	switch len(ps) {
	case 0:
		return "the touched files"
	case 1:
		return mdsafe.Code(ps[0])
	case 2:
		return mdsafe.Code(ps[0]) + " and " + mdsafe.Code(ps[1])
	}
	return fmt.Sprintf("%s and %d more paths", mdsafe.Code(ps[0]), len(ps)-1)
}

// OwnerMatch is one CODEOWNERS owner of one touched path.
type OwnerMatch struct {
	// Path is the touched path; Pattern the deciding CODEOWNERS pattern.
	Path    string
	Pattern string
	// Login is the owner, named directly or as a member of Team. An empty
	// Login with a Team is a team that could not be expanded.
	Login string
	Team  string
}

// TeamMembers expands "org/team" to member logins; ok is false when the
// members cannot be read (the app lacks the permission, or the team is secret).
type TeamMembers func(team string) (members []string, ok bool)

// CodeownerMatches lists, for each touched path, the owners GitHub would
// assign from f, with teams expanded through members (which may be nil).
// E-mail owners are left out: there is no login to suggest.
func CodeownerMatches(f *codeowners.File, touched []string, members TeamMembers) []OwnerMatch {
	var out []OwnerMatch
	cache := map[string][]string{}
	known := map[string]bool{}
	for _, p := range touched {
		o := f.Owners(p)
		for _, u := range o.Users {
			out = append(out, OwnerMatch{Path: p, Pattern: o.Rule.Pattern, Login: u})
		}
		for _, team := range o.Teams {
			ms, seen := cache[team]
			if !seen {
				ok := false
				if members != nil {
					ms, ok = members(team)
				}
				cache[team], known[team] = ms, ok
			}
			if !known[team] {
				out = append(out, OwnerMatch{Path: p, Pattern: o.Rule.Pattern, Team: team})
				continue
			}
			for _, m := range ms {
				out = append(out, OwnerMatch{Path: p, Pattern: o.Rule.Pattern, Login: m, Team: team})
			}
		}
	}
	return out
}

// HistoryEntry is someone's recent activity on a path, as the commits API
// tells it: commits they authored and pull requests they merged.
type HistoryEntry struct {
	Login string
	// Path is a touched path or one of its directories; empty means the
	// whole change.
	Path     string
	Authored int
	Merged   int
}

// ChooseInput is everything the reviewer choice looks at.
type ChooseInput struct {
	// Number of the PR; it rotates ties so PRs spread over people.
	Number int
	Author string
	// Paths the PR touches.
	Paths []string
	// Owners from CodeownerMatches.
	Owners []OwnerMatch
	// Maintainers from maintainers.List.ForPaths.
	Maintainers []maintainers.Match
	// History of the touched paths.
	History []HistoryEntry
	// Pool is reviews.reviewers; Exclude is reviews.exclude.
	Pool    []string
	Exclude []string
	// Reviewed are logins who already reviewed this PR.
	Reviewed []string
	// Eligible are the logins that can review here: org members and
	// repository collaborators among the candidates. Nobody else is
	// suggested, because a public suggestion must name people who can act.
	Eligible []string
	// OpenRequests is each candidate's open review requests in the org.
	OpenRequests map[string]int
	// MaxOpenRequests drops anyone with more open requests; 0 means no limit.
	MaxOpenRequests int
	// MaxSuggestions caps the result; 0 or less suggests nobody.
	MaxSuggestions int
	// Bots are logins GitHub reports as type Bot ("[bot]" logins are bots
	// regardless).
	Bots []string
}

// Suggestion is one suggested reviewer.
type Suggestion struct {
	Login        string
	Reasons      []Reason
	OpenRequests int
}

// Considered explains what happened to one candidate, for --dry-run and
// debug logs.
type Considered struct {
	Login        string
	Kept         bool
	Why          string
	Reasons      []Reason
	OpenRequests int
}

type candidate struct {
	login     string
	key       string
	reasons   []Reason
	tier      ReasonKind
	tierPaths int
	open      int
}

// Choose picks up to MaxSuggestions reviewers and explains every candidate.
//
// Candidates come from CODEOWNERS, MAINTAINERS.md areas, recent history,
// general maintainers and the pool, each keeping every reason. The author,
// bots, excluded logins, anyone who already reviewed, anyone not eligible and
// anyone over MaxOpenRequests are dropped. The rest are ranked by relevance
// (their best reason's kind, then how many touched paths it covers), then by
// fewest open review requests. Candidates still tied are ordered by login and
// rotated by the PR number, so that consecutive PRs go to different people
// instead of all to the one who merges most. Commit and merge counts are
// reasons shown to the reviewer, never a ranking key, for the same reason.
func Choose(in ChooseInput) ([]Suggestion, []Considered) {
	byKey := map[string]*candidate{}
	var order []*candidate
	var considered []Considered
	get := func(login string) *candidate {
		k := strings.ToLower(login)
		c, ok := byKey[k]
		if !ok {
			c = &candidate{login: login, key: k}
			byKey[k] = c
			order = append(order, c)
		}
		return c
	}

	// CODEOWNERS: one reason per (pattern, team), covering its paths.
	unexpanded := map[string]bool{}
	for _, o := range in.Owners {
		if o.Login == "" {
			if o.Team != "" && !unexpanded[o.Team] {
				unexpanded[o.Team] = true
				considered = append(considered, Considered{
					Login: o.Team,
					Why:   "team could not be expanded to its members (the app needs read access to organisation members)",
				})
			}
			continue
		}
		kind := ReasonCodeowner
		if o.Team != "" {
			kind = ReasonCodeownerTeam
		}
		c := get(o.Login)
		addPath(c, Reason{Kind: kind, Pattern: o.Pattern, Team: o.Team}, o.Path)
	}
	for _, m := range in.Maintainers {
		c := get(m.Entry.Login)
		if m.General {
			addReason(c, Reason{Kind: ReasonMaintainer})
			continue
		}
		for _, a := range m.Areas {
			r := Reason{Kind: ReasonMaintainerArea, Area: a}
			for _, p := range in.Paths {
				if maintainers.Covers(a, p) {
					r.Paths = append(r.Paths, p)
				}
			}
			addReason(c, r)
		}
	}
	for _, h := range in.History {
		if h.Authored <= 0 && h.Merged <= 0 {
			continue
		}
		r := Reason{Kind: ReasonHistory, Area: h.Path, Authored: h.Authored, Merged: h.Merged}
		for _, p := range in.Paths {
			if h.Path == "" || maintainers.Covers(h.Path, p) {
				r.Paths = append(r.Paths, p)
			}
		}
		if len(r.Paths) == 0 {
			continue // history of a path this PR does not touch
		}
		addReason(get(h.Login), r)
	}
	for _, p := range in.Pool {
		addReason(get(p), Reason{Kind: ReasonPool})
	}

	exclude := set(in.Exclude)
	reviewed := set(in.Reviewed)
	eligible := set(in.Eligible)
	bots := set(in.Bots)
	open := map[string]int{}
	for k, v := range in.OpenRequests {
		open[strings.ToLower(k)] = v
	}

	var kept []*candidate
	for _, c := range order {
		c.open = open[c.key]
		c.rank()
		why := ""
		switch {
		case !mdsafe.ValidLogin(c.login):
			why = "not a valid GitHub login"
		case strings.EqualFold(c.login, in.Author):
			why = "is the author"
		case bots[c.key] || IsBot(c.login):
			why = "is a bot"
		case exclude[c.key]:
			why = "excluded by reviews.exclude"
		case reviewed[c.key]:
			why = "already reviewed this pull request"
		case !eligible[c.key]:
			why = "not an organisation member or collaborator"
		case in.MaxOpenRequests > 0 && c.open > in.MaxOpenRequests:
			why = fmt.Sprintf("has %d open review requests, more than %d", c.open, in.MaxOpenRequests)
		}
		if why != "" {
			considered = append(considered, Considered{Login: c.login, Why: why, Reasons: c.reasons, OpenRequests: c.open})
			continue
		}
		kept = append(kept, c)
	}

	sort.Slice(kept, func(i, j int) bool {
		a, b := kept[i], kept[j]
		if !sameRank(a, b) {
			return better(a, b)
		}
		return a.key < b.key
	})
	// Rotate each group of equally ranked candidates by the PR number.
	for i := 0; i < len(kept); {
		j := i + 1
		for j < len(kept) && sameRank(kept[i], kept[j]) {
			j++
		}
		if n := j - i; n > 1 {
			shift := ((in.Number % n) + n) % n
			group := append([]*candidate{}, kept[i:j]...)
			for k := range group {
				kept[i+k] = group[(k+shift)%n]
			}
		}
		i = j
	}

	var out []Suggestion
	var keptExpl []Considered
	for i, c := range kept {
		cons := Considered{Login: c.login, Reasons: c.reasons, OpenRequests: c.open}
		if i < in.MaxSuggestions {
			out = append(out, Suggestion{Login: c.login, Reasons: c.reasons, OpenRequests: c.open})
			cons.Kept = true
			cons.Why = fmt.Sprintf("suggested, rank %d (%s, %d open review requests)", i+1, c.tier, c.open)
		} else {
			cons.Why = fmt.Sprintf("rank %d (%s, %d open review requests), beyond max_suggestions %d", i+1, c.tier, c.open, in.MaxSuggestions)
		}
		keptExpl = append(keptExpl, cons)
	}
	sort.SliceStable(considered, func(i, j int) bool {
		return strings.ToLower(considered[i].Login) < strings.ToLower(considered[j].Login)
	})
	return out, append(keptExpl, considered...)
}

func set(logins []string) map[string]bool {
	m := make(map[string]bool, len(logins))
	for _, l := range logins {
		m[strings.ToLower(strings.TrimPrefix(l, "@"))] = true
	}
	return m
}

// addPath adds path to the candidate's reason of the same kind, pattern and
// team, or adds the reason.
func addPath(c *candidate, r Reason, path string) {
	for i := range c.reasons {
		e := &c.reasons[i]
		if e.Kind == r.Kind && e.Pattern == r.Pattern && e.Team == r.Team {
			for _, p := range e.Paths {
				if p == path {
					return
				}
			}
			e.Paths = append(e.Paths, path)
			return
		}
	}
	r.Paths = []string{path}
	c.reasons = append(c.reasons, r)
}

func addReason(c *candidate, r Reason) {
	for _, e := range c.reasons {
		if e.Kind == r.Kind && e.Area == r.Area && e.Pattern == r.Pattern && e.Team == r.Team &&
			e.Authored == r.Authored && e.Merged == r.Merged && strings.Join(e.Paths, "\x00") == strings.Join(r.Paths, "\x00") {
			return
		}
	}
	c.reasons = append(c.reasons, r)
}

// rank orders the candidate's reasons most relevant first, and computes its
// best reason kind and how many distinct touched paths reasons of that kind
// cover.
func (c *candidate) rank() {
	sort.SliceStable(c.reasons, func(i, j int) bool { return c.reasons[i].Kind < c.reasons[j].Kind })
	c.tier = 0
	for _, r := range c.reasons {
		if c.tier == 0 || r.Kind < c.tier {
			c.tier = r.Kind
		}
	}
	seen := map[string]bool{}
	for _, r := range c.reasons {
		if r.Kind != c.tier {
			continue
		}
		for _, p := range r.Paths {
			seen[p] = true
		}
	}
	c.tierPaths = len(seen)
}

func sameRank(a, b *candidate) bool {
	return a.tier == b.tier && a.tierPaths == b.tierPaths && a.open == b.open
}

func better(a, b *candidate) bool {
	if a.tier != b.tier {
		return a.tier < b.tier
	}
	if a.tierPaths != b.tierPaths {
		return a.tierPaths > b.tierPaths
	}
	return a.open < b.open
}
