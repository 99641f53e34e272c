package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/thanos-community/mentorbot/pkg/codeowners"
	"github.com/thanos-community/mentorbot/pkg/maintainers"
	"github.com/thanos-community/mentorbot/pkg/reviews"
	"github.com/thanos-community/mentorbot/pkg/turn"
)

// Evaluation settings, the product's defaults.
const (
	maxSuggestions = 2
	window         = 180 * 24 * time.Hour // how far back the sweep reads history
	inactiveAfter  = 183 * 24 * time.Hour // reviews.inactive_after
	// remindAfter is how long before the merge the choice is made: the
	// default reviews.wait. Only history older than that is shown to
	// Choose, so the PR's own merge never leaks into its evidence.
	remindAfter = 72 * time.Hour
)

// evalFrom is the first merge evaluated: the data starts 2025-06-01, so
// every evaluated PR has at least six months of history before it.
var evalFrom = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// repoSet is one repository's data and ownership files.
type repoSet struct {
	name, data, codeowners, maintainers string
}

var sets = []repoSet{
	{name: "thanos-io/thanos", data: "thanos.tsv", maintainers: "pkg/reviews/testdata/thanos-MAINTAINERS.md"},
	{name: "prometheus/prometheus", data: "prometheus.tsv", codeowners: "pkg/reviews/testdata/prometheus-CODEOWNERS", maintainers: "pkg/reviews/testdata/prometheus-MAINTAINERS.md"},
}

type record struct {
	kind           byte // 'M' merge, 'C' commit
	at             time.Time
	pr             int
	merger, author string
	paths          []string
	// headPaths are the paths the merged PR's head commit changed (M).
	headPaths []string
}

func load(file string) ([]record, map[int]bool, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	var rs []record
	exclude := map[int]bool{}
	s := bufio.NewScanner(f)
	s.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; s.Scan(); n++ {
		line := s.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		c := strings.Split(line, "\t")
		bad := fmt.Errorf("%s:%d: malformed line", file, n)
		switch c[0] {
		case "X":
			v, err := strconv.Atoi(c[1])
			if err != nil {
				return nil, nil, bad
			}
			exclude[v] = true
		case "M":
			if len(c) != 7 {
				return nil, nil, bad
			}
			at, err1 := time.Parse(time.DateOnly, c[1])
			pr, err2 := strconv.Atoi(c[2])
			if err1 != nil || err2 != nil {
				return nil, nil, bad
			}
			rs = append(rs, record{kind: 'M', at: at, pr: pr, merger: c[3], author: c[4], paths: split(c[5]), headPaths: split(c[6])})
		case "C":
			if len(c) != 4 {
				return nil, nil, bad
			}
			at, err := time.Parse(time.DateOnly, c[1])
			if err != nil {
				return nil, nil, bad
			}
			rs = append(rs, record{kind: 'C', at: at, author: c[2], paths: split(c[3])})
		default:
			return nil, nil, bad
		}
	}
	return rs, exclude, s.Err()
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ";")
}

// bot reports whether a person in the data is a bot: "[bot]" logins, and
// git names of bots without a login.
func bot(id string) bool {
	l := strings.ToLower(id)
	return turn.IsBot(l) || strings.Contains(l, "[bot]") || strings.Contains(l, "renovate") || strings.Contains(l, "dependabot")
}

// files turns the data's directories into a file path inside them, which
// is what CODEOWNERS and MAINTAINERS.md match.
func files(paths []string) []string {
	out := make([]string, 0, len(paths))
	for _, p := range paths {
		if strings.HasSuffix(p, "/") {
			p += "file.go"
		}
		out = append(out, p)
	}
	return out
}

type result struct {
	repo, merger string
	pr           int
	suggested    []string
	hit          bool
	// sweep* are the same choice fed only what the sweep reads on GitHub.
	sweepSuggested []string
	sweepHit       bool
	sweepInactive  int
	inactive       int
	naive          []string
	naiveHit       bool
	ownersHit      float64
}

type summary struct {
	n, hits, naiveHits, inactive, suggestions int
	sweepHits, sweepInactive, sweepSuggs      int
	ownersHits                                float64
}

func evaluate(w io.Writer, dir string, verbose bool) error {
	_, err := run(w, dir, verbose)
	return err
}

// run evaluates every set, writes the report and returns the overall
// summary.
func run(w io.Writer, dir string, verbose bool) (*summary, error) {
	var all []result
	per := map[string]*summary{}
	for _, set := range sets {
		rs, exclude, err := load(filepath.Join(dir, set.data))
		if err != nil {
			return nil, err
		}
		var co *codeowners.File
		if set.codeowners != "" {
			data, err := os.ReadFile(set.codeowners)
			if err != nil {
				return nil, err
			}
			co = codeowners.Parse(data)
		}
		data, err := os.ReadFile(set.maintainers)
		if err != nil {
			return nil, err
		}
		ml := maintainers.Parse(data)
		res, skipped := evalRepo(set.name, rs, exclude, co, ml)
		fmt.Fprintf(w, "%s: %d merged PRs evaluated; left out: %d in ../shared/realdata, %d merged by their author, %d by or merged by a bot\n",
			set.name, len(res), skipped.realdata, skipped.self, skipped.bot)
		s := &summary{}
		for _, r := range res {
			s.add(r)
		}
		per[set.name] = s
		all = append(all, res...)
	}
	fmt.Fprintln(w)
	if verbose {
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "repository\tPR\tmerged by\tmentorbot suggests\thit\tas the sweep reads\thit\ttop-2 committers\thit\towners (expected)")
		for _, r := range all {
			fmt.Fprintf(tw, "%s\t#%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.2f\n", r.repo, r.pr, r.merger, strings.Join(r.suggested, ", "), yes(r.hit),
				strings.Join(r.sweepSuggested, ", "), yes(r.sweepHit), strings.Join(r.naive, ", "), yes(r.naiveHit), r.ownersHit)
		}
		tw.Flush()
		fmt.Fprintln(w)
	}
	total := &summary{}
	for _, r := range all {
		total.add(r)
	}
	fmt.Fprintln(w, "| set | merged PRs | mentorbot names the merger | same, fed only what the sweep reads | top-2 recent committers of the touched directories | random pick of 2 file owners (expected) | suggestions of people inactive 6 months |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	for _, set := range sets {
		per[set.name].row(w, set.name)
	}
	total.row(w, "all")
	return total, nil
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func (s *summary) add(r result) {
	s.n++
	if r.hit {
		s.hits++
	}
	if r.naiveHit {
		s.naiveHits++
	}
	if r.sweepHit {
		s.sweepHits++
	}
	s.sweepInactive += r.sweepInactive
	s.sweepSuggs += len(r.sweepSuggested)
	s.ownersHits += r.ownersHit
	s.inactive += r.inactive
	s.suggestions += len(r.suggested)
}

func (s *summary) row(w io.Writer, name string) {
	pct := func(x float64) string { return fmt.Sprintf("%.1f%%", 100*x/float64(s.n)) }
	fmt.Fprintf(w, "| %s | %d | %d (%s) | %d (%s) | %d (%s) | %.1f (%s) | %d of %d |\n", name, s.n,
		s.hits, pct(float64(s.hits)), s.sweepHits, pct(float64(s.sweepHits)), s.naiveHits, pct(float64(s.naiveHits)),
		s.ownersHits, pct(s.ownersHits), s.inactive+s.sweepInactive, s.suggestions+s.sweepSuggs)
}

// evalRepo runs the choice on every merged PR of the set since evalFrom
// that is not in ../shared/realdata, was not merged by its author (the
// author is never suggested) and is not a bot's.
// skipped counts the merges left out of the evaluation, by reason.
type skipped struct{ realdata, self, bot int }

func evalRepo(name string, rs []record, exclude map[int]bool, co *codeowners.File, ml *maintainers.List) ([]result, skipped) {
	var sk skipped
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].at.Before(rs[j].at) })
	// People who merged anything have write access: with MAINTAINERS.md
	// and CODEOWNERS entries, they are the eligible reviewers.
	eligible := map[string]bool{}
	for _, r := range rs {
		if r.kind == 'M' {
			eligible[r.merger] = true
		}
	}
	for _, e := range ml.Entries {
		eligible[e.Login] = true
	}
	if co != nil {
		for _, rule := range co.Rules {
			for _, o := range rule.Owners {
				if strings.HasPrefix(o, "@") && !strings.Contains(o, "/") {
					eligible[strings.TrimPrefix(o, "@")] = true
				}
			}
		}
	}
	var elig []string
	for l := range eligible {
		elig = append(elig, l)
	}
	sort.Strings(elig)

	var out []result
	for _, pr := range rs {
		if pr.kind != 'M' || pr.at.Before(evalFrom) {
			continue
		}
		switch {
		case exclude[pr.pr]:
			sk.realdata++
			continue
		case bot(pr.author) || bot(pr.merger):
			sk.bot++
			continue
		case strings.EqualFold(pr.merger, pr.author):
			sk.self++
			continue
		}
		now := pr.at.Add(-remindAfter)
		var acts []reviews.Activity
		last := map[string]time.Time{}
		commits := map[string]int{}
		for _, r := range rs {
			if !r.at.Before(now) {
				break
			}
			who := r.author
			if r.kind == 'M' {
				who = r.merger
			}
			if bot(who) {
				continue
			}
			if r.at.After(last[who]) {
				last[who] = r.at
			}
			if now.Sub(r.at) > window {
				continue
			}
			if r.kind == 'M' {
				acts = append(acts, reviews.Activity{Login: who, Kind: reviews.ActMerged, Paths: r.paths, At: r.at})
				continue
			}
			acts = append(acts, reviews.Activity{Login: who, Kind: reviews.ActAuthored, Paths: r.paths, At: r.at})
			if who != pr.author && overlaps(r.paths, pr.paths) {
				commits[who]++
			}
		}
		touched := files(pr.paths)
		in := reviews.ChooseInput{
			Number: pr.pr, Author: pr.author, Paths: touched, Now: now,
			Maintainers: ml.ForPaths(touched), Activity: acts, LastActive: last, InactiveAfter: inactiveAfter,
			Eligible: elig, MaxSuggestions: maxSuggestions,
		}
		if co != nil {
			in.Owners = reviews.CodeownerMatches(co, touched, nil)
		}
		sugg, _ := reviews.Choose(in)
		res := result{repo: name, pr: pr.pr, merger: pr.merger}
		for _, s := range sugg {
			res.suggested = append(res.suggested, s.Login)
			if strings.EqualFold(s.Login, pr.merger) {
				res.hit = true
			}
			if t := last[s.Login]; t.IsZero() || now.Sub(t) > 183*24*time.Hour {
				res.inactive++
			}
		}
		in.Activity = sweepActivity(pr, rs, now)
		sugg, _ = reviews.Choose(in)
		for _, s := range sugg {
			res.sweepSuggested = append(res.sweepSuggested, s.Login)
			if strings.EqualFold(s.Login, pr.merger) {
				res.sweepHit = true
			}
			if t := last[s.Login]; t.IsZero() || now.Sub(t) > 183*24*time.Hour {
				res.sweepInactive++
			}
		}
		res.naive = topTwo(commits)
		for _, l := range res.naive {
			if strings.EqualFold(l, pr.merger) {
				res.naiveHit = true
			}
		}
		res.ownersHit = ownersExpected(pr, touched, co, ml)
		out = append(out, res)
	}
	return out, sk
}

// sweepActivity is the history the sweep reads on GitHub for a PR (see
// reviews' run.activity): the newest 100 commits touching each of the PR's
// first three directories (noise left out; the data keeps no counts to
// pick the most touched), and the default branch's newest 100 commits,
// whose merges are credited to one of those directories when the merged
// PR's head commit touched it, and to the repository otherwise.
func sweepActivity(pr record, rs []record, now time.Time) []reviews.Activity {
	var dirs []string
	seen := map[string]bool{}
	for _, p := range pr.paths {
		if d := dataDir(p); !reviews.Noise(p) && !seen[d] {
			seen[d] = true
			dirs = append(dirs, d)
		}
	}
	sort.Strings(dirs)
	if len(dirs) > 3 {
		dirs = dirs[:3]
	}
	var recent []record // newest first, within the window
	for i := len(rs) - 1; i >= 0; i-- {
		r := rs[i]
		if r.at.Before(now) && now.Sub(r.at) <= window {
			recent = append(recent, r)
		}
	}
	var acts []reviews.Activity
	for _, d := range dirs {
		n := 0
		for _, r := range recent {
			if n == 100 {
				break
			}
			if r.kind == 'C' && !bot(r.author) && under(r.paths, d) {
				n++
				acts = append(acts, reviews.Activity{Login: r.author, Kind: reviews.ActAuthored, Paths: []string{d + "/"}, At: r.at})
			}
		}
	}
	branch := recent
	if len(branch) > 100 {
		branch = branch[:100]
	}
	for _, r := range branch {
		if r.kind != 'M' || bot(r.merger) {
			continue
		}
		placed := false
		for _, d := range dirs {
			if under(r.headPaths, d) {
				placed = true
				acts = append(acts, reviews.Activity{Login: r.merger, Kind: reviews.ActMerged, Paths: []string{d + "/"}, At: r.at})
			}
		}
		if !placed {
			acts = append(acts, reviews.Activity{Login: r.merger, Kind: reviews.ActMerged, At: r.at})
		}
	}
	return acts
}

// dataDir is the directory a data path stands for: "pkg/store/" is
// pkg/store, a top-level file is itself, a generated file its directory.
func dataDir(p string) string {
	if strings.HasSuffix(p, "/") {
		return strings.TrimSuffix(p, "/")
	}
	if i := strings.LastIndex(p, "/"); i >= 0 {
		return p[:i]
	}
	return p
}

// under reports whether a path list has one at or below dir, as the
// commits API's path filter matches.
func under(paths []string, dir string) bool {
	for _, p := range paths {
		if p == dir || dataDir(p) == dir || strings.HasPrefix(p, dir+"/") {
			return true
		}
	}
	return false
}

// overlaps reports whether two path lists share a directory.
func overlaps(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

// topTwo is the naive baseline: the two people with the most commits to
// the touched directories in the window (ties by name).
func topTwo(commits map[string]int) []string {
	var ls []string
	for l := range commits {
		ls = append(ls, l)
	}
	sort.Slice(ls, func(i, j int) bool {
		if commits[ls[i]] != commits[ls[j]] {
			return commits[ls[i]] > commits[ls[j]]
		}
		return ls[i] < ls[j]
	})
	if len(ls) > 2 {
		ls = ls[:2]
	}
	return ls
}

// ownersExpected is the chance that a random pick of two of the touched
// files' owners (as Prow's blunderbuss picks) names the merger: CODEOWNERS
// users of the touched paths (teams cannot be expanded from git), or the
// MAINTAINERS.md maintainers where there is no CODEOWNERS.
func ownersExpected(pr record, touched []string, co *codeowners.File, ml *maintainers.List) float64 {
	owners := map[string]bool{}
	if co != nil {
		for _, m := range reviews.CodeownerMatches(co, touched, nil) {
			if m.Login != "" {
				owners[strings.ToLower(m.Login)] = true
			}
		}
	}
	if len(owners) == 0 {
		for _, e := range ml.Entries {
			if e.Role == maintainers.RoleMaintainer {
				owners[strings.ToLower(e.Login)] = true
			}
		}
	}
	delete(owners, strings.ToLower(pr.author))
	if !owners[strings.ToLower(pr.merger)] {
		return 0
	}
	if len(owners) <= maxSuggestions {
		return 1
	}
	return float64(maxSuggestions) / float64(len(owners))
}
