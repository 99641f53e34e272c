package githubsim

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"
)

func TestAuth(t *testing.T) {
	s := fixture(t, Options{})
	otherKey, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	app := fmt.Sprint(s.AppID())
	good := mintJWT(t, s.PrivateKey(), app, now.Add(-30*time.Second), now.Add(2*time.Minute))
	tok := instToken(t, s, instThanos)

	tests := []struct {
		name, method, path, auth string
		want                     int
		wantMsg                  string
	}{
		{"app jwt", "GET", "/app", "Bearer " + good, 200, ""},
		{"no auth on /app", "GET", "/app", "", 401, "A JSON web token could not be decoded"},
		{"wrong key", "GET", "/app", "Bearer " + mintJWT(t, otherKey, app, now, now.Add(time.Minute)), 401, "A JSON web token could not be decoded"},
		{"expired", "GET", "/app", "Bearer " + mintJWT(t, s.PrivateKey(), app, now.Add(-20*time.Minute), now.Add(-11*time.Minute)), 401, "Expiration time"},
		{"exp too far", "GET", "/app", "Bearer " + mintJWT(t, s.PrivateKey(), app, now, now.Add(time.Hour)), 401, "Expiration time"},
		{"iat in the future", "GET", "/app", "Bearer " + mintJWT(t, s.PrivateKey(), app, now.Add(5*time.Minute), now.Add(6*time.Minute)), 401, "Issued at"},
		{"wrong iss", "GET", "/app", "Bearer " + mintJWT(t, s.PrivateKey(), "999", now, now.Add(time.Minute)), 401, "Integration not found"},
		{"token on /app", "GET", "/app", "token " + tok, 401, ""},
		{"jwt on repo", "GET", "/repos/thanos-io/thanos", "Bearer " + good, 401, ""},
		{"token on repo", "GET", "/repos/thanos-io/thanos", "token " + tok, 200, ""},
		{"bearer token on repo", "GET", "/repos/thanos-io/thanos", "Bearer " + tok, 200, ""},
		{"bad token", "GET", "/repos/thanos-io/thanos", "token ghs_nope", 401, "Bad credentials"},
		{"no auth on repo", "GET", "/repos/thanos-io/thanos", "", 401, "Requires authentication"},
		{"jwt for unknown installation token", "POST", "/app/installations/999/access_tokens", "Bearer " + good, 404, ""},
		{"repo installation", "GET", "/repos/thanos-io/thanos/installation", "Bearer " + good, 200, ""},
		{"org installation", "GET", "/orgs/thanos-io/installation", "Bearer " + good, 200, ""},
		{"rate limit without auth", "GET", "/rate_limit", "", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := do(t, s, tt.method, tt.path, tt.auth, "", nil)
			if resp.StatusCode != tt.want {
				t.Fatalf("status = %d, want %d: %s", resp.StatusCode, tt.want, body)
			}
			if resp.StatusCode >= 400 {
				var e struct {
					Message string `json:"message"`
					Doc     string `json:"documentation_url"`
				}
				if err := json.Unmarshal(body, &e); err != nil || e.Message == "" || e.Doc == "" {
					t.Errorf("error body %s is not GitHub's shape", body)
				}
				if !strings.Contains(e.Message, tt.wantMsg) {
					t.Errorf("message = %q, want it to contain %q", e.Message, tt.wantMsg)
				}
			}
			if resp.Header.Get("X-RateLimit-Limit") == "" {
				t.Errorf("no rate limit headers")
			}
		})
	}
}

func TestAccessTokenResponse(t *testing.T) {
	s := fixture(t, Options{})
	now := time.Now()
	jwtTok := mintJWT(t, s.PrivateKey(), fmt.Sprint(s.AppID()), now, now.Add(time.Minute))
	resp, body := do(t, s, "POST", fmt.Sprintf("/app/installations/%d/access_tokens", instThanos), "Bearer "+jwtTok, "null", nil)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	var tok github.InstallationToken
	if err := json.Unmarshal(body, &tok); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok.GetToken(), "ghs_") {
		t.Errorf("token = %q", tok.GetToken())
	}
	if d := time.Until(tok.GetExpiresAt().Time); d < 59*time.Minute || d > time.Hour {
		t.Errorf("expires in %v, want an hour", d)
	}

	// A body with a field the description does not define is refused.
	resp, _ = do(t, s, "POST", fmt.Sprintf("/app/installations/%d/access_tokens", instThanos), "Bearer "+jwtTok, `{"repos":["x"]}`, nil)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("unknown field: status %d, want 422", resp.StatusCode)
	}
	if v := s.Violations(); len(v) != 1 {
		t.Errorf("violations = %q, want one", v)
	}
	s.violations = nil // Expected; keep NewTest's cleanup quiet.
}

func TestTokenScoping(t *testing.T) {
	s := fixture(t, Options{})
	s.AddOrg("prometheus", "promdev")
	s.AddRepo("prometheus/prometheus", RepoOptions{})
	s.AddRepo("prometheus/alertmanager", RepoOptions{})
	s.AddInstallation(22, "prometheus", "prometheus/prometheus")
	ctx := context.Background()
	prom := installationClient(t, s, 22)

	if _, _, err := prom.Repositories.Get(ctx, "prometheus", "prometheus"); err != nil {
		t.Errorf("own repo: %v", err)
	}
	for _, name := range []string{"alertmanager"} {
		if _, _, err := prom.Repositories.Get(ctx, "prometheus", name); statusOf(err) != 404 {
			t.Errorf("repo outside the selection: err = %v, want 404", err)
		}
	}
	if _, _, err := prom.Repositories.Get(ctx, "thanos-io", "thanos"); statusOf(err) != 404 {
		t.Errorf("other installation's repo: err = %v, want 404", err)
	}
	if member, _, err := prom.Organizations.IsMember(ctx, "thanos-io", "maintainer1"); member || err != nil {
		t.Errorf("other org's membership visible: %v, %v", member, err)
	}
	repos, _, err := prom.Apps.ListRepos(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if repos.GetTotalCount() != 1 || repos.Repositories[0].GetFullName() != "prometheus/prometheus" {
		t.Errorf("installation repos = %d %v", repos.GetTotalCount(), repos.Repositories)
	}

	// An "all repositories" installation sees repositories added later.
	s.AddRepo("thanos-io/objstore", RepoOptions{})
	th := installationClient(t, s, instThanos)
	if _, _, err := th.Repositories.Get(ctx, "thanos-io", "objstore"); err != nil {
		t.Errorf("new repo in all-repos installation: %v", err)
	}
}

func TestAppEndpoints(t *testing.T) {
	s := fixture(t, Options{})
	ctx := context.Background()
	app := appClient(t, s)
	a, _, err := app.Apps.Get(ctx, "")
	if err != nil || a.GetSlug() != "mentorbot" || a.GetID() != s.AppID() {
		t.Fatalf("get app = %v, %v", a, err)
	}
	insts, _, err := app.Apps.ListInstallations(ctx, nil)
	if err != nil || len(insts) != 1 || insts[0].GetAccount().GetLogin() != "thanos-io" {
		t.Fatalf("installations = %v, %v", insts, err)
	}
	inst, _, err := app.Apps.FindRepositoryInstallation(ctx, "thanos-io", "thanos")
	if err != nil || inst.GetID() != instThanos {
		t.Fatalf("repo installation = %v, %v", inst, err)
	}
	if _, _, err := app.Apps.FindOrganizationInstallation(ctx, "nope"); statusOf(err) != 404 {
		t.Errorf("unknown org installation: %v", err)
	}
}

func TestManifestConversion(t *testing.T) {
	s := fixture(t, Options{})
	s.SetWebhook("http://127.0.0.1:1/hook", "s3cret")
	s.AddManifestCode("abc123")
	ctx := context.Background()
	gh := github.NewClient(nil)
	base, err := url.Parse(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	gh.BaseURL = base
	cfg, _, err := gh.Apps.CompleteAppManifest(ctx, "abc123")
	if err != nil {
		t.Fatalf("convert: %v", err)
	}
	if cfg.GetID() != s.AppID() || cfg.GetSlug() != "mentorbot" || cfg.GetWebhookSecret() != "s3cret" || cfg.GetPEM() != string(s.PrivateKey()) || cfg.GetClientID() == "" {
		t.Errorf("config = %+v", cfg)
	}
	if _, _, err := gh.Apps.CompleteAppManifest(ctx, "abc123"); statusOf(err) != 404 {
		t.Errorf("second use: %v, want 404", err)
	}
}
