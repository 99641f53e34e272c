package digest

import (
	"fmt"
	"strings"
	"time"

	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/mdsafe"
	"github.com/thanos-community/mentorbot/pkg/turn"
)

// TaskIdle is how long a mentee task may go without activity before the
// digest lists it under "Needs attention".
const TaskIdle = 14 * 24 * time.Hour

// PRState is the state of a pull request.
type PRState string

// Pull request states.
const (
	StateOpen   PRState = "open"
	StateMerged PRState = "merged"
	StateClosed PRState = "closed" // closed without merging
)

// PR is one pull request by the mentee. Titles come from users and are
// always escaped.
type PR struct {
	Repo   string // owner/name
	Number int
	Title  string
	URL    string
	State  PRState
	// Turn is whose turn it is on an open, ready PR (pkg/turn): the
	// reviewers', the mentee's (changes requested or a question asked), or
	// approved and waiting for a merge; empty for drafts and closed PRs.
	Turn turn.State
	// Waited is how long the current turn has lasted, in the clock's time
	// (business time with reviews.business_days); OverWait is set when that
	// is past the policy's review wait.
	Waited   time.Duration
	OverWait bool
}

// Item is an issue or a pull request the mentee reviewed or commented on.
type Item struct {
	Repo   string
	Number int
	Title  string
	URL    string
}

// Task is a mentee task (an issue labelled as one) assigned to the mentee.
type Task struct {
	Ref          string // owner/repo#number
	Title        string
	URL          string
	State        string // "open" or "closed"
	LastActivity time.Time
}

// Data is everything one digest says, gathered by the caller.
type Data struct {
	// Mentee is the login, from the roster.
	Mentee string
	// Period is the digest's week and span (Schedule.Due or Schedule.Period).
	Period Period
	// Now is when the digest is written, for task idleness; zero means
	// Period.To.
	Now time.Time

	Opened []PR // opened in the period, whatever their state now
	Merged []PR // merged in the period
	Closed []PR // closed without merging in the period
	Open   []PR // open now, whenever they were opened

	Reviews         []Item
	IssuesOpened    []Item
	IssuesCommented []Item
	Tasks           []Task

	// Previous are last week's figures, read from last week's digest marker
	// (FromComment); nil leaves the trend out.
	Previous *Figures
	// Channels says where to ask in public (program.channels); optional.
	Channels string
	// BusinessDays says that waits are counted in business time
	// (reviews.business_days), which the texts then say.
	BusinessDays bool
	// Reminder, when set, appends the retrospective reminder to the digest
	// (Schedule.ReminderDue) together with its own marker.
	Reminder *Term
}

// Figures returns the digest's counts.
func (d Data) Figures() Figures {
	return Figures{
		Opened:          len(d.Opened),
		Merged:          len(d.Merged),
		Closed:          len(d.Closed),
		Open:            len(d.Open),
		Reviews:         len(d.Reviews),
		IssuesOpened:    len(d.IssuesOpened),
		IssuesCommented: len(d.IssuesCommented),
		Tasks:           len(d.Tasks),
	}
}

// Attention is one thing that needs a mentor's or reviewer's attention.
type Attention struct {
	Ref    string // owner/repo#number
	Title  string
	URL    string
	Reason string // plain text written by the bot
}

// NeedsAttention lists open PRs whose turn has lasted past the review wait,
// whoever holds it (reviewers, the mentee after changes were requested, or
// the maintainers after an approval), then open tasks with no activity for
// TaskIdle. A task whose last activity is unknown (zero) is not listed.
func (d Data) NeedsAttention() []Attention {
	now := d.Now
	if now.IsZero() {
		now = d.Period.To
	}
	var out []Attention
	for _, pr := range sortedPRs(d.Open) {
		if pr.OverWait {
			out = append(out, Attention{
				Ref: ref(pr.Repo, pr.Number), Title: pr.Title, URL: pr.URL,
				Reason: d.turnText(pr) + ", past the review wait",
			})
		}
	}
	for _, t := range sortedTasks(d.Tasks) {
		if t.State == "closed" || t.LastActivity.IsZero() {
			continue
		}
		if idle := now.Sub(t.LastActivity); idle >= TaskIdle {
			out = append(out, Attention{
				Ref: t.Ref, Title: t.Title, URL: t.URL,
				Reason: fmt.Sprintf("mentee task without activity for %d days", int(idle/(24*time.Hour))),
			})
		}
	}
	return out
}

// turnText says whose turn an open PR is and for how long, e.g. "waiting
// 3d 2h of business time for a review".
func (d Data) turnText(pr PR) string {
	w := duration(pr.Waited)
	if d.BusinessDays {
		w += " of business time"
	}
	switch pr.Turn {
	case turn.Author:
		return "waiting " + w + " for the mentee to answer the review"
	case turn.Approved:
		return "approved, waiting " + w + " for a merge"
	}
	return "waiting " + w + " for a review"
}

func (d Data) active() bool {
	f := d.Figures()
	return f.Opened+f.Merged+f.Closed+f.Reviews+f.IssuesOpened+f.IssuesCommented > 0
}

// summary is the one-line summary: non-zero counts only.
func (d Data) summary() string {
	f := d.Figures()
	var parts []string
	group := func(label string, counts ...string) {
		var nonzero []string
		for _, c := range counts {
			if !strings.HasPrefix(c, "0 ") {
				nonzero = append(nonzero, c)
			}
		}
		if len(nonzero) > 0 {
			parts = append(parts, label+strings.Join(nonzero, ", "))
		}
	}
	group("pull requests: ",
		fmt.Sprintf("%d opened", f.Opened),
		fmt.Sprintf("%d merged", f.Merged),
		fmt.Sprintf("%d closed without merging", f.Closed),
		fmt.Sprintf("%d still open", f.Open))
	group("", mdsafe.Count(f.Reviews, "review given", "reviews given"))
	group("issues: ",
		fmt.Sprintf("%d opened", f.IssuesOpened),
		fmt.Sprintf("%d commented on", f.IssuesCommented))
	group("", mdsafe.Count(f.Tasks, "mentee task", "mentee tasks"))
	if len(parts) == 0 {
		return "No activity across the org this week."
	}
	s := strings.Join(parts, "; ") + "."
	s = strings.ToUpper(s[:1]) + s[1:]
	if !d.active() {
		return "No new activity this week. " + s
	}
	return s
}

// trend compares this week's main figures with last week's.
func trend(now Figures, prev *Figures) string {
	if prev == nil {
		return ""
	}
	delta := func(name string, a, b int) string {
		switch {
		case a > b:
			return fmt.Sprintf("%s %d (+%d)", name, a, a-b)
		case a < b:
			return fmt.Sprintf("%s %d (-%d)", name, a, b-a)
		default:
			return fmt.Sprintf("%s %d (same)", name, a)
		}
	}
	return "Since last week: " + strings.Join([]string{
		delta("opened", now.Opened, prev.Opened),
		delta("merged", now.Merged, prev.Merged),
		delta("reviews", now.Reviews, prev.Reviews),
	}, ", ") + "."
}

// Render writes the weekly digest comment for the mentee's tracking issue. It
// ends with the digest marker carrying this week's figures.
func Render(d Data) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### Weekly digest for %s: %s\n\n", mentions(d.Mentee), d.Period.Week)
	d.body(&b)
	b.WriteString(DigestMarker(d.Period.Week, d.Figures()).String())
	if d.Reminder != nil {
		b.WriteString("\n" + markers.New(KindRetroReminder, LoginKey(d.Reminder.Mentee)))
	}
	b.WriteString("\n")
	return b.String()
}

// RenderPreview writes the digest shown on demand (`/mentorbot digest`). It
// says it is a preview and carries the digest-preview marker, without
// figures, so it never counts as the week's digest or as last week's trend.
func RenderPreview(d Data) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### Digest preview for %s: %s\n\n", mentions(d.Mentee), d.Period.Week)
	b.WriteString("_This is a preview requested with `/mentorbot digest`. The weekly digest is still posted on schedule._\n\n")
	d.body(&b)
	b.WriteString(markers.New(KindPreview, d.Period.Week.String()) + "\n")
	return b.String()
}

func (d Data) body(b *strings.Builder) {
	if !d.Period.From.IsZero() {
		const layout = "Mon 2 Jan 15:04"
		fmt.Fprintf(b, "%s to %s (%s). ", d.Period.From.Format(layout), d.Period.To.Format(layout), d.Period.From.Location())
	}
	b.WriteString(d.summary() + "\n")
	if t := trend(d.Figures(), d.Previous); t != "" {
		b.WriteString(t + "\n")
	}
	if !d.active() && strings.TrimSpace(d.Channels) != "" {
		b.WriteString("Stuck on something? Ask in public, someone usually knows: " + mdsafe.Text(d.Channels) + ".\n")
	}
	b.WriteString("\n")

	if att := d.NeedsAttention(); len(att) > 0 {
		b.WriteString("**Needs attention**\n\n")
		for _, a := range att {
			fmt.Fprintf(b, "- %s %s: %s\n", link(a.Ref, a.URL), title(a.Title), a.Reason)
		}
		b.WriteString("\n")
	}

	var prs []string
	for _, group := range []struct {
		verb string
		prs  []PR
	}{{"opened", d.Opened}, {"merged", d.Merged}, {"closed without merging", d.Closed}, {"still open", d.Open}} {
		for _, pr := range sortedPRs(group.prs) {
			line := fmt.Sprintf("- %s %s %s", group.verb, link(ref(pr.Repo, pr.Number), pr.URL), title(pr.Title))
			if group.verb == "still open" && pr.Waited > 0 {
				line += ", " + d.turnText(pr)
				if pr.OverWait {
					line += " (past the wait)"
				}
			}
			prs = append(prs, line)
		}
	}
	section(b, "Pull requests", prs)
	section(b, "Reviews given", itemLines("", d.Reviews))
	section(b, "Issues", append(itemLines("opened ", d.IssuesOpened), itemLines("commented on ", d.IssuesCommented)...))

	var tasks []string
	for _, t := range sortedTasks(d.Tasks) {
		line := fmt.Sprintf("- %s %s: %s", link(t.Ref, t.URL), title(t.Title), mdsafe.Text(stateOr(t.State)))
		if !t.LastActivity.IsZero() {
			line += ", last activity " + t.LastActivity.In(d.location()).Format("Mon 2 Jan")
		}
		tasks = append(tasks, line)
	}
	section(b, "Mentee tasks", tasks)

	if d.Reminder != nil {
		b.WriteString(reminderText(*d.Reminder) + "\n")
	}
}

func (d Data) location() *time.Location {
	if d.Period.To.IsZero() {
		return time.UTC
	}
	return d.Period.To.Location()
}

func stateOr(s string) string {
	if s == "" {
		return "open"
	}
	return s
}

func itemLines(prefix string, items []Item) []string {
	var out []string
	for _, it := range sortedItems(items) {
		out = append(out, fmt.Sprintf("- %s%s %s", prefix, link(ref(it.Repo, it.Number), it.URL), title(it.Title)))
	}
	return out
}

// section writes a bold heading and its lines, or nothing when empty.
func section(b *strings.Builder, heading string, lines []string) {
	if len(lines) == 0 {
		return
	}
	b.WriteString("**" + heading + "**\n\n")
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
	b.WriteString("\n")
}
