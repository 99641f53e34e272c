// Package welcome greets first-time contributors (job 3 of PRODUCT.md): on
// their first pull request, and on their first issue when welcome.issues is
// set, the bot comments once with a welcome that links the contributing
// guide, says what happens next and where to ask in public. Mentees get a
// variant that points to their tracking issue.
//
// The job is built so that an ignored event costs no API call at all: the
// decision that rules most events out (Eligible) is a pure function of the
// event and the policy. Only a possible first-timer costs one search, and a
// welcome one more call to write it (plus, at most once per repository and
// cache period, one to find the contributing guide).
package welcome

import (
	"strings"

	"github.com/thanos-community/mentorbot/pkg/policy"
)

// Author associations GitHub sets on the first contributions of someone.
const (
	// AssocFirstTimeContributor: the author has not had a pull request merged
	// in this repository yet. GitHub keeps saying so until the first merge,
	// so a second PR opened before that still carries it.
	AssocFirstTimeContributor = "FIRST_TIME_CONTRIBUTOR"
	// AssocFirstTimer: the author has never contributed anywhere on GitHub.
	AssocFirstTimer = "FIRST_TIMER"
)

// Item is what the welcome needs to know about the pull request or issue
// that was opened, taken from the event.
type Item struct {
	Owner, Repo string
	// OwnerIsOrg is true when the repository belongs to an organisation
	// (the search then says org:, else user:).
	OwnerIsOrg bool
	Number     int
	// PullRequest is false for issues.
	PullRequest bool
	Title       string
	Author      string
	// AuthorIsBot: GitHub's user type "Bot" or a [bot] login.
	AuthorIsBot bool
	// Association is the item's author_association.
	Association string
}

// Reason says why an item is not welcomed, for the debug log.
type Reason string

// Reasons Eligible gives; "" means eligible.
const (
	ReasonDisabled    Reason = "welcome disabled by policy"
	ReasonIssuesOff   Reason = "welcome.issues is off"
	ReasonBot         Reason = "author is a bot"
	ReasonAssociation Reason = "author is not a first-time contributor"
	ReasonNoAuthor    Reason = "event has no author"
)

// Eligible decides from the event and the policy alone, without any API
// call, whether the author may be welcomed: the welcome is enabled (and
// enabled for issues, for an issue), the author is a person and GitHub marks
// them FIRST_TIME_CONTRIBUTOR or FIRST_TIMER. Whether they were welcomed
// before is the one question left for GitHub (see Query).
func Eligible(w policy.Welcome, it Item) (bool, Reason) {
	switch {
	case !w.Enabled:
		return false, ReasonDisabled
	case !it.PullRequest && !w.Issues:
		return false, ReasonIssuesOff
	case it.Author == "":
		return false, ReasonNoAuthor
	case it.AuthorIsBot || strings.HasSuffix(strings.ToLower(it.Author), "[bot]"):
		return false, ReasonBot
	}
	switch strings.ToUpper(it.Association) {
	case AssocFirstTimeContributor, AssocFirstTimer:
		return true, ""
	}
	return false, ReasonAssociation
}

// FirstTimer reports whether the item's author is new to GitHub as a whole,
// which earns an extra line of encouragement.
func (it Item) FirstTimer() bool { return strings.EqualFold(it.Association, AssocFirstTimer) }

// orgScope reports whether welcome.scope is org.
func orgScope(w policy.Welcome) bool { return strings.EqualFold(w.Scope, "org") }
