package digest

import (
	"strings"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/policy"
)

func aliceTerm(t *testing.T) Term {
	m := policy.Mentee{
		Login:   "alice",
		Mentors: []string{"mentor-one", "mentor-two"},
		Start:   date(t, "2026-09-01"),
		End:     date(t, "2026-11-30"),
	}
	return TermOf(m, "LFX Mentorship 2026 Term 3")
}

func TestProgrammeEndGolden(t *testing.T) {
	full := Report{
		Term: aliceTerm(t),
		PRs: []PR{
			{Repo: "thanos-io/thanos", Number: 7012, Title: "receive: limit series per tenant", URL: "https://github.com/thanos-io/thanos/pull/7012", State: StateOpen},
			{Repo: "thanos-io/thanos", Number: 6801, Title: "receive: per-tenant series limit (part 1)", URL: "https://github.com/thanos-io/thanos/pull/6801", State: StateMerged},
			{Repo: "thanos-io/thanos", Number: 7009, Title: "docs: fix typo in `storage.md`", URL: "https://github.com/thanos-io/thanos/pull/7009", State: StateMerged},
			{Repo: "thanos-io/objstore", Number: 88, Title: "s3: retry on 503", URL: "https://github.com/thanos-io/objstore/pull/88", State: StateClosed},
		},
		Reviews: []Item{
			{Repo: "thanos-io/thanos", Number: 7001, Title: "store: faster postings", URL: "https://github.com/thanos-io/thanos/pull/7001"},
			{Repo: "prometheus/prometheus", Number: 15000, Title: "tsdb: fix head compaction", URL: "https://github.com/prometheus/prometheus/pull/15000"},
		},
		IssuesOpened:    []Item{{Repo: "thanos-io/thanos", Number: 7010, Title: "receive: panic on empty tenant header", URL: "https://github.com/thanos-io/thanos/issues/7010"}},
		IssuesCommented: []Item{{Repo: "thanos-io/thanos", Number: 6800, Title: "Tenant limits", URL: "https://github.com/thanos-io/thanos/issues/6800"}},
		Tasks: []Task{
			{Ref: "thanos-io/thanos#6800", Title: "Tenant limits", URL: "https://github.com/thanos-io/thanos/issues/6800", State: "closed"},
			{Ref: "thanos-io/thanos#6512", Title: "Document receive limits", URL: "https://github.com/thanos-io/thanos/issues/6512", State: "open", LastActivity: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)},
		},
	}
	hostile := Term{Mentee: "alice", Mentors: []string{"mentor-one", "not a login <b>"}, Program: "Term 3 @everyone <!-- x -->"}

	for _, tc := range []struct {
		name string
		got  string
	}{
		{"retro_reminder", RenderRetroReminder(aliceTerm(t))},
		{"retro_reminder_minimal", RenderRetroReminder(Term{Mentee: "alice"})},
		{"retro", RenderRetro(aliceTerm(t))},
		{"retro_hostile_program", RenderRetro(hostile)},
		{"term_report", RenderTermReport(full)},
		{"term_report_empty", RenderTermReport(Report{Term: aliceTerm(t)})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			golden(t, tc.name, tc.got)
			checkSafe(t, tc.got, "alice", "mentor-one", "mentor-two")
		})
	}
}

func TestProgrammeEndMarkers(t *testing.T) {
	term := aliceTerm(t)
	term.Mentee = "Alice" // keys are lower case whatever the roster's spelling
	for _, tc := range []struct {
		body, kind string
	}{
		{RenderRetroReminder(term), KindRetroReminder},
		{RenderRetro(term), KindRetro},
		{RenderTermReport(Report{Term: term}), KindTermReport},
	} {
		ms := markers.Parse(tc.body)
		if len(ms) != 1 || ms[0].Kind != tc.kind || ms[0].Key != "alice" {
			t.Errorf("%s: markers = %+v", tc.kind, ms)
		}
	}
}

func TestRetroHasTheHandbookSections(t *testing.T) {
	body := RenderRetro(aliceTerm(t))
	for _, want := range []string{"### What we did well", "### What we could do better", "### Learnings", "specific, blameless and honest", "mailing list"} {
		if !strings.Contains(body, want) {
			t.Errorf("retrospective template lacks %q", want)
		}
	}
}
