package learnings

import (
	"strings"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/pkg/policy"
)

func TestDue(t *testing.T) {
	p := policy.Default()
	p.Meetup.Enabled = true
	p.Mentees = []policy.Mentee{
		{Login: "alice", End: policy.Date{Year: 2026, Month: 11, Day: 23}},
		{Login: "bob", End: policy.Date{Year: 2026, Month: 11, Day: 30}},
		{Login: "nodate"},
	}
	at := func(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		name            string
		now             time.Time
		meetup, collect bool
	}{
		{"before the meetup window", at(11, 8, 23), false, false},
		{"three weeks before the last day", at(11, 9, 0), true, false},
		{"last day", at(11, 30, 23), true, false},
		{"term over", at(12, 1, 0), false, false},
		{"collect_after not yet passed", at(12, 7, 23), false, false},
		{"collect_after passed", at(12, 8, 0), false, true},
		{"long after", at(12, 31, 0), false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := MeetupDue(p, tc.now, time.UTC); got != tc.meetup {
				t.Errorf("MeetupDue = %v, want %v", got, tc.meetup)
			}
			if got := CollectDue(p, tc.now, time.UTC); got != tc.collect {
				t.Errorf("CollectDue = %v, want %v", got, tc.collect)
			}
		})
	}
	off := p
	off.Meetup.Enabled = false
	if MeetupDue(off, at(11, 10, 0), time.UTC) {
		t.Error("meetup due while disabled")
	}
	none := policy.Default()
	none.Mentees = []policy.Mentee{{Login: "nodate"}}
	if CollectDue(none, at(12, 31, 0), time.UTC) {
		t.Error("learnings due for a roster without any end")
	}
}

func TestReplies(t *testing.T) {
	for _, tc := range []struct {
		name, got, want string
	}{
		{"present", PresentReply("alice", "My *talk*", "https://github.com/o/r/issues/4", 1, false, 7), "number 1"},
		{"present ticks", PresentReply("bob", "t", "https://github.com/o/r/issues/4", 2, true, 7), "ticked the first step"},
		{"withdraw", WithdrawReply("alice", "https://github.com/o/r/issues/4", true, 7), "took your talk off"},
		{"withdraw nothing", WithdrawReply("alice", "", false, 7), "nothing to withdraw"},
		{"not open", NoMeetupReply("alice", true, 7), "not open yet"},
		{"disabled", NoMeetupReply("alice", false, 7), "not planning"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.HasPrefix(tc.got, "<!-- mentorbot:command-reply:7 -->\n") {
				t.Errorf("no reply marker: %q", tc.got)
			}
			if !strings.Contains(tc.got, tc.want) {
				t.Errorf("%q lacks %q", tc.got, tc.want)
			}
		})
	}
	if got := PresentReply("alice", "<!-- x --> @everyone", "", 1, false, 7); strings.Contains(got, "<!-- x") || strings.Contains(got, " @everyone") {
		t.Errorf("title not escaped: %q", got)
	}
}
