package e2e

import (
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/internal/golden"
	"github.com/thanos-community/mentorbot/pkg/githubsim"
	"github.com/thanos-community/mentorbot/pkg/simbot"
)

// runCLI runs the built binary with the webhook secret in the environment.
func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(buildBinary(t), args...)
	cmd.Env = append(os.Environ(), "GITHUB_APP_WEBHOOK_SECRET="+simbot.Secret)
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

// runExit runs the built binary with args and a fixed terminal width (help
// wraps to it), and returns stdout, stderr and the exit code.
func runExit(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(buildBinary(t), args...)
	cmd.Env = append(os.Environ(), "COLUMNS=80", "MENTORBOT_CONFIG=", "MENTORBOT_LOG_LEVEL=", "MENTORBOT_LOG_FORMAT=")
	var o, e strings.Builder
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		code = exit.ExitCode()
	default:
		t.Fatalf("%v: %v", args, err)
	}
	return o.String(), e.String(), code
}

// Every subcommand's --help is the same kingpin layout with double-dash
// flags, printed on stdout with exit 0; each is a reviewed golden file.
func TestHelpGoldens(t *testing.T) {
	for _, args := range [][]string{
		{"--help"}, {"serve", "--help"}, {"remind", "--help"}, {"digest", "--help"},
		{"check-config", "--help"}, {"setup", "--help"}, {"demo", "--help"}, {"version", "--help"},
	} {
		name := args[0]
		if name == "--help" {
			name = "mentorbot"
		}
		t.Run(name, func(t *testing.T) {
			out, errOut, code := runExit(t, args...)
			if code != 0 || errOut != "" {
				t.Errorf("exit %d, stderr %q", code, errOut)
			}
			golden.Check(t, filepath.Join("testdata", "cli", "help-"+name+".golden"), out)
		})
	}
	// `help serve` and `serve -h` say the same as `serve --help`.
	a, _, _ := runExit(t, "serve", "--help")
	for _, alt := range [][]string{{"help", "serve"}, {"serve", "-h"}} {
		if b, _, code := runExit(t, alt...); b != a || code != 0 {
			t.Errorf("%v differs from serve --help (exit %d):\n%s", alt, code, b)
		}
	}
}

// Usage mistakes exit 2 with a one-line message on stderr naming the
// mistake; a stray argument is never silently ignored.
func TestUsageErrorsExit2(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "usage: mentorbot"},
		{[]string{"frobnicate"}, "expected command but got \"frobnicate\""},
		{[]string{"serve", "extra-arg", "--config", "x.yml"}, "unexpected extra-arg"},
		{[]string{"remind", "--config", "x.yml", "stray"}, "unexpected stray"},
		{[]string{"check-config", "a.yml", "b.yml"}, "unexpected b.yml"},
		{[]string{"check-config"}, "required argument 'file' not provided"},
		{[]string{"version", "now"}, "unexpected now"},
		{[]string{"demo", "--verbos"}, "unknown long flag '--verbos'"},
		{[]string{"serve", "-config", "x.yml"}, "unknown short flag '-c'"},
		{[]string{"serve", "--log.level", "verbose"}, `--log.level "verbose": want one of debug, info, warn, error`},
		// The spelling before kingpin is still accepted, and checked alike.
		{[]string{"serve", "--log-level", "verbose"}, `--log-level "verbose": want one of debug, info, warn, error`},
		{[]string{"serve", "--log.format", "text"}, `--log.format "text": want one of json, logfmt`},
		{[]string{"digest", "--now", "yesterday"}, `--now "yesterday" is not RFC3339`},
		{[]string{"setup"}, "required flag --org not provided"},
	} {
		out, errOut, code := runExit(t, tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, want 2 and stderr with %q\nstdout: %s\nstderr: %s", tc.args, code, tc.want, out, errOut)
		}
	}
}

// A failure that is not a usage mistake exits 1: here a missing config file.
func TestFailureExits1(t *testing.T) {
	_, errOut, code := runExit(t, "remind", "--config", filepath.Join(t.TempDir(), "missing.yml"))
	if code != 1 || !strings.Contains(errOut, "missing.yml") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	// The environment binding of --config reaches the same check.
	cmd := exec.Command(buildBinary(t), "remind")
	cmd.Env = append(os.Environ(), "MENTORBOT_CONFIG="+filepath.Join(t.TempDir(), "from-env.yml"))
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "from-env.yml") {
		t.Errorf("MENTORBOT_CONFIG not used: %v\n%s", err, out)
	}
}

// `mentorbot --version`, `mentorbot version` and the build_info series of a
// running server report the same version (the test binary is stamped like
// a release build, with testVersion unless MENTORBOT_BIN names another).
func TestVersionMatchesBuildInfo(t *testing.T) {
	out, _, code := runExit(t, "--version")
	v := regexp.MustCompile(`^mentorbot, version (\S+) \(branch: .*, revision: .*\)\n`).FindStringSubmatch(out)
	if code != 0 || v == nil || !strings.Contains(out, "go version:") {
		t.Fatalf("--version: exit %d\n%s", code, out)
	}
	if os.Getenv("MENTORBOT_BIN") == "" && v[1] != testVersion {
		t.Errorf("--version says %q, the test build stamped %q", v[1], testVersion)
	}
	if out2, _, code := runExit(t, "version"); code != 0 || out2 != out+"\n" && out2 != out {
		t.Errorf("version differs from --version:\n%s\n%s", out2, out)
	}
	sim := githubsim.NewTest(t, githubsim.Options{})
	p := startServe(t, sim, "")
	res, err := http.Get(p.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	body, _ := io.ReadAll(res.Body)
	m := regexp.MustCompile(`(?m)^mentorbot_build_info\{.*version="([^"]*)".*\} 1$`).FindStringSubmatch(string(body))
	if m == nil || m[1] != v[1] {
		t.Errorf("build_info = %v, want version %q", m, v[1])
	}
}
