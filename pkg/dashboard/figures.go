package dashboard

import (
	"fmt"
	"sort"
	"time"

	"github.com/thanos-community/mentorbot/pkg/policy"
)

// PR is one pull request of the programme's repositories, as plain data.
type PR struct {
	Repo   string // owner/name
	Number int
	Title  string
	Author string
	// Mentee: the author was an active mentee when the PR was opened.
	Mentee  bool
	Created time.Time
	Merged  time.Time // zero when not merged
	Closed  time.Time // zero while open
	// FirstResponse and Responded come from FirstResponse.
	FirstResponse time.Duration
	Responded     bool
	// NoResponseFor is how long an open mentee PR has been without any
	// response (zero once someone responded).
	NoResponseFor time.Duration
	// Suggested and Escalated: the bot suggested reviewers, and pinged the
	// mentors.
	Suggested, Escalated bool
}

// Ref is the PR as owner/name#N.
func (p PR) Ref() string { return fmt.Sprintf("%s#%d", p.Repo, p.Number) }

// Reminder is one review-wait reminder the bot wrote, and whether a human
// answered after it.
type Reminder struct {
	PR         string // owner/name#N
	At         time.Time
	AnsweredAt time.Time // zero while unanswered
}

// Task is a mentee task and its state.
type Task struct {
	Ref, Title string
	Open       bool
}

// Mentee is one row of the dashboard.
type Mentee struct {
	Login           string
	TrackingIssue   string // owner/name#N, empty when none yet
	OnboardingDone  int
	OnboardingTotal int
	Tasks           []Task
	LastDigest      string // ISO week, e.g. 2026-W48; empty when none yet
	OpenPRs         []PR
	// TrackingRef is the tracking issue, and TermReport whether the digest
	// posted the end-of-term report on it (the dashboard adds its figures).
	TrackingRef policy.IssueRef
	TermReport  bool
}

// Programme is everything one dashboard update is computed from.
type Programme struct {
	Name string
	// From and To bound the term's weeks: the first mentee's start and the
	// last mentee's end (or now, if earlier).
	From, To  time.Time
	Mentees   []Mentee
	PRs       []PR // mentee PRs and the other PRs of the same repositories, opened From..To
	Reminders []Reminder
	// AnswerWithin is how soon after a reminder an answer counts (the
	// policy's reviews.wait).
	AnswerWithin time.Duration
}

// Week is one ISO week of the term.
type Week struct {
	Name                string // 2026-W48
	MenteeOpened        int
	MenteeMerged        int
	MenteeFirstResponse Summary
	OthersFirstResponse Summary

	menteeFirst, othersFirst []time.Duration
}

// Figures are the programme's responsiveness figures.
type Figures struct {
	Weeks []Week
	// First response and time to merge of mentee PRs and of the other PRs
	// of the same repositories over the same weeks.
	MenteeFirst, OthersFirst Summary
	MenteeMerge, OthersMerge Summary
	MenteePRs, OtherPRs      int
	Reminders, Answered      int
}

// weekOf names t's ISO week.
func weekOf(t time.Time) string {
	y, w := t.ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

// Compute derives the figures. PRs outside From..To do not count.
func Compute(p Programme) Figures {
	var f Figures
	idx := map[string]int{}
	addWeek := func(t time.Time) {
		w := weekOf(t)
		if _, seen := idx[w]; !seen {
			idx[w] = len(f.Weeks)
			f.Weeks = append(f.Weeks, Week{Name: w})
		}
	}
	if !p.From.IsZero() && !p.To.Before(p.From) {
		// A step of seven days visits every ISO week once.
		for t := p.From; t.Before(p.To); t = t.AddDate(0, 0, 7) {
			addWeek(t)
		}
		addWeek(p.To)
	}
	var mFirst, oFirst, mMerge, oMerge []time.Duration
	for _, pr := range p.PRs {
		if pr.Created.Before(p.From) || pr.Created.After(p.To) {
			continue
		}
		i, inWeek := idx[weekOf(pr.Created)]
		if pr.Mentee {
			f.MenteePRs++
			if inWeek {
				f.Weeks[i].MenteeOpened++
			}
			if !pr.Merged.IsZero() {
				mMerge = append(mMerge, pr.Merged.Sub(pr.Created))
				if j, ok := idx[weekOf(pr.Merged)]; ok {
					f.Weeks[j].MenteeMerged++
				}
			}
			if pr.Responded {
				mFirst = append(mFirst, pr.FirstResponse)
				if inWeek {
					f.Weeks[i].menteeFirst = append(f.Weeks[i].menteeFirst, pr.FirstResponse)
				}
			}
			continue
		}
		f.OtherPRs++
		if !pr.Merged.IsZero() {
			oMerge = append(oMerge, pr.Merged.Sub(pr.Created))
		}
		if pr.Responded {
			oFirst = append(oFirst, pr.FirstResponse)
			if inWeek {
				f.Weeks[i].othersFirst = append(f.Weeks[i].othersFirst, pr.FirstResponse)
			}
		}
	}
	for i := range f.Weeks {
		f.Weeks[i].MenteeFirstResponse = Summarise(f.Weeks[i].menteeFirst)
		f.Weeks[i].OthersFirstResponse = Summarise(f.Weeks[i].othersFirst)
	}
	f.MenteeFirst, f.OthersFirst = Summarise(mFirst), Summarise(oFirst)
	f.MenteeMerge, f.OthersMerge = Summarise(mMerge), Summarise(oMerge)
	for _, r := range p.Reminders {
		f.Reminders++
		if !r.AnsweredAt.IsZero() && r.AnsweredAt.Sub(r.At) <= p.AnswerWithin {
			f.Answered++
		}
	}
	sort.SliceStable(f.Weeks, func(i, j int) bool { return f.Weeks[i].Name < f.Weeks[j].Name })
	return f
}
