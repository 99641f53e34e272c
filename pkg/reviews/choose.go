package reviews

import (
	"fmt"
	"math"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/thanos-community/mentorbot/pkg/codeowners"
	"github.com/thanos-community/mentorbot/pkg/maintainers"
	"github.com/thanos-community/mentorbot/pkg/mdsafe"
	"github.com/thanos-community/mentorbot/pkg/turn"
)

// ReasonKind says why someone is a candidate. Lower values are more
// specific; among candidates with the same evidence score, the most specific
// reason breaks the tie.
type ReasonKind int

const (
	// ReasonCodeowner: named on the CODEOWNERS line that decides a touched
	// path (not a catch-all line).
	ReasonCodeowner ReasonKind = iota + 1
	// ReasonMaintainerArea: MAINTAINERS.md lists them for a touched area.
	ReasonMaintainerArea
	// ReasonHistory: recently merged, committed or changed touched paths.
	ReasonHistory
	// ReasonCodeownerTeam: member of a team named on that line. Teams are
	// broad (Prometheus names its whole default-maintainers team on every
	// line), so this is weak evidence.
	ReasonCodeownerTeam
	// ReasonCodeownerCatchAll: named on a catch-all line ("*"), which owns
	// every file and says nothing about this change.
	ReasonCodeownerCatchAll
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
	case ReasonCodeownerCatchAll:
		return "codeowner-catch-all"
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
	// Area is the MAINTAINERS.md area, or the directory the history is
	// about (empty: anywhere in the repository).
	Area string
	// Merged, Committed and Authored count the history behind a
	// ReasonHistory: pull requests merged, others' changes committed, and
	// changes authored, since Since.
	Merged, Committed, Authored int
	Since                       time.Time
}

// Text renders the reason for a public comment. Paths, patterns and team
// names are code spans, so nothing in them can mention or link anyone.
func (r Reason) Text() string {
	switch r.Kind {
	case ReasonCodeowner:
		return fmt.Sprintf("CODEOWNERS owner of %s (%s)", paths(r.Paths), mdsafe.Code(r.Pattern))
	case ReasonCodeownerTeam:
		return fmt.Sprintf("CODEOWNERS owner of %s as a member of %s", paths(r.Paths), mdsafe.Code(r.Team))
	case ReasonCodeownerCatchAll:
		return fmt.Sprintf("on the CODEOWNERS line for every file (%s)", mdsafe.Code(r.Pattern))
	case ReasonMaintainerArea:
		return fmt.Sprintf("MAINTAINERS.md entry for %s", mdsafe.Code(r.Area))
	case ReasonHistory:
		return r.historyText()
	case ReasonMaintainer:
		return "maintainer listed in MAINTAINERS.md"
	case ReasonPool:
		return "in the project's reviewer pool"
	}
	return r.Kind.String()
}

// historyText says what the history is, with counts and the month it
// starts: "merged 4 PRs touching `pkg/store`, changed it 2 times since July
// 2026".
func (r Reason) historyText() string {
	where := "in this repository"
	if r.Area != "" {
		where = "touching " + mdsafe.Code(r.Area)
	}
	var parts []string
	if r.Merged > 0 {
		parts = append(parts, fmt.Sprintf("merged %s %s", mdsafe.Count(r.Merged, "PR", "PRs"), where))
	}
	if r.Committed > 0 {
		parts = append(parts, fmt.Sprintf("committed %s by others %s", mdsafe.Count(r.Committed, "change", "changes"), where))
	}
	if r.Authored > 0 {
		switch {
		case r.Area == "" && len(parts) > 0:
			parts = append(parts, "made "+mdsafe.Count(r.Authored, "change", "changes"))
		case r.Area == "":
			parts = append(parts, "made "+mdsafe.Count(r.Authored, "change", "changes")+" in this repository")
		case len(parts) > 0:
			parts = append(parts, "changed it "+times(r.Authored))
		default:
			parts = append(parts, fmt.Sprintf("changed %s %s", mdsafe.Code(r.Area), times(r.Authored)))
		}
	}
	s := strings.Join(parts, ", ")
	if !r.Since.IsZero() {
		s += " since " + r.Since.Format("January 2006")
	}
	return s
}

func times(n int) string {
	if n == 1 {
		return "once"
	}
	return fmt.Sprintf("%d times", n)
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

// CatchAll reports whether a CODEOWNERS pattern owns every file.
func CatchAll(pattern string) bool {
	switch strings.TrimSpace(pattern) {
	case "*", "/*", "**", "/**", "/", "**/*":
		return true
	}
	return false
}

// ActivityKind is what someone did in the repository.
type ActivityKind int

const (
	// ActMerged: merged a pull request (the merge commit's author).
	ActMerged ActivityKind = iota + 1
	// ActCommitted: committed someone else's change (a GitHub committer
	// other than the author and GitHub itself: a rebase merge or an
	// applied patch).
	ActCommitted
	// ActAuthored: authored a commit.
	ActAuthored
)

// weight is how much one event of the kind says about someone's ability to
// review: merging and committing others' work is a maintainer's act.
func (k ActivityKind) weight() float64 {
	switch k {
	case ActMerged:
		return 3
	case ActCommitted:
		return 2
	}
	return 1
}

// Activity is one thing someone did, on some paths, at some time: the
// evidence reviewers are ranked by.
type Activity struct {
	Login string
	Kind  ActivityKind
	// Paths are files or directories ("pkg/store/" or "pkg/store"); none
	// means somewhere in the repository.
	Paths []string
	At    time.Time
}

// HalfLife is how fast evidence fades: an event this old counts half.
const HalfLife = 90 * 24 * time.Hour

// Noise reports whether a path is touched by nearly every change, so that
// changing it says nothing about who knows the code: changelogs, module
// files, vendored and generated code.
func Noise(p string) bool {
	p = strings.TrimPrefix(p, "/")
	base := path.Base(p)
	switch strings.ToLower(base) {
	case "changelog.md", "go.mod", "go.sum", "go.work", "go.work.sum", "package-lock.json", "yarn.lock", "vendor", "vendor/":
		return true
	}
	if strings.HasPrefix(p, "vendor/") || strings.Contains(p, "/vendor/") {
		return true
	}
	for _, suf := range []string{".pb.go", ".pb.gw.go", "_gen.go", ".generated.go", "_generated.go", ".pb.validate.go"} {
		if strings.HasSuffix(base, suf) {
			return true
		}
	}
	return strings.HasPrefix(base, "zz_generated")
}

// dirOf is the directory a path stands for: a directory given with a
// trailing slash is itself; a file is its directory; a top-level file is
// itself.
func dirOf(p string) string {
	if strings.HasSuffix(p, "/") {
		return strings.TrimSuffix(p, "/")
	}
	if d := path.Dir(p); d != "." {
		return d
	}
	return p
}

// area is the first two components of a directory ("pkg/store",
// "tsdb/chunks"), the unit reasons talk about.
func area(dir string) string {
	parts := strings.SplitN(dir, "/", 3)
	if len(parts) > 2 {
		return parts[0] + "/" + parts[1]
	}
	return dir
}

// wide is how much activity anywhere in the repository counts: a little,
// so that between people with no activity near the change, those who merge
// and change most in the repository come first. It was set on the
// evaluation set (README, Reviewer choice), where it lifted the hit rate by
// two points.
const wide = 0.05

// relevance is how much an event on path a says about touched path t: the
// same directory counts fully, the same area most, the same top-level
// directory a little (a repository like Thanos keeps everything in pkg/),
// anywhere else in the repository very little.
func relevance(t, a string) (float64, string) {
	dt, da := dirOf(t), dirOf(a)
	switch {
	case dt == da:
		return 1, area(dt)
	case area(dt) == area(da):
		return 0.6, area(dt)
	case strings.SplitN(dt, "/", 2)[0] == strings.SplitN(da, "/", 2)[0] && strings.Contains(dt, "/"):
		return 0.15, ""
	}
	return wide, ""
}

// Evidence sums, per person, the activity relevant to the touched paths:
// weight of the kind, times relevance, halved every HalfLife before now.
// Noise paths on either side are ignored. It also returns the reason that
// tells what the score is made of.
func Evidence(touched []string, acts []Activity, now time.Time) (map[string]float64, map[string]Reason) {
	var ts []string
	for _, t := range touched {
		if !Noise(t) {
			ts = append(ts, t)
		}
	}
	score := map[string]float64{}
	type tally struct {
		merged, committed, authored int
		since                       time.Time
		areas                       map[string]int
	}
	local := map[string]*tally{}
	broad := map[string]*tally{}
	add := func(m map[string]*tally, k string, a Activity, ar string) {
		t := m[k]
		if t == nil {
			t = &tally{areas: map[string]int{}}
			m[k] = t
		}
		switch a.Kind {
		case ActMerged:
			t.merged++
		case ActCommitted:
			t.committed++
		default:
			t.authored++
		}
		if t.since.IsZero() || a.At.Before(t.since) {
			t.since = a.At
		}
		if ar != "" {
			t.areas[ar]++
		}
	}
	for _, a := range acts {
		if a.Login == "" || a.At.After(now) {
			continue
		}
		best, bestArea := 0.0, ""
		if len(a.Paths) == 0 && len(ts) > 0 {
			best = wide // somewhere in the repository
		}
		for _, ap := range a.Paths {
			if Noise(ap) {
				continue
			}
			for _, t := range ts {
				if r, ar := relevance(t, ap); r > best {
					best, bestArea = r, ar
				}
			}
		}
		if best == 0 {
			continue
		}
		k := strings.ToLower(a.Login)
		age := now.Sub(a.At)
		score[k] += a.Kind.weight() * best * math.Pow(0.5, float64(age)/float64(HalfLife))
		if bestArea != "" {
			add(local, k, a, bestArea)
		} else {
			add(broad, k, a, "")
		}
	}
	reasons := map[string]Reason{}
	for k := range score {
		t, ar := local[k], ""
		if t != nil {
			n := 0
			for a, c := range t.areas {
				if c > n || c == n && a < ar {
					ar, n = a, c
				}
			}
		} else {
			t = broad[k]
		}
		reasons[k] = Reason{Kind: ReasonHistory, Area: ar, Merged: t.merged, Committed: t.committed, Authored: t.authored, Since: t.since}
	}
	return score, reasons
}

// ChooseInput is everything the reviewer choice looks at.
type ChooseInput struct {
	// Number of the PR; it rotates exact ties so PRs spread over people.
	Number int
	Author string
	// Paths the PR touches.
	Paths []string
	// Owners from CodeownerMatches.
	Owners []OwnerMatch
	// Maintainers from maintainers.List.ForPaths.
	Maintainers []maintainers.Match
	// Activity is the repository's recent history: who merged, committed
	// and authored what, when.
	Activity []Activity
	// Now is when the choice is made; evidence fades from there.
	Now time.Time
	// LastActive is each person's latest known activity anywhere in the
	// repository (logins in any case), beyond what Activity shows.
	LastActive map[string]time.Time
	// InactiveAfter drops anyone whose latest activity is older than this
	// or unknown; 0 keeps everyone.
	InactiveAfter time.Duration
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
	// Bots are logins GitHub reports as type Bot, and reviews.bots ("[bot]"
	// logins are bots regardless).
	Bots []string
}

// Suggestion is one suggested reviewer.
type Suggestion struct {
	Login        string
	Reasons      []Reason
	OpenRequests int
	// Score is the evidence score (see Evidence).
	Score float64
}

// Considered explains what happened to one candidate, for --dry-run and
// debug logs.
type Considered struct {
	Login        string
	Kept         bool
	Why          string
	Reasons      []Reason
	OpenRequests int
	Score        float64
}

type candidate struct {
	login   string
	key     string
	reasons []Reason
	tier    ReasonKind
	score   float64
	open    int
}

// Choose picks up to MaxSuggestions reviewers and explains every candidate.
//
// Candidates come from recent activity on the touched paths, CODEOWNERS,
// MAINTAINERS.md and the pool, each keeping every reason. The author, bots,
// excluded logins, anyone who already reviewed, anyone not eligible, anyone
// inactive for InactiveAfter and anyone over MaxOpenRequests are dropped.
// The rest are ranked by evidence (Evidence: who merged, committed or
// changed the touched paths, by recency and count), then by their most
// specific reason (a CODEOWNERS line or MAINTAINERS.md area for the paths
// beats a catch-all line, a team, a general maintainer or the pool), then by
// fewest open review requests. Exact ties are ordered by login and rotated
// by the PR number.
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

	scores, hist := Evidence(in.Paths, in.Activity, in.Now)
	lastActive := map[string]time.Time{}
	for k, v := range in.LastActive {
		lastActive[strings.ToLower(k)] = v
	}
	firstLogin := map[string]string{}
	for _, a := range in.Activity {
		k := strings.ToLower(a.Login)
		if a.At.After(lastActive[k]) && !a.At.After(in.Now) {
			lastActive[k] = a.At
		}
		if _, ok := firstLogin[k]; !ok {
			firstLogin[k] = a.Login
		}
	}
	// Evidence first, strongest first, so candidates appear in that order.
	for _, k := range rankedKeys(scores) {
		c := get(firstLogin[k])
		c.score = scores[k]
		addReason(c, hist[k])
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
		switch {
		case CatchAll(o.Pattern):
			kind = ReasonCodeownerCatchAll
		case o.Team != "":
			kind = ReasonCodeownerTeam
		}
		r := Reason{Kind: kind, Pattern: o.Pattern, Team: o.Team}
		if kind == ReasonCodeownerCatchAll {
			r.Team = ""
		}
		addPath(get(o.Login), r, o.Path)
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
		case bots[c.key] || turn.IsBot(c.login):
			why = "is a bot"
		case exclude[c.key]:
			why = "excluded by reviews.exclude"
		case reviewed[c.key]:
			why = "already reviewed this pull request"
		case !eligible[c.key]:
			why = "not an organisation member or collaborator"
		case in.InactiveAfter > 0 && (lastActive[c.key].IsZero() || in.Now.Sub(lastActive[c.key]) > in.InactiveAfter):
			why = fmt.Sprintf("no activity in the repository for %s (reviews.inactive_after)", humanDuration(in.InactiveAfter))
		case in.MaxOpenRequests > 0 && c.open > in.MaxOpenRequests:
			why = fmt.Sprintf("has %d open review requests, more than %d", c.open, in.MaxOpenRequests)
		}
		if why != "" {
			considered = append(considered, Considered{Login: c.login, Why: why, Reasons: c.reasons, OpenRequests: c.open, Score: c.score})
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
		cons := Considered{Login: c.login, Reasons: c.reasons, OpenRequests: c.open, Score: c.score}
		if i < in.MaxSuggestions {
			out = append(out, Suggestion{Login: c.login, Reasons: c.reasons, OpenRequests: c.open, Score: c.score})
			cons.Kept = true
			cons.Why = fmt.Sprintf("suggested, rank %d (evidence %.2f, %s, %d open review requests)", i+1, c.score, c.tier, c.open)
		} else {
			cons.Why = fmt.Sprintf("rank %d (evidence %.2f, %s, %d open review requests), beyond max_suggestions %d", i+1, c.score, c.tier, c.open, in.MaxSuggestions)
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
			strings.Join(e.Paths, "\x00") == strings.Join(r.Paths, "\x00") {
			return
		}
	}
	c.reasons = append(c.reasons, r)
}

// rank orders the candidate's reasons for display, the history that ranks
// them first and then the most specific, and records the most specific
// kind other than history, which breaks ties of evidence.
func (c *candidate) rank() {
	key := func(k ReasonKind) int {
		if k == ReasonHistory {
			return 0
		}
		return int(k)
	}
	sort.SliceStable(c.reasons, func(i, j int) bool { return key(c.reasons[i].Kind) < key(c.reasons[j].Kind) })
	c.tier = ReasonPool + 1
	for _, r := range c.reasons {
		if r.Kind != ReasonHistory && r.Kind < c.tier {
			c.tier = r.Kind
		}
	}
}

// bucket rounds an evidence score so that near-equal evidence ties and the
// structural reasons decide: a tenth of an authored change this week.
func bucket(s float64) int64 { return int64(math.Round(s * 10)) }

func sameRank(a, b *candidate) bool {
	return bucket(a.score) == bucket(b.score) && a.tier == b.tier && a.open == b.open
}

func better(a, b *candidate) bool {
	if bucket(a.score) != bucket(b.score) {
		return a.score > b.score
	}
	if a.tier != b.tier {
		return a.tier < b.tier
	}
	return a.open < b.open
}

// rankedKeys returns m's keys, highest value first, ties by key.
func rankedKeys[V int | float64](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys
}
