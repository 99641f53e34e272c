package digest

import (
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/pkg/policy"
)

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	l, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func mustSchedule(t *testing.T, weekday time.Weekday, hour int, tz string) Schedule {
	t.Helper()
	s, err := NewSchedule(policy.Digest{Weekday: policy.Weekday(weekday), Hour: hour, Timezone: tz})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestNewSchedule(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      policy.Digest
		wantLoc string
		wantErr bool
	}{
		{name: "defaults", in: policy.Default().Digest, wantLoc: "UTC"},
		{name: "empty timezone is UTC", in: policy.Digest{Weekday: policy.Weekday(time.Friday), Hour: 17}, wantLoc: "UTC"},
		{name: "named zone", in: policy.Digest{Hour: 0, Timezone: "Europe/Warsaw"}, wantLoc: "Europe/Warsaw"},
		{name: "unknown zone", in: policy.Digest{Hour: 9, Timezone: "Mars/Olympus"}, wantErr: true},
		{name: "hour 24", in: policy.Digest{Hour: 24}, wantErr: true},
		{name: "negative hour", in: policy.Digest{Hour: -1}, wantErr: true},
		{name: "bad weekday", in: policy.Digest{Weekday: policy.Weekday(7)}, wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := NewSchedule(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("error = %v, wantErr %v", err, tc.wantErr)
			}
			if err == nil && s.Location.String() != tc.wantLoc {
				t.Errorf("location = %s, want %s", s.Location, tc.wantLoc)
			}
		})
	}
}

func TestDue(t *testing.T) {
	for _, tc := range []struct {
		name     string
		weekday  time.Weekday
		hour     int
		tz       string
		now      string
		wantDue  bool
		wantWeek string
		wantFrom string
		wantTo   string
	}{
		{name: "just before the moment", weekday: time.Monday, hour: 9, tz: "UTC", now: "2026-11-30T08:59:59Z"},
		{name: "at the moment", weekday: time.Monday, hour: 9, tz: "UTC", now: "2026-11-30T09:00:00Z",
			wantDue: true, wantWeek: "2026-W48", wantFrom: "2026-11-23T09:00:00Z", wantTo: "2026-11-30T09:00:00Z"},
		{name: "catch up later that day", weekday: time.Monday, hour: 9, tz: "UTC", now: "2026-11-30T17:00:00Z",
			wantDue: true, wantWeek: "2026-W48", wantFrom: "2026-11-23T09:00:00Z", wantTo: "2026-11-30T09:00:00Z"},
		{name: "catch up on Sunday night", weekday: time.Monday, hour: 9, tz: "UTC", now: "2026-12-06T23:59:59Z",
			wantDue: true, wantWeek: "2026-W48", wantFrom: "2026-11-23T09:00:00Z", wantTo: "2026-11-30T09:00:00Z"},
		{name: "next week before its moment: the missed one is stale", weekday: time.Monday, hour: 9, tz: "UTC", now: "2026-12-07T08:00:00Z"},
		{name: "Friday schedule names the week it is posted in", weekday: time.Friday, hour: 17, tz: "UTC", now: "2026-11-27T17:00:00Z",
			wantDue: true, wantWeek: "2026-W48", wantFrom: "2026-11-20T17:00:00Z", wantTo: "2026-11-27T17:00:00Z"},
		{name: "Thursday schedule: four of the seven days are last week", weekday: time.Thursday, hour: 9, tz: "UTC", now: "2026-11-26T10:00:00Z",
			wantDue: true, wantWeek: "2026-W47", wantFrom: "2026-11-19T09:00:00Z", wantTo: "2026-11-26T09:00:00Z"},
		{name: "Sunday schedule", weekday: time.Sunday, hour: 20, tz: "UTC", now: "2026-11-29T21:00:00Z",
			wantDue: true, wantWeek: "2026-W48", wantFrom: "2026-11-22T20:00:00Z", wantTo: "2026-11-29T20:00:00Z"},
		{name: "Sunday schedule before its moment", weekday: time.Sunday, hour: 20, tz: "UTC", now: "2026-11-29T19:00:00Z"},

		// Time zones where the local weekday is not the UTC one.
		{name: "Auckland Monday is Sunday in UTC", weekday: time.Monday, hour: 9, tz: "Pacific/Auckland", now: "2026-11-29T20:00:00Z",
			wantDue: true, wantWeek: "2026-W48", wantFrom: "2026-11-23T09:00:00+13:00", wantTo: "2026-11-30T09:00:00+13:00"},
		{name: "Auckland: an hour earlier nothing is due", weekday: time.Monday, hour: 9, tz: "Pacific/Auckland", now: "2026-11-29T19:59:00Z"},
		{name: "Auckland: Monday in UTC is already past the local week's end", weekday: time.Monday, hour: 9, tz: "Pacific/Auckland", now: "2026-12-06T11:00:00Z"},
		{name: "Los Angeles Sunday evening is Monday in UTC", weekday: time.Sunday, hour: 20, tz: "America/Los_Angeles", now: "2026-11-30T04:30:00Z",
			wantDue: true, wantWeek: "2026-W48", wantFrom: "2026-11-22T20:00:00-08:00", wantTo: "2026-11-29T20:00:00-08:00"},
		{name: "Los Angeles: UTC Monday 07:59 is still local Sunday, week not over", weekday: time.Sunday, hour: 20, tz: "America/Los_Angeles", now: "2026-11-30T07:59:00Z",
			wantDue: true, wantWeek: "2026-W48", wantFrom: "2026-11-22T20:00:00-08:00", wantTo: "2026-11-29T20:00:00-08:00"},
		{name: "Los Angeles: local Monday starts a new week", weekday: time.Sunday, hour: 20, tz: "America/Los_Angeles", now: "2026-11-30T08:00:00Z"},

		// Year boundaries and week 53.
		{name: "into 2026-W01", weekday: time.Monday, hour: 9, tz: "UTC", now: "2026-01-05T09:00:00Z",
			wantDue: true, wantWeek: "2026-W01", wantFrom: "2025-12-29T09:00:00Z", wantTo: "2026-01-05T09:00:00Z"},
		{name: "2026-W53 posted in 2027", weekday: time.Monday, hour: 9, tz: "UTC", now: "2027-01-04T10:00:00Z",
			wantDue: true, wantWeek: "2026-W53", wantFrom: "2026-12-28T09:00:00Z", wantTo: "2027-01-04T09:00:00Z"},
		{name: "Friday 2027-01-01 is in 2026-W53", weekday: time.Friday, hour: 9, tz: "UTC", now: "2027-01-01T12:00:00Z",
			wantDue: true, wantWeek: "2026-W53", wantFrom: "2026-12-25T09:00:00Z", wantTo: "2027-01-01T09:00:00Z"},
		{name: "2020-W53", weekday: time.Monday, hour: 9, tz: "UTC", now: "2021-01-04T09:00:00Z",
			wantDue: true, wantWeek: "2020-W53", wantFrom: "2020-12-28T09:00:00Z", wantTo: "2021-01-04T09:00:00Z"},
		{name: "New Year's Eve in Tokyo is 2027 already", weekday: time.Friday, hour: 8, tz: "Asia/Tokyo", now: "2026-12-31T23:30:00Z",
			wantDue: true, wantWeek: "2026-W53", wantFrom: "2026-12-25T08:00:00+09:00", wantTo: "2027-01-01T08:00:00+09:00"},

		// DST: the period is measured in wall-clock days, so it is 167 or 169 hours.
		{name: "Berlin spring forward", weekday: time.Monday, hour: 9, tz: "Europe/Berlin", now: "2026-03-30T07:00:00Z",
			wantDue: true, wantWeek: "2026-W13", wantFrom: "2026-03-23T09:00:00+01:00", wantTo: "2026-03-30T09:00:00+02:00"},
		{name: "Berlin: 08:00 UTC was 09:00 last week, not today", weekday: time.Monday, hour: 9, tz: "Europe/Berlin", now: "2026-03-30T06:59:00Z"},
		{name: "Berlin fall back", weekday: time.Monday, hour: 9, tz: "Europe/Berlin", now: "2026-10-26T08:00:00Z",
			wantDue: true, wantWeek: "2026-W43", wantFrom: "2026-10-19T09:00:00+02:00", wantTo: "2026-10-26T09:00:00+01:00"},
		{name: "New York: an hour skipped by DST moves to the next hour", weekday: time.Sunday, hour: 2, tz: "America/New_York", now: "2026-03-08T07:00:00Z",
			wantDue: true, wantWeek: "2026-W10", wantFrom: "2026-03-01T02:00:00-05:00", wantTo: "2026-03-08T03:00:00-04:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := mustSchedule(t, tc.weekday, tc.hour, tc.tz)
			p, due := s.Due(mustTime(t, tc.now))
			if due != tc.wantDue {
				t.Fatalf("Due(%s) = %v, want %v (period %v)", tc.now, due, tc.wantDue, p)
			}
			if !due {
				return
			}
			if got := p.Week.String(); got != tc.wantWeek {
				t.Errorf("week = %s, want %s", got, tc.wantWeek)
			}
			if got := p.From.Format(time.RFC3339); got != tc.wantFrom {
				t.Errorf("from = %s, want %s", got, tc.wantFrom)
			}
			if got := p.To.Format(time.RFC3339); got != tc.wantTo {
				t.Errorf("to = %s, want %s", got, tc.wantTo)
			}
			if s.Period(p.Week) != p {
				t.Errorf("Period(%s) = %v, want %v", p.Week, s.Period(p.Week), p)
			}
		})
	}
}

func TestDSTPeriodLength(t *testing.T) {
	s := mustSchedule(t, time.Monday, 9, "Europe/Berlin")
	for week, want := range map[Week]time.Duration{
		{2026, 12}: 168 * time.Hour,
		{2026, 13}: 167 * time.Hour, // 29 March: clocks go forward
		{2026, 43}: 169 * time.Hour, // 25 October: clocks go back
	} {
		p := s.Period(week)
		if got := p.To.Sub(p.From); got != want {
			t.Errorf("%s lasts %s, want %s", week, got, want)
		}
	}
}

// TestPeriodsTile checks, for every weekday and several zones over seven
// years, that consecutive digests name consecutive weeks, share their
// boundary (no gap, no overlap), and agree with Latest, Due and Next.
func TestPeriodsTile(t *testing.T) {
	for _, tz := range []string{"UTC", "Europe/Berlin", "Pacific/Auckland", "America/Los_Angeles", "Asia/Kolkata"} {
		for wd := time.Sunday; wd <= time.Saturday; wd++ {
			for _, hour := range []int{0, 2, 9, 23} {
				s := mustSchedule(t, wd, hour, tz)
				w := Week{2020, 1}
				for w.Before(Week{2027, 2}) {
					p, next := s.Period(w), s.Period(w.Next())
					if p.Week != w {
						t.Fatalf("%s %s %d: Period(%s).Week = %s", tz, wd, hour, w, p.Week)
					}
					if !p.To.Equal(next.From) {
						t.Fatalf("%s %s %d: %s ends %s but %s starts %s", tz, wd, hour, w, p.To, next.Week, next.From)
					}
					if p.To.In(s.Location).Weekday() != wd {
						t.Fatalf("%s %s %d: %s is scheduled on %s", tz, wd, hour, w, p.To.In(s.Location).Weekday())
					}
					if got := s.Latest(p.To); got != p {
						t.Fatalf("%s %s %d: Latest(%s) = %v, want %v", tz, wd, hour, p.To, got.Week, w)
					}
					if got := s.Latest(p.To.Add(-time.Second)).Week; got != w.Prev() {
						t.Fatalf("%s %s %d: Latest just before %s = %s", tz, wd, hour, w, got)
					}
					if got, due := s.Due(p.To); !due || got != p {
						t.Fatalf("%s %s %d: not due at %s's moment", tz, wd, hour, w)
					}
					if got := s.Next(p.To.Add(-time.Second)); !got.Equal(p.To) {
						t.Fatalf("%s %s %d: Next before %s = %s", tz, wd, hour, w, got)
					}
					if got := s.Next(p.To); !got.Equal(next.To) {
						t.Fatalf("%s %s %d: Next at %s = %s, want %s", tz, wd, hour, w, got, next.To)
					}
					w = w.Next()
				}
			}
		}
	}
}

func TestNext(t *testing.T) {
	for _, tc := range []struct {
		name    string
		weekday time.Weekday
		hour    int
		tz      string
		now     string
		want    string
	}{
		{"later this week", time.Monday, 9, "UTC", "2026-11-30T08:00:00Z", "2026-11-30T09:00:00Z"},
		{"exactly now means next week", time.Monday, 9, "UTC", "2026-11-30T09:00:00Z", "2026-12-07T09:00:00Z"},
		{"from Sunday", time.Monday, 9, "UTC", "2026-12-06T23:00:00Z", "2026-12-07T09:00:00Z"},
		{"across the year", time.Monday, 9, "UTC", "2026-12-29T00:00:00Z", "2027-01-04T09:00:00Z"},
		{"Auckland from UTC Sunday", time.Monday, 9, "Pacific/Auckland", "2026-11-29T12:00:00Z", "2026-11-30T09:00:00+13:00"},
		{"Berlin across spring forward", time.Monday, 9, "Europe/Berlin", "2026-03-28T12:00:00Z", "2026-03-30T09:00:00+02:00"},
		{"New York skipped hour", time.Sunday, 2, "America/New_York", "2026-03-07T12:00:00Z", "2026-03-08T03:00:00-04:00"},
		{"New York hour repeated by DST: the first one", time.Sunday, 1, "America/New_York", "2026-10-31T12:00:00Z", "2026-11-01T01:00:00-04:00"},
		{"Lord Howe skips half an hour", time.Sunday, 2, "Australia/Lord_Howe", "2026-10-03T00:00:00Z", "2026-10-04T02:30:00+11:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := mustSchedule(t, tc.weekday, tc.hour, tc.tz)
			if got := s.Next(mustTime(t, tc.now)).Format(time.RFC3339); got != tc.want {
				t.Errorf("Next(%s) = %s, want %s", tc.now, got, tc.want)
			}
		})
	}
}

func date(t *testing.T, s string) policy.Date {
	t.Helper()
	if s == "" {
		return policy.Date{}
	}
	d, err := policy.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestGetsDigest(t *testing.T) {
	utc := mustSchedule(t, time.Monday, 9, "UTC")
	for _, tc := range []struct {
		name       string
		start, end string
		week       Week
		want       bool
	}{
		{"before start", "2026-09-01", "2026-11-30", Week{2026, 35}, false}, // ends Mon 31 Aug 09:00
		{"first partial week", "2026-09-01", "2026-11-30", Week{2026, 36}, true},
		{"middle", "2026-09-01", "2026-11-30", Week{2026, 44}, true},
		{"covers the end day", "2026-09-01", "2026-11-30", Week{2026, 48}, true},
		{"week after end covers the last day", "2026-09-01", "2026-11-30", Week{2026, 49}, true},
		{"two weeks after end", "2026-09-01", "2026-11-30", Week{2026, 50}, false},
		{"end on Sunday: last digest the day after", "2026-09-01", "2026-11-29", Week{2026, 48}, true},
		{"end on Sunday: nothing the week after", "2026-09-01", "2026-11-29", Week{2026, 49}, false},
		{"start on the digest day, before its hour", "2026-11-30", "", Week{2026, 48}, true},
		{"start the day after the digest", "2026-12-01", "", Week{2026, 48}, false},
		{"no dates", "", "", Week{2026, 1}, true},
		{"across the year into W53", "2026-12-01", "2026-12-31", Week{2026, 53}, true},
		{"across the year, after W53", "2026-12-01", "2026-12-31", Week{2027, 1}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := policy.Mentee{Login: "alice", Start: date(t, tc.start), End: date(t, tc.end)}
			if got := utc.GetsDigest(m, utc.Period(tc.week)); got != tc.want {
				t.Errorf("GetsDigest(%s) = %v, want %v", tc.week, got, tc.want)
			}
		})
	}
}

func TestGetsDigestInLocalDays(t *testing.T) {
	// The term's days are days in the schedule's zone: in Auckland the
	// Monday 09:00 digest on 7 December covers from 30 November 09:00 local,
	// which is 29 November in UTC.
	s := mustSchedule(t, time.Monday, 9, "Pacific/Auckland")
	m := policy.Mentee{Login: "alice", End: date(t, "2026-11-30")}
	if !s.GetsDigest(m, s.Period(Week{2026, 49})) {
		t.Error("Auckland: the week after end should get a digest")
	}
	if s.GetsDigest(m, s.Period(Week{2026, 50})) {
		t.Error("Auckland: two weeks after end should not get a digest")
	}
}

func TestRecipients(t *testing.T) {
	s := mustSchedule(t, time.Monday, 9, "UTC")
	roster := []policy.Mentee{
		{Login: "alice", Start: date(t, "2026-09-01"), End: date(t, "2026-11-30")},
		{Login: "bob", Start: date(t, "2026-06-01"), End: date(t, "2026-08-31")},
		{Login: "carol", Start: date(t, "2026-12-08")},
		{Login: "dave"},
	}
	var got []string
	for _, m := range s.Recipients(roster, s.Period(Week{2026, 49})) {
		got = append(got, m.Login)
	}
	if want := "alice,dave"; join(got) != want {
		t.Errorf("Recipients = %s, want %s", join(got), want)
	}
}

func join(s []string) string {
	out := ""
	for i, v := range s {
		if i > 0 {
			out += ","
		}
		out += v
	}
	return out
}

func TestReminderDue(t *testing.T) {
	for _, tc := range []struct {
		name    string
		weekday time.Weekday
		tz      string
		end     string
		week    Week
		want    bool
	}{
		{"end on Monday: the Monday before", time.Monday, "UTC", "2026-11-30", Week{2026, 47}, true},
		{"end on Monday: not the end day's digest", time.Monday, "UTC", "2026-11-30", Week{2026, 48}, false},
		{"end on Monday: not two weeks before", time.Monday, "UTC", "2026-11-30", Week{2026, 46}, false},
		{"end on Sunday", time.Monday, "UTC", "2026-11-29", Week{2026, 47}, true},
		{"end on Sunday: not the day after", time.Monday, "UTC", "2026-11-29", Week{2026, 48}, false},
		{"end on Wednesday", time.Monday, "UTC", "2026-12-02", Week{2026, 48}, true},
		{"end on Wednesday: not the week before", time.Monday, "UTC", "2026-12-02", Week{2026, 47}, false},
		{"Friday schedule, end on Friday", time.Friday, "UTC", "2026-12-04", Week{2026, 48}, true}, // posted Fri 27 Nov
		{"end on 1 January", time.Monday, "UTC", "2027-01-01", Week{2026, 52}, true},               // posted Mon 28 Dec
		{"no end", time.Monday, "UTC", "", Week{2026, 47}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := mustSchedule(t, tc.weekday, 9, tc.tz)
			m := policy.Mentee{Login: "alice", Start: date(t, "2026-09-01"), End: date(t, tc.end)}
			if got := s.ReminderDue(m, s.Period(tc.week)); got != tc.want {
				t.Errorf("ReminderDue(%s) = %v, want %v", tc.week, got, tc.want)
			}
		})
	}
}

func TestReminderOncePerTerm(t *testing.T) {
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		s := mustSchedule(t, wd, 9, "Europe/Berlin")
		m := policy.Mentee{Login: "alice", Start: date(t, "2026-09-01"), End: date(t, "2026-11-30")}
		n := 0
		for w := (Week{2026, 30}); w.Before(Week{2027, 5}); w = w.Next() {
			if s.ReminderDue(m, s.Period(w)) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s: %d reminders, want 1", wd, n)
		}
	}
}

func TestRetroDueAndEnded(t *testing.T) {
	for _, tc := range []struct {
		name      string
		tz        string
		end       string
		now       string
		wantRetro bool
		wantEnded bool
	}{
		{"day before end", "UTC", "2026-11-30", "2026-11-29T23:59:59Z", false, false},
		{"start of the end day", "UTC", "2026-11-30", "2026-11-30T00:00:00Z", true, false},
		{"last second of the term", "UTC", "2026-11-30", "2026-11-30T23:59:59Z", true, false},
		{"term over", "UTC", "2026-11-30", "2026-12-01T00:00:00Z", true, true},
		{"a week after", "UTC", "2026-11-30", "2026-12-07T23:59:59Z", true, true},
		{"too late", "UTC", "2026-11-30", "2026-12-08T00:00:00Z", false, false},
		{"Auckland end day starts on UTC Sunday", "Pacific/Auckland", "2026-11-30", "2026-11-29T11:00:00Z", true, false},
		{"Auckland term over on UTC Monday", "Pacific/Auckland", "2026-11-30", "2026-11-30T11:00:00Z", true, true},
		{"no end", "UTC", "", "2026-12-01T00:00:00Z", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := mustSchedule(t, time.Monday, 9, tc.tz)
			m := policy.Mentee{Login: "alice", End: date(t, tc.end)}
			now := mustTime(t, tc.now)
			if got := s.RetroDue(m, now); got != tc.wantRetro {
				t.Errorf("RetroDue = %v, want %v", got, tc.wantRetro)
			}
			if got := s.Ended(m, now); got != tc.wantEnded {
				t.Errorf("Ended = %v, want %v", got, tc.wantEnded)
			}
		})
	}
}
