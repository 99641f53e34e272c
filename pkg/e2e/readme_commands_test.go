package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/internal/golden"
	"github.com/thanos-community/mentorbot/pkg/simbot"
)

// commentExamples are the texts docs/comments.md shows, one per kind of
// comment or issue, each a golden file a test compares the bot's output with.
var commentExamples = []struct{ title, path string }{
	{"Welcome on a first-time contributor's first pull request", "pkg/e2e/testdata/welcome/first_timer.golden"},
	{"Welcome on a mentee's first pull request", "pkg/e2e/testdata/welcome/mentee.golden"},
	{"Tracking issue opened for a mentee without one", "pkg/e2e/testdata/mentees/tracking-issue-body.golden"},
	{"Onboarding checklist on the tracking issue", "pkg/e2e/testdata/mentees/onboarding-checklist.golden"},
	{"`/mentee-task @login`: the task linked from the tracking issue", "pkg/e2e/testdata/mentees/task-link.golden"},
	{"`/mentee-task @login` when GitHub refuses the assignment", "pkg/e2e/testdata/mentees/reply-assign-refused.golden"},
	{"A command from someone who may not use it", "pkg/commands/testdata/golden/denied-mentee-task.md"},
	{"Review-wait reminder with suggested reviewers", "pkg/reviews/testdata/reminder.golden"},
	{"Mentors pinged after twice the wait", "pkg/reviews/testdata/escalation.golden"},
	{"Weekly digest on the tracking issue", "pkg/e2e/testdata/digest/week_alice.golden"},
	{"`/mentorbot digest`: a preview of this week's digest", "pkg/digest/testdata/digest_preview.golden"},
	{"Retrospective reminder (in the digest of the week before the end)", "pkg/digest/testdata/retro_reminder.golden"},
	{"Retrospective template on the last day", "pkg/digest/testdata/retro.golden"},
	{"End-of-term report", "pkg/digest/testdata/term_report.golden"},
	{"Mentees Meetup planning issue", "pkg/e2e/testdata/learnings/meetup-issue.md"},
	{"Meetup invitation on each tracking issue", "pkg/e2e/testdata/learnings/meetup-invite.md"},
	{"`/meetup present <title>`: the reply", "pkg/e2e/testdata/learnings/present-reply.md"},
	{"Learnings issue at the end of the programme", "pkg/e2e/testdata/learnings/learnings-issue.md"},
}

const (
	examplesStart = "<!-- comment-examples:start -->"
	examplesEnd   = "<!-- comment-examples:end -->"
)

func renderCommentExamples(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, e := range commentExamples {
		data, err := os.ReadFile(filepath.Join("../..", e.path))
		if err != nil {
			t.Fatalf("comment example %q: %v", e.title, err)
		}
		text := strings.TrimRight(string(data), "\n")
		if strings.Contains(text, "~~~~") {
			t.Fatalf("%s contains ~~~~, the fence README uses", e.path)
		}
		fmt.Fprintf(&b, "<details><summary>%s (<code>%s</code>)</summary>\n\n~~~~markdown\n%s\n~~~~\n\n</details>\n", e.title, e.path, text)
	}
	return b.String()
}

// commentsDoc is where the examples live, linked from README.md.
const commentsDoc = "../../docs/comments.md"

// docs/comments.md shows one example of each text the bot writes, identical
// to the golden files; -update (or MENTORBOT_UPDATE_GOLDEN=1, as make docs
// sets) rewrites them.
func TestCommentExamplesDoc(t *testing.T) {
	data, err := os.ReadFile(commentsDoc)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	i := strings.Index(doc, examplesStart)
	j := strings.Index(doc, examplesEnd)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the comment-examples markers", commentsDoc)
	}
	want := renderCommentExamples(t)
	got := doc[i+len(examplesStart)+1 : j]
	if golden.Updating() && got != want {
		doc = doc[:i+len(examplesStart)+1] + want + doc[j:]
		if err := os.WriteFile(commentsDoc, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got != want {
		t.Errorf("%s differs from the golden files: run `make docs`", commentsDoc)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "(docs/comments.md)") {
		t.Error("README.md does not link docs/comments.md")
	}
}

// readmeCommands returns the logical lines (continuations joined, comments
// dropped) of README.md's sh code blocks, with their indentation removed.
func readmeCommands(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	in := false
	cur := ""
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		switch {
		case !in && l == "```sh":
			in = true
			continue
		case in && l == "```":
			in = false
			continue
		case !in:
			continue
		}
		if cur == "" && (l == "" || strings.HasPrefix(l, "#")) {
			continue
		}
		if strings.HasSuffix(l, "\\") {
			cur += strings.TrimSuffix(l, "\\")
			continue
		}
		cur += l
		if c, _, _ := strings.Cut(cur, "  #"); c != "" {
			cur = strings.TrimSpace(c)
		}
		out = append(out, cur)
		cur = ""
	}
	return out
}

// What happens to each README command: run by a check below, or skipped
// with the reason. A command that matches no entry fails the test, so a
// new command in README.md must be added here.
var readmeCommandPolicy = []struct {
	prefix string
	check  string // name of the check that runs it
	skip   string // why it is not run
}{
	{prefix: "make demo", check: "make demo"},
	{prefix: "make test", skip: "the whole suite, this test included; CI runs it"},
	{prefix: "go install github.com/thanos-community/mentorbot/cmd/mentorbot@latest", skip: "needs the network; TestGoInstallPath checks the path is this module's command"},
	{prefix: "make build", skip: "writes bin/; .ci/run runs it and checks the version stamp"},
	{prefix: "npx smee-client", skip: "needs the network and a smee.io channel"},
	{prefix: "mentorbot serve --config config.yml", skip: "needs a GitHub App on a real org; TestServeBinaryLifecycle runs serve against the simulator"},
	{prefix: "mentorbot --help", check: "binary"},
	{prefix: "mentorbot version", check: "binary"},
	{prefix: "mentorbot check-config deploy/mentorbot.yml", check: "binary"},
	{prefix: "mentorbot setup --org", skip: "needs GitHub; TestSetupInBrowser runs the same flow in Chromium against the simulator"},
	{prefix: "mentorbot remind --config config.yml --dry-run", skip: "needs a GitHub App on a real org; the e2e tests run the sweeps with --dry-run against the simulator"},
	{prefix: "mentorbot digest --config config.yml --dry-run", skip: "needs a GitHub App on a real org; the e2e tests run the sweeps with --dry-run against the simulator"},
	{prefix: "kubectl ", skip: "needs a cluster; TestKubernetesManifests checks what the manifests run, TestKubernetesManifestsDecodeStrictly their fields"},
	{prefix: "git tag ", skip: "a release step; TestKubernetesKustomizationAndImage checks the tag CHANGELOG.md and the kustomization agree on"},
	{prefix: "make docker-push", skip: "needs a Docker engine and the registry; TestDockerfile and TestMakeBuildStampsTheVersion check what it builds"},
	{prefix: "body=$(cat pkg/demo/webhooks/pull_request.opened.json)", check: "by hand"},
	{prefix: "sig=$(printf", check: "by hand"},
	{prefix: "curl ", check: "by hand"},
}

// Every shell command README.md shows is run here, or skipped with a
// reason: `make demo`, the binary's commands, and the "Try it by hand"
// block against `mentorbot demo --serve`.
func TestReadmeCommands(t *testing.T) {
	cmds := readmeCommands(t)
	if len(cmds) == 0 {
		t.Fatal("no sh blocks in README.md")
	}
	byCheck := map[string][]string{}
	for _, c := range cmds {
		matched := false
		for _, p := range readmeCommandPolicy {
			if strings.HasPrefix(c, p.prefix) {
				matched = true
				if p.skip != "" {
					t.Logf("skipped: %s (%s)", c, p.skip)
				} else {
					byCheck[p.check] = append(byCheck[p.check], c)
				}
				break
			}
		}
		if !matched {
			t.Errorf("README command %q is neither run nor listed as skipped in readmeCommandPolicy", c)
		}
	}
	bin := buildBinary(t)
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("binary", func(t *testing.T) {
		for _, c := range byCheck["binary"] {
			args := strings.Fields(strings.TrimPrefix(c, "mentorbot "))
			cmd := exec.Command(bin, args...)
			cmd.Dir = root
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Errorf("%s: %v\n%s", c, err, out)
			}
			if len(out) == 0 {
				t.Errorf("%s printed nothing", c)
			}
		}
	})

	t.Run("make demo", func(t *testing.T) {
		if len(byCheck["make demo"]) == 0 {
			t.Skip("README shows no make demo")
		}
		if _, err := exec.LookPath("make"); err != nil {
			t.Skip("no make on this machine")
		}
		cmd := exec.Command("make", "demo")
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("make demo: %v\n%s", err, out)
		}
		if !strings.Contains(string(out), "✓ learnings") || strings.Contains(string(out), "✗ ") {
			t.Errorf("make demo did not show every job:\n%s", out)
		}
	})

	t.Run("by hand", func(t *testing.T) {
		block := byCheck["by hand"]
		if len(block) != 3 {
			t.Fatalf("want the three lines of \"Try it by hand\", got %q", block)
		}
		for _, tool := range []string{"bash", "openssl", "curl"} {
			if _, err := exec.LookPath(tool); err != nil {
				t.Skipf("no %s on this machine", tool)
			}
		}
		// The one change to the commands as written: a free port instead
		// of 8080, which may be taken on the machine running the tests.
		port := strconv.Itoa(freePort(t))
		demo := exec.Command(bin, "demo", "--serve", "127.0.0.1:"+port)
		var out simbot.SyncBuffer
		demo.Stdout, demo.Stderr = &out, &out
		if err := demo.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = demo.Process.Kill(); _, _ = demo.Process.Wait() })
		if !waitFor(func() bool { return strings.Contains(out.String(), "Ctrl-C stops") }, 30*time.Second) {
			t.Fatalf("demo --serve did not start serving:\n%s", out.String())
		}
		script := "set -eu\n" + strings.ReplaceAll(strings.Join(block, "\n"), "127.0.0.1:8080", "127.0.0.1:"+port) + "\n"
		sh := exec.Command("bash", "-c", script)
		sh.Dir = root
		res, err := sh.CombinedOutput()
		if err != nil {
			t.Fatalf("the by-hand commands failed: %v\n%s", err, res)
		}
		if strings.TrimSpace(string(res)) != "200" {
			t.Errorf("curl printed %q, want 200", res)
		}
		if !waitFor(func() bool {
			return regexp.MustCompile(`(?s)a webhook you sent.*comment on thanos-io/prometheus#4.*@erin`).MatchString(out.String())
		}, 20*time.Second) {
			t.Errorf("the demo did not show the bot welcoming erin on thanos-io/prometheus#4:\n%s", tail(out.String(), 30))
		}
		// Ctrl-C stops it cleanly.
		if err := demo.Process.Signal(syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- demo.Wait() }()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("demo --serve after Ctrl-C: %v", err)
			}
		case <-ctx.Done():
			t.Error("demo --serve did not stop on Ctrl-C")
		}
	})
}

func waitFor(cond func() bool, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return cond()
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// The go install line README.md shows names this module's command.
func TestGoInstallPath(t *testing.T) {
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(mod), "\n")
	want := "go install " + strings.TrimPrefix(first, "module ") + "/cmd/mentorbot@latest"
	if !slices.Contains(readmeCommands(t), want) {
		t.Errorf("README.md lacks %q", want)
	}
	if _, err := os.Stat("../../cmd/mentorbot/main.go"); err != nil {
		t.Error(err)
	}
}
