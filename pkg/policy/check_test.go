package policy

import (
	"strings"
	"testing"
	"time"
)

// An org policy that would leave the programme with nobody in it is
// flagged; one with a roster is not.
func TestCheckWarnsAboutAnEmptyRoster(t *testing.T) {
	now := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name, in, want string
	}{
		{"empty file", "", "the file sets nothing"},
		{"only comments", "# mentorbot policy\n\n", "the file sets nothing"},
		{"empty mapping", "{}\n", "the file sets nothing"},
		{"no roster", "reviews:\n  wait: 48h\n", "mentees: no roster: fine for a repository's .github/mentorbot.yml"},
		{"empty roster", "program:\n  tracking_repo: o/r\nmentees: []\n", "line 3: mentees: the roster has no usable entry"},
		{"null roster", "program:\n  tracking_repo: o/r\nmentees:\n", "line 3: mentees: the roster has no usable entry"},
		{"roster", "program:\n  tracking_repo: o/r\nmentees:\n  - login: alice\n", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Check([]byte(tc.in), now)
			if len(r.Problems) != 0 {
				t.Fatalf("problems: %q", problemStrings0(r.Problems))
			}
			got := strings.Join(problemStrings0(r.Warnings), "\n")
			if tc.want == "" && got != "" {
				t.Errorf("warnings = %q, want none", got)
			}
			if tc.want != "" && !strings.Contains(got, tc.want) {
				t.Errorf("warnings = %q, want %q", got, tc.want)
			}
		})
	}
}

// Template lines map to file lines, and roster entries keep their file
// index when an entry before them was left out.
func TestReportLocates(t *testing.T) {
	in := `program:
  tracking_repo: o/r
  onboarding: |
    line one
    line two
welcome:
  message: "{{.Author}}"
mentees:
  - login: -bad-
  - login: alice
    tracking_issue: o/r#1
`
	r := Check([]byte(in), time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC))
	if got := r.TemplateLine("program.onboarding", 2); got != 5 {
		t.Errorf("onboarding line 2 is at file line %d, want 5", got)
	}
	if got := r.TemplateLine("welcome.message", 1); got != 7 {
		t.Errorf("welcome line 1 is at file line %d, want 7", got)
	}
	if got := r.TemplateLine("welcome.message", 0); got != 7 {
		t.Errorf("welcome with an unknown line is at file line %d, want 7", got)
	}
	if len(r.Policy.Mentees) != 1 {
		t.Fatalf("mentees = %+v, want alice only", r.Policy.Mentees)
	}
	path := r.MenteePath(0) + ".tracking_issue"
	if path != "mentees[1].tracking_issue" || r.Line(path) != 11 {
		t.Errorf("alice's tracking issue is %s at line %d, want mentees[1].tracking_issue at 11", path, r.Line(path))
	}
	if r.Line("digest.hour") != 0 {
		t.Errorf("a key the file does not set has line %d, want 0", r.Line("digest.hour"))
	}
}
