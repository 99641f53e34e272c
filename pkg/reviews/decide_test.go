package reviews

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/maintainers"
	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/turn"
)

var testBot = job.Identity{Slug: "mentorbot"}

func botComment(kind, key, body string, at time.Time) *github.IssueComment {
	return &github.IssueComment{
		User: &github.User{Login: github.String(testBot.Login())},
		Body: github.String(body + "\n" + markers.New(kind, key)), CreatedAt: &github.Timestamp{Time: at},
	}
}

func TestDecide(t *testing.T) {
	now := time.Date(2026, 10, 14, 12, 0, 0, 0, time.UTC)
	clock := turn.Clock{Wait: 72 * time.Hour}
	const period = "2026-10-05T12:00:00Z"
	over := turn.WaitState{Turn: turn.Reviewers, Waiting: true, Over: true, Waited: 4 * 24 * time.Hour, Period: period}
	escalate := over
	escalate.Escalate, escalate.Waited = true, 9*24*time.Hour
	waiting := turn.WaitState{Turn: turn.Reviewers, Waiting: true, Waited: 24 * time.Hour, Period: period}
	approved := turn.WaitState{Turn: turn.Approved, By: "alice", Waited: 3 * 24 * time.Hour, Period: period}
	reminder := botComment(MarkerWait, period, "- @alice: CODEOWNERS owner\n- @bob: in the pool", now.Add(-4*24*time.Hour))
	recent := botComment(MarkerWait, period, "- @alice: x", now.Add(-24*time.Hour))
	stranger := &github.IssueComment{User: &github.User{Login: github.String("someone")}, Body: github.String(markers.New(MarkerWait, period))}

	for _, tc := range []struct {
		name     string
		st       turn.WaitState
		comments []*github.IssueComment
		label    LabelAction
		approved time.Duration
		want     plan
	}{
		{name: "not over the wait", st: waiting, label: LabelAdd, want: plan{}},
		{name: "over, not reminded", st: over, want: plan{Wait: remindNow}},
		{name: "a stranger's marker reminds nobody", st: over, comments: []*github.IssueComment{stranger}, want: plan{Wait: remindNow}},
		{name: "over, keepalive label wanted", st: over, label: LabelAdd, want: plan{Wait: remindNow, Keepalive: LabelAdd}},
		{name: "reminded this period", st: over, comments: []*github.IssueComment{reminder}, want: plan{Wait: reminded}},
		{name: "reminded for another period", st: over, comments: []*github.IssueComment{botComment(MarkerWait, "2026-09-01T00:00:00Z", "", now)}, want: plan{Wait: remindNow}},
		{
			name: "escalation held: reminder younger than the wait", st: escalate, comments: []*github.IssueComment{recent}, label: LabelAdd,
			want: plan{Wait: escalationHeld, HeldUntil: now.Add(2 * 24 * time.Hour), Keepalive: LabelAdd},
		},
		{
			name: "escalation due", st: escalate, comments: []*github.IssueComment{reminder},
			want: plan{Wait: escalateNow, Suggested: []string{"alice", "bob"}},
		},
		{
			name: "escalated", st: escalate, comments: []*github.IssueComment{reminder, botComment(MarkerEscalate, period, "", now)},
			want: plan{Wait: escalated},
		},
		{name: "approved, reminder off", st: approved, want: plan{}},
		{name: "approved, within approved_wait", st: approved, approved: 4 * 24 * time.Hour, want: plan{}},
		{name: "approved past approved_wait", st: approved, approved: 48 * time.Hour, want: plan{Approved: approvedRemindNow}},
		{
			name: "approved, reminded", st: approved, approved: 48 * time.Hour, comments: []*github.IssueComment{botComment(MarkerApproved, period, "", now)},
			want: plan{Approved: approvedReminded},
		},
		{name: "bot's label goes when the wait ends", st: approved, label: LabelRemove, want: plan{Keepalive: LabelRemove}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := decide(pullState{
				Scope: ScopeDecision{InScope: true, Keepalive: tc.label}, Wait: tc.st, Clock: clock,
				ApprovedWait: tc.approved, Comments: tc.comments, Bot: testBot, Now: now,
			})
			if got.Wait != tc.want.Wait || !got.HeldUntil.Equal(tc.want.HeldUntil) || !slices.Equal(got.Suggested, tc.want.Suggested) ||
				got.Approved != tc.want.Approved || got.Keepalive != tc.want.Keepalive {
				t.Errorf("decide = %+v (wait %s, approved %s), want %+v (wait %s, approved %s)", got, got.Wait, got.Approved, tc.want, tc.want.Wait, tc.want.Approved)
			}
		})
	}
}

func TestScreen(t *testing.T) {
	now := time.Date(2026, 10, 14, 12, 0, 0, 0, time.UTC)
	pol, problems := policy.Parse([]byte(`
mentees:
  - login: mentee
    start: 2026-09-01
    end: 2026-12-31
reviews:
  wait: 72h
  business_days: false
  keepalive_label: keepalive
  exempt_labels: [on-hold]
`))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	noWait := pol
	noWait.Reviews.Wait = 0
	for _, tc := range []struct {
		name     string
		pol      policy.Policy
		labels   []string
		age      time.Duration
		read     bool
		note     string
		inScope  bool
		reminded bool
	}{
		{name: "older than the wait", pol: pol, age: 4 * 24 * time.Hour, read: true, inScope: true},
		{name: "younger than the wait", pol: pol, age: 2 * 24 * time.Hour, note: "opened 2 days ago, within the 3 days wait; skipped", inScope: true},
		{name: "younger, with the keepalive label", pol: pol, labels: []string{"Keepalive"}, age: time.Hour, read: true, inScope: true},
		{name: "exempt label", pol: pol, labels: []string{"on-hold"}, age: 9 * 24 * time.Hour, note: "out of scope under the repository policy (exempt label on-hold)"},
		{name: "no wait set", pol: noWait, age: 9 * 24 * time.Hour, inScope: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := pull{owner: "o", repo: "r", number: 1, author: "mentee", state: "open", labels: tc.labels, createdAt: now.Add(-tc.age)}
			d, read, note := screen(&tc.pol, turn.ClockOf(tc.pol.Reviews), p.scopeInput(now, time.UTC), p.createdAt)
			if read != tc.read || note != tc.note || d.InScope != tc.inScope {
				t.Errorf("screen = (in scope %v, read %v, %q), want (in scope %v, read %v, %q)", d.InScope, read, note, tc.inScope, tc.read, tc.note)
			}
		})
	}
}

func TestSuggestSaysWhoWasNotChecked(t *testing.T) {
	now := time.Date(2026, 10, 14, 12, 0, 0, 0, time.UTC)
	in := ChooseInput{
		Number: 1, Author: "mentee", Paths: []string{"pkg/x/y.go"}, Now: now, MaxSuggestions: 1,
		Pool: []string{"alice", "bob", "carol"}, Eligible: []string{"alice"}, OpenRequests: map[string]int{"alice": 1},
	}
	for _, tc := range []struct {
		name    string
		checked map[string]bool
		limit   int
		want    map[string]string
	}{
		{
			name: "enough rank above", checked: map[string]bool{"alice": true}, limit: 3,
			want: map[string]string{"bob": "not checked: enough reviewers rank above", "carol": "not checked: enough reviewers rank above"},
		},
		{
			name: "budget spent", checked: map[string]bool{"alice": true, "bob": true}, limit: 2,
			want: map[string]string{"bob": "not an organisation member or collaborator", "carol": "not checked: ranked below the first 2 candidates"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sugg, considered := suggest(in, tc.checked, tc.limit)
			if got := logins(sugg); !slices.Equal(got, []string{"alice"}) {
				t.Errorf("suggested %v, want [alice]", got)
			}
			for _, c := range considered {
				if want, ok := tc.want[c.Login]; ok && c.Why != want {
					t.Errorf("%s: %q, want %q", c.Login, c.Why, want)
				}
			}
			if got, want := candidateLine(considered[0]), "candidate alice kept: "+considered[0].Why+" [pool]"; got != want {
				t.Errorf("line %q, want %q", got, want)
			}
		})
	}
}

func TestAddressees(t *testing.T) {
	ml := &maintainers.List{Entries: []maintainers.Entry{
		{Login: "ann", Role: maintainers.RoleMaintainer},
		{Login: "ben", Role: maintainers.RoleMaintainer},
		{Login: "tim", Role: maintainers.RoleTriage},
		{Login: "cat", Role: maintainers.RoleMaintainer},
		{Login: "dan", Role: maintainers.RoleMaintainer, Areas: []string{"pkg/store"}},
	}}
	for _, tc := range []struct {
		name   string
		pool   []string
		skip   []string
		number int
		want   []string
	}{
		{name: "the pool, without the author and the suggested", pool: []string{"@mentee", "@pat", "sam"}, skip: []string{"mentee", "sam"}, want: []string{"pat"}},
		{name: "two general maintainers by PR number", skip: []string{"mentee"}, number: 1, want: []string{"ben", "cat"}},
		{name: "turns rotate", skip: []string{"mentee"}, number: 2, want: []string{"cat", "ann"}},
		{name: "without the suggested", skip: []string{"mentee", "ben"}, number: 0, want: []string{"ann", "cat"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			skip := set(tc.skip)
			got := poolOthers(tc.pool, skip)
			if len(tc.pool) == 0 {
				got = generalMaintainers(ml, skip, tc.number)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	if got := generalMaintainers(nil, nil, 1); got != nil {
		t.Errorf("no MAINTAINERS.md: %v", got)
	}
}
