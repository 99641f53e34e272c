package reviews

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	goldenfile "github.com/thanos-community/mentorbot/internal/golden"
	"github.com/thanos-community/mentorbot/pkg/markers"
)

func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name+".golden"), got)
}

func TestRenderReminder(t *testing.T) {
	tsdb := []Suggestion{
		{Login: "codesome", Reasons: []Reason{
			{Kind: ReasonCodeowner, Paths: []string{"tsdb/head.go", "tsdb/head_test.go"}, Pattern: "/tsdb"},
			{Kind: ReasonMaintainerArea, Area: "tsdb", Paths: []string{"tsdb/head.go", "tsdb/head_test.go"}},
		}},
		{Login: "krajorama", Reasons: []Reason{
			{Kind: ReasonHistory, Area: "tsdb", Authored: 32, Merged: 1, Since: time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)},
			{Kind: ReasonCodeowner, Paths: []string{"tsdb/head.go", "tsdb/head_test.go", "tsdb/db.go"}, Pattern: "/tsdb"},
			{Kind: ReasonCodeownerTeam, Paths: []string{"tsdb/head.go"}, Team: "prometheus/default-maintainers"},
			{Kind: ReasonMaintainer},
			{Kind: ReasonPool},
		}},
		{Login: "third", Reasons: []Reason{{Kind: ReasonPool}}},
	}
	for _, tc := range []struct {
		name string
		r    Reminder
	}{
		{"reminder", Reminder{
			Author: "alice", Waited: 75 * time.Hour, Wait: 72 * time.Hour, BusinessDays: true,
			Suggestions: tsdb, MaxSuggestions: 2, Channels: "#prometheus-dev on CNCF Slack, or the prometheus-developers mailing list",
			Period: "2026-09-04T18:00:00Z",
		}},
		{"reminder-requested", Reminder{
			Author: "alice", Waited: 73 * time.Hour, Wait: 72 * time.Hour,
			Suggestions:    []Suggestion{{Login: "yeya24", Reasons: []Reason{{Kind: ReasonHistory, Area: "pkg/store", Authored: 13, Since: time.Date(2026, 4, 2, 0, 0, 0, 0, time.UTC)}}}},
			MaxSuggestions: 2, Requested: true, Period: "2026-09-07T09:00:00Z",
		}},
		{"reminder-nobody", Reminder{
			Author: "alice", Waited: 96 * time.Hour, Wait: 72 * time.Hour, BusinessDays: true,
			MaxSuggestions: 2, Channels: "#thanos-dev on CNCF Slack", Period: "2026-09-07T09:00:00Z",
		}},
		{"reminder-untrusted", Reminder{
			// A file name is chosen by the PR author: it must not mention.
			Author: "alice", Waited: 80 * time.Hour, Wait: 72 * time.Hour,
			Suggestions:    []Suggestion{{Login: "bob", Reasons: []Reason{{Kind: ReasonCodeowner, Paths: []string{"docs/@everyone `x`.md"}, Pattern: "*.md"}}}},
			MaxSuggestions: 2, Channels: "@channel <b>", Period: "2026-09-07T09:00:00Z",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := RenderReminder(tc.r)
			if err != nil {
				t.Fatal(err)
			}
			if !markers.Has(got, MarkerWait, tc.r.Period) {
				t.Errorf("marker missing:\n%s", got)
			}
			golden(t, tc.name, got)
		})
	}
}

func TestRenderEscalation(t *testing.T) {
	for _, tc := range []struct {
		name string
		e    Escalation
	}{
		{"escalation", Escalation{
			Author: "alice", Mentors: []string{"mentor-one", "mentor-two"}, Waited: 150 * time.Hour, Wait: 72 * time.Hour,
			BusinessDays: true, Suggested: []string{"codesome", "krajorama"}, Channels: "#thanos-dev on CNCF Slack",
			Period: "2026-09-04T18:00:00Z",
		}},
		{"escalation-no-mentors", Escalation{
			Author: "newcomer", Waited: 145 * time.Hour, Wait: 72 * time.Hour, Period: "2026-09-07T09:00:00Z",
			Suggested: []string{"yeya24"}, Others: []string{"GiedriusS", "fpetkovski"},
		}},
		{"escalation-no-mentors-pool", Escalation{
			Author: "newcomer", Waited: 145 * time.Hour, Wait: 72 * time.Hour, Period: "2026-09-07T09:00:00Z",
			Others: []string{"pool-person"}, FromPool: true, Channels: "#thanos-dev on CNCF Slack",
		}},
		{"escalation-nobody", Escalation{
			Author: "newcomer", Waited: 145 * time.Hour, Wait: 72 * time.Hour, Period: "2026-09-07T09:00:00Z",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := RenderEscalation(tc.e)
			if err != nil {
				t.Fatal(err)
			}
			if !markers.Has(got, MarkerEscalate, tc.e.Period) {
				t.Errorf("marker missing:\n%s", got)
			}
			golden(t, tc.name, got)
		})
	}
}

func TestHumanDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                         "less than an hour",
		59 * time.Minute:          "less than an hour",
		time.Hour:                 "1 hour",
		5*time.Hour + time.Minute: "5 hours",
		24 * time.Hour:            "1 day",
		73 * time.Hour:            "3 days and 1 hour",
		150 * time.Hour:           "6 days and 6 hours",
	} {
		if got := humanDuration(d); got != want {
			t.Errorf("humanDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestRenderApproved(t *testing.T) {
	for _, tc := range []struct {
		name string
		a    Approved
	}{
		{"approved", Approved{
			Author: "alice", Approver: "codesome", Waited: 76 * time.Hour, BusinessDays: true,
			Addressed: []string{"mentor-one"}, Period: "2026-09-08T10:00:00Z",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := RenderApproved(tc.a)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name, got)
		})
	}
}

func TestReasonText(t *testing.T) {
	july := time.Date(2026, 7, 3, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		r    Reason
		want string
	}{
		{Reason{Kind: ReasonCodeowner, Paths: []string{"a", "b", "c"}, Pattern: "/a"}, "CODEOWNERS owner of ` a ` and 2 more paths (` /a `)"},
		{Reason{Kind: ReasonHistory, Area: "pkg/store", Merged: 4, Since: july}, "merged 4 PRs touching ` pkg/store ` since July 2026"},
		{Reason{Kind: ReasonHistory, Area: "pkg/store", Merged: 1, Committed: 2, Authored: 3, Since: july}, "merged 1 PR touching ` pkg/store `, committed 2 changes by others touching ` pkg/store `, changed it 3 times since July 2026"},
		{Reason{Kind: ReasonHistory, Area: "tsdb", Authored: 1, Since: july}, "changed ` tsdb ` once since July 2026"},
		{Reason{Kind: ReasonHistory, Merged: 3, Authored: 2, Since: july}, "merged 3 PRs in this repository, made 2 changes since July 2026"},
		{Reason{Kind: ReasonHistory, Authored: 2, Since: july}, "made 2 changes in this repository since July 2026"},
		{Reason{Kind: ReasonCodeownerCatchAll, Pattern: "*", Paths: []string{"a"}}, "on the CODEOWNERS line for every file (` * `)"},
	} {
		if got := tc.r.Text(); got != tc.want {
			t.Errorf("Text() = %q, want %q", got, tc.want)
		}
		if strings.Contains(tc.r.Text(), "@") {
			t.Errorf("mention in %q", tc.r.Text())
		}
	}
}
