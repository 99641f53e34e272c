package dashboard

import (
	"fmt"
	"strings"
	"time"

	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/mdsafe"
)

// MarkerKind marks the dashboard issue; its key is the programme's slug.
const MarkerKind = "dashboard"

// Title is the dashboard issue's title.
func Title(program string) string { return "Mentorship dashboard: " + program }

// Render writes the dashboard issue's body. It is deterministic: the same
// programme and figures give the same text, so an update that changes
// nothing is not written, and two replicas converge on one text. Logins are
// written as code, never as @-mentions: an edit of the dashboard must not
// notify the whole roster. Waits are in whole days, so a sweep that only
// sees time pass does not rewrite it every hour.
func Render(p Programme, f Figures, key string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### %s\n\n", mdsafe.Text(Title(p.Name)))
	b.WriteString("This issue is kept up to date by mentorbot from GitHub activity; it is edited in place and mentions nobody.")
	if !p.From.IsZero() {
		fmt.Fprintf(&b, " The figures cover %s to %s.", day(p.From), day(p.To))
	}
	b.WriteString("\n\n#### Mentees\n\n")
	if len(p.Mentees) == 0 {
		b.WriteString("No mentees on the roster.\n\n")
	} else {
		b.WriteString("| Mentee | Tracking issue | Onboarding | Open PRs | Tasks | Last digest |\n|---|---|---|---|---|---|\n")
		for _, m := range p.Mentees {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", mdsafe.Code(m.Login), orDash(m.TrackingIssue),
				onboarding(m), openPRs(m.OpenPRs), tasks(m.Tasks), orDash(m.LastDigest))
		}
		b.WriteString("\n")
	}
	b.WriteString("#### Responsiveness\n\n")
	b.WriteString("Time to first response is from opening (or ready for review) to the first comment or review by a human who is not the author, time in draft excluded (CHAOSS *Time to First Response*). Other PRs are the PRs of everyone else in the same repositories over the same weeks.\n\n")
	b.WriteString("| | Mentee PRs | Other PRs |\n|---|---|---|\n")
	fmt.Fprintf(&b, "| PRs opened | %d | %d |\n", f.MenteePRs, f.OtherPRs)
	fmt.Fprintf(&b, "| PRs with a response | %d | %d |\n", f.MenteeFirst.N, f.OthersFirst.N)
	fmt.Fprintf(&b, "| First response, median | %s | %s |\n", dur(f.MenteeFirst.N, f.MenteeFirst.Median), dur(f.OthersFirst.N, f.OthersFirst.Median))
	fmt.Fprintf(&b, "| First response, 90th percentile | %s | %s |\n", dur(f.MenteeFirst.N, f.MenteeFirst.P90), dur(f.OthersFirst.N, f.OthersFirst.P90))
	fmt.Fprintf(&b, "| Time to merge, median | %s | %s |\n\n", dur(f.MenteeMerge.N, f.MenteeMerge.Median), dur(f.OthersMerge.N, f.OthersMerge.Median))
	if f.Reminders == 0 {
		b.WriteString("No review-wait reminders were needed.\n\n")
	} else {
		fmt.Fprintf(&b, "Review-wait reminders: %d sent, %d answered within %s.\n\n", f.Reminders, f.Answered, dur(1, p.AnswerWithin))
	}
	if len(f.Weeks) > 0 {
		b.WriteString(WeeklyPRs(f).Mermaid() + "\n" + WeeklyFirstResponse(f).Mermaid() + "\n")
	}
	b.WriteString(markers.New(MarkerKind, key) + "\n")
	return b.String()
}

// WeeklyPRs charts mentee PRs opened (bars) and merged (line) per week.
func WeeklyPRs(f Figures) Chart {
	c := Chart{Title: "Mentee PRs per week: opened (bars), merged (line)", YLabel: "PRs"}
	opened, merged := Series{}, Series{Line: true}
	for _, w := range f.Weeks {
		c.XAxis = append(c.XAxis, shortWeek(w.Name))
		opened.Values = append(opened.Values, float64(w.MenteeOpened))
		merged.Values = append(merged.Values, float64(w.MenteeMerged))
	}
	c.Series = []Series{opened, merged}
	return c
}

// WeeklyFirstResponse charts the median first response in hours per week,
// mentee PRs (bars) against the others (line); a week without responses
// draws 0.
func WeeklyFirstResponse(f Figures) Chart {
	c := Chart{Title: "Median hours to first response: mentee PRs (bars), others (line)", YLabel: "hours"}
	mentee, others := Series{}, Series{Line: true}
	for _, w := range f.Weeks {
		c.XAxis = append(c.XAxis, shortWeek(w.Name))
		mentee.Values = append(mentee.Values, hours(w.MenteeFirstResponse.Median))
		others.Values = append(others.Values, hours(w.OthersFirstResponse.Median))
	}
	c.Series = []Series{mentee, others}
	return c
}

func hours(d time.Duration) float64 { return float64(d.Round(time.Hour) / time.Hour) }

// shortWeek turns 2026-W48 into W48: the year is in the text above.
func shortWeek(w string) string {
	if _, after, ok := strings.Cut(w, "-"); ok {
		return after
	}
	return w
}

func onboarding(m Mentee) string {
	if m.OnboardingTotal == 0 {
		return "–"
	}
	return fmt.Sprintf("%d/%d", m.OnboardingDone, m.OnboardingTotal)
}

func openPRs(prs []PR) string {
	if len(prs) == 0 {
		return "–"
	}
	var parts []string
	for _, pr := range prs {
		s := pr.Ref()
		var notes []string
		if pr.NoResponseFor > 0 {
			notes = append(notes, "no response for "+days(pr.NoResponseFor))
		}
		if pr.Escalated {
			notes = append(notes, "escalated")
		} else if pr.Suggested {
			notes = append(notes, "reviewers suggested")
		}
		if len(notes) > 0 {
			s += " (" + strings.Join(notes, ", ") + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "<br>")
}

func tasks(ts []Task) string {
	if len(ts) == 0 {
		return "–"
	}
	var parts []string
	for _, t := range ts {
		state := "done"
		if t.Open {
			state = "open"
		}
		parts = append(parts, t.Ref+" ("+state+")")
	}
	return strings.Join(parts, "<br>")
}

// orDash writes a reference the bot built itself (owner/name#N, an ISO
// week), or a dash.
func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

func day(t time.Time) string { return t.Format("2 January 2006") }

// days writes a wait in whole days ("less than a day", "1 day", "4 days").
func days(d time.Duration) string {
	n := int(d / (24 * time.Hour))
	switch n {
	case 0:
		return "less than a day"
	case 1:
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

// dur writes a figure to the hour, or "–" when nothing was measured.
func dur(n int, d time.Duration) string {
	if n == 0 {
		return "–"
	}
	h := int(d.Round(time.Hour) / time.Hour)
	switch {
	case h < 1:
		return "under an hour"
	case h < 48:
		return fmt.Sprintf("%d h", h)
	case h%24 == 0:
		return fmt.Sprintf("%d d", h/24)
	}
	return fmt.Sprintf("%d d %d h", h/24, h%24)
}
