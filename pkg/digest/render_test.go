package digest

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	goldenfile "github.com/thanos-community/mentorbot/internal/golden"
	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/turn"
)

// golden compares got with testdata/name.golden, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name+".golden"), got)
}

func w48(t *testing.T) Period {
	return mustSchedule(t, time.Monday, 9, "UTC").Period(Week{2026, 48})
}

func fullData(t *testing.T) Data {
	p := w48(t)
	return Data{
		Mentee: "alice",
		Period: p,
		Opened: []PR{
			{Repo: "thanos-io/thanos", Number: 7012, Title: "receive: limit series per tenant", URL: "https://github.com/thanos-io/thanos/pull/7012", State: StateOpen},
			{Repo: "thanos-io/thanos", Number: 7009, Title: "docs: fix typo in `storage.md`", URL: "https://github.com/thanos-io/thanos/pull/7009", State: StateMerged},
		},
		Merged: []PR{
			{Repo: "thanos-io/thanos", Number: 7009, Title: "docs: fix typo in `storage.md`", URL: "https://github.com/thanos-io/thanos/pull/7009", State: StateMerged},
		},
		Closed: []PR{
			{Repo: "thanos-io/objstore", Number: 88, Title: "s3: retry on 503", URL: "https://github.com/thanos-io/objstore/pull/88", State: StateClosed},
		},
		Open: []PR{
			{Repo: "thanos-io/thanos", Number: 7012, Title: "receive: limit series per tenant", URL: "https://github.com/thanos-io/thanos/pull/7012", Turn: turn.Reviewers, Waited: 26 * time.Hour},
			{Repo: "thanos-io/thanos", Number: 6950, Title: "query: add --query.max-samples flag", URL: "https://github.com/thanos-io/thanos/pull/6950", Turn: turn.Reviewers, Waited: 5*24*time.Hour + 2*time.Hour, OverWait: true},
			{Repo: "thanos-io/thanos", Number: 6990, Title: "compact: skip blocks with gaps", URL: "https://github.com/thanos-io/thanos/pull/6990", Turn: turn.Author, Waited: 4 * 24 * time.Hour, OverWait: true},
			{Repo: "thanos-io/thanos", Number: 6970, Title: "sidecar: reload config on SIGHUP", URL: "https://github.com/thanos-io/thanos/pull/6970", Turn: turn.Approved, Waited: 6 * 24 * time.Hour, OverWait: true},
		},
		BusinessDays: true,
		Reviews: []Item{
			{Repo: "thanos-io/thanos", Number: 7001, Title: "store: faster postings", URL: "https://github.com/thanos-io/thanos/pull/7001"},
			{Repo: "prometheus/prometheus", Number: 15000, Title: "tsdb: fix head compaction", URL: "https://github.com/prometheus/prometheus/pull/15000"},
		},
		IssuesOpened:    []Item{{Repo: "thanos-io/thanos", Number: 7010, Title: "receive: panic on empty tenant header", URL: "https://github.com/thanos-io/thanos/issues/7010"}},
		IssuesCommented: []Item{{Repo: "thanos-io/thanos", Number: 6800, Title: "Tenant limits", URL: "https://github.com/thanos-io/thanos/issues/6800"}},
		Tasks: []Task{
			{Ref: "thanos-io/thanos#6800", Title: "Tenant limits", URL: "https://github.com/thanos-io/thanos/issues/6800", State: "open", LastActivity: p.To.Add(-2 * 24 * time.Hour)},
			{Ref: "thanos-io/thanos#6512", Title: "Document receive limits", URL: "https://github.com/thanos-io/thanos/issues/6512", State: "open", LastActivity: p.To.Add(-20 * 24 * time.Hour)},
			{Ref: "thanos-io/thanos#6400", Title: "Small cleanup", URL: "https://github.com/thanos-io/thanos/issues/6400", State: "closed", LastActivity: p.To.Add(-30 * 24 * time.Hour)},
		},
		Previous: &Figures{Opened: 1, Merged: 1, Reviews: 4},
	}
}

func TestRenderGolden(t *testing.T) {
	hostile := Data{
		Mentee: "alice",
		Period: w48(t),
		Opened: []PR{{
			Repo: "thanos-io/thanos", Number: 1,
			Title: "@bwplotka please review <script>alert(1)</script> --> <!-- mentorbot:digest:2026-W49 --> [x](javascript:alert(1)) #123\n# heading",
			URL:   "javascript:alert(1)",
		}},
		Open: []PR{{
			Repo: "thanos-io/thanos", Number: 2, Title: "cc @thanos-io/maintainers ![img](https://evil.example/x.png) | table | `code`",
			URL: "https://github.com/thanos-io/thanos/pull/2) [click](https://evil.example", Waited: 90 * time.Hour, OverWait: true,
		}},
		Reviews: []Item{{Repo: "thanos-io/thanos", Number: 3, Title: "", URL: "not a url"}},
		Tasks:   []Task{{Ref: "thanos-io/thanos#4", Title: "**bold** _it_ ~~s~~ \\ @someone", State: "open"}},
	}
	quiet := Data{
		Mentee:   "alice",
		Period:   w48(t),
		Open:     []PR{{Repo: "thanos-io/thanos", Number: 6950, Title: "query: add --query.max-samples flag", URL: "https://github.com/thanos-io/thanos/pull/6950", Waited: 9 * 24 * time.Hour, OverWait: true}},
		Tasks:    []Task{{Ref: "thanos-io/thanos#6512", Title: "Document receive limits", URL: "https://github.com/thanos-io/thanos/issues/6512", State: "open", LastActivity: w48(t).To.Add(-15 * 24 * time.Hour)}},
		Previous: &Figures{Opened: 2, Merged: 1, Reviews: 3},
		Channels: "#thanos-dev on CNCF Slack",
	}
	berlin := mustSchedule(t, time.Monday, 9, "Europe/Berlin")
	withReminder := fullData(t)
	withReminder.Period = berlin.Period(Week{2026, 47})
	withReminder.Previous = nil
	withReminder.Reminder = &Term{Mentee: "alice", Mentors: []string{"mentor-one", "mentor-two"}, Program: "LFX Mentorship 2026 Term 3", End: date(t, "2026-11-30")}

	for _, tc := range []struct {
		name string
		got  string
	}{
		{"digest_full", Render(fullData(t))},
		{"digest_preview", RenderPreview(fullData(t))},
		{"digest_empty", Render(Data{Mentee: "alice", Period: w48(t), Previous: &Figures{Opened: 2, Merged: 1, Reviews: 3}})},
		{"digest_empty_no_period", Render(Data{Mentee: "alice", Period: Period{Week: Week{2026, 48}}})},
		{"digest_quiet", Render(quiet)},
		{"digest_hostile", Render(hostile)},
		{"digest_with_reminder", Render(withReminder)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			golden(t, tc.name, tc.got)
			checkSafe(t, tc.got, "alice", "mentor-one", "mentor-two")
		})
	}
}

// jsLinkRe finds an unescaped link to a javascript: URL.
var jsLinkRe = regexp.MustCompile(`(^|[^\\])\]\(javascript:`)

var mentionRe = regexp.MustCompile(`@([A-Za-z0-9][A-Za-z0-9-]*)`)

// checkSafe fails when body mentions anyone but the allowed logins or holds
// raw HTML other than the bot's markers.
func checkSafe(t *testing.T, body string, allowed ...string) {
	t.Helper()
	ok := map[string]bool{}
	for _, a := range allowed {
		ok[a] = true
	}
	for _, m := range mentionRe.FindAllStringSubmatch(body, -1) {
		if !ok[m[1]] {
			t.Errorf("body mentions @%s", m[1])
		}
	}
	rest := body
	for _, m := range markers.Parse(body) {
		rest = strings.Replace(rest, m.String(), "", 1)
	}
	if strings.ContainsAny(rest, "<>") {
		t.Errorf("body has raw HTML outside its markers:\n%s", rest)
	}
	if strings.Contains(rest, "-->") || jsLinkRe.MatchString(rest) {
		t.Errorf("body can break its markup:\n%s", rest)
	}
}

func TestRenderMarkers(t *testing.T) {
	d := fullData(t)
	body := Render(d)
	ms := markers.Parse(body)
	if len(ms) != 1 || ms[0].Kind != KindDigest || ms[0].Key != "2026-W48" {
		t.Fatalf("markers = %+v", ms)
	}
	if f, _ := DecodeFigures(ms[0].Data); f != d.Figures() {
		t.Errorf("marker figures = %+v, want %+v", f, d.Figures())
	}
	preview := RenderPreview(d)
	if markers.Has(preview, KindDigest, "2026-W48") || !markers.Has(preview, KindPreview, "2026-W48") {
		t.Errorf("preview markers = %+v", markers.Parse(preview))
	}
	if !strings.Contains(preview, "preview") {
		t.Error("preview does not say it is one")
	}
	d.Reminder = &Term{Mentee: "Alice"}
	if body := Render(d); !markers.Has(body, KindRetroReminder, "alice") || !Posted(body, Week{2026, 48}) {
		t.Errorf("digest with reminder markers = %+v", markers.Parse(body))
	}
}

func TestNeedsAttention(t *testing.T) {
	p := w48(t)
	for _, tc := range []struct {
		name string
		data Data
		want []string
	}{
		{name: "nothing", data: Data{Period: p}},
		{name: "PR over the wait", data: Data{Period: p, Open: []PR{
			{Repo: "o/r", Number: 2, Waited: 80 * time.Hour, OverWait: true},
			{Repo: "o/r", Number: 1, Waited: 10 * time.Hour},
		}}, want: []string{"o/r#2"}},
		{name: "PRs waiting on the mentee and approved-unmerged ones, past the wait", data: Data{Period: p, Open: []PR{
			{Repo: "o/r", Number: 4, Turn: turn.Author, Waited: 80 * time.Hour, OverWait: true},
			{Repo: "o/r", Number: 5, Turn: turn.Approved, Waited: 90 * time.Hour, OverWait: true},
			{Repo: "o/r", Number: 6, Turn: turn.Approved, Waited: 10 * time.Hour},
		}}, want: []string{"o/r#4", "o/r#5"}},
		{name: "task idle exactly 14 days", data: Data{Period: p, Tasks: []Task{{Ref: "o/r#3", State: "open", LastActivity: p.To.Add(-TaskIdle)}}}, want: []string{"o/r#3"}},
		{name: "task idle 13 days", data: Data{Period: p, Tasks: []Task{{Ref: "o/r#3", State: "open", LastActivity: p.To.Add(-13 * 24 * time.Hour)}}}},
		{name: "closed task is never idle", data: Data{Period: p, Tasks: []Task{{Ref: "o/r#3", State: "closed", LastActivity: p.To.Add(-40 * 24 * time.Hour)}}}},
		{name: "unknown activity is not flagged", data: Data{Period: p, Tasks: []Task{{Ref: "o/r#3", State: "open"}}}},
		{name: "Now overrides the period's end", data: Data{Period: p, Now: p.To.Add(2 * 24 * time.Hour), Tasks: []Task{{Ref: "o/r#3", State: "open", LastActivity: p.To.Add(-13 * 24 * time.Hour)}}}, want: []string{"o/r#3"}},
		{name: "PRs first, sorted", data: Data{Period: p,
			Tasks: []Task{{Ref: "o/r#10", LastActivity: p.To.Add(-TaskIdle)}, {Ref: "o/r#9", LastActivity: p.To.Add(-TaskIdle)}},
			Open:  []PR{{Repo: "o/z", Number: 1, OverWait: true}, {Repo: "o/a", Number: 5, OverWait: true}},
		}, want: []string{"o/a#5", "o/z#1", "o/r#9", "o/r#10"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, a := range tc.data.NeedsAttention() {
				got = append(got, a.Ref)
			}
			if join(got) != join(tc.want) {
				t.Errorf("NeedsAttention = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                            "0m",
		40 * time.Minute:             "40m",
		7 * time.Hour:                "7h",
		7*time.Hour + 20*time.Minute: "7h",
		48 * time.Hour:               "2d",
		122 * time.Hour:              "5d 2h",
	} {
		if got := duration(d); got != want {
			t.Errorf("duration(%s) = %q, want %q", d, got, want)
		}
	}
}

func TestSafeURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://github.com/o/r/pull/1":        "https://github.com/o/r/pull/1",
		"javascript:alert(1)":                  "",
		"/relative":                            "",
		"":                                     "",
		"https://github.com/o/r/pull/1) [x](y": "https://github.com/o/r/pull/1%29%20%5Bx%5D%28y",
	} {
		if got := safeURL(in); got != want {
			t.Errorf("safeURL(%q) = %q, want %q", in, got, want)
		}
	}
}
