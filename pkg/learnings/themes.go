package learnings

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// Entry is a learning with the mentee whose retrospective it came from.
type Entry struct {
	Mentee string
	Item   Item
}

// Group is a set of learnings shown together: either a theme, a significant
// word that recurs in the learnings of at least two mentees, or the
// remaining learnings of one mentee.
type Group struct {
	// Theme is the recurring word as people wrote it most often ("reviews");
	// empty for a per-mentee group.
	Theme string
	// Mentees are the mentees whose learnings are in the group, in roster
	// order; exactly one for a per-mentee group.
	Mentees []string
	Entries []Entry
}

// GroupLearnings groups the learnings of all retrospectives. It is simple
// and deterministic on purpose, so the issue does not reshuffle between
// updates for no reason:
//
//  1. Each learning is reduced to its keywords: words of three letters or
//     more, lower-cased, without stop words and links, stemmed by a small
//     suffix stripper ("reviews", "reviewing", "reviewers" → "review").
//  2. A keyword is a candidate theme when learnings of at least two
//     different mentees contain it.
//  3. Each learning joins its best candidate: the one shared by the most
//     mentees, then the one with the most learnings, then the
//     alphabetically first.
//  4. A candidate that ends up with the learnings of fewer than two mentees
//     is dropped and step 3 runs again.
//
// Themes come first (most mentees, then most learnings, then name), then
// one group per mentee for the learnings that share no theme, in roster
// order.
func GroupLearnings(retros []Retrospective) []Group {
	stopWords := stopWordSet()
	var (
		entries []Entry
		keys    []map[string]bool
		order   = map[string]int{} // mentee -> roster position
		forms   = map[string]map[string]int{}
	)
	for i, r := range retros {
		if _, ok := order[r.Mentee]; !ok {
			order[r.Mentee] = i
		}
		for _, it := range r.In(SectionLearnings) {
			entries = append(entries, Entry{Mentee: r.Mentee, Item: it})
			k := map[string]bool{}
			for _, w := range words(it.Text + " " + strings.Join(it.Sub, " ")) {
				s := stem(w)
				if len(s) < 3 || stopWords[w] || stopWords[s] {
					continue
				}
				k[s] = true
				if forms[s] == nil {
					forms[s] = map[string]int{}
				}
				forms[s][w]++
			}
			keys = append(keys, k)
		}
	}

	// mentees[s] is the set of mentees whose learnings contain keyword s.
	mentees := map[string]map[string]bool{}
	count := map[string]int{}
	for i, e := range entries {
		for s := range keys[i] {
			if mentees[s] == nil {
				mentees[s] = map[string]bool{}
			}
			mentees[s][e.Mentee] = true
			count[s]++
		}
	}
	candidate := map[string]bool{}
	for s, m := range mentees {
		if len(m) >= 2 {
			candidate[s] = true
		}
	}
	better := func(a, b string) bool {
		if len(mentees[a]) != len(mentees[b]) {
			return len(mentees[a]) > len(mentees[b])
		}
		if count[a] != count[b] {
			return count[a] > count[b]
		}
		return a < b
	}
	assign := make([]string, len(entries))
	for {
		for i := range entries {
			assign[i] = ""
			for s := range keys[i] {
				if candidate[s] && (assign[i] == "" || better(s, assign[i])) {
					assign[i] = s
				}
			}
		}
		got := map[string]map[string]bool{}
		for i, s := range assign {
			if s == "" {
				continue
			}
			if got[s] == nil {
				got[s] = map[string]bool{}
			}
			got[s][entries[i].Mentee] = true
		}
		dropped := false
		for s := range candidate {
			if len(got[s]) < 2 {
				delete(candidate, s)
				dropped = true
			}
		}
		if !dropped {
			break
		}
	}

	byTheme := map[string]*Group{}
	byMentee := map[string]*Group{}
	var themes, rest []*Group
	for i, e := range entries {
		s := assign[i]
		if s == "" {
			g := byMentee[e.Mentee]
			if g == nil {
				g = &Group{Mentees: []string{e.Mentee}}
				byMentee[e.Mentee] = g
				rest = append(rest, g)
			}
			g.Entries = append(g.Entries, e)
			continue
		}
		g := byTheme[s]
		if g == nil {
			g = &Group{Theme: surfaceForm(forms[s])}
			byTheme[s] = g
			themes = append(themes, g)
		}
		g.Entries = append(g.Entries, e)
		if !contains(g.Mentees, e.Mentee) {
			g.Mentees = append(g.Mentees, e.Mentee)
		}
	}
	for _, g := range themes {
		sort.SliceStable(g.Mentees, func(i, j int) bool { return order[g.Mentees[i]] < order[g.Mentees[j]] })
	}
	sort.SliceStable(themes, func(i, j int) bool {
		a, b := themes[i], themes[j]
		if len(a.Mentees) != len(b.Mentees) {
			return len(a.Mentees) > len(b.Mentees)
		}
		if len(a.Entries) != len(b.Entries) {
			return len(a.Entries) > len(b.Entries)
		}
		return a.Theme < b.Theme
	})
	sort.SliceStable(rest, func(i, j int) bool { return order[rest[i].Mentees[0]] < order[rest[j].Mentees[0]] })
	out := make([]Group, 0, len(themes)+len(rest))
	for _, g := range append(themes, rest...) {
		out = append(out, *g)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// surfaceForm returns the word most often written for a stem (ties: the
// shorter, then the alphabetically first).
func surfaceForm(forms map[string]int) string {
	best := ""
	for w, n := range forms {
		switch {
		case best == "":
			best = w
		case n > forms[best],
			n == forms[best] && len(w) < len(best),
			n == forms[best] && len(w) == len(best) && w < best:
			best = w
		}
	}
	return best
}

var urlRe = regexp.MustCompile(`https?://\S+`)

// words returns the lower-case words of s, without links and numbers.
func words(s string) []string {
	s = urlRe.ReplaceAllString(strings.ToLower(s), " ")
	s = strings.ReplaceAll(s, "’", "'")
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	}) {
		w = strings.Trim(w, "'")
		w = strings.TrimSuffix(w, "'s")
		if w == "" || strings.IndexFunc(w, unicode.IsLetter) < 0 {
			continue
		}
		out = append(out, w)
	}
	return out
}

// stem strips common English suffixes so that the forms of a word meet:
// plurals, -ing, -ed, -er, -ly, -ation and a final e. It is a few of
// Porter's rules, enough to group learnings, and deterministic.
func stem(w string) string {
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
	case strings.HasSuffix(w, "s") && len(w) > 3:
		w = w[:len(w)-1]
	}
	for _, suf := range []string{"ing", "ed"} {
		base := strings.TrimSuffix(w, suf)
		if base != w && len(base) >= 3 && strings.ContainsAny(base, "aeiouy") {
			w = base
			if n := len(w); n >= 2 && w[n-1] == w[n-2] && !strings.ContainsRune("aeiouylsz", rune(w[n-1])) {
				w = w[:n-1]
			}
			break
		}
	}
	switch {
	case strings.HasSuffix(w, "mentation"):
		w = strings.TrimSuffix(w, "ation")
	case strings.HasSuffix(w, "ation") && len(w) > 7:
		w = strings.TrimSuffix(w, "ion") + "e"
	case strings.HasSuffix(w, "er") && len(w) > 5:
		w = strings.TrimSuffix(w, "er")
	case strings.HasSuffix(w, "ly") && len(w) > 5:
		w = strings.TrimSuffix(w, "ly")
	}
	if strings.HasSuffix(w, "e") && len(w) > 3 {
		w = w[:len(w)-1]
	}
	return w
}

// stopWordList are words that say nothing about a theme: common English and
// the words every retrospective of a mentorship uses.
const stopWordList = `
a about above after again against all also always am an and any are aren't as at
be because been before being below between both but by can can't cannot could
couldn't did didn't do does doesn't doing don't down during each even ever every
few for from further get gets getting got had hadn't has hasn't have haven't
having he her here hers herself him himself his how i i'm i've if in into is
isn't it it's its itself just let's lot lots made make makes making many me more
most much must my myself need needed needs never no nor not now of off often on
once one only or other others our ours ourselves out over own quite rather
really same she should shouldn't so some still such than that that's the their
theirs them themselves then there there's these they they're this those through
to too two under until up upon us very was wasn't way ways we we're we've well
were weren't what when where which while who whom why will with without won't
would wouldn't yet you you're your yours yourself yourselves
able add added also bit done etc good great better best bad easy hard help
helped helps helpful keep kept know like new next instead nice see thing
things think time times try tried use used using want went work worked working
works
learn learned learning learnings learnt lesson lessons
mentee mentees mentor mentors mentorship mentoring program programme project
projects term`

func stopWordSet() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(stopWordList) {
		m[w] = true
	}
	return m
}
