package mentees

import (
	"strings"
	"time"

	"github.com/thanos-community/mentorbot/pkg/policy"
)

// Location is the time zone in which a policy's roster dates are whole days:
// digest.timezone (UTC unless the policy says otherwise), the same zone
// check-config uses to warn about ended terms.
func Location(p policy.Policy) *time.Location { return p.Digest.Location() }

// Active returns the roster entry of login when the mentee is active at now:
// listed (logins compare case-insensitively), and now's day is between
// start and end, both inclusive. Entries with problems never reach here:
// the policy parser skips them (Policy.Skipped) and keeps the others.
func Active(p policy.Policy, login string, now time.Time) (policy.Mentee, bool) {
	if strings.TrimSpace(login) == "" {
		return policy.Mentee{}, false
	}
	m, ok := p.Mentee(login)
	if !ok || !m.ActiveOn(now, Location(p)) {
		return policy.Mentee{}, false
	}
	return m, true
}

// Enrollable reports whether the bot should make sure the mentee has a
// tracking issue and an onboarding checklist at now: from the moment they
// are on the roster (onboarding usually starts before the term does) until
// their last day. After end there is nothing left to onboard.
func Enrollable(m policy.Mentee, now time.Time, loc *time.Location) bool {
	if m.End.IsZero() {
		return true
	}
	day := now.In(loc)
	d := policy.Date{Year: day.Year(), Month: day.Month(), Day: day.Day()}
	return !m.End.Before(d)
}
