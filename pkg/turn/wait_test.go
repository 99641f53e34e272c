package turn

import (
	"testing"
	"time"
)

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return loc
}

func at(t *testing.T, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestWait(t *testing.T) {
	utc := time.UTC
	kolkata := mustLoc(t, "Asia/Kolkata")
	la := mustLoc(t, "America/Los_Angeles")
	berlin := mustLoc(t, "Europe/Berlin")
	u := func(s string) time.Time { return at(t, utc, s) }
	b := func(s string) time.Time { return at(t, berlin, s) }
	wait72 := 72 * time.Hour
	bizUTC := Clock{Wait: wait72, BusinessDays: true, Location: utc}

	// 2026-09-04 is a Friday.
	open := func(created time.Time, events ...Event) History {
		return History{Author: "alice", CreatedAt: created, State: "open", Events: events}
	}
	for _, tc := range []struct {
		name     string
		h        History
		now      time.Time
		clock    Clock
		waiting  bool
		why      string
		since    time.Time
		waited   time.Duration
		over     bool
		escalate bool
		overAt   time.Time
	}{
		{
			name: "calendar time, exactly the wait is not over", h: open(u("2026-09-07 10:00")),
			now: u("2026-09-10 10:00"), clock: Clock{Wait: wait72},
			waiting: true, why: "waiting since opened", since: u("2026-09-07 10:00"), waited: 72 * time.Hour,
			overAt: u("2026-09-10 10:00"),
		},
		{
			name: "calendar time, a minute later is over", h: open(u("2026-09-07 10:00")),
			now: u("2026-09-10 10:01"), clock: Clock{Wait: wait72},
			waiting: true, why: "waiting since opened", since: u("2026-09-07 10:00"), waited: 72*time.Hour + time.Minute, over: true,
			overAt: u("2026-09-10 10:00"),
		},
		{
			name: "friday evening PR is not over on monday morning", h: open(u("2026-09-04 18:00")),
			now: u("2026-09-07 09:00"), clock: bizUTC,
			waiting: true, why: "waiting since opened", since: u("2026-09-04 18:00"), waited: 15 * time.Hour,
			overAt: u("2026-09-09 18:00"),
		},
		{
			name: "the same PR counting weekends", h: open(u("2026-09-04 18:00")),
			now: u("2026-09-07 19:00"), clock: Clock{Wait: wait72},
			waiting: true, why: "waiting since opened", since: u("2026-09-04 18:00"), waited: 73 * time.Hour, over: true,
			overAt: u("2026-09-07 18:00"),
		},
		{
			name: "business days: escalation after twice the wait", h: open(u("2026-09-04 18:00")),
			now: u("2026-09-15 12:00"), clock: bizUTC,
			// Fri 6h, Mon..Fri 5*24h, Mon 24h, Tue 12h.
			waiting: true, why: "waiting since opened", since: u("2026-09-04 18:00"), waited: 6*time.Hour + 6*24*time.Hour + 12*time.Hour,
			over: true, escalate: true, overAt: u("2026-09-09 18:00"),
		},
		{
			name: "Asia/Kolkata: friday 20:00 UTC is already saturday", h: open(u("2026-09-04 20:00")),
			now: u("2026-09-07 18:30"), clock: Clock{Wait: wait72, BusinessDays: true, Location: kolkata},
			// Only Monday in Kolkata (Sun 18:30Z to Mon 18:30Z) counts.
			waiting: true, why: "waiting since opened", since: u("2026-09-04 20:00"), waited: 24 * time.Hour,
			overAt: u("2026-09-09 18:30"),
		},
		{
			name: "UTC counts the same instants differently", h: open(u("2026-09-04 20:00")),
			now: u("2026-09-07 18:30"), clock: bizUTC,
			waiting: true, why: "waiting since opened", since: u("2026-09-04 20:00"), waited: 4*time.Hour + 18*time.Hour + 30*time.Minute,
			overAt: u("2026-09-09 20:00"),
		},
		{
			name: "America/Los_Angeles: sunday evening there is monday in UTC", h: open(u("2026-09-04 23:00")),
			now: u("2026-09-07 05:00"), clock: Clock{Wait: wait72, BusinessDays: true, Location: la},
			// Friday 16:00 to midnight PDT only.
			waiting: true, why: "waiting since opened", since: u("2026-09-04 23:00"), waited: 8 * time.Hour,
			overAt: u("2026-09-09 23:00"),
		},
		{
			name: "Europe/Berlin: the 25-hour sunday in October is skipped whole", h: open(b("2026-10-23 12:00")),
			now: b("2026-10-26 12:00"), clock: Clock{Wait: wait72, BusinessDays: true, Location: berlin},
			waiting: true, why: "waiting since opened", since: b("2026-10-23 12:00"), waited: 24 * time.Hour,
			overAt: b("2026-10-28 12:00"),
		},
		{
			name: "Europe/Berlin: calendar time over the October change is 73h", h: open(b("2026-10-23 12:00")),
			now: b("2026-10-26 12:00"), clock: Clock{Wait: wait72, Location: berlin},
			waiting: true, why: "waiting since opened", since: b("2026-10-23 12:00"), waited: 73 * time.Hour, over: true,
			overAt: b("2026-10-26 11:00"),
		},
		{
			name: "Europe/Berlin: during the repeated hour on sunday", h: open(b("2026-10-23 12:00")),
			now:     time.Date(2026, 10, 25, 0, 30, 0, 0, utc), // 02:30 CEST, before the clocks go back
			clock:   Clock{Wait: wait72, BusinessDays: true, Location: berlin},
			waiting: true, why: "waiting since opened", since: b("2026-10-23 12:00"), waited: 12 * time.Hour,
			overAt: b("2026-10-28 12:00"),
		},
		{
			name: "Europe/Berlin: thursday to tuesday around October is exactly 72h, not over", h: open(b("2026-10-22 12:00")),
			now: b("2026-10-27 12:00"), clock: Clock{Wait: wait72, BusinessDays: true, Location: berlin},
			waiting: true, why: "waiting since opened", since: b("2026-10-22 12:00"), waited: 72 * time.Hour,
			overAt: b("2026-10-27 12:00"),
		},
		{
			name: "Europe/Berlin: the 23-hour sunday in March", h: open(b("2026-03-27 18:00")),
			now: b("2026-03-30 09:00"), clock: Clock{Wait: wait72, BusinessDays: true, Location: berlin},
			waiting: true, why: "waiting since opened", since: b("2026-03-27 18:00"), waited: 15 * time.Hour,
			overAt: b("2026-04-01 18:00"),
		},
		{
			name: "draft", h: History{Author: "alice", CreatedAt: u("2026-09-01 00:00"), State: "open", Draft: true},
			now: u("2026-09-30 00:00"), clock: bizUTC, why: "draft",
		},
		{
			name: "closed", h: History{Author: "alice", CreatedAt: u("2026-09-01 00:00"), State: "closed"},
			now: u("2026-09-30 00:00"), clock: bizUTC, why: "closed",
		},
		{
			name: "merged", h: History{Author: "alice", CreatedAt: u("2026-09-01 00:00"), State: "closed", Merged: true},
			now: u("2026-09-30 00:00"), clock: bizUTC, why: "merged",
		},
		{
			name: "marked ready later", h: History{Author: "alice", CreatedAt: u("2026-08-01 00:00"), ReadyForReviewAt: u("2026-09-07 09:00"), State: "open"},
			now: u("2026-09-07 10:00"), clock: bizUTC,
			waiting: true, why: "waiting since marked ready for review", since: u("2026-09-07 09:00"), waited: time.Hour,
			overAt: u("2026-09-10 09:00"),
		},
		{
			// Whose turn it is is pkg/turn's table; here only that the
			// author's turn is measured but never over the wait.
			name: "the author's turn is measured, not reminded",
			h: open(u("2026-09-07 09:00"),
				Event{Kind: Review, Actor: "bob", At: u("2026-09-08 09:00"), ReviewState: "CHANGES_REQUESTED"}),
			now: u("2026-09-20 09:00"), clock: bizUTC, why: "waiting for the author since 2026-09-08T09:00:00Z (changes requested by @bob)",
			since: u("2026-09-08 09:00"), waited: 207 * time.Hour, // Tue 15h, Wed-Fri 72h, Mon-Fri 120h
		},
		{
			name: "reopened weeks later waits from the reopen",
			h: open(u("2026-08-03 09:00"),
				Event{Kind: Reopened, Actor: "alice", At: u("2026-09-08 09:00")}),
			now: u("2026-09-08 10:00"), clock: bizUTC,
			waiting: true, why: "waiting since reopened", since: u("2026-09-08 09:00"), waited: time.Hour,
			overAt: u("2026-09-11 09:00"),
		},
		{
			name: "now before the start waits zero", h: open(u("2026-09-07 09:00")),
			now: u("2026-09-07 08:00"), clock: bizUTC,
			waiting: true, why: "waiting since opened", since: u("2026-09-07 09:00"),
			overAt: u("2026-09-10 09:00"),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Wait(tc.h, tc.now, tc.clock)
			if got.Waiting != tc.waiting || got.Why != tc.why || !got.Since.Equal(tc.since) || got.Waited != tc.waited ||
				got.Over != tc.over || got.Escalate != tc.escalate {
				t.Fatalf("Wait() = {waiting %v why %q since %v waited %v over %v escalate %v}\nwant {waiting %v why %q since %v waited %v over %v escalate %v}",
					got.Waiting, got.Why, got.Since, got.Waited, got.Over, got.Escalate,
					tc.waiting, tc.why, tc.since, tc.waited, tc.over, tc.escalate)
			}
			if !tc.waiting {
				if got.Period != "" {
					t.Errorf("period %q when not waiting", got.Period)
				}
				return
			}
			if want := tc.since.UTC().Format(time.RFC3339); got.Period != want {
				t.Errorf("period = %q, want %q", got.Period, want)
			}
			if !got.OverAt.Equal(tc.overAt) {
				t.Errorf("OverAt = %v, want %v", got.OverAt, tc.overAt)
			}
			// OverAt is where the clock reads exactly the wait.
			if w := tc.clock.Elapsed(got.Since, got.OverAt); w != tc.clock.Wait {
				t.Errorf("elapsed to OverAt = %v, want %v", w, tc.clock.Wait)
			}
			if w := tc.clock.Elapsed(got.Since, got.EscalateAt); w != 2*tc.clock.Wait {
				t.Errorf("elapsed to EscalateAt = %v, want %v", w, 2*tc.clock.Wait)
			}
		})
	}
}

// The period is stable: re-running the clock later in the same wait gives
// the same key, and a push starts a new one.
func TestWaitPeriodStable(t *testing.T) {
	created := time.Date(2026, 9, 7, 9, 0, 0, 0, time.UTC)
	h := History{Author: "alice", CreatedAt: created, State: "open"}
	c := Clock{Wait: 72 * time.Hour, BusinessDays: true}
	p1 := Wait(h, created.Add(80*time.Hour), c).Period
	p2 := Wait(h, created.Add(200*time.Hour), c).Period
	if p1 != p2 || p1 != "2026-09-07T09:00:00Z" {
		t.Fatalf("periods %q %q", p1, p2)
	}
	// The author's push alone does not restart the reviewers' turn; after
	// a response it starts a new one.
	h.Events = append(h.Events, Event{Kind: Push, Actor: "alice", At: created.Add(90 * time.Hour)})
	if p3 := Wait(h, created.Add(100*time.Hour), c).Period; p3 != p1 {
		t.Fatalf("a push with no response restarted the period: %q", p3)
	}
	h.Events = append(h.Events,
		Event{Kind: Review, Actor: "bob", At: created.Add(95 * time.Hour), ReviewState: "CHANGES_REQUESTED"},
		Event{Kind: Push, Actor: "alice", At: created.Add(99 * time.Hour)})
	if p4 := Wait(h, created.Add(100*time.Hour), c).Period; p4 == p1 {
		t.Fatalf("push after changes requested did not start a new period: %q", p4)
	}
}

// Escalation comes a whole wait after the reminder, however long the PR
// had waited before it (issue #20 (f)).
func TestEscalationDue(t *testing.T) {
	c := Clock{Wait: 72 * time.Hour, BusinessDays: true}
	reminded := time.Date(2026, 9, 7, 9, 0, 0, 0, time.UTC) // Monday
	for _, tc := range []struct {
		now  time.Time
		want bool
	}{
		{reminded.Add(time.Hour), false},      // the old behaviour: an hour later
		{reminded.Add(71 * time.Hour), false}, // Thursday 08:00, 71h
		{reminded.Add(72 * time.Hour), true},  // Thursday 09:00, the whole wait
		{time.Date(2026, 9, 13, 9, 0, 0, 0, time.UTC), true},
	} {
		if got := EscalationDue(c, reminded, tc.now); got != tc.want {
			t.Errorf("EscalationDue(%v) = %v, want %v", tc.now, got, tc.want)
		}
	}
	// Over a weekend the wait is business time: a Friday reminder
	// escalates on Wednesday, not on Monday.
	fri := time.Date(2026, 9, 11, 9, 0, 0, 0, time.UTC)
	if EscalationDue(c, fri, time.Date(2026, 9, 14, 10, 0, 0, 0, time.UTC)) {
		t.Error("escalated on Monday after a Friday reminder")
	}
	if !EscalationDue(c, fri, time.Date(2026, 9, 16, 9, 0, 0, 0, time.UTC)) {
		t.Error("not escalated on Wednesday after a Friday reminder")
	}
}
