package e2e

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/pkg/config"
	"github.com/thanos-community/mentorbot/pkg/githubsim"
	"github.com/thanos-community/mentorbot/pkg/setup"
	"github.com/thanos-community/mentorbot/pkg/simbot"
)

// `mentorbot setup` end to end against the simulator: the page posts the
// manifest to the org's new-app page, GitHub's redirect (played by a GET to
// the callback with a code the simulator knows) is converted into the app's
// ID, key and webhook secret, the files are written with mode 0600, and
// `mentorbot serve` runs with the written config.yml.
func TestSetupManifestFlow(t *testing.T) {
	bin := buildBinary(t)
	sim := githubsim.NewTest(t, githubsim.Options{AppID: 4242, AppSlug: "mentorbot-octo-org"})
	sim.AddRepo("octo-org/.github", githubsim.RepoOptions{})
	sim.AddInstallation(9, "octo-org", "octo-org/.github")
	const secret = "whsec-from-github"
	sim.SetWebhook("http://127.0.0.1:1/unused", secret)
	sim.AddManifestCode("code-123")

	dir := t.TempDir()
	out := filepath.Join(dir, "config.yml")
	cmd, addr, stdout := startSetup(t, bin, "--org", "octo-org", "--url", "https://bot.example.com/api/github/hook",
		"--github", "https://github.example.com", "--api", sim.URL(), "--out", out)

	// The page: a form posting the manifest to the org's new-app page.
	page := get(t, "http://"+addr+"/", http.StatusOK)
	action := regexp.MustCompile(`<form action="([^"]+)" method="post">`).FindStringSubmatch(page)
	if action == nil {
		t.Fatalf("no form on the page:\n%s", page)
	}
	u, err := url.Parse(html.UnescapeString(action[1]))
	if err != nil {
		t.Fatal(err)
	}
	if got := u.Scheme + "://" + u.Host + u.Path; got != "https://github.example.com/organizations/octo-org/settings/apps/new" {
		t.Errorf("form posts to %s", got)
	}
	state := u.Query().Get("state")
	if state == "" {
		t.Fatal("no state in the form's action")
	}
	raw := regexp.MustCompile(`name="manifest" value="([^"]+)"`).FindStringSubmatch(page)
	if raw == nil {
		t.Fatalf("no manifest field on the page:\n%s", page)
	}
	var m setup.Manifest
	if err := json.Unmarshal([]byte(html.UnescapeString(raw[1])), &m); err != nil {
		t.Fatalf("manifest field is not JSON: %v", err)
	}
	want := setup.NewManifest("mentorbot-octo-org", "https://bot.example.com/api/github/hook", "http://"+addr+"/callback")
	if fmt.Sprint(m) != fmt.Sprint(want) {
		t.Errorf("manifest on the page:\n%+v\nwant\n%+v", m, want)
	}
	if m.Public || !m.HookAttributes.Active || m.RedirectURL != "http://"+addr+"/callback" {
		t.Errorf("manifest: public %v, hook active %v, redirect %q", m.Public, m.HookAttributes.Active, m.RedirectURL)
	}

	// A redirect with the wrong state is refused and converts nothing.
	get(t, "http://"+addr+"/callback?code=code-123&state=forged", http.StatusBadRequest)
	// GitHub's redirect.
	done := get(t, "http://"+addr+"/callback?code=code-123&state="+url.QueryEscape(state), http.StatusOK)
	if !strings.Contains(done, "ID 4242") {
		t.Errorf("callback page: %q", done)
	}
	waitExit(t, cmd, 10*time.Second)
	if !strings.Contains(stdout.String(), "installations/new") {
		t.Errorf("setup did not say how to install the app:\n%s", stdout.String())
	}

	checkSetupWrote(t, bin, sim, out, secret)

	// The code was used: GitHub's codes are single use.
	res, err := http.Post(sim.URL()+"app-manifests/code-123/conversions", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("a second conversion of the code got %d", res.StatusCode)
	}
}

// setup refuses to overwrite an existing config.yml (the repository root
// has the commented example) unless --force.
func TestSetupRefusesToOverwrite(t *testing.T) {
	out := filepath.Join(t.TempDir(), "config.yml")
	if err := os.WriteFile(out, []byte("# mine\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(buildBinary(t), "setup", "--org", "octo-org", "--out", out, "--addr", "127.0.0.1:0")
	b, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(b), "exists") {
		t.Errorf("setup over an existing file: %v\n%s", err, b)
	}
	if data, _ := os.ReadFile(out); string(data) != "# mine\n" {
		t.Error("setup changed the existing file")
	}
}

// get fetches u and checks the status.
func get(t *testing.T, u string, status int) string {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != status {
		t.Fatalf("GET %s: %d, want %d:\n%s", u, res.StatusCode, status, b)
	}
	return string(b)
}

func waitExit(t *testing.T, cmd *exec.Cmd, timeout time.Duration) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("setup exited with %v", err)
		}
	case <-time.After(timeout):
		t.Fatal("setup did not exit after the redirect")
	}
}

func waitReady(base string, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if res, err := http.Get(base + "/readyz"); err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			_ = res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return true
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// startSetup starts `mentorbot setup` with args and a free --addr, waits
// for its first line (the page's address) and returns the process, the
// address and its output so far.
func startSetup(t *testing.T, bin string, args ...string) (*exec.Cmd, string, *simbot.SyncBuffer) {
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	cmd := exec.Command(bin, append(append([]string{"setup"}, args...), "--addr", addr)...)
	var stdout, stderr simbot.SyncBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _, _ = cmd.Process.Wait() })
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(stdout.String(), "\n") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if first, _, _ := strings.Cut(stdout.String(), "\n"); !strings.Contains(first, "http://"+addr+"/") {
		t.Fatalf("setup's first line should point at the page: %q (stderr %s)", first, stderr.String())
	}
	return cmd, addr, &stdout
}

// checkSetupWrote checks what a finished setup run against sim wrote to out
// and next to it: config.yml and the app's key, both mode 0600, a config
// that loads and names the simulator's app, and that `mentorbot serve`
// runs with it and accepts a ping signed with the webhook secret.
func checkSetupWrote(t *testing.T, bin string, sim *githubsim.Server, out, secret string) {
	t.Helper()
	dir := filepath.Dir(out)
	key := filepath.Join(dir, strings.TrimSuffix(sim.BotLogin(), "[bot]")+".private-key.pem")
	for _, p := range []string{out, key} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %04o, want 0600", p, st.Mode().Perm())
		}
	}
	if pem, _ := os.ReadFile(key); strings.TrimSpace(string(pem)) != strings.TrimSpace(string(sim.PrivateKey())) {
		t.Error("the key file is not the app's private key")
	}
	cfg, err := config.Load(out)
	if err != nil {
		t.Fatalf("config.Load of the written config: %v", err)
	}
	if cfg.GitHub.App.IntegrationID != sim.AppID() || cfg.GitHub.App.WebhookSecret != secret || cfg.GitHub.App.PrivateKey != key || cfg.GitHub.V3APIURL != sim.URL() {
		t.Errorf("written github section: %+v", cfg.GitHub)
	}
	if w := cfg.KeyFileWarning(); w != "" {
		t.Errorf("key file warning: %s", w)
	}

	// `mentorbot serve` runs with it. The test only moves the listen address
	// to a free loopback port; everything else is as setup wrote it.
	data, _ := os.ReadFile(out)
	port := freePort(t)
	edited := strings.Replace(strings.Replace(string(data), "address: 0.0.0.0", "address: 127.0.0.1", 1), "port: 8080", fmt.Sprintf("port: %d", port), 1)
	if edited == string(data) {
		t.Fatal("written config has no server address and port to move")
	}
	if err := os.WriteFile(out, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	serveURL := fmt.Sprintf("http://127.0.0.1:%d", port)
	var logs simbot.SyncBuffer
	srv := exec.Command(bin, "serve", "--config", out)
	srv.Stdout, srv.Stderr = &logs, &logs
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Process.Kill(); _ = srv.Wait() })
	if !waitReady(serveURL, 20*time.Second) {
		t.Fatalf("mentorbot serve with the written config is not ready; logs:\n%s", logs.String())
	}
	ping, err := os.ReadFile("../../testdata/webhooks/ping.ping.1.json")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := simbot.NewDelivery(serveURL+"/api/github/hook", secret, "ping", simbot.NextDeliveryID(), ping)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("a ping signed with the written secret got %d", res.StatusCode)
	}
}
