package learnings

import (
	"time"

	"github.com/thanos-community/mentorbot/pkg/policy"
)

// Term is when the programme's terms end, as the roster says: the end of
// the last day of the last mentee's term. Mentees without an end do not
// count; a roster without any end has no Term (ok is false).
func Term(p policy.Policy, loc *time.Location) (lastEnd time.Time, ok bool) {
	if loc == nil {
		loc = time.UTC
	}
	for _, m := range p.Mentees {
		if m.End.IsZero() {
			continue
		}
		// End is inclusive: the term is over at the start of the next day.
		if e := m.End.In(loc).AddDate(0, 0, 1); e.After(lastEnd) {
			lastEnd = e
		}
	}
	return lastEnd, !lastEnd.IsZero()
}

// CollectDue reports whether the learnings are being collected at now:
// every mentee's term is over, retrospective.collect_after has passed since
// the last one ended, and retrospective.collect_until has not passed since
// then (0 means no limit). In that window every sweep reads the
// retrospectives again, so a late or edited reply still reaches the
// learnings issue; after it, a sweep costs no request for the programme.
func CollectDue(p policy.Policy, now time.Time, loc *time.Location) bool {
	end, ok := Term(p, loc)
	if !ok {
		return false
	}
	start := end.Add(p.Retrospective.CollectAfter.D())
	if now.Before(start) {
		return false
	}
	until := p.Retrospective.CollectUntil.D()
	return until <= 0 || now.Before(start.Add(until))
}

// MeetupDue reports whether the meetup is being planned at now: with
// meetup.enabled, from meetup.weeks_before_end weeks before the last
// mentee's last day until the term is over. Outside that window nothing is
// opened, so a late installation does not plan a meetup for a term that
// has ended.
func MeetupDue(p policy.Policy, now time.Time, loc *time.Location) bool {
	if !p.Meetup.Enabled {
		return false
	}
	end, ok := Term(p, loc)
	if !ok {
		return false
	}
	// The last day starts one day before the term is over.
	open := end.AddDate(0, 0, -1-7*p.Meetup.WeeksBeforeEnd)
	return !now.Before(open) && now.Before(end)
}

// ActiveMentees returns the logins of the mentees active at now, in roster
// order.
func ActiveMentees(p policy.Policy, now time.Time, loc *time.Location) []string {
	var out []string
	for _, m := range p.Mentees {
		if m.ActiveOn(now, loc) {
			out = append(out, m.Login)
		}
	}
	return out
}

// Location is the time zone the programme's days are counted in: the
// digest's (digest.timezone), UTC when unset or unknown.
func Location(p policy.Policy) *time.Location {
	if p.Digest.Timezone == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(p.Digest.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}
