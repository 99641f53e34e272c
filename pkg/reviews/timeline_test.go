package reviews

import (
	"reflect"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/markers"
)

var tl0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) // a Monday

func TestMarkedComment(t *testing.T) {
	bot := job.Identity{Slug: "mentorbot"}
	mk := func(id int64, login, body string) *github.IssueComment {
		return &github.IssueComment{ID: &id, User: &github.User{Login: &login}, Body: &body}
	}
	m := markers.New(MarkerWait, "2026-11-02T09:00:00Z")
	cs := []*github.IssueComment{
		mk(1, "alice", "quoting "+m),                                     // not the bot's
		mk(2, "mentorbot[bot]", markers.New(MarkerWait, "other-period")), // another period
		mk(3, "mentorbot[bot]", "reminder\n"+m),
		mk(5, "mentorbot[bot]", "reminder again\n"+m),
	}
	if c := MarkedComment(cs, bot, MarkerWait, "2026-11-02T09:00:00Z"); c.GetID() != 3 {
		t.Errorf("MarkedComment = %v, want #3 (the bot's oldest with the key)", c.GetID())
	}
	if c := MarkedComment(cs, bot, MarkerEscalate, "2026-11-02T09:00:00Z"); c != nil {
		t.Errorf("MarkedComment found an escalation: %v", c.GetID())
	}
	if c := MarkedComment(cs, job.Identity{}, MarkerWait, "2026-11-02T09:00:00Z"); c != nil {
		t.Errorf("an unknown identity owns comment %v", c.GetID())
	}
}

func TestSuggestedIn(t *testing.T) {
	tests := []struct {
		name, body string
		want       []string
	}{
		{"rendered reminder", mustReminder(t), []string{"carol", "pool-person"}},
		{"CRLF line ends", "- @a: x\r\n- @b-c: y\r\n", []string{"a", "b-c"}},
		{"not a suggestion line", "Hi @alice, ...\n  - @nested: x\n- @: empty\n- @no colon\n- @has space: x\n", nil},
		{"bot login", "- @helper[bot]: x\n", []string{"helper[bot]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SuggestedIn(tt.body); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("SuggestedIn = %q, want %q", got, tt.want)
			}
		})
	}
}

// mustReminder renders a real reminder, so SuggestedIn is tested against
// what the bot writes.
func mustReminder(t *testing.T) string {
	t.Helper()
	body, err := RenderReminder(Reminder{
		Author: "alice", Waited: 96 * time.Hour, Wait: 72 * time.Hour,
		Suggestions: []Suggestion{
			{Login: "carol", Reasons: []Reason{{Kind: ReasonCodeowner, Paths: []string{"a.go"}, Pattern: "*"}}},
			{Login: "pool-person", Reasons: []Reason{{Kind: ReasonPool}}},
		},
		MaxSuggestions: 2, Period: "2026-11-02T09:00:00Z",
	})
	if err != nil {
		t.Fatal(err)
	}
	return body
}
