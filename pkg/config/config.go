// Package config loads the server configuration (config.yml): how to reach
// GitHub and how to serve. It is deliberately separate from the policy
// (mentorbot.yml), which says what the bot does and lives in GitHub.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/palantir/go-githubapp/githubapp"
	"gopkg.in/yaml.v3"
)

// Config is the whole server configuration.
type Config struct {
	// GitHub is go-githubapp's section, unchanged, so v3_api_url can point at
	// GitHub Enterprise Server or the local simulator.
	GitHub   githubapp.Config `yaml:"github"`
	Server   Server           `yaml:"server"`
	Schedule Schedule         `yaml:"schedule"`
}

// Server configures the HTTP server and the webhook queue.
type Server struct {
	Address string `yaml:"address"`
	Port    int    `yaml:"port"`
	// QueueSize bounds the webhook events waiting for a worker; a full queue
	// answers 503 so GitHub records the delivery as failed.
	QueueSize int `yaml:"queue_size"`
	// Workers handle queued events concurrently.
	Workers int `yaml:"workers"`
	// MaxBodyBytes bounds a webhook body; GitHub caps payloads at 25 MB.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// MaxUnverifiedBodies bounds the large webhook bodies (over 256 KiB or
	// of unknown length) read at once before their signature is checked,
	// and eight times as many small ones; past it a request waits briefly,
	// then gets 503. Each holds at most 256 KiB of memory; the rest of a
	// large body spills to a file in SpillDir until it is verified.
	MaxUnverifiedBodies int `yaml:"max_unverified_bodies"`
	// SpillDir holds spilled bodies; empty means $TMPDIR or /tmp.
	SpillDir string `yaml:"spill_dir"`
	// ReadHeaderTimeout and ReadTimeout bound how long a client may take to
	// send its request headers and its whole request.
	ReadHeaderTimeout time.Duration `yaml:"read_header_timeout"`
	ReadTimeout       time.Duration `yaml:"read_timeout"`
	// ShutdownTimeout bounds the drain of queued events on SIGTERM.
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
	// GitHubTimeout bounds each GitHub API request; handlers run on contexts
	// not tied to the webhook request, so without it a stuck call hangs a worker.
	GitHubTimeout time.Duration `yaml:"github_timeout"`
	// HandlerTimeout bounds the handling of one webhook event.
	HandlerTimeout time.Duration `yaml:"handler_timeout"`
}

// Schedule configures the sweeps that run inside serve.
type Schedule struct {
	// RemindEvery is the period of the review-wait sweep; 0 disables it (for
	// example when a Kubernetes CronJob runs `mentorbot remind`).
	RemindEvery time.Duration `yaml:"remind_every"`
	// Digest turns the weekly digest inside serve on or off.
	Digest bool `yaml:"digest"`
}

// Default returns the configuration a file is applied onto.
func Default() Config {
	return Config{
		Server: Server{
			Address:         "0.0.0.0",
			Port:            8080,
			QueueSize:       1000,
			Workers:         8,
			MaxBodyBytes:    25 << 20,
			ShutdownTimeout: 30 * time.Second,
			GitHubTimeout:   30 * time.Second,
			HandlerTimeout:  5 * time.Minute,

			MaxUnverifiedBodies: 4,
			ReadHeaderTimeout:   10 * time.Second,
			ReadTimeout:         60 * time.Second,
		},
		Schedule: Schedule{
			RemindEvery: time.Hour,
			Digest:      true,
		},
	}
}

// Load reads path, applies it onto Default, then the GITHUB_* environment
// variables (go-githubapp's names), and validates the result.
func Load(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("read server config: %w", err)
	}
	c, err := Parse(data)
	if err != nil {
		return Config{}, fmt.Errorf("server config %s: %w", path, err)
	}
	c.GitHub.SetValuesFromEnv("")
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("server config %s: %w", path, err)
	}
	return c, nil
}

// Parse decodes data strictly: an unknown key is an error naming the key and
// its line.
func Parse(data []byte) (Config, error) {
	c := Default()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return Config{}, fmt.Errorf("parse: %w", err)
	}
	return c, nil
}

// Validate reports every problem at once.
func (c Config) Validate() error {
	var errs []string
	if c.GitHub.V3APIURL == "" {
		errs = append(errs, "github.v3_api_url is required (https://api.github.com/ for github.com)")
	}
	if c.GitHub.App.IntegrationID <= 0 {
		errs = append(errs, "github.app.integration_id is required (or GITHUB_APP_INTEGRATION_ID)")
	}
	// go-github accepts an unsigned delivery when the secret is empty: refuse
	// to start rather than serve unauthenticated webhooks.
	if c.GitHub.App.WebhookSecret == "" {
		errs = append(errs, "github.app.webhook_secret is required (or GITHUB_APP_WEBHOOK_SECRET)")
	}
	if c.GitHub.App.PrivateKey == "" {
		errs = append(errs, "github.app.private_key is required (or GITHUB_APP_PRIVATE_KEY)")
	}
	if c.Server.Port < 0 || c.Server.Port > 65535 {
		errs = append(errs, fmt.Sprintf("server.port %d is not a port", c.Server.Port))
	}
	if c.Server.QueueSize < 1 {
		errs = append(errs, "server.queue_size must be at least 1")
	}
	if c.Server.Workers < 1 {
		errs = append(errs, "server.workers must be at least 1")
	}
	if c.Server.MaxBodyBytes < 1 {
		errs = append(errs, "server.max_body_bytes must be positive")
	}
	if c.Server.MaxUnverifiedBodies < 1 {
		errs = append(errs, "server.max_unverified_bodies must be at least 1")
	}
	if c.Server.ReadHeaderTimeout <= 0 || c.Server.ReadTimeout <= 0 {
		errs = append(errs, "server.read_header_timeout and server.read_timeout must be positive")
	}
	if c.Schedule.RemindEvery < 0 {
		errs = append(errs, "schedule.remind_every must not be negative (0s disables)")
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "; "))
	}
	return nil
}

// PrivateKey returns the PEM bytes of the app's key. The key may be given
// inline or, for files mounted from a Secret, as a path to a PEM file.
func (c Config) PrivateKey() ([]byte, error) {
	k := strings.TrimSpace(c.GitHub.App.PrivateKey)
	if strings.HasPrefix(k, "-----BEGIN") {
		return []byte(k + "\n"), nil
	}
	data, err := os.ReadFile(k)
	if err != nil {
		return nil, fmt.Errorf("read private key file: %w", err)
	}
	return data, nil
}

// KeyFileWarning returns a warning when the private key is a file that
// others may read.
func (c Config) KeyFileWarning() string {
	k := strings.TrimSpace(c.GitHub.App.PrivateKey)
	if k == "" || strings.HasPrefix(k, "-----BEGIN") {
		return ""
	}
	st, err := os.Stat(k)
	if err != nil {
		return ""
	}
	if st.Mode().Perm()&0o077 != 0 {
		return fmt.Sprintf("private key file %s has mode %04o; make it 0600 so only mentorbot can read it", k, st.Mode().Perm())
	}
	return ""
}

// ListenAddr is host:port for net.Listen.
func (c Config) ListenAddr() string {
	return fmt.Sprintf("%s:%d", c.Server.Address, c.Server.Port)
}
