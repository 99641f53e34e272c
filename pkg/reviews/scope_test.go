package reviews

import (
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/pkg/policy"
)

func TestScope(t *testing.T) {
	now := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
	mentees := []policy.Mentee{
		{Login: "alice", Mentors: []string{"mentor-one"}, Start: policy.Date{Year: 2026, Month: 9, Day: 1}, End: policy.Date{Year: 2026, Month: 11, Day: 30}},
		{Login: "past", Start: policy.Date{Year: 2025, Month: 9, Day: 1}, End: policy.Date{Year: 2025, Month: 11, Day: 30}},
	}
	mk := func(scope, keepalive string, exempt ...string) *policy.Policy {
		p := policy.Default()
		p.Mentees = mentees
		p.Reviews.Scope = scope
		p.Reviews.KeepaliveLabel = keepalive
		p.Reviews.ExemptLabels = exempt
		return &p
	}
	mentees0 := mk("mentees", "")
	all := mk("all", "")
	keep := mk("mentees", "keepalive")
	pr := func(mod func(*ScopeInput)) ScopeInput {
		in := ScopeInput{State: "open", Author: "alice", AuthorAssociation: "CONTRIBUTOR", Now: now, Waiting: true}
		if mod != nil {
			mod(&in)
		}
		return in
	}
	for _, tc := range []struct {
		name      string
		p         *policy.Policy
		in        ScopeInput
		inScope   bool
		why       string
		keepalive LabelAction
	}{
		{"active mentee", mentees0, pr(nil), true, "author is an active mentee", LabelKeep},
		{"mentee, case-insensitive", mentees0, pr(func(i *ScopeInput) { i.Author = "ALICE" }), true, "author is an active mentee", LabelKeep},
		{"closed", mentees0, pr(func(i *ScopeInput) { i.State = "closed" }), false, "not open", LabelKeep},
		{"merged", mentees0, pr(func(i *ScopeInput) { i.State, i.Merged = "closed", true }), false, "merged", LabelKeep},
		{"draft", mentees0, pr(func(i *ScopeInput) { i.Draft = true }), false, "draft", LabelKeep},
		{"exempt label", mk("mentees", "", "do-not-merge/hold"), pr(func(i *ScopeInput) { i.Labels = []string{"Do-Not-Merge/Hold"} }), false, "exempt label do-not-merge/hold", LabelKeep},
		{"bot author", mentees0, pr(func(i *ScopeInput) { i.Author = "dependabot[bot]" }), false, "author is a bot", LabelKeep},
		{"term over", mentees0, pr(func(i *ScopeInput) { i.Author = "past" }), false, "author's mentorship term is not active", LabelKeep},
		{"not a mentee", mentees0, pr(func(i *ScopeInput) { i.Author = "bob" }), false, "author is not an active mentee", LabelKeep},
		{"first-timer ignored by default", mentees0, pr(func(i *ScopeInput) { i.Author, i.AuthorAssociation = "bob", "FIRST_TIMER" }), false, "author is not an active mentee", LabelKeep},
		{"scope all: first-time contributor", all, pr(func(i *ScopeInput) { i.Author, i.AuthorAssociation = "bob", "FIRST_TIME_CONTRIBUTOR" }), true, "author is a first-time contributor (FIRST_TIME_CONTRIBUTOR)", LabelKeep},
		{"scope all: first timer", all, pr(func(i *ScopeInput) { i.Author, i.AuthorAssociation = "bob", "FIRST_TIMER" }), true, "author is a first-time contributor (FIRST_TIMER)", LabelKeep},
		{"scope all: regular contributor", all, pr(func(i *ScopeInput) { i.Author = "bob" }), false, "author is neither an active mentee nor a first-time contributor", LabelKeep},
		{"scope all: past mentee on a first PR", all, pr(func(i *ScopeInput) { i.Author, i.AuthorAssociation = "past", "FIRST_TIME_CONTRIBUTOR" }), true, "author is a first-time contributor (FIRST_TIME_CONTRIBUTOR)", LabelKeep},
		{"keepalive added while waiting", keep, pr(nil), true, "author is an active mentee", LabelAdd},
		{"keepalive already there", keep, pr(func(i *ScopeInput) { i.Labels = []string{"KeepAlive"}; i.KeepaliveByBot = true }), true, "author is an active mentee", LabelKeep},
		{"keepalive removed when the wait ends", keep, pr(func(i *ScopeInput) { i.Waiting = false; i.Labels = []string{"keepalive"}; i.KeepaliveByBot = true }), true, "author is an active mentee", LabelRemove},
		{"keepalive removed when merged", keep, pr(func(i *ScopeInput) {
			i.State, i.Merged, i.Labels, i.KeepaliveByBot = "closed", true, []string{"keepalive"}, true
		}), false, "merged", LabelRemove},
		{"a human's keepalive stays", keep, pr(func(i *ScopeInput) { i.Waiting = false; i.Labels = []string{"keepalive"} }), true, "author is an active mentee", LabelKeep},
		{"no keepalive when not waiting", keep, pr(func(i *ScopeInput) { i.Waiting = false }), true, "author is an active mentee", LabelKeep},
		{"no keepalive out of scope", keep, pr(func(i *ScopeInput) { i.Author = "bob" }), false, "author is not an active mentee", LabelKeep},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := Scope(tc.p, tc.in)
			if d.InScope != tc.inScope || d.Why != tc.why || d.Keepalive != tc.keepalive {
				t.Fatalf("Scope() = %v %q %v, want %v %q %v", d.InScope, d.Why, d.Keepalive, tc.inScope, tc.why, tc.keepalive)
			}
			if d.IsMentee && d.Mentee.Login != "alice" {
				t.Errorf("mentee = %+v", d.Mentee)
			}
		})
	}
	if d := Scope(nil, pr(nil)); d.InScope {
		t.Errorf("nil policy has no mentees: %+v", d)
	}
}
