package turn

import (
	"strings"
	"time"
)

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
	// People names machine users and reviewers beyond what events say.
	People People
}

// WaitState is the wait clock's verdict.
type WaitState struct {
	// Turn is whose turn it is, and By who started it (the
	// approver of an approved PR).
	Turn State
	By   string
	// Waiting is true when the PR is open, ready, and it is the reviewers'
	// turn.
	Waiting bool
	// Why explains the verdict in a few words, for logs and --dry-run.
	Why string
	// Since is when the current turn started.
	Since time.Time
	// Waited is how long the current turn has lasted (business time when
	// configured), for the reviewers', the author's and the approved turn.
	Waited time.Duration
	// Over is true once the reviewers' turn exceeds the wait; Escalate once
	// it exceeds twice the wait.
	Over     bool
	Escalate bool
	// OverAt and EscalateAt are when those become true (useful to schedule
	// and to show in the digest).
	OverAt     time.Time
	EscalateAt time.Time
	// Period identifies this waiting period: the RFC3339 UTC start. It is
	// the key of the review-wait and review-escalate markers, so a new turn
	// of the reviewers re-arms the reminder.
	Period string
}

// Wait runs the wait clock: Whose decides whose turn it is and since
// when, and the clock measures it. Only the reviewers' turn can be over the
// wait.
func Wait(h History, now time.Time, cfg Clock) WaitState {
	pr := PR{
		Author: h.Author, OpenedAt: h.CreatedAt, Draft: h.Draft, Merged: h.Merged,
		Closed: !strings.EqualFold(h.State, "open") && h.State != "",
		Events: h.Events,
	}
	if !h.ReadyForReviewAt.IsZero() {
		pr.Events = append(append([]Event(nil), h.Events...), Event{Kind: Ready, At: h.ReadyForReviewAt})
	}
	t := Whose(pr, h.People)
	st := WaitState{Turn: t.State, Since: t.Since, By: t.By}
	switch t.State {
	case Merged, Closed, Draft:
		st.Why = string(t.State)
		return st
	case Author:
		st.Why = "waiting for the author since " + t.Since.UTC().Format(time.RFC3339) + " (" + t.Why + ")"
		st.Waited = cfg.Elapsed(t.Since, now)
		return st
	case Approved:
		st.Why = "approved, waiting for a merge since " + t.Since.UTC().Format(time.RFC3339) + " (" + t.Why + ")"
		st.Waited = cfg.Elapsed(t.Since, now)
		// The approved reminder's marker key: one per approval.
		st.Period = t.Since.UTC().Format(time.RFC3339)
		return st
	}
	st.Waiting = true
	st.Why = "waiting since " + t.Why
	st.Waited = cfg.Elapsed(t.Since, now)
	st.Period = t.Since.UTC().Format(time.RFC3339)
	st.OverAt = cfg.Add(t.Since, cfg.Wait)
	st.EscalateAt = cfg.Add(t.Since, 2*cfg.Wait)
	st.Over = st.Waited > cfg.Wait
	st.Escalate = st.Waited > 2*cfg.Wait
	return st
}

// EscalationDue reports whether the reviewers named in a reminder written at
// remindedAt have had their whole wait: escalation comes at least
// reviews.wait (in the clock's time) after the reminder, never in the same
// hour, however long the PR had waited before.
func EscalationDue(c Clock, remindedAt, now time.Time) bool {
	return c.Elapsed(remindedAt, now) >= c.Wait
}
