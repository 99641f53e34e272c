package learnings

import (
	"strings"
	"time"

	"github.com/thanos-community/mentorbot/pkg/policy"
)

// RetroWindow says which comments on a tracking issue can be a mentee's
// retrospective. The handbook holds the retrospective "on the last meeting of
// the mentorship", which is often days before the programme's last day, so
// the bot's template cannot be the start line: people post before it, after
// it, split over several comments, or as the mentor who took the notes.
type RetroWindow struct {
	// From is the earliest moment a comment counts: the retrospective
	// reminder, a week before the mentee's last day. Zero means no bound (a
	// roster entry without an end).
	From time.Time
	// Authors are the logins whose comments count, lower-cased: the mentee,
	// their mentors and retrospective.authors.
	Authors map[string]bool
}

// retroLead is how long before a mentee's last day the retrospective
// reminder goes out (it rides in the digest of the week before `end`), and
// so the earliest a retrospective is read from.
const retroLead = 7 * 24 * time.Hour

// WindowOf returns the retrospective window of mentee m under policy p, with
// days counted in loc (digest.timezone).
func WindowOf(p policy.Policy, m policy.Mentee, loc *time.Location) RetroWindow {
	if loc == nil {
		loc = time.UTC
	}
	w := RetroWindow{Authors: map[string]bool{}}
	if !m.End.IsZero() {
		w.From = m.End.In(loc).Add(-retroLead)
	}
	add := func(login string) {
		if l := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(login), "@")); l != "" {
			w.Authors[l] = true
		}
	}
	add(m.Login)
	for _, mentor := range m.Mentors {
		add(mentor)
	}
	for _, a := range p.Retrospective.Authors {
		add(a)
	}
	return w
}

// Select returns the comments that may hold the retrospective, in the order
// given: written by one of the window's authors, at or after From. What a
// comment says is read later by ParseRetrospective; here only who and when
// count. The current text of an edited comment counts, whenever the edit was
// made, because CreatedAt decides.
func (w RetroWindow) Select(comments []Comment) []Comment {
	var out []Comment
	for _, c := range comments {
		if !w.Authors[strings.ToLower(c.Author)] {
			continue
		}
		if !w.From.IsZero() && c.CreatedAt.Before(w.From) {
			continue
		}
		out = append(out, c)
	}
	return out
}
