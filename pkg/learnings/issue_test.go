package learnings

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/thanos-community/mentorbot/pkg/markers"
)

const program = "LFX Mentorship 2026 Term 3"

// termRetros builds the retrospectives of a term from the testdata cases.
func termRetros(t *testing.T) []Retrospective {
	t.Helper()
	template := loadTemplate(t)
	load := func(files ...string) []Item {
		var cs []Comment
		for _, f := range files {
			cs = append(cs, loadComments(t, filepath.Join("testdata", "retro", f))...)
		}
		return ParseRetrospective(template, cs)
	}
	return []Retrospective{
		{Mentee: "alice", TrackingIssue: "https://github.com/thanos-io/thanos/issues/7000", Items: load("01-copied-template.txt", "02-bold-labels.txt")},
		{Mentee: "bob", TrackingIssue: "https://github.com/thanos-io/thanos/issues/7001", Items: load("03-mixed-headings.txt")},
		{Mentee: "carol", TrackingIssue: "https://github.com/thanos-io/thanos/issues/7002", Items: load("04-quote-reply.txt")},
		{Mentee: "dave", TrackingIssue: "https://github.com/prometheus/prometheus/issues/9000", Items: load("05-plain-lines.txt")},
		{Mentee: "zed", TrackingIssue: "https://github.com/thanos-io/thanos/issues/7003"},
	}
}

func TestLearningsBody(t *testing.T) {
	retros := termRetros(t)
	body := LearningsBody(program, retros)
	golden(t, "learnings-issue.md", body)

	if !markers.Has(body, IssueMarkerKind, "lfx-mentorship-2026-term-3") {
		t.Error("body lacks the learnings marker")
	}
	if !strings.Contains(body, "zed ([tracking issue](https://github.com/thanos-io/thanos/issues/7003)): no retrospective yet") {
		t.Error("a mentee without retrospective is not listed as such")
	}
	// GitHub resolves no mentions inside the fenced mailing-list text.
	markdown, _, _ := strings.Cut(body, "```text")
	if strings.Contains(markdown, "@mentor-one") {
		t.Error("body mentions someone taken from a comment")
	}
	if got := LearningsTitle(" LFX  Mentorship 2026\nTerm 3 "); got != "Learnings: LFX Mentorship 2026 Term 3" {
		t.Errorf("LearningsTitle() = %q", got)
	}
}

func TestLearningsBodyEmpty(t *testing.T) {
	golden(t, "learnings-issue-empty.md", LearningsBody(program, []Retrospective{{Mentee: "alice"}}))
	golden(t, "learnings-issue-no-mentees.md", LearningsBody(program, nil))
}

func TestEmailText(t *testing.T) {
	text := EmailText(program, termRetros(t))
	golden(t, "learnings-email.txt", text)
	for i, line := range strings.Split(text, "\n") {
		if strings.ContainsAny(line, "<>`") || strings.Contains(line, "**") || strings.Contains(line, "](") || strings.Contains(line, "\\") {
			t.Errorf("line %d has Markdown or HTML: %q", i+1, line)
		}
		if n := len([]rune(line)); n > emailWidth && !strings.Contains(line, "://") {
			t.Errorf("line %d is %d characters long: %q", i+1, n, line)
		}
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"LFX Mentorship 2026 Term 3":    "lfx-mentorship-2026-term-3",
		"  GSoC 2026 — Prometheus!! ":   "gsoc-2026-prometheus",
		"Outreachy (May–Aug) 2026":      "outreachy-may-aug-2026",
		"":                              "program",
		"☃☃":                            "program",
		"Mentorship: Été 2026 / Thanos": "mentorship-t-2026-thanos",
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPlain(t *testing.T) {
	for in, want := range map[string]string{
		"Use **bold** and _italic_ and *this*":                 "Use bold and italic and this",
		"See [the docs](https://thanos.io/tip/) now":           "See the docs (https://thanos.io/tip/) now",
		"[https://x.io](https://x.io)":                         "https://x.io",
		"Run `make test` <b>first</b> &amp; <https://a.io>":    "Run make test first & https://a.io",
		"snake_case_name stays, 2 * 3 stays":                   "snake_case_name stays, 2 * 3 stays",
		`escaped \*star\* and \#hash`:                          "escaped *star* and #hash",
		"![diagram](https://a.io/d.png) explains it ~~not~~ 🚀": "diagram explains it not 🚀",
		"&lt;!-- mentorbot:learnings:x --&gt;":                 "<!- - mentorbot:learnings:x -->",
	} {
		if got := plain(in); got != want {
			t.Errorf("plain(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWrap(t *testing.T) {
	got := wrap("one two three four five six", 12, "  - ", "    ")
	want := "  - one two\n    three\n    four\n    five six\n"
	if got != want {
		t.Errorf("wrap() = %q, want %q", got, want)
	}
}
