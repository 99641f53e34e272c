package e2e

import (
	"context"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/pkg/githubsim"
	"github.com/thanos-community/mentorbot/pkg/simbot"
)

// stopServe sends SIGTERM and returns the exit code.
func stopServe(t *testing.T, p *serveProcess, within time.Duration) int {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(within):
		t.Fatalf("serve did not exit within %s of SIGTERM; logs:\n%s", within, p.logs.Tail(20))
		return -1
	}
}

// SIGTERM with a full queue against a slow GitHub: the real `mentorbot
// serve` drains what it can, hands the rest over (asks GitHub to redeliver
// it) and exits 0. Nobody is listening while it is down, so those
// redeliveries fail; the restarted process asks for them again at start,
// and every delivery acknowledged before the SIGTERM is handled exactly
// once.
func TestShutdownHandsQueuedDeliveriesOver(t *testing.T) {
	sim := githubsim.NewTest(t, githubsim.Options{})
	mtSeed(t, &simbot.Bot{Sim: sim})
	sim.PutFile("thanos-io/.github", "mentorbot.yml", strings.ReplaceAll(mtPolicy, "end: 2026-11-30", "end: 2099-11-30"))
	const repo = "thanos-io/objstore"
	var prs []int
	for i := range 30 {
		prs = append(prs, sim.AddPull(repo, githubsim.Pull{Issue: githubsim.Issue{Title: "queued " + string(rune('a'+i)), User: "alice"}}))
	}
	path, port := writeConfig(t, sim, "  workers: 2\n")
	cfg, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(cfg), "shutdown_timeout: 20s", "shutdown_timeout: 1s", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	p := startServeConfig(t, path, port)
	sim.SetWebhook(p.url+"/api/github/hook", simbot.Secret)

	// Slow GitHub: two workers need several seconds for 30 events.
	sim.SetFault(func(r *http.Request, _ int) *githubsim.Fault {
		if strings.HasPrefix(r.URL.Path, "/repos/") {
			return &githubsim.Fault{Delay: 150 * time.Millisecond}
		}
		return nil
	})
	for _, n := range prs {
		d, err := sim.Deliver(context.Background(), "pull_request", sim.PullRequestEvent("opened", repo, n, "alice"))
		if err != nil || d.StatusCode != http.StatusOK {
			t.Fatalf("delivery for #%d: status %d, %v", n, d.StatusCode, err)
		}
	}
	if code := stopServe(t, p, 30*time.Second); code != 0 {
		t.Fatalf("exit code %d after a drain that handed work over, want 0; logs:\n%s", code, p.logs.Tail(20))
	}
	if !strings.Contains(p.logs.String(), "queue handed over") {
		t.Errorf("no hand-over logged:\n%s", p.logs.Tail(20))
	}
	labelled := 0
	for _, n := range prs {
		labelled += labelPosts(sim, repo, n)
	}
	if labelled == len(prs) {
		t.Fatal("the drain finished every event; the test did not leave work queued")
	}
	t.Logf("%d of %d events handled before the drain timed out", labelled, len(prs))

	// The bot comes back on the same address, GitHub at full speed.
	sim.SetFault(nil)
	p2 := startServeConfig(t, path, port)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		done := 0
		for _, n := range prs {
			if labelPosts(sim, repo, n) > 0 {
				done++
			}
		}
		if done == len(prs) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code := stopServe(t, p2, 30*time.Second); code != 0 {
		t.Errorf("restarted serve exit code %d; logs:\n%s", code, p2.logs.Tail(20))
	}
	for _, n := range prs {
		if got := labelPosts(sim, repo, n); got != 1 {
			t.Errorf("%s#%d labelled %d times, want exactly 1", repo, n, got)
		}
	}
	if missed, _ := deliveryStates(sim); len(missed) != 0 {
		t.Errorf("deliveries never acknowledged: %v", missed)
	}
}
