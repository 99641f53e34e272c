package e2e

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/pkg/githubsim"
)

// runCLI runs the built binary with the webhook secret in the environment.
func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(buildBinary(t), args...)
	cmd.Env = append(os.Environ(), "GITHUB_APP_WEBHOOK_SECRET="+Secret)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// The command line of PRODUCT.md, through the real binary: `remind --now
// --dry-run` reads GitHub, prints the comment it would write and writes
// nothing; without --dry-run it writes the reminder once, and a second run
// writes nothing.
func TestRemindCommandLine(t *testing.T) {
	now := time.Date(2026, 11, 6, 12, 0, 0, 0, time.UTC) // a Friday
	sim := githubsim.NewTest(t, githubsim.Options{Now: func() time.Time { return now }})
	for _, u := range []string{"alice", "maintainer-one", "maintainer-two"} {
		sim.AddUser(u, "User")
	}
	sim.AddOrg("octo-org", "maintainer-one", "maintainer-two")
	sim.AddRepo("octo-org/.github", githubsim.RepoOptions{Files: map[string]string{"mentorbot.yml": `program:
  name: Term
  channels: "#dev on Slack"
mentees:
  - login: alice
    mentors: [maintainer-two]
    start: 2026-09-01
    end: 2026-11-30
reviews:
  wait: 72h
  reviewers: [maintainer-one]
`}})
	sim.AddRepo("octo-org/app", githubsim.RepoOptions{})
	// The pool reviewer is active in the repository (reviews.inactive_after).
	sim.AddCommit("octo-org/app", githubsim.Commit{Author: "maintainer-one", Date: now.Add(-20 * 24 * time.Hour), Files: []string{"README.md"}})
	sim.AddInstallation(7, "octo-org", "octo-org/.github", "octo-org/app")
	sim.AddPull("octo-org/app", githubsim.Pull{
		Issue: githubsim.Issue{Title: "feat: stream", User: "alice", CreatedAt: now.Add(-5 * 24 * time.Hour)},
		Files: []githubsim.PullFile{{Filename: "pkg/store/bucket.go"}},
	})
	cfg, _ := writeConfig(t, sim, "")
	at := "--now=" + now.Format(time.RFC3339)

	out, err := runCLI(t, "remind", "--config", cfg, at, "--dry-run")
	if err != nil {
		t.Fatalf("remind --dry-run: %v\n%s", err, out)
	}
	if !strings.Contains(out, "@maintainer-one") || !strings.Contains(out, "waiting for a review") {
		t.Errorf("dry run did not print the reminder it would write:\n%s", out)
	}
	if w := writes(sim); len(w) > 0 {
		t.Fatalf("dry run wrote: %v", w)
	}

	if out, err := runCLI(t, "remind", "--config", cfg, at); err != nil {
		t.Fatalf("remind: %v\n%s", err, out)
	}
	comments := sim.Comments("octo-org/app", 1)
	if len(comments) != 1 || !strings.Contains(comments[0].Body, "@maintainer-one") || !strings.Contains(comments[0].Body, "<!-- mentorbot:review-wait:") {
		t.Fatalf("want one reminder with its marker, got %+v", comments)
	}
	if out, err := runCLI(t, "remind", "--config", cfg, at); err != nil {
		t.Fatalf("second remind: %v\n%s", err, out)
	}
	if n := len(sim.Comments("octo-org/app", 1)); n != 1 {
		t.Errorf("second run wrote again: %d comments", n)
	}

	if out, err := runCLI(t, "remind", "--config", cfg, "--now", "yesterday"); err == nil || !strings.Contains(out, "RFC3339") {
		t.Errorf("bad --now accepted: %v\n%s", err, out)
	}
}

func TestVersionAndHelp(t *testing.T) {
	out, err := runCLI(t, "version")
	if err != nil || !strings.HasPrefix(out, "mentorbot ") || !strings.Contains(out, "go1.") {
		t.Errorf("version: %v %q", err, out)
	}
	out, err = runCLI(t, "--help")
	if err != nil {
		t.Errorf("--help: %v", err)
	}
	for _, cmd := range []string{"serve", "remind", "digest", "check-config", "demo", "version"} {
		if !strings.Contains(out, "mentorbot "+cmd) {
			t.Errorf("usage lacks %q:\n%s", cmd, out)
		}
	}
	if _, err := runCLI(t, "frobnicate"); err == nil {
		t.Error("unknown command exited 0")
	}
}
