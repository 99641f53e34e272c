// Package digest holds the pure logic of the weekly digest and of the
// programme-end texts: ISO week arithmetic, the schedule (when a digest is
// due, which week it summarises, who gets one), the digest comment rendered
// from plain data, the figures carried in its marker for next week's trend,
// and the retrospective reminder, retrospective template and end-of-term
// report. Those are pure: callers pass the data and `now`.
//
// The rest talks to GitHub: Source gathers a mentee's week (or term) with a
// fixed, small number of searches paced by Pacer under GitHub's search rate
// limit, and Sweep posts the digests and programme-end texts on the tracking
// issues, idempotently by their markers, and answers `/mentorbot digest`
// with a preview. Time still comes from the caller (the installation's Now).
package digest

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Week is an ISO 8601 week: weeks start on Monday, and week 1 of a year is
// the week holding that year's first Thursday. Year is the ISO week-numbering
// year, which differs from the calendar year around New Year (2027-01-01 is in
// 2026-W53).
type Week struct {
	Year int
	Week int
}

// WeekOf returns the ISO week of t's calendar day in t's location.
func WeekOf(t time.Time) Week {
	y, w := t.ISOWeek()
	return Week{Year: y, Week: w}
}

// WeeksInYear returns 52 or 53: the number of ISO weeks in the ISO year. 28
// December is always in the year's last week.
func WeeksInYear(year int) int {
	_, w := time.Date(year, time.December, 28, 12, 0, 0, 0, time.UTC).ISOWeek()
	return w
}

// String renders the week as "2026-W48", the form used in markers.
func (w Week) String() string { return fmt.Sprintf("%04d-W%02d", w.Year, w.Week) }

// Valid reports whether the week exists (2026-W53 does, 2025-W53 does not).
func (w Week) Valid() bool {
	return w.Year >= 1 && w.Year <= 9999 && w.Week >= 1 && w.Week <= WeeksInYear(w.Year)
}

// ParseWeek parses "2026-W48" (the week number takes two digits).
func ParseWeek(s string) (Week, error) {
	y, n, ok := strings.Cut(s, "-W")
	if !ok || len(y) != 4 || len(n) != 2 {
		return Week{}, fmt.Errorf("week %q is not YYYY-Www", s)
	}
	year, err := strconv.Atoi(y)
	if err != nil || year < 1 {
		return Week{}, fmt.Errorf("week %q is not YYYY-Www", s)
	}
	num, err := strconv.Atoi(n)
	if err != nil {
		return Week{}, fmt.Errorf("week %q is not YYYY-Www", s)
	}
	w := Week{Year: year, Week: num}
	if !w.Valid() {
		return Week{}, fmt.Errorf("week %q does not exist: %d has %d ISO weeks", s, year, WeeksInYear(year))
	}
	return w, nil
}

// Monday returns the first instant (midnight of Monday) of the week in loc.
func (w Week) Monday(loc *time.Location) time.Time {
	// 4 January is always in week 1.
	jan4 := time.Date(w.Year, time.January, 4, 0, 0, 0, 0, loc)
	return jan4.AddDate(0, 0, -isoIndex(jan4.Weekday())+7*(w.Week-1))
}

// Next returns the following week.
func (w Week) Next() Week { return WeekOf(w.Monday(time.UTC).AddDate(0, 0, 7)) }

// Prev returns the preceding week.
func (w Week) Prev() Week { return WeekOf(w.Monday(time.UTC).AddDate(0, 0, -7)) }

// Before reports whether w is an earlier week than o.
func (w Week) Before(o Week) bool {
	if w.Year != o.Year {
		return w.Year < o.Year
	}
	return w.Week < o.Week
}

// isoIndex numbers weekdays from Monday (0) to Sunday (6).
func isoIndex(d time.Weekday) int { return (int(d) + 6) % 7 }
