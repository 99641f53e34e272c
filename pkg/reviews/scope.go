package reviews

import (
	"strings"
	"time"

	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/turn"
)

// LabelAction is what to do with the keepalive label.
type LabelAction int

const (
	// LabelKeep leaves the label as it is.
	LabelKeep LabelAction = iota
	// LabelAdd adds it.
	LabelAdd
	// LabelRemove removes it.
	LabelRemove
)

func (a LabelAction) String() string {
	switch a {
	case LabelAdd:
		return "add"
	case LabelRemove:
		return "remove"
	}
	return "keep"
}

// ScopeInput is the plain data the sweep's scope decision needs.
type ScopeInput struct {
	// State is "open" or "closed".
	State  string
	Merged bool
	Draft  bool
	Labels []string
	Author string
	// AuthorAssociation is GitHub's author_association on the PR.
	AuthorAssociation string
	// AuthorIsBot is true when the author's type is Bot.
	AuthorIsBot bool
	// Waiting is turn.WaitState.Waiting for this PR.
	Waiting bool
	// KeepaliveByBot is true when the keepalive label now on the PR was
	// added by mentorbot. The bot never removes a label a human added.
	KeepaliveByBot bool
	// Now and Location decide whether a mentee's term is active.
	Now      time.Time
	Location *time.Location
}

// ScopeDecision is whether the sweep looks at a PR, and what to do with the
// keepalive label.
type ScopeDecision struct {
	InScope bool
	// Why explains the decision for logs and --dry-run.
	Why string
	// Mentee is the roster entry when the author is an active mentee.
	Mentee   policy.Mentee
	IsMentee bool
	// Keepalive is the label action for KeepaliveLabel (LabelKeep when no
	// keepalive label is configured).
	Keepalive      LabelAction
	KeepaliveLabel string
}

// FirstTimeAssociation reports whether GitHub marks the author as new: to
// this repository (FIRST_TIME_CONTRIBUTOR) or to GitHub (FIRST_TIMER).
func FirstTimeAssociation(assoc string) bool {
	return assoc == "FIRST_TIME_CONTRIBUTOR" || assoc == "FIRST_TIMER"
}

// Scope decides whether the review-wait sweep covers a PR: it must be open,
// not a draft, carry none of reviews.exempt_labels, and be by an active
// mentee, or, with reviews.scope "all", by a first-time contributor.
//
// With reviews.keepalive_label set, the label is wanted exactly while an
// in-scope PR waits for reviewers (so stale bots leave it alone) and goes
// when the wait ends, unless a human put it there.
func Scope(p *policy.Policy, in ScopeInput) ScopeDecision {
	d := ScopeDecision{}
	if p == nil {
		def := policy.Default()
		p = &def
	}
	d.InScope, d.Why = inScope(p, in, &d)

	label := p.Reviews.KeepaliveLabel
	if label == "" {
		return d
	}
	d.KeepaliveLabel = label
	has := ghclient.HasLabel(in.Labels, label)
	want := d.InScope && in.Waiting
	switch {
	case want && !has:
		d.Keepalive = LabelAdd
	case !want && has && in.KeepaliveByBot:
		d.Keepalive = LabelRemove
	}
	return d
}

func inScope(p *policy.Policy, in ScopeInput, d *ScopeDecision) (bool, string) {
	switch {
	case in.Merged:
		return false, "merged"
	case !strings.EqualFold(in.State, "open"):
		return false, "not open"
	case in.Draft:
		return false, "draft"
	case in.AuthorIsBot || turn.IsBot(in.Author):
		return false, "author is a bot"
	}
	for _, l := range p.Reviews.ExemptLabels {
		if ghclient.HasLabel(in.Labels, l) {
			return false, "exempt label " + l
		}
	}
	if m, ok := p.Mentee(in.Author); ok {
		if m.ActiveOn(in.Now, in.Location) {
			d.Mentee, d.IsMentee = m, true
			return true, "author is an active mentee"
		}
		if !strings.EqualFold(p.Reviews.Scope, "all") {
			return false, "author's mentorship term is not active"
		}
	}
	if strings.EqualFold(p.Reviews.Scope, "all") {
		if FirstTimeAssociation(in.AuthorAssociation) {
			return true, "author is a first-time contributor (" + in.AuthorAssociation + ")"
		}
		return false, "author is neither an active mentee nor a first-time contributor"
	}
	return false, "author is not an active mentee"
}
