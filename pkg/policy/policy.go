// Package policy defines mentorbot.yml, the per-organisation (and per-repository)
// policy that says what the bot does: the programme, its roster of mentees, and
// the settings of every job. The schema is versioned; defaults live in one place
// (Default) so that the documentation, check-config and the jobs agree.
package policy

import (
	"slices"
	"strings"
	"time"
)

// Version is the schema version this build understands. A policy may state it
// with the top-level `version` key; an absent key means this version.
const Version = 1

// Policy is the effective mentorbot.yml after defaults were applied.
type Policy struct {
	// Version of the schema. Parse accepts only Version (1); an absent key
	// means the current version.
	Version       int           `yaml:"version"`
	Program       Program       `yaml:"program"`
	Mentees       []Mentee      `yaml:"mentees"`
	Labels        Labels        `yaml:"labels"`
	Welcome       Welcome       `yaml:"welcome"`
	Reviews       Reviews       `yaml:"reviews"`
	Retrospective Retrospective `yaml:"retrospective"`
	Meetup        Meetup        `yaml:"meetup"`
	Digest        Digest        `yaml:"digest"`
	Dashboard     Dashboard     `yaml:"dashboard"`

	// Skipped lists the roster entries Parse left out because they had
	// problems (the problems name them); Mentees holds the valid ones only.
	// Jobs may log these once; they are not part of the file's schema.
	Skipped []SkippedMentee `yaml:"-"`
}

// Program describes the mentorship programme as a whole.
type Program struct {
	// Name of the programme term, e.g. "LFX Mentorship 2026 Term 3".
	Name string `yaml:"name"`
	// ContributingURL is linked from welcomes and onboarding; empty means the
	// repository's CONTRIBUTING.md, then the org .github repository's.
	ContributingURL string `yaml:"contributing_url"`
	// Channels says where to ask in public, e.g. "#thanos-dev on CNCF Slack".
	Channels string `yaml:"channels"`
	// TrackingRepo ("owner/repo") is where the bot opens tracking issues for
	// mentees that have none, and the learnings and meetup issues.
	TrackingRepo string `yaml:"tracking_repo"`
	// Onboarding replaces the built-in onboarding checklist (Go text/template).
	Onboarding string `yaml:"onboarding"`
}

// Mentee is one roster entry.
type Mentee struct {
	// Login is the mentee's GitHub login (required; compared case-insensitively).
	Login string `yaml:"login"`
	// TrackingIssue is "owner/repo#number"; empty means the bot opens one.
	TrackingIssue string `yaml:"tracking_issue"`
	// Mentors are GitHub logins of the mentee's mentors.
	Mentors []string `yaml:"mentors"`
	// Start is the first day of the term (YYYY-MM-DD), inclusive.
	Start Date `yaml:"start"`
	// End is the last day of the term (YYYY-MM-DD), inclusive.
	End Date `yaml:"end"`
}

// Labels names the labels the bot sets.
type Labels struct {
	// MenteePR is added to PRs by mentees or that fix mentee tasks.
	MenteePR string `yaml:"mentee_pr"`
	// MenteeTask marks issues that are mentee tasks.
	MenteeTask string `yaml:"mentee_task"`
}

// Welcome configures the first-time contributor welcome.
type Welcome struct {
	// Enabled turns the welcome on.
	Enabled bool `yaml:"enabled"`
	// Issues also welcomes the authors of first issues.
	Issues bool `yaml:"issues"`
	// Scope is where an earlier contribution counts: "repo" or "org".
	Scope string `yaml:"scope"`
	// Message is a Go text/template; empty means the built-in text.
	Message string `yaml:"message"`
}

// Reviews configures review-wait reminders and reviewer suggestions.
type Reviews struct {
	// Scope is "mentees" (mentee PRs) or "all" (also first-time contributors).
	Scope string `yaml:"scope"`
	// Wait is how long a PR may wait for a human response before a reminder.
	Wait Duration `yaml:"wait"`
	// BusinessDays skips Saturdays and Sundays in Timezone.
	BusinessDays bool `yaml:"business_days"`
	// Timezone is the IANA zone in which weekends are counted.
	Timezone string `yaml:"timezone"`
	// MaxSuggestions is the most reviewers named in one reminder.
	MaxSuggestions int `yaml:"max_suggestions"`
	// Reviewers is an extra pool of willing reviewers.
	Reviewers []string `yaml:"reviewers"`
	// Exclude lists logins never suggested.
	Exclude []string `yaml:"exclude"`
	// MaxOpenRequests skips anyone with more open review requests in the org.
	MaxOpenRequests int `yaml:"max_open_requests"`
	// KeepaliveLabel, when set, is put on a mentee PR once it has waited
	// longer than Wait for reviewers, to shield it from stale bots, and
	// removed when the wait ends (only when the bot put it there).
	KeepaliveLabel string `yaml:"keepalive_label"`
	// RequestReview also requests the suggested reviewers through the API.
	RequestReview bool `yaml:"request_review"`
	// ExemptLabels: PRs carrying any of these are never reminded.
	ExemptLabels []string `yaml:"exempt_labels"`
	// Bots are machine users without "[bot]" in their login: their comments
	// and reviews are not responses, and they are never suggested.
	Bots []string `yaml:"bots"`
	// InactiveAfter: people with no activity in the repository for this long
	// are never suggested as reviewers.
	InactiveAfter Duration `yaml:"inactive_after"`
	// ApprovedWait, when set, reminds the mentors (or the pool, or
	// maintainers) once when an approved PR is still not merged after this
	// long; 0 turns it off.
	ApprovedWait Duration `yaml:"approved_wait"`
}

// Retrospective configures the learnings roll-up at the programme's end.
type Retrospective struct {
	// CollectAfter is how long after the last end the learnings are rolled up.
	CollectAfter Duration `yaml:"collect_after"`
	// CollectUntil is how long the roll-up keeps reading the tracking issues
	// after it started; afterwards a sweep costs no request for the
	// programme. Closing the learnings issue stops it earlier.
	CollectUntil Duration `yaml:"collect_until"`
	// Authors are people, besides each mentee and their mentors, whose
	// comments on a tracking issue count as the retrospective (a programme
	// coordinator who takes the notes).
	Authors []string `yaml:"authors"`
}

// Dashboard configures the programme dashboard issue.
type Dashboard struct {
	// Enabled keeps the "Mentorship dashboard: <program>" issue in
	// program.tracking_repo; a programme without a name or a tracking
	// repository has none.
	Enabled bool `yaml:"enabled"`
}

// Meetup configures the optional Mentees Meetup.
type Meetup struct {
	// Enabled opens the meetup planning issue and asks mentees to present.
	Enabled bool `yaml:"enabled"`
	// WeeksBeforeEnd is how long before the last end the issue is opened.
	WeeksBeforeEnd int `yaml:"weeks_before_end"`
}

// Digest configures the weekly digest on tracking issues.
type Digest struct {
	// Weekday, Hour (0..23) and Timezone (IANA) say when the digest is due.
	Weekday  Weekday `yaml:"weekday"`
	Hour     int     `yaml:"hour"`
	Timezone string  `yaml:"timezone"`
	// Scope is "org" or "public": where mentee activity is counted.
	Scope string `yaml:"scope"`
}

// Default returns the policy used when no file exists, and the base every
// file's values are applied onto. It is the one place defaults live.
func Default() Policy {
	return Policy{
		Version: Version,
		Labels: Labels{
			MenteePR:   "mentee",
			MenteeTask: "mentee-task",
		},
		Welcome: Welcome{
			Enabled: true,
			Scope:   "repo",
		},
		Reviews: Reviews{
			Scope:           "mentees",
			Wait:            Duration(72 * time.Hour),
			BusinessDays:    true,
			Timezone:        "UTC",
			MaxSuggestions:  2,
			MaxOpenRequests: 5,
			InactiveAfter:   Duration(183 * 24 * time.Hour),
		},
		Retrospective: Retrospective{CollectAfter: Duration(168 * time.Hour), CollectUntil: Duration(4 * 7 * 24 * time.Hour)},
		Dashboard:     Dashboard{Enabled: true},
		Meetup:        Meetup{WeeksBeforeEnd: 3},
		Digest: Digest{
			Weekday:  Weekday(time.Monday),
			Hour:     9,
			Timezone: "UTC",
			Scope:    "org",
		},
	}
}

// Clone returns a deep copy, so that a caller may change its copy without
// touching a policy that others (such as the Loader's cache) hold.
func (p Policy) Clone() Policy {
	c := p
	c.Mentees = slices.Clone(p.Mentees)
	for i := range c.Mentees {
		c.Mentees[i].Mentors = slices.Clone(c.Mentees[i].Mentors)
	}
	c.Reviews.Reviewers = slices.Clone(p.Reviews.Reviewers)
	c.Reviews.Exclude = slices.Clone(p.Reviews.Exclude)
	c.Reviews.Bots = slices.Clone(p.Reviews.Bots)
	c.Reviews.ExemptLabels = slices.Clone(p.Reviews.ExemptLabels)
	c.Retrospective.Authors = slices.Clone(p.Retrospective.Authors)
	c.Skipped = slices.Clone(p.Skipped)
	return c
}

// Mentee returns the roster entry for login (case-insensitive, as GitHub
// compares logins), or false.
func (p *Policy) Mentee(login string) (Mentee, bool) {
	for _, m := range p.Mentees {
		if strings.EqualFold(m.Login, login) {
			return m, true
		}
	}
	return Mentee{}, false
}

// IsMentor reports whether login is listed as a mentor of any mentee.
func (p *Policy) IsMentor(login string) bool {
	for _, m := range p.Mentees {
		for _, mm := range m.Mentors {
			if strings.EqualFold(mm, login) {
				return true
			}
		}
	}
	return false
}

// ActiveOn reports whether the mentee's term covers the day of t. Start and
// End are whole days in loc (UTC when nil), both inclusive; a zero Start or
// End leaves that side open.
func (m Mentee) ActiveOn(t time.Time, loc *time.Location) bool {
	if loc == nil {
		loc = time.UTC
	}
	day := t.In(loc)
	d := Date{Year: day.Year(), Month: day.Month(), Day: day.Day()}
	if !m.Start.IsZero() && d.Before(m.Start) {
		return false
	}
	if !m.End.IsZero() && m.End.Before(d) {
		return false
	}
	return true
}
