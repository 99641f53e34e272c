package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestShippedConfigParses(t *testing.T) {
	data, err := os.ReadFile("../../config.yml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse(data)
	if err != nil {
		t.Fatalf("config.yml: %v", err)
	}
	if c.GitHub.V3APIURL != "https://api.github.com/" || c.Server.Port != 8080 || c.Schedule.RemindEvery != time.Hour || !c.Schedule.Digest {
		t.Errorf("unexpected values: %+v", c)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		wantErr string
		check   func(t *testing.T, c Config)
	}{
		{name: "empty file keeps defaults", yaml: "", check: func(t *testing.T, c Config) {
			if c.Server.QueueSize != 1000 || c.Server.Workers != 8 || c.Schedule.RemindEvery != time.Hour {
				t.Errorf("defaults not applied: %+v", c.Server)
			}
		}},
		{name: "unknown key names key and line", yaml: "server:\n  port: 1\n  prot: 2\n", wantErr: "line 3: field prot not found"},
		{name: "unknown top-level key", yaml: "github: {}\nschedul:\n  digest: true\n", wantErr: "line 2: field schedul not found"},
		{name: "bad duration", yaml: "schedule:\n  remind_every: often\n", wantErr: "line 2"},
		{name: "remind disabled", yaml: "schedule:\n  remind_every: 0s\n  digest: false\n", check: func(t *testing.T, c Config) {
			if c.Schedule.RemindEvery != 0 || c.Schedule.Digest {
				t.Errorf("schedule = %+v", c.Schedule)
			}
		}},
		{name: "unverified body slots and read timeouts", yaml: "server:\n  max_unverified_bodies: 2\n  spill_dir: /var/tmp\n  read_header_timeout: 5s\n  read_timeout: 20s\n", check: func(t *testing.T, c Config) {
			if c.Server.MaxUnverifiedBodies != 2 || c.Server.SpillDir != "/var/tmp" || c.Server.ReadHeaderTimeout != 5*time.Second || c.Server.ReadTimeout != 20*time.Second {
				t.Errorf("server = %+v", c.Server)
			}
			if d := Default().Server; d.MaxUnverifiedBodies != 4 || d.ReadHeaderTimeout != 10*time.Second || d.ReadTimeout != time.Minute {
				t.Errorf("defaults = %+v", d)
			}
		}},
		{name: "github section is go-githubapp's", yaml: "github:\n  v3_api_url: http://127.0.0.1:9/\n  app:\n    integration_id: 7\n", check: func(t *testing.T, c Config) {
			if c.GitHub.V3APIURL != "http://127.0.0.1:9/" || c.GitHub.App.IntegrationID != 7 {
				t.Errorf("github = %+v", c.GitHub)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse([]byte(tc.yaml))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, c)
		})
	}
}

func TestLoadEnvOverridesAndValidation(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(path, []byte("github:\n  v3_api_url: https://api.github.com/\n  app:\n    integration_id: 1\n    webhook_secret: from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// No key anywhere: every missing secret is named.
	t.Setenv("GITHUB_APP_PRIVATE_KEY", "")
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "private_key is required") {
		t.Fatalf("err = %v", err)
	}
	t.Setenv("GITHUB_APP_WEBHOOK_SECRET", "from-env")
	t.Setenv("GITHUB_APP_PRIVATE_KEY", "-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----")
	t.Setenv("GITHUB_APP_INTEGRATION_ID", "42")
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.GitHub.App.WebhookSecret != "from-env" || c.GitHub.App.IntegrationID != 42 {
		t.Errorf("environment did not override: %+v", c.GitHub.App)
	}
	key, err := c.PrivateKey()
	if err != nil || !strings.HasPrefix(string(key), "-----BEGIN") {
		t.Errorf("inline key: %q %v", key, err)
	}
	c.Server.MaxUnverifiedBodies, c.Server.ReadTimeout = 0, 0
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "max_unverified_bodies") || !strings.Contains(err.Error(), "read_timeout") {
		t.Errorf("zero body slots and read timeout: %v", err)
	}
	// An empty secret is refused: go-github would accept unsigned payloads.
	t.Setenv("GITHUB_APP_WEBHOOK_SECRET", "")
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "webhook_secret is required") {
		t.Fatalf("empty secret accepted: %v", err)
	}
}

func TestKeyFileWarning(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "key.pem")
	if err := os.WriteFile(key, []byte("-----BEGIN RSA PRIVATE KEY-----\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := Default()
	c.GitHub.App.PrivateKey = key
	if w := c.KeyFileWarning(); !strings.Contains(w, "0644") {
		t.Errorf("warning = %q", w)
	}
	if err := os.Chmod(key, 0o600); err != nil {
		t.Fatal(err)
	}
	if w := c.KeyFileWarning(); w != "" {
		t.Errorf("warning for 0600 = %q", w)
	}
}
