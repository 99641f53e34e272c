package digest

import (
	"fmt"
	"strings"

	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/mdsafe"
	"github.com/thanos-community/mentorbot/pkg/policy"
)

// Term is one mentee's term, as the roster and programme describe it.
type Term struct {
	Mentee  string
	Mentors []string
	Program string // program.name; optional
	Start   policy.Date
	End     policy.Date
}

// TermOf builds the Term from a roster entry and the programme name.
func TermOf(m policy.Mentee, program string) Term {
	return Term{Mentee: m.Login, Mentors: m.Mentors, Program: program, Start: m.Start, End: m.End}
}

// who names the mentee and the programme: "@alice in LFX Mentorship ...".
func (t Term) heading() string {
	s := mentions(t.Mentee)
	if p := strings.TrimSpace(t.Program); p != "" {
		s += ", " + mdsafe.Text(p)
	}
	return s
}

func (t Term) everyone() string { return mentions(append([]string{t.Mentee}, t.Mentors...)...) }

// reminderText is the retrospective reminder, shared by the standalone
// comment and the digest that carries it.
func reminderText(t Term) string {
	var b strings.Builder
	b.WriteString("**Retrospective next week**\n\n")
	ends := "the term ends"
	if p := strings.TrimSpace(t.Program); p != "" {
		ends = mdsafe.Text(p) + " ends"
	}
	if !t.End.IsZero() {
		ends += " on " + t.End.Long()
	}
	fmt.Fprintf(&b, "%s: %s, so next week's meeting is the last one, and it starts with the retrospective. ", t.everyone(), ends)
	b.WriteString("Over this week, think about what worked and what did not, for the mentee and for the mentors alike. ")
	b.WriteString("On the last day, mentorbot posts the retrospective template here, with three sections: What we did well, What we could do better, and Learnings.\n")
	return b.String()
}

// RenderRetroReminder writes the retrospective reminder posted a week before
// the end (Schedule.ReminderDue), marked retro-reminder:<login>. Data.Reminder
// puts the same text into that week's digest instead.
func RenderRetroReminder(t Term) string {
	return reminderText(t) + markers.New(KindRetroReminder, LoginKey(t.Mentee)) + "\n"
}

// RenderRetro writes the retrospective template posted on the last day of the
// term (Schedule.RetroDue), marked retro:<login>. The guidance follows the
// Thanos mentorship handbook; the headings are the ones the learnings
// roll-up looks for.
func RenderRetro(t Term) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### Retrospective: %s\n\n", t.heading())
	ends := "The term is ending"
	if p := strings.TrimSpace(t.Program); p != "" {
		ends = mdsafe.Text(p) + " is ending"
	}
	if !t.End.IsZero() {
		ends += ": its last day is " + t.End.Long()
	}
	fmt.Fprintf(&b, "%s: %s. Thank you for the work together! ", t.everyone(), ends)
	b.WriteString("Start the last meeting with the retrospective. It is the most important part of the meeting, so do not let project status get in its way. ")
	b.WriteString("We summarise every term, whether or not the goals were met; if they were not, an honest, blameless discussion matters even more.\n\n")
	b.WriteString("1. Give everyone 5 minutes to write down items under **What we did well** and **What we could do better**. ")
	b.WriteString("Be specific, blameless and honest: this is not about blaming anyone but about improving the work of mentors and mentees alike. ")
	b.WriteString("Be critical of yourself, and balance the good with what to improve.\n")
	b.WriteString("2. When everyone has finished, go through every item together, discuss the details, and write under **Learnings** what to keep doing and how to avoid the problems next time.\n")
	b.WriteString("3. Post the result as a comment on this issue, starting from the template below. The learnings are shared with the team on the mailing list, and may feed the learnings talk at the Mentees Meetup.\n\n")
	b.WriteString("```markdown\n### What we did well\n\n- \n\n### What we could do better\n\n- \n\n### Learnings\n\n- \n```\n\n")
	b.WriteString(markers.New(KindRetro, LoginKey(t.Mentee)) + "\n")
	return b.String()
}

// Report is everything the mentee did over the whole term.
type Report struct {
	Term
	PRs             []PR // every PR opened in the term, with its state now
	Reviews         []Item
	IssuesOpened    []Item
	IssuesCommented []Item
	Tasks           []Task
}

// RenderTermReport writes the end-of-term report (Schedule.Ended), marked
// term-report:<login>. Links are written out in full so that the rendered
// text keeps them when pasted into a programme evaluation form.
func RenderTermReport(r Report) string {
	var merged, open, closed []PR
	for _, pr := range sortedPRs(r.PRs) {
		switch pr.State {
		case StateMerged:
			merged = append(merged, pr)
		case StateClosed:
			closed = append(closed, pr)
		default:
			open = append(open, pr)
		}
	}
	done := 0
	for _, t := range r.Tasks {
		if t.State == "closed" {
			done++
		}
	}

	var b strings.Builder
	fmt.Fprintf(&b, "### End-of-term report: %s\n\n", r.heading())
	var about []string
	if !r.Start.IsZero() && !r.End.IsZero() {
		about = append(about, shortDate(r.Start)+" to "+shortDate(r.End))
	}
	if len(r.Mentors) > 0 {
		names := make([]string, 0, len(r.Mentors))
		for _, m := range r.Mentors {
			names = append(names, mdsafe.Text(m)) // named, not mentioned
		}
		about = append(about, "mentors: "+strings.Join(names, ", "))
	}
	if len(about) > 0 {
		b.WriteString(strings.Join(about, "; ") + ".\n\n")
	}

	counts := mdsafe.Count(len(r.PRs), "pull request opened", "pull requests opened")
	if len(r.PRs) > 0 {
		counts += fmt.Sprintf(" (%d merged, %d closed without merging, %d still open)", len(merged), len(closed), len(open))
	}
	counts += ", " + mdsafe.Count(len(r.Reviews), "review given", "reviews given")
	counts += ", " + mdsafe.Count(len(r.IssuesOpened), "issue opened", "issues opened")
	counts += ", " + mdsafe.Count(len(r.IssuesCommented), "issue commented on", "issues commented on")
	counts += ", " + mdsafe.Count(len(r.Tasks), "mentee task", "mentee tasks")
	if len(r.Tasks) > 0 {
		counts += fmt.Sprintf(" (%d done)", done)
	}
	b.WriteString("**In numbers:** " + counts + ".\n\n")
	b.WriteString("_Ready to paste into the programme evaluation: links are written out so they survive copying._\n\n")

	prLines := func(prs []PR) []string {
		var out []string
		for _, pr := range prs {
			out = append(out, reportLine(pr.Title, ref(pr.Repo, pr.Number), pr.URL))
		}
		return out
	}
	itemLines := func(items []Item) []string {
		var out []string
		for _, it := range sortedItems(items) {
			out = append(out, reportLine(it.Title, ref(it.Repo, it.Number), it.URL))
		}
		return out
	}
	section(&b, "Merged pull requests", prLines(merged))
	section(&b, "Pull requests still open", prLines(open))
	section(&b, "Pull requests closed without merging", prLines(closed))
	section(&b, "Reviews given", itemLines(r.Reviews))
	section(&b, "Issues opened", itemLines(r.IssuesOpened))
	section(&b, "Issues commented on", itemLines(r.IssuesCommented))
	var tasks []string
	for _, t := range sortedTasks(r.Tasks) {
		tasks = append(tasks, reportLine(t.Title, t.Ref, t.URL)+" ("+mdsafe.Text(stateOr(t.State))+")")
	}
	section(&b, "Mentee tasks", tasks)
	b.WriteString(markers.New(KindTermReport, LoginKey(r.Mentee)) + "\n")
	return b.String()
}

// reportLine renders "- Title (owner/repo#1): https://...".
func reportLine(t, ref, u string) string {
	line := "- " + title(t) + " (" + mdsafe.Text(ref) + ")"
	if s := safeURL(u); s != "" {
		line += ": " + s
	}
	return line
}
