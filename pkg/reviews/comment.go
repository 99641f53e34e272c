package reviews

import (
	"fmt"
	"strings"
	"text/template"
	"time"

	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/mdsafe"
)

// maxReasons is how many reasons a reminder shows per reviewer; the rest are
// counted, so a CODEOWNERS-heavy PR does not produce a wall of text.
const maxReasons = 3

// Reminder is the data of the public review-wait comment.
type Reminder struct {
	// Author is the PR author (the mentee).
	Author string
	// Waited and Wait come from the wait clock and reviews.wait.
	Waited       time.Duration
	Wait         time.Duration
	BusinessDays bool
	// Suggestions are shown in order, at most MaxSuggestions of them.
	Suggestions    []Suggestion
	MaxSuggestions int
	// Channels is program.channels: where to ask in public.
	Channels string
	// Requested is true when the bot also requested their review.
	Requested bool
	// Period is turn.WaitState.Period, the marker key.
	Period string
}

// Escalation is the data of the comment to the mentee's mentors.
type Escalation struct {
	Author       string
	Mentors      []string
	Waited       time.Duration
	Wait         time.Duration
	BusinessDays bool
	// Suggested are the reviewers the reminder named, if any.
	Suggested []string
	// Others are addressed when the mentee has no mentors: the reviewer
	// pool (FromPool), else the general maintainers of MAINTAINERS.md,
	// without those already suggested.
	Others   []string
	FromPool bool
	Channels string
	Period   string
}

// Approved is the data of the optional comment on an approved PR that is
// still not merged (reviews.approved_wait).
type Approved struct {
	Author string
	// Approver approved the PR Waited ago.
	Approver     string
	Waited       time.Duration
	BusinessDays bool
	// Addressed are the mentors, else the pool or general maintainers.
	Addressed []string
	Period    string
}

var funcs = template.FuncMap{
	"mention":  mdsafe.Mention,
	"text":     mdsafe.Text,
	"duration": humanDuration,
	"reasons":  reasonsText,
	"mentions": func(logins []string) string {
		var out []string
		for _, l := range logins {
			out = append(out, mdsafe.Mention(l))
		}
		return mdsafe.JoinAnd(out)
	},
}

var reminderTmpl = template.Must(template.New("reminder").Funcs(funcs).Parse(
	`Hi {{mention .Author}}, this pull request has been waiting for a review for {{duration .Waited}}{{if .BusinessDays}} (weekends not counted){{end}}.
{{if .Suggestions}}
Based on the files it touches, these people could take a look:

{{range .Suggestions}}- {{mention .Login}}: {{reasons .Reasons}}
{{end}}
{{if .Requested}}I have requested their review. {{end}}A review or a comment here is all it takes; if you are not the right person, a pointer to who is helps just as much.
{{else}}
I could not find anyone to suggest automatically for these files.
{{end}}
{{mention .Author}}, it also helps to ask in public{{if .Channels}}: {{text .Channels}}{{end}}. A one-line summary of the change and the kind of feedback you need makes it easy to pick up.

{{.Marker}}
`))

var escalationTmpl = template.Must(template.New("escalation").Funcs(funcs).Parse(
	`{{if .Mentors}}{{mentions .Mentors}}{{else if .Others}}{{mentions .Others}}{{else}}Maintainers{{end}}: {{mention .Author}}'s pull request has now waited {{duration .Waited}}{{if .BusinessDays}} (weekends not counted){{end}} for a review, more than twice the {{duration .Wait}} set for a first response.
{{if .Suggested}}
The reviewers suggested {{duration .Wait}} or more ago ({{mentions .Suggested}}) have not responded yet.
{{end}}{{if not .Mentors}}{{if .Others}}
No mentor is listed for {{mention .Author}}, so I am asking you as {{if .FromPool}}the project's reviewer pool{{else}}maintainers listed in MAINTAINERS.md{{end}}.
{{else}}
No mentor is listed for {{mention .Author}}, and the project has no reviewer pool or MAINTAINERS.md to ask.
{{end}}{{end}}
Could you help find a reviewer{{if .Channels}}, for example in {{text .Channels}}{{end}}, or let {{mention .Author}} know what the next step is?

{{.Marker}}
`))

var approvedTmpl = template.Must(template.New("approved").Funcs(funcs).Parse(
	`{{if .Addressed}}{{mentions .Addressed}}{{else}}Maintainers{{end}}: {{mention .Author}}'s pull request was approved{{if .Approver}} by {{mention .Approver}}{{end}} {{duration .Waited}} ago{{if .BusinessDays}} (weekends not counted){{end}} and is not merged yet.

Could someone who can merge it do so, or give the second approval it still needs? If something else is missing, a word to {{mention .Author}} about the next step helps.

{{.Marker}}
`))

// RenderApproved writes the comment on an approved PR still not merged.
func RenderApproved(a Approved) (string, error) {
	var b strings.Builder
	err := approvedTmpl.Execute(&b, struct {
		Approved
		Marker string
	}{a, markers.New(MarkerApproved, a.Period)})
	if err != nil {
		return "", fmt.Errorf("render approved reminder: %w", err)
	}
	return b.String(), nil
}

// RenderReminder writes the public review-wait comment.
func RenderReminder(r Reminder) (string, error) {
	if r.MaxSuggestions >= 0 && len(r.Suggestions) > r.MaxSuggestions {
		r.Suggestions = r.Suggestions[:r.MaxSuggestions]
	}
	var b strings.Builder
	err := reminderTmpl.Execute(&b, struct {
		Reminder
		Marker string
	}{r, markers.New(MarkerWait, r.Period)})
	if err != nil {
		return "", fmt.Errorf("render review reminder: %w", err)
	}
	return b.String(), nil
}

// RenderEscalation writes the comment to the mentors after twice the wait.
func RenderEscalation(e Escalation) (string, error) {
	var b strings.Builder
	err := escalationTmpl.Execute(&b, struct {
		Escalation
		Marker string
	}{e, markers.New(MarkerEscalate, e.Period)})
	if err != nil {
		return "", fmt.Errorf("render review escalation: %w", err)
	}
	return b.String(), nil
}

func reasonsText(rs []Reason) string {
	var parts []string
	for i, r := range rs {
		if i == maxReasons {
			parts = append(parts, fmt.Sprintf("and %d more", len(rs)-maxReasons))
			break
		}
		parts = append(parts, r.Text())
	}
	return strings.Join(parts, "; ")
}

// humanDuration writes a wait as people say it: "3 days and 4 hours".
func humanDuration(d time.Duration) string {
	h := int(d / time.Hour)
	if h < 1 {
		return "less than an hour"
	}
	days, hours := h/24, h%24
	unit := func(n int, s string) string {
		if n == 1 {
			return "1 " + s
		}
		return fmt.Sprintf("%d %ss", n, s)
	}
	switch {
	case days == 0:
		return unit(hours, "hour")
	case hours == 0:
		return unit(days, "day")
	}
	return unit(days, "day") + " and " + unit(hours, "hour")
}
