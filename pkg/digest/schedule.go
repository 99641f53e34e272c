package digest

import (
	"fmt"
	"time"

	"github.com/thanos-community/mentorbot/pkg/policy"
)

// AfterEnd is how long after the last day of a term a mentee still gets a
// digest, and how long the programme-end texts stay due: long enough to catch
// up a missed run, short enough that a stale roster entry stays quiet.
const AfterEnd = 7 * 24 * time.Hour

// Schedule is when digests are posted: once per ISO week, on Weekday at Hour
// o'clock in Location.
//
// A digest covers the seven days before its scheduled moment and is named
// after the ISO week that holds most of those days: with the default
// (Monday 09:00) the digest posted on Monday 2026-11-30 covers 23-30 November
// and is 2026-W48; with Friday it would be the week it is posted in. The name
// is the marker key, so there is exactly one digest per week name.
type Schedule struct {
	Weekday  time.Weekday
	Hour     int
	Location *time.Location
}

// NewSchedule builds the schedule from the policy's digest settings. An empty
// timezone means UTC.
func NewSchedule(d policy.Digest) (Schedule, error) {
	if d.Hour < 0 || d.Hour > 23 {
		return Schedule{}, fmt.Errorf("digest hour %d is not between 0 and 23", d.Hour)
	}
	loc := time.UTC
	if d.Timezone != "" {
		l, err := time.LoadLocation(d.Timezone)
		if err != nil {
			return Schedule{}, fmt.Errorf("load digest timezone %q: %w", d.Timezone, err)
		}
		loc = l
	}
	if d.Weekday.W() < time.Sunday || d.Weekday.W() > time.Saturday {
		return Schedule{}, fmt.Errorf("digest weekday %d is not a day of the week", d.Weekday)
	}
	return Schedule{Weekday: d.Weekday.W(), Hour: d.Hour, Location: loc}, nil
}

// Period is one digest: the week it is named after and the span it covers,
// From (inclusive) to To (exclusive). To is the scheduled moment. Both are
// wall-clock times in the schedule's location, so across a DST change the
// span is 167 or 169 hours and consecutive periods never overlap or leave a
// gap.
type Period struct {
	Week Week
	From time.Time
	To   time.Time
}

// Contains reports whether t falls in the period.
func (p Period) Contains(t time.Time) bool { return !t.Before(p.From) && t.Before(p.To) }

func (s Schedule) loc() *time.Location {
	if s.Location == nil {
		return time.UTC
	}
	return s.Location
}

// at returns the scheduled moment on the calendar day of day (in the
// schedule's location). When a DST change skips that hour, the moment is the
// change itself (02:00 becomes 03:00), never the hour before.
func (s Schedule) at(day time.Time) time.Time {
	t := time.Date(day.Year(), day.Month(), day.Day(), s.Hour, 0, 0, 0, s.loc())
	want := time.Date(day.Year(), day.Month(), day.Day(), s.Hour, 0, 0, 0, time.UTC)
	got := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
	if got.Equal(want) {
		return t
	}
	// time.Date picked an offset from one side of the gap; the zone on that
	// side ends or starts at the change.
	start, end := t.ZoneBounds()
	if got.Before(want) && !end.IsZero() {
		return end
	}
	if got.After(want) && !start.IsZero() {
		return start
	}
	return t
}

// period returns the period whose scheduled moment is on the day of slotDay.
func (s Schedule) period(slotDay time.Time) Period {
	// The seven days before the slot day are days -7..-1; day -4 is the
	// middle one, so its ISO week holds at least four of them.
	return Period{
		Week: WeekOf(slotDay.AddDate(0, 0, -4)),
		From: s.at(slotDay.AddDate(0, 0, -7)),
		To:   s.at(slotDay),
	}
}

// thisWeeksDay returns midnight of the scheduled weekday in the ISO week of t
// (in the schedule's location).
func (s Schedule) thisWeeksDay(t time.Time) time.Time {
	l := t.In(s.loc())
	monday := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, s.loc()).AddDate(0, 0, -isoIndex(l.Weekday()))
	return monday.AddDate(0, 0, isoIndex(s.Weekday))
}

// Period returns the digest named w.
func (s Schedule) Period(w Week) Period {
	monday := w.Monday(s.loc())
	// The slot day is the first scheduled weekday whose day -4 is in w.
	off := (isoIndex(s.Weekday)-4+7)%7 + 4
	return s.period(monday.AddDate(0, 0, off))
}

// Latest returns the most recent digest whose scheduled moment is at or
// before now.
func (s Schedule) Latest(now time.Time) Period {
	day := s.thisWeeksDay(now)
	if s.at(day).After(now) {
		day = day.AddDate(0, 0, -7)
	}
	return s.period(day)
}

// Due returns the digest to post at now, if any. A digest is due from its
// scheduled moment until the end of that ISO week in the schedule's location,
// so a run that was missed (downtime, a failed CronJob) is caught up by any
// later run in the same week, and a run in the next week posts that week's
// digest instead of a stale one. Posting it twice is prevented by the marker,
// not here.
func (s Schedule) Due(now time.Time) (Period, bool) {
	day := s.thisWeeksDay(now)
	if s.at(day).After(now) {
		return Period{}, false
	}
	return s.period(day), true
}

// Next returns the first scheduled moment strictly after now, for the
// in-process scheduler.
func (s Schedule) Next(now time.Time) time.Time {
	day := s.thisWeeksDay(now)
	if t := s.at(day); t.After(now) {
		return t
	}
	return s.at(day.AddDate(0, 0, 7))
}

// term returns the mentee's term as [from, to) in loc; a zero time leaves
// that side open.
func term(m policy.Mentee, loc *time.Location) (from, to time.Time) {
	if !m.Start.IsZero() {
		from = m.Start.In(loc)
	}
	if !m.End.IsZero() {
		to = m.End.In(loc).AddDate(0, 0, 1)
	}
	return from, to
}

// GetsDigest reports whether the mentee gets the digest p: their term (Start
// and End are whole days in the schedule's location, both inclusive) overlaps
// the period. That is every week they are active, and the one digest after
// End that covers the term's last days.
func (s Schedule) GetsDigest(m policy.Mentee, p Period) bool {
	from, to := term(m, s.loc())
	if !from.IsZero() && !from.Before(p.To) {
		return false
	}
	if !to.IsZero() && !to.After(p.From) {
		return false
	}
	return true
}

// Recipients returns the mentees who get the digest p, in roster order.
func (s Schedule) Recipients(mentees []policy.Mentee, p Period) []policy.Mentee {
	var out []policy.Mentee
	for _, m := range mentees {
		if s.GetsDigest(m, p) {
			out = append(out, m)
		}
	}
	return out
}

// ReminderDue reports whether p is the mentee's retrospective-reminder
// digest: the last one scheduled in the seven days before their End day, so
// that everyone has the week before the last meeting to think about what
// worked and what did not. A mentee without End never gets one.
func (s Schedule) ReminderDue(m policy.Mentee, p Period) bool {
	if m.End.IsZero() || !s.GetsDigest(m, p) {
		return false
	}
	endDay := m.End.In(s.loc())
	return !p.To.Before(endDay.AddDate(0, 0, -7)) && p.To.Before(endDay)
}

// RetroDue reports whether the retrospective template is due at now: from
// the start of the mentee's End day (the last meeting) until AfterEnd after
// the term.
func (s Schedule) RetroDue(m policy.Mentee, now time.Time) bool {
	if m.End.IsZero() {
		return false
	}
	_, to := term(m, s.loc())
	return !now.Before(m.End.In(s.loc())) && now.Before(to.Add(AfterEnd))
}

// Ended reports whether the mentee's term is over at now (End was the day
// before or earlier) and the end-of-term report is due: until AfterEnd after
// the term, so that an old roster entry does not produce a report at a new
// installation.
func (s Schedule) Ended(m policy.Mentee, now time.Time) bool {
	if m.End.IsZero() {
		return false
	}
	_, to := term(m, s.loc())
	return !now.Before(to) && now.Before(to.Add(AfterEnd))
}
