// Package turn is the wait clock: whose turn it is on a pull request (the
// reviewers', the author's, or the maintainers': approved, waiting to be
// merged) and for how long, in business time when configured. Whose and
// Wait are pure functions of the PR's timeline as plain data; ReadThread
// sorts a timeline into that data, and ReadWait reads it through a narrow
// interface. The review-wait reminders, the weekly digest and the dashboard
// share it, so that they say the same.
package turn

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Kind is what happened on a pull request's timeline.
type Kind string

// Timeline events the state machine reads.
const (
	Opened        Kind = "opened"
	Ready         Kind = "ready_for_review"
	Reopened      Kind = "reopened"
	Push          Kind = "push"
	Review        Kind = "review"
	ReviewComment Kind = "review_comment"
	Comment       Kind = "comment"
	// ReviewRequest is a review (re-)request; Actor is who requested it.
	ReviewRequest Kind = "review_request"
)

// Event is one entry of the timeline.
type Event struct {
	Kind Kind
	// Actor is the login of who did it. For a push it is the pusher or the
	// commit's GitHub author; empty when GitHub does not say, which counts as
	// the author (the caller confirms such pushes when they matter).
	Actor string
	// Bot is true when GitHub says the actor's type is Bot.
	Bot bool
	// Association is GitHub's author_association of a comment or review
	// (OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, NONE, ...); empty when
	// unknown, which is taken as able to review.
	Association string
	At          time.Time
	// ReviewState is the review's state in upper case (APPROVED,
	// CHANGES_REQUESTED, COMMENTED, DISMISSED, PENDING).
	ReviewState string
}

// PR is what the state machine needs to know about a pull request.
type PR struct {
	Author string
	// OpenedAt is when the PR was created.
	OpenedAt time.Time
	// Draft, Closed and Merged are its state now.
	Draft, Closed, Merged bool
	Events                []Event
}

// People says who is who beyond what each event carries.
type People struct {
	// Bots are machine users without "[bot]" in their login (reviews.bots).
	Bots []string
	// Reviewers can review whatever GitHub's association says: the reviewer
	// pool, CODEOWNERS and MAINTAINERS.md entries, mentors.
	Reviewers []string
}

// State is whose turn it is.
type State string

// States of a pull request.
const (
	// Reviewers: the PR waits for a response from someone who can review.
	Reviewers State = "reviewers"
	// Author: a reviewer responded (changes requested, a question); the PR
	// waits for its author to push or re-request review.
	Author State = "author"
	// Approved: approved and not merged; it waits for a maintainer to merge
	// or give a second approval.
	Approved State = "approved"
	Draft    State = "draft"
	Closed   State = "closed"
	Merged   State = "merged"
)

// Turn is the verdict.
type Turn struct {
	State State
	// Since is when the current turn started (zero for draft, closed, merged).
	Since time.Time
	// Why says in a few words what started the turn, for logs and --dry-run.
	Why string
	// By is who started it: the reviewer who approved, requested changes or
	// responded; empty for turns the PR's state or its author started.
	By string
}

// IsBot reports whether login is a bot by its name ("dependabot[bot]").
func IsBot(login string) bool {
	return strings.HasSuffix(strings.ToLower(login), "[bot]")
}

// Machine reports whether an actor is a bot or a machine user: GitHub's
// type, "[bot]" in the login, or the policy's reviews.bots list.
func (p People) Machine(login string, bot bool) bool {
	return bot || IsBot(login) || contains(p.Bots, login)
}

// CanReview reports whether the actor of e can end the reviewers' turn.
func (p People) CanReview(e Event) bool {
	if contains(p.Reviewers, e.Actor) {
		return true
	}
	switch strings.ToUpper(e.Association) {
	case "", "OWNER", "MEMBER", "COLLABORATOR":
		return true
	}
	return false
}

func contains(list []string, login string) bool {
	login = strings.TrimPrefix(login, "@")
	for _, l := range list {
		if strings.EqualFold(strings.TrimPrefix(l, "@"), login) {
			return true
		}
	}
	return false
}

// Whose runs the state machine over the PR's events in time order:
//
//   - opening, leaving draft and reopening start the reviewers' turn;
//   - a review or comment from someone who can review ends it: changes
//     requested or any other response give the turn to the author, an
//     approval makes the PR approved;
//   - the author's push or review re-request gives the turn back to the
//     reviewers, but only from the author's turn or approval: author
//     activity never restarts the reviewers' clock;
//   - bots, machine users and people who cannot review change nothing,
//     and neither does a push by someone other than the author.
func Whose(pr PR, who People) Turn {
	switch {
	case pr.Merged:
		return Turn{State: Merged, Why: "merged"}
	case pr.Closed:
		return Turn{State: Closed, Why: "closed"}
	case pr.Draft:
		return Turn{State: Draft, Why: "draft"}
	}
	evs := append([]Event(nil), pr.Events...)
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].At.Before(evs[j].At) })
	t := Turn{State: Reviewers, Since: pr.OpenedAt, Why: "opened"}
	for _, e := range evs {
		if e.At.Before(pr.OpenedAt) {
			continue
		}
		byAuthor := e.Actor == "" || strings.EqualFold(e.Actor, pr.Author)
		switch e.Kind {
		case Opened:
			t = Turn{State: Reviewers, Since: e.At, Why: "opened"}
			continue
		case Ready:
			t = Turn{State: Reviewers, Since: e.At, Why: "marked ready for review"}
			continue
		case Reopened:
			t = Turn{State: Reviewers, Since: e.At, Why: "reopened"}
			continue
		}
		if who.Machine(e.Actor, e.Bot) {
			continue
		}
		switch e.Kind {
		case Push, ReviewRequest:
			if !byAuthor || t.State == Reviewers {
				continue
			}
			why := "author pushed"
			if e.Kind == ReviewRequest {
				why = "author re-requested review"
			}
			if t.State == Author {
				why += " after changes were requested"
			} else {
				why += " after the approval"
			}
			// A push after an approval leaves the PR approved: the
			// maintainers still hold it. A re-request asks again.
			if t.State == Approved && e.Kind == Push {
				continue
			}
			t = Turn{State: Reviewers, Since: e.At, Why: why}
		case Review, ReviewComment, Comment:
			if byAuthor || !who.CanReview(e) {
				continue
			}
			if e.Kind == Review && strings.EqualFold(e.ReviewState, "PENDING") {
				continue
			}
			switch {
			case e.Kind == Review && strings.EqualFold(e.ReviewState, "APPROVED"):
				t = Turn{State: Approved, Since: e.At, Why: "approved by @" + e.Actor, By: e.Actor}
			case e.Kind == Review && strings.EqualFold(e.ReviewState, "CHANGES_REQUESTED"):
				t = Turn{State: Author, Since: e.At, Why: "changes requested by @" + e.Actor, By: e.Actor}
			case t.State == Reviewers:
				t = Turn{State: Author, Since: e.At, Why: fmt.Sprintf("@%s responded", e.Actor), By: e.Actor}
			}
		}
	}
	return t
}
