package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"gopkg.in/yaml.v3"

	"github.com/thanos-community/mentorbot/pkg/githubsim"
	"github.com/thanos-community/mentorbot/pkg/setup"
)

// `mentorbot setup` as the person creating the app meets it: in Chromium,
// with the simulator's github.com receiving the form. The page must show
// the org, the permissions and events and a button; the button must post
// deploy/github-app.yml's manifest with the run's state; GitHub's redirect
// back must carry that state and a code that setup converts into config.yml
// and the key (mode 0600), which `serve` starts with; and the last page
// must say where the files went and link to the app's installation.
func TestSetupInBrowser(t *testing.T) {
	chromium := chromiumPath(t)
	bin := buildBinary(t)
	deployYAML, err := os.ReadFile("../../deploy/github-app.yml")
	if err != nil {
		t.Fatal(err)
	}
	const (
		org     = "octo-org"
		slug    = "mentorbot-octo-org"
		hookURL = "https://bot.example.com/api/github/hook"
		secret  = "whsec-from-github"
	)
	newSim := func(t *testing.T) *githubsim.Server {
		sim := githubsim.NewTest(t, githubsim.Options{AppID: 4242, AppSlug: slug})
		sim.AddOrg(org, "owner")
		sim.AddRepo(org+"/.github", githubsim.RepoOptions{})
		sim.AddInstallation(9, org, org+"/.github")
		sim.SetWebhook("http://127.0.0.1:1/unused", secret)
		return sim
	}
	// toGitHub opens setup's page, checks what it shows, presses its button
	// and checks the simulator's confirmation page; it returns the state the
	// form carried.
	toGitHub := func(t *testing.T, b *browser, sim *githubsim.Server, pageURL, out string) string {
		t.Helper()
		b.navigate(pageURL)
		if h1 := b.text(chromedp.CSS("h1")); !strings.Contains(h1, org) {
			t.Errorf("the page's heading does not name the org: %q", h1)
		}
		if text := b.text(chromedp.CSS("body")); !strings.Contains(text, out) {
			t.Errorf("the page does not say it writes %s:\n%s", out, text)
		}
		var m setup.Manifest
		if err := yaml.Unmarshal(deployYAML, &m); err != nil {
			t.Fatal(err)
		}
		perms := lines(b.text(chromedp.CSS("#permissions")))
		var want []string
		for p, level := range m.DefaultPermissions {
			want = append(want, p+": "+level)
		}
		sort.Strings(want)
		if !reflect.DeepEqual(perms, want) {
			t.Errorf("the page lists the permissions %q, deploy/github-app.yml has %q", perms, want)
		}
		if events := lines(b.text(chromedp.CSS("#events"))); !reflect.DeepEqual(events, m.DefaultEvents) {
			t.Errorf("the page lists the events %q, deploy/github-app.yml has %q", events, m.DefaultEvents)
		}
		if button := b.text(chromedp.CSS("form button")); button != "Create the GitHub App on "+org {
			t.Errorf("button: %q", button)
		}
		action := b.attribute(chromedp.CSS("form"), "action")
		u, err := url.Parse(action)
		if err != nil {
			t.Fatal(err)
		}
		state := u.Query().Get("state")
		if state == "" {
			t.Fatalf("the form's action %s has no state", action)
		}

		b.click(chromedp.CSS("form button"))
		if loc := b.location(); !strings.HasPrefix(loc, sim.WebURL()+"/organizations/"+org+"/settings/apps/new?") {
			t.Fatalf("the button led to %s, not the org's new-app page", loc)
		}
		if h1 := b.text(chromedp.CSS("h1")); h1 != "Create GitHub App for "+org {
			t.Fatalf("GitHub's page: %q", h1)
		}
		posts := sim.ManifestPosts()
		if len(posts) != 1 {
			t.Fatalf("the simulator received %d manifests, want 1", len(posts))
		}
		if posts[0].Org != org || posts[0].State != state {
			t.Errorf("the simulator received org %q state %q, the form had %q %q", posts[0].Org, posts[0].State, org, state)
		}
		if err := deployManifestDiff(deployYAML, posts[0].Manifest, slug, hookURL, strings.TrimSuffix(pageURL, "/")+"/callback"); err != nil {
			t.Error(err)
		}
		if name := b.text(chromedp.CSS("#app-name")); name != slug {
			t.Errorf("GitHub shows the app name %q, want %q", name, slug)
		}
		return state
	}

	t.Run("creates the app", func(t *testing.T) {
		sim := newSim(t)
		out := filepath.Join(t.TempDir(), "config.yml")
		cmd, addr, stdout := startSetup(t, bin, "--org", org, "--url", hookURL,
			"--github", sim.WebURL(), "--api", sim.URL(), "--out", out)
		b := newBrowser(t, chromium)
		state := toGitHub(t, b, sim, "http://"+addr+"/", out)

		b.click(chromedp.CSS("form button"))
		back, err := url.Parse(b.location())
		if err != nil {
			t.Fatal(err)
		}
		if back.Host != addr || back.Path != "/callback" || back.Query().Get("code") == "" {
			t.Fatalf("GitHub's redirect landed on %s, want setup's callback with a code", back)
		}
		if got := back.Query().Get("state"); got != state {
			t.Errorf("the redirect carried state %q, the form %q", got, state)
		}
		if h1 := b.text(chromedp.CSS("h1")); h1 != "Created the GitHub App "+slug+" (ID 4242)" {
			t.Errorf("success page heading: %q", h1)
		}
		key := filepath.Join(filepath.Dir(out), slug+".private-key.pem")
		files := b.text(chromedp.CSS("#files"))
		for _, p := range []string{out, key} {
			if !strings.Contains(files, p) {
				t.Errorf("the success page does not say it wrote %s:\n%s", p, files)
			}
		}
		if href := b.attribute(chromedp.CSS("#install"), "href"); href != "https://github.com/apps/"+slug+"/installations/new" {
			t.Errorf("install link: %q", href)
		}
		if text := b.text(chromedp.CSS("#install")); text != "Install the app on "+org {
			t.Errorf("install link text: %q", text)
		}
		if text := b.text(chromedp.CSS("body")); !strings.Contains(text, "mentorbot serve --config "+out) {
			t.Errorf("the success page does not say how to start the server:\n%s", text)
		}
		waitExit(t, cmd, 10*time.Second)
		if !strings.Contains(stdout.String(), "installations/new") {
			t.Errorf("setup did not say how to install the app:\n%s", stdout.String())
		}
		checkSetupWrote(t, bin, sim, out, secret)
	})

	// The state is what ties GitHub's redirect to this run of setup: a
	// redirect without it is refused and writes nothing.
	t.Run("refuses a redirect without its state", func(t *testing.T) {
		sim := newSim(t)
		sim.DropManifestState(true)
		out := filepath.Join(t.TempDir(), "config.yml")
		_, addr, _ := startSetup(t, bin, "--org", org, "--url", hookURL,
			"--github", sim.WebURL(), "--api", sim.URL(), "--out", out)
		b := newBrowser(t, chromium)
		toGitHub(t, b, sim, "http://"+addr+"/", out)

		b.click(chromedp.CSS("form button"))
		back, err := url.Parse(b.location())
		if err != nil {
			t.Fatal(err)
		}
		if back.Host != addr || back.Query().Has("state") {
			t.Fatalf("the simulator was to redirect to setup without a state, got %s", back)
		}
		if text := b.text(chromedp.CSS("body")); !strings.Contains(text, "state does not match this setup run") {
			t.Errorf("setup's answer to a redirect without state:\n%s", text)
		}
		if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("setup wrote %s after a redirect without state (stat: %v)", out, err)
		}
		// setup still waits for a redirect with the right state.
		if page := get(t, "http://"+addr+"/", http.StatusOK); !strings.Contains(page, "Create the GitHub App on "+org) {
			t.Errorf("setup's page after the refused redirect:\n%s", page)
		}
	})
}

// deployManifestDiff says how the manifest a browser posted differs from
// deploy/github-app.yml. The fields setup fills in for each run (the name,
// the webhook URL and the redirect back to itself) must be the given ones;
// everything else must be the file's.
func deployManifestDiff(deployYAML []byte, posted, name, hookURL, redirectURL string) error {
	var file, got map[string]any
	if err := yaml.Unmarshal(deployYAML, &file); err != nil {
		return fmt.Errorf("deploy/github-app.yml: %w", err)
	}
	if err := json.Unmarshal([]byte(posted), &got); err != nil {
		return fmt.Errorf("the posted manifest is not a JSON object: %w", err)
	}
	fileHook, _ := file["hook_attributes"].(map[string]any)
	gotHook, _ := got["hook_attributes"].(map[string]any)
	if fileHook == nil || gotHook == nil {
		return fmt.Errorf("hook_attributes missing: file %v, posted %v", file["hook_attributes"], got["hook_attributes"])
	}
	var errs []error
	for _, f := range []struct {
		field    string
		got, run any
	}{
		{"name", got["name"], name},
		{"hook_attributes.url", gotHook["url"], hookURL},
		{"redirect_url", got["redirect_url"], redirectURL},
	} {
		if f.got != f.run {
			errs = append(errs, fmt.Errorf("the posted manifest's %s is %v, want %v", f.field, f.got, f.run))
		}
	}
	got["name"], gotHook["url"] = file["name"], fileHook["url"]
	delete(got, "redirect_url")
	if !reflect.DeepEqual(got, file) {
		g, _ := json.MarshalIndent(got, "", "  ")
		f, _ := json.MarshalIndent(file, "", "  ")
		errs = append(errs, fmt.Errorf("the posted manifest differs from deploy/github-app.yml beyond the run's name, webhook and redirect URLs:\nposted (run's fields replaced by the file's):\n%s\ndeploy/github-app.yml:\n%s", g, f))
	}
	return errors.Join(errs...)
}

// The comparison the browser test relies on catches a manifest that drifted
// from deploy/github-app.yml: each mutated copy of the file must fail it.
func TestDeployManifestDiff(t *testing.T) {
	deployYAML, err := os.ReadFile("../../deploy/github-app.yml")
	if err != nil {
		t.Fatal(err)
	}
	const (
		name     = "mentorbot-octo-org"
		hook     = "https://bot.example.com/api/github/hook"
		redirect = "http://127.0.0.1:3000/callback"
	)
	posted, err := json.Marshal(setup.NewManifest(name, hook, redirect))
	if err != nil {
		t.Fatal(err)
	}
	if err := deployManifestDiff(deployYAML, string(posted), name, hook, redirect); err != nil {
		t.Fatalf("setup's own manifest: %v", err)
	}
	for _, tc := range []struct{ name, old, new string }{
		{"a permission more", "  metadata: read\n", "  metadata: read\n  actions: read\n"},
		{"a permission level", "  contents: read\n", "  contents: write\n"},
		{"an event less", "  - pull_request_review\n", ""},
		{"public", "public: false", "public: true"},
		{"the description", "the routine of", "the rituals of"},
		{"the webhook inactive", "active: true", "active: false"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mutated := strings.Replace(string(deployYAML), tc.old, tc.new, 1)
			if mutated == string(deployYAML) {
				t.Fatalf("deploy/github-app.yml has no %q to mutate", tc.old)
			}
			if err := deployManifestDiff([]byte(mutated), string(posted), name, hook, redirect); err == nil {
				t.Error("a manifest that differs from the mutated file passed")
			}
		})
	}
	for _, tc := range []struct{ name, n, h, r string }{
		{"another name", "mentorbot", hook, redirect},
		{"another webhook", name, "https://elsewhere.example.com/hook", redirect},
		{"another redirect", name, hook, "http://127.0.0.1:3001/callback"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := deployManifestDiff(deployYAML, string(posted), tc.n, tc.h, tc.r); err == nil {
				t.Error("a run field that differs passed")
			}
		})
	}
}

// chromiumPath finds Chromium: $MENTORBOT_CHROMIUM, else chromium or
// chromium-browser on PATH. Without it the browser test skips, except in
// CI (CI set), where a missing browser is a broken install step.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("MENTORBOT_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const msg = "Chromium not found: install it (Debian: apt-get install -y --no-install-recommends chromium; .ci/run does) or set MENTORBOT_CHROMIUM to its path"
	if os.Getenv("CI") != "" {
		t.Fatal(msg + " (CI is set, so the browser test fails instead of skipping)")
	}
	t.Skip(msg)
	return ""
}

// browser is one headless Chromium with a fresh profile, closed at the end
// of the test. Every step has its own timeout and ends the test on error.
type browser struct {
	t   *testing.T
	ctx context.Context
}

// stepTimeout bounds one browser step: loading a local page takes
// milliseconds, but the machine may be busy compiling.
const stepTimeout = 30 * time.Second

func newBrowser(t *testing.T, chromium string) *browser {
	t.Helper()
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox, // as root in CI; the pages are the test's own
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1024, 900),
	)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first Run starts the browser and binds it to ctx, which has no
	// timeout; steps get theirs from contexts derived from it.
	sctx, scancel := context.WithTimeout(context.Background(), stepTimeout)
	defer scancel()
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("start Chromium (%s): %v", chromium, err)
		}
	case <-sctx.Done():
		t.Fatalf("Chromium (%s) did not start in %s", chromium, stepTimeout)
	}
	b := &browser{t: t, ctx: ctx}
	// Registered after the browser's cleanup, so it runs before it.
	t.Cleanup(b.screenshotOnFailure)
	return b
}

// screenshotOnFailure saves the page a failed test ended on, and logs its
// address and text. The screenshot goes to $MENTORBOT_SCREENSHOTS if set
// (t.TempDir() is removed with the test), else to the test's temp dir.
func (b *browser) screenshotOnFailure() {
	if !b.t.Failed() {
		return
	}
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	text, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
	b.t.Logf("the browser ended on %s:\n%s", loc, text)
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("screenshot: %v", err)
		return
	}
	dir := os.Getenv("MENTORBOT_SCREENSHOTS")
	if dir == "" {
		dir = b.t.TempDir()
	}
	p := filepath.Join(dir, strings.NewReplacer("/", "_", " ", "_").Replace(b.t.Name())+".screenshot.png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.t.Logf("screenshot: %v", err)
		return
	}
	b.t.Logf("screenshot: %s", p)
}

func run[T any](b *browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("browser: %s: %v", what, err)
	}
	return v
}

func (b *browser) navigate(u string) {
	b.t.Helper()
	res := run(b, "open "+u, chromedp.NavigateResponse(u))
	if res.Status != 200 {
		b.t.Fatalf("browser: open %s: status %d", u, res.Status)
	}
}

// click presses the element and waits for the page it leads to.
func (b *browser) click(sel chromedp.CSS) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(sel)); err != nil {
		b.t.Fatalf("browser: click %s: %v", sel, err)
	}
}

func (b *browser) text(sel chromedp.CSS) string {
	b.t.Helper()
	return strings.TrimSpace(run(b, fmt.Sprintf("text of %v", sel), chromedp.Text(sel)))
}

func (b *browser) location() string {
	b.t.Helper()
	return run(b, "location", chromedp.Location())
}

func (b *browser) attribute(sel chromedp.CSS, name string) string {
	b.t.Helper()
	a := run(b, fmt.Sprintf("%s of %v", name, sel), chromedp.AttributeValue(sel, name))
	if !a.Exists {
		b.t.Fatalf("browser: %v has no %s", sel, name)
	}
	return a.Value
}

// lines splits a list's visible text into its items.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
