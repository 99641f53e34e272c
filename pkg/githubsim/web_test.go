package githubsim

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestCheckManifest(t *testing.T) {
	const ok = `{"name":"bot","url":"https://example.com","hook_attributes":{"url":"https://example.com/hook"},` +
		`"redirect_url":"http://127.0.0.1:3000/callback","public":false,` +
		`"default_permissions":{"issues":"write","metadata":"read"},"default_events":["issues","issue_comment"]}`
	for _, tc := range []struct {
		name, manifest, want string
	}{
		{"valid", ok, ""},
		{"not JSON", `name=bot`, "not a JSON object"},
		{"unknown parameter", strings.Replace(ok, `"public"`, `"private"`, 1), `unknown field "private"`},
		{"no name", strings.Replace(ok, `"name":"bot"`, `"name":""`, 1), "Name can't be blank"},
		{"long name", strings.Replace(ok, `"name":"bot"`, `"name":"`+strings.Repeat("b", 35)+`"`, 1), "too long"},
		{"no homepage", strings.Replace(ok, `"url":"https://example.com",`, ``, 1), "Homepage URL"},
		{"no hook", strings.Replace(ok, `"hook_attributes":{"url":"https://example.com/hook"},`, ``, 1), "hook_attributes.url"},
		{"relative redirect", strings.Replace(ok, `http://127.0.0.1:3000/callback`, `/callback`, 1), "redirect_url"},
		{"bad level", strings.Replace(ok, `"issues":"write"`, `"issues":"all"`, 1), "is not read, write or admin"},
		{"event without permission", strings.Replace(ok, `"issues","issue_comment"`, `"issues","pull_request"`, 1), "pull_request need the pull_requests permission"},
		{"always delivered event", strings.Replace(ok, `"issues","issue_comment"`, `"issues","installation"`, 1), "unsupported: installation"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := strings.Join(checkManifest(tc.manifest), "; ")
			if tc.want == "" && errs != "" || !strings.Contains(errs, tc.want) {
				t.Errorf("checkManifest: %q, want %q", errs, tc.want)
			}
		})
	}
}

// The manifest flow's pages as a browser without JavaScript walks them:
// post the form, press the confirmation's button, follow the redirect.
func TestWebManifestFlow(t *testing.T) {
	s := fixture(t, Options{})
	s.SetWebhook("http://127.0.0.1:1/hook", "whsec")
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	manifest := `{"name":"mentorbot-thanos-io","url":"https://example.com","hook_attributes":{"url":"https://example.com/hook","active":true},` +
		`"redirect_url":"http://127.0.0.1:9/callback?x=1","default_permissions":{"issues":"write"},"default_events":["issues"]}`
	res, err := noFollow.PostForm(s.WebURL()+"/organizations/thanos-io/settings/apps/new?state=st4te", url.Values{"manifest": {manifest}})
	if err != nil {
		t.Fatal(err)
	}
	page := body(t, res)
	if res.StatusCode != http.StatusOK || !strings.Contains(page, "Create GitHub App for thanos-io") || !strings.Contains(page, "mentorbot-thanos-io") {
		t.Fatalf("confirmation page: %d\n%s", res.StatusCode, page)
	}
	if posts := s.ManifestPosts(); len(posts) != 1 || posts[0] != (ManifestPost{Org: "thanos-io", State: "st4te", Manifest: manifest}) {
		t.Errorf("ManifestPosts: %+v", posts)
	}
	m := regexp.MustCompile(`action="([^"]+)"[^>]*>\s*<input type="hidden" name="pending" value="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no confirmation form:\n%s", page)
	}
	res, err = noFollow.PostForm(s.WebURL()+m[1], url.Values{"pending": {m[2]}})
	if err != nil {
		t.Fatal(err)
	}
	_ = body(t, res)
	loc, err := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != http.StatusFound || err != nil {
		t.Fatalf("confirmation: %d, Location %q", res.StatusCode, res.Header.Get("Location"))
	}
	q := loc.Query()
	if loc.Host != "127.0.0.1:9" || loc.Path != "/callback" || q.Get("x") != "1" || q.Get("state") != "st4te" || q.Get("code") == "" {
		t.Errorf("redirect: %s", loc)
	}
	// The code converts once, through the API.
	for i, want := range []int{http.StatusCreated, http.StatusNotFound} {
		res, err := http.Post(s.URL()+"app-manifests/"+q.Get("code")+"/conversions", "application/json", nil)
		if err != nil {
			t.Fatal(err)
		}
		_ = body(t, res)
		if res.StatusCode != want {
			t.Errorf("conversion %d: %d, want %d", i+1, res.StatusCode, want)
		}
	}
	// A second press of the same button creates nothing.
	res, err = noFollow.PostForm(s.WebURL()+m[1], url.Values{"pending": {m[2]}})
	if err != nil {
		t.Fatal(err)
	}
	_ = body(t, res)
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("second confirmation: %d", res.StatusCode)
	}
	if v := s.Violations(); len(v) != 1 || !strings.Contains(v[0], "no app being created") {
		t.Errorf("violations: %q", v)
	}
	s.mu.Lock()
	s.violations = nil // seen; NewTest's cleanup would report it
	s.mu.Unlock()
}

// A manifest GitHub would refuse, or an unknown org, gets an error page and
// is a violation; with DropManifestState the redirect lacks the state.
func TestWebManifestRefusals(t *testing.T) {
	s, err := New(Options{PrivateKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	s.AddOrg("octo-org")
	valid := `{"name":"b","url":"https://e.com","hook_attributes":{"url":"https://e.com/h"},"redirect_url":"http://127.0.0.1:9/cb"}`
	for _, tc := range []struct {
		org, manifest string
		status        int
	}{
		{"octo-org", `{"name":"b"}`, http.StatusUnprocessableEntity},
		{"no-such-org", valid, http.StatusNotFound},
	} {
		res, err := http.PostForm(s.WebURL()+"/organizations/"+tc.org+"/settings/apps/new?state=x", url.Values{"manifest": {tc.manifest}})
		if err != nil {
			t.Fatal(err)
		}
		page := body(t, res)
		if res.StatusCode != tc.status || !strings.Contains(page, "<li>") {
			t.Errorf("%s %s: %d\n%s", tc.org, tc.manifest, res.StatusCode, page)
		}
	}
	if v := s.Violations(); len(v) != 2 {
		t.Errorf("violations: %q", v)
	}

	s.DropManifestState(true)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noFollow.PostForm(s.WebURL()+"/organizations/octo-org/settings/apps/new?state=x", url.Values{"manifest": {valid}})
	if err != nil {
		t.Fatal(err)
	}
	pending := regexp.MustCompile(`name="pending" value="([^"]+)"`).FindStringSubmatch(body(t, res))
	if pending == nil {
		t.Fatal("no confirmation form")
	}
	res, err = noFollow.PostForm(s.WebURL()+"/organizations/octo-org/settings/apps", url.Values{"pending": {pending[1]}})
	if err != nil {
		t.Fatal(err)
	}
	_ = body(t, res)
	if loc, _ := url.Parse(res.Header.Get("Location")); loc == nil || loc.Query().Has("state") || loc.Query().Get("code") == "" {
		t.Errorf("redirect with DropManifestState: %q", res.Header.Get("Location"))
	}
}

// body reads and closes a response's body.
func body(t *testing.T, res *http.Response) string {
	t.Helper()
	defer func() { _ = res.Body.Close() }()
	return readAll(t, res.Body)
}
