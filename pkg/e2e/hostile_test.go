package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/pkg/config"
	"github.com/thanos-community/mentorbot/pkg/githubsim"
	"github.com/thanos-community/mentorbot/pkg/onboarding"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/simbot"
	"github.com/thanos-community/mentorbot/pkg/welcome"
)

// hostileTemplates are policy templates that, without a budget, keep a
// worker spinning forever or take the process to gigabytes.
func hostileTemplates() map[string]string {
	var huge strings.Builder
	for i := range 30 {
		fmt.Fprintf(&huge, "{{define \"t%d\"}}{{template \"t%d\"}}{{template \"t%d\"}}{{end}}\n", i, i+1, i+1)
	}
	fmt.Fprintf(&huge, "{{define \"t30\"}}%s{{end}}\n{{template \"t0\"}}", strings.Repeat("x", 100))
	return map[string]string{
		"integer range": "{{range 100000000000}}{{end}}hello",
		// A variable hides the number from the parse-time check; range
		// refuses it when it runs.
		"nested ranges":      "{{$n := 100000}}\n{{range $n}}{{range $n}}{{range $n}}x{{end}}{{end}}{{end}}hello",
		"huge output":        huge.String(),
		"recursive template": "{{define \"r\"}}x{{template \"r\" .}}{{end}}{{template \"r\" .}}",
	}
}

// indent indents every line of s by n spaces, for a YAML block scalar.
func indent(s string, n int) string {
	pad := strings.Repeat(" ", n)
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
}

// A hostile welcome.message costs each event at most its budget: the
// newcomer gets the built-in welcome, the warning is logged, and the single
// worker goes on to the next event.
func TestHostileWelcomeTemplateServe(t *testing.T) {
	for name, tmpl := range hostileTemplates() {
		t.Run(name, func(t *testing.T) {
			h := simbot.MustStart(t, simbot.Options{
				Config: func(c *config.Config) { c.Server.Workers = 1 },
				Sim:    func(so *githubsim.Options) { so.SearchRateLimit = 10000 },
			})
			h.Sim.AddOrg(wOrg, "maintainer")
			h.Sim.AddRepo(wOrg+"/.github", githubsim.RepoOptions{Files: map[string]string{
				"mentorbot.yml": guidePolicy + "welcome:\n  message: |\n" + indent(tmpl, 4) + "\n",
			}})
			h.Sim.AddRepo(wRepo, githubsim.RepoOptions{Files: map[string]string{"README.md": "# Thanos\n"}})
			h.Sim.AddInstallation(1, wOrg)

			start := time.Now()
			var prs []int
			for _, author := range []string{"newbie", "other-newbie"} {
				n := h.Sim.AddPull(wRepo, githubsim.Pull{Issue: githubsim.Issue{Title: "Fix", User: author, AuthorAssociation: welcome.AssocFirstTimeContributor}})
				prs = append(prs, n)
				// Both are queued before the first is handled.
				if code, err := h.Deliver("pull_request", h.Sim.PullRequestEvent("opened", wRepo, n, author)); err != nil || code/100 != 2 {
					t.Fatalf("deliver: %d, %v", code, err)
				}
			}
			if err := h.Wait(); err != nil {
				t.Fatalf("%v; logs:\n%s", err, h.Logs.Tail(20))
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("two events took %v", d)
			}
			for _, n := range prs {
				w := (&welcomeWorld{Bot: h, t: t}).one(wRepo, n)
				if !strings.Contains(w, "Thank you for your first pull request") {
					t.Errorf("#%d did not get the built-in welcome:\n%s", n, w)
				}
			}
			if !strings.Contains(h.Logs.String(), "using the built-in welcome") {
				t.Errorf("no warning about the template in the logs:\n%s", h.Logs.Tail(20))
			}
		})
	}
}

// `mentorbot digest` with a hostile program.onboarding returns: the mentee
// gets the built-in checklist and the digest is posted.
func TestHostileOnboardingTemplateDigest(t *testing.T) {
	now := day(16, 9)
	for name, tmpl := range hostileTemplates() {
		t.Run(name, func(t *testing.T) {
			sim := githubsim.NewTest(t, githubsim.Options{Now: func() time.Time { return now }, SearchRateLimit: 10000})
			pol := strings.Replace(digestPolicy, "program:\n", "program:\n  onboarding: |\n"+indent(tmpl, 4)+"\n", 1)
			seedDigestOrg(t, sim, pol, "alice", "bob")
			cfg, _ := writeConfig(t, sim, "")

			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, buildBinary(t), "digest", "--config", cfg, "--now", now.Format(time.RFC3339))
			cmd.Env = append(os.Environ(), "GITHUB_APP_WEBHOOK_SECRET="+simbot.Secret)
			start := time.Now()
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("digest: %v after %v\n%s", err, time.Since(start), out)
			}
			if !strings.Contains(string(out), "onboarding template unusable") {
				t.Errorf("the template's failure is not logged:\n%s", out)
			}
			for i, login := range []string{"alice", "bob"} {
				var lists []string
				for _, c := range sim.Comments("org/mentorship", i+1) {
					if c.User == sim.BotLogin() && onboarding.HasChecklist(c.Body, login) {
						lists = append(lists, c.Body)
					}
				}
				if len(lists) != 1 || !strings.Contains(lists[0], "Welcome aboard") {
					t.Errorf("%s: checklists %q, want the built-in one", login, lists)
				}
				if len(botComments(sim, "org/mentorship", i+1)) != 1 {
					t.Errorf("%s: no digest after the checklist", login)
				}
			}
		})
	}
}

// check-config reports each hostile template with its line in the file,
// and answers within a second, also on a file of the largest size read.
func TestHostileTemplateCheckConfig(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	check := func(t *testing.T, content string) string {
		t.Helper()
		path := filepath.Join(dir, "mentorbot.yml")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		out, err := exec.Command(bin, "check-config", path).CombinedOutput()
		// The budget makes it answer in well under a second; the bound is
		// wider so that a loaded CI machine under -race does not fail it,
		// and still tells an answer from a stall (minutes, before).
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("check-config took %v, more than 5 seconds", d)
		}
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			t.Errorf("exit = %v, want 1\n%s", err, out)
		}
		return string(out)
	}
	roster := "mentees:\n  - login: alice\n    tracking_issue: o/r#1\n"
	for name, tmpl := range hostileTemplates() {
		for _, key := range []string{"welcome.message", "program.onboarding"} {
			t.Run(name+" in "+key, func(t *testing.T) {
				section, field, _ := strings.Cut(key, ".")
				out := check(t, roster+section+":\n  "+field+": |\n"+indent(tmpl, 4)+"\n")
				if !strings.Contains(out, key+": the template is over its budget") {
					t.Errorf("output does not flag %s:\n%s", key, out)
				}
				if !strings.Contains(out, "line ") {
					t.Errorf("output has no line:\n%s", out)
				}
			})
		}
	}
	t.Run("line", func(t *testing.T) {
		// The range is on the template's third line, the file's eighth.
		out := check(t, roster+"welcome:\n  message: |\n    Hello\n\n    {{range 100000000000}}{{end}}\n")
		if !strings.Contains(out, "line 8: welcome.message: the template is over its budget (range over a number") {
			t.Errorf("output:\n%s", out)
		}
	})
	t.Run("largest file", func(t *testing.T) {
		// Close to the size limit: ranges nested as deep as allowed, over
		// a variable the parse-time check cannot see through, thousands of
		// times (more nodes than the step budget).
		unit := "{{range $n}}{{range $n}}{{range $n}}x{{end}}{{end}}{{end}}"
		head := roster + "welcome:\n  message: |\n    {{$n := 1000000}}\n"
		var b strings.Builder
		b.WriteString(head)
		for b.Len()+len(unit)+5 < policy.MaxFileSize {
			b.WriteString("    " + unit + "\n")
		}
		out := check(t, b.String())
		if !strings.Contains(out, "welcome.message: the template is over its budget") {
			t.Errorf("output:\n%s", out)
		}
	})
}

// With --config, check-config asks GitHub whether each tracking issue is
// an issue the app can write to: a pull request, an issue in an org the app
// is not installed on and a missing one are problems with their lines.
func TestCheckConfigTrackingIssues(t *testing.T) {
	bin := buildBinary(t)
	sim := githubsim.NewTest(t, githubsim.Options{})
	sim.AddOrg("octo-org", "mentor-one")
	sim.AddRepo("octo-org/mentorship", githubsim.RepoOptions{})
	issue := sim.AddIssue("octo-org/mentorship", githubsim.Issue{Title: "Mentorship: @alice", User: "mentor-one"})
	pr := sim.AddPull("octo-org/mentorship", githubsim.Pull{Issue: githubsim.Issue{Title: "docs", User: "bob"}})
	sim.AddInstallation(7, "octo-org", "octo-org/mentorship")
	sim.AddOrg("elsewhere", "someone")
	sim.AddRepo("elsewhere/tracking", githubsim.RepoOptions{})
	other := sim.AddIssue("elsewhere/tracking", githubsim.Issue{Title: "Mentorship: @carol", User: "someone"})
	cfg, _ := writeConfig(t, sim, "")

	run := func(t *testing.T, pol string) (string, int) {
		t.Helper()
		path := filepath.Join(t.TempDir(), "mentorbot.yml")
		if err := os.WriteFile(path, []byte(pol), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "check-config", "--config", cfg, path)
		cmd.Env = append(os.Environ(), "GITHUB_APP_WEBHOOK_SECRET="+simbot.Secret)
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), code
	}

	good := fmt.Sprintf("program:\n  tracking_repo: octo-org/mentorship\nmentees:\n  - login: alice\n    tracking_issue: octo-org/mentorship#%d\n", issue)
	if out, code := run(t, good); code != 0 || !strings.Contains(out, "ok") {
		t.Errorf("good policy: exit %d\n%s", code, out)
	}

	bad := fmt.Sprintf(`program:
  tracking_repo: elsewhere/tracking
mentees:
  - login: alice
    tracking_issue: octo-org/mentorship#%d
  - login: bob
    tracking_issue: octo-org/mentorship#%d
  - login: carol
    tracking_issue: elsewhere/tracking#%d
  - login: dave
    tracking_issue: octo-org/mentorship#999
`, issue, pr, other)
	out, code := run(t, bad)
	if code != 1 {
		t.Errorf("exit %d, want 1\n%s", code, out)
	}
	for _, want := range []string{
		"line 2: program.tracking_repo: the app is not installed on elsewhere",
		fmt.Sprintf("line 7: mentees[1].tracking_issue: octo-org/mentorship#%d is a pull request, not an issue", pr),
		"line 9: mentees[2].tracking_issue: the app is not installed on elsewhere",
		"line 11: mentees[3].tracking_issue: octo-org/mentorship#999 does not exist",
		"4 problem(s)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "mentees[0].tracking_issue") {
		t.Errorf("the valid tracking issue is flagged:\n%s", out)
	}
}

// A command inside an HTML block is not a command: `<pre>` shows it as
// code, `<details>` folds it away. The same comment's plain command after
// the block still runs.
func TestCommandInHTMLBlockIgnored(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{})
	mtSeed(t, h)
	const repo = "thanos-io/thanos"
	for _, body := range []string{
		"Example:\n<pre>\n/mentee-task @alice\n</pre>\n",
		"<details>\n<summary>How to</summary>\n\n/mentee-task @alice\n\n</details>\n",
		"<!--\n/mentee-task @alice\n-->\n",
	} {
		n := h.Sim.AddIssue(repo, githubsim.Issue{Title: "Docs", User: "maint"})
		h.Sim.ResetRequests()
		mtComment(t, h, repo, n, "mentor-one", body)
		if is := mtIssue(t, h, repo, n); len(is.Labels)+len(is.Assignees) != 0 {
			t.Errorf("%q changed the issue: %+v", body, is)
		}
		if w := mtWrites(h.Sim); len(w) != 0 {
			t.Errorf("%q wrote %q", body, w)
		}
	}
	n := h.Sim.AddIssue(repo, githubsim.Issue{Title: "Task", User: "maint"})
	mtComment(t, h, repo, n, "mentor-one", "<pre>\n/mentee-task @alice\n</pre>\n\n/mentee-task\n")
	is := mtIssue(t, h, repo, n)
	if !mtHasLabel(is.Labels, menteeTaskLabel) || len(is.Assignees) != 0 {
		t.Errorf("the plain command after the block: labels %q, assignees %q; want the label only", is.Labels, is.Assignees)
	}
}
