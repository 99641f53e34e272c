package reviews

import (
	"bufio"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/thanos-community/mentorbot/pkg/codeowners"
	"github.com/thanos-community/mentorbot/pkg/maintainers"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func suggested(s []Suggestion) []string {
	var out []string
	for _, x := range s {
		out = append(out, x.Login)
	}
	return out
}

func why(cs []Considered) map[string]string {
	m := map[string]string{}
	for _, c := range cs {
		m[c.Login] = c.Why
	}
	return m
}

func TestChooseFilters(t *testing.T) {
	base := ChooseInput{
		Number: 1,
		Author: "alice",
		Paths:  []string{"pkg/a.go"},
		Pool: []string{
			"Alice", "dependabot[bot]", "ci-robot", "excluded", "reviewer", "outsider",
			"busy", "atlimit", "bad login!", "ok",
		},
		Exclude:         []string{"@Excluded"},
		Reviewed:        []string{"REVIEWER"},
		Bots:            []string{"ci-robot"},
		Eligible:        []string{"alice", "dependabot[bot]", "ci-robot", "excluded", "reviewer", "busy", "atlimit", "bad login!", "ok"},
		OpenRequests:    map[string]int{"busy": 6, "AtLimit": 5},
		MaxOpenRequests: 5,
		MaxSuggestions:  5,
	}
	got, expl := Choose(base)
	if want := []string{"ok", "atlimit"}; !reflect.DeepEqual(suggested(got), want) {
		t.Errorf("suggested %q, want %q", suggested(got), want)
	}
	want := map[string]string{
		"ok":              "suggested, rank 1 (pool, 0 open review requests)",
		"atlimit":         "suggested, rank 2 (pool, 5 open review requests)",
		"Alice":           "is the author",
		"dependabot[bot]": "is a bot",
		"ci-robot":        "is a bot",
		"excluded":        "excluded by reviews.exclude",
		"reviewer":        "already reviewed this pull request",
		"outsider":        "not an organisation member or collaborator",
		"busy":            "has 6 open review requests, more than 5",
		"bad login!":      "not a valid GitHub login",
	}
	if g := why(expl); !reflect.DeepEqual(g, want) {
		t.Errorf("explanations =\n%v\nwant\n%v", g, want)
	}
	if len(expl) != len(want) {
		t.Errorf("%d explanations for %d candidates", len(expl), len(want))
	}

	none := base
	none.MaxSuggestions = 0
	if got, expl := Choose(none); len(got) != 0 || !strings.Contains(why(expl)["ok"], "beyond max_suggestions 0") {
		t.Errorf("MaxSuggestions 0: %v %v", got, why(expl))
	}
	unlimited := base
	unlimited.MaxOpenRequests = 0
	if got, _ := Choose(unlimited); !reflect.DeepEqual(suggested(got), []string{"ok", "atlimit", "busy"}) {
		t.Errorf("no limit: %q", suggested(got))
	}
}

func TestChooseRanking(t *testing.T) {
	in := ChooseInput{
		Number: 0,
		Author: "alice",
		Paths:  []string{"a/x.go", "a/y.go", "b/z.go"},
		Owners: []OwnerMatch{
			{Path: "a/x.go", Pattern: "/a", Login: "owner1"},
			{Path: "b/z.go", Pattern: "/b", Login: "owner2"},
			{Path: "a/y.go", Pattern: "/a", Login: "owner2"},
			{Path: "a/x.go", Pattern: "/a", Login: "teammate", Team: "org/a-team"},
			{Path: "a/x.go", Pattern: "/a", Team: "org/secret-team"},
		},
		Maintainers: []maintainers.Match{
			{Entry: maintainers.Entry{Login: "areaperson", Areas: []string{"b"}}, Areas: []string{"b"}, Paths: []string{"b/z.go"}},
			{Entry: maintainers.Entry{Login: "general"}, General: true},
			{Entry: maintainers.Entry{Login: "owner1"}, General: true},
		},
		History: []HistoryEntry{
			{Login: "historian", Path: "a", Authored: 3, Merged: 1},
			{Login: "elsewhere", Path: "c", Authored: 50},
		},
		Pool:           []string{"poolie", "general"},
		Eligible:       []string{"owner1", "owner2", "teammate", "areaperson", "general", "historian", "elsewhere", "poolie"},
		OpenRequests:   map[string]int{"owner1": 1},
		MaxSuggestions: 3,
	}
	got, expl := Choose(in)
	// owner2 covers two paths, owner1 one: more paths first, despite
	// owner1's tie-breaking open requests being irrelevant here.
	if want := []string{"owner2", "owner1", "teammate"}; !reflect.DeepEqual(suggested(got), want) {
		t.Fatalf("suggested %q, want %q", suggested(got), want)
	}
	var order []string
	for _, c := range expl {
		order = append(order, c.Login)
	}
	// Kept candidates in rank order, then dropped ones; the unexpanded team
	// and history of an untouched path are explained or ignored.
	if want := []string{"owner2", "owner1", "teammate", "areaperson", "historian", "general", "poolie", "org/secret-team"}; !reflect.DeepEqual(order, want) {
		t.Errorf("considered order %q, want %q", order, want)
	}
	// Every reason is kept.
	if rs := got[1].Reasons; len(rs) != 2 || rs[0].Kind != ReasonCodeowner || rs[1].Kind != ReasonMaintainer {
		t.Errorf("owner1 reasons = %+v", rs)
	}
	if rs := got[0].Reasons; len(rs) != 2 || !reflect.DeepEqual(rs[0].Paths, []string{"b/z.go"}) || !reflect.DeepEqual(rs[1].Paths, []string{"a/y.go"}) {
		t.Errorf("owner2 reasons = %+v", rs)
	}
	for _, c := range expl {
		if c.Login == "general" && len(c.Reasons) != 2 {
			t.Errorf("general reasons = %+v", c.Reasons)
		}
	}

	// Fewest open requests breaks a relevance tie.
	in2 := in
	in2.OpenRequests = map[string]int{"owner2": 2}
	in2.Owners = []OwnerMatch{
		{Path: "a/x.go", Pattern: "/a", Login: "owner1"},
		{Path: "a/x.go", Pattern: "/a", Login: "owner2"},
	}
	for n := 0; n < 4; n++ {
		in2.Number = n
		if got, _ := Choose(in2); got[0].Login != "owner1" {
			t.Errorf("PR %d: %q first, want the less busy owner1", n, got[0].Login)
		}
	}
}

func TestChooseRotation(t *testing.T) {
	in := ChooseInput{
		Author:         "alice",
		Paths:          []string{"x"},
		Pool:           []string{"d", "b", "a", "c"},
		Eligible:       []string{"a", "b", "c", "d"},
		MaxSuggestions: 2,
	}
	want := [][]string{{"a", "b"}, {"b", "c"}, {"c", "d"}, {"d", "a"}, {"a", "b"}}
	for n, w := range want {
		in.Number = n
		got, _ := Choose(in)
		if !reflect.DeepEqual(suggested(got), w) {
			t.Errorf("PR %d: %q, want %q", n, suggested(got), w)
		}
		again, _ := Choose(in)
		if !reflect.DeepEqual(got, again) {
			t.Errorf("PR %d: not deterministic", n)
		}
	}
	in.Number = -3
	if got, _ := Choose(in); len(got) != 2 {
		t.Errorf("negative PR number: %v", got)
	}
}

// A PR touching tsdb/ in prometheus/prometheus suggests the people CODEOWNERS
// names for /tsdb, and only when none of them can, the pool.
func TestChoosePrometheusTSDB(t *testing.T) {
	owners := codeowners.Parse(readTestdata(t, "prometheus-CODEOWNERS"))
	maint := maintainers.Parse(readTestdata(t, "prometheus-MAINTAINERS.md"))
	paths := []string{"tsdb/head.go", "tsdb/head_test.go"}
	tsdbOwners := map[string]bool{"jesusvazquez": true, "codesome": true, "bwplotka": true, "krajorama": true}
	var eligible []string
	for _, e := range maint.Entries {
		eligible = append(eligible, e.Login)
	}
	eligible = append(eligible, "pool-person")

	for _, tc := range []struct {
		name     string
		members  TeamMembers
		reviewed []string
		want     func(login string) bool
		wantN    int
	}{
		{
			// The app cannot read the default-maintainers team: it is
			// explained, never suggested.
			name: "team not readable", wantN: 2,
			want: func(l string) bool { return tsdbOwners[l] },
		},
		{
			// With the team readable, its members are owners too, but the
			// people named on the /tsdb line rank first.
			name: "team expanded", wantN: 2,
			members: func(team string) ([]string, bool) {
				return []string{"bboreham", "roidelapluie", "krajorama", "aknuds1"}, team == "prometheus/default-maintainers"
			},
			want: func(l string) bool { return tsdbOwners[l] },
		},
		{
			name: "all tsdb owners already reviewed", wantN: 2,
			reviewed: []string{"jesusvazquez", "codesome", "bwplotka", "krajorama"},
			want: func(l string) bool {
				return l == "pool-person" || l == "bboreham" || l == "roidelapluie" || l == "machine424" || l == "aknuds1"
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for n := 19000; n < 19008; n++ {
				in := ChooseInput{
					Number:         n,
					Author:         "mentee",
					Paths:          paths,
					Owners:         CodeownerMatches(owners, paths, tc.members),
					Maintainers:    maint.ForPaths(paths),
					Pool:           []string{"pool-person"},
					Reviewed:       tc.reviewed,
					Eligible:       eligible,
					OpenRequests:   map[string]int{"bwplotka": 4, "jesusvazquez": 1},
					MaxSuggestions: 2,
				}
				got, expl := Choose(in)
				if len(got) != tc.wantN {
					t.Fatalf("PR %d: %d suggestions %q", n, len(got), suggested(got))
				}
				for _, s := range got {
					if !tc.want(s.Login) {
						t.Errorf("PR %d: suggested %s (%v)", n, s.Login, s.Reasons)
					}
				}
				w := why(expl)
				if tc.members == nil && !strings.Contains(w["prometheus/default-maintainers"], "could not be expanded") {
					t.Errorf("team explanation = %q", w["prometheus/default-maintainers"])
				}
			}
		})
	}

	// The two least busy tsdb owners, codesome and krajorama, take turns
	// in first place by PR number.
	in := ChooseInput{
		Author: "mentee", Paths: paths, Owners: CodeownerMatches(owners, paths, nil),
		Maintainers: maint.ForPaths(paths), Eligible: eligible, MaxSuggestions: 2,
		OpenRequests: map[string]int{"bwplotka": 4, "jesusvazquez": 1},
	}
	for n, want := range [][]string{{"codesome", "krajorama"}, {"krajorama", "codesome"}} {
		in.Number = n
		got, _ := Choose(in)
		if !reflect.DeepEqual(suggested(got), want) {
			t.Errorf("PR %d: %q, want %q", n, suggested(got), want)
		}
		// codesome is also in MAINTAINERS.md for tsdb; both reasons show.
		for _, s := range got {
			if s.Login == "codesome" && (len(s.Reasons) != 2 || s.Reasons[1].Kind != ReasonMaintainerArea) {
				t.Errorf("codesome reasons = %+v", s.Reasons)
			}
		}
	}
}

var handleCount = regexp.MustCompile(`@([A-Za-z0-9-]+)(?: \([^)]*\))?:(\d+)`)

// thanosHistory builds history for the touched paths from the real data:
// top authors per directory, and who merged the recent PRs touching them.
func thanosHistory(t *testing.T, maint *maintainers.List, touched []string) []HistoryEntry {
	t.Helper()
	var out []HistoryEntry
	covers := func(dir string) bool {
		for _, p := range touched {
			if maintainers.Covers(dir, p) {
				return true
			}
		}
		return false
	}
	sc := bufio.NewScanner(strings.NewReader(string(readTestdata(t, "thanos-dir-top-authors-secondlevel.tsv"))))
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 3 || !covers(cols[0]) {
			continue
		}
		// Authors without a GitHub login ("Adam Jasinski:4") cannot be
		// suggested and are skipped.
		for _, m := range handleCount.FindAllStringSubmatch(cols[2], -1) {
			n, _ := strconv.Atoi(m[2])
			out = append(out, HistoryEntry{Login: m[1], Path: cols[0], Authored: n})
		}
	}
	// merged_by holds names: map them to logins through MAINTAINERS.md.
	byName := map[string]string{}
	for _, e := range maint.Entries {
		byName[e.Name] = e.Login
	}
	merged := map[string]map[string]int{}
	sc = bufio.NewScanner(strings.NewReader(string(readTestdata(t, "thanos-pr-files.tsv"))))
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 13 || byName[cols[4]] == "" {
			continue
		}
		for _, f := range strings.Split(cols[12], ";") {
			dir := filepath.Dir(f)
			if !covers(dir) || dir == "." {
				continue
			}
			if merged[dir] == nil {
				merged[dir] = map[string]int{}
			}
			merged[dir][byName[cols[4]]]++
			break
		}
	}
	for dir, m := range merged {
		for login, n := range m {
			out = append(out, HistoryEntry{Login: login, Path: dir, Merged: n})
		}
	}
	return out
}

// thanos-io/thanos has no CODEOWNERS and no areas in MAINTAINERS.md: the
// suggestion comes from history, and the most active merger does not get
// every PR.
func TestChooseThanosHistory(t *testing.T) {
	maint := maintainers.Parse(readTestdata(t, "thanos-MAINTAINERS.md"))
	paths := []string{"pkg/store/bucket.go", "pkg/store/proxy.go"}
	hist := thanosHistory(t, maint, paths)
	var eligible []string
	for _, e := range maint.Entries {
		eligible = append(eligible, e.Login)
	}
	counts := map[string]int{}
	const prs = 40
	for n := 9000; n < 9000+prs; n++ {
		got, expl := Choose(ChooseInput{
			Number: n, Author: "mentee", Paths: paths,
			Maintainers: maint.ForPaths(paths), History: hist,
			Eligible: eligible, MaxSuggestions: 2, MaxOpenRequests: 5,
		})
		if len(got) != 2 {
			t.Fatalf("PR %d: %q", n, suggested(got))
		}
		for _, s := range got {
			counts[s.Login]++
			if s.Reasons[0].Kind != ReasonHistory {
				t.Errorf("PR %d: %s suggested for %v", n, s.Login, s.Reasons)
			}
		}
		if n == 9000 {
			w := why(expl)
			if !strings.HasPrefix(w["bwplotka"], "rank") {
				t.Errorf("general maintainer bwplotka: %q", w["bwplotka"])
			}
		}
	}
	// pkg/store's recent authors with a login: GiedriusS (who also merged
	// most PRs), yeya24, fpetkovski and harry671003 share the load.
	want := map[string]int{"GiedriusS": prs / 2, "yeya24": prs / 2, "fpetkovski": prs / 2, "harry671003": prs / 2}
	if !reflect.DeepEqual(counts, want) {
		t.Errorf("suggestions per person = %v, want %v", counts, want)
	}
}

// A maintainer who merged 179 of 228 PRs touching a path is relevant, but must
// not receive every suggestion: counts are reasons, not ranking keys.
func TestChooseSpreadsLoad(t *testing.T) {
	hist := []HistoryEntry{
		{Login: "GiedriusS", Path: "pkg/receive", Merged: 179, Authored: 42},
		{Login: "saswatamcode", Path: "pkg/receive", Merged: 25, Authored: 7},
		{Login: "MichaHoffmann", Path: "pkg/receive", Merged: 14, Authored: 7},
		{Login: "fpetkovski", Path: "pkg/receive", Merged: 10, Authored: 4},
	}
	counts := map[string]int{}
	for n := 1; n <= 100; n++ {
		got, _ := Choose(ChooseInput{
			Number: n, Author: "mentee", Paths: []string{"pkg/receive/handler.go"}, History: hist,
			Eligible: []string{"GiedriusS", "saswatamcode", "MichaHoffmann", "fpetkovski"}, MaxSuggestions: 1,
		})
		counts[got[0].Login]++
	}
	if counts["GiedriusS"] == 100 || len(counts) != 4 {
		t.Errorf("suggestions per person = %v", counts)
	}
	for login, c := range counts {
		if c != 25 {
			t.Errorf("%s got %d of 100", login, c)
		}
	}
	// And with open requests known, the busiest person drops to last.
	got, _ := Choose(ChooseInput{
		Number: 0, Author: "mentee", Paths: []string{"pkg/receive/handler.go"}, History: hist,
		Eligible:     []string{"GiedriusS", "saswatamcode", "MichaHoffmann", "fpetkovski"},
		OpenRequests: map[string]int{"GiedriusS": 5, "saswatamcode": 1, "MichaHoffmann": 1, "fpetkovski": 1}, MaxSuggestions: 3,
	})
	for _, s := range got {
		if s.Login == "GiedriusS" {
			t.Errorf("busiest reviewer suggested: %q", suggested(got))
		}
	}
}
