package reviews

import (
	"bufio"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

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
		"ok":              "suggested, rank 1 (evidence 0.00, pool, 0 open review requests)",
		"atlimit":         "suggested, rank 2 (evidence 0.00, pool, 5 open review requests)",
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
	now := time.Date(2026, 9, 15, 9, 0, 0, 0, time.UTC)
	ago := func(days int) time.Time { return now.Add(-time.Duration(days) * 24 * time.Hour) }
	in := ChooseInput{
		Number: 0, Author: "alice", Now: now,
		Paths: []string{"pkg/store/bucket.go", "pkg/store/proxy.go", "CHANGELOG.md"},
		Owners: []OwnerMatch{
			{Path: "pkg/store/bucket.go", Pattern: "*", Login: "catchall"},
			{Path: "pkg/store/bucket.go", Pattern: "/pkg/store", Login: "owner"},
			{Path: "pkg/store/bucket.go", Pattern: "/pkg/store", Login: "teammate", Team: "org/store"},
			{Path: "pkg/store/bucket.go", Pattern: "/pkg/store", Team: "org/secret-team"},
		},
		Maintainers: []maintainers.Match{
			{Entry: maintainers.Entry{Login: "general"}, General: true},
		},
		Activity: []Activity{
			// merger: merged 3 PRs in pkg/store this summer.
			{Login: "merger", Kind: ActMerged, Paths: []string{"pkg/store/"}, At: ago(10)},
			{Login: "merger", Kind: ActMerged, Paths: []string{"pkg/store/"}, At: ago(40)},
			{Login: "merger", Kind: ActMerged, Paths: []string{"pkg/store/"}, At: ago(70)},
			// author2: changed pkg/store twice, long ago.
			{Login: "author2", Kind: ActAuthored, Paths: []string{"pkg/store/"}, At: ago(170)},
			{Login: "author2", Kind: ActAuthored, Paths: []string{"pkg/store/"}, At: ago(160)},
			// changelog: touched only what every PR touches.
			{Login: "changelog", Kind: ActAuthored, Paths: []string{"CHANGELOG.md", "go.sum"}, At: ago(1)},
			// elsewhere: merged in another top-level directory, counts a
			// little as activity in the repository.
			{Login: "elsewhere", Kind: ActMerged, Paths: []string{"cmd/thanos/"}, At: ago(5)},
		},
		Pool:     []string{"poolie"},
		Eligible: []string{"catchall", "owner", "teammate", "general", "merger", "author2", "changelog", "elsewhere", "poolie"},
		LastActive: map[string]time.Time{
			"owner": ago(30), "teammate": ago(30), "catchall": ago(30), "general": ago(30), "poolie": ago(30), "changelog": ago(1),
		},
		InactiveAfter:  183 * 24 * time.Hour,
		MaxSuggestions: 3,
	}
	got, expl := Choose(in)
	// Evidence first: the recent merger, then older changes, then the
	// repository-wide activity; the CODEOWNER without history after them.
	if want := []string{"merger", "author2", "elsewhere"}; !reflect.DeepEqual(suggested(got), want) {
		t.Fatalf("suggested %q, want %q", suggested(got), want)
	}
	if got, want := got[0].Reasons[0].Text(), "merged 3 PRs touching ` pkg/store ` since July 2026"; got != want {
		t.Errorf("merger reason %q, want %q", got, want)
	}
	if got, want := got[1].Reasons[0].Text(), "changed ` pkg/store ` 2 times since March 2026"; got != want {
		t.Errorf("author2 reason %q, want %q", got, want)
	}
	if got, want := got[2].Reasons[0].Text(), "merged 1 PR in this repository since September 2026"; got != want {
		t.Errorf("elsewhere reason %q, want %q", got, want)
	}
	var order []string
	for _, c := range expl {
		order = append(order, c.Login)
	}
	// Without evidence, the named CODEOWNER beats the team member, the
	// catch-all line, the general maintainer and the pool; noise is not
	// evidence; the unexpanded team is explained.
	want := []string{"merger", "author2", "elsewhere", "owner", "teammate", "catchall", "general", "poolie", "org/secret-team"}
	if !reflect.DeepEqual(order, want) {
		t.Errorf("considered order %q, want %q", order, want)
	}
	if r := why(expl)["changelog"]; r != "" {
		t.Errorf("changelog-only activity made a candidate: %q", r)
	}

	// Nobody inactive for inactive_after is suggested, however listed.
	in.LastActive["owner"] = ago(200)
	in.Activity = nil
	got, expl = Choose(in)
	if w := why(expl)["owner"]; !strings.HasPrefix(w, "no activity in the repository for 183 days") {
		t.Errorf("inactive owner: %q", w)
	}
	delete(in.LastActive, "teammate")
	if _, expl = Choose(in); !strings.HasPrefix(why(expl)["teammate"], "no activity") {
		t.Errorf("unknown activity: %q", why(expl)["teammate"])
	}

	// Fewest open requests breaks a tie.
	in2 := ChooseInput{
		Author: "alice", Paths: []string{"a/x.go"}, Now: now,
		Owners:       []OwnerMatch{{Path: "a/x.go", Pattern: "/a", Login: "owner1"}, {Path: "a/x.go", Pattern: "/a", Login: "owner2"}},
		Eligible:     []string{"owner1", "owner2"},
		OpenRequests: map[string]int{"owner2": 2}, MaxSuggestions: 1,
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

// The reasons of every kind, built from the real CODEOWNERS and
// MAINTAINERS.md of prometheus/prometheus and its history in the evaluation
// data, say something true and specific: no "recently" that nothing
// measured, no count of zero.
func TestEveryReasonKindFromRealInputs(t *testing.T) {
	owners := codeowners.Parse(readTestdata(t, "prometheus-CODEOWNERS"))
	maint := maintainers.Parse(readTestdata(t, "prometheus-MAINTAINERS.md"))
	acts, now := evalHistory(t, "../../scripts/evalreviewers/testdata/prometheus.tsv", 18006)
	members := func(team string) ([]string, bool) { return []string{"bboreham", "roidelapluie"}, true }
	seen := map[ReasonKind]string{}
	for _, paths := range [][]string{
		{"tsdb/head.go", "CHANGELOG.md"},
		{"web/ui/module/codemirror-promql/src/index.ts"},
		{"README.md"},
		{"Makefile"},
	} {
		var eligible []string
		for _, e := range maint.Entries {
			eligible = append(eligible, e.Login)
		}
		for _, a := range acts {
			eligible = append(eligible, a.Login)
		}
		_, expl := Choose(ChooseInput{
			Author: "mentee", Paths: paths, Now: now,
			Owners: CodeownerMatches(owners, paths, members), Maintainers: maint.ForPaths(paths),
			Activity: acts, Pool: []string{"pool-person"}, Eligible: append(eligible, "pool-person"),
			MaxSuggestions: 100,
		})
		for _, c := range expl {
			for _, r := range c.Reasons {
				txt := r.Text()
				if strings.Contains(txt, "recently") || strings.Contains(txt, " 0 ") || strings.HasPrefix(txt, "ReasonKind") {
					t.Errorf("%s: reason %q", c.Login, txt)
				}
				if r.Kind == ReasonHistory && (r.Since.IsZero() || !strings.Contains(txt, " since ")) {
					t.Errorf("%s: history reason without its start: %q", c.Login, txt)
				}
				if _, ok := seen[r.Kind]; !ok {
					seen[r.Kind] = c.Login + ": " + txt
				}
			}
		}
	}
	for k := ReasonCodeowner; k <= ReasonPool; k++ {
		if seen[k] == "" {
			t.Errorf("no %s reason built from the real inputs", k)
		} else {
			t.Logf("%s: %s", k, seen[k])
		}
	}
}

// evalHistory reads the evaluation data's history before PR number pr's
// merge as Activity, and the time of that merge.
func evalHistory(t *testing.T, file string, pr int) ([]Activity, time.Time) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var acts []Activity
	var now time.Time
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		c := strings.Split(sc.Text(), "\t")
		switch {
		case c[0] == "M" && len(c) == 7:
			at, _ := time.Parse(time.DateOnly, c[1])
			if n, _ := strconv.Atoi(c[2]); n == pr {
				now = at
			}
			acts = append(acts, Activity{Login: c[3], Kind: ActMerged, Paths: strings.Split(c[5], ";"), At: at})
		case c[0] == "C" && len(c) == 4:
			at, _ := time.Parse(time.DateOnly, c[1])
			acts = append(acts, Activity{Login: c[2], Kind: ActAuthored, Paths: strings.Split(c[3], ";"), At: at})
		}
	}
	if now.IsZero() {
		t.Fatalf("PR %d not in %s", pr, file)
	}
	var before []Activity
	for _, a := range acts {
		if a.At.Before(now) && now.Sub(a.At) < 180*24*time.Hour && !strings.HasPrefix(a.Login, "~") {
			before = append(before, a)
		}
	}
	return before, now
}
