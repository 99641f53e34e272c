// Package onboarding writes what a mentee sees when they are enrolled: the
// tracking issue (title and body) and the onboarding checklist from the
// Thanos & Prometheus mentorship handbook, posted on that issue. The
// checklist is a Go text/template the policy may replace
// (`program.onboarding`); a broken replacement falls back to the built-in
// text with a warning, so enrolment never fails because of it.
package onboarding

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"text/template"
	"time"

	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/mdsafe"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/usertemplate"
)

// Marker kinds written by this package; keys are the mentee's login in lower
// case (see Key).
const (
	KindOnboarding = markers.KindOnboarding
	KindTracking   = "tracking"
)

// Links used when the policy does not say otherwise.
const (
	CodeOfConductURL  = "https://github.com/cncf/foundation/blob/main/code-of-conduct.md"
	CNCFSlackURL      = "https://slack.cncf.io/"
	PrometheusChatURL = "https://prometheus.io/community/"
	HandbookURL       = "https://thanos.io/tip/contributing/mentorship.md/"
)

// maxBody keeps a custom checklist under GitHub's 65536-character comment
// limit, with room for the marker.
const maxBody = 60000

// Data is what the checklist template sees. Custom templates (policy
// `program.onboarding`) may use every field and the functions mention,
// mentions, text and url (see Funcs).
type Data struct {
	// Mentee is the mentee's login.
	Mentee string
	// Mentors are the mentee's mentors' logins.
	Mentors []string
	// Program is program.name; may be empty.
	Program string
	// ContributingURL is program.contributing_url (or the guide the caller
	// found); may be empty.
	ContributingURL string
	// Channels is program.channels, e.g. "#thanos-dev on CNCF Slack"; may be
	// empty.
	Channels string
	// Prometheus is set for Prometheus mentees (tracking issue in the
	// prometheus or prometheus-community org): the Prometheus chat is then a
	// step of its own rather than a suggestion.
	Prometheus bool
	// Start and End are the term's first and last days; may be zero.
	Start, End policy.Date
	// DigestWhen says when the weekly digest is posted, e.g. "every Monday at
	// 09:00 UTC"; may be empty.
	DigestWhen string

	CodeOfConductURL  string
	SlackURL          string
	PrometheusChatURL string
	HandbookURL       string
}

// NewData gathers the template data for a roster entry from the policy.
func NewData(p policy.Policy, m policy.Mentee) Data {
	where := m.TrackingIssue
	if where == "" {
		where = p.Program.TrackingRepo
	}
	return Data{
		Mentee:            m.Login,
		Mentors:           m.Mentors,
		Program:           p.Program.Name,
		ContributingURL:   p.Program.ContributingURL,
		Channels:          p.Program.Channels,
		Prometheus:        IsPrometheus(where),
		Start:             m.Start,
		End:               m.End,
		DigestWhen:        DigestWhen(p.Digest),
		CodeOfConductURL:  CodeOfConductURL,
		SlackURL:          CNCFSlackURL,
		PrometheusChatURL: PrometheusChatURL,
		HandbookURL:       HandbookURL,
	}
}

// withDefaults fills the links a caller left empty.
func (d Data) withDefaults() Data {
	for _, f := range []struct {
		v   *string
		def string
	}{{&d.CodeOfConductURL, CodeOfConductURL}, {&d.SlackURL, CNCFSlackURL}, {&d.PrometheusChatURL, PrometheusChatURL}, {&d.HandbookURL, HandbookURL}} {
		if *f.v == "" {
			*f.v = f.def
		}
	}
	return d
}

// IsPrometheus reports whether ref ("owner/repo" or "owner/repo#n") belongs
// to the Prometheus project's organisations.
func IsPrometheus(ref string) bool {
	owner, _, _ := strings.Cut(ref, "/")
	return strings.EqualFold(owner, "prometheus") || strings.EqualFold(owner, "prometheus-community")
}

// DigestWhen describes the digest schedule: "every Monday at 09:00 UTC".
func DigestWhen(d policy.Digest) string {
	tz := d.Timezone
	if tz == "" {
		tz = "UTC"
	}
	return fmt.Sprintf("every %s at %02d:00 %s", time.Weekday(d.Weekday), d.Hour, tz)
}

// Key is the marker key for a mentee: the login in lower case, because
// GitHub compares logins case-insensitively.
func Key(login string) string { return markers.LoginKey(login) }

// HasChecklist reports whether body (a comment) is the mentee's checklist.
func HasChecklist(body, login string) bool { return markers.Has(body, KindOnboarding, Key(login)) }

// IsTrackingIssue reports whether body (an issue body) is the mentee's
// tracking issue opened by the bot.
func IsTrackingIssue(body, login string) bool { return markers.Has(body, KindTracking, Key(login)) }

// Funcs are the functions available to checklist templates:
//
//	mention  "@login" for a login (anything else is escaped, never a mention)
//	mentions "@a, @b and @c"
//	text     escape text for Markdown (no mentions, HTML or layout changes)
//	url      the URL if it is an absolute http(s) URL, else ""
func Funcs() template.FuncMap {
	return template.FuncMap{
		"mention":  mdsafe.Mention,
		"mentions": mentions,
		"text":     mdsafe.Text,
		"url":      safeURL,
	}
}

// BuiltinChecklist is the default checklist template, following the
// handbook's onboarding checklist.
const BuiltinChecklist = `### Welcome aboard, {{mention .Mentee}}!

Congratulations on being selected{{with .Program}} for {{text .}}{{end}}!{{with .Mentors}} {{if eq (len .) 1}}Your mentor is{{else}}Your mentors are{{end}} {{mentions .}}.{{end}} Here is a short checklist for a quick start, from the [mentorship handbook]({{url .HandbookURL}}). You may not be able to tick the boxes on this comment: reply here when you are done, or copy the list into a comment of your own.

- [ ] Read and acknowledge the [Code of Conduct]({{url .CodeOfConductURL}}). TL;DR: be nice and friendly!
- [ ] Create an account on the [CNCF Slack]({{url .SlackURL}}) and add a profile photo, so you are easy to recognise. It is where you can reach your mentors.
{{- if .Prometheus}}
- [ ] Join the [Prometheus community chat]({{url .PrometheusChatURL}}): it is where the Prometheus team talks.
{{- else}}
- [ ] If your task involves the Prometheus project, also join the [Prometheus community chat]({{url .PrometheusChatURL}}).
{{- end}}
- [ ] Send your mentors{{with .Mentors}} ({{mentions .}}){{end}} your Slack handle, so they can add you to the private channels: one with you and your mentors, and one with all mentees, ex-mentees and mentors.
- [ ] Join {{with .Channels}}{{text .}}{{else}}the project's main channels{{end}} and say hello with a few sentences about yourself!
- [ ] Ask your mentors to set up a weekly 1:1 meeting (highly recommended).
- [ ] Read the {{with url .ContributingURL}}[contributing guide]({{.}}){{else}}contributing guide (CONTRIBUTING.md in the repository you work on){{end}}.
- [ ] Read your main issue carefully and start thinking about it, but don't stress out! It is better to start slowly with a smaller task to get things going.

Blocked on a pull request, looking for a reviewer, or puzzled by a failing CI run? Prefer public channels{{with .Channels}} ({{text .}}){{end}}: the community, and other mentees, can often help quickly.
`

// Checklist renders the onboarding checklist for the mentee's tracking issue.
// custom is the policy's template (program.onboarding); empty means the
// built-in one. When custom does not parse, fails to execute, or renders
// nothing (or too much), the built-in checklist is used and warning says why.
// The onboarding marker is always appended, outside the template's control.
func Checklist(ctx context.Context, d Data, custom string) (body string, warning error) {
	d = d.withDefaults()
	if strings.TrimSpace(custom) != "" {
		out, err := render(ctx, custom, d)
		if err == nil {
			return withMarker(out, d.Mentee), nil
		}
		warning = fmt.Errorf("program.onboarding template: %w; using the built-in checklist", err)
	}
	out, err := render(ctx, BuiltinChecklist, d)
	if err != nil {
		// The built-in template is tested; this is a programming error, but
		// still not a reason to leave a mentee without a checklist.
		out = "### Welcome aboard, " + mdsafe.Mention(d.Mentee) + "!\n"
		if warning == nil {
			warning = fmt.Errorf("built-in onboarding checklist: %w", err)
		}
	}
	return withMarker(out, d.Mentee), warning
}

// CheckTemplate reports whether custom parses and renders for a sample
// mentee, for `mentorbot check-config`.
func CheckTemplate(ctx context.Context, custom string) error {
	if strings.TrimSpace(custom) == "" {
		return nil
	}
	sample := Data{
		Mentee: "mentee", Mentors: []string{"mentor-one", "mentor-two"}, Program: "Sample Programme",
		ContributingURL: "https://example.com/CONTRIBUTING.md", Channels: "#channel",
	}
	if _, err := render(ctx, custom, sample.withDefaults()); err != nil {
		return fmt.Errorf("program.onboarding template: %w", err)
	}
	return nil
}

func render(ctx context.Context, src string, d Data) (string, error) {
	return usertemplate.Render(ctx, "onboarding", "checklist", src, Funcs(), d, maxBody)
}

func withMarker(body, login string) string {
	return strings.TrimRight(body, "\n") + "\n\n" + markers.New(KindOnboarding, Key(login)) + "\n"
}

// TrackingTitle is the title of the tracking issue the bot opens for a
// mentee without one: "Mentorship: @login (program)". Titles are plain
// text and do not notify anyone.
func TrackingTitle(login, program string) string {
	t := "Mentorship: @" + login
	if p := strings.Join(strings.Fields(program), " "); p != "" {
		t += " (" + p + ")"
	}
	return t
}

// TrackingBody is the body of the tracking issue the bot opens. It carries
// the tracking marker, by which the bot finds the issue again instead of
// opening a second one.
func TrackingBody(d Data) string {
	var b strings.Builder
	b.WriteString("This issue tracks " + mdsafe.Mention(d.Mentee) + "'s mentorship")
	if d.Program != "" {
		b.WriteString(" in " + mdsafe.Text(d.Program))
	}
	if !d.Start.IsZero() && !d.End.IsZero() {
		fmt.Fprintf(&b, ", from %s to %s", d.Start.Long(), d.End.Long())
	}
	b.WriteString(".")
	if len(d.Mentors) > 0 {
		b.WriteString(" Mentors: " + mentions(d.Mentors) + ".")
	}
	b.WriteString("\n\nmentorbot keeps it up to date:\n\n")
	b.WriteString("- the onboarding checklist, right below;\n")
	digest := "- a weekly digest of the mentee's pull requests, reviews, issues and tasks across the org"
	if d.DigestWhen != "" {
		digest += ", " + mdsafe.Text(d.DigestWhen)
	}
	b.WriteString(digest + ";\n")
	b.WriteString("- mentee tasks, linked here when a mentor assigns one with " + mdsafe.Code("/mentee-task @"+d.Mentee) + ";\n")
	b.WriteString("- a reminder of the retrospective a week before the end, the retrospective template on the last day, and an end-of-term report.\n\n")
	b.WriteString("Questions about the work itself are best asked in public")
	if d.Channels != "" {
		b.WriteString(" (" + mdsafe.Text(d.Channels) + ")")
	}
	b.WriteString(", where the whole community can help.\n\n")
	b.WriteString(markers.New(KindTracking, Key(d.Mentee)) + "\n")
	return b.String()
}

// mentions renders "@a", "@a and @b" or "@a, @b and @c".
func mentions(logins []string) string {
	out := make([]string, 0, len(logins))
	for _, l := range logins {
		if strings.TrimSpace(l) != "" {
			out = append(out, mdsafe.Mention(l))
		}
	}
	switch len(out) {
	case 0:
		return ""
	case 1:
		return out[0]
	default:
		return strings.Join(out[:len(out)-1], ", ") + " and " + out[len(out)-1]
	}
}

// safeURL returns u if it is an absolute http(s) URL, with the characters
// that would end a Markdown link escaped, and "" otherwise.
func safeURL(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
		return ""
	}
	return strings.NewReplacer("(", "%28", ")", "%29", "<", "%3C", ">", "%3E", " ", "%20").Replace(p.String())
}
