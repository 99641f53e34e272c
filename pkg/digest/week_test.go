package digest

import (
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/pkg/policy"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestWeekOf(t *testing.T) {
	for _, tc := range []struct {
		day  string
		want string
	}{
		{"2026-11-23", "2026-W48"},
		{"2026-11-29", "2026-W48"}, // Sunday closes the week
		{"2026-11-30", "2026-W49"},
		{"2025-12-29", "2026-W01"}, // calendar 2025, ISO 2026
		{"2026-01-01", "2026-W01"},
		{"2026-12-31", "2026-W53"}, // 2026 starts on a Thursday: 53 weeks
		{"2027-01-01", "2026-W53"}, // calendar 2027, ISO 2026
		{"2027-01-03", "2026-W53"},
		{"2027-01-04", "2027-W01"},
		{"2020-12-31", "2020-W53"}, // leap year starting on a Wednesday
		{"2021-01-03", "2020-W53"},
		{"2021-01-04", "2021-W01"},
		{"2024-12-30", "2025-W01"},
	} {
		t.Run(tc.day, func(t *testing.T) {
			if got := WeekOf(day(tc.day)).String(); got != tc.want {
				t.Errorf("WeekOf(%s) = %s, want %s", tc.day, got, tc.want)
			}
		})
	}
}

func TestWeekOfUsesTheTimesLocation(t *testing.T) {
	// Sunday 2026-11-29 20:00 UTC is already Monday in Auckland.
	at := time.Date(2026, 11, 29, 20, 0, 0, 0, time.UTC)
	auckland, err := time.LoadLocation("Pacific/Auckland")
	if err != nil {
		t.Fatal(err)
	}
	if got := WeekOf(at).String(); got != "2026-W48" {
		t.Errorf("UTC: %s", got)
	}
	if got := WeekOf(at.In(auckland)).String(); got != "2026-W49" {
		t.Errorf("Auckland: %s", got)
	}
}

func TestWeeksInYear(t *testing.T) {
	for year, want := range map[int]int{2015: 53, 2019: 52, 2020: 53, 2021: 52, 2025: 52, 2026: 53, 2027: 52, 2032: 53} {
		if got := WeeksInYear(year); got != want {
			t.Errorf("WeeksInYear(%d) = %d, want %d", year, got, want)
		}
	}
}

func TestParseWeek(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    Week
		wantErr bool
	}{
		{in: "2026-W48", want: Week{2026, 48}},
		{in: "2026-W01", want: Week{2026, 1}},
		{in: "2026-W53", want: Week{2026, 53}},
		{in: "2020-W53", want: Week{2020, 53}},
		{in: "2025-W53", wantErr: true}, // 2025 has 52 weeks
		{in: "2026-W54", wantErr: true},
		{in: "2026-W00", wantErr: true},
		{in: "2026-W1", wantErr: true},
		{in: "2026W48", wantErr: true},
		{in: "26-W48", wantErr: true},
		{in: "2026-w48", wantErr: true},
		{in: "abcd-W48", wantErr: true},
		{in: "2026-W4x", wantErr: true},
		{in: "", wantErr: true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseWeek(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("ParseWeek(%q) error = %v, wantErr %v", tc.in, err, tc.wantErr)
			}
			if !tc.wantErr && got != tc.want {
				t.Errorf("ParseWeek(%q) = %v, want %v", tc.in, got, tc.want)
			}
			if !tc.wantErr && got.String() != tc.in {
				t.Errorf("round trip: %q became %q", tc.in, got.String())
			}
		})
	}
}

func TestWeekMondayNextPrev(t *testing.T) {
	for _, tc := range []struct {
		week, monday, next, prev string
	}{
		{"2026-W48", "2026-11-23", "2026-W49", "2026-W47"},
		{"2026-W01", "2025-12-29", "2026-W02", "2025-W52"},
		{"2026-W53", "2026-12-28", "2027-W01", "2026-W52"},
		{"2027-W01", "2027-01-04", "2027-W02", "2026-W53"},
		{"2020-W53", "2020-12-28", "2021-W01", "2020-W52"},
		{"2025-W52", "2025-12-22", "2026-W01", "2025-W51"},
	} {
		t.Run(tc.week, func(t *testing.T) {
			w, err := ParseWeek(tc.week)
			if err != nil {
				t.Fatal(err)
			}
			if got := w.Monday(time.UTC).Format(time.DateOnly); got != tc.monday {
				t.Errorf("Monday = %s, want %s", got, tc.monday)
			}
			if got := w.Next().String(); got != tc.next {
				t.Errorf("Next = %s, want %s", got, tc.next)
			}
			if got := w.Prev().String(); got != tc.prev {
				t.Errorf("Prev = %s, want %s", got, tc.prev)
			}
			if !w.Prev().Before(w) || w.Before(w.Prev()) || !w.Before(w.Next()) {
				t.Errorf("Before is inconsistent around %s", w)
			}
		})
	}
}

func TestMondayInLocation(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	m := Week{2026, 11}.Monday(ny) // the Monday after DST started on 8 March
	if got := m.Format(time.RFC3339); got != "2026-03-09T00:00:00-04:00" {
		t.Errorf("Monday = %s", got)
	}
}

func TestSince(t *testing.T) {
	from := time.Date(2026, 11, 9, 9, 0, 0, 0, time.UTC)
	if got := since(policy.Mentee{Login: "alice", Start: date(t, "2026-09-01")}, from, time.UTC); !got.Equal(time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("term start: got %s", got)
	}
	if got := since(policy.Mentee{Login: "alice", Start: date(t, "")}, from, time.UTC); !got.Equal(from.Add(-lookBack)) {
		t.Errorf("no start: got %s", got)
	}
	if got := since(policy.Mentee{Login: "alice", Start: date(t, "2025-01-01")}, from, time.UTC); !got.Equal(from.Add(-lookBack)) {
		t.Errorf("old start: got %s", got)
	}
	if got := since(policy.Mentee{Login: "alice", Start: date(t, "2026-12-01")}, from, time.UTC); !got.Equal(from) {
		t.Errorf("future start: got %s", got)
	}
}
