package welcome

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/thanos-community/mentorbot/pkg/mdsafe"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/usertemplate"
)

// maxBody keeps a rendered welcome well under GitHub's 65536-character limit
// for a comment, leaving room for the marker.
const maxBody = 60000

// Data is what a welcome template sees. Every string is already safe to put
// into Markdown as is: text that came from users (the title, the login) is
// escaped so that it can neither mention anyone nor open HTML, and URLs are
// absolute http(s) URLs or empty. A custom template therefore cannot make
// the bot inject anything by printing a field.
type Data struct {
	// Author mentions the author ("@login"): the one person the bot greets
	// on purpose.
	Author string
	// Login is the author's login as plain, escaped text (no mention).
	Login string
	// Title is the escaped title of the pull request or issue.
	Title string
	// Repo is "owner/repo", escaped.
	Repo string
	// PullRequest is true for a pull request, false for an issue.
	PullRequest bool
	// FirstTimer: the author's first contribution on GitHub at all.
	FirstTimer bool
	// ContributingURL is the contributing guide, or "" when none was found.
	ContributingURL string
	// Channels says where to ask in public (program.channels), escaped.
	Channels string
	// Wait is reviews.wait in words, e.g. "3 business days".
	Wait string
	// SuggestsReviewers is true when the bot suggests reviewers for this
	// pull request once it has waited that long (reviews.scope all, or a
	// mentee's pull request).
	SuggestsReviewers bool
	// Program is the programme's name, escaped.
	Program string
	// Mentee is true when the author is an active mentee of the programme.
	Mentee bool
	// TrackingIssue is the mentee's tracking issue, "owner/repo#N", which
	// GitHub links by itself; "" when the mentee has none yet.
	TrackingIssue string
}

// Input is what the job knows when it renders a welcome; NewData turns it
// into safe Data.
type Input struct {
	Item            Item
	Policy          policy.Policy
	ContributingURL string
	Mentee          bool
	TrackingIssue   *policy.IssueRef
}

// NewData escapes and assembles the template data.
func NewData(in Input) Data {
	p := in.Policy
	d := Data{
		Author:            mdsafe.Mention(in.Item.Author),
		Login:             mdsafe.Text(in.Item.Author),
		Title:             mdsafe.Text(in.Item.Title),
		Repo:              mdsafe.Text(in.Item.Owner + "/" + in.Item.Repo),
		PullRequest:       in.Item.PullRequest,
		FirstTimer:        in.Item.FirstTimer(),
		ContributingURL:   webURL(in.ContributingURL),
		Channels:          mdsafe.Text(p.Program.Channels),
		Wait:              HumanWait(p.Reviews.Wait.D(), p.Reviews.BusinessDays),
		SuggestsReviewers: in.Item.PullRequest && (in.Mentee || strings.EqualFold(p.Reviews.Scope, "all")),
		Program:           mdsafe.Text(p.Program.Name),
		Mentee:            in.Mentee,
	}
	if in.TrackingIssue != nil && policy.ValidLogin(in.TrackingIssue.Owner) && in.TrackingIssue.Number > 0 {
		// Owner, repo and number were validated when the policy was parsed
		// (or come from GitHub); the reference renders as a link.
		d.TrackingIssue = in.TrackingIssue.String()
	}
	return d
}

// HumanWait writes a review wait in words: whole days as days ("business
// days" when weekends do not count), else hours, else Go's notation.
func HumanWait(d time.Duration, businessDays bool) string {
	if d <= 0 {
		return "a little while"
	}
	plural := func(n int64, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %ss", n, one)
	}
	day := 24 * time.Hour
	switch {
	case d%day == 0 && businessDays:
		return plural(int64(d/day), "business day")
	case d%day == 0:
		return plural(int64(d/day), "day")
	case d%time.Hour == 0 && businessDays:
		return plural(int64(d/time.Hour), "hour") + " (weekends not counted)"
	case d%time.Hour == 0:
		return plural(int64(d/time.Hour), "hour")
	}
	return policy.Duration(d).String()
}

// Builtin is the built-in welcome, used when welcome.message is empty or
// broken. It covers pull requests and issues, FIRST_TIMER and mentees.
const Builtin = `{{if .Mentee -}}
Welcome to your first {{if .PullRequest}}pull request{{else}}issue{{end}} in {{.Repo}}, {{.Author}}, and thank you!{{with .Program}} It is great to see you at work as a mentee of {{.}}.{{end}}
{{- else -}}
Thank you for your first {{if .PullRequest}}pull request{{else}}issue{{end}} in {{.Repo}}, {{.Author}}, and welcome!
{{- end}}
{{- if .FirstTimer}}

This is your first contribution on GitHub: congratulations on taking the step! Everyone started exactly here, and there is no such thing as a silly question.
{{- end}}
{{- if .Mentee}}
{{- with .TrackingIssue}}

Your mentorship is tracked in {{.}}: your onboarding checklist and your weekly progress are there, and it is the place to tell your mentors how this is going.
{{- end}}
{{- else}}
{{- with .ContributingURL}}

Please have a look at the [contributing guide]({{.}}): it explains how changes are made, tested and reviewed here.
{{- end}}
{{- end}}

**What happens next:** {{if .PullRequest}}a maintainer will review your pull request.{{if .SuggestsReviewers}} If nobody has responded within {{.Wait}}, I will suggest reviewers who know the code you changed.{{else}} If nobody has responded within {{.Wait}}, a friendly reminder in a comment is welcome.{{end}}{{else}}a maintainer will look at your issue and reply here.{{end}}
{{- with .Channels}}

Questions? Ask in public, in {{.}}: the community, and other contributors, are happy to help, and the answer helps the next person too.
{{- end}}
`

// Render renders the welcome: the custom template (welcome.message) when it
// is set and works, else the built-in one, with the marker appended outside
// the template's control. warning says why a custom template was not used.
func Render(ctx context.Context, d Data, custom string) (body string, warning error) {
	if strings.TrimSpace(custom) != "" {
		out, err := render(ctx, custom, d)
		if err == nil {
			return withMarker(out), nil
		}
		warning = fmt.Errorf("welcome.message template: %w; using the built-in welcome", err)
	}
	out, err := render(ctx, Builtin, d)
	if err != nil {
		// The built-in template is tested; failing here is a programming
		// error, but still no reason to leave a newcomer unwelcomed.
		out = "Thank you for your contribution, " + d.Author + ", and welcome!\n"
		if warning == nil {
			warning = fmt.Errorf("built-in welcome: %w", err)
		}
	}
	return withMarker(out), warning
}

// CheckTemplate reports whether a welcome.message template parses and
// renders for every kind of welcome (pull request and issue, first-timer,
// mentee), for `mentorbot check-config`. Empty is valid: the built-in text.
func CheckTemplate(ctx context.Context, custom string) error {
	if strings.TrimSpace(custom) == "" {
		return nil
	}
	for _, d := range samples() {
		if _, err := render(ctx, custom, d); err != nil {
			return fmt.Errorf("welcome.message template: %w", err)
		}
	}
	return nil
}

// samples are sample data for CheckTemplate, covering every branch a
// template may take.
func samples() []Data {
	base := Data{
		Author: "@contributor", Login: "contributor", Title: "Fix the docs", Repo: "org/repo",
		PullRequest: true, ContributingURL: "https://example.com/CONTRIBUTING.md", Channels: "\\#channel",
		Wait: "3 business days", Program: "Sample Programme",
	}
	first := base
	first.FirstTimer = true
	issue := base
	issue.PullRequest = false
	mentee := base
	mentee.Mentee, mentee.SuggestsReviewers, mentee.TrackingIssue = true, true, "org/repo#1"
	bare := Data{Author: "@contributor", Login: "contributor", Repo: "org/repo", PullRequest: true, Wait: "3 days"}
	return []Data{base, first, issue, mentee, bare}
}

func render(ctx context.Context, src string, d Data) (string, error) {
	return usertemplate.Render(ctx, "welcome", "welcome", src, nil, d, maxBody)
}

func withMarker(body string) string {
	return strings.TrimRight(body, "\n") + "\n\n" + Marker() + "\n"
}
