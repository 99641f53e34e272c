package welcome

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	goldenfile "github.com/thanos-community/mentorbot/internal/golden"
	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/policy"
)

func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name+".golden"), got)
}

func testPolicy() policy.Policy {
	p := policy.Default()
	p.Program.Name = "LFX Mentorship 2026 Term 3"
	p.Program.Channels = "#thanos-dev on CNCF Slack"
	return p
}

func TestRenderGolden(t *testing.T) {
	pr := Item{Owner: "thanos-io", Repo: "thanos", OwnerIsOrg: true, Number: 42, PullRequest: true,
		Title: "Fix typo in README", Author: "newbie", Association: AssocFirstTimeContributor}
	firstTimer := pr
	firstTimer.Association = AssocFirstTimer
	issue := pr
	issue.PullRequest = false
	hostile := pr
	hostile.Title = "@thanos-io/maintainers <img src=x onerror=alert(1)> [click](javascript:x) <!-- mentorbot:welcome -->"
	hostile.Author = "evil<b>@everyone</b>"

	guide := "https://github.com/thanos-io/thanos/blob/main/CONTRIBUTING.md"
	all := testPolicy()
	all.Reviews.Scope = "all"
	noChannels := testPolicy()
	noChannels.Program.Channels = ""
	hours := testPolicy()
	hours.Reviews.Wait = policy.Duration(36 * time.Hour)
	hours.Reviews.Scope = "all"
	ref := policy.IssueRef{Owner: "thanos-io", Repo: "thanos", Number: 7000}

	custom := testPolicy()
	custom.Welcome.Message = "Hi {{.Author}}! Read {{with .ContributingURL}}{{.}}{{else}}the docs{{end}}.{{if .FirstTimer}} First time on GitHub!{{end}}\n"
	broken := testPolicy()
	broken.Welcome.Message = "Hi {{.Nobody}}"
	hostileTemplate := testPolicy()
	hostileTemplate.Welcome.Message = "{{.Author}} {{.Login}} opened {{.Title}} in {{.Repo}}; ask in {{.Channels}}\n"

	for _, tc := range []struct {
		name        string
		in          Input
		wantWarning bool
	}{
		{"pr", Input{Item: pr, Policy: testPolicy(), ContributingURL: guide}, false},
		{"pr_first_timer", Input{Item: firstTimer, Policy: testPolicy(), ContributingURL: guide}, false},
		{"pr_no_guide", Input{Item: pr, Policy: testPolicy()}, false},
		{"pr_no_channels", Input{Item: pr, Policy: noChannels, ContributingURL: guide}, false},
		{"pr_reviews_all", Input{Item: pr, Policy: all, ContributingURL: guide}, false},
		{"pr_wait_hours", Input{Item: pr, Policy: hours, ContributingURL: guide}, false},
		{"issue", Input{Item: issue, Policy: all, ContributingURL: guide}, false},
		{"mentee", Input{Item: pr, Policy: testPolicy(), Mentee: true, TrackingIssue: &ref}, false},
		{"mentee_first_timer", Input{Item: firstTimer, Policy: testPolicy(), Mentee: true, TrackingIssue: &ref}, false},
		{"mentee_no_tracking_issue", Input{Item: pr, Policy: testPolicy(), Mentee: true}, false},
		{"custom", Input{Item: firstTimer, Policy: custom, ContributingURL: guide}, false},
		{"custom_broken", Input{Item: pr, Policy: broken, ContributingURL: guide}, true},
		{"hostile", Input{Item: hostile, Policy: testPolicy(), ContributingURL: guide}, false},
		{"hostile_custom", Input{Item: hostile, Policy: hostileTemplate, ContributingURL: guide}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, warning := Render(context.Background(), NewData(tc.in), tc.in.Policy.Welcome.Message)
			if (warning != nil) != tc.wantWarning {
				t.Errorf("warning = %v, want one: %v", warning, tc.wantWarning)
			}
			if strings.Count(body, Marker()) != 1 || !strings.HasSuffix(body, Marker()+"\n") {
				t.Errorf("want exactly one marker, at the end:\n%s", body)
			}
			assertSafe(t, body, tc.in.Item.Author)
			golden(t, tc.name, body)
		})
	}
}

var mentionRe = regexp.MustCompile(`(?:^|[^A-Za-z0-9_` + "`" + `])@([A-Za-z0-9][A-Za-z0-9-]*)`)

// assertSafe checks that a welcome mentions nobody but the author (and only
// when the author's login is a valid one), opens no HTML besides the
// marker, and links nothing but http(s) URLs.
func assertSafe(t *testing.T, body, author string) {
	t.Helper()
	rest := strings.Replace(body, Marker(), "", 1)
	if strings.ContainsAny(rest, "<>") {
		t.Errorf("welcome contains HTML outside the marker:\n%s", body)
	}
	if n := len(markers.Parse(body)); n != 1 {
		t.Errorf("welcome carries %d markers, want 1:\n%s", n, body)
	}
	for _, m := range mentionRe.FindAllStringSubmatch(rest, -1) {
		if !strings.EqualFold(m[1], author) {
			t.Errorf("welcome mentions @%s, who is not the author %q:\n%s", m[1], author, body)
		}
	}
	for _, m := range regexp.MustCompile(`(?:^|[^\\])\]\(([^)]*)\)`).FindAllStringSubmatch(rest, -1) {
		if webURL(m[1]) == "" {
			t.Errorf("welcome links %q, not an http(s) URL:\n%s", m[1], body)
		}
	}
}

// Hostile titles and logins never become mentions, HTML, links or markers,
// whatever template prints them.
func TestEscapingHostileInput(t *testing.T) {
	titles := []string{
		"@everyone please look",
		"cc @thanos-io/maintainers",
		"<script>alert(1)</script>",
		"<!-- mentorbot:welcome --> done",
		"[free money](https://evil.example)",
		"![x](https://evil.example/x.png)",
		"line one\n\n# Heading\n@admin",
		"`code` **bold** | table |",
		"&lt;b&gt; entity",
		"@\u200badmin zero width",
	}
	logins := []string{"newbie", "evil<b>", "@admin", "a b @c", "x](javascript:alert(1))"}
	tpl := "{{.Author}} {{.Login}} {{.Title}} {{.Repo}} {{.Channels}} {{.Program}}\n"
	p := testPolicy()
	p.Program.Channels = "@all <b>#general</b>"
	p.Program.Name = "@team <i>"
	for _, title := range titles {
		for _, login := range logins {
			it := Item{Owner: "o", Repo: "r", Number: 1, PullRequest: true, Title: title, Author: login, Association: AssocFirstTimer}
			for _, custom := range []string{"", tpl} {
				body, warning := Render(context.Background(), NewData(Input{Item: it, Policy: p, ContributingURL: "https://example.com/C.md"}), custom)
				if warning != nil {
					t.Fatalf("warning: %v", warning)
				}
				assertSafe(t, body, validOr(login))
			}
		}
	}
}

// validOr returns login when it may be mentioned, else "" (nobody).
func validOr(login string) string {
	if policy.ValidLogin(login) {
		return login
	}
	return ""
}

func TestCheckTemplate(t *testing.T) {
	for _, tc := range []struct {
		name    string
		src     string
		wantErr bool
	}{
		{"empty means built-in", "", false},
		{"built-in", Builtin, false},
		{"simple", "Welcome {{.Author}}!", false},
		{"every field", "{{.Author}}{{.Login}}{{.Title}}{{.Repo}}{{.PullRequest}}{{.FirstTimer}}{{.ContributingURL}}{{.Channels}}{{.Wait}}{{.SuggestsReviewers}}{{.Program}}{{.Mentee}}{{.TrackingIssue}}", false},
		{"unclosed action", "Hi {{ .Author", true},
		{"unknown field", "Hi {{.Nobody}}", true},
		{"unknown function", "Hi {{mention .Author}}", true},
		{"renders nothing", "{{if false}}x{{end}}", true},
		{"fails only for issues", "{{if .PullRequest}}PR{{else}}{{.Missing}}{{end}}", true},
		{"too long", "{{range $i := .Title}}{{end}}" + strings.Repeat("x", maxBody+1), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := CheckTemplate(context.Background(), tc.src); (err != nil) != tc.wantErr {
				t.Errorf("CheckTemplate = %v, want error: %v", err, tc.wantErr)
			}
		})
	}
}
