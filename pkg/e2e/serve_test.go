package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/pkg/githubsim"
	"github.com/thanos-community/mentorbot/pkg/simbot"
)

// binary is the mentorbot binary built once for this test run.
var binary struct {
	once sync.Once
	path string
	err  error
}

// buildBinary builds cmd/mentorbot once per test binary run, or uses
// MENTORBOT_BIN (make bench sets it).
// testVersion is stamped into the binary the tests build, as make build
// stamps a release's.
const testVersion = "0.0.0-e2e"

func buildBinary(t testing.TB) string {
	t.Helper()
	if bin := os.Getenv("MENTORBOT_BIN"); bin != "" {
		return bin
	}
	binary.once.Do(func() {
		dir, err := os.MkdirTemp("", "mentorbot-e2e-")
		if err != nil {
			binary.err = err
			return
		}
		binary.path = filepath.Join(dir, "mentorbot")
		if out, err := exec.Command("go", "build", "-ldflags", "-X github.com/prometheus/common/version.Version="+testVersion, "-o", binary.path, "../../cmd/mentorbot").CombinedOutput(); err != nil {
			binary.err = fmt.Errorf("build mentorbot: %v\n%s", err, out)
		}
	})
	if binary.err != nil {
		t.Fatal(binary.err)
	}
	return binary.path
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port
}

// serveProcess is a real `mentorbot serve` child process.
type serveProcess struct {
	cmd  *exec.Cmd
	url  string
	logs *simbot.SyncBuffer
}

// writeConfig writes a config.yml for sim (the private key as a 0600 file;
// the webhook secret comes from the environment) and returns its path and
// the port it names; serverExtra adds indented keys to the server section.
func writeConfig(t testing.TB, sim *githubsim.Server, serverExtra string) (string, int) {
	t.Helper()
	dir := t.TempDir()
	key := filepath.Join(dir, "key.pem")
	if err := os.WriteFile(key, sim.PrivateKey(), 0o600); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	cfg := fmt.Sprintf(`github:
  v3_api_url: %s
  app:
    integration_id: %d
    private_key: %s
server:
  address: 127.0.0.1
  port: %d
  shutdown_timeout: 20s
%sschedule:
  remind_every: 0s
  digest: false
`, sim.URL(), sim.AppID(), key, port, serverExtra)
	path := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, port
}

// startServe starts `mentorbot serve` with writeConfig's configuration.
func startServe(t testing.TB, sim *githubsim.Server, serverExtra string, args ...string) *serveProcess {
	t.Helper()
	path, port := writeConfig(t, sim, serverExtra)
	return startServeConfig(t, path, port, args...)
}

// startServeConfig starts `mentorbot serve --config path` listening on port,
// with args after the defaults.
func startServeConfig(t testing.TB, path string, port int, args ...string) *serveProcess {
	t.Helper()
	p := &serveProcess{url: fmt.Sprintf("http://127.0.0.1:%d", port), logs: &simbot.SyncBuffer{}}
	if !slices.Contains(args, "--log.level") {
		args = append([]string{"--log.level", "debug"}, args...)
	}
	p.cmd = exec.Command(buildBinary(t), append([]string{"serve", "--config", path}, args...)...)
	p.cmd.Env = append(os.Environ(), "GITHUB_APP_WEBHOOK_SECRET="+simbot.Secret)
	p.cmd.Stdout = p.logs
	p.cmd.Stderr = p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.cmd.Process.Kill(); _ = p.cmd.Wait() })
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get(p.url + "/readyz"); err == nil {
			_ = res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return p
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("mentorbot serve not ready; logs:\n%s", p.logs.String())
	return nil
}

// The binary serves with a config file and the secret from the
// environment, acknowledges a signed ping, and on SIGTERM stops accepting,
// drains what was queued and exits 0. Its logs never contain the key.
func TestServeBinaryLifecycle(t *testing.T) {
	sim := githubsim.NewTest(t, githubsim.Options{})
	sim.AddRepo("octo-org/app", githubsim.RepoOptions{})
	sim.AddInstallation(7, "octo-org", "octo-org/app")
	sim.AddUser("someone", "User")
	sim.AddPull("octo-org/app", githubsim.Pull{Issue: githubsim.Issue{Title: "x", User: "someone"}})
	p := startServe(t, sim, "")

	ping, err := os.ReadFile("../../testdata/webhooks/ping.ping.1.json")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := simbot.NewDelivery(p.url+"/api/github/hook", simbot.Secret, "ping", simbot.NextDeliveryID(), ping)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("ping: %v %v", res, err)
	}
	_ = res.Body.Close()
	// Queue a batch of real events, then stop at once: all are handled.
	for i := 0; i < 20; i++ {
		body := sim.PullRequestEvent("opened", "octo-org/app", 1, "someone")
		req, _ := simbot.NewDelivery(p.url+"/api/github/hook", simbot.Secret, "pull_request", simbot.NextDeliveryID(), body)
		res, err := http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("pull_request: %v %v", res, err)
		}
		_ = res.Body.Close()
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v; logs:\n%s", err, p.logs.Tail(20))
		}
	case <-ctx.Done():
		t.Fatal("did not exit after SIGTERM")
	}
	logs := p.logs.String()
	if !strings.Contains(logs, "queue drained") {
		t.Errorf("no drain log line:\n%s", p.logs.Tail(20))
	}
	if n := strings.Count(logs, `"message":"handling webhook event failed"`); n > 0 {
		t.Errorf("%d events failed:\n%s", n, p.logs.Tail(20))
	}
	keyLine := strings.Split(strings.TrimSpace(string(sim.PrivateKey())), "\n")[1]
	if strings.Contains(logs, keyLine) || strings.Contains(logs, "BEGIN RSA") {
		t.Error("the private key appears in the logs")
	}
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, `"github_delivery_id"`) || l == "" {
			continue
		}
		if strings.Contains(l, `"github_event_type":"pull_request"`) {
			t.Errorf("event log line without delivery id: %s", l)
		}
	}
	if !bytes.Contains([]byte(logs), []byte(`"github_installation_id":7`)) {
		t.Errorf("no log line carries the installation id:\n%s", p.logs.Tail(20))
	}
}

// `mentorbot check-config` reports every problem with its line and exits 1;
// the example policy the repository ships passes.
func TestCheckConfigCommand(t *testing.T) {
	bin := buildBinary(t)
	out, err := exec.Command(bin, "check-config", "../../deploy/mentorbot.yml").CombinedOutput()
	if err != nil {
		t.Fatalf("shipped policy: %v\n%s", err, out)
	}
	broken := filepath.Join(t.TempDir(), "broken.yml")
	if err := os.WriteFile(broken, []byte(`program:
  name: Term
reviews:
  wait: three days
  waitt: 72h
mentees:
  - login: alice
    tracking_issue: thanos-io/thanos-7000
`), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = exec.Command(bin, "check-config", broken).CombinedOutput()
	var ee *exec.ExitError
	if !errorsAs(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("exit = %v, want 1\n%s", err, out)
	}
	for _, want := range []string{"line 4", "line 5", "line 8", "waitt", "tracking_issue"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	// --config also checks the server configuration and warns about a key
	// file that others can read.
	sim := githubsim.NewTest(t, githubsim.Options{})
	// The shipped policy's tracking repository, where the app is installed
	// (check-config --config asks GitHub; see TestCheckConfigTrackingIssues).
	sim.AddOrg("thanos-io")
	sim.AddRepo("thanos-io/thanos", githubsim.RepoOptions{})
	for range 7000 {
		sim.AddIssue("thanos-io/thanos", githubsim.Issue{Title: "issue", User: "someone"})
	}
	sim.AddInstallation(1, "thanos-io", "thanos-io/thanos")
	cfg, _ := writeConfig(t, sim, "")
	key := filepath.Join(filepath.Dir(cfg), "key.pem")
	if err := os.Chmod(key, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "check-config", "--config", cfg, "../../deploy/mentorbot.yml")
	cmd.Env = append(os.Environ(), "GITHUB_APP_WEBHOOK_SECRET="+simbot.Secret)
	out, err = cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "warning: private key file") || !strings.Contains(string(out), "0644") {
		t.Errorf("check-config --config with a 0644 key: %v\n%s", err, out)
	}
}

func errorsAs(err error, target **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError)
	if ok {
		*target = e
	}
	return ok
}
