package turn

import "time"

// Clock measures how long a turn has lasted.
type Clock struct {
	// Wait is how long a PR may wait before a reminder; twice that escalates.
	Wait time.Duration
	// BusinessDays counts only time on Mondays to Fridays in Location.
	BusinessDays bool
	// Location decides where weekends start and end; nil means UTC.
	Location *time.Location
}

// Loc is the clock's location, UTC when unset.
func (c Clock) Loc() *time.Location {
	if c.Location == nil {
		return time.UTC
	}
	return c.Location
}

func weekend(t time.Time) bool {
	d := t.Weekday()
	return d == time.Saturday || d == time.Sunday
}

// nextMidnight returns the start of the day after t's day in t's location.
// time.Date normalises, so a 23- or 25-hour day around a DST change is
// handled; the guard keeps progress in zones where midnight itself is skipped.
func nextMidnight(t time.Time) time.Time {
	y, m, d := t.Date()
	n := time.Date(y, m, d+1, 0, 0, 0, 0, t.Location())
	if !n.After(t) {
		n = t.Add(time.Hour)
	}
	return n
}

// Elapsed is the real time between from and to, minus Saturdays and Sundays
// in the clock's location when BusinessDays is set. It walks day by day in
// that location, so days are as long as the wall clock says (23 or 25 hours
// around DST changes).
func (c Clock) Elapsed(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	if !c.BusinessDays {
		return to.Sub(from)
	}
	var total time.Duration
	t := from.In(c.Loc())
	for t.Before(to) {
		next := nextMidnight(t)
		if next.After(to) {
			next = to
		}
		if !weekend(t) {
			total += next.Sub(t)
		}
		t = next
	}
	return total
}

// Add returns the instant d of (business) time after from.
func (c Clock) Add(from time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return from
	}
	if !c.BusinessDays {
		return from.Add(d)
	}
	t := from.In(c.Loc())
	for {
		next := nextMidnight(t)
		if !weekend(t) {
			span := next.Sub(t)
			if span >= d {
				return t.Add(d).In(from.Location())
			}
			d -= span
		}
		t = next
	}
}
