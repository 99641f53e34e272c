// Package reviews decides when a pull request has waited too long for a human
// response, whom to suggest as reviewers and why, and writes the reminder and
// escalation comments. Everything here is a pure function of plain data: the
// caller gathers the PR's timeline, CODEOWNERS, MAINTAINERS.md and history
// from GitHub and passes them in, along with the current time.
package reviews

import (
	"strings"
	"time"
)

// EventKind is what happened on a pull request's timeline.
type EventKind string

const (
	// EventPush is a push or a commit to the PR branch.
	EventPush EventKind = "push"
	// EventComment is an issue comment on the PR conversation.
	EventComment EventKind = "comment"
	// EventReview is a submitted review (any state but PENDING).
	EventReview EventKind = "review"
	// EventReviewComment is a comment on the diff.
	EventReviewComment EventKind = "review_comment"
)

// Event is one entry of the PR's timeline.
type Event struct {
	Kind EventKind
	// Actor is the login of who did it (for a push, the pusher or the commit
	// author; empty when GitHub does not know, which counts as the author).
	Actor string
	// Bot is true when GitHub says the actor's type is Bot. Logins ending in
	// "[bot]" are treated as bots regardless.
	Bot bool
	At  time.Time
	// ReviewState is the review's state (APPROVED, CHANGES_REQUESTED,
	// COMMENTED, DISMISSED, PENDING); PENDING reviews are invisible to the
	// author and do not count.
	ReviewState string
}

// History is what the wait clock needs to know about a pull request.
type History struct {
	Author    string
	CreatedAt time.Time
	// ReadyForReviewAt is the last time the PR left draft; zero if never.
	ReadyForReviewAt time.Time
	Draft            bool
	// State is "open" or "closed".
	State  string
	Merged bool
	Events []Event
}

// Clock configures the wait.
type Clock struct {
	// Wait is how long a PR may wait before a reminder; twice that escalates.
	Wait time.Duration
	// BusinessDays counts only time on Mondays to Fridays in Location.
	BusinessDays bool
	// Location decides where weekends start and end; nil means UTC.
	Location *time.Location
}

// WaitState is the wait clock's verdict.
type WaitState struct {
	// Waiting is true when the PR is open, ready, and the ball is in the
	// reviewers' court.
	Waiting bool
	// Why explains the verdict in a few words, for logs and --dry-run.
	Why string
	// Since is when the current waiting period started.
	Since time.Time
	// Waited is how long it has waited (business time when configured).
	Waited time.Duration
	// Over is true once Waited exceeds the wait; Escalate once it exceeds
	// twice the wait.
	Over     bool
	Escalate bool
	// OverAt and EscalateAt are when those become true (useful to schedule
	// and to show in the digest).
	OverAt     time.Time
	EscalateAt time.Time
	// Period identifies this waiting period: the RFC3339 UTC start. It is
	// the key of the review-wait and review-escalate markers, so a new push
	// or response starts a new period and re-arms the reminder.
	Period string
}

// Marker kinds for the two comments, with Period as the key.
const (
	MarkerWait     = "review-wait"
	MarkerEscalate = "review-escalate"
)

// IsBot reports whether login is a bot by its name ("dependabot[bot]").
func IsBot(login string) bool {
	return strings.HasSuffix(strings.ToLower(login), "[bot]")
}

// Wait runs the wait clock. A PR waits from the latest of: when it was
// opened, when it was last marked ready for review, and the author's last
// push or comment. Any review, review comment or comment by a human other
// than the author is a response: if the author has done nothing since the
// last response, the PR is waiting for its author, not for reviewers.
func Wait(h History, now time.Time, cfg Clock) WaitState {
	switch {
	case h.Merged:
		return WaitState{Why: "merged"}
	case !strings.EqualFold(h.State, "open") && h.State != "":
		return WaitState{Why: "closed"}
	case h.Draft:
		return WaitState{Why: "draft"}
	}

	var lastResponse, lastAuthor time.Time
	lastAuthorKind := ""
	for _, e := range h.Events {
		if e.Kind == EventReview && strings.EqualFold(e.ReviewState, "PENDING") {
			continue
		}
		byAuthor := e.Actor == "" || strings.EqualFold(e.Actor, h.Author)
		if e.Kind == EventPush {
			// A push by someone else (a maintainer fixing up the branch)
			// is neither the author asking again nor a review.
			if byAuthor && e.At.After(lastAuthor) {
				lastAuthor, lastAuthorKind = e.At, "push"
			}
			continue
		}
		if e.Actor == "" || e.Bot || IsBot(e.Actor) {
			continue
		}
		if byAuthor {
			if e.At.After(lastAuthor) {
				lastAuthor, lastAuthorKind = e.At, "author "+string(e.Kind)
			}
			continue
		}
		if e.At.After(lastResponse) {
			lastResponse = e.At
		}
	}

	since, why := h.CreatedAt, "opened"
	if h.ReadyForReviewAt.After(since) {
		since, why = h.ReadyForReviewAt, "marked ready for review"
	}
	if lastAuthor.After(since) {
		since, why = lastAuthor, lastAuthorKind
	}
	if !lastResponse.IsZero() && !since.After(lastResponse) {
		return WaitState{Why: "waiting for the author since a response at " + lastResponse.UTC().Format(time.RFC3339)}
	}
	if !lastResponse.IsZero() {
		why += " after the last response"
	}

	st := WaitState{
		Waiting:    true,
		Why:        "waiting since " + why,
		Since:      since,
		Waited:     cfg.elapsed(since, now),
		Period:     since.UTC().Format(time.RFC3339),
		OverAt:     cfg.add(since, cfg.Wait),
		EscalateAt: cfg.add(since, 2*cfg.Wait),
	}
	st.Over = st.Waited > cfg.Wait
	st.Escalate = st.Waited > 2*cfg.Wait
	return st
}

func (c Clock) loc() *time.Location {
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

// elapsed is the real time between from and to, minus Saturdays and Sundays
// in the clock's location when BusinessDays is set. It walks day by day in
// that location, so days are as long as the wall clock says (23 or 25 hours
// around DST changes).
func (c Clock) elapsed(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	if !c.BusinessDays {
		return to.Sub(from)
	}
	var total time.Duration
	t := from.In(c.loc())
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

// add returns the instant d of (business) time after from.
func (c Clock) add(from time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return from
	}
	if !c.BusinessDays {
		return from.Add(d)
	}
	t := from.In(c.loc())
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
