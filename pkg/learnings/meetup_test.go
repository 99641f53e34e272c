package learnings

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/pkg/markers"
)

func newMeetupBody(t *testing.T) string {
	t.Helper()
	body, err := MeetupBody(Meetup{
		Program: program,
		Mentees: []string{"alice", "bob", "carol"},
		End:     time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		t.Fatal(err)
	}
	return body
}

func TestMeetupBody(t *testing.T) {
	body := newMeetupBody(t)
	golden(t, "meetup-issue.md", body)
	if !markers.Has(body, MeetupMarkerKind, "lfx-mentorship-2026-term-3") {
		t.Error("body lacks the meetup marker")
	}
	if got := MeetupTitle(program); got != "Mentees Meetup: LFX Mentorship 2026 Term 3" {
		t.Errorf("MeetupTitle() = %q", got)
	}
	// The handbook's steps, in its words where it matters.
	for _, want := range []string{
		"At least two mentees", "15–20 minute talk, plus 5 minutes of Q&A", "mentees' talks first, then the \"Learnings\" talk",
		"two hours in the evening", "the agenda, the time, how to join, the code of conduct and the target audience",
		"An MC", "cloud recording",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q", want)
		}
	}
	if strings.Count(body, "- [ ] ") != 8 {
		t.Errorf("want 8 open tasks, got %d", strings.Count(body, "- [ ] "))
	}
	if strings.Contains(body, "@alice") {
		t.Error("the planning issue mentions mentees; invitations do that")
	}
}

func TestAgendaLifecycle(t *testing.T) {
	body := newMeetupBody(t)
	// People edit the issue around the agenda: a note before, a date after.
	body = strings.Replace(body, "## Steps", "Note from the organisers: MC is @mentor-one.\n\n## Steps", 1)
	body += "\nDate: 2026-11-20, 18:00 UTC.\n"

	steps := []struct {
		name string
		do   func(string) (string, error)
		want []Talk
	}{
		{"alice presents", func(b string) (string, error) {
			return AddTalk(b, Talk{Login: "alice", Title: "Query  sharding\nin Thanos"})
		}, []Talk{{"alice", "Query sharding in Thanos"}}},
		{"bob presents", func(b string) (string, error) {
			return AddTalk(b, Talk{Login: "bob", Title: "What I learned about <b>PromQL</b> & `@here`"})
		}, []Talk{{"alice", "Query sharding in Thanos"}, {"bob", "What I learned about <b>PromQL</b> & `@here`"}}},
		{"carol presents", func(b string) (string, error) {
			return AddTalk(b, Talk{Login: "carol", Title: "Ruler"})
		}, []Talk{{"alice", "Query sharding in Thanos"}, {"bob", "What I learned about <b>PromQL</b> & `@here`"}, {"carol", "Ruler"}}},
		{"alice renames her talk and keeps her place", func(b string) (string, error) {
			return AddTalk(b, Talk{Login: "Alice", Title: "Sharding queries"})
		}, []Talk{{"alice", "Sharding queries"}, {"bob", "What I learned about <b>PromQL</b> & `@here`"}, {"carol", "Ruler"}}},
		{"bob withdraws", func(b string) (string, error) {
			out, removed, err := RemoveTalk(b, "BOB")
			if !removed {
				t.Error("RemoveTalk did not remove bob")
			}
			return out, err
		}, []Talk{{"alice", "Sharding queries"}, {"carol", "Ruler"}}},
		{"the learnings issue is linked", func(b string) (string, error) {
			return LinkLearnings(b, "https://github.com/thanos-io/thanos/issues/7100")
		}, []Talk{{"alice", "Sharding queries"}, {"carol", "Ruler"}}},
	}
	for _, s := range steps {
		var err error
		body, err = s.do(body)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		a, err := ReadAgenda(body)
		if err != nil {
			t.Fatalf("%s: read agenda: %v", s.name, err)
		}
		if !reflect.DeepEqual(a.Talks, s.want) {
			t.Fatalf("%s: talks = %v, want %v", s.name, a.Talks, s.want)
		}
	}
	golden(t, "meetup-issue-after.md", body)
	for _, kept := range []string{"Note from the organisers: MC is @mentor-one.", "Date: 2026-11-20, 18:00 UTC."} {
		if !strings.Contains(body, kept) {
			t.Errorf("people's text %q was lost", kept)
		}
	}
	if !strings.Contains(body, "- [x] At least two mentees") {
		t.Error("the first step is not ticked with two talks")
	}
	if strings.Count(body, "mentorbot:"+AgendaMarkerKind+":begin") != 1 {
		t.Error("the agenda section was duplicated")
	}

	// Withdrawing someone who has no talk changes nothing.
	out, removed, err := RemoveTalk(body, "zed")
	if err != nil || removed || out != body {
		t.Errorf("RemoveTalk(zed) = changed %v, removed %v, err %v", out != body, removed, err)
	}
}

func TestTickInterest(t *testing.T) {
	body := newMeetupBody(t)
	if _, changed := TickInterest(body); changed {
		t.Error("ticked with no talks")
	}
	one, err := AddTalk(body, Talk{Login: "alice", Title: "A"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(one, "[x]") {
		t.Error("ticked with one talk")
	}
	two, err := AddTalk(one, Talk{Login: "bob", Title: "B"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(two, "- [x] ") != 1 || !strings.Contains(two, "- [x] At least two mentees") {
		t.Errorf("want exactly the first step ticked:\n%s", two)
	}
	if _, changed := TickInterest(two); changed {
		t.Error("ticked twice")
	}
	// Withdrawing leaves the organisers' tick alone.
	back, _, err := RemoveTalk(two, "bob")
	if err != nil || !strings.Contains(back, "- [x] At least two mentees") {
		t.Errorf("RemoveTalk unticked the first step (err %v)", err)
	}
	// A step people deleted is not brought back.
	noStep := strings.Join(filterLines(one, func(l string) bool { return !strings.Contains(l, StepMarkerKind+":interest") }), "\n")
	out, err := AddTalk(noStep, Talk{Login: "bob", Title: "B"})
	if err != nil || strings.Contains(out, "At least two mentees") {
		t.Errorf("AddTalk without the step: err %v", err)
	}
}

func filterLines(s string, keep func(string) bool) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if keep(l) {
			out = append(out, l)
		}
	}
	return out
}

func TestAgendaErrors(t *testing.T) {
	body := newMeetupBody(t)
	for _, tc := range []struct {
		name string
		do   func() error
		want error
	}{
		{"invalid login", func() error { _, err := AddTalk(body, Talk{Login: "not a login", Title: "T"}); return err }, ErrInvalidTalk},
		{"bot login", func() error { _, err := AddTalk(body, Talk{Login: "x[bot]", Title: "T"}); return err }, ErrInvalidTalk},
		{"empty title", func() error { _, err := AddTalk(body, Talk{Login: "alice", Title: " \n "}); return err }, ErrInvalidTalk},
		{"bad learnings URL", func() error { _, err := LinkLearnings(body, "javascript:alert(1)"); return err }, ErrInvalidURL},
		{"learnings URL with parenthesis", func() error { _, err := LinkLearnings(body, "https://x.io/a)b"); return err }, ErrInvalidURL},
		{"begin without end", func() error {
			cut := body[:strings.Index(body, markers.New(AgendaMarkerKind, "end"))]
			_, err := AddTalk(cut, Talk{Login: "alice", Title: "T"})
			return err
		}, ErrNoAgenda},
		{"agenda data edited", func() error {
			i := strings.Index(body, AgendaMarkerKind+":begin ") + len(AgendaMarkerKind+":begin ")
			_, err := AddTalk(body[:i]+"!!"+body[i:], Talk{Login: "alice", Title: "T"})
			return err
		}, ErrBadAgenda},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.do(); !errors.Is(err, tc.want) {
				t.Errorf("error = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestAgendaRecreatedWhenDeleted(t *testing.T) {
	body := "Planning notes written by people.\n"
	out, err := AddTalk(body, Talk{Login: "alice", Title: "T"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, body) || !strings.Contains(out, "\n## Agenda\n") {
		t.Errorf("AddTalk did not append an agenda:\n%s", out)
	}
	if a, err := ReadAgenda(out); err != nil || len(a.Talks) != 1 {
		t.Errorf("ReadAgenda() = %v, %v", a, err)
	}
}

func TestInviteComment(t *testing.T) {
	got, err := InviteComment(program, "alice", "https://github.com/thanos-io/thanos/issues/7200")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "meetup-invite.md", got)
	if !markers.Has(got, InviteMarkerKind, "alice") {
		t.Error("invitation lacks its marker")
	}
	noLink, err := InviteComment(program, "bob", "")
	if err != nil || strings.Contains(noLink, "](") || !strings.Contains(noLink, "on the planning issue") {
		t.Errorf("invitation without a planning URL: %v\n%s", err, noLink)
	}
	if _, err := InviteComment(program, "<img>", ""); err == nil {
		t.Error("InviteComment accepted an invalid login")
	}
}
